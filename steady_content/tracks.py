"""Tracks: ordered lists of modules, one YAML file each in ``content/tracks/``.

```yaml
id: early-recovery               # equals the file name (early-recovery.yaml)
title: Early recovery, weeks 1–4
version: 1                       # bump when the list or the words change
summary: One sentence.
locale: en                       # optional, default en; a Spanish track is <id>.es.yaml
modules:                         # module ids, in reading order
  - how-addiction-changes-the-brain
  - cravings-and-urge-surfing
```

``load`` checks one file (TR0xx schema codes); that every listed module exists is a cross-file
rule (TR030) in ``steady_content.pipeline``. Publishing writes every track of a locale to
``chalicelib.library.tracks_key(locale)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES
from steady_content import frontmatter, rules
from steady_content.problems import Problem

TRACKS_FOLDER = "tracks"
SUFFIXES = (".yaml", ".yml")
REQUIRED = ("id", "title", "version", "summary", "modules")
OPTIONAL = ("locale",)


@dataclass
class Track:
    """A track file that passed its own checks."""

    path: str
    track_id: str
    version: int
    locale: str
    title: str
    summary: str
    modules: list[str]
    lines: dict[tuple, int]

    def line_of(self, *key: Any) -> int:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1

    def entry(self) -> dict[str, Any]:
        """What the service receives for this track (see ``chalicelib.library``)."""
        return {
            "id": self.track_id,
            "title": self.title,
            "summary": self.summary,
            "version": self.version,
            "modules": list(self.modules),
        }


def discover(content_dir: Path) -> list[Path]:
    """Every track file: ``content/tracks/*.yaml``."""
    folder = content_dir / TRACKS_FOLDER
    return sorted(p for suffix in SUFFIXES for p in folder.glob(f"*{suffix}"))


def load(path: Path, shown: str) -> tuple[Track | None, list[Problem]]:
    """Parse and check one track file; ``shown`` is the path printed in problems."""
    try:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "TR001", "the file is not UTF-8 text")]
    try:
        parsed = frontmatter.parse_yaml(text, first_line=1)
    except frontmatter.YamlProblem as problem:
        return None, [Problem(shown, problem.line, "TR001", f"invalid YAML: {problem.reason}")]
    if not isinstance(parsed.data, dict):
        return None, [Problem(shown, 1, "TR001", "a track file must be a mapping of fields")]
    problems = sorted(_check(shown, parsed))
    if problems:
        return None, problems
    data = parsed.data
    track = Track(
        shown,
        data["id"],
        data["version"],
        data.get("locale", DEFAULT_LOCALE),
        data["title"],
        data["summary"],
        list(data["modules"]),
        parsed.lines,
    )
    return track, []


def _check(path: str, parsed: frontmatter.YamlDocument) -> Iterator[Problem]:
    data: dict[str, Any] = parsed.data

    def at(code: str, message: str, *key: Any) -> Problem:
        for end in range(len(key), 0, -1):
            if key[:end] in parsed.lines:
                return Problem(path, parsed.lines[key[:end]], code, message)
        return Problem(path, 1, code, message)

    for name in REQUIRED:
        if name not in data:
            yield at("TR010", f"missing required field '{name}'")
    for name in data:
        if name not in REQUIRED + OPTIONAL:
            yield at("TR012", f"unknown field '{name}'", name)
    for key, line in parsed.duplicate_keys:
        yield Problem(path, line, "TR014", f"'{'.'.join(map(str, key))}' is written twice")
    for name in ("id", "title", "version", "summary", "locale"):
        if name in data:
            for key, message in rules.FIELD_CHECKS[name](data[name]):
                yield at("TR011", message, name, *key)
    if "modules" in data:
        yield from _check_modules(data["modules"], at)
    track_id, locale = data.get("id"), data.get("locale", DEFAULT_LOCALE)
    if isinstance(track_id, str) and rules.SLUG.fullmatch(track_id):
        parts = PurePosixPath(path).name.split(".")
        if track_id != parts[0]:
            yield at("TR020", f"id '{track_id}' must equal the file name '{parts[0]}'", "id")
        elif locale in LOCALES:
            name = PurePosixPath(path).name
            suffix = PurePosixPath(path).suffix
            expected = f"{track_id}{suffix}" if locale == DEFAULT_LOCALE else f"{track_id}.{locale}{suffix}"
            if name != expected:
                yield at("TR020", f"a track in locale '{locale}' must be named '{expected}'", "id")
    elif isinstance(track_id, str):
        yield at("TR020", f"id '{track_id}' must be a lowercase slug like 'early-recovery'", "id")


def _check_modules(value: Any, at: Any) -> Iterator[Problem]:
    if not isinstance(value, list) or not value:
        yield at("TR011", "modules must be a non-empty list of module ids", "modules")
        return
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, str) or not rules.SLUG.fullmatch(item):
            yield at(
                "TR011", "each item of modules must be a module id (a lowercase slug)", "modules", i
            )
        elif item in seen:
            yield at("TR031", f"module '{item}' is listed twice", "modules", i)
        else:
            seen.add(item)
