"""The administrator's pages (/leader/admin/accounts, /leader/admin/audit): the same use cases
as the API's /admin routes, in the web app, with sign-in, two-step, CSRF and the error summary.
"""

from __future__ import annotations

import html
import json
import re

import boto3
import pytest

from tests.conftest import REGION, make_account
from tests.functional.test_groups import call
from tests.functional.web_client import WebClient, error_summary, form_fields, signed_in

ACCOUNTS = "/leader/admin/accounts"
AUDIT = "/leader/admin/audit"
TURN_OFF = ACCOUNTS + "/turn-off"
TURN_ON = ACCOUNTS + "/turn-on"
RESET = ACCOUNTS + "/reset-two-step"


@pytest.fixture
def admin(stack):  # type: ignore[no-untyped-def]
    return make_account(stack, "admin-one", "admins")


def title(body: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", body)
    assert found is not None
    return html.unescape(found.group(1))


def text(body: str) -> str:
    """The main part's words, tags dropped."""
    main = body.split("<main", 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def enabled(stack, username: str) -> bool:  # type: ignore[no-untyped-def]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    return bool(cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)["Enabled"])


def entries(service, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e for e in service.audit.page(limit=100)[0] if e["action"] == action]


def test_an_admin_starts_on_the_accounts_page_with_both_pages_in_the_menu(
    client, admin, leader, stack
):
    make_account(stack, "author-one", "authors")
    web = WebClient(client)
    assert web.sign_in(admin.username, authenticator=admin.authenticator).location == ACCOUNTS
    page = web.get(ACCOUNTS)
    assert page.status == 200 and title(page.body) == "Accounts – Steady"
    menu = re.search(r'<nav class="wrap nav".*?</nav>', page.body, re.S).group()  # type: ignore[union-attr]
    assert f'<a href="{ACCOUNTS}">Accounts</a>' in menu
    assert f'<a href="{AUDIT}">Audit trail</a>' in menu
    # Group leaders first: username, role, on or off; the tabs lead to the other roles.
    shown = text(page.body)
    assert "leader-one Group leader · On" in shown
    assert 'aria-current="page"><strong>Group leaders</strong>' in page.body
    authors = web.get(ACCOUNTS + "?role=authors")
    assert "author-one Author · On" in text(authors.body)
    admins = web.get(ACCOUNTS + "?role=admins")
    # One's own account: marked, and nothing offered to turn it off.
    assert "admin-one You Administrator · On" in text(admins.body)
    assert 'name="username" value="admin-one"' not in admins.body
    # A role that is not offered shows the first tab.
    assert "leader-one" in web.get(ACCOUNTS + "?role=participants").body
    audit = web.get(AUDIT)
    assert audit.status == 200 and title(audit.body) == "Audit trail – Steady"


@pytest.mark.parametrize("who", ["leader", "participant"])
def test_nobody_but_an_admin_opens_them(client, leader, participant, who):
    web = signed_in(client, leader if who == "leader" else participant)
    for path in (ACCOUNTS, AUDIT):
        assert web.get(path).status == 403
    token = web.get("/account/authenticator").csrf()
    refused = web.post(ACCOUNTS, {"csrf": token, "username": "sneaky-one", "role": "leaders"})
    assert refused.status == 403
    assert '<a href="/leader/admin' not in web.get("/library").body


def test_an_admin_creates_a_leader_account_and_sees_its_temporary_password_once(
    client, admin, service
):
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    made = web.post(ACCOUNTS, {**form, "username": "New-Leader", "role": "leaders", "email": ""})
    assert made.status == 200
    password = re.search(r'<code class="copy temporary-password">([^<]+)</code>', made.body)
    assert password is not None
    assert "Account created: new-leader (group leader)" in text(made.body)
    assert "once you leave this page, the temporary password cannot be shown again" in made.body
    # The new account is in the list, and the temporary password works (a new one is chosen).
    assert "new-leader Group leader · On" in text(made.body)
    first = WebClient(client).sign_in("new-leader", password.group(1))
    assert first.location == "/sign-in/new-password"
    # Never shown again, and the audit entry holds ids only.
    assert password.group(1) not in web.get(ACCOUNTS).body
    created = entries(service, "account.create")
    assert [e["actor_id"] for e in created] == [admin.id]
    assert "new-leader" not in json.dumps(created)


PASSWORD_SHOWN = re.compile(r'<code class="copy temporary-password">([^<]+)</code>')


def cognito_users(stack, username: str) -> int:  # type: ignore[no-untyped-def]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    users = cognito.list_users(UserPoolId=stack.user_pool_id)["Users"]
    return sum(1 for u in users if u["Username"] == username)


def test_the_create_form_sent_twice_shows_the_same_temporary_password_both_times(
    client, admin, service, stack, caplog
):
    """A double click, or the browser sending the form again: the browser shows only the
    second answer. It used to be "already has an account", the first answer (the only one with
    the temporary password) thrown away, and no page gives a leader's account a new one. The
    form's one-time key (``sign_in.once``) makes the second answer the first one's page."""
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    sent = {**form, "username": "new-leader", "role": "leaders", "email": ""}
    first = web.post(ACCOUNTS, sent)
    again = web.post(ACCOUNTS, sent)
    assert (first.status, again.status) == (200, 200), error_summary(again)
    assert re.fullmatch(r"[0-9a-f]{32}", form["key"])
    password = PASSWORD_SHOWN.search(first.body)
    assert password is not None
    assert PASSWORD_SHOWN.findall(again.body) == [password.group(1)]
    assert "Account created: new-leader (group leader)" in text(again.body)
    # One account, one entry; the password works; never in a log or a page of the list.
    assert cognito_users(stack, "new-leader") == 1
    assert len(entries(service, "account.create")) == 1
    assert WebClient(client).sign_in("new-leader", password.group(1)).location == (
        "/sign-in/new-password"
    )
    assert password.group(1) not in caplog.text
    assert password.group(1) not in web.get(ACCOUNTS).body
    # Each page has a new key: the same username from a new page is a second form, refused.
    fresh = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    assert fresh["key"] != form["key"]
    taken = web.post(ACCOUNTS, {**sent, "key": fresh["key"]})
    assert taken.status == 409 and "already has an account" in html.unescape(taken.body)
    assert password.group(1) not in taken.body


def test_the_create_form_taken_up_again_with_back_and_changed_creates_the_second_account(
    client, admin, stack
):
    """Back to the form that made leader-ana (the same one-time key), another username typed,
    sent: it showed "Account created: leader-ana" again, with her password, and made nothing
    for leader-bo. What was filled in is part of the form's fingerprint: only the same form
    sent again (a double click, a resend) answers with the first one's page."""
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)  # the page, as the browser's Back keeps it
    first = web.post(ACCOUNTS, {**form, "username": "leader-ana", "role": "leaders", "email": ""})
    assert "Account created: leader-ana" in text(first.body)
    second = web.post(ACCOUNTS, {**form, "username": "leader-bo", "role": "leaders", "email": ""})
    assert second.status == 200 and "Account created: leader-bo" in text(second.body)
    assert "Account created: leader-ana" not in text(second.body)
    assert (cognito_users(stack, "leader-ana"), cognito_users(stack, "leader-bo")) == (1, 1)


def test_a_refused_create_form_keeps_its_key_and_is_done_when_sent_corrected(
    client, admin, service
):
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    refused = web.post(ACCOUNTS, {**form, "username": "new-author", "email": ""})
    assert refused.status == 400
    kept = form_fields(refused, ACCOUNTS)
    assert kept["key"] == form["key"]  # a refusal gives the key up: the same form again
    sent = {**kept, "role": "authors"}
    made, again = web.post(ACCOUNTS, sent), web.post(ACCOUNTS, sent)
    assert (made.status, again.status) == (200, 200)
    assert PASSWORD_SHOWN.findall(again.body) == PASSWORD_SHOWN.findall(made.body) != []
    assert len(entries(service, "account.create")) == 1


def test_the_invitation_form_sent_twice_says_it_was_emailed_both_times(client, admin, service):
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    sent = {**form, "username": "author-two", "role": "authors", "email": "a.two@example.org"}
    for page in (web.post(ACCOUNTS, sent), web.post(ACCOUNTS, sent)):
        assert page.status == 200
        assert "Account created: author-two (author)" in text(page.body)
        assert "An invitation with a temporary password was emailed" in page.body
        assert "temporary-password" not in page.body
    assert len(entries(service, "account.create")) == 1


def test_a_create_that_stopped_half_way_is_finished_by_the_form_sent_again(
    client, admin, service, stack, monkeypatch, library_clock
):
    """The first request made the Cognito account, then stopped (a crash, a timeout) before
    its entry and its page, never giving its claim up. Sent again after the claim's lease, the
    same account gets a new temporary password (the first was never shown), never a second
    account and never "already has an account"."""
    from chalicelib import sign_in
    from chalicelib.records.audit import AuditRecords
    from chalicelib.records.sessions import SessionRecords

    class Crash(BaseException):
        pass

    real = AuditRecords.record
    crashed: list[str] = []

    def record(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not crashed:
            crashed.append("crashed")
            raise Crash
        return real(self, *args, **kwargs)

    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    sent = {**form, "username": "lee-crash", "role": "leaders", "email": ""}
    monkeypatch.setattr(AuditRecords, "record", record)
    monkeypatch.setattr(SessionRecords, "release_form", lambda *_args: None)
    with pytest.raises(Crash):
        web.post(ACCOUNTS, sent)
    assert crashed and cognito_users(stack, "lee-crash") == 1
    monkeypatch.setattr(sign_in, "pause", library_clock.advance)
    busy = web.post(ACCOUNTS, sent)  # at once: still within the lease
    assert busy.status == 409 and "it is still being done" in html.unescape(busy.body)
    assert form_fields(busy, ACCOUNTS)["key"] == form["key"]
    library_clock.advance(sign_in.FORM_LEASE_SECONDS)
    done = web.post(ACCOUNTS, sent)
    assert done.status == 200, error_summary(done)
    password = PASSWORD_SHOWN.search(done.body)
    assert password is not None
    assert cognito_users(stack, "lee-crash") == 1
    assert len(entries(service, "account.create")) == 1
    assert WebClient(client).sign_in("lee-crash", password.group(1)).location == (
        "/sign-in/new-password"
    )
    assert PASSWORD_SHOWN.findall(web.post(ACCOUNTS, sent).body) == [password.group(1)]


def test_an_account_with_an_email_gets_an_invitation(client, admin):
    web = signed_in(client, admin)
    form = form_fields(web.get(ACCOUNTS), ACCOUNTS)
    made = web.post(
        ACCOUNTS,
        {**form, "username": "author-two", "role": "authors", "email": "author.two@example.org"},
    )
    assert made.status == 200
    assert "An invitation with a temporary password was emailed" in made.body
    assert "temporary-password" not in made.body
    assert "author-two Author · On" in text(web.get(ACCOUNTS + "?role=authors").body)


@pytest.mark.parametrize(
    ("typed", "status", "field", "said"),
    [
        (
            {"username": "no spaces", "role": "leaders"},
            400,
            "username",
            "A username is 3 to 64 letters",
        ),
        (
            {"username": "leader-one", "role": "authors"},
            409,
            "username",
            "leader-one already has an account: choose another username.",
        ),
        ({"username": "some-one"}, 400, "role", "Choose group leader or author."),
        (
            {"username": "some-one", "role": "authors", "email": "not an address"},
            400,
            "email",
            "Enter an email address like name@example.org, or leave it empty.",
        ),
    ],
)
def test_a_refused_account_comes_back_with_the_input_kept(
    client, admin, leader, typed, status, field, said
):
    web = signed_in(client, admin)
    token = web.get(ACCOUNTS).csrf()
    page = web.post(ACCOUNTS, {"csrf": token, "email": "", **typed})
    assert page.status == status
    assert title(page.body) == "Error: Accounts – Steady"
    [(link, message)] = error_summary(page)
    assert link == field and html.unescape(message).startswith(said)
    kept = form_fields(page, ACCOUNTS)
    assert kept["username"] == typed["username"]
    assert kept.get("role") == typed.get("role")
    assert kept["email"] == typed.get("email", "")


def test_turning_an_account_off_asks_first_then_signs_it_out_and_on_again(
    client, admin, leader, stack, service
):
    leader_web = signed_in(client, leader)
    web = signed_in(client, admin)
    row = form_fields(web.get(ACCOUNTS), TURN_OFF)
    assert row["username"] == "leader-one"
    confirm = web.post(TURN_OFF, row)
    assert confirm.status == 200 and title(confirm.body) == "Confirm – Steady"
    assert "Turn off the account leader-one?" in text(confirm.body)
    assert "signed out at once on every phone and computer" in confirm.body
    assert enabled(stack, "leader-one")  # nothing happens before the confirmation
    done = web.post(TURN_OFF, form_fields(confirm, TURN_OFF))
    assert (done.status, done.location) == (303, f"{ACCOUNTS}?role=leaders&done=off")
    assert not enabled(stack, "leader-one")
    assert leader_web.get("/leader").location == "/sign-in"  # signed out everywhere
    page = web.get(done.location)
    assert "Account turned off." in page.body
    assert "leader-one Group leader · Turned off" in text(page.body)
    again = web.post(TURN_ON, form_fields(page, TURN_ON))
    assert again.location == f"{ACCOUNTS}?role=leaders&done=on"
    assert enabled(stack, "leader-one")
    assert [e["detail"]["account_id"] for e in entries(service, "account.disable")] == [leader.id]
    assert [e["detail"]["account_id"] for e in entries(service, "account.enable")] == [leader.id]


def test_a_participant_is_turned_off_by_username_and_mistakes_come_back(
    client, admin, participant, stack
):
    web = signed_in(client, admin)
    page = web.get(ACCOUNTS)
    token = page.csrf()
    unknown = web.post(TURN_OFF, {"csrf": token, "role": "leaders", "off_username": "nobody-99"})
    assert unknown.status == 404
    assert error_summary(unknown) == [("off_username", "There is no account nobody-99.")]
    assert form_fields(unknown, TURN_OFF)["off_username"] == "nobody-99"
    bad = web.post(TURN_OFF, {"csrf": token, "role": "leaders", "off_username": "a b"})
    assert bad.status == 400 and error_summary(bad)[0][0] == "off_username"
    confirm = web.post(
        TURN_OFF, {"csrf": token, "role": "leaders", "off_username": "Participant-One"}
    )
    assert "Turn off the account participant-one?" in text(confirm.body)
    done = web.post(TURN_OFF, form_fields(confirm, TURN_OFF))
    assert done.status == 303 and not enabled(stack, "participant-one")


def test_an_admin_cannot_turn_off_their_own_account(client, admin, stack):
    web = signed_in(client, admin)
    token = web.get(ACCOUNTS).csrf()
    said = [("off_username", "You cannot turn off your own account: another administrator can.")]
    # Typed in the form: refused before any confirmation page.
    asked = web.post(TURN_OFF, {"csrf": token, "role": "admins", "off_username": "Admin-One"})
    assert asked.status == 400 and error_summary(asked) == said
    assert form_fields(asked, TURN_OFF)["off_username"] == "Admin-One"
    # A hand-made confirmation: the use case refuses it, shown the same way (not an error page).
    sent = {"csrf": token, "role": "admins", "username": "admin-one", "confirm": "yes"}
    forced = web.post(TURN_OFF, sent)
    assert forced.status == 400 and error_summary(forced) == said
    assert enabled(stack, "admin-one") and web.get(ACCOUNTS).status == 200


def test_resetting_two_step_sign_in_asks_first(client, admin, leader, service, library_clock):
    web = signed_in(client, admin)
    lost_phone = signed_in(client, leader)
    assert lost_phone.get("/leader").status == 200
    row = form_fields(web.get(ACCOUNTS), RESET)
    confirm = web.post(RESET, row)
    assert "Reset two-step sign-in for leader-one?" in text(confirm.body)
    assert entries(service, "account.reset_authenticator") == []
    # The reset ends the tokens issued up to the next second (of the services' clock); moto
    # issues the new ones at its own time: the reset comes two seconds earlier.
    library_clock.advance(-2)
    done = web.post(RESET, form_fields(confirm, RESET))
    assert done.location == f"{ACCOUNTS}?role=leaders&done=reset"
    assert "Two-step sign-in reset." in web.get(done.location).body
    assert [e["detail"] for e in entries(service, "account.reset_authenticator")] == [
        {"account_id": leader.id}
    ]
    # Signed out everywhere: the lost phone's session is gone (sign in again), not sent on to
    # set up a new authenticator inside it. Found by an outside review.
    gone = lost_phone.get("/leader")
    assert gone.status == 303 and gone.location.startswith("/sign-in")
    # At the next sign-in (a password only) the leader sets up a new authenticator.
    fresh = WebClient(client)
    fresh.sign_in(leader.username)
    assert fresh.get("/leader").location == "/account/authenticator"


def test_the_audit_trail_newest_first_narrowed_by_the_filters(
    client, admin, leader, participant, service, library_clock
):
    web = signed_in(client, admin)
    # Two changes by the admin: one about a participant, one about a leader.
    token = web.get(ACCOUNTS).csrf()
    for username in ("participant-one", "leader-one"):
        sent = {"csrf": token, "username": username, "confirm": "yes", "role": "leaders"}
        assert web.post(TURN_OFF, sent).status == 303
        library_clock.advance(2)
    page = web.get(AUDIT)
    rows = re.findall(r'<td data-label="Action"><code>([^<]+)</code>', page.body)
    assert rows[:2] == ["account.disable", "account.disable"]
    # Newest first: the leader's, then the participant's (by id: the trail holds ids only).
    first, second = page.body.split("<tbody>", 1)[1].split("</tr>")[:2]
    assert participant.id not in first and participant.id in second
    assert "admin-one (you)" in first  # a staff account found in the lists is named
    # The actor filter: what one account did.
    mine = web.get(f"{AUDIT}?actor=admin-one&action=account.")
    assert mine.status == 200
    assert set(re.findall(r'data-label="Action"><code>([^<]+)<', mine.body)) == {"account.disable"}
    assert form_fields(mine, AUDIT)["actor"] == "admin-one"
    # The participant filter: the entries about them (and this look is itself one).
    theirs = web.get(f"{AUDIT}?participant=participant-one")
    assert theirs.status == 200 and participant.id in theirs.body
    assert leader.id not in theirs.body.split("<tbody>", 1)[1]
    assert [e["participant_ids"] for e in entries(service, "audit.participant.read")] == [
        [participant.id]
    ]
    # Up to a day long ago: none.
    old = web.get(f"{AUDIT}?until=2020-01-01")
    assert old.status == 200 and "No entries match these filters." in old.body


@pytest.mark.parametrize(
    ("query", "status", "field", "said"),
    [
        ("participant=nobody-99", 404, "participant", "There is no account nobody-99."),
        ("actor=nobody-99", 404, "actor", "There is no account nobody-99."),
        ("participant=leader-one", 400, "participant", "leader-one is not a participant"),
        ("until=31%2F10%2F2026", 400, "until", "Enter a day like 2026-10-31"),
        ("action=Bad%21", 400, "action", "Enter an action or the start of one"),
        (
            "participant=participant-one&actor=admin-one",
            400,
            "actor",
            "Fill in the participant or the account that acted, not both",
        ),
    ],
)
def test_a_refused_filter_comes_back_with_the_input_kept(
    client, admin, leader, participant, query, status, field, said
):
    web = signed_in(client, admin)
    page = web.get(f"{AUDIT}?{query}")
    assert page.status == status
    assert title(page.body) == "Error: Audit trail – Steady"
    [(link, message)] = error_summary(page)
    assert link == field and html.unescape(message).startswith(said)
    kept = form_fields(page, AUDIT)
    typed = dict(pair.split("=") for pair in query.split("&"))
    for name, value in typed.items():
        assert kept[name] == value.replace("%2F", "/").replace("%21", "!")


def test_the_pages_go_on_page_by_page_keeping_the_filters(client, admin, service, library_clock):
    from chalicelib.records.audit import new_entry

    for n in range(55):
        at = service.clock.iso()
        service.audit.record(new_entry(admin.id, ["admins"], f"test.step_{n:02d}", at))
        library_clock.advance(1)
    web = signed_in(client, admin)
    first = web.get(f"{AUDIT}?action=test.")
    shown = re.findall(r'data-label="Action"><code>([^<]+)<', first.body)
    assert shown == [f"test.step_{n:02d}" for n in range(54, 4, -1)]
    older = re.search(r'<a href="([^"]+)">Older entries</a>', first.body)
    assert older is not None and "action=test." in older.group(1)
    second = web.get(html.unescape(older.group(1)))
    shown = re.findall(r'data-label="Action"><code>([^<]+)<', second.body)
    assert shown == [f"test.step_{n:02d}" for n in range(4, -1, -1)]
    assert f'<a href="{AUDIT}?action=test.">Newest entries</a>' in second.body
    assert form_fields(second, AUDIT)["action"] == "test."
    # An accounts page token that is not one: the first page, saying so.
    stale = web.get(f"{ACCOUNTS}?role=admins&page=not-a-token")
    assert stale.status == 400
    assert error_summary(stale) == [
        ("accounts", "That page of the list is out of date: this is the first page.")
    ]
    assert "admin-one" in stale.body


def test_the_last_day_ends_at_the_end_of_that_day_in_the_programs_time_zone(
    client, admin, participant, leader, service
):
    """The trail shows times in the program's time zone: a read at 21:30 on 31 October in New
    York (01:30 UTC on 1 November) is on 31 October, on the plain trail, with a participant's
    entries and with the account that acted; midnight starting 1 November there is not."""
    from chalicelib.records.audit import new_entry

    assert str(service.clock.zone) == "America/New_York"
    for at in ("2026-10-31T12:00:00.000000Z", "2026-11-01T01:30:00.000000Z"):
        service.audit.record(
            new_entry(
                leader.id, ["leaders"], "group.progress.read", at, participant_ids=[participant.id]
            )
        )
    service.audit.record(
        new_entry(
            leader.id,
            ["leaders"],
            "group.progress.read_next_day",
            "2026-11-01T04:00:00.000000Z",
            participant_ids=[participant.id],
        )
    )
    web = signed_in(client, admin)
    page = web.get(f"{AUDIT}?until=2026-10-31&action=group.progress")
    assert "Entries on or before this day in the program’s time zone" in page.body
    for query in (
        "until=2026-10-31&action=group.progress",
        "participant=participant-one&until=2026-10-31&action=group.progress",
        "actor=leader-one&until=2026-10-31",
    ):
        page = web.get(f"{AUDIT}?{query}")
        assert page.status == 200
        rows = page.body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        shown = re.findall(r'data-label="Action"><code>([^<]+)<', rows)
        assert shown == ["group.progress.read", "group.progress.read"], query
        when = re.findall(r'data-label="When">([^<]+)<', rows)
        assert "9:30 pm" in when[0] and "31" in when[0], (query, when)


def test_a_form_address_opened_leads_to_the_accounts_page(client, admin):
    web = signed_in(client, admin)
    for path in (TURN_OFF, TURN_ON, RESET):
        assert web.get(path).location == ACCOUNTS


def test_any_account_is_turned_on_again_or_reset_by_username(client, admin, participant, stack):
    """Participants are not listed: the form by username turns theirs on again too (its
    second button posts to turn-on), and resets two-step sign-in (a confirmation first)."""
    web = signed_in(client, admin)
    page = web.get(ACCOUNTS)
    assert 'formaction="/leader/admin/accounts/turn-on">Turn on again</button>' in page.body
    token = page.csrf()
    typed = {"csrf": token, "role": "leaders", "off_username": "participant-one"}
    assert web.post(TURN_OFF, {**typed, "username": "", "confirm": "yes"}).status == 303
    assert not enabled(stack, "participant-one")
    assert web.post(TURN_ON, typed).location == f"{ACCOUNTS}?role=leaders&done=on"
    assert enabled(stack, "participant-one")
    confirm = web.post(RESET, typed)
    assert "Reset two-step sign-in for participant-one?" in text(confirm.body)
    missing = web.post(TURN_ON, {**typed, "off_username": "nobody-99"})
    assert missing.status == 404
    assert error_summary(missing) == [("off_username", "There is no account nobody-99.")]


def test_the_audit_trail_names_staff_actors_from_their_sign_in_with_one_read_and_no_cognito_call(
    client, admin, leader, participant, service, aws_calls
):
    """Before: three Cognito ListUsersInGroup calls a page (the first page of each staff role),
    and an actor past those first pages shown by id. Now the page's distinct actors are named
    from the usernames their web sign-in kept (one BatchGetItem); participants stay ids."""
    from chalicelib import aws as aws_clients

    leader_web = signed_in(client, leader)  # its sign-in keeps its username by its id
    made = leader_web.post(
        "/leader/groups", {"csrf": leader_web.get("/leader").csrf(), "name": "G"}
    )
    assert made.status == 303
    web = signed_in(client, admin)
    web.get(AUDIT)  # the first page after signing in has its own checks
    aws_calls.attach(aws_clients.client("cognito-idp", service.settings.region))
    aws_calls.reset()
    page = web.get(f"{AUDIT}?action=group.")
    assert page.status == 200
    calls = aws_calls.names
    # The session read; the trail's Queries (one a day walked back; today's has it); the names.
    assert [c for c in calls if not c.startswith("DynamoDB.")] == [], calls
    assert calls.count("DynamoDB.BatchGetItem") == 2  # the actors' names, the groups' names
    [row] = page.body.split("<tbody>", 1)[1].split("</tr>")[:1]
    assert "group.create" in row and "leader-one" in row
    # Nothing but staff usernames is kept: a participant's sign-in keeps none.
    signed_in(client, participant)
    kept = service.sessions.staff_usernames([leader.id, participant.id, admin.id])
    assert kept == {leader.id: "leader-one", admin.id: "admin-one"}


def test_the_audit_trail_names_groups_with_one_read_for_the_page(
    client, admin, leader, service, aws_calls
):
    """Counsellor walk-through: the Group column said ``f1378505…``, so an administrator could
    not tell which group a read was through. Now the group's name (an archived one's too), with
    the start of its id and all of it on hover; one BatchGetItem of the page's distinct groups,
    whatever the number of rows. A group that no longer exists says so, with its id."""
    from chalicelib.records.audit import new_entry

    leader_web = signed_in(client, leader)
    made = []
    for name in ("Tuesday evening", "Thursday <b>morning</b>"):
        answer = leader_web.post(
            "/leader/groups", {"csrf": leader_web.get("/leader").csrf(), "name": name}
        )
        assert answer.status == 303
        made.append(answer.location.rsplit("/", 1)[1])
    tuesday, thursday = made
    status, _ = call(client, "PATCH", f"/groups/{thursday}", leader, {"archived": True})
    assert status == 200
    gone = "0" * 8 + "-dead-4bad-8bad-" + "0" * 12
    for gid in (tuesday, tuesday, thursday, gone):
        service.audit.record(
            new_entry(admin.id, ["admins"], "test.read", service.clock.iso(), group_id=gid)
        )
    web = signed_in(client, admin)
    web.get(AUDIT)
    aws_calls.reset()
    page = web.get(f"{AUDIT}?action=test.")
    assert page.status == 200
    calls = aws_calls.names
    # The session read; the trail's Queries; the groups' names in one read, not one a row (the
    # only actor is the caller: no actors' read).
    assert calls.count("DynamoDB.BatchGetItem") == 1, calls
    assert calls.count("DynamoDB.GetItem") == 1 and "DynamoDB.Scan" not in calls, calls
    cells = re.findall(r'data-label="Group">(.*?)</td>', page.body)
    assert len(cells) == 4
    assert cells[0] == f'<span class="meta">No such group now</span> <code>{gone}</code>'
    assert cells[1] == (
        f'<bdi>Thursday &lt;b&gt;morning&lt;/b&gt;</bdi> <code class="meta" title="{thursday}">'
        f"{thursday[:8]}</code>"
    )
    assert cells[2] == cells[3] and cells[2].startswith("<bdi>Tuesday evening</bdi>")
    assert f'title="{tuesday}"' in cells[2]


def test_the_audit_page_shows_an_entry_whose_detail_holds_numbers(
    client, published, participant, admin
):
    """A data download's entry counts what it held (DynamoDB reads the counts back as Decimal)."""
    assert call(client, "GET", "/me/data/download?format=json", participant)[0] == 200
    web = signed_in(client, admin)

    page = web.get(AUDIT)

    assert page.status == 200, page.body[:500]
    assert "data.export" in page.body
