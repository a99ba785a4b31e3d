"""What a participant does with their own records: complete a module version, list completions."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import BadRequest
from chalicelib.identity import Caller
from chalicelib.library import (
    DEFAULT_LOCALE,
    ModuleLibrary,
    check_locale,
    check_module_id,
    curriculum_version,
    parse_version,
)
from chalicelib.records.completions import Completion, CompletionRecords


def record_completion(
    caller: Caller,
    module_id: str,
    version: int,
    library: ModuleLibrary,
    completions: CompletionRecords,
    answers: Any = None,
    locale: str = DEFAULT_LOCALE,
) -> tuple[Completion, bool, list[dict]]:
    """Record that ``caller`` completed this exact version, with optional knowledge-check answers.

    ``version`` is a version of ``locale``. A translation is recorded as the English version it
    was published with (``source_version``), so groups see one curriculum whatever language
    each person reads, with ``read_in`` saying which translation was read.

    Returns ``(completion, created, feedback)``: ``feedback`` says, per question of the stored
    completion, whether the answer was right, the right answer and its explanation. Raises
    ``NotFound`` for a version never published, ``BadRequest`` for answers that do not fit.
    """
    module_id = check_module_id(module_id)
    version = parse_version(version)
    locale = check_locale(locale)
    document = library.version(module_id, version, locale).document
    questions = document.get("knowledge_check", [])
    check = grade(questions, answers) if answers is not None else None
    read_in = {"locale": locale, "version": version} if locale != DEFAULT_LOCALE else None
    version = curriculum_version(document)
    completion, created = completions.record(caller.id, module_id, version, check, read_in)
    given = completion.knowledge_check["answers"] if completion.knowledge_check else None
    return completion, created, feedback(questions, given) if given is not None else []


def grade(questions: list[dict], answers: Any) -> dict:
    """Check answers on the server (participants never receive the right answers up front)."""
    if not questions:
        raise BadRequest("This module has no knowledge check.", code="invalid_answers")
    if (
        not isinstance(answers, list)
        or len(answers) != len(questions)
        or any(isinstance(a, bool) or not isinstance(a, int) for a in answers)
        or any(not 0 <= a < len(q["choices"]) for a, q in zip(answers, questions, strict=True))
    ):
        raise BadRequest(
            f"answers is a list of {len(questions)} choice numbers, one per question, counting from 0.",
            code="invalid_answers",
        )
    correct = sum(1 for a, q in zip(answers, questions, strict=True) if a == q["answer"])
    return {"answers": answers, "correct": correct, "total": len(questions)}


def feedback(questions: list[dict], answers: list[int]) -> list[dict]:
    return [
        {"correct": a == q["answer"], "answer": q["answer"], "explanation": q["explanation"]}
        for a, q in zip(answers, questions, strict=True)
    ]


def list_completions(
    caller: Caller, completions: CompletionRecords, page_token: str | None, limit: int
) -> tuple[list[Completion], str | None]:
    """One page of the caller's own completions."""
    return completions.list(caller.id, page_token=page_token, limit=limit)
