"""A leader's one-time-key form (``sign_in.once``) whose first request stopped half-way (a
crash, a Lambda timeout: it never gave its claim up) is not stuck for the ten minutes the
answers are kept: sent again within the claim's lease, the same form comes back with the input
and key kept and the seconds to wait; sent again after it, this request does the work, finishing
what the stopped one began, never twice (one account, one enrolment, one audit entry).

The crash is simulated: the enrolment's write raises an exception no handler catches and giving
the claim up does nothing (the process is gone before it could). Time moves on the services'
clock (``FakeClock.advance``), never by sleeping."""

from __future__ import annotations

import re
from html import unescape

import pytest

from chalicelib import sign_in
from chalicelib.records.groups import GroupRecords
from chalicelib.records.sessions import SessionRecords
from tests.functional.test_leader_pages import form_key, handouts, new_group, stored_session
from tests.functional.web_client import WebClient, signed_in


class Crash(BaseException):
    """The request's process stops here (no ``except Exception`` sees it)."""


def crash_at_enrolment(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The next enrolment write stops the request before anything is written, and the claim is
    not given up; returns a list that says the crash happened."""
    crashed: list[str] = []
    real = GroupRecords.enrol

    def enrol(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not crashed:
            crashed.append("crashed")
            raise Crash
        return real(self, *args, **kwargs)

    monkeypatch.setattr(GroupRecords, "enrol", enrol)
    monkeypatch.setattr(SessionRecords, "release_form", lambda *_args: None)
    return crashed


def enrol_form(browser: WebClient, group: str, username: str) -> dict[str, str]:
    page = browser.get(group)
    return {
        "csrf": page.csrf(),
        "key": form_key(page),
        "username": username,
        "display_name": "Lee Crash",
        "create": "yes",
    }


def test_an_enrolment_that_crashed_after_creating_the_account_is_finished_by_the_retry(
    client, published, leader, service, stack, monkeypatch, library_clock
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    form = enrol_form(browser, group, "lee.crash")
    crashed = crash_at_enrolment(monkeypatch)
    with pytest.raises(Crash):
        browser.post(f"{group}/participants", form)
    assert crashed  # the Cognito account was made; the enrolment was not written
    monkeypatch.setattr(sign_in, "pause", library_clock.advance)

    # Sent again at once: not stuck, not a dead end: the form back, input and key kept.
    busy = browser.post(f"{group}/participants", form)
    assert busy.status == 409
    said = unescape(busy.body)
    assert "it is still being done" in said and "it will not be done twice" in said
    wait = int(re.search(r"Wait (\d+) seconds", said).group(1))
    assert 0 < wait <= sign_in.FORM_LEASE_SECONDS
    assert 'value="lee.crash"' in busy.body and f'value="{form["key"]}"' in busy.body
    assert 'value="Lee Crash"' in busy.body

    # Sent again after the lease: this request enrols the account the stopped one created,
    # with a new temporary password (the first was never shown).
    library_clock.advance(wait)
    done = browser.post(f"{group}/participants", form)
    assert done.status == 303 and "#handout-" in done.location, done.body
    shown = browser.get(done.location)
    password = handouts(shown)["lee.crash"]
    group_id = group.rsplit("/", 1)[1]
    members = service.groups.records.get(group_id).participants
    assert [(p.username, p.display_name) for p in members] == [("lee.crash", "Lee Crash")]
    added = [e for e in service.audit.page(limit=500)[0] if e["action"] == "enrolment.add"]
    assert len(added) == 1
    assert WebClient(client).sign_in("lee.crash", password).location == "/sign-in/new-password"
    # A double click of that retry answers as it did.
    assert browser.post(f"{group}/participants", form).location == done.location
    kept = stored_session(service, browser).form_keys
    assert [answer for _, answer in kept.values()] == [done.location]


def test_a_retry_never_takes_over_someone_elses_account(
    client, published, leader, participant, service, monkeypatch, library_clock
):
    """After a stopped request, "create" for a username that was an account before the form
    was first sent (one that has signed in) is still "already has an account": the retry
    never gives someone else's account a new password."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    form = enrol_form(browser, group, participant.username)
    monkeypatch.setattr(SessionRecords, "release_form", lambda *_args: None)
    monkeypatch.setattr(
        "chalicelib.accounts.Accounts.create",
        lambda *_args, **_kwargs: (_ for _ in ()).throw(Crash()),
    )
    with pytest.raises(Crash):  # the first request stops before Cognito says "taken"
        browser.post(f"{group}/participants", form)
    monkeypatch.undo()
    monkeypatch.setattr(sign_in, "pause", library_clock.advance)
    library_clock.advance(sign_in.FORM_LEASE_SECONDS)
    refused = browser.post(f"{group}/participants", form)
    assert refused.status == 409 and "already has an account" in unescape(refused.body)
    group_id = group.rsplit("/", 1)[1]
    assert service.groups.records.get(group_id).participants == ()
    # Their password still works (the conftest's): nothing was reset.
    again = WebClient(client).sign_in(participant.username, "Correct-horse-42")
    assert again.status == 303 and again.location != "/sign-in/new-password"


def test_create_group_stopped_after_its_write_is_answered_by_the_retry_without_a_wait(
    client, published, leader, service, monkeypatch
):
    """ "Create group" has no claim to wait for: its key names the group, written with its
    audit entry in one transaction, so a request that stops after it leaves the whole group,
    and the form sent again at once goes to it (one group, one audit entry)."""
    browser = signed_in(client, leader)
    page = browser.get("/leader")
    form = {"csrf": page.csrf(), "key": form_key(page), "name": "Crash group"}
    real = GroupRecords.get
    monkeypatch.setattr(GroupRecords, "get", lambda *_args: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):  # stopped after the transaction, reading the group back
        browser.post("/leader/groups", form)
    monkeypatch.setattr(GroupRecords, "get", real)
    again = browser.post("/leader/groups", form)
    assert again.status == 303 and again.location.startswith("/leader/groups/")
    created = [e for e in service.audit.page(limit=500)[0] if e["action"] == "group.create"]
    assert [e["group_id"] for e in created] == [again.location.rsplit("/", 1)[1]]
