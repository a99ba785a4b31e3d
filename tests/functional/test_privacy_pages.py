"""Who sees your records, in the browser without JavaScript: a participant lets a group's
leaders see what they did before joining and takes it back (the visibility rule, checked in
the leader's grid), sees who has looked at their records (role and group, never who), and a
refused form comes back with an error summary."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest

from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.records.audit import new_entry
from tests.functional import test_groups
from tests.functional.test_before_session_page import _share as share_worksheet
from tests.functional.test_groups import assign, call, complete, enrol
from tests.functional.test_plan_pages import signed_in
from tests.functional.test_visibility import cell
from tests.functional.web_client import download

group = test_groups.group  # fixtures
today = test_groups.today


def test_share_history_and_who_has_seen_my_records(
    client, group, leader, participant, library_clock
):
    complete(client, participant, "thinking-traps")  # before joining the group
    library_clock.advance(86400)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps")
    assert cell(client, group, leader, "thinking-traps") == "not_started"

    browser = signed_in(client, participant)
    page = browser.get("/account/privacy")
    assert page.status == 200 and "<title>Who sees your records – Steady</title>" in page.body
    assert "Its leaders see only what you did since you joined." in page.body
    assert "A group leader" in page.body  # the grid read above, by role only
    assert leader.username not in page.body

    allowed = browser.post(
        "/account/privacy/share", {"csrf": page.csrf(), "group_id": group, "share": "1"}
    )
    assert (allowed.status, allowed.location) == (303, "/account/privacy?changed=1")
    assert cell(client, group, leader, "thinking-traps") == "completed"
    page = browser.get("/account/privacy?changed=1")
    assert "Your choice is saved." in page.body and "Stop showing what I did before" in page.body
    status, mine = call(client, "GET", "/me/groups", participant)
    assert status == 200 and mine["groups"][0]["shares_history"] is True

    taken_back = browser.post(
        "/account/privacy/share", {"csrf": page.csrf(), "group_id": group, "share": "0"}
    )
    assert taken_back.status == 303
    assert cell(client, group, leader, "thinking-traps") == "not_started"


def test_a_refused_choice_comes_back_with_an_error_summary(client, group, leader, participant):
    enrol(client, group, leader, participant)
    browser = signed_in(client, participant)
    token = browser.get("/account/privacy").csrf()
    refused = browser.post(
        "/account/privacy/share", {"csrf": token, "group_id": group, "share": "x"}
    )
    assert refused.status == 400 and "error-summary" in refused.body
    assert 'href="#groups"' in refused.body
    other = browser.post(
        "/account/privacy/share", {"csrf": token, "group_id": "g" * 32, "share": "1"}
    )
    assert other.status == 404 and "You are not in that group any more." in other.body
    spanish = signed_in(client, participant, language="es").get("/account/privacy")
    assert "Quién ve sus registros" in spanish.body


def seen_lines(body: str) -> list[tuple[str, str, str]]:
    """The "who has seen your records" table: (when, who, what) per line."""
    cell = r"<td[^>]*>([^<]*)</td>"
    lines = re.findall(rf"<tr>{cell}{cell}{cell}", body)
    return [(html.unescape(a), html.unescape(b), html.unescape(c)) for a, b, c in lines]


def test_alike_reads_in_a_row_are_one_line_that_says_what_and_how_many_times(
    client, group, leader, participant
):
    enrol(client, group, leader, participant)
    for _ in range(3):  # a leader moving between the group's pages, within a minute
        assert call(client, "GET", f"/groups/{group}", leader)[0] == 200
    assert call(client, "GET", f"/groups/{group}/progress.csv", leader)[0] == 200

    rows = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert rows[0][1:] == ("A group leader", "Your records, downloaded")
    # the group's details: names and when each joined, not progress
    assert rows[1][1:] == ("A group leader", "Your name on the group's list")
    # 'today' starts at 10:00 am in New York, one second a reading: one minute, said once
    assert rows[1][0] == "Fri 20 Nov 2026, 10:00 am (3 times)"
    assert [r for r in rows if r[2] == "Your name on the group's list"] == [rows[1]]

    spanish = seen_lines(signed_in(client, participant, language="es").get("/account/privacy").body)
    assert spanish[1] == (
        "vie 20 nov 2026, 10:00 (3 veces)",
        "Un líder de grupo",
        "Su nombre en la lista del grupo",
    )


def test_who_has_seen_my_records_says_the_time_in_my_own_time_zone(
    client, group, leader, participant, service
):
    """ "Your time zone" on Account: 10:00 am in New York, where the program runs, is 7:00 am
    in Los Angeles."""
    service.reminders.update(
        Caller(participant.id, frozenset({PARTICIPANTS})), {"timezone": "America/Los_Angeles"}
    )
    enrol(client, group, leader, participant)
    assert call(client, "GET", f"/groups/{group}/progress", leader)[0] == 200
    rows = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert rows[0][0].startswith("Fri 20 Nov 2026, 7:00 am"), rows
    spanish = seen_lines(signed_in(client, participant, language="es").get("/account/privacy").body)
    assert spanish[0][0].startswith("vie 20 nov 2026, 07:00"), spanish


def test_alike_reads_over_minutes_say_from_when_to_when(
    client, group, leader, participant, library_clock
):
    enrol(client, group, leader, participant)
    for _ in range(3):
        assert call(client, "GET", f"/groups/{group}/progress", leader)[0] == 200
        library_clock.advance(120)

    rows = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert rows[0] == (
        "Fri 20 Nov 2026, 10:00 am to 10:04 am (3 times)",
        "A group leader",
        "Your progress",
    )
    spanish = seen_lines(signed_in(client, participant, language="es").get("/account/privacy").body)
    assert spanish[0][0] == "vie 20 nov 2026, de 10:00 a 10:04 (3 veces)"


def test_the_group_page_is_the_list_and_shared_answers_and_downloads_stand_apart(
    client, group, leader, participant, library_clock
):
    enrol(client, group, leader, participant)
    web = signed_in(client, leader)
    for _ in range(4):  # the group page: the list of participants and who needs attention
        assert web.get(f"/leader/groups/{group}").status == 200
        library_clock.advance(30)
    sheet = "/before-session?module=cravings-and-urge-surfing"
    assert web.get(f"/leader/groups/{group}{sheet}").status == 200
    assert download(web, f"/leader/groups/{group}/progress.csv").status == 200
    assert web.get(f"/leader/groups/{group}/progress").status == 200  # the grid
    assert web.get(f"/leader/groups/{group}").status == 200

    rows = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert [r[2] for r in rows] == [
        "Your name on the group's list, and your progress",  # the grid, then the group page
        "Your records, downloaded",
        "Whether you did the worksheet",  # nothing shared: no answers were on the page
        "Your name on the group's list, and your progress",
        "Added you to the group",
    ]
    # Views, not entries: one view of the group page writes two (the list, the flags).
    assert rows[0][0] == "Fri 20 Nov 2026, 10:02 am (2 times)"  # the grid, the group page
    assert rows[3][0] == "Fri 20 Nov 2026, 10:00 am to 10:01 am (4 times)"
    spanish = seen_lines(signed_in(client, participant, language="es").get("/account/privacy").body)
    assert [r[2] for r in spanish][:2] == [
        "Su nombre en la lista del grupo, y su progreso",
        "Sus registros, descargados",
    ]


def test_before_the_session_is_logged_as_shared_answers_only_for_whom_shared_them(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant, name="Ana M.")
    share_worksheet(
        client, participant, {"urge-helpers": ["Walk the dog"]}
    )  # the other shares nothing
    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group}/before-session?module=cravings-and-urge-surfing")
    assert page.status == 200 and "Walk the dog" in page.body

    mine = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert mine[0][1:] == ("A group leader", "Worksheet answers you shared")
    other = seen_lines(signed_in(client, other_participant).get("/account/privacy").body)
    assert other[0][1:] == ("A group leader", "Whether you did the worksheet")
    assert "Worksheet answers you shared" not in [r[2] for r in other]
    spanish = signed_in(client, other_participant, language="es").get("/account/privacy")
    assert seen_lines(spanish.body)[0][2] == "Si hizo la hoja de trabajo"


def test_the_rule_says_what_leaders_see_not_everything_written(client, group, leader, participant):
    enrol(client, group, leader, participant)
    english = html.unescape(signed_in(client, participant).get("/account/privacy").body)
    assert "read and wrote" not in english
    assert "your knowledge check scores" in english and "the answers you chose to share" in english
    spanish = signed_in(client, participant, language="es").get("/account/privacy").body
    spanish = html.unescape(spanish)
    assert "leyó y escribió" not in spanish
    assert "las respuestas que eligió compartir" in spanish


def test_a_confirmation_page_is_logged_only_for_whom_it_shows(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant, name="Ana M.")
    web = signed_in(client, leader)
    gp = f"/leader/groups/{group}"
    assert web.get(f"{gp}/archive").status == 200  # the group's name only
    assert web.get(f"{gp}/leaders/{leader.id}/remove").status in (200, 409)  # leaders only
    assert web.get(f"{gp}/participants/{participant.id}/remove").status == 200
    assert web.get(f"{gp}/participants/{participant.id}/temporary-password").status == 200

    mine = seen_lines(signed_in(client, participant).get("/account/privacy").body)
    assert mine[0][1:] == ("A group leader", "Your name on the group's list")
    assert mine[0][0].endswith("(2 times)")
    other = seen_lines(signed_in(client, other_participant).get("/account/privacy").body)
    assert "Your name on the group's list" not in [r[2] for r in other]


def _reads(service, leader, participant, group, actions: list[str]) -> None:
    """A leader's reads, straight into the audit trail, one second apart, oldest first."""
    for action in actions:
        service.access_log.audit.record(
            new_entry(
                leader.id,
                ["leaders"],
                action,
                service.clock.iso(),
                group_id=group,
                participant_ids=[participant.id],
            )
        )


@pytest.fixture
def dynamodb_requests(service) -> Iterator[list[dict]]:
    """Every DynamoDB call made while the test runs: its name and its request."""
    from chalicelib import aws as aws_clients

    seen: list[dict] = []

    def keep(model, params, **_) -> None:  # type: ignore[no-untyped-def]
        seen.append({"name": model.name, **json.loads(params["body"])})

    dynamodb = aws_clients.client("dynamodb", service.settings.region)
    dynamodb.meta.events.register("before-call.dynamodb.*", keep)
    yield seen
    dynamodb.meta.events.unregister("before-call.dynamodb.*", keep)


LOOK = ["group.read", "group.attention.read"]  # one view of the group page


def test_the_first_page_folds_many_reads_and_shows_downloads_and_shared_answers(
    client, group, leader, participant, service, dynamodb_requests
):
    enrol(client, group, leader, participant)
    _reads(service, leader, participant, group, LOOK * 30)
    _reads(service, leader, participant, group, ["worksheets.before_session"])
    _reads(service, leader, participant, group, LOOK * 30)
    _reads(service, leader, participant, group, ["group.progress.export"])
    _reads(service, leader, participant, group, LOOK * 30)
    browser = signed_in(client, participant)
    dynamodb_requests.clear()
    page = browser.get("/account/privacy")
    calls = list(dynamodb_requests)

    assert [r[2] for r in seen_lines(page.body)] == [
        "Your name on the group's list, and your progress",
        "Your records, downloaded",
        "Your name on the group's list, and your progress",
        "Worksheet answers you shared",
        "Your name on the group's list, and your progress",
        "Added you to the group",
    ]
    assert seen_lines(page.body)[0][0].endswith("(30 times)")  # 30 views of the group page
    assert "Older" not in page.body
    names = [c["name"] for c in calls]
    assert "Scan" not in names
    access = [c for c in calls if "ACCESS#" in str(c.get("ExpressionAttributeValues"))]
    assert [c["Limit"] for c in access] == [200]  # one Query of the records' copies


def test_a_run_of_reads_is_not_split_across_pages(client, group, leader, participant, service):
    enrol(client, group, leader, participant)
    _reads(service, leader, participant, group, ["group.progress.read"] * 150)
    _reads(service, leader, participant, group, ["group.progress.export"])
    _reads(service, leader, participant, group, ["group.progress.read"] * 100)
    browser = signed_in(client, participant)

    first = browser.get("/account/privacy")
    assert [r[2] for r in seen_lines(first.body)] == ["Your progress", "Your records, downloaded"]
    older = re.search(r'href="(/account/privacy\?page=[^"]+)"', first.body)
    assert older is not None
    second = browser.get(html.unescape(older.group(1)))
    rows = seen_lines(second.body)
    assert [r[2] for r in rows] == ["Your progress", "Added you to the group"]
    assert rows[0][0].endswith("(150 times)")
    assert "Older" not in second.body


def test_a_change_says_what_happened_in_both_languages(client, group, leader, participant):
    enrol(client, group, leader, participant)
    browser = signed_in(client, participant)
    page = browser.get("/account/privacy")
    for share in ("1", "0"):
        browser.post(
            "/account/privacy/share", {"csrf": page.csrf(), "group_id": group, "share": share}
        )

    rows = seen_lines(browser.get("/account/privacy").body)
    assert [r[1:] for r in rows] == [
        ("You", "Stopped showing the group's leaders what you did before"),
        ("You", "Let the group's leaders see what you did before"),
        ("A group leader", "Added you to the group"),
    ]
    spanish = seen_lines(signed_in(client, participant, language="es").get("/account/privacy").body)
    assert [r[1:] for r in spanish] == [
        ("Usted", "Dejó de mostrar a los líderes del grupo lo que hizo antes"),
        ("Usted", "Dejó que los líderes del grupo vean lo que hizo antes"),
        ("Un líder de grupo", "Le añadió al grupo"),
    ]


def test_an_admins_look_at_their_entries_is_on_the_privacy_page(
    client, group, leader, participant, stack
):
    """README: a look at one participant's audit entries is itself an entry, which their
    privacy page names by role only."""
    from tests.conftest import make_account

    enrol(client, group, leader, participant)
    admin = make_account(stack, "admin-one", "admins")
    status, _ = call(client, "GET", f"/admin/audit?participant={participant.username}", admin)
    assert status == 200
    body = signed_in(client, participant).get("/account/privacy").body
    assert "Looked at who has seen your records" in body
    assert "An administrator" in body and admin.id not in body
