"""A participant's own data: everything they wrote (worksheet answers, every version of their
plan, their completions with the knowledge-check answers given with them, and every later
knowledge-check attempt with its answers) to download as JSON or PDF, or to delete. Both are
audit-logged first (ids and counts, never the words). Only the caller's own partition is read.

DynamoDB calls. Download: 4 Queries (worksheets, plan versions, completions, attempts; each one
more per 1 MB page) and 1 TransactWriteItems (the audit entry); never a Scan.
Delete: 1 TransactWriteItems (the audit entry, first), the worksheets' Query and one DeleteItem
per worksheet, the plan versions' Query of keys and one BatchWriteItem per 25, the attempts'
Query of keys and one BatchWriteItem per 25 (Queries one more per 1 MB page). With nothing left
to delete (a retry) it is the audit entry and the 3 Queries.

What "delete my answers" deletes: worksheet answers, every plan version, and every knowledge-
check attempt item (the answers of retakes). It keeps, as it always has, the completions
(which version was finished, and when, with the answers given with the completion) and the
results of each attempt (when, right and total: never the answers) in the completed-versions
summary, which leaders' progress and "needs attention" read; so a later retake gets the next
attempt number. The audit trail is not deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import Clock, calendar_day
from chalicelib.errors import BadRequest
from chalicelib.identity import Caller
from chalicelib.library import DEFAULT_LOCALE, check_locale
from chalicelib.plan import PlanFile
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import Attempt, Completion, CompletionRecords
from chalicelib.records.plans import PlanRecords, PlanVersion
from chalicelib.records.worksheets import Worksheet, WorksheetRecords


@dataclass(frozen=True)
class MyData:
    """Everything a participant wrote, as stored."""

    participant_id: str
    exported_at: str
    worksheets: tuple[Worksheet, ...]
    plan_versions: tuple[PlanVersion, ...]
    completions: tuple[Completion, ...] = ()
    # Knowledge-check attempts after (or without) the completion's own check, answers as stored
    # (the index of each chosen choice, 0 the first).
    attempts: tuple[Attempt, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "exported_at": self.exported_at,
            "completions": [c.to_dict() for c in self.completions],
            "knowledge_check_attempts": [a.to_dict() for a in self.attempts],
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
    knowledge_check_attempts: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "worksheets": self.worksheets,
            "plan_versions": self.plan_versions,
            "knowledge_check_attempts": self.knowledge_check_attempts,
        }


@dataclass
class MyDataService:
    worksheets: WorksheetRecords
    plans: PlanRecords
    completions: CompletionRecords
    audit: AuditRecords
    clock: Clock

    def export(self, caller: Caller) -> MyData:
        """Everything the caller wrote: read, audit-logged (counts only), then returned.
        4 Queries (one more per 1 MB page each) and the audit entry's TransactWriteItems."""
        sheets = self.worksheets.all_of(caller.id)
        versions = self.plans.all_of(caller.id)
        completions = self.completions.all_of(caller.id)
        attempts = self.completions.attempts_of(caller.id)
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.export",
                self.clock.iso(),
                participant_ids=[caller.id],
                detail={
                    "worksheets": len(sheets),
                    "plan_versions": len(versions),
                    "completions": len(completions),
                    "knowledge_check_attempts": len(attempts),
                },
            )
        )
        return MyData(
            caller.id,
            self.clock.iso_seconds(),
            tuple(sheets),
            tuple(versions),
            completions,
            attempts,
        )

    def download(self, caller: Caller, form: str, locale: str = DEFAULT_LOCALE) -> PlanFile:
        """``json`` or ``pdf`` (fpdf2 imported only for the PDF). Discreet file names."""
        locale = check_locale(locale)
        if form not in ("json", "pdf"):
            raise BadRequest("format is json or pdf.", code="invalid_format")
        data = self.export(caller)
        exported = calendar_day(data.exported_at, self.clock.zone)
        day = exported.isoformat() if exported else self.clock.today().isoformat()
        if form == "json":
            text = json.dumps(data.to_dict(), ensure_ascii=False, indent=1)
            return PlanFile(text, f"my-data-{day}.json", "application/json; charset=utf-8")
        from chalicelib import plan_pdf  # deferred: fpdf2 is for downloads only

        return PlanFile(
            plan_pdf.render_data(data, locale, self.clock.zone),
            f"my-data-{day}.pdf",
            "application/pdf",
        )

    def delete(self, caller: Caller) -> Deleted:
        """Delete every worksheet answer, every plan version and every knowledge-check attempt
        item of the caller (completions and attempt results stay: see the module docstring),
        audit-logged first. Idempotent: a retry finds nothing more and returns zeros."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.delete",
                self.clock.iso(),
                participant_ids=[caller.id],
            )
        )
        return Deleted(
            self.worksheets.delete_all(caller.id),
            self.plans.delete_all(caller.id),
            self.completions.delete_attempts(caller.id),
        )
