"""What a participant does with their own records: complete a module version, list completions."""

from __future__ import annotations

from chalicelib.identity import Caller
from chalicelib.library import ModuleLibrary, check_module_id, parse_version
from chalicelib.records.completions import Completion, CompletionRecords


def record_completion(
    caller: Caller,
    module_id: str,
    version: int,
    library: ModuleLibrary,
    completions: CompletionRecords,
) -> tuple[Completion, bool]:
    """Record that ``caller`` completed this exact version; raises ``NotFound`` if it was never published."""
    module_id = check_module_id(module_id)
    version = parse_version(version)
    library.version(module_id, version)  # cached after first sight: versions never change
    return completions.record(caller.id, module_id, version)


def list_completions(
    caller: Caller, completions: CompletionRecords, page_token: str | None, limit: int
) -> tuple[list[Completion], str | None]:
    """One page of the caller's own completions."""
    return completions.list(caller.id, page_token=page_token, limit=limit)
