"""The progress grid's worksheet marks: per cell, whether the worksheet was done and whether it
was shared, in the JSON grid, its CSV and the web grid. The visibility rule applies (only answers
written since joining the group, unless the participant shares their history with it), the
words of an answer never appear, and the grid makes no more DynamoDB calls than before."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from tests.conftest import shipped_version
from tests.functional import test_groups
from tests.functional.test_groups import assign, call, complete, enrol
from tests.functional.web_client import signed_in

group = test_groups.group  # fixtures
today = test_groups.today

MODULE = "cravings-and-urge-surfing"  # a worksheet of 4 fields
NO_SHEET = "thinking-traps"  # no worksheet
HELPERS = ["Call my sister Ana before the store", "Ten slow breaths at the window"]
BODY = "Tight chest and restless hands"
ALL_FIELDS = {"urge-start": 7, "urge-end": 3, "urge-in-body": BODY, "urge-helpers": HELPERS}
HALT = "halt-hungry-angry-lonely-tired"  # a worksheet of 3 fields
HALT_FIELDS = {"halt-most": 2, "halt-fixes": ["A walk after work"], "halt-signs": ["Skip meals"]}


def save(client, account, answers, module_id=MODULE):  # type: ignore[no-untyped-def]
    status, body = call(
        client,
        "PUT",
        f"/me/worksheets/{module_id}",
        account,
        {"version": shipped_version(module_id), "answers": answers},
    )
    assert status == 200, body


def share(client, account, shared: bool = True) -> None:  # type: ignore[no-untyped-def]
    status, _ = call(client, "PUT", f"/me/worksheets/{MODULE}/sharing", account, {"shared": shared})
    assert status == 200


def cells(client, group_id, leader) -> dict:  # type: ignore[no-untyped-def]
    """(display name, module id) -> cell of the JSON grid, with the raw text to search."""
    status, grid = call(client, "GET", f"/groups/{group_id}/progress", leader)
    assert status == 200, grid
    columns = [m["module_id"] for m in grid["modules"]]
    found = {
        (row["display_name"], columns[i]): cell
        for row in grid["participants"]
        for i, cell in enumerate(row["cells"])
    }
    found["raw"] = json.dumps(grid)
    return found


def csv_text(client, group_id, leader) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/progress.csv", leader)
    assert status == 200
    return body.decode("utf-8-sig") if isinstance(body, bytes) else str(body)


def long_csv_text(client, group_id, leader) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/progress.csv?form=long", leader)
    assert status == 200
    return body.decode("utf-8-sig") if isinstance(body, bytes) else str(body)


def mark(done: bool, answered: int, shared: bool) -> dict:
    return {
        "done": done,
        "started": answered > 0,
        "answered": answered,
        "fields": 4,
        "shared": shared,
    }


def test_the_grid_says_done_and_shared_under_the_visibility_rule(
    client, group, leader, participant, other_participant, library_clock
):
    # Ana wrote one answer before joining this group.
    save(client, participant, {"urge-helpers": HELPERS})
    library_clock.advance(60)
    enrol(client, group, leader, participant, name="Ana")
    enrol(client, group, leader, other_participant, name="Ben")
    assign(client, group, leader, module_id=MODULE)
    assign(client, group, leader, module_id=NO_SHEET)
    library_clock.advance(60)

    grid = cells(client, group, leader)
    assert grid[("Ana", MODULE)]["worksheet"] == mark(False, 0, False)  # before joining: not seen
    assert grid[("Ben", MODULE)]["worksheet"] == mark(False, 0, False)
    assert "worksheet" not in grid[("Ana", NO_SHEET)]  # a module without a worksheet

    # Sharing what was written before joining still shows nothing (and never the words).
    share(client, participant)
    grid = cells(client, group, leader)
    assert grid[("Ana", MODULE)]["worksheet"] == mark(False, 0, False)
    # Ben fills in every field, and keeps it private: done, not shared, no words.
    save(client, other_participant, ALL_FIELDS)
    grid = cells(client, group, leader)
    assert grid[("Ben", MODULE)]["worksheet"] == mark(True, 4, False)
    assert grid[("Ben", MODULE)]["status"] == "not_started"  # saving never completes
    for words in (HELPERS[0], BODY):
        assert words not in grid["raw"]
        assert words not in csv_text(client, group, leader)

    # Ben shares it: done and shared.
    share(client, other_participant)
    assert cells(client, group, leader)[("Ben", MODULE)]["worksheet"] == mark(True, 4, True)

    # Ana shares her history with the group: her earlier answer counts now (started, shared).
    status, _ = call(
        client, "PUT", f"/me/groups/{group}/share-history", participant, {"share": True}
    )
    assert status == 200
    grid = cells(client, group, leader)
    assert grid[("Ana", MODULE)]["worksheet"] == mark(False, 1, True)
    assert HELPERS[0] not in grid["raw"]  # the grid never carries the words, shared or not

    rows = {line.split(",")[0]: line for line in csv_text(client, group, leader).splitlines()}
    assert "worksheet started (1 of 4), shared" in rows["Ana"]
    assert "worksheet done, shared" in rows["Ben"]
    assert HELPERS[0] not in "".join(rows.values())

    # Ben takes the sharing back: done, not shared.
    share(client, other_participant, False)
    assert cells(client, group, leader)[("Ben", MODULE)]["worksheet"] == mark(True, 4, False)


def test_the_web_grid_marks_worksheets_with_icons_and_words(
    client, group, leader, participant, other_participant, library_clock
):
    enrol(client, group, leader, participant, name="Ana")
    enrol(client, group, leader, other_participant, name="Ben")
    assign(client, group, leader, module_id=MODULE)
    assign(client, group, leader, module_id=NO_SHEET)
    library_clock.advance(60)
    save(client, participant, ALL_FIELDS)
    share(client, participant)
    save(client, other_participant, {"urge-in-body": BODY})

    page = signed_in(client, leader).get(f"/leader/groups/{group}/progress")
    assert page.status == 200
    rows = {
        unescape(re.search(r'scope="row" class="name"><bdi>([^<]+)', row).group(1)): row
        for row in page.body.split("<tr>")[2:]
    }
    ana, ben = rows["Ana"], rows["Ben"]
    # An icon hidden from screen readers, and the same in words for them.
    assert '<b class="w" aria-hidden="true">✎</b><span class="vh">, worksheet done, shared' in ana
    # The shared one's mark links to the answers, at Ana's card on "Before the session".
    link = re.search(r'<a class="w" href="([^"]+)" title="Read the shared answers">', ana)
    assert link is not None and "✉" in ana.split(link.group(0), 1)[1].split("</a>", 1)[0]
    path, anchor = unescape(link.group(1)).split("#")
    assert path == f"/leader/groups/{group}/before-session?module={MODULE}"
    assert anchor == f"p-{participant.id}"
    card = signed_in(client, leader).get(path).body.split(f'<li class="card" id="{anchor}">')[1]
    assert card.split("</li>")[0].count("<dt>") == 4  # Ana's shared answers
    assert '<a class="w"' not in ben  # nothing shared: no link
    assert (
        '<b class="w" aria-hidden="true">◐</b><span class="vh">, worksheet started (1 of 4)' in ben
    )
    # Only the module with a worksheet says anything about one.
    assert ana.count("worksheet") == ben.count("worksheet") == 1
    key = page.body.split('class="legend"', 1)[1].split("</ul>", 1)[0]
    assert "Worksheet done: 1" in key and "Worksheet started: 1" in key
    assert "Worksheet shared with you: 1" in key
    for words in (HELPERS[0], BODY):
        assert words not in page.body


def test_no_worksheet_assigned_no_key(client, group, leader, participant):
    enrol(client, group, leader, participant, name="Ana")
    assign(client, group, leader, module_id=NO_SHEET)
    page = signed_in(client, leader).get(f"/leader/groups/{group}/progress")
    assert page.status == 200 and "Worksheet done" not in page.body
    assert "worksheet" not in json.dumps(cells(client, group, leader)[("Ana", NO_SHEET)])


@pytest.fixture
def halt(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    modules = [m for m in shipped_modules if m.module_id == HALT and m.locale == "en"]
    assert len(modules) == 1 and publisher.publish(modules).ok


def test_one_meaning_of_done_on_the_grid_and_before_the_session(
    client, halt, group, leader, participant, other_participant, library_clock
):
    """One field of three is "started" on both the grid and "Before the session" (which once
    called any answer done); all three is "done" on both."""
    enrol(client, group, leader, participant, name="Ana")
    enrol(client, group, leader, other_participant, name="Ben")
    assign(client, group, leader, module_id=HALT)
    library_clock.advance(60)
    save(client, participant, {"halt-fixes": HALT_FIELDS["halt-fixes"]}, HALT)
    save(client, other_participant, HALT_FIELDS, HALT)

    grid = cells(client, group, leader)
    assert {name: grid[(name, HALT)]["worksheet"] for name in ("Ana", "Ben")} == {
        "Ana": {"done": False, "started": True, "answered": 1, "fields": 3, "shared": False},
        "Ben": {"done": True, "started": True, "answered": 3, "fields": 3, "shared": False},
    }
    status, before = call(client, "GET", f"/groups/{group}/worksheets/{HALT}", leader)
    assert status == 200
    rows = {
        r["display_name"]: (r["done"], r["started"], r["answered"], r["fields"])
        for r in before["participants"]
    }
    assert rows == {"Ana": (False, True, 1, 3), "Ben": (True, True, 3, 3)}

    page = signed_in(client, leader).get(f"/leader/groups/{group}/before-session?module={HALT}")
    assert page.status == 200
    body = unescape(page.body)
    assert "1 of 2 did the worksheet, 1 started it; 0 shared it." in body
    cards = {
        unescape(re.search(r"<h3><bdi>([^<]+)</bdi></h3>", card).group(1)): card
        for card in re.split(r'<li class="card" id="p-[^"]+">', body)[1:]
    }
    assert "Worksheet started (1 of 3 answered)" in cards["Ana"]
    assert "Worksheet done" not in cards["Ana"]
    assert "Worksheet done" in cards["Ben"] and "started" not in cards["Ben"]
    assert list(cards) == ["Ben", "Ana"]  # done first, then started


def test_enrolled_again_their_worksheet_from_an_earlier_time_counts_as_their_completion_does(
    client, group, leader, participant, library_clock
):
    """Someone removed and enrolled again in the same group is seen there for their earlier
    times in it too (README): the worksheet answers written then count on the grid, its CSV
    and "Before the session" like the completion made then; what they wrote while out of the
    group does not."""
    enrol(client, group, leader, participant, name="Ana")
    assign(client, group, leader, module_id=MODULE)
    library_clock.advance(60)
    save(client, participant, {k: ALL_FIELDS[k] for k in ("urge-start", "urge-end")})
    share(client, participant)
    complete(client, participant, MODULE, shipped_version(MODULE))
    library_clock.advance(60)
    assert cells(client, group, leader)[("Ana", MODULE)]["worksheet"] == mark(False, 2, True)
    status, _ = call(client, "DELETE", f"/groups/{group}/participants/{participant.id}", leader)
    assert status == 204
    library_clock.advance(3600)
    save(client, participant, ALL_FIELDS)  # while out of the group: not its to see
    library_clock.advance(3600)
    enrol(client, group, leader, participant, name="Ana")
    library_clock.advance(60)

    grid = cells(client, group, leader)
    assert grid[("Ana", MODULE)]["status"] == "completed"
    assert grid[("Ana", MODULE)]["worksheet"] == mark(False, 2, True)
    assert BODY not in grid["raw"]
    rows = list(csv.DictReader(io.StringIO(long_csv_text(client, group, leader))))
    assert [(r["Status"], r["Worksheet"], r["Worksheet shared"]) for r in rows] == [
        ("Done", "started", "yes")
    ]
    status, before = call(client, "GET", f"/groups/{group}/worksheets/{MODULE}", leader)
    assert status == 200
    (ana,) = before["participants"]
    assert (ana["done"], ana["started"], ana["answered"]) == (False, True, 2)
    assert [a["field_id"] for a in ana["answers"]] == ["urge-start", "urge-end"]
