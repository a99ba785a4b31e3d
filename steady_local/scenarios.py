"""Scenarios built through the public API, shared by a functional test and ``make bench``.

Each side brings its own way of sending a request (the Chalice test client with real tokens,
or API Gateway events handed to ``app.app``); the scenario is written once, so the test that
holds a budget and the bench that reports it measure the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


@dataclass(frozen=True)
class Dashboard:
    group_id: str
    participant_ids: tuple[str, ...]
    module_ids: tuple[str, ...]

    @property
    def completions(self) -> int:
        return DASHBOARD_COMPLETING * DASHBOARD_COMPLETED_EACH


def build_dashboard(send: SendAsLeader, complete: Complete, latest: Mapping[str, int],
                    prefix: str = "participant") -> Dashboard:
    """A group of 15 participants (new accounts) and 30 module assignments with due dates, where
    5 participants completed the latest version of the first 10 modules. ``latest`` maps each
    published module id to its latest version and must hold 30."""
    modules = tuple(sorted(latest)[:DASHBOARD_ASSIGNMENTS])
    if len(modules) < DASHBOARD_ASSIGNMENTS:
        raise ValueError(f"the dashboard scenario needs {DASHBOARD_ASSIGNMENTS} published modules")
    group_id = send("POST", "/groups", {}, {"name": "Big group"})["group_id"]
    participants = []
    for n in range(DASHBOARD_PARTICIPANTS):
        enrolled = send("POST", "/groups/{group_id}/participants", {"group_id": group_id},
                        {"username": f"{prefix}-{n:02d}", "display_name": f"Person {n}", "create": True})
        participants.append(enrolled["participant_id"])
    for i, module_id in enumerate(modules):
        send("POST", "/groups/{group_id}/assignments", {"group_id": group_id},
             {"module_id": module_id, "due_date": f"2026-12-{i % 28 + 1:02d}"})
    for participant_id in participants[:DASHBOARD_COMPLETING]:
        for module_id in modules[:DASHBOARD_COMPLETED_EACH]:
            complete(participant_id, module_id, latest[module_id])
    return Dashboard(group_id, tuple(participants), modules)
