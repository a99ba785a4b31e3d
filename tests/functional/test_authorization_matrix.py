"""Every route × every role against someone else's resource: 401/403/404, never their data.

Table-driven: a route registered without a row here fails ``test_every_route_has_a_row``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from chalicelib.api import Endpoints
from tests.conftest import Account, make_account, shipped_version

DENIED = {401, 403, 404}


@dataclass
class World:
    """Leader A's group with participant P; everyone else is an outsider to it."""

    group_id: str
    assignment_id: str
    owner: Account
    member: Account
    callers: dict[str, Account]


@dataclass(frozen=True)
class Row:
    path: str  # concrete path; {g}, {a}, {p} filled from the World
    body: dict | None = None
    # roles allowed to use the route on their OWN resources; the matrix still checks that
    # what they get back never contains the foreign group's data
    allowed: frozenset[str] = frozenset()
    # the audit trail shows admins pseudonymous ids by design (never names)
    shows_ids_to_allowed: bool = False


WORKSHEET_MODULE = "cravings-and-urge-surfing"
# The member's shared worksheet answer: no one but the owner's leader ever gets it.
SHARED_ANSWER = "Call my brother Teodoro before the bus stop"

ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/modules"): Row(
        "/modules", allowed=frozenset({"participant", "leader", "author", "admin"})
    ),
    ("GET", "/modules/{module_id}"): Row(
        "/modules/thinking-traps", allowed=frozenset({"participant", "leader", "author", "admin"})
    ),
    ("GET", "/modules/{module_id}/versions"): Row(
        "/modules/thinking-traps/versions",
        allowed=frozenset({"participant", "leader", "author", "admin"}),
    ),
    ("GET", "/modules/{module_id}/versions/{version}"): Row(
        "/modules/thinking-traps/versions/1",
        allowed=frozenset({"participant", "leader", "author", "admin"}),
    ),
    ("POST", "/me/completions"): Row(
        "/me/completions", {"module_id": "thinking-traps", "version": 1}, frozenset({"participant"})
    ),
    ("GET", "/me/completions"): Row("/me/completions", allowed=frozenset({"participant"})),
    # Only ever the caller's own completion (the member's is not theirs to answer again).
    ("POST", "/me/completions/{module_id}/attempts"): Row(
        "/me/completions/thinking-traps/attempts",
        {"version": 1, "attempt": 1, "answers": [0, 0, 0]},
        frozenset({"participant"}),
    ),
    ("GET", "/me/assignments"): Row("/me/assignments", allowed=frozenset({"participant"})),
    ("GET", "/me/reminders"): Row("/me/reminders", allowed=frozenset({"participant"})),
    ("PUT", "/me/reminders"): Row(
        "/me/reminders", {"enabled": False, "time": "07:15"}, frozenset({"participant"})
    ),
    ("POST", "/me/reminders/contact"): Row(
        "/me/reminders/contact", {"email": "matrix@example.org"}, frozenset({"participant"})
    ),
    ("DELETE", "/me/reminders/contact"): Row(
        "/me/reminders/contact", allowed=frozenset({"participant"})
    ),
    ("POST", "/me/reminders/contact/confirm"): Row(
        "/me/reminders/contact/confirm", {"code": "123456"}, frozenset({"participant"})
    ),
    ("GET", "/me/access"): Row("/me/access", allowed=frozenset({"participant"})),
    ("GET", "/me/groups"): Row("/me/groups", allowed=frozenset({"participant"})),
    # another participant cannot open the owner's group to anyone: 404 (not theirs)
    ("PUT", "/me/groups/{group_id}/share-history"): Row(
        "/me/groups/{g}/share-history", {"share": True}
    ),
    ("POST", "/groups"): Row("/groups", {"name": "Another group"}, frozenset({"leader"})),
    ("GET", "/groups"): Row("/groups", allowed=frozenset({"leader"})),
    ("GET", "/groups/{group_id}"): Row("/groups/{g}"),
    ("PATCH", "/groups/{group_id}"): Row("/groups/{g}", {"name": "Taken over"}),
    ("POST", "/groups/{group_id}/leaders"): Row(
        "/groups/{g}/leaders", {"username": "leader-other"}
    ),
    # An outsider cannot remove the owner from their group (404: not theirs).
    ("DELETE", "/groups/{group_id}/leaders/{leader_id}"): Row("/groups/{g}/leaders/{o}"),
    ("POST", "/groups/{group_id}/participants"): Row(
        "/groups/{g}/participants", {"username": "participant-other"}
    ),
    ("DELETE", "/groups/{group_id}/participants/{participant_id}"): Row(
        "/groups/{g}/participants/{p}"
    ),
    # An outsider cannot rename the owner's participant (404: not theirs).
    ("PATCH", "/groups/{group_id}/participants/{participant_id}"): Row(
        "/groups/{g}/participants/{p}", {"display_name": "Taken over"}
    ),
    ("POST", "/groups/{group_id}/participants/{participant_id}/temporary-password"): Row(
        "/groups/{g}/participants/{p}/temporary-password"
    ),
    ("POST", "/groups/{group_id}/assignments"): Row(
        "/groups/{g}/assignments", {"module_id": "thinking-traps"}
    ),
    ("DELETE", "/groups/{group_id}/assignments/{assignment_id}"): Row(
        "/groups/{g}/assignments/{a}"
    ),
    ("PATCH", "/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}"): Row(
        "/groups/{g}/assignments/{a}/modules/thinking-traps", {"left_out": True}
    ),
    ("GET", "/groups/{group_id}/progress"): Row("/groups/{g}/progress"),
    ("GET", "/groups/{group_id}/progress.csv"): Row("/groups/{g}/progress.csv"),
    ("GET", "/groups/{group_id}/attention"): Row("/groups/{g}/attention"),
    ("POST", "/groups/{group_id}/attention/seen"): Row(
        "/groups/{g}/attention/seen", {"participant_id": "someone", "reason": "overdue"}
    ),
    ("PUT", "/groups/{group_id}/attention/settings"): Row(
        "/groups/{g}/attention/settings", {"inactive_days": 9}
    ),
    ("POST", "/admin/accounts"): Row(
        "/admin/accounts", {"username": "made-by-outsider", "role": "leaders"}, frozenset({"admin"})
    ),
    ("GET", "/admin/accounts"): Row("/admin/accounts", allowed=frozenset({"admin"})),
    ("POST", "/admin/accounts/{username}/disable"): Row(
        "/admin/accounts/leader-spare/disable", allowed=frozenset({"admin"})
    ),
    ("POST", "/admin/accounts/{username}/enable"): Row(
        "/admin/accounts/leader-spare/enable", allowed=frozenset({"admin"})
    ),
    ("GET", "/openapi.json"): Row(
        "/openapi.json", allowed=frozenset({"participant", "leader", "author", "admin"})
    ),
    ("POST", "/admin/accounts/{username}/reset-authenticator"): Row(
        "/admin/accounts/leader-spare/reset-authenticator", allowed=frozenset({"admin"})
    ),
    ("GET", "/admin/audit"): Row(
        "/admin/audit", allowed=frozenset({"admin"}), shows_ids_to_allowed=True
    ),
    ("GET", "/me/worksheets"): Row("/me/worksheets", allowed=frozenset({"participant"})),
    # My plan: only ever the caller's own (there is no way to name someone else's).
    ("GET", "/me/plan"): Row("/me/plan", allowed=frozenset({"participant"})),
    ("PUT", "/me/plan"): Row(
        "/me/plan",
        {"sections": {"triggers": [{"text": "Payday evenings"}]}},
        frozenset({"participant"}),
    ),
    ("GET", "/me/plan/versions"): Row("/me/plan/versions", allowed=frozenset({"participant"})),
    ("GET", "/me/plan/versions/{version}"): Row(
        "/me/plan/versions/1", allowed=frozenset({"participant"})
    ),
    ("GET", "/me/plan/download"): Row(
        "/me/plan/download?format=txt", allowed=frozenset({"participant"})
    ),
    ("DELETE", "/me/plan"): Row("/me/plan", allowed=frozenset({"participant"})),
    ("GET", "/me/data/download"): Row("/me/data/download", allowed=frozenset({"participant"})),
    ("GET", "/me/data/plan-versions"): Row(
        "/me/data/plan-versions?before=2", allowed=frozenset({"participant"})
    ),
    ("DELETE", "/me/data"): Row("/me/data", allowed=frozenset({"participant"})),
    ("DELETE", "/me/worksheets"): Row("/me/worksheets", allowed=frozenset({"participant"})),
    ("GET", "/me/worksheets/{module_id}"): Row(
        f"/me/worksheets/{WORKSHEET_MODULE}", allowed=frozenset({"participant"})
    ),
    ("PUT", "/me/worksheets/{module_id}"): Row(
        f"/me/worksheets/{WORKSHEET_MODULE}",
        {"version": 1, "answers": {}},
        frozenset({"participant"}),
    ),
    ("GET", "/me/worksheets/{module_id}/earlier-saves"): Row(
        f"/me/worksheets/{WORKSHEET_MODULE}/earlier-saves", allowed=frozenset({"participant"})
    ),
    ("PUT", "/me/worksheets/{module_id}/sharing"): Row(
        f"/me/worksheets/{WORKSHEET_MODULE}/sharing", {"shared": True}, frozenset({"participant"})
    ),
    ("GET", "/groups/{group_id}/worksheets/{module_id}"): Row(
        f"/groups/{{g}}/worksheets/{WORKSHEET_MODULE}"
    ),
}
# Leaders and admins hold their roles only with two-step sign-in (chalicelib.mfa); without it
# every route answers 403 mfa_required, even their own group's or one open to any role.
# (A route their role could not use anyway stays a plain 403 forbidden.)
WITHOUT_AUTHENTICATOR = {
    "leader-without-authenticator": "leaders",
    "admin-without-authenticator": "admins",
}
ROLES = ("anonymous", "participant", "leader", "author", "admin", *WITHOUT_AUTHENTICATOR)


def registered() -> set[tuple[str, str]]:
    return {(spec.method, spec.path) for spec in Endpoints.registry}


def test_every_route_has_a_row():
    import app  # noqa: F401  (registers every route)

    missing = registered() - set(ROWS)
    assert not missing, f"add a row to the authorization matrix for: {sorted(missing)}"
    assert not set(ROWS) - registered(), "the matrix lists a route that no longer exists"
    # Web pages have their own table: tests/functional/test_web_authorization.py.
    from chalicelib.web.http import Pages

    assert not registered() & {(spec.method, spec.path) for spec in Pages.registry}


@pytest.fixture
def world(client, published, stack) -> World:  # type: ignore[no-untyped-def]
    owner = make_account(stack, "leader-owner", "leaders")
    make_account(stack, "leader-spare", "leaders")
    member = make_account(stack, "participant-member", "participants")
    callers = {
        "participant": make_account(stack, "participant-other", "participants"),
        "leader": make_account(stack, "leader-other", "leaders"),
        "author": make_account(stack, "author-one", "authors"),
        "admin": make_account(stack, "admin-one", "admins"),
        "leader-without-authenticator": make_account(
            stack, "leader-no-app", "leaders", authenticator=False
        ),
        "admin-without-authenticator": make_account(
            stack, "admin-no-app", "admins", authenticator=False
        ),
    }
    h = owner.headers
    group_id = json.loads(
        client.http.post("/groups", headers=h, body=json.dumps({"name": "Owner's group"})).body
    )["group_id"]
    client.http.post(
        f"/groups/{group_id}/participants",
        headers=h,
        body=json.dumps({"username": member.username, "display_name": "Member Name"}),
    )
    assignment = json.loads(
        client.http.post(
            f"/groups/{group_id}/assignments",
            headers=h,
            body=json.dumps({"module_id": "thinking-traps"}),
        ).body
    )
    client.http.post(
        "/me/completions",
        headers=member.headers,
        body=json.dumps({"module_id": "thinking-traps", "version": 1}),
    )
    saved = client.http.put(
        f"/me/worksheets/{WORKSHEET_MODULE}",
        headers=member.headers,
        body=json.dumps(
            {
                "version": shipped_version(WORKSHEET_MODULE),
                "answers": {"urge-helpers": [SHARED_ANSWER]},
            }
        ),
    )
    assert saved.status_code == 200
    shared = client.http.put(
        f"/me/worksheets/{WORKSHEET_MODULE}/sharing",
        headers=member.headers,
        body=json.dumps({"shared": True}),
    )
    assert shared.status_code == 200
    return World(group_id, assignment["assignment_id"], owner, member, callers)


@pytest.mark.parametrize("route", sorted(ROWS))
def test_outsiders_never_get_someone_elses_data(client, world, route):
    for role in ROLES:
        check(client, world, route, role)


def check(client, world: World, route: tuple[str, str], role: str) -> None:  # type: ignore[no-untyped-def]
    method, _ = route
    row = ROWS[route]
    path = row.path.format(
        g=world.group_id, a=world.assignment_id, p=world.member.id, o=world.owner.id
    )
    headers = {"Content-Type": "application/json"}
    if role != "anonymous":
        headers.update(world.callers[role].headers)
    response = getattr(client.http, method.lower())(
        path, headers=headers, body=json.dumps(row.body) if row.body is not None else None
    )
    text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
    if role == "anonymous":
        assert response.status_code == 401, role
    elif role in WITHOUT_AUTHENTICATOR:
        spec = next(s for s in Endpoints.registry if (s.method, s.path) == route)
        expected = "mfa_required" if WITHOUT_AUTHENTICATOR[role] in spec.roles else "forbidden"
        assert response.status_code == 403, (role, response.status_code, text[:200])
        assert json.loads(text)["error"]["code"] == expected, (role, text[:200])
    elif role in row.allowed:
        assert response.status_code < 500, (role, response.status_code, text[:200])
    else:
        assert response.status_code in DENIED, (role, response.status_code, text[:200])
    # Whatever the status: nothing of the owner's group leaks.
    secrets = ["Member Name", "Owner's group", SHARED_ANSWER]
    if not (row.shows_ids_to_allowed and role in row.allowed):
        secrets += [world.member.id, world.group_id]
    for secret in secrets:
        assert secret not in text, (role, secret)
    if route[0] != "GET" and role not in row.allowed:
        detail = json.loads(
            client.http.get(f"/groups/{world.group_id}", headers=world.owner.headers).body
        )
        assert detail["name"] == "Owner's group"
        assert detail["leaders"] == [world.owner.id]
        assert [p["participant_id"] for p in detail["participants"]] == [world.member.id]
        assert len(detail["assignments"]) == 1


# -- the visibility rule: a participant moved from leader A's group to leader B's ----------------
# A leader sees a participant's completions, knowledge-check results and shared worksheet
# answers only from the time the participant joined that leader's group, unless the
# participant shares their history with the group (and not after they take that back). The
# member below did everything in group A; then moved to group B.

HISTORY_ANSWER = "Walk the long way round past the bar on Fifth"
# The groups list's "Needs attention" cell for one participant (leader_groups.html).
ATTENTION_COUNT = '<span aria-hidden="true">!</span> 1 participant</span>'
# Rows whose answer never names participants (a count, or only those needing attention).
WITHOUT_NAMES = {"needs attention", "web groups list (needs attention)"}


@dataclass
class Moved:
    group_a: str
    group_b: str
    leader_a: Account
    leader_b: Account
    member: Account


def _api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
    return response.status_code, text


@pytest.fixture
def moved(client, published, stack, service, library_clock) -> Moved:  # type: ignore[no-untyped-def]
    leader_a = make_account(stack, "leader-a", "leaders")
    leader_b = make_account(stack, "leader-b", "leaders")
    member = make_account(stack, "participant-moved", "participants")
    modules = ("thinking-traps", WORKSHEET_MODULE)

    def group_of(leader: Account, name: str) -> str:
        status, text = _api(client, "POST", "/groups", leader, {"name": name})
        assert status == 201, text
        group_id = str(json.loads(text)["group_id"])
        body = {"username": member.username, "display_name": "Moved Member"}
        assert _api(client, "POST", f"/groups/{group_id}/participants", leader, body)[0] == 201
        for module_id in modules:
            body = {"module_id": module_id}
            assert _api(client, "POST", f"/groups/{group_id}/assignments", leader, body)[0] == 201
        return group_id

    group_a = group_of(leader_a, "Group A")
    # In group A: thinking-traps completed (the knowledge check missed), and one answer of the
    # worksheet written and shared (left half done: a reason on "needs attention").
    version = shipped_version("thinking-traps")
    questions = service.library.version("thinking-traps", version).document["knowledge_check"]
    wrong = [(q["answer"] + 1) % len(q["choices"]) for q in questions]
    body = {"module_id": "thinking-traps", "version": version, "answers": wrong}
    assert _api(client, "POST", "/me/completions", member, body)[0] in (200, 201)
    body = {
        "version": shipped_version(WORKSHEET_MODULE),
        "answers": {"urge-helpers": [HISTORY_ANSWER]},
    }
    assert _api(client, "PUT", f"/me/worksheets/{WORKSHEET_MODULE}", member, body)[0] == 200
    body = {"shared": True}
    assert _api(client, "PUT", f"/me/worksheets/{WORKSHEET_MODULE}/sharing", member, body)[0] == 200
    # Three days later (the worksheet is half done for two days by then): moved from A to B.
    library_clock.advance(3 * 86_400)
    path = f"/groups/{group_a}/participants/{member.id}"
    assert _api(client, "DELETE", path, leader_a)[0] == 204
    group_b = group_of(leader_b, "Group B")
    return Moved(group_a, group_b, leader_a, leader_b, member)


# Each route a leader reads a group's records through, and what would show the member's
# history (their time in group A) in its answer.
HISTORY_ROWS: dict[str, tuple[str, str]] = {
    "progress grid": ("/groups/{g}/progress", '"status":"completed"'),
    "progress CSV": ("/groups/{g}/progress.csv", "Done (version"),
    "before the session": (f"/groups/{{g}}/worksheets/{WORKSHEET_MODULE}", HISTORY_ANSWER),
    # Half done in group A: "started" (the grid's meaning of done, ``worksheets.worksheet_mark``).
    "before the session (started)": (
        f"/groups/{{g}}/worksheets/{WORKSHEET_MODULE}",
        '"started":true',
    ),
    "needs attention": ("/groups/{g}/attention", "worksheet_half_done"),
    # The same reason on the web: the group page and the grid name it beside the participant,
    # the groups list counts who needs attention (nobody else in group B does).
    "web group page (needs attention)": ("/leader/groups/{g}", "Worksheet left half done"),
    "web progress (needs attention)": ("/leader/groups/{g}/progress", "Worksheet left half done"),
    "web groups list (needs attention)": ("/leader", ATTENTION_COUNT),
    "web progress": ("/leader/groups/{g}/progress", 'title="Done: version'),
    "web progress CSV": ("/leader/groups/{g}/progress.csv", "Done (version"),
    "web before the session": (
        f"/leader/groups/{{g}}/before-session?module={WORKSHEET_MODULE}",
        HISTORY_ANSWER,
    ),
}
# Leader A, after the move: the member left A. A's leaders keep what they did while in A (A's
# own records, for a discharge summary) in the progress CSV, their row marked with the day they
# left, and the group page lists them under "Left the group" (name, day, totals); every other
# page of A shows nothing of them (tests/functional/test_former_members.py: never what they did
# after leaving).
SEEN_IN_A_AFTER_LEAVING = {"progress CSV", "web progress CSV"}
LISTED_IN_A_AS_LEFT = {*SEEN_IN_A_AFTER_LEAVING, "web group page (needs attention)"}
# Who reads, in order, and whether they may see the member's history.
MOVED_CALLERS = (
    ("leader A, after the move", False),
    ("leader B", False),
    ("leader B, history shared", True),
    ("leader B, sharing taken back", False),
)


def _read(client, path: str, leader: Account) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    if path != "/leader" and not path.startswith("/leader/"):
        return _api(client, "GET", path, leader)  # type: ignore[no-any-return]
    from tests.functional.web_client import WebClient

    web = WebClient(client)
    assert web.sign_in(leader.username, authenticator=leader.authenticator).status == 303
    page = web.get(path)
    return page.status, page.body


@pytest.mark.parametrize("what", sorted(HISTORY_ROWS))
def test_a_leader_sees_a_moved_participant_only_from_joining_unless_shared(client, moved, what):
    template, history = HISTORY_ROWS[what]
    for caller, may_see in MOVED_CALLERS:
        if caller == "leader B, history shared":
            path = f"/me/groups/{moved.group_b}/share-history"
            assert _api(client, "PUT", path, moved.member, {"share": True})[0] == 200
        if caller == "leader B, sharing taken back":
            path = f"/me/groups/{moved.group_b}/share-history"
            assert _api(client, "PUT", path, moved.member, {"share": False})[0] == 200
        leader, group = (
            (moved.leader_a, moved.group_a)
            if caller.startswith("leader A")
            else (moved.leader_b, moved.group_b)
        )
        status, text = _read(client, template.format(g=group), leader)
        assert status == 200, (caller, status, text[:300])
        left_a = caller.startswith("leader A")
        seen = may_see or (left_a and what in SEEN_IN_A_AFTER_LEAVING)
        assert (history in text) is seen, (what, caller)
        if left_a and what in LISTED_IN_A_AS_LEFT:  # someone who left A, said so
            assert "Moved Member" in text and ("Left the group (1)" in text or ",Left on," in text)
            assert "Left the group (1)" in text or "Moved Member," + moved.member.id in text
        elif left_a:  # the member left A: nothing of them anywhere else
            assert "Moved Member" not in text and moved.member.id not in text, caller
        elif what not in WITHOUT_NAMES:  # B's pages list the member (so the check means something)
            assert "Moved Member" in text, (what, caller)


def test_the_matrix_size():
    """The figure the issue asks for: route × caller cases."""
    import app  # noqa: F401

    cases = len(ROWS) * len(ROLES) + len(HISTORY_ROWS) * len(MOVED_CALLERS)
    print(
        f"authorization matrix: {len(ROWS)} routes x {len(ROLES)} callers"
        f" + {len(HISTORY_ROWS)} visibility rows x {len(MOVED_CALLERS)} callers = {cases} cases"
    )
    assert len(ROWS) == len(registered())
