"""Every web page × anonymous / participant / group leader / other group leader.

Table-driven like ``test_authorization_matrix``: a page registered without a row here fails
``test_every_page_has_a_row``. Outcomes: the sign-in page (303), 403, 404, or the page itself,
and never the owner's group or its members' data for anyone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from chalicelib.library import lesson_code
from chalicelib.web.http import Pages
from tests.conftest import make_account, shipped_version
from tests.functional.web_client import WebClient

SIGN_IN = "sign-in"
CALLERS = ("anonymous", "participant", "leader", "other-leader")
SECRET_MARKERS = ("Owner&#39;s group", "Owner's group", "Member Name")


@dataclass(frozen=True)
class PageRow:
    path: str  # concrete; {g} is the owner's group
    form: dict | None = None
    # expected status per caller (303 to /sign-in is SIGN_IN; 200/303 means the page works)
    expect: tuple[object, object, object, object] = (SIGN_IN, 200, 200, 200)


LEADER_PAGE = (SIGN_IN, 403, 200, 404)
LEADER_POST = (SIGN_IN, 403, 303, 404)
ADMIN_PAGE = (SIGN_IN, 403, 403, 403)
PAGE_ROWS: dict[tuple[str, str], PageRow] = {
    ("GET", "/static/steady.css"): PageRow("/static/steady.css", expect=(200, 200, 200, 200)),
    ("GET", "/sign-in"): PageRow("/sign-in", expect=(200, 303, 303, 303)),
    ("POST", "/sign-in"): PageRow(
        "/sign-in",
        {"username": "participant-member", "password": "wrong-password-1A"},
        expect=(400, 400, 400, 400),
    ),
    ("GET", "/sign-in/new-password"): PageRow("/sign-in/new-password", expect=(303, 303, 303, 303)),
    ("POST", "/sign-in/new-password"): PageRow(
        "/sign-in/new-password",
        {"new_password": "x", "confirm_password": "x"},
        expect=(303, 303, 303, 303),
    ),
    ("GET", "/sign-in/code"): PageRow("/sign-in/code", expect=(303, 303, 303, 303)),
    ("POST", "/sign-in/code"): PageRow(
        "/sign-in/code", {"code": "123456"}, expect=(303, 303, 303, 303)
    ),
    ("POST", "/sign-out"): PageRow("/sign-out", {}, expect=(303, 303, 303, 303)),
    ("GET", "/account/authenticator"): PageRow("/account/authenticator"),
    # A wrong code: refused with the form again, for everyone signed in.
    ("POST", "/account/authenticator"): PageRow(
        "/account/authenticator", {"code": "000000"}, expect=(SIGN_IN, 400, 400, 400)
    ),
    ("GET", "/reminders/stop"): PageRow(
        "/reminders/stop?t=not.signed", expect=(400, 400, 400, 400)
    ),
    # The stop link's button (and a mail client's one-click post): its signed address is
    # its authority, for anyone; this one is not signed.
    ("POST", "/reminders/stop"): PageRow(
        "/reminders/stop?t=not.signed", {}, expect=(400, 400, 400, 400)
    ),
    ("GET", "/account/reminders"): PageRow("/account/reminders", expect=(SIGN_IN, 200, 403, 403)),
    ("POST", "/account/reminders"): PageRow(
        "/account/reminders",
        {
            "time": "08:00",
            "timezone": "UTC",
            "trigger": "daily",
            "channel": "email",
            "reminder_locale": "en",
            "day_mon": "on",
        },
        expect=(SIGN_IN, 303, 403, 403),
    ),
    ("POST", "/account/reminders/contact"): PageRow(
        "/account/reminders/contact",
        {"email": "webmatrix@example.org"},
        expect=(SIGN_IN, 303, 403, 403),
    ),
    ("POST", "/account/reminders/contact/confirm"): PageRow(
        "/account/reminders/contact/confirm", {"code": "123456"}, expect=(SIGN_IN, 409, 403, 403)
    ),
    # Not confirmed (no ticked box): the same page again, nothing deleted.
    ("POST", "/account/reminders/contact/delete"): PageRow(
        "/account/reminders/contact/delete", {}, expect=(SIGN_IN, 400, 403, 403)
    ),
    # The two new passwords differ: the account page again, nothing changed.
    ("POST", "/account/reminders/password"): PageRow(
        "/account/reminders/password",
        {
            "current_password": "Correct-horse-42",
            "new_password": "New-pass-2026a",
            "confirm_password": "New-pass-2026b",
        },
        expect=(SIGN_IN, 400, 403, 403),
    ),
    ("GET", "/exit"): PageRow("/exit", expect=(303, 303, 303, 303)),
    # Addresses that only lead on: the account page (a leader's own), the password form.
    ("GET", "/account"): PageRow("/account", expect=(SIGN_IN, 303, 303, 303)),
    ("GET", "/account/password"): PageRow("/account/password", expect=(SIGN_IN, 303, 303, 303)),
    ("GET", "/account/reminders/password"): PageRow(
        "/account/reminders/password", expect=(SIGN_IN, 303, 403, 403)
    ),
    ("GET", "/favicon.ico"): PageRow("/favicon.ico", expect=(204, 204, 204, 204)),
    ("GET", "/"): PageRow("/"),
    ("GET", "/library"): PageRow("/library?topic=addiction"),
    # The search posts, then goes on to the results' address (its words sealed in a token).
    ("POST", "/library"): PageRow("/library", {"q": "sleep"}, expect=(SIGN_IN, 303, 303, 303)),
    ("GET", "/lesson/{code}"): PageRow(f"/lesson/{lesson_code('thinking-traps')}"),
    ("POST", "/lesson/{code}/complete"): PageRow(
        f"/lesson/{lesson_code('thinking-traps')}/complete",
        {"version": "1"},
        expect=(SIGN_IN, 303, 403, 403),
    ),
    # Half answered (no answers): the lesson again with an error summary; leaders cannot.
    ("POST", "/lesson/{code}/attempts"): PageRow(
        f"/lesson/{lesson_code('thinking-traps')}/attempts",
        {"version": "1", "attempt": "2"},
        expect=(SIGN_IN, 400, 403, 403),
    ),
    ("POST", "/lesson/{code}/worksheet"): PageRow(
        f"/lesson/{lesson_code('cravings-and-urge-surfing')}/worksheet",
        {
            "version": str(shipped_version("cravings-and-urge-surfing")),
            "answer-urge-in-body": "Tight chest",
        },
        expect=(SIGN_IN, 303, 403, 403),
    ),
    # Earlier saves of a worksheet: the participant's own only; leaders cannot.
    ("GET", "/lesson/{code}/worksheet/earlier"): PageRow(
        f"/lesson/{lesson_code('cravings-and-urge-surfing')}/worksheet/earlier",
        expect=(SIGN_IN, 200, 403, 403),
    ),
    # Nothing saved yet by this participant: nothing to share (404); leaders cannot.
    ("POST", "/lesson/{code}/worksheet/sharing"): PageRow(
        f"/lesson/{lesson_code('cravings-and-urge-surfing')}/worksheet/sharing",
        {"shared": "1"},
        expect=(SIGN_IN, 404, 403, 403),
    ),
    ("GET", "/read/{module_id}"): PageRow("/read/thinking-traps", expect=(SIGN_IN, 303, 303, 303)),
    # My plan: only the participant's own; a leader has none.
    ("GET", "/plan"): PageRow("/plan", expect=(SIGN_IN, 200, 403, 403)),
    ("GET", "/plan/edit/{section}"): PageRow("/plan/edit/1", expect=(SIGN_IN, 200, 403, 403)),
    ("POST", "/plan/edit/{section}"): PageRow(
        "/plan/edit/1",
        {"based_on": "", "plan-0-text": "Payday"},
        expect=(SIGN_IN, 303, 403, 403),
    ),
    ("GET", "/plan/versions"): PageRow("/plan/versions", expect=(SIGN_IN, 200, 403, 403)),
    ("GET", "/plan/versions/{version}"): PageRow(
        "/plan/versions/1", expect=(SIGN_IN, 404, 403, 403)
    ),
    ("GET", "/plan/download"): PageRow(
        "/plan/download?format=txt", expect=(SIGN_IN, 200, 403, 403)
    ),
    ("GET", "/account/data"): PageRow("/account/data", expect=(SIGN_IN, 200, 403, 403)),
    ("GET", "/account/privacy"): PageRow("/account/privacy", expect=(SIGN_IN, 200, 403, 403)),
    ("POST", "/account/privacy/share"): PageRow(
        "/account/privacy/share",
        {"group_id": "not-my-group", "share": "1"},
        expect=(SIGN_IN, 404, 403, 403),
    ),
    ("GET", "/leader/groups/{group_id}/before-session"): PageRow(
        "/leader/groups/{g}/before-session?module=cravings-and-urge-surfing", expect=LEADER_PAGE
    ),
    # Not confirmed: the same page again, nothing deleted.
    ("POST", "/account/data/delete"): PageRow(
        "/account/data/delete", {}, expect=(SIGN_IN, 400, 403, 403)
    ),
    ("GET", "/account/data/download"): PageRow(
        "/account/data/download", expect=(SIGN_IN, 200, 403, 403)
    ),
    ("GET", "/account/data/plan-versions"): PageRow(
        "/account/data/plan-versions?before=2", expect=(SIGN_IN, 200, 403, 403)
    ),
    ("GET", "/leader"): PageRow("/leader", expect=(SIGN_IN, 403, 200, 200)),
    ("POST", "/leader/groups"): PageRow(
        "/leader/groups", {"name": "Another group"}, expect=(SIGN_IN, 403, 303, 303)
    ),
    # A leader's own account: every leader's, nobody else's.
    ("GET", "/leader/account"): PageRow("/leader/account", expect=(SIGN_IN, 403, 200, 200)),
    ("GET", "/leader/account/password"): PageRow(
        "/leader/account/password", expect=(SIGN_IN, 403, 303, 303)
    ),
    # The two new passwords differ: the account page again, nothing changed.
    ("POST", "/leader/account/password"): PageRow(
        "/leader/account/password",
        {
            "current_password": "Correct-horse-42",
            "new_password": "New-pass-2026a",
            "confirm_password": "New-pass-2026b",
        },
        expect=(SIGN_IN, 403, 400, 400),
    ),
    ("GET", "/leader/groups/{group_id}"): PageRow("/leader/groups/{g}", expect=LEADER_PAGE),
    ("POST", "/leader/groups/{group_id}/participants"): PageRow(
        "/leader/groups/{g}/participants", {"username": "participant-other"}, expect=LEADER_POST
    ),
    ("POST", "/leader/groups/{group_id}/assignments"): PageRow(
        "/leader/groups/{g}/assignments",
        {"item": "module:breathing-and-grounding"},
        expect=LEADER_POST,
    ),
    ("POST", "/leader/groups/{group_id}/name"): PageRow(
        "/leader/groups/{g}/name", {"name": "Renamed"}, expect=LEADER_POST
    ),
    # The owner adds themselves: nothing to change, the group page says they already lead it.
    ("POST", "/leader/groups/{group_id}/leaders"): PageRow(
        "/leader/groups/{g}/leaders",
        {"leader_username": "leader-owner"},
        expect=(SIGN_IN, 403, 200, 404),
    ),
    ("GET", "/leader/groups/{group_id}/archive"): PageRow(
        "/leader/groups/{g}/archive", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/archive"): PageRow(
        "/leader/groups/{g}/archive", {}, expect=LEADER_POST
    ),
    ("POST", "/leader/groups/{group_id}/unarchive"): PageRow(
        "/leader/groups/{g}/unarchive", {}, expect=LEADER_POST
    ),
    # The member has no reason to mark (nothing overdue): refused with the page again (409).
    ("POST", "/leader/groups/{group_id}/attention/seen"): PageRow(
        "/leader/groups/{g}/attention/seen",
        {"participant": "{m}", "reason": "overdue"},
        expect=(SIGN_IN, 403, 409, 404),
    ),
    ("POST", "/leader/groups/{group_id}/attention/settings"): PageRow(
        "/leader/groups/{g}/attention/settings", {"inactive_days": "9"}, expect=LEADER_POST
    ),
    # The owner is the group's only leader: never removed (409), on the page or by its form.
    ("GET", "/leader/groups/{group_id}/leaders/{leader_id}/remove"): PageRow(
        "/leader/groups/{g}/leaders/{o}/remove", expect=(SIGN_IN, 403, 409, 404)
    ),
    ("POST", "/leader/groups/{group_id}/leaders/{leader_id}/remove"): PageRow(
        "/leader/groups/{g}/leaders/{o}/remove", {}, expect=(SIGN_IN, 403, 409, 404)
    ),
    # Nothing to hand out in a fresh session: the page that says so, to the group's leaders.
    ("GET", "/leader/groups/{group_id}/participants/{participant_id}/hand-out"): PageRow(
        "/leader/groups/{g}/participants/{m}/hand-out", expect=LEADER_PAGE
    ),
    # The same for every hand-out of the group on one page: none in a fresh session.
    ("GET", "/leader/groups/{group_id}/hand-outs"): PageRow(
        "/leader/groups/{g}/hand-outs", expect=LEADER_PAGE
    ),
    ("GET", "/leader/groups/{group_id}/participants/{participant_id}/temporary-password"): PageRow(
        "/leader/groups/{g}/participants/{m}/temporary-password", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/participants/{participant_id}/temporary-password"): PageRow(
        "/leader/groups/{g}/participants/{m}/temporary-password", {}, expect=LEADER_POST
    ),
    ("GET", "/leader/groups/{group_id}/participants/{participant_id}/name"): PageRow(
        "/leader/groups/{g}/participants/{m}/name", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/participants/{participant_id}/name"): PageRow(
        "/leader/groups/{g}/participants/{m}/name", {"display_name": "New name"}, expect=LEADER_POST
    ),
    ("GET", "/leader/groups/{group_id}/participants/{participant_id}/remove"): PageRow(
        "/leader/groups/{g}/participants/{m}/remove", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/participants/{participant_id}/remove"): PageRow(
        "/leader/groups/{g}/participants/{m}/remove", {}, expect=LEADER_POST
    ),
    # It only takes a new account's details out of the caller's own session: another leader
    # changes nothing (and learns nothing) and is sent to the group page, which is not theirs.
    ("POST", "/leader/groups/{group_id}/participants/{participant_id}/handed-over"): PageRow(
        "/leader/groups/{g}/participants/{m}/handed-over", {}, expect=(SIGN_IN, 403, 303, 303)
    ),
    ("GET", "/leader/groups/{group_id}/assignments/{assignment_id}/dates"): PageRow(
        "/leader/groups/{g}/assignments/{a}/dates", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/assignments/{assignment_id}/dates"): PageRow(
        "/leader/groups/{g}/assignments/{a}/dates", {"due_date": "2030-01-01"}, expect=LEADER_POST
    ),
    ("GET", "/leader/groups/{group_id}/assignments/{assignment_id}/remove"): PageRow(
        "/leader/groups/{g}/assignments/{a}/remove", expect=LEADER_PAGE
    ),
    ("POST", "/leader/groups/{group_id}/assignments/{assignment_id}/remove"): PageRow(
        "/leader/groups/{g}/assignments/{a}/remove", {}, expect=LEADER_POST
    ),
    # One module of a track assignment: {a} is an assignment of a module, so to its leader the
    # module page is not found and leaving it out is refused on the group page (400).
    ("GET", "/leader/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}/dates"): (
        PageRow(
            "/leader/groups/{g}/assignments/{a}/modules/thinking-traps/dates",
            expect=(SIGN_IN, 403, 404, 404),
        )
    ),
    ("POST", "/leader/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}/dates"): (
        PageRow(
            "/leader/groups/{g}/assignments/{a}/modules/thinking-traps/dates",
            {"due_date": "2030-01-01"},
            expect=(SIGN_IN, 403, 404, 404),
        )
    ),
    (
        "POST",
        "/leader/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}/leave-out",
    ): PageRow(
        "/leader/groups/{g}/assignments/{a}/modules/thinking-traps/leave-out",
        {"out": "yes"},
        expect=(SIGN_IN, 403, 400, 404),
    ),
    ("GET", "/leader/groups/{group_id}/progress"): PageRow(
        "/leader/groups/{g}/progress", expect=LEADER_PAGE
    ),
    ("GET", "/leader/groups/{group_id}/progress.csv"): PageRow(
        "/leader/groups/{g}/progress.csv", expect=LEADER_PAGE
    ),
    # An administrator's pages: nobody else's (tests/functional/test_admin_pages.py has them
    # for an admin); a leader is answered as for a participant's page.
    ("GET", "/leader/admin/accounts"): PageRow("/leader/admin/accounts", expect=ADMIN_PAGE),
    ("POST", "/leader/admin/accounts"): PageRow(
        "/leader/admin/accounts",
        {"username": "made-by-nobody", "role": "leaders"},
        expect=ADMIN_PAGE,
    ),
    ("POST", "/leader/admin/accounts/turn-off"): PageRow(
        "/leader/admin/accounts/turn-off",
        {"username": "leader-other", "confirm": "yes"},
        expect=ADMIN_PAGE,
    ),
    ("POST", "/leader/admin/accounts/turn-on"): PageRow(
        "/leader/admin/accounts/turn-on", {"username": "leader-other"}, expect=ADMIN_PAGE
    ),
    ("POST", "/leader/admin/accounts/reset-two-step"): PageRow(
        "/leader/admin/accounts/reset-two-step",
        {"username": "leader-other", "confirm": "yes"},
        expect=ADMIN_PAGE,
    ),
    ("GET", "/leader/admin/audit"): PageRow("/leader/admin/audit", expect=ADMIN_PAGE),
    # Their forms' own addresses lead to the accounts page (for an admin).
    ("GET", "/leader/admin/accounts/turn-off"): PageRow(
        "/leader/admin/accounts/turn-off", expect=ADMIN_PAGE
    ),
    ("GET", "/leader/admin/accounts/turn-on"): PageRow(
        "/leader/admin/accounts/turn-on", expect=ADMIN_PAGE
    ),
    ("GET", "/leader/admin/accounts/reset-two-step"): PageRow(
        "/leader/admin/accounts/reset-two-step", expect=ADMIN_PAGE
    ),
    # An address no route has: 404 for everyone, signed in or not (tests/functional/
    # test_unknown_paths.py has the page and the JSON; this client takes one-part paths there).
    ("GET", "/{proxy+}"): PageRow("/nope", expect=(404, 404, 404, 404)),
    ("HEAD", "/{proxy+}"): PageRow("/nope", expect=(404, 404, 404, 404)),
    ("POST", "/{proxy+}"): PageRow("/nope", {}, expect=(404, 404, 404, 404)),
}


def test_every_page_has_a_row():
    import app  # noqa: F401  (registers every page)

    pages = {(spec.method, spec.path) for spec in Pages.registry}
    assert pages == set(PAGE_ROWS), "add a row to PAGE_ROWS for every web page"


def test_only_the_stop_link_posts_without_a_csrf_token():
    """A post whose address is its authority (``signed_address``) reads no form and asks for
    no CSRF token: the reminder stop link's, and no other."""
    import app  # noqa: F401  (registers every page)

    assert {(s.method, s.path) for s in Pages.registry if s.signed_address} == {
        ("POST", "/reminders/stop")
    }


@pytest.fixture
def world(client, published, stack):  # type: ignore[no-untyped-def]
    owner = make_account(stack, "leader-owner", "leaders")
    member = make_account(stack, "participant-member", "participants")
    other = make_account(stack, "participant-other", "participants")
    other_leader = make_account(stack, "leader-other", "leaders")
    h = owner.headers
    group_id = json.loads(
        client.http.post("/groups", headers=h, body=json.dumps({"name": "Owner's group"})).body
    )["group_id"]
    client.http.post(
        f"/groups/{group_id}/participants",
        headers=h,
        body=json.dumps({"username": member.username, "display_name": "Member Name"}),
    )
    assigned = client.http.post(
        f"/groups/{group_id}/assignments",
        headers=h,
        body=json.dumps({"module_id": "thinking-traps"}),
    )
    client.http.post(
        "/me/completions",
        headers=member.headers,
        body=json.dumps({"module_id": "thinking-traps", "version": 1}),
    )
    return {
        "group_id": group_id,
        "member_id": member.id,
        "owner_id": owner.id,
        "assignment_id": json.loads(assigned.body)["assignment_id"],
        "accounts": {"participant": other, "leader": owner, "other-leader": other_leader},
    }


@pytest.mark.parametrize(("method", "path"), sorted(PAGE_ROWS))
def test_page_for_every_caller(client, world, method, path):
    row = PAGE_ROWS[(method, path)]
    concrete = row.path.format(
        g=world["group_id"], m=world["member_id"], a=world["assignment_id"], o=world["owner_id"]
    )
    for caller, expected in zip(CALLERS, row.expect, strict=True):
        browser = WebClient(client)
        if caller != "anonymous":
            account = world["accounts"][caller]
            assert (
                browser.sign_in(account.username, authenticator=account.authenticator).status == 303
            )
            token = browser.get("/").csrf()
        else:
            token = browser.get("/sign-in").csrf()
        if method == "GET":
            page = browser.get(concrete)
        elif method == "HEAD":
            page = browser.head(concrete)
        else:
            form = {k: v.format(m=world["member_id"]) for k, v in (row.form or {}).items()}
            page = browser.post(concrete, {**form, "csrf": token})
        if expected == SIGN_IN:
            # A participant's form sent with no session says it was not saved (walk 21, 15).
            said = "/sign-in?done=not_saved" if method == "POST" else "/sign-in"
            assert (page.status, page.location) in ((303, "/sign-in"), (303, said)), (
                caller,
                page.status,
                page.location,
                page.body[:300],
            )
        else:
            assert page.status == expected, (caller, page.status, page.body[:500])
        if caller != "leader":
            for marker in SECRET_MARKERS + (world["member_id"],):
                assert marker not in page.body, (caller, marker)
