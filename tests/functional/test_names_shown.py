"""Names typed by people, as group leaders see them: isolated from the text around them (a
right-to-left name or one with a stray direction control cannot turn "Remove … from the
group?" around), shown with a placeholder when a name stored before the name rule holds
nothing visible, and the participant's name shown to leaders changed through the API too."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib import services
from chalicelib.records.audit import new_entry
from tests.conftest import make_account
from tests.functional.test_groups import call, enrol


@pytest.fixture
def group(client, published, leader, library_clock) -> str:  # type: ignore[no-untyped-def]
    library_clock.start_at(datetime(2026, 11, 20, 15, 0, tzinfo=UTC), "America/New_York")
    status, body = call(client, "POST", "/groups", leader, {"name": "Tuesday evening group"})
    assert status == 201
    return str(body["group_id"])


def rename_api(client, leader, group_id: str, participant_id: str, body):  # type: ignore[no-untyped-def]
    return call(client, "PATCH", f"/groups/{group_id}/participants/{participant_id}", leader, body)


def renames(service) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e for e in service.audit.page(limit=500)[0] if e["action"] == "enrolment.rename"]


# -- the API's rename -------------------------------------------------------------------------


def test_a_leader_renames_a_participant_through_the_api_with_the_web_forms_rule(
    client, group, leader, participant, service
):
    enrol(client, group, leader, participant, "Sam R.")
    status, body = rename_api(
        client, leader, group, participant.id, {"display_name": " Sam Pérez "}
    )
    assert status == 200
    assert body == {"participant_id": participant.id, "display_name": "Sam Pérez", "changed": True}
    detail = call(client, "GET", f"/groups/{group}", leader)[1]
    assert [p["display_name"] for p in detail["participants"]] == ["Sam Pérez"]
    (entry,) = renames(service)
    assert entry["actor_id"] == leader.id and entry["participant_ids"] == [participant.id]
    assert "Sam" not in json.dumps(entry)  # ids only, never the name

    # The same name again: nothing written, said so.
    status, body = rename_api(client, leader, group, participant.id, {"display_name": "Sam Pérez"})
    assert status == 200 and body["changed"] is False
    assert len(renames(service)) == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\u200b", "invalid_name"),  # nothing visible
        ("Sam\u202e P.", "invalid_name"),  # a direction control
        ("", "invalid_name"),
        ("x" * 81, "invalid_name"),
        ("Sam\nP.", "invalid_text"),
    ],
)
def test_the_api_refuses_a_name_the_web_form_refuses(
    client, group, leader, participant, service, name, code
):
    enrol(client, group, leader, participant, "Sam R.")
    status, body = rename_api(client, leader, group, participant.id, {"display_name": name})
    assert status == 400 and body["error"]["code"] == code
    assert renames(service) == []
    detail = call(client, "GET", f"/groups/{group}", leader)[1]
    assert [p["display_name"] for p in detail["participants"]] == ["Sam R."]


def test_only_a_leader_of_the_participants_group_renames_them(
    client, group, leader, participant, other_participant, stack, service
):
    enrol(client, group, leader, participant, "Sam R.")
    enrol(client, group, leader, other_participant, "Alex T.")
    body = {"display_name": "Someone else"}
    outsider = make_account(stack, "leader-outsider", "leaders")
    assert rename_api(client, outsider, group, participant.id, body)[0] == 404
    # A participant cannot rename anyone, themselves or another member of their group.
    for who in (participant.id, other_participant.id):
        assert rename_api(client, participant, group, who, body)[0] == 403
    # Someone who is not in the group, even in another group of the same leader.
    status, answer = rename_api(
        client, leader, group, "0" * 8 + "-0000-0000-0000-" + "0" * 12, body
    )
    assert status == 404 and answer["error"]["code"] == "participant_not_found"
    # A field the route does not take.
    status, answer = rename_api(client, leader, group, participant.id, {"name": "X"})
    assert status == 400
    assert renames(service) == []
    names = [
        p["display_name"]
        for p in call(client, "GET", f"/groups/{group}", leader)[1]["participants"]
    ]
    assert sorted(names) == ["Alex T.", "Sam R."]


def test_an_archived_groups_participant_can_be_renamed_as_on_the_web(
    client, group, leader, participant
):
    enrol(client, group, leader, participant, "Sam R.")
    assert call(client, "PATCH", f"/groups/{group}", leader, {"archived": True})[0] == 200
    status, body = rename_api(client, leader, group, participant.id, {"display_name": "Sam P."})
    assert status == 200 and body["changed"] is True


# -- names stored before the rule -------------------------------------------------------------


def store_group_name(group_id: str, name: str) -> None:
    """A group name as an older version kept it, before the name rule (no check)."""
    records = services.current().groups.records
    audit = new_entry("test", frozenset({"leaders"}), "group.update", "2026-11-20T15:00:00Z")
    records.update(group_id, audit, name=name)


def store_display_name(group_id: str, participant_id: str, name: str) -> None:
    records = services.current().groups.records
    audit = new_entry("test", frozenset({"leaders"}), "enrolment.rename", "2026-11-20T15:00:00Z")
    records.rename_participant(group_id, participant_id, name, audit)


def test_names_kept_before_the_rule_are_isolated_and_shown_with_a_placeholder(
    client, group, leader, participant, other_participant
):
    from tests.functional.web_client import signed_in

    enrol(client, group, leader, participant, "Sam R.")
    enrol(client, group, leader, other_participant, "Alex T.")
    store_group_name(group, "עברית 123")
    store_display_name(group, participant.id, "\u200b")
    store_display_name(group, other_participant.id, "abc\u202b")
    browser = signed_in(client, leader)
    path = f"/leader/groups/{group}"
    page = browser.get(path)
    assert "<h1><bdi>עברית 123</bdi>" in page.body
    assert "<bdi>(participant without a visible name)</bdi>" in page.body
    assert "\u202b" not in page.body and "<bdi>abc</bdi>" in page.body
    assert "Only \u2068abc\u2069</option>" in page.body
    confirm = browser.get(f"{path}/participants/{participant.id}/remove")
    assert (
        "Remove <bdi>(participant without a visible name)</bdi> from <bdi>עברית 123</bdi>?"
        in confirm.body
    )
    assert "Archive <bdi>עברית 123</bdi>?" in browser.get(f"{path}/archive").body
    form = browser.get(f"{path}/participants/{other_participant.id}/name")
    assert form.status == 200 and 'class="error-summary"' in form.body
    assert "Give them a new name" in form.body
    csv_text = browser.get(f"{path}/progress.csv").body
    text = csv_text.decode("utf-8-sig") if isinstance(csv_text, bytes) else csv_text
    assert "(participant without a visible name)" in text and "\u202b" not in text
    # Stored data is not rewritten.
    names = [
        p["display_name"]
        for p in call(client, "GET", f"/groups/{group}", leader)[1]["participants"]
    ]
    assert sorted(names) == sorted(["\u200b", "abc\u202b"])
