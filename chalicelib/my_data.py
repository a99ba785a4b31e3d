"""A participant's own data: everything they wrote (worksheet answers, every version of their
plan) to download as JSON or PDF, or to delete. Both are audit-logged first (ids and counts,
never the words). Reading is one Query of the worksheets and one of the plan versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import BadRequest
from chalicelib.identity import Caller
from chalicelib.library import DEFAULT_LOCALE, check_locale
from chalicelib.plan import PlanFile
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.plans import PlanRecords, PlanVersion
from chalicelib.records.worksheets import Worksheet, WorksheetRecords


@dataclass(frozen=True)
class MyData:
    """Everything a participant wrote, as stored."""

    participant_id: str
    exported_at: str
    worksheets: tuple[Worksheet, ...]
    plan_versions: tuple[PlanVersion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exported_at": self.exported_at,
            "worksheets": [w.to_dict() for w in self.worksheets],
            "plan_versions": [
                {
                    "version": v.version,
                    "saved_at": v.saved_at,
                    "locale": v.locale,
                    "sections": v.sections,
                    "removed_from_plan": list(v.dismissed),
                }
                for v in self.plan_versions
            ],
        }


@dataclass(frozen=True)
class Deleted:
    worksheets: int
    plan_versions: int

    def to_dict(self) -> dict[str, int]:
        return {"worksheets": self.worksheets, "plan_versions": self.plan_versions}


@dataclass
class MyDataService:
    worksheets: WorksheetRecords
    plans: PlanRecords
    audit: AuditRecords
    clock: Clock

    def export(self, caller: Caller) -> MyData:
        """Everything the caller wrote: audit-logged (counts only), then read."""
        sheets = self.worksheets.all_of(caller.id)
        versions = self.plans.all_of(caller.id)
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.export",
                self.clock.iso(),
                participant_ids=[caller.id],
                detail={"worksheets": len(sheets), "plan_versions": len(versions)},
            )
        )
        return MyData(caller.id, self.clock.iso_seconds(), tuple(sheets), tuple(versions))

    def download(self, caller: Caller, form: str, locale: str = DEFAULT_LOCALE) -> PlanFile:
        """``json`` or ``pdf`` (fpdf2 imported only for the PDF). Discreet file names."""
        locale = check_locale(locale)
        if form not in ("json", "pdf"):
            raise BadRequest("format is json or pdf.", code="invalid_format")
        data = self.export(caller)
        day = data.exported_at[:10]
        if form == "json":
            text = json.dumps(data.to_dict(), ensure_ascii=False, indent=1)
            return PlanFile(text, f"my-data-{day}.json", "application/json; charset=utf-8")
        from chalicelib import plan_pdf  # deferred: fpdf2 is for downloads only

        return PlanFile(plan_pdf.render_data(data, locale), f"my-data-{day}.pdf", "application/pdf")

    def delete(self, caller: Caller) -> Deleted:
        """Delete every answer and every plan version of the caller: audit-logged first."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.delete",
                self.clock.iso(),
                participant_ids=[caller.id],
            )
        )
        return Deleted(self.worksheets.delete_all(caller.id), self.plans.delete_all(caller.id))
