"""What group leaders do: groups, enrolment, assignments, the progress dashboard.

Every operation checks that the caller leads the group (a group that is not theirs is
"not found", so its existence is not revealed). Reads of participant records and every change
are written to the audit trail.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.accounts import Accounts, check_username
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.identity import LEADERS, PARTICIPANTS, Caller
from chalicelib.library import ModuleLibrary, check_module_id, parse_version
from chalicelib.progress import changes_since, group_grid, grid_csv, status_of, tasks_for
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import Assignment, Group, GroupRecords

GROUP_ID = re.compile(r"^[0-9a-f]{32}$")
PARTICIPANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_NAMESPACE = uuid.UUID("0b8a4f8e-4d5c-4f7e-9a51-3c1f2d6b7e90")
MAX_NAME = 80


def check_group_id(group_id: Any) -> str:
    if not isinstance(group_id, str) or not GROUP_ID.fullmatch(group_id):
        raise NotFound("There is no such group.", code="group_not_found")
    return group_id


def check_name(value: Any, what: str = "A group name") -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        raise BadRequest(f"{what} is 1 to {MAX_NAME} characters.", code="invalid_name")
    if any(ord(c) < 32 for c in value):
        raise BadRequest(f"{what} cannot contain control characters.", code="invalid_name")
    return value.strip()


def check_date(value: Any, name: str) -> str | None:
    """A calendar date ``YYYY-MM-DD`` (or ``None``); raises ``BadRequest`` otherwise."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise BadRequest(f"{name} must be a date like 2026-11-24.", code="invalid_date")


@dataclass
class GroupService:
    records: GroupRecords
    audit: AuditRecords
    completions: CompletionRecords
    library: ModuleLibrary
    accounts: Accounts
    clock: Clock

    # -- groups ---------------------------------------------------------------------------

    def create_group(self, caller: Caller, name: Any, idempotency_key: str | None = None) -> tuple[dict, bool]:
        name = check_name(name)
        if idempotency_key is not None and not (1 <= len(idempotency_key) <= 100):
            raise BadRequest("Idempotency-Key is 1 to 100 characters.", code="invalid_idempotency_key")
        group_id = (
            uuid.uuid5(_NAMESPACE, f"{caller.id}:{idempotency_key}").hex if idempotency_key else uuid.uuid4().hex
        )
        now = self.clock.iso()
        audit = new_entry(caller.id, caller.roles, "group.create", now, group_id=group_id)
        group, created = self.records.create(group_id, name, caller.id, now, audit)
        if not created and caller.id not in group.leaders:
            raise Conflict("That Idempotency-Key was already used.", code="idempotency_key_reused")
        return group.summary(), created

    def my_groups(self, caller: Caller) -> list[dict]:
        groups = [self.records.get(gid) for gid in self.records.groups_of(f"LEADER#{caller.id}")]
        return [g.summary() for g in sorted(groups, key=lambda g: (g.archived, g.name.lower()))]

    def group_detail(self, caller: Caller, group_id: str) -> dict:
        group = self._led_group(caller, group_id)
        self._audit_read(caller, group, "group.read")
        return {
            **group.summary(),
            "leaders": group.leaders,
            "participants": [
                {"participant_id": m.participant_id, "display_name": m.display_name, "joined_at": m.joined_at}
                for m in group.members
            ],
            "assignments": [a.to_dict() for a in group.assignments],
        }

    def update_group(self, caller: Caller, group_id: str, name: Any = None, archived: Any = None) -> dict:
        group = self._led_group(caller, group_id)
        if name is None and archived is None:
            raise BadRequest("Give a new name, archived, or both.", code="nothing_to_change")
        if name is not None:
            name = check_name(name)
        if archived is not None and not isinstance(archived, bool):
            raise BadRequest("archived is true or false.", code="invalid_field")
        action = "group.archive" if archived else "group.unarchive" if archived is False else "group.rename"
        audit = new_entry(caller.id, caller.roles, action, self.clock.iso(), group_id=group.group_id)
        self.records.update(group.group_id, audit, name=name, archived=archived)
        return self.records.get(group.group_id).summary()

    def add_leader(self, caller: Caller, group_id: str, username: Any) -> dict:
        group = self._led_group(caller, group_id, writable=True)
        account = self.accounts.find(check_username(username))
        if LEADERS not in account.roles:
            raise BadRequest("That account is not a group leader.", code="not_a_leader")
        audit = new_entry(caller.id, caller.roles, "group.leader.add", self.clock.iso(),
                          group_id=group.group_id, detail={"leader_id": account.id})
        self.records.add_leader(group.group_id, account.id, self.clock.iso(), audit)
        return {"leader_id": account.id}

    # -- enrolment ------------------------------------------------------------------------

    def enrol(self, caller: Caller, group_id: str, body: dict) -> tuple[dict, bool]:
        """Add a participant: a new Cognito account (``create: true``) or an existing one."""
        group = self._led_group(caller, group_id, writable=True)
        username = check_username(body.get("username"))
        display_name = check_name(body.get("display_name") or username, "A display name")
        password = None
        if body.get("create"):
            account, password = self.accounts.create(username, PARTICIPANTS, body.get("email"))
        else:
            if body.get("email") is not None:
                raise BadRequest("email is only used when creating an account.", code="invalid_field")
            account = self.accounts.find(username)
            if PARTICIPANTS not in account.roles:
                raise BadRequest("That account is not a participant account.", code="not_a_participant")
        already = any(m.participant_id == account.id for m in group.members)
        now = self.clock.iso()
        audit = new_entry(caller.id, caller.roles, "enrolment.add", now,
                          group_id=group.group_id, participant_ids=[account.id])
        self.records.enrol(group.group_id, account.id, display_name, now, audit)
        result = {"participant_id": account.id, "username": account.username, "display_name": display_name}
        if password:
            result["temporary_password"] = password
        return result, not already

    def remove_participant(self, caller: Caller, group_id: str, participant_id: str) -> None:
        group = self._led_group(caller, group_id)
        if not PARTICIPANT_ID.fullmatch(participant_id):
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        audit = new_entry(caller.id, caller.roles, "enrolment.remove", self.clock.iso(),
                          group_id=group.group_id, participant_ids=[participant_id])
        self.records.remove_member(group.group_id, participant_id, audit)

    # -- assignments ----------------------------------------------------------------------

    def assign(self, caller: Caller, group_id: str, body: dict) -> dict:
        group = self._led_group(caller, group_id, writable=True)
        module_id, track_id = body.get("module_id"), body.get("track_id")
        if (module_id is None) == (track_id is None):
            raise BadRequest("Assign either a module_id or a track_id.", code="invalid_assignment")
        version = body.get("version")
        if module_id is not None:
            kind, item_id = "module", check_module_id(module_id)
            if version is not None:
                version = parse_version(version)
                self.library.version(item_id, version)  # must exist
            else:
                self.library.latest(item_id)  # must exist
        else:
            kind, item_id = "track", check_module_id(track_id)
            if version is not None:
                raise BadRequest("A track cannot be pinned to a version.", code="invalid_assignment")
            self.library.track(item_id)
        participant_id = body.get("participant_id")
        if participant_id is not None and not any(m.participant_id == participant_id for m in group.members):
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        due = check_date(body.get("due_date"), "due_date")
        session = check_date(body.get("session_date"), "session_date")
        assignment_id = uuid.uuid5(_NAMESPACE, f"{group.group_id}:{kind}:{item_id}:{participant_id or '*'}").hex
        now = self.clock.iso()
        assignment = Assignment(assignment_id, kind, item_id, version, participant_id, due, session, now, caller.id)
        audit = new_entry(caller.id, caller.roles, "assignment.put", now, group_id=group.group_id,
                          participant_ids=[participant_id] if participant_id else [],
                          detail={"assignment_id": assignment_id, "kind": kind, "item_id": item_id})
        self.records.put_assignment(group.group_id, assignment, audit)
        return assignment.to_dict()

    def unassign(self, caller: Caller, group_id: str, assignment_id: str) -> None:
        group = self._led_group(caller, group_id)
        if not GROUP_ID.fullmatch(assignment_id):
            raise NotFound("There is no such assignment in this group.")
        audit = new_entry(caller.id, caller.roles, "assignment.delete", self.clock.iso(),
                          group_id=group.group_id, detail={"assignment_id": assignment_id})
        self.records.delete_assignment(group.group_id, assignment_id, audit)

    # -- progress -------------------------------------------------------------------------

    def progress(self, caller: Caller, group_id: str) -> dict:
        """The dashboard grid: one group Query, one BatchGetItem per 100 participants, one audit Put."""
        group = self._led_group(caller, group_id)
        self._audit_read(caller, group, "group.progress.read")
        progress = self.completions.progress([m.participant_id for m in group.members])
        tasks = tasks_for(group.assignments, self.library)
        return group_grid(group, progress, tasks, self.clock.today())

    def progress_csv(self, caller: Caller, group_id: str) -> str:
        group = self._led_group(caller, group_id)
        self._audit_read(caller, group, "group.progress.export")
        progress = self.completions.progress([m.participant_id for m in group.members])
        return grid_csv(group_grid(group, progress, tasks_for(group.assignments, self.library), self.clock.today()))

    def my_assignments(self, caller: Caller) -> list[dict]:
        """A participant's own assignments across their active groups, with statuses."""
        group_ids = self.records.groups_of(f"PARTICIPANT#{caller.id}")
        progress = self.completions.progress([caller.id])[caller.id]
        today = self.clock.today()
        rows: dict[str, dict] = {}
        for gid in group_ids:
            group = self.records.get(gid)
            if group.archived:
                continue
            for task in tasks_for(group.assignments, self.library):
                if task.participant_id not in (None, caller.id):
                    continue
                cell = status_of(task, progress, today)
                row = {**task.to_dict(), **cell, "group_id": gid}
                row.pop("assignment_ids")
                if cell["status"] == "completed_older_version":
                    row["changes"] = changes_since(self.library, task.module_id, cell["version"])
                current = rows.get(task.module_id)
                if current is None or (row["due_date"] or "9999") < (current["due_date"] or "9999"):
                    rows[task.module_id] = row
        return sorted(rows.values(), key=lambda r: (r["due_date"] or "9999-12-31", r["title"]))

    # -- helpers --------------------------------------------------------------------------

    def _led_group(self, caller: Caller, group_id: str, writable: bool = False) -> Group:
        if LEADERS not in caller.roles:
            raise Forbidden("Only group leaders manage groups.")
        group = self.records.get(check_group_id(group_id))
        if caller.id not in group.leaders:
            raise NotFound("There is no such group.", code="group_not_found")
        if writable and group.archived:
            raise Conflict("This group is archived. Unarchive it first.", code="group_archived")
        return group

    def _audit_read(self, caller: Caller, group: Group, action: str) -> None:
        self.audit.record(new_entry(caller.id, caller.roles, action, self.clock.iso(), group_id=group.group_id,
                                    participant_ids=[m.participant_id for m in group.members]))
