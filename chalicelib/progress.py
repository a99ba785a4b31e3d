"""Who has done what: assignment statuses for a participant and the group dashboard grid.

``status_of`` is the one rule, used by both views:
- ``completed``: the participant completed the target version (or a later one);
- ``completed_older_version``: they completed an earlier version and a newer one has been
  published since (the changelogs in between come with it);
- ``overdue``: not completed and the due date has passed;
- ``not_started``: none of the above.
The target version is the pinned one, or the latest published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from chalicelib.library import ModuleLibrary
from chalicelib.records.completions import Progress
from chalicelib.records.groups import Assignment, Group

COMPLETED = "completed"
COMPLETED_OLDER = "completed_older_version"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
NOT_ASSIGNED = "not_assigned"
STATUS_TEXT = {
    COMPLETED: "Completed",
    COMPLETED_OLDER: "Completed an older version",
    OVERDUE: "Overdue",
    NOT_STARTED: "Not started",
    NOT_ASSIGNED: "",
}


@dataclass(frozen=True)
class Task:
    """One module a participant is expected to read, from one or more assignments."""

    module_id: str
    title: str
    target_version: int
    latest_version: int
    due_date: str | None
    session_date: str | None
    assignment_ids: tuple[str, ...]
    participant_id: str | None  # None: for everyone in the group

    def to_dict(self) -> dict:
        return {
            "module_id": self.module_id,
            "title": self.title,
            "target_version": self.target_version,
            "latest_version": self.latest_version,
            "due_date": self.due_date,
            "session_date": self.session_date,
            "assignment_ids": list(self.assignment_ids),
        }


def status_of(task: Task, progress: Progress, today: date) -> dict:
    """The status of one task for one participant (see the module docstring)."""
    latest = progress.latest(task.module_id)
    cell: dict = {"module_id": task.module_id, "version": None, "completed_at": None}
    if latest is not None:
        cell["version"], cell["completed_at"] = latest
    if latest is not None and latest[0] >= task.target_version:
        cell["status"] = COMPLETED
    elif latest is not None:
        cell["status"] = COMPLETED_OLDER
        cell["newer_version"] = task.target_version
    elif task.due_date is not None and date.fromisoformat(task.due_date) < today:
        cell["status"] = OVERDUE
    else:
        cell["status"] = NOT_STARTED
    return cell


def tasks_for(assignments: list[Assignment], library: ModuleLibrary) -> list[Task]:
    """Expand assignments (tracks into their modules) into tasks, one per module and audience.

    Uses the catalog (one cached read) for titles and latest versions: no call per module.
    """
    catalog = {m["id"]: m for m in library.catalog()}
    tracks = {t["id"]: t for t in library.tracks()} if any(a.kind == "track" for a in assignments) else {}
    merged: dict[tuple[str, str | None], Task] = {}
    for assignment in sorted(assignments, key=lambda a: a.assigned_at):
        if assignment.kind == "track":
            module_ids = tracks.get(assignment.item_id, {}).get("modules", [])
        else:
            module_ids = [assignment.item_id]
        for module_id in module_ids:
            entry = catalog.get(module_id)
            if entry is None:
                continue  # retired or never published: nothing to read
            pinned = assignment.version if assignment.kind == "module" else None
            task = Task(module_id, entry["title"], pinned or entry["version"], entry["version"],
                        assignment.due_date, assignment.session_date, (assignment.assignment_id,),
                        assignment.participant_id)
            key = (module_id, assignment.participant_id)
            merged[key] = _combine(merged[key], task) if key in merged else task
    return sorted(merged.values(), key=lambda t: (t.due_date or "9999-12-31", t.title))


def _combine(first: Task, second: Task) -> Task:
    """One task for a module assigned twice (e.g. alone and in a track): earliest due date,
    highest target version, both assignments."""
    dues = [d for d in (first.due_date, second.due_date) if d]
    return replace(
        first,
        target_version=max(first.target_version, second.target_version),
        due_date=min(dues) if dues else None,
        session_date=first.session_date or second.session_date,
        assignment_ids=first.assignment_ids + second.assignment_ids,
    )


def changes_since(library: ModuleLibrary, module_id: str, version: int) -> list[dict]:
    """Changelogs of the versions published after ``version``, oldest first."""
    return [
        {"version": v["version"], "changelog": v["changelog"]}
        for v in sorted(library.versions(module_id), key=lambda v: v["version"])
        if v["version"] > version
    ]


def group_grid(group: Group, progress: dict[str, Progress], tasks: list[Task], today: date) -> dict:
    """The dashboard: participants × modules with status, version and completion time."""
    columns: dict[str, Task] = {}
    for task in tasks:
        columns.setdefault(task.module_id, task)
    rows = []
    for member in group.members:
        mine = {t.module_id: t for t in tasks if t.participant_id in (None, member.participant_id)}
        cells = []
        for module_id in columns:
            task = mine.get(module_id)
            if task is None:
                cells.append({"module_id": module_id, "status": NOT_ASSIGNED, "version": None, "completed_at": None})
            else:
                cells.append(status_of(task, progress[member.participant_id], today))
        rows.append({
            "participant_id": member.participant_id,
            "display_name": member.display_name,
            "joined_at": member.joined_at,
            "cells": cells,
        })
    counts = {s: sum(1 for r in rows for c in r["cells"] if c["status"] == s)
              for s in (COMPLETED, COMPLETED_OLDER, OVERDUE, NOT_STARTED)}
    return {
        "group": group.summary(),
        "modules": [t.to_dict() for t in columns.values()],
        "participants": rows,
        "counts": counts,
        "as_of": today.isoformat(),
    }


_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS_FIRST) else text


def grid_csv(grid: dict) -> str:
    """The dashboard as CSV (csv module: quotes, commas and newlines escaped)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Participant", "Participant ID"] + [safe_cell(m["title"]) for m in grid["modules"]])
    for row in grid["participants"]:
        cells = []
        for cell in row["cells"]:
            text = STATUS_TEXT[cell["status"]]
            if cell["status"] in (COMPLETED, COMPLETED_OLDER):
                text += f" (version {cell['version']}, {cell['completed_at'][:10]})"
            cells.append(text)
        writer.writerow([safe_cell(row["display_name"]), safe_cell(row["participant_id"])] + cells)
    return out.getvalue()
