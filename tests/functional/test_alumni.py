"""After discharge: a participant removed from every group keeps signing in to their plan,
their answers and the library for the alumni period (Settings.alumni_days, default 365); in
its last month every page says when access ends and offers the plan; after it, sign-in ends
(the API says access_ended, the sign-in page says why); enrolling them again restores access.

The services' clock (the tests' FakeClock) moves; the token verifier keeps real time, so the
participant's token stays valid and what is refused is the alumni period alone."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.access import notice_days
from chalicelib.records.keys import access_notice_pk
from tests.conftest import Account, make_account
from tests.functional import test_access_ends
from tests.functional.test_access_ends import build, on
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


def _cohort_with_maria(client, leader):  # type: ignore[no-untyped-def]
    """The leader's group "Spring cohort" and the account its leader made for Maria in it."""
    _, a = api(client, "post", "/groups", leader, {"name": "Spring cohort"})
    status, made = api(
        client,
        "post",
        f"/groups/{a['group_id']}/participants",
        leader,
        {"username": "maria-g", "display_name": "Maria", "create": True},
    )
    assert status == 201, made
    return a, made["participant_id"]


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

    # A minute before the end, signed in; two minutes later (the session still fresh), the
    # period is over: refused, and the sign-in page says why.
    library_clock.advance(ends_at - library_clock.epoch() - 60)
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    library_clock.advance(120)
    status, body = api(client, "get", "/me/plan", participant)
    assert (status, body["error"]["code"]) == (401, "access_ended")
    # The open session: the sign-in page says why at once, as a notice (walk-through 14).
    ended = browser.get("/plan")
    assert ended.location == "/sign-in?done=access_ended"
    shown = browser.get(ended.location)
    assert shown.status == 200
    assert '<p class="notice" role="status">Your access to Steady has ended' in shown.body
    assert 'class="error' not in shown.body
    # After the password: the same notice, once, not an input error.
    refused = WebClient(client).sign_in(participant.username)
    assert refused.status == 400
    assert refused.body.count("Your access to Steady has ended") == 1
    assert '<p class="notice" role="status">Your access to Steady has ended' in refused.body
    assert 'class="error' not in refused.body and 'aria-invalid="true"' not in refused.body
    # The username is not kept there (walk-through 19, problem 10): on a shared phone it would
    # say whose account it was, and that they left a program.
    assert participant.username not in refused.body
    assert 'id="username" name="username"' in refused.body and 'value=""' in refused.body
    spanish = WebClient(client)
    spanish.get("/sign-in?locale=es")
    refused = spanish.sign_in(participant.username)
    assert refused.body.count("Su acceso a Steady terminó") == 1
    # A wrong password is still the ordinary refusal: the end is not told to a guesser.
    guess = WebClient(client).sign_in(participant.username, "Wrong-horse-42")
    assert "do not match" in guess.body and "has ended" not in guess.body
    assert f'value="{participant.username}"' in guess.body  # kept, as every form keeps input

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


def _day(ends_at: int, zone, lang: str = "en") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The last full day a page names, and the (cut short) day access ends on, as pages show
    days."""
    from datetime import datetime, timedelta

    from chalicelib.web.render import day

    end = datetime.fromtimestamp(ends_at, zone).date()
    return day((end - timedelta(days=1)).isoformat(), lang), day(end.isoformat(), lang)


def test_home_says_they_left_their_group_from_the_day_they_leave_naming_the_last_full_day(
    client, published, stack, participant, service
):
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    assert "You have left your group" not in browser.get("/").body

    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    ends_at = service.access.ends_at(participant.id)
    assert ends_at is not None
    last_day, end_day = _day(ends_at, service.clock.zone)

    home = browser.get("/")
    assert home.status == 200
    assert "You have left your group." in home.body
    # Access ends at the time of day they left: the day it ends on is cut short, so the page
    # names the day before, the last whole one.
    assert f"You can use Steady until {last_day}." in home.body
    assert f"until {end_day}" not in home.body
    assert 'href="/plan/download?format=pdf"' in home.body
    # Only the home page says so before the last month.
    assert "You can use Steady until" not in browser.get("/library").body

    es_day, _ = _day(ends_at, service.clock.zone, "es")
    spanish = browser.get("/?locale=es").body
    assert (
        "Ya no está en su grupo." in spanish and f"Puede usar Steady hasta el {es_day}." in spanish
    )


def test_the_home_notice_after_leaving_costs_no_read_of_its_own(
    client, published, stack, participant, service, monkeypatch
):
    """The notice reads the access check's cache, which the request's own check filled."""
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204

    records = service.access._records
    reads: list[str] = []
    times = records.times
    monkeypatch.setattr(
        records, "times", lambda account_id: reads.append(account_id) or times(account_id)
    )
    home = browser.get("/")  # the removal made this container forget: the check reads once
    assert "You have left your group." in home.body
    assert reads == [participant.id]


def test_the_downloaded_plan_says_until_when_it_can_be_changed_after_leaving(
    client, published, stack, participant, service
):
    import io

    import pypdf

    from chalicelib.plan import written_day
    from tests.functional.web_client import download

    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    before = download(browser, "/plan/download?format=txt").body
    assert "I can change this plan any time in Steady." in before.decode()

    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    last = service.access.last_day(participant.id)
    assert last is not None
    day = written_day(last.isoformat(), "en", service.clock.zone)
    expected = f"I can change this plan in Steady until {day}."
    text = download(browser, "/plan/download?format=txt").body.decode()
    assert expected in text and "any time" not in text
    pdf = download(browser, "/plan/download?format=pdf").body
    extracted = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert expected in " ".join(extracted.split())
    # The API's download says the same.
    response = client.http.get("/me/plan/download?format=txt", headers=participant.headers)
    assert expected in response.body.decode()


def test_after_leaving_the_worksheet_says_nobody_else_sees_it_and_your_data_names_no_leader(
    client, published, stack, participant
):
    """Walk-through 14, problems 9 and 12."""
    from tests.functional.web_client import lesson_path, save_worksheet

    page_path = lesson_path("cravings-and-urge-surfing")
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    token = browser.get(page_path).csrf()
    save_worksheet(browser, "cravings-and-urge-surfing", {"answer-urge-in-body": "Stomach"}, token)
    browser.post(f"{page_path}/worksheet/sharing", {"csrf": token, "shared": "1"})
    assert "Your group leaders can see this worksheet." in browser.get(page_path).body

    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    page = browser.get(page_path).body
    assert "You are not in a group now. Nobody else can see this worksheet." in page
    assert "Your group leaders can see" not in page and "Stop sharing" in page
    spanish = browser.get(page_path + "?locale=es").body
    assert "Ahora no está en un grupo. Nadie más puede ver esta hoja de trabajo." in spanish
    browser.post(f"{page_path}/worksheet/sharing", {"csrf": token, "shared": "0"})
    page = browser.get(page_path + "?locale=en").body
    assert "You are not in a group now. Nobody else can see this worksheet." in page
    assert "Your group leaders see only" not in page

    data = browser.get("/account/data").body
    assert "so the leaders of a group you are in see your progress." in data
    assert "your group leader still sees" not in data


# -- a forgotten password after leaving (walk-through 19, problem 1) ---------------------------


def test_a_leader_gives_someone_who_left_a_new_temporary_password_from_left_the_group(
    client, published, stack, participant, service
):
    """Months after discharge, the notices send them back to their plan: a forgotten password
    must not leave them locked out. The group they left has the way in, as for a member: the
    same confirmation, the same panel, the audit entry, and their own password next time."""
    from html import unescape

    from tests.functional.web_client import signed_in

    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    theirs = WebClient(client)
    assert theirs.sign_in(participant.username).status == 303  # an alumna's open session

    browser = signed_in(client, leader)
    page = browser.get(f"/leader/groups/{group}")
    block = page.body.split('id="left-the-group"', 1)[1].split("</details>", 1)[0]
    address = f"/leader/groups/{group}/participants/{participant.id}/temporary-password"
    assert f'<a href="{address}">Give a new temporary password' in block
    confirm = browser.get(address)
    assert confirm.status == 200
    assert "Give <bdi>Sam R.</bdi> a new temporary password?" in unescape(confirm.body)
    done = browser.post(address, {"csrf": confirm.csrf(), "key": "a" * 32})
    assert (done.status, done.location) == (303, f"/leader/groups/{group}#handout-{participant.id}")
    panel = browser.get(f"/leader/groups/{group}").body.split('<section class="handout"', 1)[1]
    password = re.search(r'class="copy temporary-password">([^<]+)<', panel).group(1)
    assert "give these to <bdi>Sam R.</bdi>" in panel
    # Its own printable page too.
    slip = browser.get(f"/leader/groups/{group}/participants/{participant.id}/hand-out")
    assert slip.status == 200 and password in slip.body

    entries = service.audit.page(limit=200)[0]
    (given,) = [e for e in entries if e["action"] == "account.temporary_password"]
    assert given["participant_ids"] == [participant.id] and given["group_id"] == group
    # Signed out everywhere; the old password no longer works; the new one asks for theirs.
    assert theirs.get("/").location == "/sign-in"
    assert WebClient(client).sign_in(participant.username).status == 400
    assert WebClient(client).sign_in(participant.username, password).location == (
        "/sign-in/new-password"
    )

    # Another leader reaches no one through their own group, and not this group at all.
    stranger = make_account(stack, "leader-two", "leaders")
    theirs_group = group_with(client, stranger, make_account(stack, "other-p", "participants"), "X")
    path = f"/groups/{theirs_group}/participants/{participant.id}/temporary-password"
    status, body = api(client, "post", path, stranger)
    assert (status, body["error"]["code"]) == (404, "participant_not_found")
    status, body = api(
        client,
        "post",
        f"/groups/{group}/participants/{participant.id}/temporary-password",
        stranger,
    )
    assert (status, body["error"]["code"]) == (404, "group_not_found")
    stranger_web = signed_in(client, stranger)
    assert (
        stranger_web.get(
            f"/leader/groups/{theirs_group}/participants/{participant.id}/temporary-password"
        ).status
        == 404
    )


def test_the_panel_for_someone_who_left_goes_once_they_chose_their_own_password(
    client, published, stack, participant, service, library_clock, aws_calls
):
    """As a member's: a temporary password they no longer use is not left on the leader's
    screen for 15 minutes. Their choice is noted on their access item, which "Left the group"
    reads anyway, so the group page makes the same calls as before it (none to Cognito)."""
    from tests.functional.test_leader_pages import choose_password, handouts, stored_session
    from tests.functional.web_client import signed_in

    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    browser = signed_in(client, leader)
    page_path = f"/leader/groups/{group}"
    address = f"{page_path}/participants/{participant.id}/temporary-password"
    confirm = browser.get(address)
    assert browser.post(address, {"csrf": confirm.csrf(), "key": "b" * 32}).status == 303
    browser.get(page_path)  # the first view after a change may touch the session

    def viewed() -> tuple[dict[str, str], list[str], str]:
        aws_calls.reset()
        page = browser.get(page_path)
        assert page.status == 200
        return handouts(page), list(aws_calls.names), page.body

    def reads(calls: list[str]) -> list[str]:
        return sorted(n for n in calls if n.startswith("DynamoDB.") and n != "DynamoDB.UpdateItem")

    shown, calls_before, _ = viewed()
    password = shown[participant.username]
    assert viewed()[0] == shown  # a reload shows it still
    slip_path = f"{page_path}/participants/{participant.id}/hand-out"
    assert password in browser.get(slip_path).body

    library_clock.advance(60)
    assert choose_password(client, participant.username, password).location == "/"

    shown, calls_after, body = viewed()
    assert shown == {} and password not in body
    assert (
        "<bdi>Sam R.</bdi> has signed in and chosen their own password, so their temporary "
        "password is no longer shown." in body
    )
    # The same reads (the view's other writes: the session's, which Done makes too).
    assert reads(calls_after) == reads(calls_before), calls_after
    assert not [n for n in calls_after if "Cognito" in n], calls_after
    assert stored_session(service, browser).handouts == ()
    # Gone for good; its own page says so too.
    shown, calls_again, body = viewed()
    assert shown == {} and "has signed in" not in body
    assert reads(calls_again) == reads(calls_before)
    assert password not in browser.get(slip_path).body

    # Lost again: a new one given after that choice is shown until it is used.
    library_clock.advance(60)
    confirm = browser.get(address)
    assert browser.post(address, {"csrf": confirm.csrf(), "key": "c" * 32}).status == 303
    newer = handouts(browser.get(page_path))[participant.username]
    assert newer != password and handouts(browser.get(page_path)) == {participant.username: newer}


def test_the_api_gives_someone_who_left_a_password_only_in_their_alumni_period(
    client, published, stack, participant, service, library_clock
):
    """The same use case as the web: in no active group and access not ended. Someone who went
    on to another group is that group's leaders' to help; after the end, none could work."""
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    path = f"/groups/{group}/participants/{participant.id}/temporary-password"
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204

    status, body = api(client, "post", path, leader)
    assert status == 200, body
    assert body["participant_id"] == participant.id and body["display_name"] == "Sam R."
    assert body["username"] == participant.username and len(body["temporary_password"]) >= 12

    # Enrolled by another leader in their group: refused here, nothing changes.
    other_leader = make_account(stack, "leader-two", "leaders")
    elsewhere = group_with(client, other_leader, participant, "Thursday group")

    def given() -> int:
        entries = service.audit.page(limit=200)[0]
        return [e["action"] for e in entries].count("account.temporary_password")

    before = given()
    status, body = api(client, "post", path, leader)
    assert (status, body["error"]["code"]) == (409, "in_another_group")
    assert given() == before
    # This group's page says nothing of their access now (nor offers the link).
    from tests.functional.web_client import signed_in

    page = signed_in(client, leader).get(f"/leader/groups/{group}").body
    block = page.split('id="left-the-group"', 1)[1].split("</details>", 1)[0]
    assert "Sam R." in block and "sign in" not in block and "temporary-password" not in block
    status, detail = api(client, "get", f"/groups/{group}?include=former", leader)
    assert detail["former"][0]["access_ends_at"] is None
    # Left that one too: the first group can help again; then the period runs out.
    assert (
        api(client, "delete", f"/groups/{elsewhere}/participants/{participant.id}", other_leader)[0]
        == 204
    )
    assert api(client, "post", path, leader)[0] == 200
    library_clock.advance((service.settings.alumni_days + 1) * DAY)
    status, body = api(client, "post", path, leader)
    assert (status, body["error"]["code"]) == (409, "access_ended")
    assert set(body["error"]) == {"code", "message"}


def test_no_leader_takes_over_an_alumnus_by_enrolling_them_by_username(
    client, published, stack, participant, service
):
    """Someone who left every group keeps their plan and can still sign in. Enrolling an
    existing account by username needs no one's consent: if a leader who never led any group
    they were in could then give them a password, they could sign in as them and read all they
    wrote. Their groups before this one count though they left them (removed, or archived),
    on the API and on the web page; so does a group that enrolled and removed them first."""
    from tests.functional.web_client import signed_in

    leader = make_account(stack, "leader-one", "leaders")
    first = group_with(client, leader, participant, "Tuesday group")
    assert api(client, "delete", f"/groups/{first}/participants/{participant.id}", leader)[0] == 204
    archived_member = make_account(stack, "participant-two", "participants")
    archived = group_with(client, leader, archived_member, "Spring cohort")
    assert api(client, "patch", f"/groups/{archived}", leader, {"archived": True})[0] == 200

    def given() -> int:
        entries = service.audit.page(limit=500)[0]
        return [e["action"] for e in entries].count("account.temporary_password")

    stranger = make_account(stack, "leader-two", "leaders")
    before = given()
    for alumnus, key in ((participant, "b" * 32), (archived_member, "c" * 32)):
        theirs = group_with(client, stranger, alumnus, f"New group for {alumnus.username}")
        path = f"/groups/{theirs}/participants/{alumnus.id}/temporary-password"
        status, body = api(client, "post", path, stranger)
        assert (status, body["error"]["code"]) == (409, "in_another_group"), alumnus.username
        assert "temporary_password" not in body
        web = signed_in(client, stranger)
        address = f"/leader/groups/{theirs}/participants/{alumnus.id}/temporary-password"
        confirm = web.get(address)
        refused = web.post(address, {"csrf": confirm.csrf(), "key": key})
        assert refused.status == 409
        assert "They were in another group before this one" in refused.body
        # Removed from the new group again: "Left the group" gives no way round it.
        assert (
            api(client, "delete", f"/groups/{theirs}/participants/{alumnus.id}", stranger)[0] == 204
        )
        status, body = api(client, "post", path, stranger)
        assert (status, body["error"]["code"]) == (409, "in_another_group"), alumnus.username
    assert given() == before
    assert WebClient(client).sign_in(participant.username).status == 303  # theirs still works

    # The leader of the group they joined first still can (its "Left the group" list, and an
    # archived group's member); so can the stranger once a leader of that group too.
    for group, alumnus in ((first, participant), (archived, archived_member)):
        path = f"/groups/{group}/participants/{alumnus.id}/temporary-password"
        status, body = api(client, "post", path, leader)
        assert status == 200 and body["temporary_password"], alumnus.username
    assert api(client, "post", f"/groups/{first}/leaders", leader, {"username": "leader-two"})[
        0
    ] in (200, 201)
    theirs = group_with(client, stranger, participant, "Readmitted")
    path = f"/groups/{theirs}/participants/{participant.id}/temporary-password"
    status, body = api(client, "post", path, stranger)
    assert status == 200 and body["temporary_password"]


def test_an_archived_groups_leader_cannot_give_a_password_to_someone_now_in_another_group(
    client, published, stack, leader
):
    """Archiving a group is leaving it (``enrolment.group_archived``): its leader gave the
    account, but once the participant is in another leader's active group, that group's
    leaders are the ones to help, or this one could sign in as them and read what they write
    there. Found by an outside review (the archived group's members were never checked)."""
    other = make_account(stack, "leader-two", "leaders")
    a, pid = _cohort_with_maria(client, leader)
    # The program is over.
    assert api(client, "patch", f"/groups/{a['group_id']}", leader, {"archived": True})[0] == 200
    # Maria goes on to another leader's group.
    _, b = api(client, "post", "/groups", other, {"name": "Autumn cohort"})
    status, _ = api(
        client,
        "post",
        f"/groups/{b['group_id']}/participants",
        other,
        {"username": "maria-g", "display_name": "Maria"},
    )
    assert status == 201
    # The first leader, through the archived group, takes over her account.
    status, body = api(
        client, "post", f"/groups/{a['group_id']}/participants/{pid}/temporary-password", leader
    )
    assert status == 409 and body["error"]["code"] == "in_another_group", (status, body)


def test_no_temporary_password_for_an_archived_groups_member_whose_access_ended(
    client, published, stack, leader, service, library_clock
):
    """After the alumni period an archived group's member is refused too (409 access_ended),
    as someone who left the group is."""
    _, a = api(client, "post", "/groups", leader, {"name": "Spring cohort"})
    status, made = api(
        client,
        "post",
        f"/groups/{a['group_id']}/participants",
        leader,
        {"username": "maria-g", "display_name": "Maria", "create": True},
    )
    pid = made["participant_id"]
    assert api(client, "patch", f"/groups/{a['group_id']}", leader, {"archived": True})[0] == 200
    ends = service.access.ends_at(pid)
    assert ends is not None
    library_clock.advance(ends - library_clock.epoch() + 60)  # the alumni period is over
    status, body = api(
        client, "post", f"/groups/{a['group_id']}/participants/{pid}/temporary-password", leader
    )
    assert status == 409 and body["error"]["code"] == "access_ended", (status, body)


# -- two containers: the access end is decided by what is stored, not by a container's cache --
#
# Each Lambda container remembers an account's access end for up to REMEMBER_SECONDS (the
# token check's cache). A leader's requests land on any container, so the container enrolling
# or removing someone may remember an end another container has since set or taken away.

container = test_access_ends.container
now = test_access_ends.now


@pytest.fixture
def cached_api(container):  # type: ignore[no-untyped-def]
    """The test client for requests ``on`` a container of the test's choosing."""
    from chalice.test import Client

    from app import app
    from tests.conftest import ROOT

    with Client(app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client


def stored_end(stack, clock, participant: Account) -> int | None:  # type: ignore[no-untyped-def]
    """The access end as stored, read by a cold container (no cache of its own)."""
    return build(stack, clock).access.records.times(participant.id)[1]


def notice_ends(service, participant: Account, *ends: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The end each notice item of the participant announces, by program day, over the days
    the notices of ``ends`` would be due on."""
    days = set()
    for ends_at in ends:
        days |= set(notice_days(ends_at, service.clock.zone, service.clock.today()))
    found = {}
    for day in sorted(days):
        for item in service.access.records.query_all(access_notice_pk(day)):
            if item["participant_id"] == participant.id:
                found[day] = int(item["ends_at"])
    return found


def test_moved_to_another_group_through_two_containers_their_access_does_not_end(
    stack, published, container, cached_api, participant, leader, now
):
    """Removed from group A on container X, enrolled in group B a minute later on container Y,
    which remembers them from before the removal as someone whose access does not end. They
    are an active member of B: no access end is stored, and no notice of one is left."""
    other = build(stack, now)
    first = on(container, cached_api, "post", "/groups", leader, {"name": "Group A"})
    second = on(container, cached_api, "post", "/groups", leader, {"name": "Group B"})
    a, b = json.loads(first.body)["group_id"], json.loads(second.body)["group_id"]
    enrol = {"username": participant.username}
    assert (
        on(container, cached_api, "post", f"/groups/{a}/participants", leader, enrol).status_code
        == 201
    )
    # The participant reads their assignments on Y: Y remembers "no access end".
    assert on(other, cached_api, "get", "/me/assignments", participant).status_code == 200

    removed = on(
        container, cached_api, "delete", f"/groups/{a}/participants/{participant.id}", leader
    )
    assert removed.status_code == 204
    ends_at = stored_end(stack, now, participant)
    assert ends_at is not None
    assert notice_ends(container, participant, ends_at)  # the removal's notices

    now.advance(60)
    moved = on(other, cached_api, "post", f"/groups/{b}/participants", leader, enrol)
    assert moved.status_code == 201

    assert stored_end(stack, now, participant) is None
    assert notice_ends(container, participant, ends_at) == {}
    mine = on(build(stack, now), cached_api, "get", "/me/groups", participant)
    assert json.loads(mine.body)["access_ends_at"] is None


def test_an_alumnus_enrolled_by_mistake_and_removed_on_another_container_still_leaves(
    stack, published, container, cached_api, participant, leader, now
):
    """An alumnus (their access ends in a year) is enrolled in group B by mistake on container
    X and removed a minute later on container Y, which remembers the end from before the
    enrolment took it away. They left their last group again: an end is stored (the alumni
    period starts again from this removal), and every notice item announces that end."""
    other = build(stack, now)
    first = on(container, cached_api, "post", "/groups", leader, {"name": "Group A"})
    second = on(container, cached_api, "post", "/groups", leader, {"name": "Group B"})
    a, b = json.loads(first.body)["group_id"], json.loads(second.body)["group_id"]
    enrol = {"username": participant.username}
    assert (
        on(container, cached_api, "post", f"/groups/{a}/participants", leader, enrol).status_code
        == 201
    )
    path = f"/groups/{a}/participants/{participant.id}"
    assert on(container, cached_api, "delete", path, leader).status_code == 204
    first_end = stored_end(stack, now, participant)
    assert first_end is not None
    # An alumnus now; Y serves one of their requests and remembers the end.
    assert on(other, cached_api, "get", "/me/groups", participant).status_code == 200

    assert (
        on(container, cached_api, "post", f"/groups/{b}/participants", leader, enrol).status_code
        == 201
    )
    assert stored_end(stack, now, participant) is None
    now.advance(60)
    path = f"/groups/{b}/participants/{participant.id}"
    assert on(other, cached_api, "delete", path, leader).status_code == 204

    ends_at = stored_end(stack, now, participant)
    assert ends_at is not None, "their access never ends"
    assert abs(ends_at - (now.epoch() + 365 * DAY)) < 60
    notices = notice_ends(container, participant, first_end, ends_at)
    assert notices and set(notices.values()) == {ends_at}, notices


def test_unarchived_on_a_container_that_remembers_no_end_their_access_does_not_end(
    stack, published, container, cached_api, participant, leader, now
):
    """Their only group is archived on container X (the alumni period starts) and unarchived
    on container Y, which remembers them from before the archive: the end is taken away."""
    other = build(stack, now)
    made = on(container, cached_api, "post", "/groups", leader, {"name": "Tuesday group"})
    group = json.loads(made.body)["group_id"]
    enrol = {"username": participant.username}
    assert (
        on(
            container, cached_api, "post", f"/groups/{group}/participants", leader, enrol
        ).status_code
        == 201
    )
    assert on(other, cached_api, "get", "/me/groups", participant).status_code == 200

    archived = {"archived": True}
    assert (
        on(container, cached_api, "patch", f"/groups/{group}", leader, archived).status_code == 200
    )
    ends_at = stored_end(stack, now, participant)
    assert ends_at is not None
    now.advance(60)
    unarchived = {"archived": False}
    assert on(other, cached_api, "patch", f"/groups/{group}", leader, unarchived).status_code == 200

    assert stored_end(stack, now, participant) is None
    assert notice_ends(container, participant, ends_at) == {}


def test_removed_from_an_archived_group_later_their_access_end_stays_as_it_was(
    client, published, stack, participant, service, library_clock
):
    """The archive started the alumni period; a removal from that group a week later ends
    nothing more (the write's condition keeps the stored end, and its notices)."""
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant, "Tuesday group")
    assert api(client, "patch", f"/groups/{group}", leader, {"archived": True})[0] == 200
    ends_at = stored_end(stack, library_clock, participant)
    assert ends_at is not None
    notices = notice_ends(service, participant, ends_at)
    assert notices

    library_clock.advance(7 * DAY)
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    assert stored_end(stack, library_clock, participant) == ends_at
    assert notice_ends(service, participant, ends_at, ends_at + 7 * DAY) == notices


def test_enrolled_elsewhere_while_their_removal_is_written_their_access_does_not_end(
    client, published, stack, participant, service, library_clock
):
    """Two leaders at once: one removes them from group A, the other enrols them in group B
    between the removal's read of their groups (none active) and its write of the end. The
    enrolment found no end to take away, and was acknowledged: the removal reads their groups
    again after writing, finds B, and takes the end (and its notices) away."""
    leader = make_account(stack, "leader-one", "leaders")
    first = group_with(client, leader, participant, "Group A")
    status, second = api(client, "post", "/groups", leader, {"name": "Group B"})
    assert status == 201
    caller = service.admit(service.verifier.verify(leader.token))
    records = service.access.records
    write = records.start_access_end
    written: list[int] = []

    def enrolled_meanwhile(account_id: str, ends_at: int, notices: dict[str, int]) -> bool:
        records.start_access_end = write  # type: ignore[method-assign]
        _, added = service.enrolment.enrol(caller, second["group_id"], participant.username)
        assert added
        written.append(ends_at)
        return write(account_id, ends_at, notices)

    records.start_access_end = enrolled_meanwhile  # type: ignore[method-assign]
    try:
        path = f"/groups/{first}/participants/{participant.id}"
        assert api(client, "delete", path, leader)[0] == 204
    finally:
        records.start_access_end = write  # type: ignore[method-assign]

    assert written, "the removal wrote no end: nothing was interleaved"
    assert stored_end(stack, library_clock, participant) is None
    assert notice_ends(service, participant, *written) == {}


def test_the_leader_of_both_groups_is_not_refused_through_the_archived_one(
    client, published, stack, leader
):
    """Found by a third review. Maria's account was made in the leader's group A; A is archived and she goes on to the
    same leader's group B. Through A's page, the leader asks for a temporary password: refused
    409 in_another_group ("that group's leaders are the ones to help"), though the caller IS
    that group's leader (_reachable_after_leaving asks only whether any active group exists,
    where _not_also_elsewhere allows the caller's own groups)."""
    a, pid = _cohort_with_maria(client, leader)
    assert api(client, "patch", f"/groups/{a['group_id']}", leader, {"archived": True})[0] == 200
    _, b = api(client, "post", "/groups", leader, {"name": "Autumn cohort"})
    status, _ = api(
        client,
        "post",
        f"/groups/{b['group_id']}/participants",
        leader,
        {"username": "maria-g", "display_name": "Maria"},
    )
    assert status == 201
    status, body = api(
        client, "post", f"/groups/{a['group_id']}/participants/{pid}/temporary-password", leader
    )
    assert status == 200, (status, body)
