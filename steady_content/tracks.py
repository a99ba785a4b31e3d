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

``load`` checks one file: the track rules below (TR0xx, each registered in
``steady_content.registry`` at the ``track`` stage); that every listed module exists is a
folder-wide rule (TR030) in ``steady_content.pipeline``. Publishing writes every track of a
locale to ``chalicelib.library.tracks_key(locale)``. The service reads only the title of a
translated track (``ModuleLibrary.track_titles``): what a track lists is the English one's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES
from steady_content import frontmatter, rules
from steady_content.problems import Problem
from steady_content.registry import declare, rule, run

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
    lines: dict[tuple[Any, ...], int]

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


UNREADABLE = declare("TR001", "a track file that is not UTF-8, not valid YAML, or not a mapping")
ALIAS = declare("TR002", "an alias (*name) in a track file")


@dataclass(frozen=True)
class TrackFile:
    """A track file that parsed: what the track rules check."""

    path: str
    parsed: frontmatter.YamlDocument

    @property
    def data(self) -> dict[str, Any]:
        return self.parsed.data  # type: ignore[no-any-return]

    def at(self, code: str, message: str, *key: Any) -> Problem:
        """A problem at the line of ``key`` (its deepest known prefix; line 1 without one)."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.parsed.lines:
                return Problem(self.path, self.parsed.lines[key[:end]], code, message)
        return Problem(self.path, 1, code, message)


def load(path: Path, shown: str) -> tuple[Track | None, list[Problem]]:
    """Parse and check one track file; ``shown`` is the path printed in problems."""
    try:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, UNREADABLE.code, "the file is not UTF-8 text")]
    try:
        parsed = frontmatter.parse_yaml(text, first_line=1)
    except frontmatter.AliasProblem as problem:
        return None, [Problem(shown, problem.line, ALIAS.code, problem.reason)]
    except frontmatter.YamlProblem as problem:
        return None, [Problem(shown, problem.line, UNREADABLE.code, problem.reason)]
    if not isinstance(parsed.data, dict):
        return None, [
            Problem(shown, 1, UNREADABLE.code, "a track file must be a mapping of fields")
        ]
    problems = sorted(run("track", TrackFile(shown, parsed)))
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


@rule("TR010", "a track misses a required field", stage="track")
def required_fields(track: TrackFile) -> Iterator[Problem]:
    for name in REQUIRED:
        if name not in track.data:
            yield track.at("TR010", f"missing required field '{name}'")


@rule("TR011", "a track field has the wrong type or value", stage="track")
def field_values(track: TrackFile) -> Iterator[Problem]:
    data = track.data
    for name in ("id", "title", "version", "summary", "locale"):
        if name in data:
            for key, message in rules.FIELD_CHECKS[name](data[name]):
                yield track.at("TR011", message, name, *key)
    if "modules" not in data:
        return
    modules = data["modules"]
    if not isinstance(modules, list) or not modules:
        yield track.at("TR011", "modules must be a non-empty list of module ids", "modules")
        return
    for i, item in enumerate(modules):
        if not isinstance(item, str) or not rules.SLUG.fullmatch(item):
            yield track.at(
                "TR011", "each item of modules must be a module id (a lowercase slug)", "modules", i
            )


@rule("TR012", "a track has an unknown field", stage="track")
def unknown_fields(track: TrackFile) -> Iterator[Problem]:
    for name in track.data:
        if name not in REQUIRED + OPTIONAL:
            yield track.at("TR012", f"unknown field '{name}'", name)


@rule("TR014", "a track field is written twice", stage="track")
def duplicate_keys(track: TrackFile) -> Iterator[Problem]:
    for key, line in track.parsed.duplicate_keys:
        yield Problem(track.path, line, "TR014", f"'{'.'.join(map(str, key))}' is written twice")


@rule(
    "TR020", "a track id is not a slug or differs from the file name (or its locale)", stage="track"
)
def id_matches_file(track: TrackFile) -> Iterator[Problem]:
    track_id, locale = track.data.get("id"), track.data.get("locale", DEFAULT_LOCALE)
    if not isinstance(track_id, str):
        return
    if not rules.SLUG.fullmatch(track_id):
        yield track.at(
            "TR020", f"id '{track_id}' must be a lowercase slug like 'early-recovery'", "id"
        )
        return
    name = PurePosixPath(track.path).name
    stem, suffix = name.split(".")[0], PurePosixPath(track.path).suffix
    if track_id != stem:
        yield track.at("TR020", f"id '{track_id}' must equal the file name '{stem}'", "id")
    elif locale in LOCALES:
        expected = (
            f"{track_id}{suffix}" if locale == DEFAULT_LOCALE else f"{track_id}.{locale}{suffix}"
        )
        if name != expected:
            yield track.at(
                "TR020", f"a track in locale '{locale}' must be named '{expected}'", "id"
            )


@rule("TR031", "a track lists a module twice", stage="track")
def modules_listed_once(track: TrackFile) -> Iterator[Problem]:
    modules = track.data.get("modules")
    seen: set[str] = set()
    for i, item in enumerate(modules if isinstance(modules, list) else []):
        if isinstance(item, str) and rules.SLUG.fullmatch(item):
            if item in seen:
                yield track.at("TR031", f"module '{item}' is listed twice", "modules", i)
            seen.add(item)
