"""Group records: groups, their leaders and members, and assignments.

Keys (see ``chalicelib.records``): everything about a group lives in ``GROUP#{group_id}`` so a
dashboard reads it with one Query; ``LEADER#{id}`` / ``PARTICIPANT#{id}`` partitions hold
``GROUP#{group_id}`` pointers so "my groups" is one Query too.

Conditional-write rules:
- a group is created with ``attribute_not_exists(PK)``: a retried create (same id, derived
  from the client's Idempotency-Key) is refused and the existing group returned;
- every change is a TransactWriteItems that also writes its audit entry, so a change without
  its audit entry (or the reverse) cannot happen;
- enrolling is a Put of ``MEMBER#`` + the participant's pointer: enrolling twice rewrites the
  same two items (idempotent), keeping the first ``joined_at`` (``if_not_exists``);
- an assignment's id is derived from what is assigned to whom, so assigning the same thing
  again updates its dates instead of adding a second assignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import Conflict, NotFound
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    RecordTable,
    error_code,
    from_item,
    to_item,
)


def group_pk(group_id: str) -> str:
    return f"GROUP#{group_id}"


@dataclass(frozen=True)
class Member:
    participant_id: str
    display_name: str
    joined_at: str


@dataclass(frozen=True)
class Assignment:
    assignment_id: str
    kind: str  # "module" | "track"
    item_id: str  # module id or track id
    version: int | None  # pinned module version, or None for "the latest"
    participant_id: str | None  # None: the whole group
    due_date: str | None
    session_date: str | None
    assigned_at: str
    assigned_by: str

    def to_dict(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "kind": self.kind,
            "module_id" if self.kind == "module" else "track_id": self.item_id,
            "version": self.version,
            "participant_id": self.participant_id,
            "due_date": self.due_date,
            "session_date": self.session_date,
            "assigned_at": self.assigned_at,
        }


@dataclass
class Group:
    group_id: str
    name: str
    archived: bool
    created_at: str
    leaders: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "group_id": self.group_id,
            "name": self.name,
            "archived": self.archived,
            "created_at": self.created_at,
        }


class GroupRecords(RecordTable):
    def create(self, group_id: str, name: str, leader_id: str, now: str, audit: dict) -> tuple[Group, bool]:
        """Create a group led by ``leader_id``; a repeat with the same id returns the original."""
        pk = group_pk(group_id)
        items = [
            self._put({"PK": pk, "SK": "GROUP", "name": name, "archived": False, "created_at": now},
                      condition="attribute_not_exists(PK)"),
            self._put({"PK": pk, "SK": f"LEADER#{leader_id}", "leader_id": leader_id, "added_at": now}),
            self._put({"PK": f"LEADER#{leader_id}", "SK": pk, "group_id": group_id}),
            self._put(audit, condition="attribute_not_exists(PK)"),
        ]
        try:
            self._transact(items)
        except _Cancelled as cancelled:
            if cancelled.reasons[0] == "ConditionalCheckFailed":
                return self.get(group_id), False
            raise
        return self.get(group_id), True

    def get(self, group_id: str) -> Group:
        """The whole group (details, leaders, members, assignments): one Query per 1 MB page."""
        items = self._query_all(group_pk(group_id))
        group: Group | None = None
        leaders: list[str] = []
        members: list[Member] = []
        assignments: list[Assignment] = []
        for record in items:
            sk = record["SK"]
            if sk == "GROUP":
                group = Group(group_id, record["name"], bool(record.get("archived")), record["created_at"])
            elif sk.startswith("LEADER#"):
                leaders.append(record["leader_id"])
            elif sk.startswith("MEMBER#"):
                members.append(Member(record["participant_id"], record.get("display_name", ""), record["joined_at"]))
            elif sk.startswith("ASSIGNMENT#"):
                assignments.append(_assignment(record))
        if group is None:
            raise NotFound("There is no such group.", code="group_not_found")
        group.leaders = leaders
        group.members = sorted(members, key=lambda m: (m.display_name.lower(), m.participant_id))
        group.assignments = sorted(assignments, key=lambda a: (a.due_date or "9999", a.assigned_at))
        return group

    def groups_of(self, owner_pk: str) -> list[str]:
        """Group ids pointed to from a ``LEADER#`` or ``PARTICIPANT#`` partition."""
        return [r["group_id"] for r in self._query_all(owner_pk, "GROUP#")]

    def update(self, group_id: str, audit: dict, name: str | None = None, archived: bool | None = None) -> None:
        names, values, sets = {}, {}, []
        if name is not None:
            names["#name"] = "name"
            values[":name"] = name
            sets.append("#name = :name")
        if archived is not None:
            values[":archived"] = archived
            sets.append("archived = :archived")
        update = {
            "TableName": self._table,
            "Key": to_item({"PK": group_pk(group_id), "SK": "GROUP"}),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": to_item(values),
        }
        if names:
            update["ExpressionAttributeNames"] = names
        self._transact([{"Update": update}, self._put(audit, condition="attribute_not_exists(PK)")])

    def add_leader(self, group_id: str, leader_id: str, now: str, audit: dict) -> None:
        pk = group_pk(group_id)
        self._transact([
            self._put({"PK": pk, "SK": f"LEADER#{leader_id}", "leader_id": leader_id, "added_at": now}),
            self._put({"PK": f"LEADER#{leader_id}", "SK": pk, "group_id": group_id}),
            self._put(audit, condition="attribute_not_exists(PK)"),
        ])

    def enrol(self, group_id: str, participant_id: str, display_name: str, now: str, audit: dict) -> None:
        pk = group_pk(group_id)
        member = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": f"MEMBER#{participant_id}"}),
            "UpdateExpression": "SET participant_id = :p, display_name = :n, joined_at = if_not_exists(joined_at, :t)",
            "ExpressionAttributeValues": to_item({":p": participant_id, ":n": display_name, ":t": now}),
        }
        self._transact([
            {"Update": member},
            self._put({"PK": f"PARTICIPANT#{participant_id}", "SK": pk, "group_id": group_id}),
            self._put(audit, condition="attribute_not_exists(PK)"),
        ])

    def remove_member(self, group_id: str, participant_id: str, audit: dict) -> None:
        pk = group_pk(group_id)
        self._transact([
            {"Delete": {"TableName": self._table, "Key": to_item({"PK": pk, "SK": f"MEMBER#{participant_id}"}),
                        "ConditionExpression": "attribute_exists(PK)"}},
            {"Delete": {"TableName": self._table, "Key": to_item({"PK": f"PARTICIPANT#{participant_id}", "SK": pk})}},
            self._put(audit, condition="attribute_not_exists(PK)"),
        ], not_found="That participant is not in this group.")

    def put_assignment(self, group_id: str, assignment: Assignment, audit: dict) -> None:
        record = {
            "PK": group_pk(group_id),
            "SK": f"ASSIGNMENT#{assignment.assignment_id}",
            "assignment_id": assignment.assignment_id,
            "kind": assignment.kind,
            "item_id": assignment.item_id,
            "assigned_at": assignment.assigned_at,
            "assigned_by": assignment.assigned_by,
        }
        for name in ("version", "participant_id", "due_date", "session_date"):
            value = getattr(assignment, name)
            if value is not None:
                record[name] = value
        self._transact([self._put(record), self._put(audit, condition="attribute_not_exists(PK)")])

    def delete_assignment(self, group_id: str, assignment_id: str, audit: dict) -> None:
        self._transact([
            {"Delete": {"TableName": self._table,
                        "Key": to_item({"PK": group_pk(group_id), "SK": f"ASSIGNMENT#{assignment_id}"}),
                        "ConditionExpression": "attribute_exists(PK)"}},
            self._put(audit, condition="attribute_not_exists(PK)"),
        ], not_found="There is no such assignment in this group.")

    def assignments(self, group_id: str) -> list[Assignment]:
        return [_assignment(r) for r in self._query_all(group_pk(group_id), "ASSIGNMENT#")]

    # -- plumbing -------------------------------------------------------------------------

    def _put(self, values: dict[str, Any], condition: str | None = None) -> dict:
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(values)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def _transact(self, items: list[dict], not_found: str | None = None) -> None:
        for _attempt in range(5):
            try:
                self._dynamodb.transact_write_items(TransactItems=items)
                return
            except ClientError as error:
                if error_code(error) != "TransactionCanceledException":
                    raise self.unavailable(error) from error
                reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons") or []]
                if "TransactionConflict" in reasons:
                    continue
                if not_found and reasons and reasons[0] == "ConditionalCheckFailed":
                    raise NotFound(not_found) from None
                raise _Cancelled(reasons) from None
            except BotoCoreError as error:
                raise self.unavailable(error) from error
        raise Conflict("Someone else is changing this group right now. Try again.", code="busy")

    def _query_all(self, pk: str, prefix: str | None = None) -> list[dict]:
        request: dict[str, Any] = {"TableName": self._table, "ConsistentRead": True}
        if prefix:
            request["KeyConditionExpression"] = "PK = :pk AND begins_with(SK, :prefix)"
            request["ExpressionAttributeValues"] = to_item({":pk": pk, ":prefix": prefix})
        else:
            request["KeyConditionExpression"] = "PK = :pk"
            request["ExpressionAttributeValues"] = to_item({":pk": pk})
        items: list[dict] = []
        while True:
            try:
                response = self._dynamodb.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
            items.extend(from_item(i) for i in response.get("Items", []))
            if not response.get("LastEvaluatedKey"):
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class _Cancelled(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(",".join(reasons))
        self.reasons = reasons


def _assignment(record: dict) -> Assignment:
    version = record.get("version")
    return Assignment(
        assignment_id=record["assignment_id"],
        kind=record["kind"],
        item_id=record["item_id"],
        version=int(version) if version is not None else None,
        participant_id=record.get("participant_id"),
        due_date=record.get("due_date"),
        session_date=record.get("session_date"),
        assigned_at=record["assigned_at"],
        assigned_by=record["assigned_by"],
    )
