"""The content pipeline as named stages: load → check → render → sanitise → document.

``lint`` runs every check over a content folder; ``build`` turns one clean module into the
immutable version document that ``steady_content.publish`` writes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from steady_content import frontmatter, lockfile, rules
from steady_content.problems import ContentError, Problem
from steady_content.render import render
from steady_content.sanitize import sanitize

DEFAULT_LOCALE = "en"


@dataclass
class Module:
    source: frontmatter.Source
    module_id: str
    version: int
    locale: str
    sha256: str

    @property
    def meta(self) -> dict[str, Any]:
        return self.source.meta

    @property
    def path(self) -> str:
        return self.source.path


@dataclass
class LintResult:
    modules: list[Module] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def discover(content_dir: Path) -> list[Path]:
    """Every module file: ``content/<topic>/<id>.md`` (and translations ``<id>.<locale>.md``)."""
    return sorted(p for topic in rules.TOPICS for p in (content_dir / topic).glob("*.md"))


def source_hash(meta: dict[str, Any], body: str) -> str:
    """sha256 of what participants see: every field except ``review``, plus the body.

    Approving a module (a change to ``review``) is not a content change and needs no bump.
    """
    shown = {k: v for k, v in meta.items() if k != "review"}
    canonical = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False) + "\n" + body
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load(path: Path) -> tuple[Module | None, list[Problem]]:
    """Stages 1-2 for one file: parse and run the per-file rules."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "FM004", "the file is not UTF-8 text")]
    source, problems = frontmatter.split(shown, text)
    if source is None:
        return None, problems
    problems = rules.check(source)
    if problems:
        return None, problems
    meta = source.meta
    meta.setdefault("locale", DEFAULT_LOCALE)
    module = Module(source, meta["id"], meta["version"], meta["locale"], source_hash(meta, source.body))
    return module, []


def lint(content_dir: Path, paths: list[Path] | None = None) -> LintResult:
    """Run every rule: per file, then duplicate ids, then the version lock."""
    result = LintResult()
    for path in paths if paths is not None else discover(content_dir):
        module, problems = load(path)
        result.problems.extend(problems)
        if module is not None:
            result.modules.append(module)
    result.problems.extend(_duplicate_ids(result.modules))
    result.problems.extend(_lock_problems(result.modules, lockfile.read(content_dir)))
    result.problems.sort()
    return result


def _duplicate_ids(modules: list[Module]) -> list[Problem]:
    seen: dict[tuple[str, str], Module] = {}
    found = []
    for module in modules:
        key = (module.module_id, module.locale)
        if key in seen:
            found.append(
                Problem(
                    module.path,
                    module.source.line_of("id"),
                    "ID001",
                    f"id '{module.module_id}' is already used by {seen[key].path}",
                )
            )
        else:
            seen[key] = module
    return found


def _lock_problems(modules: list[Module], lock: dict[str, dict[str, dict]]) -> list[Problem]:
    found = []
    for module in modules:
        locked = lock.get(module.module_id, {}).get(module.locale)
        line = module.source.line_of("version")
        if locked is None:
            found.append(Problem(module.path, line, "VB003", "not in the version lock: run 'make lock-content' and commit it"))
        elif module.version == locked["version"] and module.sha256 != locked["sha256"]:
            found.append(
                Problem(
                    module.path,
                    line,
                    "VB001",
                    f"the text changed but version is still {module.version}: bump the version and add a changelog",
                )
            )
        elif module.version < locked["version"]:
            found.append(
                Problem(module.path, line, "VB002", f"version {module.version} is lower than the locked version {locked['version']}")
            )
        elif module.version > locked["version"]:
            found.append(Problem(module.path, line, "VB003", f"version {module.version} is not in the version lock: run 'make lock-content' and commit it"))
    return found


def lock_entries(modules: list[Module]) -> dict[str, dict[str, dict]]:
    entries: dict[str, dict[str, dict]] = {}
    for module in modules:
        entries.setdefault(module.module_id, {})[module.locale] = {
            "version": module.version,
            "sha256": module.sha256,
        }
    return entries


def build(module: Module, published_at: str | None = None) -> dict[str, Any]:
    """Stages 3-4: the immutable version document for one clean module."""
    rendered = render(module.source.body)
    meta = module.meta
    review = dict(meta["review"])
    if review.get("date") is not None:
        review["date"] = str(review["date"])
    return {
        "id": module.module_id,
        "version": module.version,
        "locale": module.locale,
        "title": meta["title"],
        "topic": meta["topic"],
        "summary": meta["summary"],
        "objectives": list(meta["objectives"]),
        "tags": list(meta["tags"]),
        "review": review,
        "changelog": meta.get("changelog") or "",
        "references": [dict(r) for r in meta["references"]],
        "knowledge_check": [dict(q) for q in meta.get("knowledge_check") or []],
        "reading_minutes": rendered.reading_minutes,
        "word_count": rendered.word_count,
        "sections": rendered.sections,
        "html": sanitize(rendered.html),
        "sha256": module.sha256,
        "published_at": published_at or datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def require_clean(result: LintResult) -> None:
    if result.problems:
        raise ContentError(result.problems)
