"""A track assignment paced over the group's sessions, and one of its modules left out
(walk 15, problems 6 and 7): the use case, the API, the leader's forms, and what participants,
the grid and reminders then see."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

import pytest

from chalicelib import services
from chalicelib.assignments import Pacing
from chalicelib.errors import BadRequest, NotFound
from chalicelib.identity import Caller
from chalicelib.records.audit import new_entry
from steady_content import tracks as track_files
from tests.conftest import CONTENT, Account, dated_on, joined_on, make_account
from tests.functional.web_client import Page, WebClient, signed_in

TRACK = "early-recovery"
MODULES = [
    "how-addiction-changes-the-brain",
    "cravings-and-urge-surfing",
    "triggers-and-high-risk-situations",
    "halt-hungry-angry-lonely-tired",
    "breathing-and-grounding",
    "sleep-and-recovery",
    "recovery-supports-and-mutual-help",
    "asking-for-help",
]
SLEEP = "sleep-and-recovery"


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


@pytest.fixture
def today(service, library_clock):  # type: ignore[no-untyped-def]
    """Today is Fri 27 Nov 2026 in the program's time zone."""
    library_clock.start_at(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), "America/New_York")
    return "2026-11-27"


def api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


@pytest.fixture
def group(client, with_tracks, leader, participant, today) -> str:  # type: ignore[no-untyped-def]
    status, body = api(client, "POST", "/groups", leader, {"name": "Tuesday evening"})
    assert status == 201
    group_id = body["group_id"]
    status, _ = api(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": participant.username, "display_name": "Rosa M."},
    )
    assert status == 201
    joined_on(group_id, participant.id, "2026-11-01T15:00:00+00:00")
    return group_id


def caller_of(account: Account) -> Caller:
    return Caller(account.id, frozenset({"leaders"}), account.username)


def audit_entries(client, stack) -> list[dict]:  # type: ignore[no-untyped-def]
    admin = make_account(stack, "admin-one", "admins")
    status, page = api(client, "GET", "/admin/audit?limit=50", admin)
    assert status == 200, page
    return page["entries"]


# -- the use case -----------------------------------------------------------------------------


def test_a_track_spread_over_sessions_gives_each_module_its_own_dates(group, leader):
    use_case = services.current().assignments
    assigned = use_case.assign(
        caller_of(leader),
        group,
        track_id=TRACK,
        due_date="2026-11-30",  # the day before the first session: each is due the day before
        session_date="2026-12-01",
        pacing=Pacing(every_days=7, per_session=2),
    )
    dates = [(m.module_id, m.due_date, m.session_date) for m in assigned.assignment.module_dates]
    assert dates == [
        (MODULES[0], "2026-11-30", "2026-12-01"),
        (MODULES[1], "2026-11-30", "2026-12-01"),
        (MODULES[2], "2026-12-07", "2026-12-08"),
        (MODULES[3], "2026-12-07", "2026-12-08"),
        (MODULES[4], "2026-12-14", "2026-12-15"),
        (MODULES[5], "2026-12-14", "2026-12-15"),
        (MODULES[6], "2026-12-21", "2026-12-22"),
        (MODULES[7], "2026-12-21", "2026-12-22"),
    ]
    # Stored, and mirrored in the group's DUE item (reminders read that).
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.module_dates == assigned.assignment.module_dates
    (mirrored,) = services.current().groups.records.due_summaries([group])[group].assignments
    assert mirrored.module_dates == assigned.assignment.module_dates
    assert mirrored.left_out == ()

    # Assigned again with one date for all: its modules' own dates go.
    again = use_case.assign(
        caller_of(leader), group, track_id=TRACK, due_date="2026-12-01", session_date="2026-12-01"
    )
    assert again.already and again.dates_changed and again.assignment.module_dates == ()


def test_one_modules_dates_and_leaving_it_out_are_audit_logged(client, stack, group, leader):
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK, due_date="2026-12-01").assignment
    first_set = track.due_set_at

    changed = use_case.change_module_dates(
        caller, group, track.assignment_id, SLEEP, "2026-12-15", "2026-12-15"
    )
    assert changed.assignment.dates_of(SLEEP) == ("2026-12-15", "2026-12-15")
    assert changed.assignment.dates_of(MODULES[0]) == ("2026-12-01", None)
    assert changed.assignment.due_set_at == first_set  # a date moved keeps when it was set

    out = use_case.leave_out(caller, group, track.assignment_id, SLEEP)
    assert out.left_out == (SLEEP,)
    assert use_case.leave_out(caller, group, track.assignment_id, SLEEP) == out  # no change
    back = use_case.leave_out(caller, group, track.assignment_id, SLEEP, left_out=False)
    assert back.left_out == () and back.dates_of(SLEEP) == ("2026-12-15", "2026-12-15")

    entries = [e for e in audit_entries(client, stack) if e["action"] == "assignment.put"]
    named = [e.get("detail", {}).get("module_id") for e in entries]
    assert named.count(SLEEP) == 3  # the dates, left out, put back (not the repeat)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ({"pacing": Pacing(0, 1), "session_date": "2026-12-01"}, "invalid_interval"),
        ({"pacing": Pacing(29, 1), "session_date": "2026-12-01"}, "invalid_interval"),
        ({"pacing": Pacing(7, 0), "session_date": "2026-12-01"}, "invalid_per_session"),
        ({"pacing": Pacing()}, "first_session_required"),
        # Sessions every 28 days from year 9999 ran off the calendar (a 500).
        ({"pacing": Pacing(28, 1), "session_date": "9999-12-20"}, "invalid_date"),
        (
            {"pacing": Pacing(), "session_date": "2026-12-01", "module_id": "thinking-traps"},
            "invalid_pacing",
        ),
    ],
)
def test_spreading_refuses_what_cannot_be_spread(group, leader, call, code):
    fields = {"track_id": TRACK, **call}
    if "module_id" in fields:
        del fields["track_id"]
    with pytest.raises(BadRequest) as refused:
        services.current().assignments.assign(caller_of(leader), group, **fields)
    assert refused.value.code == code
    assert services.current().groups.records.get(group).assignments == ()  # nothing written


def test_one_module_of_a_track_is_refused_for_what_is_not_one(group, leader):
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK).assignment
    module = use_case.assign(caller, group, module_id="thinking-traps").assignment
    with pytest.raises(BadRequest) as refused:
        use_case.leave_out(caller, group, track.assignment_id, "thinking-traps")
    assert refused.value.code == "module_not_in_track"
    with pytest.raises(BadRequest) as refused:
        use_case.change_module_dates(
            caller, group, module.assignment_id, "thinking-traps", None, None
        )
    assert refused.value.code == "not_a_track"
    with pytest.raises(BadRequest) as refused:
        use_case.change_module_dates(caller, group, track.assignment_id, SLEEP, "2026-13-01", None)
    assert refused.value.code == "invalid_date"
    with pytest.raises(NotFound):
        use_case.leave_out(caller, group, "0" * 32, SLEEP)
    for module_id in MODULES[:-1]:
        use_case.leave_out(caller, group, track.assignment_id, module_id)
    with pytest.raises(BadRequest) as refused:
        use_case.leave_out(caller, group, track.assignment_id, MODULES[-1])
    assert refused.value.code == "last_module"


# -- the API ----------------------------------------------------------------------------------


def test_the_api_spreads_a_track_and_changes_one_module(client, group, leader):
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {"track_id": TRACK, "session_date": "2026-12-01", "spread": True, "every_days": 14},
    )
    assert status == 201, body
    assert body["module_dates"][1] == {
        "module_id": MODULES[1],
        "due_date": "2026-12-15",
        "session_date": "2026-12-15",
    }
    assert body["left_out"] == []
    path = f"/groups/{group}/assignments/{body['assignment_id']}/modules/{SLEEP}"
    status, changed = api(client, "PATCH", path, leader, {"due_date": "2027-01-04"})
    assert status == 200, changed
    own = next(m for m in changed["module_dates"] if m["module_id"] == SLEEP)
    assert own == {"module_id": SLEEP, "due_date": "2027-01-04", "session_date": None}
    status, out = api(client, "PATCH", path, leader, {"left_out": True})
    assert status == 200 and out["left_out"] == [SLEEP]
    status, detail = api(client, "GET", f"/groups/{group}", leader)
    assert detail["assignments"][0]["left_out"] == [SLEEP]


@pytest.mark.parametrize(
    ("path_module", "body", "code"),
    [
        (SLEEP, {}, "nothing_to_change"),
        (SLEEP, {"left_out": None}, "nothing_to_change"),
        ("thinking-traps", {"left_out": True}, "module_not_in_track"),
        (SLEEP, {"due_date": "next week"}, "invalid_date"),
        (SLEEP, {"left_out": "yes"}, "invalid_field"),
    ],
)
def test_the_api_refuses_a_bad_module_change(client, group, leader, path_module, body, code):
    status, made = api(client, "POST", f"/groups/{group}/assignments", leader, {"track_id": TRACK})
    path = f"/groups/{group}/assignments/{made['assignment_id']}/modules/{path_module}"
    status, refused = api(client, "PATCH", path, leader, body)
    assert status == 400 and refused["error"]["code"] == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"track_id": TRACK, "spread": True}, "first_session_required"),
        (
            {"track_id": TRACK, "spread": True, "session_date": "2026-12-01", "every_days": 0},
            "invalid_interval",
        ),
        (
            {"track_id": TRACK, "spread": True, "session_date": "2026-12-01", "every_days": 29},
            "invalid_interval",
        ),
        (
            {"track_id": TRACK, "spread": True, "session_date": "2026-12-01", "per_session": 11},
            "invalid_per_session",
        ),
        ({"track_id": TRACK, "every_days": 7}, "invalid_pacing"),
        (
            {"module_id": "thinking-traps", "spread": True, "session_date": "2026-12-01"},
            "invalid_pacing",
        ),
        ({"track_id": TRACK, "spread": True, "every_days": "7"}, "invalid_field"),
    ],
)
def test_the_api_refuses_a_bad_spread(client, group, leader, body, code):
    status, refused = api(client, "POST", f"/groups/{group}/assignments", leader, body)
    assert status == 400 and refused["error"]["code"] == code, refused


# -- what participants, the grid and reminders see ---------------------------------------------


def test_participants_and_the_grid_follow_a_paced_track_with_a_module_left_out(
    client, group, leader, participant
):
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(
        caller, group, track_id=TRACK, session_date="2026-12-01", pacing=Pacing()
    ).assignment
    use_case.leave_out(caller, group, track.assignment_id, SLEEP)

    status, mine = api(client, "GET", "/me/assignments", participant)
    assert status == 200
    rows = mine["assignments"] if isinstance(mine, dict) else mine
    dues = {r["module_id"]: r["due_date"] for r in rows}
    assert SLEEP not in dues
    assert dues[MODULES[0]] == "2026-12-01" and dues[MODULES[7]] == "2027-01-19"

    home = signed_in(client, participant).get("/")
    assert "Sleep and recovery" not in home.body
    assert "7 of 7" in home.body or "0 of 7" in home.body  # the track's progress line

    status, grid = api(client, "GET", f"/groups/{group}/progress", leader)
    assert status == 200
    columns = [m["module_id"] for m in grid["modules"]]
    assert SLEEP not in columns and len(columns) == 7

    # Assigned separately to Rosa: hers again, with that date.
    use_case.assign(
        caller, group, module_id=SLEEP, participant_id=participant.id, due_date="2026-12-20"
    )
    status, mine = api(client, "GET", "/me/assignments", participant)
    rows = mine["assignments"] if isinstance(mine, dict) else mine
    assert {r["module_id"]: r["due_date"] for r in rows}[SLEEP] == "2026-12-20"


# -- the leader's pages ------------------------------------------------------------------------


def group_page(client, leader, group_id: str) -> tuple[WebClient, str]:  # type: ignore[no-untyped-def]
    return signed_in(client, leader), f"/leader/groups/{group_id}"


def summary_links(page: Page) -> list[tuple[str, str]]:
    block = page.body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(h, unescape(t)) for h, t in re.findall(r'<a href="#([^"]+)">([^<]*)</a>', block)]


def value_of(page: Page, field_id: str) -> str:
    found = re.search(
        rf'<input id="{field_id}" name="{field_id}" type="[a-z]+" value="([^"]*)"', page.body
    )
    assert found, field_id
    return unescape(found.group(1))


def test_the_assign_form_spreads_a_track_and_the_group_page_lists_its_modules(
    client, group, leader, participant
):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    assert 'name="pace" value="sessions"' in page.body  # a radio button, no script
    # Phones show the number pad (the attributes were printed escaped: walk 18, item 11).
    for name in ("every_days", "per_session"):
        assert re.search(
            rf'<input id="{name}" name="{name}"[^>]* inputmode="numeric" size="3">', page.body
        )
    form = {
        "csrf": page.csrf(),
        "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1),
        "item": f"track:{TRACK}",
        "participant": "everyone",
        "session_date": "2026-12-01",
        "pace": "sessions",
        "every_days": "7",
        "per_session": "1",
    }
    done = browser.post(f"{path}/assignments", form)
    assert done.status == 303, done.body
    again = browser.post(f"{path}/assignments", form)  # a double click: done once
    assert again.status == 303 and again.location == done.location
    page = browser.get(path)
    text = unescape(re.sub(r"\s+", " ", page.body))
    assert "one module per session, dates below" in text
    assert "Its 8 modules" in text  # folded: a long track
    assert "Sleep and recovery due Tue 5 Jan 2027 · session Tue 5 Jan 2027" in re.sub(
        r"<[^>]+>", "", text
    ).replace("  ", " ")

    # Rosa's home: each module due on its own date.
    home = unescape(signed_in(client, participant).get("/").body)
    # Due on its session's day: said once ("Read before Tuesday's group, 5 Jan").
    assert "group, 1 Dec" in home and "group, 5 Jan" in home

    # Leave one out (a POST with the token and a one-time key), then put it back.
    (assignment,) = re.findall(r"/assignments/([0-9a-f]{32})/remove\"", page.body)
    leave = f"{path}/assignments/{assignment}/modules/{SLEEP}/leave-out"
    key = re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1)
    left = browser.post(leave, {"csrf": page.csrf(), "key": key, "out": "yes"})
    assert left.status == 303
    page = browser.get(left.location)
    assert (
        "Sleep and recovery is left out of Track: Early recovery, weeks 1–4 for everyone."
        in unescape(page.body)
    )
    assert "Put back" in page.body and "(1 left out)" in page.body
    assert "Sleep and recovery" not in signed_in(client, participant).get("/").body
    key = re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1)
    back = browser.post(leave, {"csrf": page.csrf(), "key": key, "out": "no"})
    page = browser.get(back.location)
    assert "Sleep and recovery is back in Track: Early recovery, weeks 1–4 for everyone." in (
        unescape(page.body)
    )
    # Without the form token: refused, nothing changed.
    assert browser.post(leave, {"out": "yes"}).status == 403
    assert services.current().groups.records.get(group).assignments[0].left_out == ()


def test_one_modules_dates_on_a_page_of_their_own(client, group, leader):
    services.current().assignments.assign(
        caller_of(leader), group, track_id=TRACK, due_date="2026-12-01"
    )
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    (assignment,) = re.findall(r"/assignments/([0-9a-f]{32})/remove\"", page.body)
    dates_path = f"{path}/assignments/{assignment}/modules/{SLEEP}/dates"
    assert dates_path in page.body
    form = browser.get(dates_path)
    assert form.status == 200
    assert "Change dates: Sleep and recovery" in unescape(form.body)
    assert value_of(form, "due_date") == "2026-12-01"

    # A date that is not one: the same form, the error named, the other date kept.
    refused = browser.post(
        dates_path, {"csrf": form.csrf(), "due_date": "31/12/2026", "session_date": "2026-12-22"}
    )
    assert refused.status == 400
    assert summary_links(refused)[0][0] == "due_date"
    assert value_of(refused, "session_date") == "2026-12-22"

    done = browser.post(
        dates_path, {"csrf": form.csrf(), "due_date": "2026-12-22", "session_date": "2026-12-22"}
    )
    assert done.status == 303
    said = unescape(re.sub(r"<[^>]+>", "", browser.get(done.location).body))
    assert "Dates changed for Sleep and recovery in the track “" in said
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.dates_of(SLEEP) == ("2026-12-22", "2026-12-22")
    assert stored.dates_of(MODULES[0]) == ("2026-12-01", None)
    # A module not in the track, or of a module assignment: not found.
    assert (
        browser.get(f"{path}/assignments/{assignment}/modules/thinking-traps/dates").status == 404
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"every_days": "weekly"},
            "every_days",
            "Give the days between sessions as a whole number from 1 to 28.",
        ),
        (
            {"every_days": "30"},
            "every_days",
            "Give the days between sessions as a whole number from 1 to 28.",
        ),
        (
            {"per_session": "0"},
            "per_session",
            "Give the modules per session as a whole number from 1 to 10.",
        ),
        (
            {"session_date": ""},
            "session_date",
            "To give one module per session, give the first group session date.",
        ),
    ],
)
def test_a_refused_spread_comes_back_with_the_input_kept(
    client, group, leader, fields, field, message
):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    form = {
        "csrf": page.csrf(),
        "item": f"track:{TRACK}",
        "participant": "everyone",
        "session_date": "2026-12-01",
        "pace": "sessions",
        "every_days": "7",
        "per_session": "1",
        **fields,
    }
    refused = browser.post(f"{path}/assignments", form)
    assert refused.status == 400
    assert summary_links(refused) == [(field, message)]
    assert f'<option value="track:{TRACK}" selected>' in refused.body
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in refused.body
    for name in ("every_days", "per_session"):
        assert value_of(refused, name) == form[name]
    assert services.current().groups.records.get(group).assignments == ()


def test_a_module_is_not_spread_and_the_dates_page_spreads_a_track_again(client, group, leader):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    # "One module per session" with a module chosen: the server decides by the item (one date).
    done = browser.post(
        f"{path}/assignments",
        {
            "csrf": page.csrf(),
            "item": "module:thinking-traps",
            "participant": "everyone",
            "due_date": "2026-12-01",
            "pace": "sessions",
        },
    )
    assert done.status == 303
    track = (
        services.current()
        .assignments.assign(
            caller_of(leader),
            group,
            track_id=TRACK,
            session_date="2026-12-01",
            pacing=Pacing(14, 2),
        )
        .assignment
    )
    dates = browser.get(f"{path}/assignments/{track.assignment_id}/dates")
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in dates.body
    assert value_of(dates, "every_days") == "14" and value_of(dates, "per_session") == "2"
    # One date for all again.
    done = browser.post(
        f"{path}/assignments/{track.assignment_id}/dates",
        {"csrf": dates.csrf(), "due_date": "2026-12-08", "session_date": "", "pace": "all"},
    )
    assert done.status == 303
    stored = next(
        a for a in services.current().groups.records.get(group).assignments if a.kind == "track"
    )
    assert stored.module_dates == () and stored.due_date == "2026-12-08"
    # A bad interval on the dates page: the same page, the field named.
    refused = browser.post(
        f"{path}/assignments/{track.assignment_id}/dates",
        {"csrf": dates.csrf(), "session_date": "2026-12-01", "pace": "sessions", "every_days": "0"},
    )
    assert refused.status == 400
    assert summary_links(refused)[0][0] == "every_days"
    assert value_of(refused, "every_days") == "0"


def test_leaving_out_the_last_module_is_refused_on_the_group_page(client, group, leader):
    use_case = services.current().assignments
    track = use_case.assign(caller_of(leader), group, track_id=TRACK).assignment
    for module_id in MODULES[:-1]:
        use_case.leave_out(caller_of(leader), group, track.assignment_id, module_id)
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    refused = browser.post(
        f"{path}/assignments/{track.assignment_id}/modules/{MODULES[-1]}/leave-out",
        {"csrf": page.csrf(), "out": "yes"},
    )
    assert refused.status == 400
    anchor = f"am-{track.assignment_id}-{MODULES[-1]}"
    assert summary_links(refused) == [
        (anchor, "That is the track's last module: unassign the track instead.")
    ]
    assert f'id="{anchor}-error"' in refused.body


def test_assigning_a_track_again_paced_says_so(client, group, leader):
    services.current().assignments.assign(caller_of(leader), group, track_id=TRACK)
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    done = browser.post(
        f"{path}/assignments",
        {
            "csrf": page.csrf(),
            "item": f"track:{TRACK}",
            "participant": "everyone",
            "session_date": "2026-12-01",
            "pace": "sessions",
        },
    )
    assert "done=redated" in done.location
    notice = unescape(browser.get(done.location).body)
    assert (
        "The track “Early recovery, weeks 1–4” was already assigned, so its dates changed: one "
        "module per session from Tue 1 Dec 2026, each with its dates below."
    ) in notice


def test_unassigning_a_module_the_track_leaves_out_does_not_say_it_stays(client, group, leader):
    """The confirmation says a module stays on the list from a track only when the track still
    assigns it."""
    use_case = services.current().assignments
    track = use_case.assign(caller_of(leader), group, track_id=TRACK).assignment
    alone = use_case.assign(caller_of(leader), group, module_id=SLEEP).assignment
    browser, path = group_page(client, leader, group)
    confirm = unescape(browser.get(f"{path}/assignments/{alone.assignment_id}/remove").body)
    assert "It stays on their reading list from the track" in confirm
    use_case.leave_out(caller_of(leader), group, track.assignment_id, SLEEP)
    confirm = unescape(browser.get(f"{path}/assignments/{alone.assignment_id}/remove").body)
    assert "It stays on their reading list" not in confirm
    assert "Everyone will no longer see it as assigned reading." in confirm


def test_home_and_the_grid_make_the_same_calls_with_a_paced_track_and_a_module_left_out(
    client, group, leader, participant, aws_calls
):
    """The module dates and the modules left out live on the assignment's item: home and the
    grid read them with the Query they already make (as ``test_aws_calls`` and
    ``test_dashboard_calls`` count them)."""
    use_case = services.current().assignments
    track = use_case.assign(
        caller_of(leader), group, track_id=TRACK, session_date="2026-12-01", pacing=Pacing()
    ).assignment
    use_case.leave_out(caller_of(leader), group, track.assignment_id, SLEEP)
    browser = signed_in(client, participant)
    browser.get("/")
    aws_calls.reset()
    assert browser.get("/").status == 200
    # The session, completions and worksheets, their groups, the one group.
    assert aws_calls.names == [
        "DynamoDB.GetItem",
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.Query",
    ]

    aws_calls.reset()
    status, grid = api(client, "GET", f"/groups/{group}/progress", leader)
    assert status == 200 and len(grid["modules"]) == 7
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert dynamodb.count("DynamoDB.Query") == 1
    assert dynamodb.count("DynamoDB.TransactWriteItems") == 1  # the audit entry
    assert len(dynamodb) <= 6 and not [n for n in dynamodb if n.endswith("Scan")]


def test_needs_attention_and_the_grid_count_each_paced_modules_own_date(
    client, group, leader, participant
):
    """Weekly from Fri 13 Nov (today is Fri 27 Nov): the first two modules are overdue, the
    third, due today, is not; the second, left out, is not assigned (so not overdue)."""
    use_case = services.current().assignments
    track = use_case.assign(
        caller_of(leader), group, track_id=TRACK, session_date="2026-11-13", pacing=Pacing()
    ).assignment
    use_case.leave_out(caller_of(leader), group, track.assignment_id, MODULES[1])
    dated_on(group, "2026-11-01T00:00:00+00:00")  # assigned before the first session

    status, grid = api(client, "GET", f"/groups/{group}/progress", leader)
    assert status == 200
    dues = {m["module_id"]: m["due_date"] for m in grid["modules"]}
    assert dues[MODULES[0]] == "2026-11-13" and dues[MODULES[2]] == "2026-11-27"
    assert MODULES[1] not in dues
    statuses = {
        m["module_id"]: c["status"]
        for m, c in zip(grid["modules"], grid["participants"][0]["cells"], strict=True)
    }
    assert statuses[MODULES[0]] == "overdue" and statuses[MODULES[2]] == "not_started"

    # "Needs attention" asks for two overdue modules: one, with the second left out.
    def overdue() -> list[list[str]]:
        status, attention = api(client, "GET", f"/groups/{group}/attention", leader)
        assert status == 200
        (rosa,) = attention["participants"]
        return [r["module_ids"] for r in rosa["reasons"] if r["reason"] == "overdue"]

    assert overdue() == []
    use_case.leave_out(caller_of(leader), group, track.assignment_id, MODULES[1], left_out=False)
    assert overdue() == [sorted(MODULES[:2])]


def test_two_leaders_leaving_out_two_modules_at_once_both_count(group, leader, monkeypatch):
    """Leader B read the track assignment before leader A's "Leave out" was written: B's write
    fails its condition (the modules left out are no longer as read), B reads again and
    retries, so both modules are left out (the later write does not undo the first)."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK).assignment
    records = use_case.records
    stale = records.get(group)  # what B read
    use_case.leave_out(caller, group, track.assignment_id, MODULES[0])  # A, written first
    real_get = type(records).get
    reads: list[str] = []

    def b_reads(self, group_id):  # type: ignore[no-untyped-def]
        reads.append(group_id)
        return stale if len(reads) == 1 else real_get(self, group_id)

    monkeypatch.setattr(type(records), "get", b_reads)
    out = use_case.leave_out(caller, group, track.assignment_id, SLEEP)
    assert out.left_out == (MODULES[0], SLEEP)
    assert len(reads) == 2  # read again once
    monkeypatch.undo()
    assert records.get(group).assignments[0].left_out == (MODULES[0], SLEEP)
    (mirrored,) = records.due_summaries([group])[group].assignments
    assert mirrored.left_out == (MODULES[0], SLEEP)


def test_the_grids_track_filter_leaves_out_a_module_left_out_of_the_track(
    client, group, leader, participant
):
    """A module left out of the group's track and assigned on its own: a column of the grid,
    but not one of the track's when the grid shows that track alone."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK).assignment
    use_case.leave_out(caller, group, track.assignment_id, SLEEP)
    use_case.assign(caller, group, module_id=SLEEP, due_date="2026-12-20")
    browser = signed_in(client, leader)

    def columns(query: str) -> list[str]:
        """The columns' module titles (a heading's title adds ", due <day>" where it has one)."""
        page = browser.get(f"/leader/groups/{group}/progress{query}")
        assert page.status == 200
        titles = re.findall(r'<th scope="col" class="mod" title="([^"]*)"', page.body)
        return [unescape(t).split(", due ")[0] for t in titles]

    catalog = {m["id"]: m["title"] for m in services.current().library.catalog()}
    every = columns("")
    assert catalog[SLEEP] in every and len(every) == len(MODULES)
    only_track = columns(f"?track={TRACK}")
    assert only_track == [catalog[m] for m in MODULES if m != SLEEP]


# -- paced over the days the group meets on (walk 17, problem 1) -------------------------------

# A Mon/Wed/Thu group, two modules per session, from Mon 30 Nov 2026, each due the day before.
WEEKDAY_SESSIONS = ["2026-11-30", "2026-12-02", "2026-12-03", "2026-12-07"]


def test_the_use_case_paces_a_track_over_meeting_days_and_refuses_a_first_day_off(group, leader):
    use_case = services.current().assignments
    assigned = use_case.assign(
        caller_of(leader),
        group,
        track_id=TRACK,
        due_date="2026-11-29",
        session_date="2026-11-30",
        pacing=Pacing(per_session=2, meets_on=(0, 2, 3)),
    )
    dates = assigned.assignment.module_dates
    assert [d.session_date for d in dates[::2]] == WEEKDAY_SESSIONS
    assert [d.due_date for d in dates[::2]] == [
        "2026-11-29",
        "2026-12-01",
        "2026-12-02",
        "2026-12-06",
    ]
    with pytest.raises(BadRequest) as refused:
        use_case.change_dates(
            caller_of(leader),
            group,
            assigned.assignment.assignment_id,
            None,
            "2026-12-06",  # a Sunday
            pacing=Pacing(meets_on=(0, 2, 3)),
        )
    assert refused.value.code == "first_session_not_meeting_day"
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.module_dates == dates  # nothing written


def test_the_api_paces_a_track_over_meeting_days(client, group, leader):
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {
            "track_id": TRACK,
            "session_date": "2026-11-30",
            "due_date": "2026-11-29",
            "spread": True,
            "meets_on": ["thu", "mon", "wed"],
            "per_session": 2,
        },
    )
    assert status == 201, body
    assert [m["session_date"] for m in body["module_dates"][::2]] == WEEKDAY_SESSIONS
    assert body["module_dates"][7] == {
        "module_id": MODULES[7],
        "due_date": "2026-12-06",
        "session_date": "2026-12-07",
    }


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"meets_on": []}, "invalid_meeting_days"),
        ({"meets_on": ["monday"]}, "invalid_meeting_days"),
        ({"meets_on": ["mon", "mon"]}, "invalid_meeting_days"),
        ({"meets_on": ["mon", 3]}, "invalid_meeting_days"),
        ({"meets_on": "mon"}, "invalid_field"),
        ({"meets_on": ["wed", "thu"]}, "first_session_not_meeting_day"),  # 30 Nov is a Monday
        ({"meets_on": ["mon"], "every_days": 7}, "interval_and_meeting_days"),
        ({"meets_on": ["mon"], "spread": False}, "invalid_pacing"),
        ({"meets_on": ["mon"], "spread": None}, "invalid_pacing"),
    ],
)
def test_the_api_refuses_bad_meeting_days(client, group, leader, extra, code):
    body = {"track_id": TRACK, "session_date": "2026-11-30", "spread": True, **extra}
    status, refused = api(client, "POST", f"/groups/{group}/assignments", leader, body)
    assert status == 400 and refused["error"]["code"] == code, refused
    assert services.current().groups.records.get(group).assignments == ()


def weekday_form(page: Page, **fields: str) -> dict[str, str]:
    return {
        "csrf": page.csrf(),
        "item": f"track:{TRACK}",
        "participant": "everyone",
        "due_date": "2026-11-29",
        "session_date": "2026-11-30",
        "pace": "sessions",
        "every_days": "7",
        "every_days_shown": "7",
        "per_session": "2",
        "meets_mon": "yes",
        "meets_wed": "yes",
        "meets_thu": "yes",
        **fields,
    }


def checked_days(page: Page) -> list[str]:
    return re.findall(r'id="meets_([a-z]{3})" name="meets_[a-z]{3}" value="yes" checked', page.body)


def test_the_assign_form_paces_a_track_over_the_days_the_group_meets_on(
    client, group, leader, participant
):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    text = unescape(page.body)
    assert "Or the group meets on:" in text
    assert 'type="checkbox" id="meets_sun" name="meets_sun" value="yes">' in page.body
    assert checked_days(page) == []  # none ticked: every 7 days, as before
    done = browser.post(f"{path}/assignments", weekday_form(page))
    assert done.status == 303, done.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert [d.session_date for d in stored.module_dates[::2]] == WEEKDAY_SESSIONS
    # Participants are never told of a group on a day without one.
    home = unescape(signed_in(client, participant).get("/").body)
    assert "Sunday" not in home

    # The Change dates page offers the meeting days again, ticked, with 2 per session.
    dates = browser.get(f"{path}/assignments/{stored.assignment_id}/dates")
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in dates.body
    assert checked_days(dates) == ["mon", "wed", "thu"]
    assert value_of(dates, "per_session") == "2" and value_of(dates, "session_date") == "2026-11-30"
    # Saved as shown, from Thu 3 Dec: Thu, Mon, Wed, Thu.
    form = {
        "csrf": dates.csrf(),
        "due_date": "",
        "session_date": "2026-12-03",
        "pace": "sessions",
        "every_days": "7",
        "every_days_shown": "7",
        "per_session": "2",
        "meets_mon": "yes",
        "meets_wed": "yes",
        "meets_thu": "yes",
    }
    saved = browser.post(f"{path}/assignments/{stored.assignment_id}/dates", form)
    assert saved.status == 303, saved.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert [d.session_date for d in stored.module_dates[::2]] == [
        "2026-12-03",
        "2026-12-07",
        "2026-12-09",
        "2026-12-10",
    ]


def test_the_assign_form_ticks_the_days_of_the_groups_latest_paced_track(
    client, group, leader, with_tracks
):
    """Walk 20, leader, problem 10: a Tue/Thu group is not asked its days on every track."""
    browser, path = group_page(client, leader, group)
    fresh = browser.get(path)
    assert checked_days(fresh) == [] and "Ticked:" not in fresh.body
    assigning = services.current().assignments
    assigning.assign(
        caller_of(leader),
        group,
        track_id=TRACK,
        session_date="2026-12-01",
        pacing=Pacing(7, 1, (1, 3)),
    )
    page = browser.get(path)
    assert checked_days(page) == ["tue", "thu"]
    assert "Ticked: Tue and Thu, the days of this group's latest paced track." in unescape(
        page.body
    )
    # A refused Assign keeps what was sent, not the remembered days.
    refused = browser.post(
        f"{path}/assignments",
        {"csrf": page.csrf(), "item": "", "pace": "sessions", "meets_mon": "yes"},
    )
    assert refused.status == 400
    assert checked_days(refused) == ["mon"] and "Ticked:" not in refused.body
    # Another track with one date for all: its Change dates page ticks the group's days too.
    other = next(t.track_id for t in with_tracks if t.track_id != TRACK)
    single = assigning.assign(caller_of(leader), group, track_id=other, due_date="2026-12-04")
    dates = browser.get(f"{path}/assignments/{single.assignment.assignment_id}/dates")
    assert 'id="pace-all" name="pace" value="all" checked' in dates.body
    assert checked_days(dates) == ["tue", "thu"]
    # The latest paced track spread every 14 days: no days ticked.
    assigning.assign(
        caller_of(leader), group, track_id=other, session_date="2026-12-02", pacing=Pacing(14)
    )
    assert checked_days(browser.get(path)) == []


def test_the_dates_page_shows_an_interval_and_ticked_days_win_only_over_it_as_shown(
    client, group, leader
):
    track = (
        services.current()
        .assignments.assign(
            caller_of(leader), group, track_id=TRACK, session_date="2026-11-30", pacing=Pacing(14)
        )
        .assignment
    )
    browser, path = group_page(client, leader, group)
    dates_path = f"{path}/assignments/{track.assignment_id}/dates"
    dates = browser.get(dates_path)
    assert value_of(dates, "every_days") == "14" and checked_days(dates) == []
    assert '<input type="hidden" name="every_days_shown" value="14">' in dates.body
    # 14 left as shown, Tue and Thu ticked: the days win (30 Nov is a Monday, so refused).
    refused = browser.post(
        dates_path,
        {
            "csrf": dates.csrf(),
            "session_date": "2026-11-30",
            "pace": "sessions",
            "every_days": "14",
            "every_days_shown": "14",
            "meets_tue": "yes",
            "meets_thu": "yes",
        },
    )
    assert refused.status == 400
    assert summary_links(refused) == [
        (
            "session_date",
            "The first session is on a Monday; choose it among the meeting days, or tick Monday.",
        )
    ]
    assert checked_days(refused) == ["tue", "thu"]
    assert value_of(refused, "every_days") == "14"
    assert '<input type="hidden" name="every_days_shown" value="14">' in refused.body
    saved = browser.post(
        dates_path,
        {
            "csrf": dates.csrf(),
            "session_date": "2026-12-01",
            "pace": "sessions",
            "every_days": "14",
            "every_days_shown": "14",
            "meets_tue": "yes",
            "meets_thu": "yes",
        },
    )
    assert saved.status == 303, saved.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert [d.session_date for d in stored.module_dates[:3]] == [
        "2026-12-01",
        "2026-12-03",
        "2026-12-08",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"session_date": "2026-12-06"},
            "session_date",
            "The first session is on a Sunday; choose it among the meeting days, or tick Sunday.",
        ),
        (
            {"every_days": "3"},
            "every_days",
            "Choose either the days between sessions or the days the group meets on, not both: "
            "clear the days between sessions, or untick the days.",
        ),
        (
            {"session_date": ""},
            "session_date",
            "To give one module per session, give the first group session date.",
        ),
        (
            {"per_session": "11"},
            "per_session",
            "Give the modules per session as a whole number from 1 to 10.",
        ),
    ],
)
def test_a_refused_weekday_pacing_comes_back_with_the_input_kept(
    client, group, leader, fields, field, message
):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    form = weekday_form(page, **fields)
    refused = browser.post(f"{path}/assignments", form)
    assert refused.status == 400
    assert summary_links(refused) == [(field, message)]
    assert f'id="{field}-error"' in refused.body
    assert f'<option value="track:{TRACK}" selected>' in refused.body
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in refused.body
    assert checked_days(refused) == ["mon", "wed", "thu"]
    for name in ("every_days", "per_session", "due_date", "session_date"):
        assert value_of(refused, name) == form[name]
    assert services.current().groups.records.get(group).assignments == ()


def test_an_emptied_interval_gives_way_to_the_days_ticked(client, group, leader):
    browser, path = group_page(client, leader, group)
    page = browser.get(path)
    done = browser.post(
        f"{path}/assignments",
        weekday_form(page, every_days="", every_days_shown="", per_session="1", meets_wed=""),
    )
    assert done.status == 303, done.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert [d.session_date for d in stored.module_dates[:4]] == [
        "2026-11-30",
        "2026-12-03",
        "2026-12-07",
        "2026-12-10",
    ]


# -- when each module's due date was set (the one due-date rule) ------------------------------


def my_due_dates(client, participant) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    status, body = api(client, "GET", "/me/assignments", participant)
    assert status == 200, body
    return {a["module_id"]: a["due_date"] for a in body["assignments"]}


def change_whole_track_dates(client, leader, group, assignment_id, due_date):  # type: ignore[no-untyped-def]
    """The "Change dates" page of the track, one date for all (no pacing)."""
    browser, path = group_page(client, leader, group)
    dates_path = f"{path}/assignments/{assignment_id}/dates"
    page = browser.get(dates_path)
    done = browser.post(
        dates_path,
        {"csrf": page.csrf(), "due_date": due_date, "session_date": "", "pace": "all"},
    )
    assert done.status == 303, done.body


DAY = 24 * 60 * 60


def test_change_dates_for_a_whole_track_stamps_now_only_the_modules_whose_date_moves(
    client, group, leader, participant, library_clock
):
    """Rosa joined on 1 Nov. The track is due Tue 1 Dec, given on Fri 27 Nov; Sleep has its own
    date (15 Dec), and the first module was moved off 1 Dec and back onto it on Fri 4 Dec,
    after it had passed (so that date counts for no one). On Sat 5 Dec the leader saves the
    track's dates again, keeping 1 Dec, with no pacing: every module takes 1 Dec. Sleep's date
    changed now, to a day already past: it counts for no one (it kept the track's old stamp of
    27 Nov, and so made Rosa overdue). The first module's date did not change: it keeps its
    own stamp (4 Dec: no one's), not the track's. The others, unchanged, stay due 1 Dec."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK, due_date="2026-12-01").assignment
    use_case.change_module_dates(caller, group, track.assignment_id, SLEEP, "2026-12-15", None)
    library_clock.advance(DAY)
    use_case.change_module_dates(caller, group, track.assignment_id, MODULES[0], "2026-12-20", None)
    library_clock.advance(6 * DAY)  # Fri 4 Dec
    use_case.change_module_dates(caller, group, track.assignment_id, MODULES[0], "2026-12-01", None)
    before = my_due_dates(client, participant)
    assert before[SLEEP] == "2026-12-15" and before[MODULES[0]] is None
    assert before[MODULES[1]] == "2026-12-01"

    library_clock.advance(DAY)  # Sat 5 Dec
    change_whole_track_dates(client, leader, group, track.assignment_id, "2026-12-01")
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.module_dates == () and stored.due_date == "2026-12-01"
    after = my_due_dates(client, participant)
    assert after[SLEEP] is None  # moved onto a past date now: no one's
    assert after[MODULES[0]] is None  # unchanged: still no one's
    assert [after[m] for m in MODULES[1:5]] == ["2026-12-01"] * 4  # unchanged: still hers

    # The stamps stay through a change of another module, and saving the same again.
    use_case.change_module_dates(caller, group, track.assignment_id, MODULES[7], None, None)
    change_whole_track_dates(client, leader, group, track.assignment_id, "2026-12-01")
    again = my_due_dates(client, participant)
    assert again[SLEEP] is None and again[MODULES[0]] is None
    assert again[MODULES[1]] == "2026-12-01" and again[MODULES[7]] is None


# -- the pacing kept with the assignment ------------------------------------------------------


def test_the_api_keeps_and_returns_the_pacing_and_dates_without_it_clear_it(client, group, leader):
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {
            "track_id": TRACK,
            "due_date": "2026-11-30",
            "session_date": "2026-12-01",
            "spread": True,
            "meets_on": ["thu", "tue"],
            "per_session": 2,
        },
    )
    assert status == 201, body
    pacing = {"spread": True, "every_days": None, "meets_on": ["tue", "thu"], "per_session": 2}
    assert {k: body[k] for k in pacing} == pacing
    assert (body["due_date"], body["session_date"]) == ("2026-11-30", "2026-12-01")
    status, detail = api(client, "GET", f"/groups/{group}", leader)
    assert {k: detail["assignments"][0][k] for k in pacing} == pacing
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.pacing == Pacing(7, 2, (1, 3))
    # Changing one module keeps how the track was spread.
    path = f"/groups/{group}/assignments/{body['assignment_id']}/modules/{SLEEP}"
    status, changed = api(client, "PATCH", path, leader, {"due_date": "2027-01-04"})
    assert status == 200 and {k: changed[k] for k in pacing} == pacing

    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {"track_id": TRACK, "session_date": "2026-12-01", "spread": True, "every_days": 14},
    )
    assert status == 201, body
    assert {k: body[k] for k in pacing} == {
        "spread": True,
        "every_days": 14,
        "meets_on": None,
        "per_session": 1,
    }
    # Assigned again with one date for all: no pacing kept.
    status, body = api(client, "POST", f"/groups/{group}/assignments", leader, {"track_id": TRACK})
    assert status == 201, body
    assert {k: body[k] for k in pacing} == {
        "spread": False,
        "every_days": None,
        "meets_on": None,
        "per_session": None,
    }
    assert services.current().groups.records.get(group).assignments[0].pacing is None
    # A module assignment has none.
    status, body = api(
        client, "POST", f"/groups/{group}/assignments", leader, {"module_id": "thinking-traps"}
    )
    assert status == 201 and body["spread"] is False and body["every_days"] is None


def test_the_dates_page_shows_the_pacing_kept_and_saving_without_it_clears_it(
    client, group, leader
):
    """Every 14 days, two modules per session, each due the day before its session; then the
    first module's dates changed on their own (so its dates no longer show the pacing). The
    Change dates page offers the pacing as given, with the first session and its due date."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(
        caller,
        group,
        track_id=TRACK,
        due_date="2026-11-30",
        session_date="2026-12-01",
        pacing=Pacing(14, 2),
    ).assignment
    use_case.change_module_dates(
        caller, group, track.assignment_id, MODULES[0], "2026-12-03", "2026-12-04"
    )
    browser, path = group_page(client, leader, group)
    dates_path = f"{path}/assignments/{track.assignment_id}/dates"
    dates = browser.get(dates_path)
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in dates.body
    assert value_of(dates, "every_days") == "14" and value_of(dates, "per_session") == "2"
    assert value_of(dates, "due_date") == "2026-11-30"
    assert value_of(dates, "session_date") == "2026-12-01"
    assert checked_days(dates) == []

    # Saved over the meeting days: kept so (a Tuesday-only group looks weekly by its dates).
    saved = browser.post(
        dates_path,
        {
            "csrf": dates.csrf(),
            "due_date": "",
            "session_date": "2026-12-01",
            "pace": "sessions",
            "every_days": "14",
            "every_days_shown": "14",
            "per_session": "1",
            "meets_tue": "yes",
        },
    )
    assert saved.status == 303, saved.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.pacing == Pacing(7, 1, (1,))
    dates = browser.get(dates_path)
    assert checked_days(dates) == ["tue"] and value_of(dates, "per_session") == "1"
    assert value_of(dates, "due_date") == ""  # none given: each due on its session date

    # One date for all: the pacing goes.
    saved = browser.post(
        dates_path,
        {"csrf": dates.csrf(), "due_date": "2026-12-08", "session_date": "", "pace": "all"},
    )
    assert saved.status == 303, saved.body
    stored = services.current().groups.records.get(group).assignments[0]
    assert stored.pacing is None and stored.module_dates == ()
    dates = browser.get(dates_path)
    assert 'id="pace-all" name="pace" value="all" checked' in dates.body


def test_a_track_paced_before_the_pacing_was_kept_shows_it_as_guessed(client, group, leader):
    use_case = services.current().assignments
    track = use_case.assign(
        caller_of(leader),
        group,
        track_id=TRACK,
        due_date="2026-11-30",
        session_date="2026-12-01",
        pacing=Pacing(per_session=2, meets_on=(1, 3)),
    ).assignment
    # As an item written before: no pacing (straight in the records).
    records = services.current().groups.records
    audit = new_entry(leader.id, ["leaders"], "assignment.put", track.assigned_at, group_id=group)
    records.put_assignment(group, replace(track, pacing=None), audit, replaces=True)
    assert records.get(group).assignments[0].pacing is None
    status, detail = api(client, "GET", f"/groups/{group}", leader)
    assert detail["assignments"][0]["spread"] is False and detail["assignments"][0]["module_dates"]
    browser, path = group_page(client, leader, group)
    dates = browser.get(f"{path}/assignments/{track.assignment_id}/dates")
    assert 'id="pace-sessions" name="pace" value="sessions" checked' in dates.body
    assert checked_days(dates) == ["tue", "thu"] and value_of(dates, "per_session") == "2"
    # The first module's dates, as the guess reads them.
    assert value_of(dates, "due_date") == "2026-11-30"
    assert value_of(dates, "session_date") == "2026-12-01"


def test_a_modules_change_read_before_the_pacing_changed_reads_again(group, leader, monkeypatch):
    """Leader B read the paced track before leader A spread it again with the same dates but
    over meeting days: B's change of one module fails its condition (the pacing is no longer
    as read), B reads again and retries, so A's pacing stays."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(
        caller, group, track_id=TRACK, session_date="2026-12-01", pacing=Pacing()
    ).assignment
    # Saved again as it is: each module's date is then stamped on its own entry.
    use_case.change_dates(caller, group, track.assignment_id, None, "2026-12-01", Pacing())
    records = use_case.records
    stale = records.get(group)  # what B read
    use_case.change_dates(  # A: Tuesdays, the same dates as every 7 days from a Tuesday
        caller, group, track.assignment_id, None, "2026-12-01", Pacing(meets_on=(1,))
    )
    real_get = type(records).get
    reads: list[str] = []

    def b_reads(self, group_id):  # type: ignore[no-untyped-def]
        reads.append(group_id)
        return stale if len(reads) == 1 else real_get(self, group_id)

    monkeypatch.setattr(type(records), "get", b_reads)
    use_case.change_module_dates(caller, group, track.assignment_id, SLEEP, "2027-01-04", None)
    assert len(reads) == 2  # read again once
    monkeypatch.undo()
    stored = records.get(group).assignments[0]
    assert stored.pacing == Pacing(meets_on=(1,)) and stored.dates_of(SLEEP)[0] == "2027-01-04"


def test_a_track_paced_from_a_first_session_already_past_warns_about_those_modules(
    client, group, leader, participant
):
    """Walk 20 (leader), 2: paced from Tue 17 Nov on Fri 27 Nov, the first two sessions have
    passed, so those modules show as no due date for anyone; the form said only "Assigned."
    while the group page listed "due Tue 17 Nov". The API and the page now say so."""
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {"track_id": TRACK, "spread": True, "session_date": "2026-11-17", "every_days": 7},
    )
    assert status == 201 and body["warnings"] == ["sessions_passed"], body
    browser, path = group_page(client, leader, group)
    first = f"{path}?done=assigned&assignment={body['assignment_id']}&warn=sessions_passed"
    assert (
        "The sessions of the first 2 modules have already passed: they will show as no due "
        "date for everyone. Choose a later first session, or change those modules' dates."
    ) in unescape(re.sub(r"<[^>]+>", "", browser.get(first).body))
    page = browser.get(path)
    form = {
        "csrf": page.csrf(),
        "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body).group(1),
        "item": f"track:{TRACK}",
        "participant": participant.id,
        "session_date": "2026-11-24",
        "pace": "sessions",
        "every_days": "7",
        "per_session": "1",
    }
    done = browser.post(f"{path}/assignments", form)
    assert done.status == 303 and "warn=sessions_passed" in done.location
    said = unescape(re.sub(r"<[^>]+>", "", browser.get(done.location).body))
    assert (
        "The session of its first module has already passed: it will show as no due date for "
        "everyone. Choose a later first session, or change that module's dates."
    ) in said
    # From a first session still to come: nothing to say.
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {"track_id": "relapse-prevention", "spread": True, "session_date": "2026-12-01"},
    )
    assert status == 201 and "sessions_passed" not in body["warnings"], body


def module_meta(page: Page, assignment_id: str, module_id: str) -> str:
    """The words under one of a track's modules in the group page's list."""
    found = re.search(
        rf'<li id="am-{assignment_id}-{module_id}">.*?<span class="meta">(.*?)</span></span>',
        page.body,
        re.S,
    )
    assert found is not None, module_id
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_the_group_pages_list_says_which_modules_sessions_had_passed_when_assigned(
    client, group, leader, participant
):
    """Walk 21 (leader): a track paced Tue and Thu from Tue 17 Nov, assigned on Fri 27 Nov.
    The warning says the first 4 modules show as no due date for everyone (as the grid and
    participants' home show them), but the track's list below still said "due Tue 17 Nov
    2026": the leader could not tell which modules needed "Change dates". The list now says
    their dates had passed; a module whose dates are changed to a day still to come shows its
    new due date as any other."""
    status, body = api(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {
            "track_id": TRACK,
            "spread": True,
            "session_date": "2026-11-17",
            "meets_on": ["tue", "thu"],
        },
    )
    assert status == 201 and body["warnings"] == ["sessions_passed"], body
    aid = body["assignment_id"]
    browser, path = group_page(client, leader, group)
    page = browser.get(f"{path}?done=assigned&assignment={aid}&warn=sessions_passed")
    assert "The sessions of the first 4 modules have already passed" in unescape(
        re.sub(r"<[^>]+>", "", page.body)
    )
    passed = ["Tue 17 Nov 2026", "Thu 19 Nov 2026", "Tue 24 Nov 2026", "Thu 26 Nov 2026"]
    for module_id, when in zip(MODULES, passed, strict=False):
        assert module_meta(page, aid, module_id) == (
            f"session {when} had passed when assigned: no due date for anyone"
        )
    assert module_meta(page, aid, MODULES[4]) == "due Tue 1 Dec 2026 · session Tue 1 Dec 2026"
    # Dates changed to a day still to come: its due date, as for any other module.
    services.current().assignments.change_module_dates(
        caller_of(leader), group, aid, MODULES[0], "2026-12-03", "2026-12-03"
    )
    page = browser.get(path)
    assert module_meta(page, aid, MODULES[0]) == "due Thu 3 Dec 2026 · session Thu 3 Dec 2026"
    assert module_meta(page, aid, MODULES[1]).startswith("session Thu 19 Nov 2026 had passed")
    # Changed to another day already past: it applies to no one either, set since assigning.
    services.current().assignments.change_module_dates(
        caller_of(leader), group, aid, MODULES[0], "2026-11-20", None
    )
    page = browser.get(path)
    assert module_meta(page, aid, MODULES[0]) == (
        "due Fri 20 Nov 2026 had passed when set: no due date for anyone"
    )


def reads_stale_first(records, monkeypatch, stale, times: int = 1) -> list[str]:  # type: ignore[no-untyped-def]
    """``records.get`` answers ``stale`` (what a leader read before another's change) the
    first ``times`` reads, then what is stored: the reads made, for the test to count."""
    real_get = type(records).get
    reads: list[str] = []

    def get(self, group_id):  # type: ignore[no-untyped-def]
        reads.append(group_id)
        return stale if len(reads) <= times else real_get(self, group_id)

    monkeypatch.setattr(type(records), "get", get)
    return reads


@pytest.mark.parametrize("again", ["change_dates", "assign"])
def test_a_module_left_out_while_the_whole_track_is_redated_stays_left_out(
    group, leader, monkeypatch, again
):
    """Leader B read the track assignment before co-leader A left a module out; B's "Change
    dates" (or assigning the track again) wrote the modules left out as B had read them, so A's
    acknowledged "leave out" was lost. Now B's write fails its condition, B reads again and
    applies only the new dates: the module stays left out, and the dates are B's."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK, due_date="2030-01-10").assignment
    records = use_case.records
    stale = records.get(group)  # what B read
    use_case.leave_out(caller, group, track.assignment_id, SLEEP)  # A, written first
    reads = reads_stale_first(records, monkeypatch, stale)
    if again == "change_dates":
        use_case.change_dates(caller, group, track.assignment_id, "2030-02-10", None)
    else:
        use_case.assign(caller, group, track_id=TRACK, due_date="2030-02-10")
    monkeypatch.undo()
    (stored,) = records.get(group).assignments
    assert stored.left_out == (SLEEP,) and stored.due_date == "2030-02-10"
    (mirrored,) = records.due_summaries([group])[group].assignments
    assert mirrored.left_out == (SLEEP,) and mirrored.due_date == "2030-02-10"
    assert len(reads) == 2  # read again once


@pytest.mark.parametrize("change", ["leave_out", "change_module_dates"])
def test_a_modules_change_read_before_the_track_was_redated_keeps_the_new_dates(
    group, leader, monkeypatch, change
):
    """Leader B read the track assignment before co-leader A changed its dates (one date for
    all, acknowledged); B's "Leave out" (or one module's dates) wrote the whole item back as
    read, A's due and session dates and their ``due_set_at`` with it, so A's change was lost.
    Now B's write fails its condition (the assignment's own dates are no longer as read), B
    reads again and applies only its own change: A's dates stay, with B's change."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(
        caller, group, track_id=TRACK, due_date="2026-12-01", session_date="2026-12-01"
    ).assignment
    records = use_case.records
    stale = records.get(group)  # what B read
    redated = use_case.change_dates(  # A, written first
        caller, group, track.assignment_id, "2026-12-10", "2026-12-10"
    ).assignment
    assert redated.due_set_at != track.due_set_at
    reads = reads_stale_first(records, monkeypatch, stale)
    if change == "leave_out":
        use_case.leave_out(caller, group, track.assignment_id, MODULES[3])
    else:
        use_case.change_module_dates(
            caller, group, track.assignment_id, MODULES[5], "2026-12-20", "2026-12-20"
        )
    monkeypatch.undo()
    (stored,) = records.get(group).assignments
    (mirrored,) = records.due_summaries([group])[group].assignments
    for kept in (stored, mirrored):
        assert (kept.due_date, kept.session_date) == ("2026-12-10", "2026-12-10")
        assert kept.due_set_at == redated.due_set_at
        if change == "leave_out":
            assert kept.left_out == (MODULES[3],)
        else:
            assert kept.dates_of(MODULES[5]) == ("2026-12-20", "2026-12-20")
            assert kept.dates_of(MODULES[4]) == ("2026-12-10", "2026-12-10")
    assert len(reads) == 2  # read again once


def test_change_dates_that_loses_every_race_is_refused_and_the_form_says_so(
    client, group, leader, monkeypatch
):
    """Three reads, each changed by another leader before the write: nothing is overwritten;
    the API (assigning it again) answers 409 ``busy`` and the Change dates form comes back with the dates typed and
    the reason, never an error page."""
    use_case = services.current().assignments
    caller = caller_of(leader)
    track = use_case.assign(caller, group, track_id=TRACK, due_date="2030-01-10").assignment
    records = use_case.records
    stale = records.get(group)
    use_case.leave_out(caller, group, track.assignment_id, SLEEP)
    reads_stale_first(records, monkeypatch, stale, times=1000)
    again = {"track_id": TRACK, "due_date": "2030-02-10"}  # the API's change of dates
    status, body = api(client, "POST", f"/groups/{group}/assignments", leader, again)
    assert (status, body["error"]["code"]) == (409, "busy"), body
    browser, page_path = group_page(client, leader, group)
    dates_path = f"{page_path}/assignments/{track.assignment_id}/dates"
    form = browser.get(dates_path)
    refused = browser.post(
        dates_path, {"csrf": form.csrf(), "due_date": "2030-02-10", "session_date": ""}
    )
    assert refused.status == 409, refused.body[:500]
    assert "Someone else is changing this assignment right now" in unescape(refused.body)
    assert value_of(refused, "due_date") == "2030-02-10"
    monkeypatch.undo()
    (stored,) = records.get(group).assignments
    assert stored.left_out == (SLEEP,) and stored.due_date == "2030-01-10"
