"""Walk 15, item 19.3: what a participant types may be right-to-left (Arabic, Hebrew…). Every
box they type their own words in, and every place those words are shown again, takes its
direction from the words (``dir="auto"``): an Arabic answer sits at the right, and a line
mixing Arabic and a phone number keeps its order."""

from __future__ import annotations

import re

from tests.functional.test_before_session_page import MODULE, _enrol, _group, _share
from tests.functional.web_client import lesson_path, save_worksheet, signed_in

ARABIC = "أتصل بأمي ثم أمشي"


def _free_text_boxes(body: str) -> list[str]:
    """Every text input (name, words) and textarea of the page's forms (not the phone, the
    position and hidden fields)."""
    main = body.split("<main", 1)[1]
    boxes = re.findall(r"<textarea[^>]*>", main)
    boxes += [
        i
        for i in re.findall(r'<input type="text"[^>]*>', main)
        if "plan-position" not in i and 'name="csrf"' not in i
    ]
    return boxes


def test_worksheet_boxes_and_saved_answers_take_their_direction_from_the_words(
    client, published, participant
):
    browser = signed_in(client, participant)
    answers = {"answer-urge-in-body": ARABIC, "answer-urge-helpers-0": f"{ARABIC} 555-0142"}
    assert save_worksheet(browser, MODULE, answers, locale="en").status == 303
    page = browser.get(lesson_path(MODULE))
    boxes = _free_text_boxes(page.body)
    assert len(boxes) >= 6  # one line, and five list items
    assert all('dir="auto"' in b for b in boxes), [b for b in boxes if 'dir="auto"' not in b]
    assert re.search(rf'<input type="text" dir="auto"[^>]*value="{ARABIC}"', page.body)


def test_plan_items_and_the_plan_editor_take_their_direction_from_the_words(
    client, published, participant
):
    browser = signed_in(client, participant)
    answers = {"answer-urge-helpers-0": ARABIC}
    assert save_worksheet(browser, MODULE, answers, locale="en").status == 303
    plan = browser.get("/plan").body
    assert f'<li dir="auto"><span class="plan-text">{ARABIC}</span>' in plan
    for part in ("3", "4"):  # words (textareas), and people to call (names)
        boxes = _free_text_boxes(browser.get(f"/plan/edit/{part}").body)
        assert boxes and all('dir="auto"' in b for b in boxes), boxes


def test_shared_answers_before_the_session_take_their_direction_from_the_words(
    client, published, leader, participant, library_clock
):
    group_id = _group(client, leader, MODULE)
    _enrol(client, leader, group_id, participant, "Rosa M.")
    library_clock.advance(60)
    _share(client, participant, {"urge-in-body": ARABIC, "urge-helpers": [ARABIC]})
    page = signed_in(client, leader).get(
        f"/leader/groups/{group_id}/before-session?module={MODULE}"
    )
    assert f'<dd dir="auto"><span class="plan-text">{ARABIC}</span></dd>' in page.body
    assert f'<li dir="auto">{ARABIC}</li>' in page.body
