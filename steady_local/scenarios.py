"""Scenarios built through the public API, shared by a functional test and ``make bench``.

Each side brings its own way of sending a request (the Chalice test client with real tokens,
or API Gateway events handed to ``app.app``); the scenario is written once, so the test that
holds a budget and the bench that reports it measure the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# (method, resource, path parameters, JSON body) -> the response body, parsed. The resource is
# the route template ("/groups/{group_id}/participants"); a non-2xx answer must raise.
SendAsLeader = Callable[[str, str, dict[str, str], dict[str, Any]], dict[str, Any]]
# (participant id, module id, version) -> None: records one completion.
Complete = Callable[[str, str, int], None]

DASHBOARD_PARTICIPANTS = 15
DASHBOARD_ASSIGNMENTS = 30
DASHBOARD_COMPLETING = 5  # participants who completed something
DASHBOARD_COMPLETED_EACH = 10  # modules each of them completed
DASHBOARD_CALL_BUDGET = 6  # DynamoDB calls for one dashboard read (issue 3), never a Scan

# Issue 15: the progress grid stays usable for a big group.
BIG_GRID_PARTICIPANTS = 40
BIG_GRID_MODULES = 60


@dataclass(frozen=True)
class Dashboard:
    group_id: str
    participant_ids: tuple[str, ...]
    module_ids: tuple[str, ...]

    @property
    def completions(self) -> int:
        return DASHBOARD_COMPLETING * DASHBOARD_COMPLETED_EACH


def build_dashboard(
    send: SendAsLeader, complete: Complete, latest: Mapping[str, int], prefix: str = "participant"
) -> Dashboard:
    """A group of 15 participants (new accounts) and 30 module assignments with due dates, where
    5 participants completed the latest version of the first 10 modules. ``latest`` maps each
    published module id to its latest version and must hold 30."""
    modules = tuple(sorted(latest)[:DASHBOARD_ASSIGNMENTS])
    if len(modules) < DASHBOARD_ASSIGNMENTS:
        raise ValueError(f"the dashboard scenario needs {DASHBOARD_ASSIGNMENTS} published modules")
    group_id = send("POST", "/groups", {}, {"name": "Big group"})["group_id"]
    participants = []
    for n in range(DASHBOARD_PARTICIPANTS):
        enrolled = send(
            "POST",
            "/groups/{group_id}/participants",
            {"group_id": group_id},
            {"username": f"{prefix}-{n:02d}", "display_name": f"Person {n}", "create": True},
        )
        participants.append(enrolled["participant_id"])
    for i, module_id in enumerate(modules):
        send(
            "POST",
            "/groups/{group_id}/assignments",
            {"group_id": group_id},
            {"module_id": module_id, "due_date": f"2026-12-{i % 28 + 1:02d}"},
        )
    for participant_id in participants[:DASHBOARD_COMPLETING]:
        for module_id in modules[:DASHBOARD_COMPLETED_EACH]:
            complete(participant_id, module_id, latest[module_id])
    return Dashboard(group_id, tuple(participants), modules)


def build_big_grid(
    send: SendAsLeader,
    complete: Complete,
    latest: Mapping[str, int],
    prefix: str = "grid-participant",
) -> Dashboard:
    """A group of 40 participants (new accounts) and 60 module assignments, the first 20 due
    in the past (so overdue), the rest far ahead; every second participant completed the
    latest version of the first 25 modules. ``latest`` must hold 60 published modules (the
    shipped curriculum has fewer: publish ``more_modules`` first)."""
    modules = tuple(sorted(latest)[:BIG_GRID_MODULES])
    if len(modules) < BIG_GRID_MODULES:
        raise ValueError(f"the big grid needs {BIG_GRID_MODULES} published modules")
    group_id = send("POST", "/groups", {}, {"name": "Big group, 40 x 60"})["group_id"]
    participants = []
    for n in range(BIG_GRID_PARTICIPANTS):
        enrolled = send(
            "POST",
            "/groups/{group_id}/participants",
            {"group_id": group_id},
            {
                "username": f"{prefix}-{n:02d}",
                "display_name": f"Participant {n:02d}",
                "create": True,
            },
        )
        participants.append(enrolled["participant_id"])
    for i, module_id in enumerate(modules):
        due = f"2020-01-{i % 28 + 1:02d}" if i < 20 else f"2099-01-{i % 28 + 1:02d}"
        send(
            "POST",
            "/groups/{group_id}/assignments",
            {"group_id": group_id},
            {"module_id": module_id, "due_date": due},
        )
    for participant_id in participants[::2]:
        for module_id in modules[:25]:
            complete(participant_id, module_id, latest[module_id])
    return Dashboard(group_id, tuple(participants), modules)


def more_modules(modules: Sequence[Any], wanted: int = BIG_GRID_MODULES) -> list[Any]:
    """Copies of published English modules (``steady_content.pipeline.Module``) under new ids
    ("<id>-part-2"), so that ``modules`` and the copies make ``wanted`` modules: what the big
    grid needs beyond the shipped curriculum. Publish them with the originals."""
    from dataclasses import replace

    english = [m for m in modules if m.locale == "en"]
    copies = []
    for original in english[: max(0, wanted - len(english))]:
        module_id = f"{original.module_id}-part-2"
        meta = {
            **original.source.meta,
            "id": module_id,
            "title": f"{original.source.meta['title']}, part 2",
        }
        copies.append(
            replace(original, module_id=module_id, source=replace(original.source, meta=meta))
        )
    return copies


# -- dating a group back (tests and the bench; straight in the records) --------------------


def dated_on(group_id: str, set_at: str = "2019-12-01T15:00:00+00:00") -> None:
    """Say, through the records (a test or the bench, never the service), that every
    assignment of a group got its due dates at ``set_at``: a due date already past when it was set applies to no one
    (``chalicelib.statuses.due_for``), so a test of "overdue" that assigns a past date has it
    set back then (as if assigned before it passed), with its participants ``joined_on`` before."""
    from dataclasses import replace

    from chalicelib import services
    from chalicelib.records.audit import new_entry

    records = services.current().group_records
    for assignment in records.get(group_id).assignments:
        dated = replace(
            assignment,
            due_set_at=set_at,
            module_dates=tuple(replace(m, due_set_at=None) for m in assignment.module_dates),
            module_due_set_at=(),
        )
        audit = new_entry("test", ["leaders"], "assignment.put", set_at, group_id=group_id)
        records.put_assignment(group_id, dated, audit, replaces=True)


def joined_on(group_id: str, participant_id: str, joined_at: str) -> None:
    """Say, straight in the records, that a participant joined a group at ``joined_at``: a due
    date that had passed before someone joined does not apply to them
    (``chalicelib.statuses.due_for``), so a test of "overdue" has them join before it."""
    from chalicelib import aws as aws_clients
    from chalicelib import services
    from chalicelib.records.keys import group_pk, participant_sk

    settings = services.current().settings
    aws_clients.client("dynamodb", settings.region).update_item(
        TableName=settings.records_table,
        Key={"PK": {"S": group_pk(group_id)}, "SK": {"S": participant_sk(participant_id)}},
        UpdateExpression="SET joined_at = :t",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":t": {"S": joined_at}},
    )
