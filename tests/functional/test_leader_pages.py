"""The group leader's web pages through chalice.test.Client: everything the API allows, done
from the web app; confirmation pages; forms that come back with the input kept and an error
summary; the groups list's figures and its DynamoDB calls; the module picker; the temporary
password panel; the progress grid (totals, filters, order, size)."""

from __future__ import annotations

import csv
import gzip
import json
import logging
import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from html import unescape

import pytest

from chalicelib import services
from chalicelib.identity import Caller
from steady_content import tracks as track_files
from tests.conftest import CONTENT, dated_on, joined_on, make_account, seed_group, shipped_version
from tests.functional.web_client import Page, WebClient, download, signed_in

EARLY_RECOVERY = [
    "how-addiction-changes-the-brain",
    "cravings-and-urge-surfing",
    "triggers-and-high-risk-situations",
    "halt-hungry-angry-lonely-tired",
    "breathing-and-grounding",
    "sleep-and-recovery",
    "recovery-supports-and-mutual-help",
    "asking-for-help",
]


@pytest.fixture
def with_tracks(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    """Every shipped module and track, published."""
    loaded = []
    for path in sorted((CONTENT / "tracks").glob("*.yaml")):
        track, problems = track_files.load(path, str(path))
        assert track is not None, problems
        loaded.append(track)
    assert publisher.publish(shipped_modules, tracks=loaded).ok
    return loaded


def new_group(browser: WebClient, name: str = "Tuesday evening") -> str:
    page = browser.post("/leader/groups", {"csrf": browser.get("/leader").csrf(), "name": name})
    assert page.status == 303, page.body
    return page.location


def title(page: Page) -> str:
    return unescape(re.search(r"<title>([^<]*)</title>", page.body).group(1))


def summary_links(page: Page) -> list[tuple[str, str]]:
    """The error summary's (field id, message) links."""
    block = page.body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [
        (href, unescape(text))
        for href, text in re.findall(r'<a href="#([^"]+)">([^<]*)</a>', block)
    ]


def leaders_listed(page: Page) -> list[str]:
    """The group page's list of group leaders, as shown ("leader-one (you)")."""
    block = page.body.split('id="leaders"', 1)[1].split("</ul>", 1)[0]
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", "", name)).split())
        for name in re.findall(
            r'<span class="row-main">(.*?)</span>\s*(?:<span class="row-actions"|</li>)', block
        )
    ]


def field_value(page: Page, field_id: str) -> str:
    match = re.search(
        rf'<input id="{field_id}" name="{field_id}" type="[a-z]+" value="([^"]*)"', page.body
    )
    assert match, f"no field {field_id}"
    return unescape(match.group(1))


def enrol(
    browser: WebClient,
    group: str,
    username: str,
    name: str,
    joined: str = "2019-12-01T15:00:00+00:00",
) -> Page:
    """Enrol ``username``; the group's participants then count as in it since ``joined``:
    these tests give due dates from 2020 on, and a date that passed before someone joined is
    not theirs."""
    page = browser.post(
        f"{group}/participants",
        {"csrf": browser.get(group).csrf(), "username": username, "display_name": name},
    )
    group_id = group.rstrip("/").rsplit("/", 1)[-1]
    for member in services.current().groups.records.get(group_id).participants:
        joined_on(group_id, member.participant_id, joined)
    return page


def group_of_two(client, leader, participant, other) -> tuple[WebClient, str]:  # type: ignore[no-untyped-def]
    """``leader`` signed in, and a new group with ``participant`` as Sam P. and ``other`` as
    Alex R.: the leader's browser and the group's address."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    enrol(browser, group, other.username, "Alex R.")
    return browser, group


def assignment_ids(page: Page) -> list[str]:
    return re.findall(r'/assignments/([0-9a-f]{32})/remove"', page.body)


# -- everything the API allows --------------------------------------------------------------


def test_rename_add_a_leader_archive_after_confirming_and_unarchive(
    client, published, leader, stack
):
    co_leader = make_account(stack, "leader-two", "leaders")
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()
    renamed = browser.post(f"{group}/name", {"csrf": token, "name": "Wednesday evening"})
    assert renamed.status == 303
    page = browser.get(renamed.location)
    assert "<h1><bdi>Wednesday evening" in page.body and "Group renamed." in page.body

    added = browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    assert added.status == 303
    assert "Wednesday evening" in signed_in(client, co_leader).get("/leader").body
    assert leaders_listed(browser.get(group)) == ["leader-one (you)", "leader-two"]

    confirm = browser.get(f"{group}/archive")
    assert confirm.status == 200 and title(confirm) == "Confirm – Steady"
    assert (
        "<h1>Archive <bdi>Wednesday evening</bdi>?</h1>" in confirm.body
        and f'href="{group}"' in confirm.body
    )
    # It says what archiving does to participants' pages (Reading.my_assignments).
    assert (
        "This group's reading leaves its participants' reading lists. What they finished stays "
        "with them, under Finished on their home page, and you can still see the group's progress."
    ) in unescape(confirm.body)
    # Nothing changed by looking.
    assert "<h1><bdi>Wednesday evening</bdi></h1>" in browser.get(group).body
    archived = browser.post(f"{group}/archive", {"csrf": confirm.csrf()})
    page = browser.get(archived.location)
    assert 'class="tag">Archived' in page.body and "Unarchive the group" in page.body
    assert (
        'action="' + group + '/participants"' not in page.body
    )  # no enrol form on an archived group
    unarchived = browser.post(f"{group}/unarchive", {"csrf": token})
    assert "Group unarchived." in browser.get(unarchived.location).body
    assert 'class="tag">Archived' not in browser.get(group).body


def test_leaders_are_named_and_removed_after_confirming_never_the_last_one(
    client, published, leader, stack, service
):
    co_leader = make_account(stack, "leader-two", "leaders")
    browser = signed_in(client, leader)
    group = new_group(browser, "Co-led group")
    token = browser.get(group).csrf()

    def audited() -> list[dict]:
        entries = service.audit.page(limit=500)[0]
        return [e.get("detail") for e in entries if e["action"] == "group.leader.remove"]

    # Alone: no way to remove yourself, and the page says why.
    alone = browser.get(group)
    assert leaders_listed(alone) == ["leader-one (you)"]
    assert "/leaders/" not in alone.body
    assert "A group always has a leader: add another before you can stop leading it." in alone.body
    refused = browser.get(f"{group}/leaders/{leader.id}/remove")
    assert refused.status == 409 and "A group always has a group leader" in unescape(refused.body)
    posted = browser.post(f"{group}/leaders/{leader.id}/remove", {"csrf": token})
    assert posted.status == 409
    assert summary_links(posted) == [
        ("leaders", "A group always has a group leader: add another leader before this one leaves.")
    ]
    assert 'id="leaders"' in posted.body and audited() == []

    # A co-leader: named, and removed after a page of its own.
    browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    page = browser.get(group)
    assert leaders_listed(page) == ["leader-one (you)", "leader-two"]
    remove = f"{group}/leaders/{co_leader.id}/remove"
    assert (
        f'<a href="{remove}">Remove<span class="vh"> leader-two as a group leader</span></a>'
        in (page.body)
    )
    confirm = browser.get(remove)
    assert confirm.status == 200 and title(confirm) == "Confirm – Steady"
    assert "Remove leader-two as a leader of <bdi>Co-led group</bdi>?" in confirm.body
    assert "Cancel, keep it" in confirm.body
    assert leaders_listed(browser.get(group)) == ["leader-one (you)", "leader-two"]  # looking
    done = browser.post(remove, {"csrf": confirm.csrf()})
    assert done.status == 303 and done.location.endswith("?done=leader_removed#leaders")
    page = browser.get(done.location)
    assert "Group leader removed." in page.body and leaders_listed(page) == ["leader-one (you)"]
    assert audited() == [{"leader_id": co_leader.id}]
    removed = signed_in(client, co_leader)
    assert "Co-led group" not in removed.get("/leader").body
    assert removed.get(group).status == 404

    # Yourself, while another leader stays: then the groups list, without the group.
    browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    confirm = browser.get(f"{group}/leaders/{leader.id}/remove")
    text = unescape(confirm.body)
    assert "Stop leading <bdi>Co-led group</bdi>?" in text and "other leaders (leader-two)" in text
    left = browser.post(f"{group}/leaders/{leader.id}/remove", {"csrf": confirm.csrf()})
    assert (left.status, left.location) == (303, "/leader?done=left")
    groups = browser.get(left.location)
    assert "You no longer lead that group." in groups.body and "Co-led group" not in groups.body
    assert browser.get(group).status == 404
    assert leaders_listed(removed.get(group)) == ["leader-two (you)"]
    assert len(audited()) == 2 and {"leader_id": leader.id} in audited()


def test_a_leader_added_before_usernames_were_kept_is_named_once_the_upgrade_step_ran(
    client, published, leader, stack, service
):
    """Leaders' usernames are kept with them since they were shown; one added before has none
    (Cognito is not asked: that is ListUsers, which the API is not granted) until the upgrade
    step fills it in. The caller's own comes with their sign-in."""
    import boto3

    from chalicelib import upgrade
    from chalicelib.records.keys import group_pk, leader_sk
    from tests.conftest import REGION

    make_account(stack, "leader-two", "leaders")
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()
    browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    group_id = group.rsplit("/", 1)[1]
    detail = json.loads(client.http.get(f"/groups/{group_id}", headers=leader.headers).body)
    assert [n["username"] for n in detail["leader_names"]] == ["leader-one", "leader-two"]
    for leader_id in detail["leaders"]:
        boto3.client("dynamodb", region_name=REGION).update_item(
            TableName=service.settings.records_table,
            Key={"PK": {"S": group_pk(group_id)}, "SK": {"S": leader_sk(leader_id)}},
            UpdateExpression="REMOVE username",
        )
    assert leaders_listed(browser.get(group)) == [
        "leader-one (you)",
        "A group leader (username not on record)",
    ]
    leaders = service.accounts.every_in_role("leaders")
    assert upgrade.leader_usernames(service.group_records, leaders) == (2, 2, 0)
    assert leaders_listed(browser.get(group)) == ["leader-one (you)", "leader-two"]


def test_adding_someone_who_already_leads_the_group_says_so(
    client, published, leader, stack, service
):
    make_account(stack, "leader-two", "leaders")
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()

    def leader_adds() -> int:
        return sum(e["action"] == "group.leader.add" for e in service.audit.page(limit=500)[0])

    yourself = browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-one"})
    assert yourself.status == 200 and yourself.headers["cache-control"] == "no-store"
    text = unescape(yourself.body)
    assert "leader-one already leads this group." in text and "Group leader added." not in text
    assert leaders_listed(yourself) == ["leader-one (you)"]
    assert leader_adds() == 0  # nothing changed, nothing written

    added = browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    assert "Group leader added." in browser.get(added.location).body and leader_adds() == 1
    again = browser.post(f"{group}/leaders", {"csrf": token, "leader_username": "leader-two"})
    assert "leader-two already leads this group." in unescape(again.body)
    assert leaders_listed(again) == ["leader-one (you)", "leader-two"] and leader_adds() == 1

    # The API answers as documented (201 with the leader's id).
    group_id = group.rsplit("/", 1)[1]
    response = client.http.post(
        f"/groups/{group_id}/leaders",
        headers=leader.headers,
        body=json.dumps({"username": "leader-one"}),
    )
    assert response.status_code == 201 and json.loads(response.body) == {"leader_id": leader.id}


def test_remove_a_participant_after_confirming(client, published, leader, participant):
    browser = signed_in(client, leader)
    group = new_group(browser)
    assert enrol(browser, group, participant.username, "Sam P.").status == 303
    page = browser.get(group)
    remove_path = f"{group}/participants/{participant.id}/remove"
    assert f'href="{remove_path}"' in page.body
    confirm = browser.get(remove_path)
    assert "Remove <bdi>Sam P.</bdi> from <bdi>Tuesday evening</bdi>?" in confirm.body
    done = browser.post(remove_path, {"csrf": confirm.csrf()})
    assert done.status == 303
    page = browser.get(done.location)
    # Named (walk 20 leader, 5), said under Participants where the page opens.
    assert done.location.endswith(f"?done=removed&who={participant.id}#participants")
    assert (
        '<div class="notice outcome" role="status"><p><bdi>Sam P.</bdi> was removed from the '
        "group. What they completed stays theirs.</p>"
    ) in page.body.split('id="participants"', 1)[1]
    # Not among the participants: under "Left the group" (tests/functional/test_former_members.py).
    listed, left = page.body.split('id="participants"', 1)[1].split('id="left-the-group"', 1)
    listed = listed.split("</div>", 1)[1]  # after the notice that names them
    assert "Sam P." not in listed and "Sam P." in left.split("</details>", 1)[0]
    again = browser.get(remove_path)  # already gone: the group's own "not found", not a crash
    assert again.status == 404


def test_remove_from_the_group_sent_again_lands_on_the_group_page_saying_so(
    client, published, leader, participant
):
    """A double click on "Remove from the group", Back and send again, or a co-leader who
    removed them a moment before: the second post was a bare "Not found" page with no way back
    to the group. Now the group page, saying they are no longer in it and nothing changed, as
    Unassign does ("Already unassigned"); the first removal stays the only one."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    assert enrol(browser, group, participant.username, "Sam P.").status == 303
    remove_path = f"{group}/participants/{participant.id}/remove"
    confirm = browser.get(remove_path)
    assert browser.post(remove_path, {"csrf": confirm.csrf()}).status == 303
    again = browser.post(remove_path, {"csrf": confirm.csrf()})
    assert again.status == 303, again.body[again.body.find("<h1") :][:300]
    assert again.location == f"{group}?done=already_removed&who={participant.id}#participants"
    page = browser.get(again.location)
    assert page.status == 200
    notice = page.body.split('id="participants"', 1)[1].split("</div>", 1)[0]
    assert (
        '<div class="notice outcome" role="status"><p><bdi>Sam P.</bdi> was already removed '
        "from the group (maybe in another tab or by a co-leader). Nothing was changed.</p>"
    ) in notice
    # Listed once under Left the group: the second post removed nothing.
    left = page.body.split('id="left-the-group"', 1)[1].split("</details>", 1)[0]
    assert "<summary>Left the group (1)</summary>" in left
    # An address naming no one the group ever had: the same page, naming no one.
    stranger = uuid.uuid4().hex
    nobody = browser.post(f"{group}/participants/{stranger}/remove", {"csrf": confirm.csrf()})
    assert nobody.status == 303
    page = browser.get(nobody.location)
    assert "That participant is no longer in this group. Nothing was changed." in page.body


def _last_day_if_leaving_now() -> str:
    """The last full day of access of a participant who leaves their last group now."""
    from chalicelib.access import last_full_day
    from chalicelib.web.render import day

    svc = services.current()
    zone = svc.clock.zone
    ends_at = int(svc.clock.epoch()) + svc.settings.alumni_days * 86_400
    return day(last_full_day(ends_at, zone).isoformat(), "en", zone)


def test_the_remove_confirmation_says_when_access_ends_and_offers_the_progress_first(
    client, published, leader, participant, aws_calls
):
    """Walk-through 14, problems 2 and 4: at discharge, the leader is told the plan can be
    printed now and access ends on a day, and is offered the progress before the row goes."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    remove_path = f"{group}/participants/{participant.id}/remove"
    aws_calls.reset()
    confirm = browser.get(remove_path)
    text = unescape(confirm.body)
    assert (
        "This is their last group. They can still sign in to see and download their plan until "
        f"{_last_day_if_leaving_now()}. Print or download their plan with them now: My plan › "
        "Download as PDF."
    ) in text
    assert "their row leaves the progress grid and Before the session" in text
    assert (
        f'<a href="{group}/progress.csv" download>Download the group\'s progress (CSV) first</a>'
        in text
    )
    # Knowing it is their last group: one Query of their groups, no BatchGetItem (no others).
    assert aws_calls.names.count("DynamoDB.BatchGetItem") == 0

    # In another active group: nothing ends, and the page does not say it does.
    other = new_group(browser, "Thursday morning")
    enrol(browser, other, participant.username, "Sam P.")
    text = unescape(browser.get(remove_path).body)
    assert "last group" not in text and "until" not in text
    assert "Download the group's progress (CSV) first" in text
    # That other group archived: this one is their last active group again.
    token = browser.get(other).csrf()
    assert browser.post(f"{other}/archive", {"csrf": token}).status == 303
    assert "This is their last group." in unescape(browser.get(remove_path).body)


def test_removing_someone_who_never_signed_in_says_so_and_not_their_plan(
    client, published, leader, aws_calls
):
    """Walk 20 leader, problem 6: someone shown as "Has not signed in yet" has no plan, and
    their temporary password no longer works by then: the page says they never signed in, from
    the enrolment the page reads anyway (no more calls than for anyone else)."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    created = create_account(browser, group, "alex.b", "Alex B.")
    participant_id = created.location.rsplit("#handout-", 1)[1]
    assert "Has not signed in yet" in browser.get(group).body
    remove_path = f"{group}/participants/{participant_id}/remove"
    aws_calls.reset()
    text = unescape(browser.get(remove_path).body)
    assert (
        "This is their last group. They never signed in, so their account stays unused. "
        f"Their access ends after {_last_day_if_leaving_now()}."
    ) in text
    assert "plan" not in text.split("<main", 1)[1] and "can still sign in" not in text
    assert aws_calls.names.count("DynamoDB.BatchGetItem") == 0
    assert "Download the group's progress (CSV) first" in text


def test_the_archive_confirmation_says_when_access_ends_for_participants_with_no_other_group(
    client, published, leader
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    text = unescape(browser.get(f"{group}/archive").body)
    assert (
        "Participants with no other group can still sign in to see and download their plan "
        f"until {_last_day_if_leaving_now()}, then their access ends. Print or download their "
        "plan with them now: My plan › Download as PDF."
    ) in text


def test_enrolling_someone_already_in_the_group_says_so_and_keeps_their_name(
    client, published, leader, participant
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    first = enrol(browser, group, participant.username, "Sam P.")
    assert "Participant enrolled." in browser.get(first.location).body
    again = enrol(browser, group, participant.username, "Samuel O'Neil")
    assert again.status == 303
    pid = participant.id
    assert again.location == f"{group}?done=already_enrolled&who={pid}#p-{pid}"
    page = browser.get(again.location)
    text = unescape(page.body)
    assert "<bdi>Sam P.</bdi> is already in this group." in text
    assert "Participant enrolled." not in text
    assert "Samuel" not in text  # not renamed by the enrol form
    assert "Participants (1)" in page.body
    # A hand-made address names nobody who is not in the group.
    assert (
        "is already in this group"
        not in browser.get(f"{group}?done=already_enrolled&who=someone-else").body
    )

    # The API keeps its documented behaviour: 200 "Already enrolled", with the name it sets.
    group_id = group.rsplit("/", 1)[1]
    response = client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": participant.username, "display_name": "Sam Q."}),
    )
    assert response.status_code == 200
    assert json.loads(response.body)["display_name"] == "Sam Q."
    assert "Sam Q." in browser.get(group).body


def test_assign_to_one_participant_change_dates_and_unassign(
    client, published, leader, participant, other_participant
):
    browser, group = group_of_two(client, leader, participant, other_participant)
    page = browser.get(f"{group}?participant={participant.id}")
    assert (
        f'<option value="{participant.id}" selected>Only \u2068Sam P.\u2069</option>' in page.body
    )
    assigned = browser.post(
        f"{group}/assignments",
        {
            "csrf": page.csrf(),
            "item": "module:thinking-traps",
            "participant": participant.id,
            "due_date": "2030-05-01",
        },
    )
    assert assigned.status == 303
    page = browser.get(group)
    assert "<bdi>Sam P.</bdi> · due Wed 1 May 2030" in page.body
    (assignment,) = assignment_ids(page)

    # Sam sees it; Alex does not (home lists only what is assigned; the library has its page).
    assert "Thinking traps" in signed_in(client, participant).get("/").body
    assert "Thinking traps" not in signed_in(client, other_participant).get("/").body

    dates = browser.get(f"{group}/assignments/{assignment}/dates")
    assert dates.status == 200 and title(dates) == "Dates – Steady"
    assert field_value(dates, "due_date") == "2030-05-01"
    changed = browser.post(
        f"{group}/assignments/{assignment}/dates",
        {"csrf": dates.csrf(), "due_date": "2030-06-03", "session_date": "2030-06-04"},
    )
    assert changed.status == 303
    page = browser.get(group)
    assert "due Mon 3 Jun 2030 · session Tue 4 Jun 2030" in page.body
    assert assignment_ids(page) == [assignment]  # the same assignment, new dates

    confirm = browser.get(f"{group}/assignments/{assignment}/remove")
    assert "Unassign Thinking traps?" in unescape(confirm.body)
    done = browser.post(f"{group}/assignments/{assignment}/remove", {"csrf": confirm.csrf()})
    assert done.status == 303
    assert "Nothing assigned yet." in browser.get(group).body


def test_a_leader_corrects_the_name_shown_for_a_participant_on_a_page_of_its_own(
    client, published, leader, participant, other_participant, stack, service
):
    """Walk 15, problem 13: a typo at intake is corrected from the participant's row; the grid
    and CSV follow; a refused name comes back as typed; the change is audit-logged by id."""
    browser, group = group_of_two(client, leader, participant, other_participant)
    page = browser.get(group)
    path = f"{group}/participants/{participant.id}/name"
    assert f'<a href="{path}">Change the name shown<span class="vh"> for Sam P.</span>' in page.body
    form = browser.get(path)
    assert form.status == 200 and title(form) == "Change the name shown – Steady"
    assert field_value(form, "display_name") == "Sam P."

    # The enrol form's rule: 1 to 80 characters; refused on the same form, the input kept.
    refused = browser.post(path, {"csrf": form.csrf(), "display_name": "x" * 81})
    assert refused.status == 400
    assert title(refused) == "Error: Change the name shown – Steady"
    assert summary_links(refused) == [("display_name", "A display name is 1 to 80 characters.")]
    assert field_value(refused, "display_name") == "x" * 81
    empty = browser.post(path, {"csrf": form.csrf(), "display_name": "  "})
    assert empty.status == 400 and summary_links(empty)[0][0] == "display_name"
    assert (
        services.current()
        .groups.records.get(group.rsplit("/", 1)[-1])
        .member(participant.id)
        .display_name
        == "Sam P."
    )

    done = browser.post(path, {"csrf": form.csrf(), "display_name": "  Sam Pérez "})
    assert done.status == 303
    assert (
        done.location == f"{group}?done=participant_renamed&who={participant.id}#p-{participant.id}"
    )
    page = browser.get(done.location)
    assert "Name changed. They are shown to you as <bdi>Sam Pérez</bdi>." in unescape(page.body)
    assert "Sam P.<" not in page.body
    assigned = browser.post(
        f"{group}/assignments",
        {"csrf": page.csrf(), "item": "module:thinking-traps", "participant": "everyone"},
    )
    assert assigned.status == 303
    assert "Sam Pérez" in browser.get(f"{group}/progress").body
    assert "Sam Pérez" in download(browser, f"{group}/progress.csv").body.decode("utf-8-sig")

    (entry,) = [e for e in service.audit.page(limit=500)[0] if e["action"] == "enrolment.rename"]
    assert entry["actor_id"] == leader.id
    assert entry["participant_ids"] == [participant.id]
    assert "Sam" not in json.dumps(entry)  # ids only, never the name

    # Another group's leader: not found, and nothing changes; nor someone not in the group.
    other = signed_in(client, make_account(stack, "leader-other", "leaders"))
    assert other.get(path).status == 404
    assert (
        other.post(path, {"csrf": other.get("/leader").csrf(), "display_name": "X"}).status == 404
    )
    stranger = f"{group}/participants/{uuid.uuid4()}/name"
    assert browser.get(stranger).status == 404
    assert browser.post(stranger, {"csrf": form.csrf(), "display_name": "X"}).status == 404
    assert [e["action"] for e in service.audit.page(limit=500)[0]].count("enrolment.rename") == 1


def test_unassigning_a_participants_module_that_their_track_also_holds_says_it_stays(
    client, with_tracks, leader, participant
):
    """Walk 15, 19.4: the module stays on their list from the group's track, and the
    confirmation and the notice say so (not "will no longer see it")."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    for item, audience in [
        ("track:early-recovery", "everyone"),
        ("module:cravings-and-urge-surfing", participant.id),
        ("module:thinking-traps", participant.id),
    ]:
        page = browser.get(group)
        sent = browser.post(
            f"{group}/assignments", {"csrf": page.csrf(), "item": item, "participant": audience}
        )
        assert sent.status == 303, sent.body
    track, cravings, traps = assignment_ids(browser.get(group))

    confirm = browser.get(f"{group}/assignments/{cravings}/remove")
    said = unescape(confirm.body)
    assert "It stays on their reading list from the track Early recovery, weeks 1–4." in said
    assert "will no longer see it" not in said
    # The form names the track (``_track_keeping``), for the notice after it.
    assert f'<input type="hidden" name="track" value="{track}">' in confirm.body
    done = browser.post(
        f"{group}/assignments/{cravings}/remove", {"csrf": confirm.csrf(), "track": track}
    )
    assert done.status == 303
    notice = unescape(browser.get(done.location).body)
    assert (
        "Assignment removed. It stays on their reading list from the track Early recovery, "
        "weeks 1–4." in notice
    )
    assert "Cravings and urge surfing" in signed_in(client, participant).get("/").body

    # A module no track of theirs holds: as before.
    confirm = browser.get(f"{group}/assignments/{traps}/remove")
    assert "<bdi>Sam P.</bdi> will no longer see it as assigned reading." in confirm.body
    assert 'name="track"' not in confirm.body
    done = browser.post(f"{group}/assignments/{traps}/remove", {"csrf": confirm.csrf()})
    notice = unescape(browser.get(done.location).body)
    assert "Assignment removed." in notice and "It stays" not in notice


def test_assigning_what_is_already_assigned_says_so_and_what_its_dates_now_are(
    client, with_tracks, leader, participant
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    token = browser.get(group).csrf()

    def assign(item: str, due: str = "", session: str = "", audience: str = "everyone") -> Page:
        form = {"item": item, "participant": audience, "due_date": due, "session_date": session}
        posted = browser.post(f"{group}/assignments", {"csrf": token, **form})
        assert posted.status == 303, posted.body
        return posted

    def notice(posted: Page) -> str:
        page = browser.get(posted.location)
        found = re.search(r'<div class="notice outcome" role="status"><p>(.*?)</p>', page.body)
        # A name is in <bdi> (its own direction): the words, as read.
        return unescape(re.sub(r"</?bdi>", "", found.group(1))) if found else ""

    first = assign("module:thinking-traps", "2030-12-03", "2030-12-01")
    assert notice(first) == "Assigned Thinking traps to everyone."
    same = assign("module:thinking-traps", "2030-12-03", "2030-12-01")
    (assignment,) = assignment_ids(browser.get(group))
    assert same.location == (  # due after the session: a warning (see the test below)
        f"{group}?done=already_assigned&assignment={assignment}&warn=due_after_session#warnings"
    )
    assert notice(same) == "Thinking traps is already assigned."
    moved = assign("module:thinking-traps", "2030-12-10")
    assert notice(moved) == (
        "Thinking traps was already assigned, so its dates changed: "
        "due Tue 10 Dec 2030, no session date."
    )
    assert assignment_ids(browser.get(group)) == [assignment]  # still one assignment

    # To one participant: a separate assignment the first time, then named with them.
    assert notice(assign("module:thinking-traps", audience=participant.id)) == (
        "Assigned Thinking traps to Sam P."
    )
    assert notice(assign("module:thinking-traps", "2030-12-03", audience=participant.id)) == (
        "Thinking traps was already assigned to Sam P., so its dates changed: "
        "due Tue 3 Dec 2030, no session date."
    )
    # A track (its title has a comma: quoted).
    assert notice(assign("track:early-recovery", "2030-12-03", "2030-12-01")) == (
        "Assigned the track “Early recovery, weeks 1–4” to everyone."
    )
    assert notice(assign("track:early-recovery", "", "2030-12-01")) == (
        "The track “Early recovery, weeks 1–4” was already assigned, so its dates changed: "
        "no due date, session Sun 1 Dec 2030."
    )
    # A hand-made address names no assignment that is not in the group.
    page = browser.get(f"{group}?done=redated&assignment={'0' * 32}")
    assert 'role="status"' not in page.body


def test_a_name_ending_with_a_full_stop_ends_a_sentence_once(
    client, published, leader, participant
):
    """The walk's item 10: the dates page said "For Maria G.. Leave a date empty to remove it"."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Maria G.")
    form = {"item": "module:thinking-traps", "participant": participant.id, "due_date": ""}
    browser.post(f"{group}/assignments", {"csrf": browser.get(group).csrf(), **form})
    again = browser.post(f"{group}/assignments", {"csrf": browser.get(group).csrf(), **form})
    page = browser.get(again.location)
    assert "Thinking traps is already assigned to <bdi>Maria G.</bdi></p>" in page.body
    (assignment,) = assignment_ids(page)
    dates = browser.get(f"{group}/assignments/{assignment}/dates")
    assert "<p>For <bdi>Maria G.</bdi> Leave a date empty to remove it.</p>" in dates.body
    assert "G.." not in page.body + dates.body

    browser.post(
        f"{group}/assignments", {"csrf": browser.get(group).csrf(), "item": "module:thinking-traps"}
    )
    everyone = [a for a in assignment_ids(browser.get(group)) if a != assignment][0]
    dates = browser.get(f"{group}/assignments/{everyone}/dates")
    assert "<p>For everyone. Leave a date empty to remove it.</p>" in dates.body


def test_dates_that_make_no_sense_are_saved_with_a_warning(
    client, published, leader, participant, service
):
    """A due date after the session it is read for, or already past: saved (a leader may have
    their reasons), and the notice says what looks wrong, on the assign form and the dates page."""
    today = service.clock.today()
    session, due = today + timedelta(days=5), today + timedelta(days=12)
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()

    def outcome(posted: Page) -> list[str]:
        assert posted.status == 303, posted.body
        page = browser.get(posted.location)
        region = page.body.split('<div class="notice outcome" role="status">')[1].split("</div>")[0]
        return [
            unescape(re.sub(r"<[^>]+>", "", t)).strip()
            for _, t in re.findall(r"<(p|li)>(.*?)</\1>", region)
        ]

    def weekday_and_day(value) -> str:  # type: ignore[no-untyped-def]
        return value.strftime("%a ") + str(value.day) + value.strftime(" %b")

    assigned = browser.post(
        f"{group}/assignments",
        {
            "csrf": token,
            "item": "module:thinking-traps",
            "participant": "everyone",
            "due_date": due.isoformat(),
            "session_date": session.isoformat(),
        },
    )
    after = f"The due date is after the session date ({weekday_and_day(session)})."
    assert outcome(assigned) == ["Assigned Thinking traps to everyone.", f"! {after}"]
    (assignment,) = assignment_ids(browser.get(group))
    assert f"due {due.strftime('%a')} {due.day}" in browser.get(group).body  # saved as given

    dates = f"{group}/assignments/{assignment}/dates"
    past = today - timedelta(days=1)
    changed = browser.post(
        dates, {"csrf": token, "due_date": past.isoformat(), "session_date": session.isoformat()}
    )
    # Walk 17, problem 4: what a date already past does (it counts for no one).
    assert outcome(changed) == [
        "Dates changed for Thinking traps, for everyone.",
        "! The due date has already passed: it will show as no due date for everyone in the "
        "group; choose a later date to set one.",
    ]
    both = browser.post(
        dates, {"csrf": token, "due_date": due.isoformat(), "session_date": past.isoformat()}
    )
    assert outcome(both) == [
        "Dates changed for Thinking traps, for everyone.",
        f"! The due date is after the session date ({weekday_and_day(past)}).",
    ]
    # Due on the session day, today: nothing to say.
    fine = browser.post(
        dates, {"csrf": token, "due_date": today.isoformat(), "session_date": today.isoformat()}
    )
    assert outcome(fine) == ["Dates changed for Thinking traps, for everyone."]
    assert "warn=" not in fine.location
    # A hand-made address: no warning about an assignment that is not in the group.
    page = browser.get(f"{group}?done=dates&assignment={'0' * 32}&warn=due_passed")
    assert "already passed" not in page.body

    # The API says the same in codes.
    response = client.http.post(
        f"/groups/{group.rsplit('/', 1)[-1]}/assignments",
        headers=leader.headers,
        body=json.dumps(
            {
                "module_id": "breathing-and-grounding",
                "due_date": past.isoformat(),
                "session_date": (past - timedelta(days=1)).isoformat(),
            }
        ),
    )
    assert response.status_code == 201
    assert json.loads(response.body)["warnings"] == ["due_after_session", "due_passed"]


def test_a_warning_about_the_dates_is_where_the_page_opens(
    client, published, leader, participant, service
):
    """Walk 20 (leader), item 1: after Assign the page opened at Assignments, 1,400 px below
    the notice, so "The due date has already passed: it will show as no due date for Tyrone J."
    went unseen, under a row that said "due Thu 26 Nov". With a warning, the page opens at the
    warnings (the notice's first line just above them: steady.css); without, at the section."""
    past = service.clock.today() - timedelta(days=2)
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Tyrone J.")
    token = browser.get(group).csrf()
    warned = browser.post(
        f"{group}/assignments",
        {"csrf": token, "item": "module:thinking-traps", "due_date": past.isoformat()},
    )
    assert warned.status == 303 and "warn=due_passed" in warned.location
    assert warned.location.endswith("#warnings")
    page = browser.get(warned.location)
    region = page.body.split('<div class="notice outcome" role="status">')[1].split("</div>")[0]
    assert '<ul class="warnings" id="warnings">' in region and "already passed" in region
    dates = f"{group}/assignments/{assignment_ids(page)[0]}/dates"
    redated = browser.post(dates, {"csrf": token, "due_date": past.isoformat()})
    assert redated.location.endswith("#warnings")
    fine = browser.post(dates, {"csrf": token, "due_date": "2099-01-05"})
    assert "warn=" not in fine.location and fine.location.endswith("#assignments")
    assert 'id="warnings"' not in browser.get(fine.location).body


def assignment_meta(page: Page, label: str) -> str:
    """The words under an assignment in the group page's list (its first row with ``label``)."""
    found = re.search(
        rf'<li><span class="row-main">{re.escape(label)}\s*<span class="meta">(.*?)</span></span>',
        page.body,
        re.S,
    )
    assert found is not None, label
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def test_a_module_assigned_with_a_date_already_past_says_so_on_the_group_page(
    client, published, leader, participant, service
):
    """A module assigned alone with a due date (or a session) that had already passed applies
    to no one (``statuses.due_for``): the grid and the participant's home show it with no due
    date, never overdue. Its row on the group page said "due Thu 26 Nov" all the same; it now
    says what a track's module says by the same rule. Dates changed to a day still to come:
    a due date as any other."""
    today = service.clock.today()
    past = today - timedelta(days=2)
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Tyrone J.")
    token = browser.get(group).csrf()
    browser.post(
        f"{group}/assignments",
        {"csrf": token, "item": "module:thinking-traps", "due_date": past.isoformat()},
    )
    pid = service.groups.records.get(group.rsplit("/", 1)[-1]).participants[0].participant_id
    browser.post(
        f"{group}/assignments",
        {
            "csrf": token,
            "item": "module:breathing-and-grounding",
            "participant": pid,
            "due_date": past.isoformat(),
            "session_date": past.isoformat(),
        },
    )
    page = browser.get(group)
    when = past.strftime("%a ") + str(past.day) + past.strftime(" %b %Y")
    assert assignment_meta(page, "Thinking traps") == (
        f"Everyone · due {when} had passed when assigned: no due date for anyone"
    )
    assert assignment_meta(page, "Breathing and grounding") == (
        f"Tyrone J. · session {when} had passed when assigned: no due date for Tyrone J."
    )
    # The grid says the same: not started, no date, not overdue.
    grid = browser.get(f"{group}/progress").body
    assert grid.count('<td class="n"') == 2 and '<td class="o"' not in grid
    assert "Overdue" not in re.sub(r"<ul class=\"legend\".*?</ul>", "", grid, flags=re.S)
    # And the participant's home: both to read, neither overdue nor due on the past day.
    home = unescape(signed_in(client, participant).get("/").body)
    said = " ".join(re.sub(r"<[^>]+>", " ", home).split())
    assert "Thinking traps No due date" in said and "Breathing and grounding" in said
    assert "Overdue" not in said and "due" not in said.replace("No due date", "")
    # Dates changed to one still to come: a due date as any other.
    found = re.search(
        r"Thinking traps\s*<span.*?/assignments/([0-9a-f]{32})/dates", page.body, re.S
    )
    assert found is not None
    browser.post(
        f"{group}/assignments/{found.group(1)}/dates", {"csrf": token, "due_date": "2099-01-05"}
    )
    assert assignment_meta(browser.get(group), "Thinking traps") == "Everyone · due Mon 5 Jan 2099"


def test_a_track_with_one_date_already_past_says_so_on_its_own_line(
    client, with_tracks, leader, participant, service
):
    """A track assigned with one due date for all that had already passed: each of its modules
    said so, and so does the track's own line now (it said "due <day>" above them)."""
    past = service.clock.today() - timedelta(days=3)
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Tyrone J.")
    token = browser.get(group).csrf()
    posted = browser.post(
        f"{group}/assignments",
        {
            "csrf": token,
            "item": "track:early-recovery",
            "participant": "everyone",
            "pace": "all",
            "due_date": past.isoformat(),
        },
    )
    assert posted.status == 303, posted.body
    page = browser.get(group)
    when = past.strftime("%a ") + str(past.day) + past.strftime(" %b %Y")
    passed = f"due {when} had passed when assigned: no due date for anyone"
    assert assignment_meta(page, "Track: Early recovery, weeks 1–4") == f"Everyone · {passed}"
    module_lines = re.findall(r'<span class="meta">([^<]*had passed[^<]*)</span>', page.body)
    assert len(module_lines) >= 4 and all(passed in unescape(m) for m in module_lines)
    assert f"due {when}</span>" not in page.body


def test_what_was_done_is_said_under_the_heading_the_page_opens_at(
    client, published, leader, participant
):
    """Walk 20 (leader), item 1, the rest of it: "Participant enrolled.", "Dates changed." and
    the like sat at the top while the page opened at their section, 1,400 px below. Each is
    said under the heading of the section the redirect opens at; one that opens nowhere in
    particular (a renamed group) stays at the top."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrolled = enrol(browser, group, participant.username, "Tyrone J.")
    assert enrolled.location.endswith("#participants")
    token = browser.get(group).csrf()
    assigned = browser.post(
        f"{group}/assignments", {"csrf": token, "item": "module:thinking-traps"}
    )
    assert assigned.location.endswith("#assignments")
    seen = browser.post(f"{group}/attention/settings", {"csrf": token, "inactive_days": "7"})
    assert seen.location.endswith("#settings")
    renamed = browser.post(f"{group}/name", {"csrf": token, "name": "Thursday group"})

    def said_under(location: str) -> str:
        """The id of the last heading before the notice (``top``: none, above them all)."""
        body = browser.get(location).body
        before = body.split('<div class="notice outcome" role="status">')[0]
        found = re.findall(r'<h[23] id="(participants|assignments|settings|leaders)"', before)
        return found[-1] if found else "top"

    assert said_under(enrolled.location) == "participants"
    assert said_under(assigned.location) == "assignments"
    assert said_under(seen.location) == "settings"
    assert said_under(renamed.location) == "top"


def test_a_track_whose_modules_are_already_assigned_says_which_date_applies(
    client, published, leader, participant, publisher
):
    """Walk 17, problem 2: assigning a track that shares modules with one already assigned
    said only "Assigned.", and its module list showed dates that do not apply."""
    from tests.functional.test_publishing import publish_tracks

    publish_tracks(
        publisher,
        [
            {
                "id": "relapse",
                "title": "Relapse prevention, weeks 1–8",
                "summary": "Two.",
                "version": 1,
                "modules": ["thinking-traps", "cravings-and-urge-surfing"],
            },
            {
                "id": "early",
                "title": "Early recovery, weeks 1–4",
                "summary": "Three.",
                "version": 1,
                "modules": [
                    "breathing-and-grounding",
                    "cravings-and-urge-surfing",
                    "thinking-traps",
                ],
            },
        ],
    )
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Aaliyah J.")
    token = browser.get(group).csrf()
    first = {
        "csrf": token,
        "item": "track:relapse",
        "participant": "everyone",
        "due_date": "2030-12-01",
        "session_date": "2030-12-02",
    }
    assert browser.post(f"{group}/assignments", first).status == 303
    second = dict(first, item="track:early", due_date="2030-12-10")
    second["session_date"] = "2030-12-10"
    posted = browser.post(f"{group}/assignments", second)
    assert posted.status == 303 and "already_assigned" in posted.location
    page = browser.get(posted.location)
    region = page.body.split('<div class="notice outcome" role="status">')[1].split("</div>")[0]
    said = unescape(re.sub(r"<[^>]+>", "", region))
    assert "Assigned the track “Early recovery, weeks 1–4” to everyone." in said
    assert "2 of this track's modules were already assigned to the same people" in said, said
    relapse = "“Relapse prevention, weeks 1–8”"
    for title in ("Cravings and urge surfing", "Thinking traps"):
        assert f"{title}: also assigned {relapse}, due Sun 1 Dec 2030 applies" in said, said
    # The track's module list marks them; the other modules have the track's own date.
    listed = unescape(re.sub(r"<[^>]+>", "", page.body))
    assert listed.count("also in Relapse prevention, weeks 1–8: due Sun 1 Dec 2030 applies") == 2
    # Its participant gets the due date and session date of the same assignment.
    from tests.functional.test_groups import call

    _, mine = call(client, "GET", "/me/assignments", participant)
    triggers = next(a for a in mine["assignments"] if a["module_id"] == "thinking-traps")
    assert (triggers["due_date"], triggers["session_date"]) == ("2030-12-01", "2030-12-02")

    # The API says the same.
    response = client.http.post(
        f"/groups/{group.rsplit('/', 1)[-1]}/assignments",
        headers=leader.headers,
        body=json.dumps({"module_id": "thinking-traps", "due_date": "2030-11-20"}),
    )
    assert response.status_code == 201
    answer = json.loads(response.body)
    assert answer["warnings"] == ["already_assigned"]
    (only,) = answer["already_assigned"]
    assert (only["module_id"], only["due_date"], only["dates_from_this"]) == (
        "thinking-traps",
        "2030-11-20",
        True,
    )


def test_a_due_date_long_ago_or_long_before_the_session_asks_to_check_the_dates(
    client, published, leader, participant, service
):
    """Due years ago, the session long after it (2020 typed for 2026): still saved, and the
    notice says more than "already passed"."""
    today = service.clock.today()
    session = today - timedelta(days=7)
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Jordan K.")
    posted = browser.post(
        f"{group}/assignments",
        {
            "csrf": browser.get(group).csrf(),
            "item": "module:thinking-traps",
            "participant": "everyone",
            "due_date": "2020-01-01",
            "session_date": session.isoformat(),
        },
    )
    assert posted.status == 303, posted.body
    page = browser.get(posted.location)
    region = page.body.split('<div class="notice outcome" role="status">')[1].split("</div>")[0]
    said = [
        unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(r"<li>(.*?)</li>", region)
    ]
    session_day = session.strftime("%a ") + str(session.day) + session.strftime(" %b %Y")
    assert said == [
        f"! The session date ({session_day}) is more than 4 weeks after the due date "
        "(Wed 1 Jan 2020): check both dates.",
        "! The due date, Wed 1 Jan 2020, is more than 4 weeks ago: check the year. "
        "As it is, it will show as no due date for everyone in the group; choose a later date to set one.",
    ]
    assert "due Wed 1 Jan 2020" in browser.get(group).body  # saved as given
    response = client.http.post(
        f"/groups/{group.rsplit('/', 1)[-1]}/assignments",
        headers=leader.headers,
        body=json.dumps({"module_id": "breathing-and-grounding", "due_date": "2020-01-01"}),
    )
    assert response.status_code == 201
    assert json.loads(response.body)["warnings"] == ["due_passed", "due_long_ago"]


def test_the_progress_csv_is_named_after_the_group_id_and_the_programs_day(
    client, published, leader, library_clock
):
    """Never the group's name: the file sits in a Downloads folder, and a name ("Núñez &
    O'Brien cohort", markup and all) says who is in treatment where."""
    # 03:30 in UTC on the 20th is still the 19th where the program runs: the one clock's day.
    library_clock.start_at(datetime(2026, 11, 20, 3, 30, tzinfo=UTC), "America/New_York")
    browser = signed_in(client, leader)
    group = new_group(browser, "Tues eve 🌙 — Núñez & O'Brien <b>cohort</b>")
    short = group.rstrip("/").rsplit("/", 1)[-1][:8]
    csv_file = browser.get(f"{group}/progress.csv")
    assert csv_file.status == 200
    assert csv_file.headers["content-disposition"] == (
        f'attachment; filename="progress-{short}-2026-11-19.csv"'
    )
    assert browser.get(f"{group}/progress.csv?form=long").headers["content-disposition"] == (
        f'attachment; filename="progress-by-module-{short}-2026-11-19.csv"'
    )


def test_the_progress_csv_starts_with_a_byte_order_mark_for_excel(
    client, published, leader, participant
):
    """Excel on Windows reads a CSV file without one in the computer's code page: "José
    Núñez" would show as "JosÃ© NÃºÃ±ez"."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "José Núñez")
    csv_file = download(browser, f"{group}/progress.csv")
    assert csv_file.status == 200
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_file.body.startswith(b"\xef\xbb\xbfParticipant,")
    rows = list(csv.reader(csv_file.body.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "Participant" and rows[1][0] == "José Núñez"


def test_confirmation_pages_need_the_form_token_to_act(client, published, leader, participant):
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    assert browser.post(f"{group}/participants/{participant.id}/remove", {}).status == 403
    assert browser.post(f"{group}/archive", {"csrf": "forged"}).status == 403
    page = browser.get(group)
    assert "Sam P." in page.body and 'class="tag">Archived' not in page.body


# -- no dead ends -------------------------------------------------------------------------


BAD_INPUT = [
    # (form path under the group, form, field that must be linked, words in the message, kept
    # field, the status the page answers with: the use case's, as the API's)
    (
        "/participants",
        {"username": "no-such-person", "display_name": "Kept Name"},
        "username",
        "no account",
        ("display_name", "Kept Name"),
        404,
    ),
    (
        "/participants",
        {"username": "bad name!", "display_name": "Kept Name"},
        "username",
        "username is",
        ("display_name", "Kept Name"),
        400,
    ),
    (
        "/participants",
        {"username": "participant-one", "display_name": "x" * 81},
        "display_name",
        "1 to 80",
        ("username", "participant-one"),
        400,
    ),
    (
        "/assignments",
        {"item": "", "due_date": "2030-01-02"},
        "item",
        "choose a track or a module to assign.",
        ("due_date", "2030-01-02"),
        400,
    ),
    (
        "/assignments",
        {"item": "module:thinking-traps", "due_date": "2030-02-31"},
        "due_date",
        "due date",
        ("session_date", ""),
        400,
    ),
    (
        "/assignments",
        {"item": "module:thinking-traps", "session_date": "soon", "due_date": "2030-01-02"},
        "session_date",
        "session date",
        ("due_date", "2030-01-02"),
        400,
    ),
    ("/assignments", {"item": "module:no-such-module"}, "item", "no module", ("due_date", ""), 404),
    (
        "/assignments",
        {"item": "module:thinking-traps", "participant": str(uuid.uuid4())},
        "participant",
        "not in this group",
        ("due_date", ""),
        404,
    ),
    ("/name", {"name": "   "}, "name", "1 to 80", ("name", "   "), 400),
    (
        "/leaders",
        {"leader_username": "participant-one"},
        "leader_username",
        "not a group leader",
        ("leader_username", "participant-one"),
        400,
    ),
    (
        "/leaders",
        {"leader_username": "nobody-at-all"},
        "leader_username",
        "no account",
        ("leader_username", "nobody-at-all"),
        404,
    ),
]


@pytest.mark.parametrize(
    ("path", "form", "field", "words", "kept", "status"),
    BAD_INPUT,
    ids=[f"{p}-{f}-{n}" for p, _, f, _, _, n in BAD_INPUT],
)
def test_a_refused_group_form_comes_back_with_the_input_and_a_summary(
    client, published, leader, participant, path, form, field, words, kept, status
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.post(group + path, {"csrf": browser.get(group).csrf(), **form})
    assert page.status == status, page.body[:500]
    assert title(page) == "Error: Group – Steady"
    ((linked, message),) = summary_links(page)
    assert linked == field and words in message.lower()
    assert f'id="{field}"' in page.body and f'id="{field}-error"' in page.body
    assert (
        f'href="{group}"' in page.body or "<h1><bdi>Tuesday evening" in page.body
    )  # still the group
    if kept[1] or kept[0] != "name":
        assert field_value(page, kept[0]) == kept[1]
    assert "/read/" not in page.body.split("<main", 1)[1]  # no detour to the library


CREATE_LABEL = "Create a new account with this username"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("participant-one", "That account is not a group leader."),
        ("nobody.here", "There is no account nobody.here."),
    ],
)
def test_adding_a_leader_without_a_leader_account_says_who_can_make_one(
    client, published, leader, participant, typed, said
):
    """Walk 15, item 19.6: a new counsellor with no colleague on Steady yet is told what to do."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.post(
        group + "/leaders", {"csrf": browser.get(group).csrf(), "leader_username": typed}
    )
    ((_, message),) = summary_links(page)
    assert (
        message == f"{said} Ask your administrator to create a group leader account for them first."
    )
    # The group name's hint says who sees the name (walk 15, item 19.8); so does the new group's.
    assert "Participants see this name." in page.body
    assert "Participants see this name." in browser.get("/leader").body


def test_a_username_with_accents_is_refused_saying_which_letters(client, published, leader):
    """Walk 15, item 19.10: é and ñ are letters to a counsellor; the rule names a–z."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    form = browser.get(group)
    assert "3 to 64 letters a–z without accents, digits, dots, dashes or underscores." in form.body
    page = browser.post(
        group + "/participants",
        {"csrf": form.csrf(), "username": "josé.núñez", "display_name": "José N.", "create": "on"},
    )
    ((linked, message),) = summary_links(page)
    assert linked == "username"
    assert message == (
        "A username is 3 to 64 letters a–z without accents, digits, dots, dashes or underscores."
    )
    assert field_value(page, "username") == "josé.núñez"  # kept


@pytest.mark.parametrize(
    ("typed", "create", "said", "status"),
    [
        (
            "Participant-One",
            True,
            f"participant-one already has an account: untick “{CREATE_LABEL}” to enrol them.",
            409,
        ),
        (
            "nobody.here",
            False,
            f"There is no account nobody.here. To make one, tick “{CREATE_LABEL}”.",
            404,
        ),
    ],
)
def test_an_enrolment_refused_by_the_checkbox_says_to_tick_or_untick_it(
    client, published, leader, participant, typed, create, said, status
):
    """Walk-through 12, item 17: the refusal names the checkbox that fixes it, by its label."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    form = {"csrf": browser.get(group).csrf(), "username": typed, "display_name": "Kept Name"}
    page = browser.post(f"{group}/participants", {**form, **({"create": "yes"} if create else {})})
    assert page.status == status, page.body[:500]
    assert summary_links(page) == [("username", said)]
    assert f'<label for="create">{CREATE_LABEL}</label>' in page.body
    # The form keeps what was typed, the box as it was.
    assert field_value(page, "username") == typed
    assert field_value(page, "display_name") == "Kept Name"
    assert ('name="create" type="checkbox" value="yes" checked' in page.body) is create
    # The JSON API keeps its own words (no checkbox there).
    group_id = group.rsplit("/", 1)[1]
    response = client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": typed, "create": create}),
    )
    assert response.status_code == status
    assert "tick" not in json.loads(response.body)["error"]["message"]


def test_a_leader_forms_error_summary_has_the_participant_forms_heading(client, published, leader):
    """One wording for the summary everywhere: "Please check this" (leader pages are English)."""
    browser = signed_in(client, leader)
    refused = browser.post("/leader/groups", {"csrf": browser.get("/leader").csrf(), "name": ""})
    assert refused.status == 400
    assert '<h2 id="error-summary-title">Please check this</h2>' in refused.body
    assert "There is a problem" not in refused.body


def test_an_assignment_with_nothing_chosen_says_so_in_words_not_field_names(
    client, published, leader
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()
    # "Choose..." left as it is, or a value no picker offers.
    for item in ("", "module:Not A Module", "track:"):
        page = browser.post(f"{group}/assignments", {"csrf": token, "item": item})
        assert page.status == 400, item
        assert summary_links(page) == [("item", "Choose a track or a module to assign.")]
        assert 'id="item-error"' in page.body
        assert not re.search(r"module_id|track_id|module id", page.body.split("<main", 1)[1])


def test_refused_create_group_and_dates_and_filters_come_back_too(client, published, leader):
    browser = signed_in(client, leader)
    page = browser.post("/leader/groups", {"csrf": browser.get("/leader").csrf(), "name": "x" * 81})
    assert page.status == 400 and title(page) == "Error: Groups – Steady"
    assert summary_links(page) == [("name", "A group name is 1 to 80 characters.")]
    assert field_value(page, "name") == "x" * 81

    group = new_group(browser)
    browser.post(
        f"{group}/assignments", {"csrf": browser.get(group).csrf(), "item": "module:thinking-traps"}
    )
    (assignment,) = assignment_ids(browser.get(group))
    dates = f"{group}/assignments/{assignment}/dates"
    page = browser.post(
        dates,
        {"csrf": browser.get(dates).csrf(), "due_date": "2030-13-01", "session_date": "2030-01-05"},
    )
    assert page.status == 400 and title(page) == "Error: Dates – Steady"
    assert summary_links(page) == [
        (
            "due_date",
            "The due date “2030-13-01” is not a date. Use the date picker, or type it as "
            "year-month-day, like 2026-12-31.",
        )
    ]
    assert (
        field_value(page, "due_date") == "2030-13-01"
        and field_value(page, "session_date") == "2030-01-05"
    )

    page = browser.get(f"{group}/progress?track=no-such-track&sort=sideways")
    assert page.status == 400 and title(page) == "Error: Progress – Steady"
    assert summary_links(page)[0][0] in ("track", "sort")


def test_a_date_typed_by_hand_that_is_not_one_is_named_with_what_was_typed(
    client, published, leader
):
    """The walk's item 11: a date box cannot hold "31/12/2026", so it came back empty with
    only "must be a date": the error now says what was typed, on both forms."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    assign = {"item": "module:thinking-traps", "participant": "everyone"}
    page = browser.post(
        f"{group}/assignments",
        {"csrf": browser.get(group).csrf(), **assign, "due_date": "31/12/2026"},
    )
    assert page.status == 400
    assert summary_links(page) == [
        (
            "due_date",
            "The due date “31/12/2026” is not a date. Use the date picker, or type it as "
            "year-month-day, like 2026-12-31.",
        )
    ]
    browser.post(f"{group}/assignments", {"csrf": browser.get(group).csrf(), **assign})
    (assignment,) = assignment_ids(browser.get(group))
    dates = f"{group}/assignments/{assignment}/dates"
    page = browser.post(
        dates,
        {"csrf": browser.get(dates).csrf(), "due_date": "", "session_date": "2026-02-30"},
    )
    assert page.status == 400
    assert summary_links(page) == [
        (
            "session_date",
            "The group session date “2026-02-30” is not a date. Use the date picker, or type "
            "it as year-month-day, like 2026-12-31.",
        )
    ]
    long = browser.post(
        dates, {"csrf": browser.get(dates).csrf(), "due_date": "<b>" + "9" * 60, "session_date": ""}
    )
    assert "“&lt;b&gt;" + "9" * 37 + "” is not a date" in long.body  # escaped, cut at 40


def test_another_leaders_group_stays_not_found_on_every_form(client, published, leader, stack):
    other = signed_in(client, make_account(stack, "leader-other", "leaders"))
    group = new_group(signed_in(client, leader), "Owner's group")
    token = other.get("/leader").csrf()
    for path, form in [
        ("/participants", {"username": "x"}),
        ("/assignments", {"item": ""}),
        ("/name", {"name": ""}),
        ("/leaders", {"leader_username": "x"}),
        ("/archive", {}),
        ("/unarchive", {}),
    ]:
        page = other.post(group + path, {"csrf": token, **form})
        assert page.status == 404, path
        assert "Owner" not in page.body


# -- the temporary password -------------------------------------------------------------------


def create_account(browser: WebClient, group: str, username: str, name: str) -> Page:
    return browser.post(
        f"{group}/participants",
        {
            "csrf": browser.get(group).csrf(),
            "username": username,
            "display_name": name,
            "create": "yes",
        },
    )


def handouts(page: Page) -> dict[str, str]:
    """The new-account panels on a page: each username and its temporary password."""
    found = {}
    for panel in page.body.split('<section class="handout"')[1:]:
        panel = panel.split("</section>", 1)[0]
        username = re.search(r"<dt>Username</dt><dd><code[^>]*>([^<]+)<", panel).group(1)
        found[username] = re.search(r'class="copy temporary-password">([^<]+)<', panel).group(1)
    return found


def stored_session(service, browser: WebClient):  # type: ignore[no-untyped-def]
    from chalicelib import sign_in

    return service.sessions.get(browser.cookies[sign_in.COOKIE])


def test_new_account_panel_survives_a_reload_until_done_and_is_never_logged(
    client, published, leader, service, caplog
):
    # Everything Steady logs, and whatever reaches the root logger at INFO (what a Lambda keeps).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="steady")
    browser = signed_in(client, leader)
    group = new_group(browser)
    created = create_account(browser, group, "new-person", "New P.")
    # Post/Redirect/Get: the post answers with a redirect, so a reload never sends it again.
    assert created.status == 303, created.body
    assert re.fullmatch(rf"{group}#handout-[0-9a-f-]{{36}}", created.location)
    assert "set-cookie" not in created.headers
    page = browser.get(group)
    assert page.status == 200 and page.headers["cache-control"] == "no-store"
    password = handouts(page)["new-person"]
    assert len(password) >= 12 and password not in created.location
    panel = page.body.split('<section class="handout"', 1)[1].split("</section>", 1)[0]
    assert "give these to <bdi>New P.</bdi>" in panel
    assert "localhost/sign-in" in panel or "/sign-in</code>" in panel
    # The address for a Spanish reader too (walk 18, item 2): Spanish pages from the first one.
    assert "/sign-in?locale=es</code>" in panel
    assert "choose their own password" in panel and "15 minutes at most" in panel
    assert "Done, I have given it to them" in panel

    # A reload shows it again (the screenshot's bug: the form was sent again, "taken").
    again = browser.get(group)
    assert handouts(again) == {"new-person": password} and "is taken" not in again.body
    # Only in this leader's own session: not in another session of the same leader.
    assert handouts(signed_in(client, leader).get(group)) == {}

    # Done (a form post with the session's token): gone for good, from the page and the table.
    participant_id = created.location.rsplit("#handout-", 1)[1]
    done_at = f"{group}/participants/{participant_id}/handed-over"
    assert browser.post(done_at, {"csrf": "wrong"}).status == 403
    assert handouts(browser.get(group)) == {"new-person": password}
    done = browser.post(done_at, {"csrf": again.csrf()})
    assert done.status == 303 and done.location == f"{group}?done=handed_over#participants"
    after = browser.get(done.location)
    assert password not in after.body and "The temporary password is no longer shown." in after.body
    assert stored_session(service, browser).handouts == ()
    assert browser.post(done_at, {"csrf": again.csrf()}).status == 303  # pressed twice: harmless

    assert password not in caplog.text
    assert WebClient(client).sign_in("new-person", password).location == "/sign-in/new-password"


def choose_password(client, username: str, temporary: str) -> Page:  # type: ignore[no-untyped-def]
    """The participant's first sign-in: the temporary password, then their own."""
    theirs = WebClient(client)
    assert theirs.sign_in(username, temporary).location == "/sign-in/new-password"
    form = theirs.get("/sign-in/new-password")
    mine = {"new_password": "Chosen-pass-4242", "confirm_password": "Chosen-pass-4242"}
    return theirs.post("/sign-in/new-password", {"csrf": form.csrf(), **mine})


def test_new_account_panel_goes_once_the_participant_chose_their_own_password(
    client, published, leader, service, library_clock, aws_calls
):
    """The walk's item 6: the panel kept a password that no longer worked. Choosing their own
    password is recorded on the enrolment, which the group page reads anyway (no Cognito call
    per view); the panel goes, from the page and the session, and the page says why."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    created = create_account(browser, group, "maria.g", "Maria G.")
    create_account(browser, group, "new-two", "Two")
    password = handouts(browser.get(group))["maria.g"]
    library_clock.advance(60)
    assert choose_password(client, "maria.g", password).location == "/"

    aws_calls.names.clear()
    page = browser.get(group)
    assert not [n for n in aws_calls.names if "Cognito" in n], aws_calls.names
    assert list(handouts(page)) == ["new-two"] and password not in page.body
    assert (
        "<bdi>Maria G.</bdi> has signed in and chosen their own password, so their temporary "
        "password is no longer shown." in page.body
    )
    assert [h.username for h in stored_session(service, browser).handouts] == ["new-two"]
    again = browser.get(group)  # said once: the panel is gone for good
    assert "has signed in" not in again.body and list(handouts(again)) == ["new-two"]

    # Lost again: a new temporary password given after that choice is shown until it is used.
    participant_id = created.location.rsplit("#handout-", 1)[1]
    address = f"{group}/participants/{participant_id}/temporary-password"
    library_clock.advance(60)
    browser.post(address, {"csrf": again.csrf()})
    newer = handouts(browser.get(group))["maria.g"]
    assert newer != password and handouts(browser.get(group))["maria.g"] == newer


def test_new_account_panels_of_two_accounts_each_wait_for_their_own_done(
    client, published, leader, service
):
    browser = signed_in(client, leader)
    group, other_group = new_group(browser), new_group(browser, "Other group")
    first = create_account(browser, group, "new-one", "One")
    second = create_account(browser, group, "new-two", "Two")
    create_account(browser, other_group, "new-three", "Three")
    shown = handouts(browser.get(group))
    assert list(shown) == ["new-two", "new-one"]  # newest first; the other group's elsewhere
    assert list(handouts(browser.get(other_group))) == ["new-three"]
    participant_id = first.location.rsplit("#handout-", 1)[1]
    browser.post(
        f"{group}/participants/{participant_id}/handed-over", {"csrf": browser.get(group).csrf()}
    )
    assert handouts(browser.get(group)) == {"new-two": shown["new-two"]}
    assert second.status == 303


def test_new_account_panel_is_gone_after_15_minutes_and_after_signing_out(
    client, published, leader, service, library_clock
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    create_account(browser, group, "new-person", "New P.")
    library_clock.advance(8 * 60)
    assert list(handouts(browser.get(group))) == ["new-person"]
    library_clock.advance(7 * 60 + 1)  # 15 minutes after it was made; the session is alive
    page = browser.get(group)
    assert page.status == 200 and handouts(page) == {}
    assert stored_session(service, browser).handouts == ()  # out of the table too

    create_account(browser, group, "new-person-2", "New Q.")
    stored = stored_session(service, browser)
    assert [h.username for h in stored.handouts] == ["new-person-2"]
    browser.post("/sign-out", {"csrf": browser.get(group).csrf()})
    assert service.sessions.get(stored.session_id) is None
    assert handouts(signed_in(client, leader).get(group)) == {}


def slip(page: Page) -> str:
    """The printable slip of a hand-out page ("" if none)."""
    if '<section class="slip"' not in page.body:
        return ""
    return page.body.split('<section class="slip"', 1)[1].split("</section>", 1)[0]


def test_a_hand_out_page_has_one_participants_details_in_words_for_them(
    client, published, leader, service, library_clock, stack
):
    """Walk 15 problem 4: printing the group page printed every open panel, other participants'
    passwords too, in words for the leader. Each panel links a page of its own with one slip
    for the participant; a printed group page has no panel at all (steady.css)."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    first = create_account(browser, group, "new-one", "One O.")
    create_account(browser, group, "new-two", "Two T.")
    page = browser.get(group)
    shown = handouts(page)
    one_id = first.location.rsplit("#handout-", 1)[1]
    address = f"{group}/participants/{one_id}/hand-out"
    assert (
        f'<a class="handout-print" href="{address}">Print a hand-out for <bdi>One O.</bdi></a>'
        in page.body
    )
    # Only the newest panel is open; the older one is folded, its hand-out link still there.
    assert page.body.count('<details class="handout-older">') == 1
    older = page.body.split('<details class="handout-older">', 1)[1].split("</details>", 1)[0]
    assert "new-one" in older and "new-two" not in older

    def reads() -> list[dict]:
        entries = service.audit.page(limit=500)[0]
        return [e for e in entries if e["action"] == "group.read"]

    before = reads()
    handout = browser.get(address)
    assert handout.status == 200 and title(handout) == "Sign-in details – Steady"
    assert handout.headers["cache-control"] == "no-store"
    text = unescape(slip(handout))
    assert shown["new-one"] in text and "new-one" in text
    assert shown["new-two"] not in handout.body and "new-two" not in handout.body
    assert "Two T." not in handout.body and "Tuesday evening" not in title(handout)
    assert "/sign-in</code>" in text and "Go to" in text and "locale=" not in text
    assert "You will choose your own password when you sign in." in text
    assert "988" in text and "1-800-662-4357" in text
    # Words for the participant: nothing for the leader ("give these to", "Done") on the slip.
    assert "give these" not in text and "Done" not in text and "Tell them" not in text
    # Audit-logged as the group page is, for this one participant only.
    (entry,) = [e for e in reads() if e not in before]
    assert entry["participant_ids"] == [one_id] and entry["group_id"] in group

    # In Spanish, for a participant who reads Spanish.
    spanish = browser.get(address + "?lang=es")
    assert 'lang="es"' in slip(spanish) or '<section class="slip" lang="es"' in spanish.body
    assert "Al iniciar sesión, usted elegirá su propia contraseña." in unescape(spanish.body)
    # Walk 18, item 2: the Spanish hand-out's address opens the sign-in pages in Spanish on a
    # phone set to English, and keeps Spanish with the account at that first sign-in.
    assert "/sign-in?locale=es</code>" in unescape(slip(spanish))
    assert shown["new-one"] in spanish.body

    # Another group's leader: not found, nothing shown.
    other = signed_in(client, make_account(stack, "leader-other", "leaders"))
    refused = other.get(address)
    assert refused.status == 404 and shown["new-one"] not in refused.body
    # Another session of the same leader does not hold it: the page says it is gone.
    assert shown["new-one"] not in signed_in(client, leader).get(address).body

    # After Done: a page that says so and how to give a new one, not a dead end.
    browser.post(f"{group}/participants/{one_id}/handed-over", {"csrf": page.csrf()})
    gone = browser.get(address)
    assert gone.status == 200 and slip(gone) == "" and shown["new-one"] not in gone.body
    said = unescape(gone.body)
    assert "This temporary password is no longer shown." in said
    assert "Give a new temporary password from the group page." in said
    assert f'href="{group}/participants/{one_id}/temporary-password"' in gone.body
    # After 15 minutes: the same.
    two_id = next(
        p.participant_id
        for p in service.groups.records.get(group.rsplit("/", 1)[1]).participants
        if p.username == "new-two"
    )
    two_address = f"{group}/participants/{two_id}/hand-out"
    library_clock.advance(8 * 60)  # a page view now and then keeps the session alive
    assert shown["new-two"] in browser.get(two_address).body
    library_clock.advance(7 * 60 + 1)
    assert "This temporary password is no longer shown." in browser.get(two_address).body
    # Someone not in the group: not found.
    assert browser.get(f"{group}/participants/{leader.id}/hand-out").status == 404


def test_a_printed_group_page_shows_no_temporary_password():
    """The print rule (steady.css): no panel prints from the group page; a hand-out page prints
    its one slip, whole on a page."""
    from chalicelib.web import render

    css = (render.TEMPLATES.parent / "static" / "steady.css").read_text(encoding="utf-8")
    prints = " ".join(re.findall(r"@media print\{(.*?)\}\s*$", css, re.M))
    assert ".handout,.handout-older{display:none!important" in prints
    assert ".slip{border-color:#000;break-inside:avoid}" in prints


def slips(page: Page) -> list[tuple[str, str, str]]:
    """The slips of a page of hand-outs, in order: (username, temporary password, language)."""
    found = []
    for part in page.body.split('<section class="slip"')[1:]:
        part = part.split("</section>", 1)[0]
        found.append(
            (
                unescape(re.search(r'class="slip-username">([^<]+)<', part).group(1)),
                unescape(re.search(r'class="temporary-password">([^<]+)<', part).group(1)),
                re.search(r'lang="([a-z]+)"', part).group(1),
            )
        )
    return found


def test_every_hand_out_of_a_group_prints_from_one_page_one_slip_per_participant(
    client, published, leader, service, stack
):
    """Walk 17 problem 6: 12 new accounts on a cohort's first day meant 12 hand-out pages, each
    printed on its own within the 15 minutes. With more than one waiting, the group page links
    a page with every one's slip, in the order they were given, a sheet each when printed; the
    panels stay one open and one folded, however many there are."""
    browser = signed_in(client, leader)
    group, other_group = new_group(browser), new_group(browser, "Other group")
    address = f"{group}/hand-outs"
    create_account(browser, group, "new-one", "One O.")
    page = browser.get(group)
    assert address not in page.body  # one: its own hand-out is the page to print
    create_account(browser, other_group, "new-other", "Other P.")
    create_account(browser, group, "new-two", "Two T.")
    page = browser.get(group)
    link = (
        f'<a class="button" href="{address}">Print hand-outs for everyone created just now (2)</a>'
    )
    assert link in page.body
    assert [u for u, _, _ in slips(browser.get(address))] == ["new-one", "new-two"]

    create_account(browser, group, "new-three", "Three T.")
    page = browser.get(group)
    shown = handouts(page)
    assert "Print hand-outs for everyone created just now (3)</a>" in page.body
    # One folded panel for the older ones, whatever their number, naming them.
    assert page.body.count('<details class="handout-older">') == 1
    assert (
        "Also waiting to be given (2): <bdi>Two T.</bdi>, <bdi>One O.</bdi></summary>" in page.body
    )
    assert list(shown) == ["new-three", "new-two", "new-one"]  # each still with its details

    def reads() -> list[dict]:
        return [e for e in service.audit.page(limit=500)[0] if e["action"] == "group.read"]

    before = reads()
    every = browser.get(address)
    assert every.status == 200 and title(every) == "Sign-in details – Steady"
    assert every.headers["cache-control"] == "no-store"
    # In the order they were given, each with its own password; the other group's is not here.
    assert slips(every) == [
        ("new-one", shown["new-one"], "en"),
        ("new-two", shown["new-two"], "en"),
        ("new-three", shown["new-three"], "en"),
    ]
    assert "new-other" not in every.body and "Other P." not in every.body
    assert "Tuesday evening" not in title(every)
    # Each slip is the single hand-out's slip, words for the participant only.
    one_id = next(
        p.participant_id
        for p in service.groups.records.get(group.rsplit("/", 1)[1]).participants
        if p.username == "new-one"
    )
    single = browser.get(f"{group}/participants/{one_id}/hand-out")
    same = slip(single).split(">", 1)[1].replace('"slip-title"', f'"slip-title-{one_id}"')
    assert same in every.body
    for part in every.body.split('<section class="slip"')[1:]:
        text = unescape(part.split("</section>", 1)[0])
        assert "You will choose your own password when you sign in." in text
        assert "/sign-in</code>" in text and "988" in text and "1-800-662-4357" in text
        assert "give these" not in text and "Done" not in text and "Tell them" not in text
        assert "One O." not in text and "Two T." not in text  # the leader's names stay off it
    # Audit-logged as the group page is, for the three participants it shows.
    (entry,) = [e for e in reads() if e not in before and e["participant_ids"] != [one_id]]
    assert len(entry["participant_ids"]) == 3 and entry["group_id"] in group

    # One of them in Spanish (the page's language form); the others stay in English.
    two_id = next(
        p.participant_id
        for p in service.groups.records.get(group.rsplit("/", 1)[1]).participants
        if p.username == "new-two"
    )
    assert f'name="lang-{two_id}"' in every.body
    mixed = browser.get(f"{address}?lang-{two_id}=es&lang-{one_id}=xx")
    assert [lang for _, _, lang in slips(mixed)] == ["en", "es", "en"]
    assert "Al iniciar sesión, usted elegirá su propia contraseña." in unescape(mixed.body)
    assert '<option value="es" lang="es" selected>' in mixed.body
    # The Spanish slip sends its reader to the Spanish sign-in page; the others to the plain one.
    addresses = re.findall(r"<dd><code>([^<]*/sign-in[^<]*)</code></dd>", mixed.body)
    assert [a.endswith("/sign-in?locale=es") for a in addresses] == [False, True, False]

    # The other group's page holds only its own one.
    assert [u for u, _, _ in slips(browser.get(f"{other_group}/hand-outs"))] == ["new-other"]
    # Another session of the same leader holds none: the page says so, with the way back.
    elsewhere = signed_in(client, leader).get(address)
    assert elsewhere.status == 200 and slips(elsewhere) == []
    assert "These temporary passwords are no longer shown." in unescape(elsewhere.body)
    assert f'href="{group}#participants"' in elsewhere.body
    assert not any(p in elsewhere.body for p in shown.values())
    # Another group's leader: not found, nothing shown.
    other = signed_in(client, make_account(stack, "leader-other", "leaders"))
    refused = other.get(address)
    assert refused.status == 404 and not any(p in refused.body for p in shown.values())

    # Done for one: its slip goes; removed from the group: its slip goes too.
    browser.post(f"{group}/participants/{one_id}/handed-over", {"csrf": page.csrf()})
    assert [u for u, _, _ in slips(browser.get(address))] == ["new-two", "new-three"]
    browser.post(f"{group}/participants/{two_id}/remove", {"csrf": page.csrf()})
    assert [u for u, _, _ in slips(browser.get(address))] == ["new-three"]
    assert address not in browser.get(group).body  # one left: no "print all" link


def test_the_page_of_every_hand_out_says_when_their_passwords_are_no_longer_shown(
    client, published, leader, service, library_clock
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    create_account(browser, group, "new-one", "One O.")
    create_account(browser, group, "new-two", "Two T.")
    library_clock.advance(8 * 60)  # a page view now and then keeps the session alive
    assert len(slips(browser.get(f"{group}/hand-outs"))) == 2
    library_clock.advance(7 * 60 + 1)  # 15 minutes after they were given
    gone = browser.get(f"{group}/hand-outs")
    assert gone.status == 200 and slips(gone) == [] and "temporary-password" not in gone.body
    said = unescape(gone.body)
    assert "These temporary passwords are no longer shown." in said
    assert "Give a new temporary password" in said and f'href="{group}#participants"' in gone.body
    assert "Print hand-outs" not in browser.get(group).body


def test_the_print_all_link_names_new_passwords_for_existing_accounts_too(
    client, published, leader, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    first = create_account(browser, group, "new-one", "One O.")
    create_account(browser, group, "new-two", "Two T.")
    one_id = first.location.rsplit("#handout-", 1)[1]
    page = browser.get(group)
    browser.post(f"{group}/participants/{one_id}/handed-over", {"csrf": page.csrf()})
    browser.post(f"{group}/participants/{one_id}/temporary-password", {"csrf": page.csrf()})
    page = browser.get(group)
    link = "Print hand-outs for everyone given a temporary password just now (2)</a>"
    assert link in page.body and "created just now" not in page.body
    # In the order given: the new password for One came after Two's account.
    assert [u for u, _, _ in slips(browser.get(f"{group}/hand-outs"))] == ["new-two", "new-one"]


def test_a_printed_page_of_hand_outs_puts_each_slip_on_a_sheet_of_its_own():
    from chalicelib.web import render

    css = (render.TEMPLATES.parent / "static" / "steady.css").read_text(encoding="utf-8")
    prints = " ".join(re.findall(r"@media print\{(.*?)\}\s*$", css, re.M))
    assert ".slips>.slip:not(:last-of-type){break-after:page}" in prints


def form_key(page: Page) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1)


def test_enrol_sent_twice_by_a_double_click_creates_one_account_and_shows_its_panel(
    client, published, leader, service
):
    """Walk 15 problem 5: the second post of a double click said "already has an account" and
    the first one's panel was not on the page. The form's one-time key makes the second answer
    as the first did."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.get(group)
    form = {
        "csrf": page.csrf(),
        "key": form_key(page),
        "username": "dbl.test2",
        "display_name": "Dbl Test2",
        "create": "yes",
    }
    first = browser.post(f"{group}/participants", form)
    second = browser.post(f"{group}/participants", form)
    assert first.status == second.status == 303, second.body
    assert second.location == first.location and "#handout-" in first.location
    shown = browser.get(second.location)
    assert list(handouts(shown)) == ["dbl.test2"] and "already has an account" not in shown.body
    group_id = group.rsplit("/", 1)[1]
    assert [p.username for p in service.groups.records.get(group_id).participants] == ["dbl.test2"]
    added = [e for e in service.audit.page(limit=500)[0] if e["action"] == "enrolment.add"]
    assert len(added) == 1
    # Nothing typed and no password is kept with the answer: only where it redirected.
    kept = stored_session(service, browser).form_keys
    assert [answer for _, answer in kept.values()] == [first.location]
    assert handouts(shown)["dbl.test2"] not in repr(kept) and form["key"] not in repr(kept)
    # A new page has a new key: the next enrolment is its own.
    again = browser.get(group)
    assert form_key(again) != form["key"]
    other = create_account(browser, group, "new-two", "Two")
    assert other.status == 303 and other.location != first.location


def test_enrol_taken_up_again_with_back_and_changed_enrols_the_second_person(
    client, published, leader, service
):
    """The group page kept by Back (the same one-time key), another username typed: that
    person is enrolled, not answered with the first one's result."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.get(group)
    form = {"csrf": page.csrf(), "key": form_key(page), "create": "yes"}
    first = browser.post(f"{group}/participants", {**form, "username": "back.one"})
    second = browser.post(f"{group}/participants", {**form, "username": "back.two"})
    assert first.status == second.status == 303 and second.location != first.location
    group_id = group.rsplit("/", 1)[1]
    enrolled = {p.username for p in service.groups.records.get(group_id).participants}
    assert enrolled == {"back.one", "back.two"}


def test_a_refused_enrolment_gives_its_key_up_and_an_old_page_without_a_key_still_enrols(
    client, published, leader, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.get(group)
    form = {"csrf": page.csrf(), "key": form_key(page), "username": "no", "create": "yes"}
    assert browser.post(f"{group}/participants", form).status == 400
    assert browser.post(f"{group}/participants", form).status == 400  # refused again, as before
    assert stored_session(service, browser).form_keys == {}
    fixed = browser.post(f"{group}/participants", {**form, "username": "fixed.one"})
    assert fixed.status == 303 and "#handout-" in fixed.location
    without = {"csrf": page.csrf(), "username": "no.key", "create": "yes"}
    assert browser.post(f"{group}/participants", without).status == 303


def test_assign_add_a_leader_and_a_new_temporary_password_sent_twice_act_once(
    client, published, leader, participant, service, stack
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    make_account(stack, "leader-two", "leaders")
    page = browser.get(group)
    key = form_key(page)
    assign = {"csrf": page.csrf(), "key": key, "item": "module:thinking-traps"}
    first = browser.post(f"{group}/assignments", assign)
    assert "done=assigned" in first.location
    assert browser.post(f"{group}/assignments", assign).location == first.location
    lead = {"csrf": page.csrf(), "key": key, "leader_username": "leader-two"}
    added = browser.post(f"{group}/leaders", lead)
    assert added.status == 303 and "done=leader" in added.location
    assert browser.post(f"{group}/leaders", lead).location == added.location

    address = f"{group}/participants/{participant.id}/temporary-password"
    confirm = browser.get(address)
    given = {"csrf": confirm.csrf(), "key": form_key(confirm)}
    first = browser.post(address, given)
    assert browser.post(address, given).location == first.location
    entries = service.audit.page(limit=500)[0]
    assert len([e for e in entries if e["action"] == "account.temporary_password"]) == 1
    password = handouts(browser.get(group))[participant.username]
    assert WebClient(client).sign_in(participant.username, password).location == (
        "/sign-in/new-password"
    )


def dynamodb(aws_calls) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.removeprefix("DynamoDB.") for n in aws_calls.names if n.startswith("DynamoDB.")]


def test_create_group_sent_twice_makes_one_group_and_answers_both_with_its_page(
    client, published, leader, service, aws_calls
):
    """ "Create group"'s one-time key names the group (``GroupService.create``'s idempotency
    key), so the group's conditional write is the claim: a double click makes one group, and
    both posts redirect to its page. A refused name gives the key up; a form without a key
    (a hand-made post) just creates."""
    browser = signed_in(client, leader)
    page = browser.get("/leader")
    form = {"csrf": page.csrf(), "key": form_key(page), "name": "Monday group"}
    aws_calls.reset()
    first = browser.post("/leader/groups", form)
    # The session read; the group, its leader and its audit entry (one transaction, the key's
    # claim in it); the group read back (Query). Before, with the key claimed in the session:
    # the session read, the claim (three UpdateItems on a session's first claim), the
    # transaction, the Query, the answer kept (UpdateItem): 5, or 7.
    assert dynamodb(aws_calls) == ["GetItem", "TransactWriteItems", "Query"]
    aws_calls.reset()
    second = browser.post("/leader/groups", form)
    # The session read; the transaction cancelled by the group's condition; the group read.
    assert dynamodb(aws_calls) == ["GetItem", "TransactWriteItems", "Query"]
    assert first.status == second.status == 303
    assert second.location == first.location and first.location.startswith("/leader/groups/")
    assert [g.name for g in service.groups.mine(Caller(leader.id, frozenset({"leaders"})))] == [
        "Monday group"
    ]
    created = [e for e in service.audit.page(limit=500)[0] if e["action"] == "group.create"]
    assert len(created) == 1
    assert stored_session(service, browser).form_keys == {}  # nothing kept in the session
    # Refused (no name): the same form back with its key, given up; sent again fixed, created.
    page = browser.get("/leader")
    form = {"csrf": page.csrf(), "key": form_key(page), "name": ""}
    refused = browser.post("/leader/groups", form)
    assert refused.status == 400 and f'value="{form["key"]}"' in refused.body
    fixed = browser.post("/leader/groups", {**form, "name": "Wednesday group"})
    assert fixed.status == 303 and fixed.location != first.location
    assert browser.post("/leader/groups", {"csrf": page.csrf(), "name": "No key"}).status == 303
    names = sorted(g.name for g in service.groups.mine(Caller(leader.id, frozenset({"leaders"}))))
    assert names == ["Monday group", "No key", "Wednesday group"]


def test_the_second_request_waits_for_the_first_ones_answer(
    client, published, leader, service, monkeypatch, library_clock
):
    """Sent at once (a Lambda each): the second finds the key claimed and waits for the first
    one's answer, then answers with it; past the wait (on the services' clock, moved by the
    pause), it says how long to wait instead of acting twice."""
    from chalicelib import sign_in

    browser = signed_in(client, leader)
    browser.get("/leader")
    active = stored_session(service, browser)
    now = int(library_clock.epoch())
    assert service.sessions.claim_form(active.session_id, "f" * 32, now)  # the first request
    assert not service.sessions.claim_form(active.session_id, "f" * 32, now)
    done = []

    def first_finishes(_: float) -> None:
        service.sessions.settle_form(active.session_id, "f" * 32, now, "/leader/groups/x#handout-y")

    def never(_: object) -> str:
        done.append("acted")
        return "/elsewhere"

    monkeypatch.setattr(sign_in, "pause", first_finishes)
    answer = sign_in.once(active, "f" * 32, lambda: never(None), lambda r: r)
    assert answer == "/leader/groups/x#handout-y" and done == []

    assert service.sessions.claim_form(active.session_id, "e" * 32, now)
    monkeypatch.setattr(sign_in, "pause", library_clock.advance)
    with pytest.raises(sign_in.StillBeingDone) as busy:
        sign_in.once(active, "e" * 32, lambda: never(None), lambda r: r)
    assert done == []
    assert int(library_clock.epoch()) - now >= sign_in.FORM_WAIT_SECONDS  # it waited
    # ...and says how long is left of the lease (the real time passes too).
    assert 1 <= busy.value.retry_after <= sign_in.FORM_LEASE_SECONDS - sign_in.FORM_WAIT_SECONDS


def test_a_lost_password_gets_a_new_temporary_one_after_confirming(
    client, published, leader, participant, service, stack, caplog
):
    """A participant of the group: a new temporary password on the same panel as a new
    account's, after a page of its own; the old password and their sessions stop working, the
    audit trail has it (before the change), and the participant chooses their own next time."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="steady")
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    theirs = signed_in(client, participant)  # a session on the participant's phone

    def given() -> list[dict]:
        entries = service.audit.page(limit=500)[0]
        return [e for e in entries if e["action"] == "account.temporary_password"]

    page = browser.get(group)
    address = f"{group}/participants/{participant.id}/temporary-password"
    link = (
        f'<a href="{address}">Give a new temporary password<span class="vh"> to Sam P.</span></a>'
    )
    assert link in page.body
    confirm = browser.get(address)
    assert confirm.status == 200 and title(confirm) == "Confirm – Steady"
    assert "Give <bdi>Sam P.</bdi> a new temporary password?" in confirm.body
    assert "Cancel, keep it" in confirm.body and given() == []  # nothing changed by looking

    done = browser.post(address, {"csrf": confirm.csrf()})
    assert (done.status, done.location) == (303, f"{group}#handout-{participant.id}")
    page = browser.get(group)
    password = handouts(page)[participant.username]
    panel = page.body.split('<section class="handout"', 1)[1].split("</section>", 1)[0]
    assert "New temporary password: give these to <bdi>Sam P.</bdi>" in panel
    assert "choose their own password" in panel and "Done, I have given it to them" in panel
    entry = given()[0]
    assert entry["participant_ids"] == [participant.id] and entry["group_id"] in group
    assert password not in caplog.text and password not in json.dumps(given())

    # The old password no longer signs in; their session there ended; the new one asks for
    # their own password.
    assert theirs.get("/").location == "/sign-in"
    assert WebClient(client).sign_in(participant.username).status == 400
    assert WebClient(client).sign_in(participant.username, password).location == (
        "/sign-in/new-password"
    )

    # Given again: the page shows only the newest (the one before no longer works).
    browser.post(address, {"csrf": confirm.csrf()})
    newer = handouts(browser.get(group))
    assert list(newer) == [participant.username] and newer[participant.username] != password
    assert WebClient(client).sign_in(participant.username, password).status == 400

    # Someone not in the group: not found, on the confirmation page and by the form.
    elsewhere = f"{group}/participants/{leader.id}/temporary-password"
    assert browser.get(elsewhere).status == 404
    refused = browser.post(elsewhere, {"csrf": confirm.csrf()})
    assert refused.status == 404
    assert summary_links(refused) == [("participants", "That participant is not in this group.")]


def test_a_new_temporary_password_only_for_a_participant_account(
    client, published, leader, participant, stack
):
    """An account with another role besides (a leader too) is an administrator's to reset."""
    import boto3

    from tests.conftest import REGION

    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    boto3.client("cognito-idp", region_name=REGION).admin_add_user_to_group(
        UserPoolId=stack.user_pool_id, Username=participant.username, GroupName="leaders"
    )
    address = f"{group}/participants/{participant.id}/temporary-password"
    refused = browser.post(address, {"csrf": browser.get(group).csrf()})
    assert refused.status == 400 and handouts(refused) == {}
    assert summary_links(refused) == [
        (
            "participants",
            "Only a participant account's password can be given here; "
            "an administrator resets the others.",
        )
    ]
    assert WebClient(client).sign_in(participant.username).status == 303  # unchanged

    # The API: the same use case, the password once in the answer.
    group_id = group.rsplit("/", 1)[1]
    path = f"/groups/{group_id}/participants/{participant.id}/temporary-password"
    response = client.http.post(path, headers=leader.headers)
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] == "not_a_participant"


def test_handouts_rewritten_from_an_older_read_never_drop_one_added_meanwhile(service):
    from chalicelib import sign_in
    from chalicelib.records.sessions import ACTIVE, Handout, Session

    now = int(service.clock.epoch())
    started = Session("s" * 43, ACTIVE, "token", now + 3600, now, caller_id="leader-id")
    service.sessions.put(started)

    def handout(name: str) -> Handout:
        return Handout("g" * 32, f"id-{name}", name, name.title(), 0, f"Pw-{name}-123456")

    assert sign_in.keep_handout(started, handout("one"))
    read = service.sessions.get(started.session_id)  # a page read the session here...
    assert sign_in.keep_handout(started, handout("two"))  # ...another tab added one since
    assert not service.sessions.set_handouts(read.session_id, (), read.handouts_version)
    sign_in.hand_over(read, "g" * 32, "id-one")  # reads again and retries
    assert [h.username for h in service.sessions.get(started.session_id).handouts] == ["two"]
    assert "Pw-two" not in repr(service.sessions.get(started.session_id))  # never in a repr
    service.sessions.delete(started.session_id)
    assert not sign_in.keep_handout(started, handout("three"))  # signed out: nothing kept
    assert service.sessions.get(started.session_id) is None


# -- the groups list ------------------------------------------------------------------------


def test_groups_list_counts_participants_overdue_and_next_session_in_bounded_calls(
    client, published, leader, participant, other_participant, service, aws_calls, library_clock
):
    browser = signed_in(client, leader)
    groups = [new_group(browser, f"Group {n}") for n in range(3)]
    enrol(browser, groups[0], participant.username, "Sam P.")
    enrol(browser, groups[0], other_participant.username, "Alex R.")
    enrol(browser, groups[1], participant.username, "Sam P.")
    token = browser.get(groups[0]).csrf()
    today = library_clock.today()
    for item, due in (
        ("module:thinking-traps", "2020-01-01"),
        ("module:cravings-and-urge-surfing", "2020-01-02"),
        ("module:breathing-and-grounding", "2099-01-01"),
    ):
        browser.post(
            f"{groups[0]}/assignments",
            {
                "csrf": token,
                "item": item,
                "due_date": due,
                "session_date": "2099-01-05" if due > "2090" else "2020-01-03",
            },
        )
    browser.post(
        f"{groups[1]}/assignments",
        {"csrf": token, "item": "module:thinking-traps", "session_date": "2099-02-01"},
    )
    for dated in groups[:2]:
        dated_on(dated.rsplit("/", 1)[1])  # assigned before the dates passed
    service.completions.record(participant.id, "thinking-traps", shipped_version("thinking-traps"))
    browser.post(f"{groups[2]}/archive", {"csrf": token})

    aws_calls.reset()
    service.dashboard.overview(Caller(leader.id, frozenset({"leaders"})))
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # 1 Query of the leader's groups, 1 Query per group (3), 1 BatchGetItem per active group
    # with participants (2) for both its counts and who needs attention (completed versions and
    # saved worksheets), the audit entry with its 2 participant copies in 1 TransactWriteItems:
    # 7, and no Scan.
    assert sorted(dynamodb) == sorted(
        ["DynamoDB.Query"] * 4 + ["DynamoDB.BatchGetItem"] * 2 + ["DynamoDB.TransactWriteItems"]
    )
    page = browser.get("/leader")
    assert title(page) == "Groups – Steady"
    rows = {re.search(r">(Group \d)</bdi></a>", r).group(1): r for r in page.body.split("<tr")[2:]}
    # Group 0: Sam completed thinking-traps; 3 overdue readings (Sam 1, Alex 2), next session
    # 5 Jan 2099.
    assert re.sub(r"\s+", " ", rows["Group 0"]).count("3 readings") == 1
    # Alex has 2 readings overdue: 1 participant needs attention in Group 0.
    assert '<span aria-hidden="true">!</span> 1 participant</span>' in rows["Group 0"]
    assert "(2 participants)" in rows["Group 0"] and ">2</td>" in rows["Group 0"]
    assert "Mon 5 Jan 2099" in rows["Group 0"]
    assert ">None</td>" in rows["Group 1"] and "Sun 1 Feb 2099" in rows["Group 1"]
    assert "Archived" in rows["Group 2"]
    assert today.year < 2099


def test_groups_list_next_session_is_the_groups_not_one_participants(
    client, published, leader, participant, other_participant
):
    """Walk 10, item 11: "Next session" is the group's next session, from its assignments to
    everyone; a session date on one participant's own assignment is not the group's (shown
    sooner, it is not a day the group meets; alone, the group has none set)."""
    browser = signed_in(client, leader)
    groups = [new_group(browser, f"Group {n}") for n in range(2)]
    for group in groups:
        enrol(browser, group, participant.username, "Maria G.")
    enrol(browser, groups[0], other_participant.username, "Alex R.")
    token = browser.get(groups[0]).csrf()
    maria = participant.id
    for group, item, session, who in (
        (groups[0], "module:thinking-traps", "2099-01-10", ""),
        (groups[0], "module:breathing-and-grounding", "2099-01-05", maria),
        (groups[1], "module:thinking-traps", "2099-01-05", maria),
        (groups[1], "module:breathing-and-grounding", "", ""),
    ):
        page = browser.post(
            f"{group}/assignments",
            {"csrf": token, "item": item, "participant": who, "session_date": session},
        )
        assert page.status == 303, page.body
    page = browser.get("/leader")
    rows = {re.search(r">(Group \d)</bdi></a>", r).group(1): r for r in page.body.split("<tr")[2:]}
    assert "Sat 10 Jan 2099" in rows["Group 0"] and "Mon 5 Jan 2099" not in rows["Group 0"]
    assert "None set" in rows["Group 1"] and "Mon 5 Jan 2099" not in rows["Group 1"]


def assign_paced(browser, group: str, first: date) -> None:  # type: ignore[no-untyped-def]
    """The early-recovery track to everyone, one module per weekly session from ``first``."""
    page = browser.get(group)
    done = browser.post(
        f"{group}/assignments",
        {
            "csrf": page.csrf(),
            "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1),
            "item": "track:early-recovery",
            "participant": "everyone",
            "session_date": first.isoformat(),
            "pace": "sessions",
            "every_days": "7",
            "per_session": "1",
        },
    )
    assert done.status == 303, done.body


def next_session_shown(browser) -> str:  # type: ignore[no-untyped-def]
    """The groups list's "Next session" of its first group."""
    row = browser.get("/leader").body.split("<tr")[2]
    return re.search(r'data-label="Next session">([^<]*)</td>', row).group(1)


def shown(d: date) -> str:
    """A day as the pages write it: "Tue 8 Dec 2026"."""
    return f"{d:%a} {d.day} {d:%b} {d.year}"


def test_groups_list_next_session_of_a_track_paced_over_the_sessions(
    client, with_tracks, leader, participant, library_clock
):
    """Walk 20 (leader), item 3: a track paced one module per session keeps each session on its
    module (the assignment's own session date is the first one). Once the first has passed,
    the next is a later module's, not "None set"; nor a module's that is left out."""
    browser = signed_in(client, leader)
    group = new_group(browser, "Paced")
    enrol(browser, group, participant.username, "Maria G.")
    today = library_clock.today()
    first = today - timedelta(days=3)
    assign_paced(browser, group, first)
    next_session = partial(next_session_shown, browser)

    assert next_session() == shown(first + timedelta(days=7))
    # Leave out the module of that session: the one after it is next.
    page = browser.get(group)
    (assignment,) = re.findall(r"/assignments/([0-9a-f]{32})/remove\"", page.body)
    second = "cravings-and-urge-surfing"  # the track's second module
    left = browser.post(
        f"{group}/assignments/{assignment}/modules/{second}/leave-out",
        {
            "csrf": page.csrf(),
            "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1),
            "out": "yes",
        },
    )
    assert left.status == 303, left.body
    assert next_session() == shown(first + timedelta(days=14))


def test_groups_list_next_session_is_a_day_a_module_is_read_for(
    client, with_tracks, leader, participant, library_clock
):
    """A paced track's own session date is its first session's: once that session's module
    moved to a later session, or was left out, nothing is read for that day any more, and the
    groups list does not name it as the next session (the first session is still to come)."""
    browser = signed_in(client, leader)
    group = new_group(browser, "Paced")
    enrol(browser, group, participant.username, "Maria G.")
    first = library_clock.today() + timedelta(days=2)
    assign_paced(browser, group, first)
    next_session = partial(next_session_shown, browser)

    assert next_session() == shown(first)
    page = browser.get(group)
    (assignment,) = assignment_ids(page)
    module = f"{group}/assignments/{assignment}/modules/how-addiction-changes-the-brain"
    second = (first + timedelta(days=7)).isoformat()

    def redate(day: str) -> None:
        form = browser.get(f"{module}/dates")
        moved = browser.post(
            f"{module}/dates", {"csrf": form.csrf(), "due_date": day, "session_date": day}
        )
        assert moved.status == 303, moved.body

    # The first session's module moves to the second session.
    redate(second)
    assert next_session() == shown(first + timedelta(days=7))
    # Back on the first session, it is next again; left out, it is not.
    redate(first.isoformat())
    assert next_session() == shown(first)
    page = browser.get(group)
    left = browser.post(
        f"{module}/leave-out",
        {
            "csrf": page.csrf(),
            "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1),
            "out": "yes",
        },
    )
    assert left.status == 303, left.body
    assert next_session() == shown(first + timedelta(days=7))


# -- the module picker ------------------------------------------------------------------------


def test_module_picker_tracks_first_then_modules_by_topic_and_no_default(
    client, with_tracks, leader
):
    browser = signed_in(client, leader)
    page = browser.get(new_group(browser))
    select = page.body.split('<select id="item"', 1)[1].split("</select>", 1)[0]
    assert select.startswith(' name="item" required')
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select)
    assert options[0] == ("", " selected")  # "Choose…": nothing is chosen for the leader
    assert "Choose…" in select
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups[0] == "Tracks" and groups[1:] == [
        "Recovery",
        "Mood and mind",
        "Stress",
        "Life skills",
    ]
    values = [v for v, _ in options[1:]]
    kinds = [v.split(":")[0] for v in values]
    assert kinds == sorted(kinds, key=lambda k: k != "track")  # every track before every module
    # Leaders assign the English tracks; a translation only gives a track its title.
    english = [t for t in with_tracks if t.locale == "en"]
    assert len([k for k in kinds if k == "track"]) == len(english) < len(with_tracks)


def test_module_picker_says_what_is_also_in_spanish(client, with_tracks, leader):
    """Walk 21, 4: a leader of Spanish readers could not tell which modules and tracks they
    could read: every option was an English title. Counted from the content files."""
    browser = signed_in(client, leader)
    select = browser.get(new_group(browser)).body.split('<select id="item"', 1)[1]
    shown = dict(
        re.findall(r'<option value="([^"]+)">([^<]*)</option>', select.split("</select>")[0])
    )
    spanish = {path.name.split(".")[0] for path in CONTENT.glob("*/*.es.md")}
    assert "cravings-and-urge-surfing" in spanish
    assert "medications-for-addiction-treatment" not in spanish
    for module_id in ("cravings-and-urge-surfing", "medications-for-addiction-treatment"):
        said = shown[f"module:{module_id}"].endswith(" · also in Spanish")
        assert said == (module_id in spanish), shown[f"module:{module_id}"]
    for track in (t for t in with_tracks if t.locale == "en"):
        n = sum(1 for m in track.modules if m in spanish)
        also = "" if not n else f", {'all' if n == len(track.modules) else n} also in Spanish"
        assert shown[f"track:{track.track_id}"].endswith(f"({len(track.modules)} modules{also})")


# -- the progress grid ------------------------------------------------------------------------


def test_grid_keeps_track_order_totals_filters_and_sort(
    client, with_tracks, leader, participant, other_participant, service
):
    browser, group = group_of_two(client, leader, participant, other_participant)
    token = browser.get(group).csrf()
    browser.post(
        f"{group}/assignments",
        {"csrf": token, "item": "track:early-recovery", "due_date": "2020-03-01"},
    )
    browser.post(
        f"{group}/assignments",
        {"csrf": token, "item": "module:thinking-traps", "due_date": "2099-01-01"},
    )
    for module_id in EARLY_RECOVERY[:3]:
        service.completions.record(participant.id, module_id, shipped_version(module_id))

    dated_on(group.rsplit("/", 1)[1])  # assigned before the dates passed
    page = browser.get(f"{group}/progress")
    assert title(page) == "Progress – Steady"
    assert '<main id="main" class="wide">' in page.body
    assert "grid-more" not in page.body  # a few modules fit: nothing said about scrolling
    headings = [
        unescape(c)
        for c in re.findall(
            r'<th scope="col" class="mod" title="[^"]*"><span class="clamp">([^<]+)<', page.body
        )
    ]
    # The headings are the titles with soft hyphens in long words (made at publishing); the
    # grid's CSS wraps them at spaces only (tests/browser: no word broken at 1280 px).
    soft = "\u00ad"
    assert "Breath\u00ading and ground\u00ading" in headings
    columns = [h.replace(soft, "") for h in headings]
    catalog = {m["id"]: m["title"] for m in service.library.catalog()}
    assert columns == [catalog[m] for m in EARLY_RECOVERY] + [
        catalog["thinking-traps"]
    ]  # the track's order, then later
    csv_header = browser.get(f"{group}/progress.csv").body.splitlines()[0]
    assert list(csv.reader([csv_header]))[0][9:] == columns  # after WIDE_HEADINGS

    def rows(p: Page) -> list[tuple[str, str, str, str]]:
        return re.findall(
            r'<th scope="row" class="name"><bdi>([^<]+)</bdi></th><td class="tot">(\d+)<span class="lbl"> done'
            r'</span></td><td class="tot(?: late)?">(\d+)<span class="lbl"> overdue</span></td>'
            r'<td class="tot">(\d+)<',
            # the "needs attention" marker beside a name is tested on its own
            re.sub(r' <a class="flag attention" [^>]*>.*?</a>', "", p.body),
        )

    assert rows(page) == [("Alex R.", "0", "8", "0"), ("Sam P.", "3", "5", "0")]
    cell = re.search(
        r'<td class="d" title="([^"]+)"><i aria-hidden="true">✓</i>'
        r'<span class="m"> [^<]+:</span><span class="vh st"> Done</span>',
        page.body,
    )
    assert cell and re.match(r"Done: version \d+, ", cell.group(1))
    assert rows(browser.get(f"{group}/progress?sort=overdue")) == [
        ("Alex R.", "0", "8", "0"),
        ("Sam P.", "3", "5", "0"),
    ]
    for module_id in EARLY_RECOVERY[:4]:
        service.completions.record(other_participant.id, module_id, shipped_version(module_id))
    assert [r[0] for r in rows(browser.get(f"{group}/progress?sort=overdue"))] == [
        "Sam P.",
        "Alex R.",
    ]
    assert [r[0] for r in rows(browser.get(f"{group}/progress?sort=name"))] == ["Alex R.", "Sam P."]

    only_track = browser.get(f"{group}/progress?track=early-recovery")
    assert len(re.findall(r'class="mod"', only_track.body)) == len(EARLY_RECOVERY)
    assert '<option value="early-recovery" selected>' in only_track.body

    for module_id in EARLY_RECOVERY[3:]:
        service.completions.record(participant.id, module_id, shipped_version(module_id))
    overdue_only = browser.get(f"{group}/progress?overdue=yes")
    assert [r[0] for r in rows(overdue_only)] == ["Alex R."]
    assert "1 of 2 participants" in overdue_only.body


def test_columns_and_before_the_session_follow_the_groups_order_not_one_participants_date(
    client, with_tracks, leader, participant, service
):
    """The walk's item 8: one participant's own, earlier due date put that module's column
    first, and "Before the session" listed its links by title. Both now follow the group's
    assignments in the order they were made, a track's modules in the track's order."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    token = browser.get(group).csrf()
    for item, audience, due in (
        ("track:early-recovery", "everyone", ""),
        ("module:sleep-and-recovery", participant.id, "2030-01-01"),
        ("module:thinking-traps", "everyone", "2029-01-01"),
    ):
        form = {"csrf": token, "item": item, "participant": audience, "due_date": due}
        assert browser.post(f"{group}/assignments", form).status == 303
    order = [*EARLY_RECOVERY, "thinking-traps"]
    page = browser.get(f"{group}/progress")
    links = re.findall(r'href="[^"]*/before-session\?module=([^"#]+)#p-', page.body)
    titles = re.findall(r'<th scope="col" class="mod" title="([^"]*)"', page.body)
    catalog = {m["id"]: m["title"] for m in service.library.catalog()}
    assert len(titles) == len(order)
    assert all(t.startswith(catalog[m]) for t, m in zip(titles, order, strict=True)), titles
    sheets = re.findall(r'/before-session\?module=([^"]+)">Worksheets: ', browser.get(group).body)
    assert len(sheets) >= 2 and sheets == [m for m in order if m in sheets]
    assert sheets != sorted(sheets, key=lambda m: catalog[m].casefold())  # not by title
    assert links == []  # nothing shared yet


def test_the_grid_shows_a_late_joiner_their_own_date_as_home_and_the_csv_do(
    client, published, leader, participant, other_participant
):
    """Walk 17, problem 3: Rahul joined after Thinking traps fell due. His home and the CSV say
    "No due date"; the grid's cell, its title and the phone card said the group's past date."""
    browser, group = group_of_two(client, leader, participant, other_participant)
    group_id = group.rsplit("/", 1)[1]
    # Alex was in the group long before; the reading was due yesterday; Sam joins today.
    joined_on(group_id, other_participant.id, "2020-01-01T00:00:00Z")
    joined_on(group_id, participant.id, services.current().clock.iso())
    yesterday = (services.current().clock.today() - timedelta(days=1)).isoformat()
    from chalicelib.records.groups import Assignment

    records = services.current().group_records
    before = Assignment(
        "0" * 32, "module", "thinking-traps", None, None, yesterday, None,
        "2020-01-02T00:00:00Z", leader.id, due_set_at="2020-01-02T00:00:00Z",
    )  # fmt: skip
    from chalicelib.records.audit import new_entry

    audit = new_entry(leader.id, ["leaders"], "assignment.put", "2020-01-02T00:00:00Z")
    records.put_assignment(group_id, before, audit, replaces=False)

    sam = signed_in(client, participant).get("/")
    main = sam.body[sam.body.index("<main") :]
    assert "Thinking traps" in main and "Overdue" not in main, main
    page = browser.get(f"{group}/progress")
    rows = {
        name: row
        for row in page.body.split("<tr>")[2:]
        for name in ("Sam P.", "Alex R.")
        if f'class="name"><bdi>{name}</bdi>' in row
    }
    (sams,) = re.findall(r"<td class=\"n\"[^>]*>.*?</td>", rows["Sam P."])
    assert 'title="Not started: no due date"' in sams, sams
    assert '<span class="vh st"> Not started, no due date</span>' in sams, sams
    (alexs,) = re.findall(r"<td class=\"o\"[^>]*>.*?</td>", rows["Alex R."])
    assert "Overdue, due" in alexs, alexs
    # The phone card: no date for Sam.
    cards = page.body[page.body.index("Sam P.</bdi></b>") :]
    card = cards[: cards.index("</details></li>")]
    assert "<summary>1 not started</summary>" in card, card
    assert "Thinking traps: Not started, no due date" in card, card
    # The CSV agrees.
    long = download(browser, f"{group}/progress.csv?form=long").body.decode("utf-8-sig")
    table = list(csv.DictReader(long.splitlines()))
    dues = {r["Name shown"]: r["Due date"] for r in table}
    assert dues == {"Sam P.": "", "Alex R.": yesterday}, dues


def test_a_column_shows_the_groups_due_date_and_each_cell_its_own_when_dates_vary(
    client, published, leader, participant, other_participant
):
    browser, group = group_of_two(client, leader, participant, other_participant)
    token = browser.get(group).csrf()
    # Thinking traps for everyone, due 5 Dec, and for Sam alone a day earlier; cravings due
    # 6 Dec for everyone.
    for item, audience, due in (
        ("module:thinking-traps", "everyone", "2030-12-05"),
        ("module:thinking-traps", participant.id, "2030-12-04"),
        ("module:cravings-and-urge-surfing", "everyone", "2030-12-06"),
    ):
        form = {"csrf": token, "item": item, "participant": audience, "due_date": due}
        assert browser.post(f"{group}/assignments", form).status == 303

    page = browser.get(f"{group}/progress")
    headings = re.findall(
        r'<th scope="col" class="mod" title="([^"]*)"><span class="clamp">[^<]*</span>(.*?)</th>',
        page.body,
    )
    # The column says the group's date (not Sam's own), and that dates vary.
    assert headings == [
        (
            "Thinking traps, due Thu 5 Dec 2030 for the group, other dates for some participants",
            '<span class="due">5 Dec</span><span class="due">dates vary</span>',
        ),
        ("Cravings and urge surfing, due Fri 6 Dec 2030", '<span class="due">6 Dec</span>'),
    ]
    # Each cell of that column says its participant's own date; the other column's say the
    # column's, in the words a phone shows (it has no column headings), with no tooltip.
    rows = {
        name: row
        for row in page.body.split("<tr>")[2:]
        for name in ("Sam P.", "Alex R.")
        if f'class="name"><bdi>{name}' in row
    }
    for name, due in (("Sam P.", "Wed 4 Dec 2030"), ("Alex R.", "Thu 5 Dec 2030")):
        traps, cravings = re.findall(r"<td class=\"n\"[^>]*>.*?</td>", rows[name])
        assert f'title="Not started: due {due}"' in traps, traps
        assert f'<span class="vh st"> Not started, due {due}</span>' in traps, traps
        assert "title=" not in cravings, cravings
        assert '<span class="vh st"> Not started, due\u00a06\u00a0Dec</span>' in cravings, cravings


def test_a_participants_row_folds_its_rarer_actions_and_the_top_links_to_the_forms(
    client, published, leader, participant, other_participant
):
    """Walk 15 item 19.14: on a phone a row was ~180 px (four links on lines of their own) and
    the Enrol and Assign forms were far below 16 participants. Assign stays in the row; a new
    temporary password, the name shown and Remove are under "More actions for <name>" (a
    <details>: no JavaScript); links at the top lead to the participants and the forms."""
    browser, group = group_of_two(client, leader, participant, other_participant)
    page = browser.get(group)
    top = page.body.split('<nav class="jump" aria-label="On this page">')[1].split("</nav>")[0]
    assert re.findall(r'<a href="#([a-z]+)">([^<]+)</a>', top) == [
        ("participants", "Participants"),
        ("enrol", "Enrol"),
        ("assignments", "Assignments"),
        ("assign", "Assign"),
        ("settings", "Settings"),
    ]
    for anchor in ("participants", "enrol", "assignments", "assign", "settings"):
        assert page.body.count(f'id="{anchor}"') == 1, anchor
    assert page.body.index('class="jump"') < page.body.index('id="participants"')
    row = page.body.split(f'<li id="p-{participant.id}">')[1].split("</li>")[0]
    assert (
        f'<a href="{group}?participant={participant.id}#assign">Assign<span class="vh"> to Sam P.</span></a>'
        in row
    )
    more = row.split('<details class="more">')[1].split("</details>")[0]
    assert '<summary>More actions<span class="vh"> for Sam P.</span></summary>' in more
    assert re.findall(r'<a href="[^"]+/participants/[^/]+/([a-z-]+)">', more) == [
        "temporary-password",
        "name",
        "remove",
    ]
    assert "Assign" not in more  # the frequent one stays in the row

    # An archived group: no forms to link to.
    token = page.csrf()
    assert browser.post(f"{group}/archive", {"csrf": token}).status == 303
    archived = browser.get(group).body
    top = archived.split('<nav class="jump" aria-label="On this page">')[1].split("</nav>")[0]
    assert re.findall(r'href="#([a-z]+)"', top) == ["participants", "assignments", "settings"]


def phone_cards(body: str) -> dict[str, str]:
    """The grid's phone list (``ul.plist``): each participant's card by name."""
    listing = body.split('<ul class="plist" aria-label="Participants">')[1].split("\n</ul>")[0]
    cards = re.findall(
        r"<li><details><summary><b><bdi>(.*?)</bdi></b>(.*?)</details></li>", listing
    )
    return {unescape(name): rest for name, rest in cards}


def test_on_a_phone_the_grid_is_a_line_per_participant_that_opens_their_card(
    client, with_tracks, leader, participant, other_participant, service
):
    """Walk 15 problem 9: on a phone the grid was every module of every participant in words
    (≈ 16 screens for 14 × 14). Now a line each (name, done of assigned, overdue, flags) opens
    their card: overdue first, then completed; the modules not started folded into one line
    with their count and dates; every date written "1 Dec"."""
    browser, group = group_of_two(client, leader, participant, other_participant)
    token = browser.get(group).csrf()
    for item, due in (
        ("track:early-recovery", "2020-03-01"),
        ("module:thinking-traps", "2099-12-01"),
        ("module:depression-basics", "2099-12-08"),
    ):
        form = {"csrf": token, "item": item, "due_date": due}
        assert browser.post(f"{group}/assignments", form).status == 303
    for module_id in EARLY_RECOVERY[:3]:
        service.completions.record(participant.id, module_id, shipped_version(module_id))

    dated_on(group.rsplit("/", 1)[1])  # assigned before the dates passed
    page = browser.get(f"{group}/progress")
    cards = phone_cards(page.body)
    assert list(cards) == ["Alex R.", "Sam P."]  # the table's order
    sam = cards["Sam P."]
    head, body = sam.split("</summary>", 1)
    assert re.sub(r"<[^>]+>", "", head) == " 3 of 10 done, 5 overdue, needs attention"
    assert '<span class="late">5 overdue</span>' in head
    # Why they need attention, linking to their row on the group page (marked seen there).
    assert (
        f'<a class="flag" href="{group}#p-{participant.id}">Needs attention: 5 overdue: on the '
        'group page<span class="vh"> (Sam P.)</span></a>'
    ) in body
    lines = re.findall(r'<li class="(\w)">(.*?)(?=<li|</ul>)', body)
    kinds = "".join(kind for kind, _ in lines)
    # Overdue, then completed, then the fold (its own lines, inside it, after).
    assert kinds == "ooooo" + "ddd" + "n" + "nn", kinds
    titles = {m["id"]: m["title"] for m in service.library.catalog()}
    nbsp = "\u00a0"
    assert lines[0][1] == f"{titles[EARLY_RECOVERY[3]]}: Overdue, due{nbsp}1{nbsp}Mar</li>"
    today = service.clock.today()
    done = f"{today.day}{nbsp}{today.strftime('%b')}"
    assert lines[5][1].startswith(f"{titles[EARLY_RECOVERY[0]]}: Completed {done}")
    assert lines[8][1] == f"<details><summary>2 not started, due{nbsp}1–8{nbsp}Dec</summary><ul>"
    assert lines[9][1] == f"{titles['thinking-traps']}: Not started, due{nbsp}1{nbsp}Dec</li>"
    # One way of writing a date on the card: no weekday, no year.
    text = re.sub(r"<[^>]+>", " ", body)
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|\b20\d\d\b", text), text
    alex = cards["Alex R."]
    assert re.sub(r"<[^>]+>", "", alex.split("</summary>")[0]).startswith(
        " 0 of 10 done, 8 overdue"
    )
    # The table is still there, as it was, for a wider screen and for paper.
    assert page.body.count('scope="row"') == 2 and page.body.count('class="mod"') == 10
    # On a phone the participants come before the key.
    assert page.body.index('class="plist"') < page.body.index('class="legend"')


def test_a_grid_of_40_participants_and_60_modules_stays_small(
    client, publisher, shipped_modules, leader, service
):
    english = [m for m in shipped_modules if m.locale == "en"]
    extra = [
        replace(
            m,
            module_id=f"{m.module_id}-copy",
            source=replace(m.source, meta={**m.meta, "id": f"{m.module_id}-copy"}),
        )
        for m in english[: 60 - len(english)]
    ]
    assert publisher.publish(english + extra).ok
    modules = [m.module_id for m in english + extra]
    assert len(modules) == 60
    browser = signed_in(client, leader)
    group = new_group(browser, "Big group")
    group_id = group.rsplit("/", 1)[1]
    records = service.group_records
    now = service.clock.iso()
    participants = seed_group(
        records,
        group_id,
        leader.id,
        [f"Participant number {n:02d}" for n in range(40)],
        [(m, f"20{20 + i % 2 * 79}-01-{i % 28 + 1:02d}") for i, m in enumerate(modules)],
        lambda: now,
    )
    # Half the completions with a knowledge check (its score shows in the cell), a few of them
    # retaken (the first try's score before it): the grid's fullest completed cells.
    for n, pid in enumerate(participants[::2]):
        for i, module_id in enumerate(modules[:25]):
            if (n + i) % 2:
                service.completions.record(pid, module_id, 1)
                continue
            check = {"answers": [0, 0, 0], "correct": (n + i) % 4, "total": 3}
            service.completions.record(pid, module_id, 1, check)
            if i % 6 == 0:
                again = {"answers": [0, 0, 0], "correct": 3, "total": 3}
                service.completions.record_attempt(pid, module_id, 1, 2, again)

    page = browser.get(f"{group}/progress")
    assert page.status == 200
    assert page.body.count('class="mod"') == 60 and page.body.count('scope="row"') == 40
    # Walk 15, problem 17: more columns than fit at 1280 px, and the page says the table
    # scrolls sideways (the scroll box describes itself with it).
    assert (
        '<p class="grid-more" id="grid-more"><span aria-hidden="true">→</span> Showing 60 '
        "modules: scroll the table sideways to see them all.</p>"
    ) in page.body
    assert 'aria-labelledby="grid-caption" aria-describedby="grid-more" tabindex="0"' in page.body
    # Each cell still to read says its column's date (the phone's list has no headings); a
    # completed one does not. 9.3 KB compressed with them, 9.0 KB without.
    completed = re.findall(r'<td class="d".*?</td>', page.body)
    assert completed and not any(", due" in c for c in completed)
    assert '<span class="vh st"> Overdue, due\u00a01\u00a0Jan</span>' in page.body
    # The phone's list is in the page too (CSS shows it or the table): a card each.
    assert len(phone_cards(page.body)) == 40
    # The scores in the cells (250 of them, 50 retaken): 17.7 kB compressed, 15.8 kB with the
    # scores in the titles only.
    assert page.body.count('<small class="kc" aria-hidden="true">') == 250
    assert len(re.findall(r'<small class="kc" aria-hidden="true">[02]\u21923/3<', page.body)) == 50
    compressed = len(gzip.compress(page.body.encode()))
    assert compressed < 60 * 1024, compressed
    assert json.dumps({"grid_40x60_gzip_bytes": compressed})


def test_a_form_posted_to_an_archived_group_points_at_unarchive(client, published, leader):
    browser = signed_in(client, leader)
    group = new_group(browser)
    token = browser.get(group).csrf()
    browser.post(f"{group}/archive", {"csrf": token})
    page = browser.post(f"{group}/participants", {"csrf": token, "username": "someone-new"})
    assert page.status == 409, page.body
    assert summary_links(page) == [("unarchive", "This group is archived. Unarchive it first.")]
    assert 'id="unarchive"' in page.body
    gone = browser.get(f"{group}/participants/{uuid.uuid4()}/remove")
    assert gone.status == 404 and 'href="/leader"' in gone.body  # to the groups, not the library


def test_the_needs_attention_marker_on_the_group_page_and_the_grid(
    client, published, leader, participant, other_participant, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    # In the group for three days (not long enough for "no activity"), before the readings
    # fell due two days ago and yesterday.
    today = service.clock.today()
    joined = f"{today - timedelta(days=3)}T15:00:00+00:00"
    enrol(browser, group, participant.username, "Sam P.", joined)
    enrol(browser, group, other_participant.username, "Alex R.", joined)
    token = browser.get(group).csrf()
    overdue = (
        ("module:thinking-traps", str(today - timedelta(days=2))),
        ("module:cravings-and-urge-surfing", str(today - timedelta(days=1))),
    )
    for item, due in overdue:
        browser.post(f"{group}/assignments", {"csrf": token, "item": item, "due_date": due})
    service.completions.record(participant.id, "thinking-traps", shipped_version("thinking-traps"))

    dated_on(group.rsplit("/", 1)[1])  # assigned before the dates passed
    page = browser.get(group)
    rows = {
        name: row
        for row in page.body.split('<li id="p-')[1:]
        for name in ("Sam P.", "Alex R.")
        if name in row.split("</span>")[0]
    }
    assert "Needs attention: 2 overdue" in rows["Alex R."]
    assert "Needs attention" not in rows["Sam P."]
    assert "1 participant needs attention" in page.body
    grid = browser.get(f"{group}/progress")
    cells = {
        name: row
        for row in grid.body.split("<tr>")[1:]
        for name in ("Sam P.", "Alex R.")
        if f'class="name"><bdi>{name}' in row
    }
    assert "Needs attention: 2 overdue" in cells["Alex R."]
    assert "Needs attention" not in cells["Sam P."]
    # The key says what that "!" means, apart from a cell's "!" (overdue; walk 20 leader, 9).
    key = grid.body.split('<ul class="legend"')[1].split("</ul>")[0]
    assert "beside a name: needs attention (why, on the group page): 1</li>" in key
    # The grid's flag leads to the participant on the group page, where it can be marked seen.
    anchor = re.search(r'<a class="flag attention" href="([^"#]+)#([^"]+)"', cells["Alex R."])
    assert anchor is not None and anchor.groups() == (group, f"p-{other_participant.id}")
    assert "Alex R." in page.body.split(f'<li id="{anchor.group(2)}">')[1].split("</li>")[0]

    # Marked as seen (through the API's use case): the marker goes away on both pages.
    caller = Caller(leader.id, frozenset({"leaders"}))
    group_id = group.rsplit("/", 1)[1]
    service.attention.mark_seen(caller, group_id, other_participant.id, "overdue")
    assert "Needs attention" not in browser.get(group).body
    assert "Needs attention" not in browser.get(f"{group}/progress").body


def test_a_reason_about_a_module_names_it_and_the_summary_says_what_is_checked(
    client, published, leader, participant, library_clock
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    enrol(browser, group, participant.username, "Sam P.")
    token = browser.get(group).csrf()
    form = {"csrf": token, "item": "module:cravings-and-urge-surfing", "participant": "everyone"}
    assert browser.post(f"{group}/assignments", form).status == 303
    # Sam answers one field of its worksheet and leaves it for three days.
    body = json.dumps(
        {
            "version": shipped_version("cravings-and-urge-surfing"),
            "answers": {"urge-in-body": "tight chest"},
        }
    )
    put = client.http.put(
        "/me/worksheets/cravings-and-urge-surfing", headers=participant.headers, body=body
    )
    assert put.status_code == 200
    library_clock.advance(3 * 86400)

    browser = signed_in(client, leader)  # a new session: the first one timed out meanwhile
    page = unescape(browser.get(group).body)
    row = page.split(f'<li id="p-{participant.id}">', 1)[1].split("</li>", 1)[0]
    assert "Worksheet left half done: Cravings and urge surfing" in row
    assert "Mark as seen: Worksheet left half done: Cravings and urge surfing" in row
    # The line above the list says these are the rules checked, not what applies to whom.
    assert (
        "1 participant needs attention. Checked for everyone: nothing completed or saved for 5 days, 2 or more "
        "modules overdue, a knowledge check missed twice, a worksheet left half done."
    ) in page
    grid = unescape(browser.get(f"{group}/progress").body)
    assert 'title="Needs attention: Worksheet left half done: Cravings and urge surfing' in grid


def seen_forms(page: Page) -> dict[tuple[str, str], str]:
    """The "Mark as seen" forms of a group page: (participant id, reason) → fingerprint."""
    return {
        (pid, reason): fingerprint
        for pid, reason, fingerprint in re.findall(
            r'name="participant" value="([^"]+)">\s*<input type="hidden" name="reason" '
            r'value="([^"]+)">\s*<input type="hidden" name="fingerprint" value="([^"]+)">',
            page.body,
        )
    }


def test_a_reason_marked_as_seen_from_the_group_page(
    client, published, leader, participant, other_participant, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    # In the group for three days (not long enough for "no activity"), before the readings
    # fell due two days ago and yesterday.
    today = service.clock.today()
    joined = f"{today - timedelta(days=3)}T15:00:00+00:00"
    enrol(browser, group, participant.username, "Sam P.", joined)
    enrol(browser, group, other_participant.username, "Alex R.", joined)
    token = browser.get(group).csrf()
    for item, due in (
        ("module:thinking-traps", str(today - timedelta(days=2))),
        ("module:cravings-and-urge-surfing", str(today - timedelta(days=1))),
    ):
        browser.post(f"{group}/assignments", {"csrf": token, "item": item, "due_date": due})
    dated_on(group.rsplit("/", 1)[1])  # assigned before the dates passed
    page = browser.get(group)
    forms = seen_forms(page)
    assert set(forms) == {(participant.id, "overdue"), (other_participant.id, "overdue")}
    assert f'id="seen-{participant.id}-overdue"' in page.body
    assert "Mark as seen: 2 overdue" in page.body

    # A situation that changed since the page was read: nothing marked, the page says so and
    # links to the reason's button.
    stale = browser.post(
        f"{group}/attention/seen",
        {"csrf": token, "participant": participant.id, "reason": "overdue", "fingerprint": "x"},
    )
    assert stale.status == 409, stale.body
    assert title(stale).startswith("Error: ")
    assert summary_links(stale) == [
        (f"seen-{participant.id}-overdue", "The situation changed since you looked. Look again.")
    ]
    assert seen_forms(stale) == forms
    # A reason that does not apply now, or an odd one: the same page, linked to the list.
    for reason, status in (("no_activity", 409), ("whatever", 400)):
        refused = browser.post(
            f"{group}/attention/seen",
            {"csrf": token, "participant": participant.id, "reason": reason, "fingerprint": "x"},
        )
        assert refused.status == status, refused.body
        ((href, message),) = summary_links(refused)
        assert href == "participants"
        assert "reason is one of" not in message  # the API's words for its callers, not these
    assert message == "That could not be marked as seen. Reload the page and try again."

    done = browser.post(
        f"{group}/attention/seen",
        {
            "csrf": token,
            "participant": participant.id,
            "reason": "overdue",
            "fingerprint": forms[(participant.id, "overdue")],
        },
    )
    assert (done.status, done.location) == (303, f"{group}?done=seen#participants")
    after = browser.get(done.location)
    assert "Marked as seen." in after.body
    assert set(seen_forms(after)) == {(other_participant.id, "overdue")}
    assert "1 participant needs attention" in after.body
    access = client.http.get("/me/access", headers=participant.headers)
    assert "group.attention.seen" in [e["action"] for e in json.loads(access.body)["entries"]]


def test_the_no_activity_setting_from_the_group_page(client, published, leader):
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.get(group)
    assert field_value(page, "inactive_days") == "5"
    assert "From 1 to 60 days; the default is 5." in page.body
    token = page.csrf()
    for value, message in (
        ("abc", "Enter a whole number of days from 1 to 60."),
        ("0", "Enter a whole number of days from 1 to 60."),
        ("61", "Enter a whole number of days from 1 to 60."),
        ("٣", "Enter a whole number of days from 1 to 60."),
        ("", "Enter the number of days from 1 to 60."),
    ):
        refused = browser.post(
            f"{group}/attention/settings", {"csrf": token, "inactive_days": value}
        )
        assert refused.status == 400, (value, refused.body)
        assert summary_links(refused) == [("inactive_days", message)]
        assert field_value(refused, "inactive_days") == value
        assert 'aria-invalid="true"' in refused.body
    saved = browser.post(f"{group}/attention/settings", {"csrf": token, "inactive_days": " 10 "})
    assert (saved.status, saved.location) == (303, f"{group}?done=attention#settings")
    page = browser.get(saved.location)
    assert field_value(page, "inactive_days") == "10" and "Setting saved." in page.body
    group_id = group.rsplit("/", 1)[1]
    body = json.loads(client.http.get(f"/groups/{group_id}/attention", headers=leader.headers).body)
    assert body["inactive_days"] == 10
