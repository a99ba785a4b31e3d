"""Earlier versions of a module, read from the Git history of its file (read-only Git).

Each commit that touched the file holds some ``version:``; the text of version N is the
newest commit (or the working tree) whose front matter says N. ``diff`` compares two
versions and lists the changelogs in between.
"""

from __future__ import annotations

import difflib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from steady_content import frontmatter


class HistoryError(Exception):
    """The history cannot be read, or a version is not in it."""


@dataclass(frozen=True)
class Revision:
    version: int
    text: str
    changelog: str
    where: str  # a short commit hash, or "working tree"


@dataclass(frozen=True)
class VersionDiff:
    old: Revision
    new: Revision
    lines: list[str]  # unified diff lines
    changelogs: list[tuple[int, str]]  # (version, changelog) for old < version <= new


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise HistoryError("git is not installed") from error
    if done.returncode != 0:
        raise HistoryError(done.stderr.strip() or f"git {args[0]} failed")
    return done.stdout


def _version_of(text: str) -> tuple[int, str] | None:
    source, _ = frontmatter.split("history", text)
    if source is None:
        return None
    version = source.meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    changelog = source.meta.get("changelog")
    return version, changelog if isinstance(changelog, str) else ""


def revisions(path: Path) -> dict[int, Revision]:
    """Every version of the module file at ``path``: from Git, then the working tree."""
    folder = path.resolve().parent
    root = Path(_git(folder, "rev-parse", "--show-toplevel").strip())
    relative = path.resolve().relative_to(root).as_posix()
    log = _git(root, "log", "--follow", "--format=%x00%h", "--name-only", "--", relative)
    found: dict[int, Revision] = {}
    for entry in log.split("\x00")[1:]:
        commit, *names = [line for line in entry.splitlines() if line.strip()]
        if not names:
            continue
        try:
            text = _git(root, "show", f"{commit}:{names[-1]}")
        except HistoryError:
            continue  # the file was deleted in this commit
        parsed = _version_of(text)
        if parsed is not None and parsed[0] not in found:  # the log is newest first
            found[parsed[0]] = Revision(parsed[0], text, parsed[1], commit)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        parsed = _version_of(text)
        if parsed is not None:
            committed = found.get(parsed[0])
            if committed is None or committed.text != text:
                found[parsed[0]] = Revision(parsed[0], text, parsed[1], "working tree")
    return found


def diff(path: Path, old: int | None = None, new: int | None = None) -> VersionDiff:
    """The source diff between versions ``old`` and ``new`` of the module at ``path``
    (the two latest when not given), with the changelogs of the versions in between."""
    found = revisions(path)
    known = sorted(found)
    if old is None and new is None:
        if len(known) < 2:
            raise HistoryError(
                f"only version {known[0]} is in the history of {path}"
                if known
                else f"no version of {path} is in its history"
            )
        old, new = known[-2], known[-1]
    for wanted in (old, new):
        if wanted not in found:
            raise HistoryError(
                f"version {wanted} is not in the history of {path}; "
                f"versions found: {', '.join(map(str, known)) or 'none'}"
            )
    assert old is not None and new is not None
    before, after = found[old], found[new]
    shown = path.as_posix()
    lines = list(
        difflib.unified_diff(
            before.text.splitlines(keepends=True),
            after.text.splitlines(keepends=True),
            fromfile=f"{shown} (version {old}, {before.where})",
            tofile=f"{shown} (version {new}, {after.where})",
        )
    )
    low, high = min(old, new), max(old, new)
    changelogs = [(v, found[v].changelog) for v in known if low < v <= high]
    return VersionDiff(before, after, lines, changelogs)
