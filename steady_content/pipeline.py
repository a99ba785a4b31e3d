"""The content pipeline as named stages: load → check → render → sanitise → document.

``lint`` runs every check over a content folder: the per-module rules of
``steady_content.rules``, the per-track rules of ``steady_content.tracks``, then the
folder-wide rules registered here. Every rule, and every code, is in
``steady_content.registry``. ``build`` turns one clean module into the immutable
version document that ``steady_content.publish`` writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES, PLAN_SECTIONS, TOPICS
from steady_content import (
    body,
    frontmatter,
    history,
    images,
    lockfile,
    rules,
    tracks,
    worksheets,
)
from steady_content.links import module_link
from steady_content.problems import ContentError, Problem
from steady_content.registry import Check, Rule, check_registered, declare, rule, run
from steady_content.render import render
from steady_content.sanitize import sanitize
from steady_content.tracks import Track


@dataclass
class Module:
    """A module file that passed the per-file rules."""

    source: frontmatter.Source
    module_id: str
    version: int
    locale: str
    sha256: str
    # The images beside it that it shows, read once (hashed here, embedded by ``build``).
    pictures: tuple[images.Image, ...] = ()

    @classmethod
    def of(cls, source: frontmatter.Source) -> Module:
        """The module of a parsed source (the caller has checked it)."""
        meta = source.meta
        meta.setdefault("locale", DEFAULT_LOCALE)
        pictures = tuple(images.local_images(source))
        return cls(
            source,
            meta["id"],
            meta["version"],
            meta["locale"],
            source_hash(meta, source.body, pictures),
            pictures,
        )

    @classmethod
    def versioned(cls, source: frontmatter.Source) -> Module | None:
        """The module of a source that may have problems, if its id, version and locale can
        be read (for the version checks); None otherwise. ``meta`` is left as it is."""
        meta = source.meta
        module_id, version = meta.get("id"), meta.get("version")
        locale = meta.get("locale", DEFAULT_LOCALE)
        if not isinstance(module_id, str) or locale not in LOCALES:
            return None
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        pictures = tuple(images.local_images(source))
        sha256 = source_hash(meta, source.body, pictures)
        return cls(source, module_id, version, locale, sha256, pictures)

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
    tracks: list[Track] = field(default_factory=list)
    # Every file checked, clean or not, as problems show its path.
    module_files: list[str] = field(default_factory=list)
    track_files: list[str] = field(default_factory=list)
    # Module files whose id, version or locale cannot be read: the version checks skip them.
    unversioned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def with_problems(self, files: list[str]) -> int:
        """How many of ``files`` have at least one problem."""
        return len(set(files) & {p.path for p in self.problems})

    def summary(self) -> str:
        """'56 modules (1 with problems) and 5 tracks checked, 4 problems': every file
        checked is counted, clean or not."""
        parts = []
        for files, noun in ((self.module_files, "module"), (self.track_files, "track")):
            part = _count(len(files), noun)
            broken = self.with_problems(files)
            if broken:
                part += f" ({broken} with problems)"
            parts.append(part)
        return f"{parts[0]} and {parts[1]} checked, {_count(len(self.problems), 'problem')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass
class LintContext:
    """What cross-file rules see: everything that was loaded, and every file on disk."""

    content_dir: Path
    sources: list[frontmatter.Source]  # every module file that parsed, clean or not
    modules: list[Module]  # the clean ones
    tracks: list[Track]
    module_files: set[str]  # shown path of every module file in content_dir, normalised
    lock: dict[str, dict[str, dict[str, Any]]]
    # Every module that parsed with a usable id, version and locale, clean or not: the
    # version checks (VB001, VB002, VB004, WS020, WS021) read only those fields and the text,
    # so an author hears about a missing bump in the same round as the module's other problems.
    versioned: list[Module] = field(default_factory=list)


NOT_UTF8 = declare("FM004", "the file is not UTF-8 text")


def folder_rule(code: str, summary: str) -> Callable[[Check], Rule]:
    """Register a folder-wide rule (it sees a ``LintContext``) under ``code``."""
    return rule(code, summary, stage="folder")


def display_path(path: Path) -> str:
    """``path`` as problems show it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def discover(content_dir: Path) -> list[Path]:
    """Every module file: ``content/<topic>/<id>.md`` (and translations ``<id>.<locale>.md``)."""
    return sorted(p for topic in TOPICS for p in (content_dir / topic).glob("*.md"))


def file_locale(path: str) -> tuple[str, str | None]:
    """``(id, locale)`` from a module file name: ``x.md`` is English, ``x.es.md`` Spanish."""
    parts = PurePosixPath(path).name.split(".")
    if len(parts) == 2:
        return parts[0], DEFAULT_LOCALE
    return parts[0], parts[1] if len(parts) == 3 else None


def source_hash(meta: dict[str, Any], body: str, pictures: Sequence[images.Image] = ()) -> str:
    """sha256 of what participants see: every field except ``review``, the body, and the
    bytes of every image it shows (a module without images hashes as it always did).

    Approving a module (a change to ``review``) is not a content change and needs no bump.
    """
    shown = {k: v for k, v in meta.items() if k != "review"}
    canonical = (
        json.dumps(_text_keys(shown), sort_keys=True, default=str, ensure_ascii=False) + "\n" + body
    )
    for picture in pictures:
        canonical += f"\n{picture.target} {picture.sha256}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text_keys(value: Any) -> Any:
    """``value`` with every mapping key as text, so that ``json.dumps`` can sort them.

    A module whose keys are all text (every module that lint passes) is left as it is, so its
    hash never changes. A key YAML read as a number, null, true or a date (FM015) would make
    sorting fail; such a module is never locked, and its hash only has to exist for the
    version checks that run beside its other problems.
    """
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_keys(v) for v in value]
    return value


def parse(path: Path) -> tuple[frontmatter.Source | None, list[Problem]]:
    """Stage 1 for one file: read and split it (FM001-FM004)."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, NOT_UTF8.code, "the file is not UTF-8 text")]
    return frontmatter.split(shown, text)


def load(path: Path) -> tuple[Module | None, list[Problem]]:
    """Stages 1-2 for one file: parse and run the per-file rules."""
    source, problems = parse(path)
    if source is None:
        return None, problems
    problems = rules.check(source)
    return (None, problems) if problems else (Module.of(source), [])


def lint(content_dir: Path, paths: list[Path] | None = None) -> LintResult:
    """Run every rule: per file (modules and tracks), then the cross-file rules.

    With ``paths``, only those files are checked (``.md`` modules, ``.yaml`` tracks); links
    and track entries still resolve against every module file in ``content_dir``.
    """
    module_paths = (
        discover(content_dir) if paths is None else [p for p in paths if p.suffix == ".md"]
    )
    track_paths = (
        tracks.discover(content_dir)
        if paths is None
        else [p for p in paths if p.suffix in tracks.SUFFIXES]
    )
    result = LintResult()
    sources = []
    versioned = []
    for path in module_paths:
        source, problems = parse(path)
        if source is not None:
            sources.append(source)
            problems = rules.check(source)
            if not problems:
                result.modules.append(Module.of(source))
                versioned.append(result.modules[-1])
            else:
                module = Module.versioned(source)
                if module is not None:
                    versioned.append(module)
        if source is None or not versioned or versioned[-1].source is not source:
            result.unversioned.append(display_path(path))
        result.problems.extend(problems)
        result.module_files.append(display_path(path))
    for path in track_paths:
        track, problems = tracks.load(path, display_path(path))
        result.problems.extend(problems)
        result.track_files.append(display_path(path))
        if track is not None:
            result.tracks.append(track)
    context = LintContext(
        content_dir,
        sources,
        result.modules,
        result.tracks,
        {posixpath.normpath(display_path(p)) for p in discover(content_dir)},
        lockfile.read(content_dir),
        versioned,
    )
    result.problems.extend(run("folder", context))
    result.problems.sort()
    check_registered(result.problems)
    return result


@folder_rule("ID001", "the id is used by another module (in the same locale)")
def duplicate_ids(context: LintContext) -> Iterator[Problem]:
    seen: dict[tuple[str, str], Module] = {}
    for module in context.modules:
        key = (module.module_id, module.locale)
        if key in seen:
            yield Problem(
                module.path,
                module.source.line_of("id"),
                "ID001",
                f"id '{module.module_id}' is already used by {seen[key].path}",
            )
        else:
            seen[key] = module


def _locked(
    context: LintContext, modules: list[Module] | None = None
) -> Iterator[tuple[Module, dict[str, Any] | None]]:
    """Each module (default: each clean one) with its entry in the version lock (or None)."""
    for module in context.modules if modules is None else modules:
        yield module, context.lock.get(module.module_id, {}).get(module.locale)


@folder_rule("VB001", "the text changed without a version bump")
def version_bumped(context: LintContext) -> Iterator[Problem]:
    for module, locked in _locked(context, context.versioned):
        if locked is not None and module.version == locked["version"]:
            if module.sha256 != locked["sha256"]:
                yield Problem(
                    module.path,
                    module.source.line_of("version"),
                    "VB001",
                    f"the text changed but version is still {module.version}: "
                    "bump the version and add a changelog",
                )


@folder_rule("VB002", "the version is lower than the locked version")
def version_not_lowered(context: LintContext) -> Iterator[Problem]:
    for module, locked in _locked(context, context.versioned):
        if locked is not None and module.version < locked["version"]:
            yield Problem(
                module.path,
                module.source.line_of("version"),
                "VB002",
                f"version {module.version} is lower than the locked version {locked['version']}",
            )


@folder_rule("VB003", "the version is not in the version lock (run 'steady-content lock')")
def version_locked(context: LintContext) -> Iterator[Problem]:
    for module, locked in _locked(context):
        if locked is None:
            message = "not in the version lock: run 'steady-content lock' and commit it"
        elif module.version > locked["version"]:
            message = (
                f"version {module.version} is not in the version lock: "
                "run 'steady-content lock' and commit it"
            )
        else:
            continue
        yield Problem(module.path, module.source.line_of("version"), "VB003", message)


@folder_rule("VB004", "a new version keeps the changelog of the version before")
def changelog_rewritten(context: LintContext) -> Iterator[Problem]:
    # Group leaders read the changelog to learn what changed mid-cohort; a bump that leaves
    # the previous line in place tells them something that is not true. The lock records
    # versions, not changelogs, so the previous one is read from the file's Git history, and
    # only for a version not yet locked: lock refuses it, so it never reaches a pull request.
    for module, locked in _locked(context, context.versioned):
        changelog = module.meta.get("changelog")
        if locked is None or module.version <= locked["version"]:
            continue
        if not isinstance(changelog, str) or not changelog.strip():
            continue  # FM030 (or FM011) says it is missing
        try:
            earlier = history.revisions(Path(module.path)).get(locked["version"])
        except (history.HistoryError, ValueError):
            continue  # not in Git (a scratch folder): nothing to compare with
        if earlier is None or _words(earlier.changelog) != _words(changelog):
            continue
        yield Problem(
            module.path,
            module.source.line_of("changelog"),
            "VB004",
            f"the changelog is still the one of version {locked['version']} "
            f'("{changelog.strip()}"): say in one line what changed in version {module.version}',
        )


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


@folder_rule("LK001", "a link to a module that does not exist")
def module_links_resolve(context: LintContext) -> Iterator[Problem]:
    for source in context.sources:
        for link in body.links(source):
            target = None if link.image else module_link(link.target)
            if target is not None and target.resolve(source.path) not in context.module_files:
                yield Problem(
                    source.path,
                    link.line,
                    "LK001",
                    f"no module at '{target.file}' (link to modules as ../topic/id.md, "
                    "relative to this file)",
                    link.col,
                )


@folder_rule("LK003", "a link to a section (#...) that the module does not have")
def section_links_resolve(context: LintContext) -> Iterator[Problem]:
    # A browser ignores a #section that is not on the page: the participant is left at the
    # top of the lesson (or of the other one), and nothing says the link is broken.
    by_path = {source.path: source for source in context.sources}
    sections: dict[str, list[str]] = {}
    for source in context.sources:
        for link in body.links(source):
            if link.image:
                continue
            if link.target.startswith("#"):
                where, fragment = source.path, link.target[1:]
            else:
                target = module_link(link.target)
                if target is None or not target.fragment:
                    continue
                where, fragment = target.resolve(source.path), target.fragment
                if where not in context.module_files:
                    continue  # LK001 says so
            if not fragment:
                continue
            if where not in sections:
                sections[where] = _section_ids(by_path.get(where) or parse(Path(where))[0])
            if fragment in sections[where]:
                continue
            named = "this module" if where == source.path else f"'{where}'"
            known = ", ".join(f"#{s}" for s in sections[where]) or "none"
            yield Problem(
                source.path,
                link.line,
                "LK003",
                f"no section '#{fragment}' in {named}: a section is its heading in lowercase "
                f"with hyphens; its sections are {known}",
                link.col,
            )


def _section_ids(source: frontmatter.Source | None) -> list[str]:
    """The ids of the headings of ``source`` as published (``#why-sleep-matters``)."""
    if source is None:
        return []
    return re.findall(r'<h[1-6] id="([^"]+)"', render(source.body).html)


@folder_rule("TL001", "a translation without its English original")
def translations_have_an_original(context: LintContext) -> Iterator[Problem]:
    for source in context.sources:
        locale, module_id = source.meta.get("locale", DEFAULT_LOCALE), source.meta.get("id")
        if locale == DEFAULT_LOCALE or locale not in LOCALES or not isinstance(module_id, str):
            continue
        beside = posixpath.normpath(
            posixpath.join(posixpath.dirname(source.path), f"{module_id}.md")
        )
        if beside in context.module_files:
            continue
        elsewhere = sorted(
            f for f in context.module_files if PurePosixPath(f).name == f"{module_id}.md"
        )
        hint = f": it is {elsewhere[0]}; keep the translation beside it" if elsewhere else ""
        yield Problem(
            source.path,
            source.line_of("locale"),
            "TL001",
            f"translation '{module_id}' needs its English original at {beside}{hint}",
        )


@folder_rule("TR030", "a track lists a module that does not exist (in its locale)")
def track_modules_exist(context: LintContext) -> Iterator[Problem]:
    available = {file_locale(f) for f in context.module_files}
    for track in context.tracks:
        for i, module_id in enumerate(track.modules):
            if (module_id, track.locale) in available:
                continue
            message = f"module '{module_id}' does not exist"
            if track.locale != DEFAULT_LOCALE and (module_id, DEFAULT_LOCALE) in available:
                message = f"module '{module_id}' has no '{track.locale}' translation"
            yield Problem(track.path, track.line_of("modules", i), "TR030", message)


# --- Worksheets across versions, translations and the whole library ------------------------


def _mentions(text: str, words: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", text, re.IGNORECASE))


@rule(
    "WS020", "a worksheet field removed, renamed or changed without a version bump", stage="folder"
)
def worksheet_fields_kept_within_a_version(context: LintContext) -> Iterator[Problem]:
    for module, gone, locked in _changed_fields(context):
        if module.version != locked["version"]:
            continue
        for field_id in gone:
            yield Problem(
                module.path,
                module.source.line_of("version"),
                "WS020",
                f"field '{field_id}' is in version {module.version} as published: removing, "
                "renaming or changing a field needs a new version, and a changelog saying what "
                "happens to earlier answers",
            )


@rule(
    "WS021",
    "a new version drops a worksheet field without saying what happens to answers",
    stage="folder",
)
def worksheet_changes_are_in_the_changelog(context: LintContext) -> Iterator[Problem]:
    for module, gone, locked in _changed_fields(context):
        if module.version <= locked["version"]:
            continue
        changelog = module.meta.get("changelog") or ""
        for field_id in gone:
            label = locked["fields"][field_id].get("label", "")
            if _mentions(changelog, field_id) or (label and label.lower() in changelog.lower()):
                continue
            yield Problem(
                module.path,
                module.source.line_of("changelog" if "changelog" in module.meta else "version"),
                "WS021",
                f"field '{field_id}' of version {locked['version']} was removed, renamed or "
                f"changed: say in the changelog what happens to earlier answers to '{field_id}' "
                f'(for example "{field_id} is now ...; earlier answers stay in your plan")',
            )


def _changed_fields(context: LintContext) -> Iterator[tuple[Module, list[str], dict[str, Any]]]:
    """Modules whose locked worksheet has fields that are now gone or of another kind."""
    for module in context.versioned:
        locked = context.lock.get(module.module_id, {}).get(module.locale)
        if not locked or not locked.get("fields"):
            continue
        worksheet = worksheets.parse(module.source)
        if worksheet.problems:
            continue  # a worksheet that cannot be read (WS001...) has not lost its fields
        now = {f.id: f.kind for f in worksheet.fields}
        gone = [
            field_id
            for field_id, was in sorted(locked["fields"].items())
            if now.get(field_id) != was.get("kind")
        ]
        if gone:
            yield module, gone, locked


@rule("WS040", "a section of the plan that no module's worksheet feeds", stage="folder")
def every_plan_section_is_fed(context: LintContext) -> Iterator[Problem]:
    # A curriculum (a content folder with tracks) must be able to build a whole plan; a folder
    # of a few modules (an author's scratch folder, a test) is not judged on it.
    if not tracks.discover(context.content_dir):
        return
    # The whole library, whatever files were asked for: read every module file on disk.
    fed: set[str] = set()
    first: tuple[str, int] | None = None
    for path in discover(context.content_dir):
        source, _ = parse(path)
        if source is None:
            continue
        for item in worksheets.parse(source).fields:
            if first is None:
                first = (source.path, item.line)
            if item.plan:
                fed.add(item.plan)
    if first is None:
        return  # no worksheet anywhere yet: there is no plan to build
    for section in PLAN_SECTIONS:
        if section not in fed:
            yield Problem(
                first[0],
                first[1],
                "WS040",
                f"no module's worksheet feeds the plan section '{section}': add a field with "
                f"'plan: {section}' to a worksheet (every section of the plan needs one)",
            )


@rule(
    "WS050", "a translation's worksheet fields differ from its English original's", stage="folder"
)
def translated_worksheets_match(context: LintContext) -> Iterator[Problem]:
    for source, original in _translations(context):
        mine, theirs = worksheets.parse(source), worksheets.parse(original)
        english = theirs.by_id()
        extra = [item for item in mine.fields if item.id not in english]
        missing = [i for i in theirs.ids if i not in set(mine.ids)]
        renamed = _renamed_field(mine, theirs, extra, missing)
        if renamed is not None:
            # The usual mistake: the id was translated with its label. One line, at the id.
            yield Problem(
                source.path,
                renamed.line_of("id"),
                "WS050",
                f"rename '{renamed.id}' back to '{missing[0]}': field ids stay as in the "
                f"English original {original.path}; only labels are translated",
            )
            continue
        for item in extra:
            yield Problem(
                source.path,
                item.line_of("id"),
                "WS050",
                f"field '{item.id}' is not in the English original {original.path}: "
                "a translation has the same field ids",
            )
        if missing:
            line = mine.blocks[0].line if mine.blocks else source.body_line
            yield Problem(
                source.path,
                line,
                "WS050",
                f"missing worksheet field{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)} of the English original "
                f"{original.path}: a translation has the same field ids",
            )


def _renamed_field(
    mine: worksheets.Worksheet,
    theirs: worksheets.Worksheet,
    extra: list[worksheets.Field],
    missing: list[str],
) -> worksheets.Field | None:
    """The translation's field that stands where the English original's only missing field
    is (one field missing, one not in the original, at the same place), or None."""
    if len(extra) != 1 or len(missing) != 1:
        return None
    (field,) = extra
    return field if mine.fields.index(field) == theirs.ids.index(missing[0]) else None


@rule("WS051", "a translated worksheet field is of another kind or plan section", stage="folder")
def translated_fields_match(context: LintContext) -> Iterator[Problem]:
    for source, original in _translations(context):
        english = worksheets.parse(original).by_id()
        for item in worksheets.parse(source).fields:
            other = english.get(item.id)
            if other is None:
                continue
            for name in ("kind", "plan", "max_items"):
                if getattr(item, name) != getattr(other, name):
                    if name == "max_items" and item.kind != other.kind:
                        continue  # the kind is reported; a list's size follows from it
                    yield Problem(
                        source.path,
                        item.line_of(name if name in item.lines else "id"),
                        "WS051",
                        f"field '{item.id}' has {name} {getattr(item, name)!r} but the English "
                        f"original has {getattr(other, name)!r}: answers are kept per field, "
                        "so both languages must ask the same thing",
                    )
            if len(item.choices) != len(other.choices):
                yield Problem(
                    source.path,
                    item.line_of("choices"),
                    "WS051",
                    f"field '{item.id}' has {len(item.choices)} choices but the English "
                    f"original has {len(other.choices)}",
                )


@rule(
    "TL003",
    "text of a translation left as in its English original (not translated)",
    stage="folder",
)
def translation_is_translated(context: LintContext) -> Iterator[Problem]:
    # 'new --locale es' copies the whole English module with one TODO line; deleting that line
    # once the body is translated left the title, summary, knowledge check or worksheet labels
    # in English for Spanish readers, and nothing said so.
    for source, original in _translations(context):
        english = {_words(text) for _, text in _shown_texts(original)}
        for line, text in _shown_texts(source):
            if _word_count(text) >= UNTRANSLATED_MIN_WORDS and _words(text) in english:
                shown = text.strip() if len(text.strip()) <= 60 else text.strip()[:57] + "..."
                yield Problem(
                    source.path,
                    line,
                    "TL003",
                    f"'{shown}' is the same as in the English original {original.path}: "
                    "translate it, or Spanish readers see it in English",
                )


@rule(
    "TL004",
    "a translation's knowledge check has another number of questions than its English original's",
    stage="folder",
)
def translated_check_matches(context: LintContext) -> Iterator[Problem]:
    # A translation is published as the English version beside it (source_version), and a
    # completion of either is one completion of that English version: its answers are read
    # against the other language's questions too, so both must ask as many. Only a version of
    # the translation still to be locked (new, or its text changed) is published with the
    # English as it is now: one already locked as it is keeps the English version it was
    # published with, so the English moving on alone (a question added in an urgent fix) is
    # not refused, and Spanish readers show as having read the older version, which is true.
    settled = {
        module.path
        for module, locked in _locked(context, context.versioned)
        if locked is not None
        and module.version == locked["version"]
        and module.sha256 == locked["sha256"]
    }
    for source, original in _translations(context):
        if source.path in settled:
            continue
        mine = source.meta.get("knowledge_check") or []
        theirs = original.meta.get("knowledge_check") or []
        if not isinstance(mine, list) or not isinstance(theirs, list) or len(mine) == len(theirs):
            continue  # a check that is not a list is KC001's
        yield Problem(
            source.path,
            source.line_of("knowledge_check") if mine else source.line_of("locale"),
            "TL004",
            f"the knowledge check has {_count(len(mine), 'question')} but the English original "
            f"{original.path} has {len(theirs)}: translate every question of the original, "
            "in its order, and no other",
        )


# Shorter texts ("HALT", "SMART goals") may rightly read the same in both languages.
UNTRANSLATED_MIN_WORDS = 3
_FRONT_MATTER_SHOWN = ("title", "summary", "changelog", "objectives", "knowledge_check")
_WORD = re.compile(r"[^\W\d_]+")


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _shown_texts(source: frontmatter.Source) -> Iterator[tuple[int, str]]:
    """Every text a participant reads, with its line: the front matter fields they read
    (not reference titles, names of other works), each body line, each worksheet text."""

    def walk(value: Any, key: tuple[Any, ...]) -> Iterator[tuple[int, str]]:
        if isinstance(value, str):
            yield source.line_of(*key), value
        elif isinstance(value, dict):
            for name, inner in value.items():
                if name != "answer":
                    yield from walk(inner, (*key, name))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                yield from walk(inner, (*key, index))

    for name in _FRONT_MATTER_SHOWN:
        yield from walk(source.meta.get(name), (name,))
    for line in body.lines(source):
        yield line.number, line.text
    for item in worksheets.parse(source).fields:
        yield from item.texts()


def _translations(
    context: LintContext,
) -> Iterator[tuple[frontmatter.Source, frontmatter.Source]]:
    """Each translation that was checked, with its English original (read from disk)."""
    for source in context.sources:
        locale = source.meta.get("locale", DEFAULT_LOCALE)
        module_id = source.meta.get("id")
        if locale == DEFAULT_LOCALE or not isinstance(module_id, str):
            continue
        beside = Path(source.path).parent / f"{module_id}.md"
        if not beside.is_file():
            continue  # TL001 says so
        if beside.resolve() == Path(source.path).resolve():
            continue  # a Spanish module named id.md is not its own original (TL002)
        original, _ = parse(beside)
        if original is not None:
            yield source, original


def lock_entries(modules: list[Module]) -> dict[str, dict[str, dict[str, Any]]]:
    """The version lock for ``modules``: id → locale → {version, sha256, fields?}.

    ``fields`` (field id → kind and label) is there for a module with a worksheet: the next
    version is compared with it (WS020, WS021).
    """
    entries: dict[str, dict[str, dict[str, Any]]] = {}
    for module in modules:
        entry: dict[str, Any] = {"version": module.version, "sha256": module.sha256}
        fields = worksheets.parse(module.source).fields
        if fields:
            entry["fields"] = {f.id: {"kind": f.kind, "label": f.label} for f in fields}
        entries.setdefault(module.module_id, {})[module.locale] = entry
    return entries


# A paragraph no module writes: it stands where the worksheet form goes while the text is
# rendered once more, to find that place in the lesson HTML.
FORM_MARKER = "STEADYWORKSHEETFORMGOESHERE"


def _html(markdown_body: str, pictures: Sequence[images.Image]) -> str:
    """Stages 3-4 for the text: the lesson HTML as published."""
    return images.embed(sanitize(render(markdown_body).html), pictures)


def form_place(
    markdown_body: str,
    html: str,
    sections: Sequence[dict[str, Any]],
    pictures: Sequence[images.Image] = (),
) -> dict[str, int] | None:
    """Where the lesson page shows the worksheet form inside ``html`` (the published lesson
    HTML of ``markdown_body``), or None to keep it after the whole text.

    ``{"html": n, "sections": k}``: the form goes after the first ``n`` characters of ``html``
    (right after the "Try this" box of ``worksheets.form_block``), and its entry in the
    contents list after the first ``k`` of ``sections``. Worked out here, at publish time, by
    rendering the text again with a marker paragraph in place of that worksheet block: the page
    only cuts the stored HTML in two there. None (no split) when the text has nothing after the
    box, or when the two halves would not make exactly ``html`` again.
    """
    block = worksheets.form_block(markdown_body)
    if block is None:
        return None
    lines = markdown_body.splitlines()
    last = block.index + block.end_line - block.line
    marked = "\n".join([*lines[: block.index], "", FORM_MARKER, "", *lines[last + 1 :]]) + "\n"
    before, found, after = _html(marked, pictures).partition(f"<p>{FORM_MARKER}</p>")
    if not found:
        return None
    if after.startswith("\n"):
        after = after[1:]
    elif before.endswith("\n"):
        before = before[:-1]
    if before + after != html or not after.strip():
        return None
    shown = sum(1 for s in sections if f'id="{s["id"]}"' in before)
    return {"html": len(before), "sections": shown}


def build(module: Module, published_at: str | None = None) -> dict[str, Any]:
    """Stages 3-4: the immutable version document for one clean module.

    A module with a worksheet says in ``worksheet.form_at`` where the page shows its form
    (``form_place``); a version published before that was worked out has no ``form_at``, and
    its page shows the form after the whole text.
    """
    body = module.source.body
    rendered = render(body)
    html = images.embed(sanitize(rendered.html), module.pictures)
    worksheet = worksheets.published(body)
    if worksheet is not None:
        place = form_place(body, html, rendered.sections, module.pictures)
        if place is not None:
            worksheet["form_at"] = place
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
        # The fields participants fill in, as data: the web app renders the form from it.
        "worksheet": worksheet,
        "reading_minutes": rendered.reading_minutes,
        "word_count": rendered.word_count,
        "sections": rendered.sections,
        "html": html,
        "sha256": module.sha256,
        "published_at": published_at
        or datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def require_clean(result: LintResult) -> None:
    """Raise ``ContentError`` with the problems, if there are any."""
    if result.problems:
        raise ContentError(result.problems)
