"""After discharge: a participant removed from every group keeps signing in to their plan,
their answers and the library for the alumni period (Settings.alumni_days, default 365); in
its last month every page says when access ends and offers the plan; after it, sign-in ends
(the API says access_ended, the sign-in page says why); enrolling them again restores access.

The services' clock (the tests' FakeClock) moves; the token verifier keeps real time, so the
participant's token stays valid and what is refused is the alumni period alone."""

from __future__ import annotations

import json

from tests.conftest import Account, make_account
from tests.functional.web_client import WebClient

DAY = 86_400


def api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method)(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def group_with(client, leader: Account, participant: Account, name: str) -> str:  # type: ignore[no-untyped-def]
    status, group = api(client, "post", "/groups", leader, {"name": name})
    assert status == 201
    status, _ = api(
        client,
        "post",
        f"/groups/{group['group_id']}/participants",
        leader,
        {"username": participant.username, "display_name": "Sam R."},
    )
    assert status in (200, 201)
    return str(group["group_id"])


def test_alumni_access_then_the_notice_then_the_end_then_back(
    client, published, stack, participant, service, library_clock
):
    leader = make_account(stack, "leader-one", "leaders")
    first = group_with(client, leader, participant, "Tuesday group")
    second = group_with(client, leader, participant, "Thursday group")
    assert (
        api(
            client,
            "put",
            "/me/plan",
            participant,
            {"sections": {"reasons": [{"text": "My daughter Lucía"}]}},
        )[0]
        == 200
    )

    # Leaving one group of two: nothing ends.
    assert api(client, "delete", f"/groups/{first}/participants/{participant.id}", leader)[0] == 204
    assert service.access.ends_at(participant.id) is None
    # Leaving the last one: access ends after the alumni period.
    assert (
        api(client, "delete", f"/groups/{second}/participants/{participant.id}", leader)[0] == 204
    )
    ends_at = service.access.ends_at(participant.id)
    assert ends_at is not None
    assert abs(ends_at - (service.clock.epoch() + service.settings.alumni_days * DAY)) < 60
    assert service.settings.alumni_days == 365

    # Alumni: the plan, the answers and the library stay, with no notice yet.
    assert api(client, "get", "/me/plan", participant)[0] == 200
    assert api(client, "get", "/me/worksheets", participant)[0] == 200
    assert api(client, "get", "/modules", participant)[0] == 200
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    page = browser.get("/plan")
    assert page.status == 200 and "My daughter Lucía" in page.body
    assert "You can use Steady until" not in page.body

    # The last month: every page says when access ends and offers the plan's PDF.
    library_clock.advance(340 * DAY)
    browser = WebClient(client)  # the web session's 15 idle minutes are long gone
    assert browser.sign_in(participant.username).status == 303
    for path in ("/plan", "/library", "/account/reminders"):
        page = browser.get(path)
        assert page.status == 200, (path, page.status)
        assert "You can use Steady until" in page.body, path
        assert 'href="/plan/download?format=pdf"' in page.body, path
    assert api(client, "get", "/me/plan", participant)[0] == 200

    # After the period: refused, and the sign-in page says why.
    library_clock.advance(26 * DAY)
    status, body = api(client, "get", "/me/plan", participant)
    assert (status, body["error"]["code"]) == (401, "access_ended")
    # (Its session ended too: the sign-in page says so, as after any 12 hours.)
    assert browser.get("/plan").location == "/sign-in?done=signed_out_expired_page"
    refused = WebClient(client).sign_in(participant.username)
    assert refused.status == 400 and "Your access to Steady has ended" in refused.body

    # Enrolled again: access no longer ends.
    group_with(client, leader, participant, "Back again")
    assert service.access.ends_at(participant.id) is None
    assert api(client, "get", "/me/plan", participant)[0] == 200
    assert WebClient(client).sign_in(participant.username).status == 303


def test_a_disable_still_ends_access_for_an_alumnus(client, published, stack, participant, service):
    """The alumni end and the disable share one record: neither hides the other."""
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    admin = make_account(stack, "admin-one", "admins")
    assert api(client, "post", f"/admin/accounts/{participant.username}/disable", admin)[0] == 200
    status, body = api(client, "get", "/me/plan", participant)
    assert (status, body["error"]["code"]) == (401, "signed_out")
    assert service.access.ends_at(participant.id) is not None


def test_archiving_the_last_active_group_starts_the_alumni_period_like_removal(
    client, published, stack, participant, service, library_clock
):
    from datetime import UTC, datetime

    leader = make_account(stack, "leader-one", "leaders")
    first = group_with(client, leader, participant, "Tuesday group")
    second = group_with(client, leader, participant, "Thursday group")
    status, mine = api(client, "get", "/me/groups", participant)
    assert status == 200 and mine["access_ends_at"] is None
    assert [g["archived"] for g in mine["groups"]] == [False, False]

    # One of two groups archived: still in an active group, nothing ends.
    assert api(client, "patch", f"/groups/{first}", leader, {"archived": True})[0] == 200
    assert service.access.ends_at(participant.id) is None
    # The last active one archived: the program is over, the alumni period starts.
    assert api(client, "patch", f"/groups/{second}", leader, {"archived": True})[0] == 200
    ends_at = service.access.ends_at(participant.id)
    assert ends_at is not None
    assert abs(ends_at - (service.clock.epoch() + service.settings.alumni_days * DAY)) < 60
    # The API says when, in UTC.
    status, mine = api(client, "get", "/me/groups", participant)
    assert status == 200
    assert mine["access_ends_at"] == datetime.fromtimestamp(ends_at, UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert [g["archived"] for g in mine["groups"]] == [True, True]
    # Renaming an archived group changes nothing about access.
    library_clock.advance(DAY)
    assert api(client, "patch", f"/groups/{second}", leader, {"name": "Thursday, done"})[0] == 200
    assert service.access.ends_at(participant.id) == ends_at

    # Unarchived: in an active group again, access no longer ends.
    assert api(client, "patch", f"/groups/{second}", leader, {"archived": False})[0] == 200
    assert service.access.ends_at(participant.id) is None
    assert api(client, "get", "/me/groups", participant)[1]["access_ends_at"] is None

    # Archived again, then the period runs out: refused like after a removal.
    assert api(client, "patch", f"/groups/{second}", leader, {"archived": True})[0] == 200
    assert service.access.ends_at(participant.id) is not None
    library_clock.advance((service.settings.alumni_days + 1) * DAY)
    status, body = api(client, "get", "/me/plan", participant)
    assert (status, body["error"]["code"]) == (401, "access_ended")


def test_removed_from_the_last_active_group_while_in_an_archived_one(
    client, published, stack, participant, service
):
    leader = make_account(stack, "leader-one", "leaders")
    old = group_with(client, leader, participant, "Spring group")
    current = group_with(client, leader, participant, "Autumn group")
    assert api(client, "patch", f"/groups/{old}", leader, {"archived": True})[0] == 200
    assert service.access.ends_at(participant.id) is None
    assert (
        api(client, "delete", f"/groups/{current}/participants/{participant.id}", leader)[0] == 204
    )
    # Still enrolled in the archived group, but in no active one: the alumni period starts.
    assert service.access.ends_at(participant.id) is not None
    assert api(client, "get", "/me/groups", participant)[1]["access_ends_at"] is not None
