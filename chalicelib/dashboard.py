"""The group dashboard: participants × assigned modules with each one's status, version and
completion time; and the same grid as a CSV file for clinical documentation.

One group Query, one BatchGetItem per 100 participants, one audit Put.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.assignments import AssignedModule, assigned_modules
from chalicelib.clock import Clock
from chalicelib.groups import GroupSummary, audit_read, led_group
from chalicelib.identity import Caller
from chalicelib.library import ModuleLibrary
from chalicelib.records.audit import AuditRecords
from chalicelib.records.completions import CompletedVersions, CompletionRecords
from chalicelib.records.groups import Group, GroupRecords
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_STARTED,
    OVERDUE,
    STATUS_TEXT,
    ModuleStatus,
    not_assigned,
    status_of,
    visible_to_leaders,
)

COUNTED = (COMPLETED, COMPLETED_OLDER, OVERDUE, NOT_STARTED)


@dataclass(frozen=True)
class GridRow:
    participant_id: str
    display_name: str
    joined_at: str
    cells: tuple[ModuleStatus, ...]  # one per column, in column order

    def to_dict(self) -> dict[str, Any]:
        return {"participant_id": self.participant_id, "display_name": self.display_name,
                "joined_at": self.joined_at, "cells": [c.to_dict() for c in self.cells]}


@dataclass(frozen=True)
class Grid:
    group: GroupSummary
    modules: tuple[AssignedModule, ...]  # the columns
    participants: tuple[GridRow, ...]
    counts: dict[str, int]  # cells per status (COUNTED)
    as_of: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.to_dict(),
            "modules": [m.to_dict() for m in self.modules],
            "participants": [r.to_dict() for r in self.participants],
            "counts": dict(self.counts),
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class CsvFile:
    text: str
    filename: str
    content_type: str = "text/csv; charset=utf-8"


def group_grid(group: Group, completed: dict[str, CompletedVersions], modules: list[AssignedModule],
               today: date) -> Grid:
    """The dashboard grid of ``group`` (``completed`` holds each participant's completed
    versions); each participant's completions pass the visibility rule first."""
    columns: dict[str, AssignedModule] = {}
    for first in modules:
        columns.setdefault(first.module_id, first)
    rows = []
    for participant in group.participants:
        visible = visible_to_leaders(completed[participant.participant_id], participant.joined_at,
                                     participant.shares_history)
        mine = {m.module_id: m for m in modules if m.participant_id in (None, participant.participant_id)}
        cells = []
        for module_id in columns:
            assigned = mine.get(module_id)
            if assigned is None:
                cells.append(not_assigned(module_id))
            else:
                cells.append(status_of(module_id, assigned.target_version, assigned.due_date,
                                       visible, today))
        rows.append(GridRow(participant.participant_id, participant.display_name, participant.joined_at,
                            tuple(cells)))
    counts = {s: sum(1 for r in rows for c in r.cells if c.status == s) for s in COUNTED}
    return Grid(GroupSummary.of(group), tuple(columns.values()), tuple(rows), counts, today.isoformat())


_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS_FIRST) else text


def grid_csv(grid: Grid) -> str:
    """The grid as CSV (csv module: quotes, commas and newlines escaped)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Participant", "Participant ID"] + [safe_cell(m.title) for m in grid.modules])
    for row in grid.participants:
        cells = []
        for cell in row.cells:
            text = STATUS_TEXT[cell.status]
            if cell.status in (COMPLETED, COMPLETED_OLDER):
                text += f" (version {cell.version}, {(cell.completed_at or '')[:10]})"
            cells.append(text)
        writer.writerow([safe_cell(row.display_name), safe_cell(row.participant_id)] + cells)
    return out.getvalue()


@dataclass
class Dashboard:
    records: GroupRecords
    completions: CompletionRecords
    audit: AuditRecords
    library: ModuleLibrary
    clock: Clock

    def grid(self, caller: Caller, group_id: str) -> Grid:
        """The dashboard of a group ``caller`` leads (audit-logged as a read)."""
        return self._grid(caller, group_id, "group.progress.read")

    def csv(self, caller: Caller, group_id: str) -> CsvFile:
        """The dashboard as a CSV file (audit-logged as an export)."""
        return CsvFile(grid_csv(self._grid(caller, group_id, "group.progress.export")), "group-progress.csv")

    def _grid(self, caller: Caller, group_id: str, action: str) -> Grid:
        group = led_group(self.records, caller, group_id)
        audit_read(self.audit, self.clock, caller, group, action)
        completed = self.completions.completed_versions(group.participant_ids)
        return group_grid(group, completed, assigned_modules(group.assignments, self.library), self.clock.today())
