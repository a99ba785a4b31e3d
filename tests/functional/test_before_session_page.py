"""The leaders' "Before the session" page: linked from the group page per assigned module that
has a worksheet, a picker of only those modules, an audit-logged read, 15 participants in at
most 3 DynamoDB calls, and a module that cannot be shown brings the picker back with an error
summary (never a 5xx, never a dead end)."""

from __future__ import annotations

import json
import re
from html import unescape

from chalicelib.records.audit import new_entry
from chalicelib.records.worksheets import Answer
from tests.conftest import shipped_version
from tests.functional.web_client import save_worksheet, signed_in

MODULE = "cravings-and-urge-surfing"  # has a worksheet
OTHER_SHEET = "breathing-and-grounding"  # has a worksheet
NO_SHEET = "thinking-traps"  # has none
BUDGET = 3


def _api(client, leader, method: str, path: str, body: dict):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=leader.headers, body=json.dumps(body)
    )
    assert response.status_code in (200, 201), response.body
    return json.loads(response.body)


def _group(client, leader, *modules: str) -> str:  # type: ignore[no-untyped-def]
    group_id = _api(client, leader, "POST", "/groups", {"name": "Wednesday group"})["group_id"]
    for module_id in modules:
        _api(client, leader, "POST", f"/groups/{group_id}/assignments", {"module_id": module_id})
    return str(group_id)


def _enrol(client, leader, group_id: str, participant, name: str) -> None:  # type: ignore[no-untyped-def]
    body = {"username": participant.username, "display_name": name}
    _api(client, leader, "POST", f"/groups/{group_id}/participants", body)


def _share(client, participant, answers: dict) -> None:  # type: ignore[no-untyped-def]
    """Through the API: ``participant`` saves ``answers`` to the module's worksheet and shares
    it."""
    headers = participant.headers
    body = json.dumps({"version": shipped_version(MODULE), "answers": answers})
    assert (
        client.http.put(f"/me/worksheets/{MODULE}", headers=headers, body=body).status_code == 200
    )
    sharing = json.dumps({"shared": True})
    client.http.put(f"/me/worksheets/{MODULE}/sharing", headers=headers, body=sharing)


def _options(body: str) -> list[str]:
    select = body.split('<select id="module"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_group_page_links_each_assigned_module_with_a_worksheet(client, published, leader):
    group_id = _group(client, leader, MODULE, NO_SHEET, OTHER_SHEET)
    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group_id}")
    assert page.status == 200
    links = re.findall(r'href="(/leader/groups/[0-9a-f]+/before-session\?module=[^"]+)"', page.body)
    assert sorted(links) == sorted(
        f"/leader/groups/{group_id}/before-session?module={m}" for m in (MODULE, OTHER_SHEET)
    )
    # The picker offers the same modules, and not the one without a worksheet.
    picker = web.get(f"/leader/groups/{group_id}/before-session")
    assert picker.status == 200
    assert sorted(_options(picker.body)) == sorted(["", MODULE, OTHER_SHEET])
    chosen = web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
    assert chosen.status == 200
    assert f'<option value="{MODULE}" selected>' in chosen.body


def test_no_module_with_a_worksheet_says_so(client, published, leader):
    group_id = _group(client, leader, NO_SHEET)
    web = signed_in(client, leader)
    assert "before-session" not in web.get(f"/leader/groups/{group_id}").body
    page = web.get(f"/leader/groups/{group_id}/before-session")
    assert page.status == 200 and '<select id="module"' not in page.body
    assert "No module assigned to this group has a worksheet yet." in unescape(page.body)


def test_a_module_not_assigned_now_is_shown_with_a_word_saying_so(client, published, leader):
    """Walk 13: an address kept from before a module was unassigned (or typed) still shows that
    module's worksheet marks; the page said "No module assigned … yet" above them."""
    group_id = _group(client, leader, NO_SHEET)
    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
    body = unescape(page.body)
    assert page.status == 200 and 'id="not-assigned"' in body
    assert "This module is not assigned to this group at the moment." in body
    assert "has a worksheet yet" not in body and "has a worksheet now" in body
    # Assigned, the same address has no such word.
    _api(client, leader, "POST", f"/groups/{group_id}/assignments", {"module_id": MODULE})
    assert (
        'id="not-assigned"'
        not in web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}").body
    )


def test_a_module_that_cannot_be_shown_brings_the_picker_back(client, published, leader):
    group_id = _group(client, leader, MODULE)
    web = signed_in(client, leader)
    for odd, words in (
        (NO_SHEET, "That module has no worksheet."),
        ("no-such-module", "Choose a module from the list."),
        ("<b>", "Choose a module from the list."),
        ("%E2%80%AE" * 50, "Choose a module from the list."),
    ):
        page = web.get(f"/leader/groups/{group_id}/before-session?module={odd}")
        assert page.status == 400, (odd, page.status)
        assert "<title>Error: Before the session" in page.body
        assert 'class="error-summary"' in page.body and 'href="#module"' in page.body
        assert words in unescape(page.body)
        assert _options(page.body) == ["", MODULE]  # the same picker, a way on


def test_fifteen_participants_in_at_most_three_dynamodb_calls_audit_logged(
    client, published, leader, service, aws_calls
):
    group_id = _group(client, leader, MODULE)
    now = "2026-01-01T00:00:00+00:00"
    for n in range(15):
        service.group_records.enrol(
            group_id,
            f"p-{n:02d}",
            f"Person {n:02d}",
            now,
            new_entry(leader.id, ["leaders"], "enrolment.add", now, group_id=group_id),
        )
    # Three of them started the worksheet since joining (one field); one shared it.
    at = service.clock.iso_seconds()
    for n in range(3):
        answer = Answer("urge-in-body", "made up", 1, "en", at, "short-text", "x", None, None)
        service.worksheets.records.save(f"p-{n:02d}", MODULE, [answer], [], at)
    service.worksheets.records.set_shared("p-00", MODULE, True, at)
    web = signed_in(client, leader)
    path = f"/leader/groups/{group_id}/before-session?module={MODULE}"
    web.get(path)  # the session's own checks are cached after a first page
    aws_calls.reset()
    page = web.get(path)
    assert page.status == 200
    assert len(re.findall(r'<li class="card" id="p-[^"]+">', page.body)) == 15
    assert "0 of 15 did the worksheet, 3 started it; 1 shared it." in page.body
    every = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # Every signed-in web page reads its browser session first (one GetItem, records/sessions.py);
    # the page itself is the rest.
    assert every.count("DynamoDB.GetItem") == 1, every
    dynamodb = [n for n in every if n != "DynamoDB.GetItem"]
    assert len(dynamodb) <= BUDGET, dynamodb
    assert not [n for n in dynamodb if n.endswith("Scan")]
    # the group Query, the audit entries with their 15 copies in one transaction, one BatchGetItem
    assert sorted(dynamodb) == [
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.TransactWriteItems",
    ], dynamodb
    # Each participant's copy says what was on the page about them: p-00's shared answers;
    # of the 14 others, only whether they did the worksheet.
    entries = {e["action"]: e for e in service.audit.page()[0][:2]}
    assert {e["actor_id"] for e in entries.values()} == {leader.id}
    assert entries["worksheets.before_session"]["participant_ids"] == ["p-00"]
    assert set(entries["worksheets.before_session.marks"]["participant_ids"]) == {
        f"p-{n:02d}" for n in range(1, 15)
    }
    assert json.dumps({"before_session_15_dynamodb_calls": len(dynamodb)})


def test_shared_answers_follow_the_visibility_rule(
    client, published, leader, participant, library_clock
):
    _share(client, participant, {"urge-helpers": ["Walk the dog around the block twice"]})
    library_clock.advance(60)
    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Rosa M.")
    web = signed_in(client, leader)
    path = f"/leader/groups/{group_id}/before-session?module={MODULE}"
    page = unescape(web.get(path).body)
    # Written before joining: neither started nor its words, though shared.
    assert "Walk the dog" not in page and "0 of 1 did the worksheet;" in page
    assert "Not started yet" in page
    # The participant shares their history with the group: now both.
    share = json.dumps({"share": True})
    assert (
        client.http.put(
            f"/me/groups/{group_id}/share-history", headers=participant.headers, body=share
        ).status_code
        == 200
    )
    page = unescape(web.get(path).body)
    assert "Walk the dog around the block twice" in page
    assert "0 of 1 did the worksheet, 1 started it;" in page
    assert "Worksheet started (1 of 4 answered)" in page


def test_shared_answers_are_in_the_worksheets_order_questions_in_bold(
    client, published, leader, participant, library_clock
):
    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Rosa M.")
    library_clock.advance(60)
    # Every field answered (their ids in alphabetical order are not the worksheet's order).
    answers = {
        "urge-helpers": ["Call my sister"],
        "urge-in-body": "My chest and hands",
        "urge-end": 3,
        "urge-start": 8,
    }
    _share(client, participant, answers)

    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
    answered = page.body.split('<dl class="answers">', 1)[1].split("</dl>", 1)[0]
    assert [unescape(q) for q in re.findall(r"<dt>([^<]*)</dt>", answered)] == [
        "How strong was the craving at the start?",
        "How strong was it when the timer ended?",
        "Where did I feel it in my body?",
        "What helps me ride out a craving",
    ]
    # (The questions are bold: tests/browser/test_leader_pages.py.)


def test_answers_written_in_spanish_are_under_the_english_questions(
    client, published_all, leader, participant, library_clock
):
    """Walk 15, item 19.11: an English-speaking leader could not tell which question a Spanish
    reader's answer belonged to. The English question (from the English version the page
    reads anyway), the language it was answered in with the question as they read it, and a
    scale's range."""
    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Rosa M.")
    library_clock.advance(60)
    answers = {"answer-urge-start": "8", "answer-urge-in-body": "En el pecho"}
    saved = save_worksheet(signed_in(client, participant), MODULE, answers, locale="es")
    assert saved.status == 303
    headers = participant.headers
    sharing = json.dumps({"shared": True})
    client.http.put(f"/me/worksheets/{MODULE}/sharing", headers=headers, body=sharing)

    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
    answered = page.body.split('<dl class="answers">', 1)[1].split("</dl>", 1)[0]
    terms = [re.sub(r"<[^>]+>", "", unescape(t)) for t in re.findall(r"<dt>(.*?)</dt>", answered)]
    assert terms == [
        "How strong was the craving at the start? (answered in Spanish: ¿Qué tan fuertes eran "
        "las ganas al principio?)",
        "Where did I feel it in my body? (answered in Spanish: ¿En qué parte del cuerpo las "
        "sentí?)",
    ]
    assert '<dd dir="auto">8 on 0–10</dd>' in answered
    assert 'lang="es"' in answered


def test_what_they_do_after_the_group_is_archived_is_not_its_leaders_to_see(
    client, published, leader, participant, library_clock
):
    """Archiving a group is leaving it: the participant's pages then say nobody else sees their
    worksheet, so an answer written or a module completed after it stays off this group's
    "Before the session", its grid and its CSV, as for someone removed. Found by an outside
    review: the archived group's leaders read answers written months later."""
    group_id = _group(client, leader, MODULE, NO_SHEET)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _share(client, participant, {"urge-in-body": "Stomach, before the end"})
    assert (
        client.http.patch(
            f"/groups/{group_id}", headers=leader.headers, body=json.dumps({"archived": True})
        ).status_code
        == 200
    )
    library_clock.advance(86_400)  # the next day
    _share(client, participant, {"urge-in-body": "Written after the program ended"})
    body = json.dumps({"module_id": NO_SHEET, "version": shipped_version(NO_SHEET)})
    assert (
        client.http.post("/me/completions", headers=participant.headers, body=body).status_code
        == 201
    )

    view = json.loads(
        client.http.get(f"/groups/{group_id}/worksheets/{MODULE}", headers=leader.headers).body
    )
    shown = json.dumps(view)
    assert "Written after the program ended" not in shown
    # What they wrote before the archive, in the same field since overwritten, is not shown
    # either: the answer kept is the new one, whose time is after the archive.
    assert "Stomach, before the end" not in shown
    grid = json.loads(client.http.get(f"/groups/{group_id}/progress", headers=leader.headers).body)
    cells = {c["module_id"]: c for c in grid["participants"][0]["cells"]}
    assert cells[NO_SHEET]["status"] == "overdue" or cells[NO_SHEET]["status"] == "not_started"
    assert cells[MODULE]["worksheet"]["answered"] == 0
    csv_body = client.http.get(f"/groups/{group_id}/progress.csv", headers=leader.headers).body
    rows = (csv_body.decode() if isinstance(csv_body, bytes) else csv_body).splitlines()
    assert len(rows) == 2 and "completed" not in rows[1].lower()


def _archive(client, leader, group_id: str, archived: bool) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"archived": archived})
    response = client.http.patch(f"/groups/{group_id}", headers=leader.headers, body=body)
    assert response.status_code == 200, response.body


def test_the_time_a_group_was_archived_stays_hidden_once_it_is_unarchived(
    client, published, leader, participant, library_clock
):
    """What they did while the group was archived (their pages said nobody else saw it) stays
    off its pages once a leader unarchives it, as the time between a removal and a new
    enrolment does; what they do after the unarchive counts again. Found by an outside review:
    the unarchive showed it all."""
    group_id = _group(client, leader, MODULE, NO_SHEET)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _archive(client, leader, group_id, True)
    library_clock.advance(86_400)
    _share(client, participant, {"urge-in-body": "Written while the group was archived"})
    body = json.dumps({"module_id": NO_SHEET, "version": shipped_version(NO_SHEET)})
    completed = client.http.post("/me/completions", headers=participant.headers, body=body)
    assert completed.status_code == 201
    library_clock.advance(86_400)
    _archive(client, leader, group_id, False)

    def views() -> tuple[str, dict]:
        sheet = client.http.get(f"/groups/{group_id}/worksheets/{MODULE}", headers=leader.headers)
        grid = client.http.get(f"/groups/{group_id}/progress", headers=leader.headers)
        cells = {c["module_id"]: c for c in json.loads(grid.body)["participants"][0]["cells"]}
        return json.dumps(json.loads(sheet.body)), cells

    sheet, cells = views()
    assert "Written while the group was archived" not in sheet
    assert not cells[NO_SHEET]["status"].startswith("completed")
    # Archived and unarchived again: both times stay hidden (the windows add up).
    _archive(client, leader, group_id, True)
    library_clock.advance(3600)
    _archive(client, leader, group_id, False)
    sheet, cells = views()
    assert "Written while the group was archived" not in sheet
    # After the unarchive, what they write counts again.
    library_clock.advance(60)
    _share(client, participant, {"urge-in-body": "Written in the group again"})
    sheet, _ = views()
    assert "Written in the group again" in sheet


def test_what_they_did_after_the_archive_stays_hidden_when_they_are_removed_later(
    client, published, leader, participant, library_clock
):
    """Removed from an archived group, they are a former member whose time in the group must
    not reach past the archive: the CSV's row for them does not show a module completed after
    it. Found by an outside review."""
    group_id = _group(client, leader, MODULE, NO_SHEET)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _archive(client, leader, group_id, True)
    library_clock.advance(86_400)
    body = json.dumps({"module_id": NO_SHEET, "version": shipped_version(NO_SHEET)})
    completed = client.http.post("/me/completions", headers=participant.headers, body=body)
    assert completed.status_code == 201

    def csv_text() -> str:
        raw = client.http.get(f"/groups/{group_id}/progress.csv", headers=leader.headers).body
        return raw.decode() if isinstance(raw, bytes) else raw

    assert "Done (" not in csv_text()
    library_clock.advance(3600)
    removed = client.http.delete(
        f"/groups/{group_id}/participants/{participant.id}", headers=leader.headers
    )
    assert removed.status_code in (200, 204), removed.body
    assert "Done (" not in csv_text()


def _views(client, leader, group_id):  # type: ignore[no-untyped-def]
    sheet = client.http.get(f"/groups/{group_id}/worksheets/{MODULE}", headers=leader.headers)
    grid = client.http.get(f"/groups/{group_id}/progress", headers=leader.headers)
    cells = {c["module_id"]: c for c in json.loads(grid.body)["participants"][0]["cells"]}
    return json.dumps(json.loads(sheet.body)), cells


def test_archiving_again_an_archived_group_does_not_shrink_its_hidden_window(
    client, published, leader, participant, library_clock
):
    """Found by a third review. PATCH archived=true sent again (a client sending the group's whole state, a co-leader's
    second tab) rewrites archived_at with the later time: after the unarchive, what the
    participant did between the first archive and the second shows to the leaders."""
    group_id = _group(client, leader, MODULE, NO_SHEET)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _archive(client, leader, group_id, True)
    library_clock.advance(86_400)
    _share(client, participant, {"urge-in-body": "Written while the group was archived"})
    body = json.dumps({"module_id": NO_SHEET, "version": shipped_version(NO_SHEET)})
    assert (
        client.http.post("/me/completions", headers=participant.headers, body=body).status_code
        == 201
    )
    library_clock.advance(86_400)
    _archive(client, leader, group_id, True)  # archived again: accepted (200)
    library_clock.advance(86_400)
    _archive(client, leader, group_id, False)
    sheet, cells = _views(client, leader, group_id)
    assert "Written while the group was archived" not in sheet
    assert not cells[NO_SHEET]["status"].startswith("completed"), cells[NO_SHEET]


def test_a_worksheet_saved_while_archived_does_not_count_as_activity_after_the_unarchive(
    client, published, leader, participant, library_clock
):
    """Needs attention's "no activity for N days" counts a worksheet's updated_at with only the
    joined_at rule (attention.visible), not the archive windows: a save made while the group
    was archived (hidden everywhere else) silences the reason and so tells the leaders they
    were active then."""
    from tests.functional.test_attention import attention, reasons

    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _archive(client, leader, group_id, True)
    library_clock.advance(10 * 86_400)
    _share(client, participant, {"urge-in-body": "Written while the group was archived"})
    library_clock.advance(3600)
    _archive(client, leader, group_id, False)
    sheet, cells = _views(client, leader, group_id)
    assert cells[MODULE]["worksheet"]["answered"] == 0  # hidden on the grid
    theirs = reasons(attention(client, group_id, leader), participant.id)
    # Nothing they did is visible for the 10 days since they joined: no_activity is due.
    assert "no_activity" in theirs, theirs


def test_no_activity_is_flagged_after_an_archive_with_nothing_done(
    client, published, leader, participant, library_clock
):
    """The guard of the test above: the same group with no save while archived has the
    no-activity reason (so the test above fails only for the hidden save)."""
    from tests.functional.test_attention import attention, reasons

    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Member")
    library_clock.advance(60)
    _archive(client, leader, group_id, True)
    library_clock.advance(10 * 86_400)
    library_clock.advance(3600)
    _archive(client, leader, group_id, False)
    theirs = reasons(attention(client, group_id, leader), participant.id)
    assert "no_activity" in theirs, theirs


def test_two_unarchives_at_once_both_succeed(
    client, published, leader, participant, library_clock, service, monkeypatch
):
    """Two co-leaders (or a double click) unarchive the same group at once: both read it
    archived, the first write removes archived_at, so the second's condition (the archive it
    read) fails. It reads the group again and finds it unarchived as asked: 200, not the 503
    a third review found."""
    import chalicelib.groups as groups_module

    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Member")
    _archive(client, leader, group_id, True)
    library_clock.advance(60)
    stale = service.groups.records.get(group_id)  # the second request's read, made first
    assert stale.archived
    _archive(client, leader, group_id, False)  # the first request's write
    real = groups_module.led_group
    reads = []

    def first_read_stale(records, caller, gid, **kw):  # type: ignore[no-untyped-def]
        reads.append(gid)
        return stale if len(reads) == 1 else real(records, caller, gid, **kw)

    monkeypatch.setattr(groups_module, "led_group", first_read_stale)
    body = json.dumps({"archived": False})
    response = client.http.patch(f"/groups/{group_id}", headers=leader.headers, body=body)
    assert response.status_code == 200, (response.status_code, response.body)
    assert len(reads) == 2 and json.loads(response.body)["archived"] is False
    monkeypatch.undo()
    assert service.groups.records.get(group_id).archive_windows == stale.archive_windows + (
        (stale.archived_at, service.groups.records.get(group_id).archive_windows[-1][1]),
    )
