"""My plan in a real browser, on a phone: a participant fills in the relapse-prevention
worksheet with a realistic plan, sees it in My plan (people to call as tel: links), edits a
part, sees every refused row of a part named at once, prints it and downloads the PDF.
axe-core at 0 violations; screenshots and the PDF go into test-artifacts/ (plan-*.png,
plan.pdf)."""

from __future__ import annotations

import io
import json

import pypdf
import pytest

from chalicelib.library import lesson_code
from tests.browser.test_web_app import check_page, new_page, sign_in

pytestmark = pytest.mark.server

MODULE = "building-a-relapse-prevention-plan"
FILLED = {
    "plan-reasons": [
        "My daughter Lucía, and being there for her school mornings",
        "Keeping my job at the garage",
        "Waking up with a clear head",
    ],
    "plan-triggers": [
        "Payday evenings alone: go straight to the gym, then home",
        "Arguments with my ex: leave the room, call my sister",
        "Driving past the bar on Fifth: take Oak Street instead",
    ],
    "plan-warning-signs": [
        "Skipping meals and sleep: set an alarm for dinner",
        "Telling myself one time will not hurt: say it out loud to someone",
        "Missing group: call my counselor the same day",
    ],
    "plan-coping-skills": [
        "Ten slow breaths by the window",
        "Urge surfing for 20 minutes",
        "A walk around the block with music",
        "Cold water on my face",
        "Play guitar",
    ],
    # Two paragraphs: the textarea sends them with "\r\n" (kept, and shown as two lines).
    "plan-if-i-slip": "Stop, and call Rosa the same day.\n\nTell my counselor, go to a meeting "
    "the next morning, and remember that one slip does not undo my progress.",
    "plan-places": [
        "The bar on Fifth Street",
        "Marco's garage on Friday nights",
        "Parties where people drink",
    ],
}
PEOPLE = [
    ("Rosa (sponsor)", "555-010-0134"),
    ("My sister Ana", "+1 555 010 0178"),
    ("Dr. Patel, counselor", "(555) 010-0199"),
]


def test_fill_in_a_worksheet_see_it_in_my_plan_print_and_download(browser, base_url, artifacts):
    context, page = new_page(browser, base_url)
    sign_in(page, "demo-participant-2", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    page.goto(f"/lesson/{lesson_code(MODULE)}")
    for field_id, value in FILLED.items():
        if isinstance(value, list):
            for n, item in enumerate(value):
                page.fill(f"#answer-{field_id}-{n}", item)
        else:
            page.fill(f"#answer-{field_id}", value)
    for n, (name, phone) in enumerate(PEOPLE):
        page.fill(f"#answer-plan-people-{n}-name", name)
        page.fill(f"#answer-plan-people-{n}-phone", phone)
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**saved=1#worksheet")
    page.get_by_role("link", name="See My plan").click()
    page.wait_for_url("**/plan")
    body = page.inner_text("main")
    for value in FILLED.values():
        for item in value if isinstance(value, list) else [value]:
            assert item in body, item
    slip = page.locator("#part-6 .plan-text", has_text="call Rosa").inner_text()
    assert slip.splitlines()[0] == "Stop, and call Rosa the same day.", slip
    assert page.locator('a[href="tel:5550100134"]').inner_text() == "Rosa (sponsor): 555-010-0134"
    assert page.locator('a[href="tel:+15550100178"]').count() == 1
    check_page(page, artifacts, "plan")

    # Edit a part: move the last coping skill first, remove one, add one of my own, and put
    # one in my own words.
    page.locator('a[href="/plan/edit/3"]').click()
    page.wait_for_url("**/plan/edit/3")
    check_page(page, artifacts, "plan-edit")
    page.fill("#plan-0-text", "Ten slow breaths by the open window")
    page.fill("#plan-4-position", "1")
    page.check("#plan-3-remove")
    page.fill("#plan-5-text", "Text Ana a photo of the sunset")
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url("**/plan?saved=3#part-3")
    skills = page.locator("#part-3 li").all_inner_texts()
    assert skills[0] == "Play guitar" and "Cold water on my face" not in skills
    assert skills[-1] == "Text Ana a photo of the sunset"
    check_page(page, artifacts, "plan-saved")

    # Worksheet answers changed after the part was saved: the item never edited follows its
    # answer, marked on screen only (the printed plan is what the participant keeps, and the
    # mark is not part of it); the one in my own words stays mine, the new words offered.
    page.goto(f"/lesson/{lesson_code(MODULE)}")
    page.fill("#answer-plan-coping-skills-0", "Twelve slow breaths by the window")
    page.fill("#answer-plan-coping-skills-1", "Urge surfing for 30 minutes")
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**saved=1#worksheet")
    page.goto("/plan")
    skills = page.locator("#part-3 li").all_inner_texts()
    assert len(skills) == 5 and not any("20 minutes" in s or "Twelve" in s for s in skills)
    badge = page.locator("#part-3 li", has_text="30 minutes").locator(".tag")
    assert badge.inner_text() == "Changed in a worksheet"
    notice = page.locator(".plan-updated-note")
    assert notice.is_visible()
    offered = page.locator("#part-3 li", has_text="open window").locator(".plan-offer-note")
    assert offered.inner_text().startswith("Your worksheet answer changed.")

    # Print view: no menus, no links to edit, everything of the plan, crisis lines kept.
    page.emulate_media(media="print")
    assert not badge.is_visible() and not notice.is_visible()
    assert page.locator("#part-3 li", has_text="30 minutes").is_visible()
    assert not page.get_by_role("link", name="Download as PDF").is_visible()
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert page.get_by_text("1-800-662-4357").is_visible()
    page.screenshot(path=str(artifacts / "plan-print.png"), full_page=True)
    pdf = page.pdf(format="Letter")
    printed_pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert 1 <= printed_pages <= 2, printed_pages
    page.emulate_media(media="screen")

    # The PDF download.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    saved = download.value
    assert saved.suggested_filename.startswith("plan-") and saved.suggested_filename.endswith(
        ".pdf"
    )
    target = artifacts / "plan.pdf"
    saved.save_as(str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    (artifacts / "plan-figures.json").write_text(
        json.dumps({"pdf_bytes": len(data), "printed_pages_from_browser": printed_pages})
    )

    # The offered words, on the part's form: use them.
    page.goto("/plan/edit/3")
    offer = page.get_by_role("radiogroup", name="Your worksheet answer changed.")
    assert "Twelve slow breaths by the window" in offer.inner_text()
    check_page(page, artifacts, "plan-edit-offer")
    offer.get_by_label("Use the new words").check()
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url("**/plan?saved=3#part-3")
    skills = page.locator("#part-3 li").all_inner_texts()
    assert "Twelve slow breaths by the window" in skills and len(skills) == 5
    assert not any("open window" in s for s in skills)

    # Two people refused at once: both named, each beside its own input; a row to add a
    # person stays one, and spare rows are left.
    page.goto("/plan/edit/4")
    page.fill("#plan-0-phone", "call me maybe")
    page.fill("#plan-3-phone", "555-010-2020")
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url("**/plan/edit/4")
    links = page.locator(".error-summary a")
    assert links.count() == 2, links.all_inner_texts()
    assert [links.nth(k).get_attribute("href") for k in range(2)] == [
        "#plan-0-phone",
        "#plan-3-name",
    ]
    for input_id in ("plan-0-phone", "plan-3-name"):
        described = page.locator(f"#{input_id}").get_attribute("aria-describedby")
        assert page.locator(f"#{described}").is_visible(), input_id
    assert page.locator("legend").all_inner_texts()[3:] == ["Add a person"] * 4
    check_page(page, artifacts, "plan-edit-errors")
    context.close()


def test_on_paper_an_empty_part_has_lines_and_a_lesson_has_its_worksheet(
    browser, base_url, artifacts
):
    """Walk 15, items 19.2 and 19.12: printed, an empty part of My plan has ruled lines to
    write on (not the screen's hint), and a lesson prints its worksheet's questions with the
    saved answers or lines, without buttons or the sharing controls."""
    context, page = new_page(browser, base_url)
    sign_in(page, "demo-participant-1", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    page.goto("/plan")
    empty = page.locator(".plan-section:not(:has(.plan-items))")
    assert empty.count() >= 1
    first = empty.first
    assert first.locator(".hint").is_visible() and not first.locator(".write-lines").is_visible()
    page.emulate_media(media="print")
    for n in range(empty.count()):
        part = empty.nth(n)
        assert not part.locator(".hint").is_visible()
        lines = part.locator(".write-lines span")
        assert lines.count() == 3 and lines.first.bounding_box()["height"] > 20  # type: ignore[index]
    assert not page.get_by_text("Nothing here yet").first.is_visible()
    page.screenshot(path=str(artifacts / "plan-print-empty.png"), full_page=True)
    page.emulate_media(media="screen")
    context.close()

    context, page = new_page(browser, base_url)
    sign_in(page, "demo-participant-2", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    page.goto(f"/lesson/{lesson_code(MODULE)}")
    saved = page.input_value("#answer-plan-reasons-0")  # filled by the test above, if it ran
    check_page(page, artifacts, "lesson-with-print-copy")  # axe with the print-only copy in
    page.emulate_media(media="print")
    assert page.get_by_role("heading", name="Your worksheet").is_visible()
    printed = page.locator(".ws-print")
    assert printed.is_visible()
    labels = printed.locator(".ws-label")
    assert labels.count() == page.locator(".ws-form .ws-label").count() >= 5
    assert labels.first.is_visible()
    if saved:
        assert printed.get_by_text(saved).is_visible()
    for name in ("Save my answers", "Share with my group leaders", "Stop sharing"):
        button = page.get_by_role("button", name=name)
        assert button.count() == 0 or not button.first.is_visible(), name
    assert not page.locator(".ws-form").is_visible() and not page.locator(".ws-share").is_visible()
    page.screenshot(path=str(artifacts / "lesson-print.png"), full_page=True)
    page.locator("#worksheet").screenshot(path=str(artifacts / "lesson-print-worksheet.png"))
    page.emulate_media(media="screen")
    assert not printed.is_visible()
    context.close()


def test_a_part_saved_in_two_tabs_keeps_both(browser, base_url, artifacts):
    """Walk 12, item 2, in a browser: tab B saves after tab A; the form comes back with both,
    the notice (read first: it has the focus) names what tab A saved, and saving keeps both."""
    context, tab_a = new_page(browser, base_url)
    sign_in(tab_a, "demo-participant-2", "Demo-participant-2026")
    tab_a.wait_for_url(f"{base_url}/")
    tab_b = context.new_page()
    for tab in (tab_a, tab_b):
        tab.goto("/plan/edit/5")
    spare = tab_a.locator("input[name$='-added']").first.get_attribute("name") or ""
    row = spare.removesuffix("-added")
    tab_a.fill(f"#{row}-text", "Tab A2: my health")
    tab_a.get_by_role("button", name="Save my plan").click()
    tab_a.wait_for_url("**/plan?saved=5#part-5")
    tab_b.fill(f"#{row}-text", "Tab B2: my job")
    tab_b.get_by_role("button", name="Save my plan").click()
    tab_b.wait_for_url("**/plan/edit/5")
    notice = tab_b.locator(".plan-merged")
    assert notice.is_visible()
    assert "Saved in the other window or device:" in notice.inner_text()
    assert notice.locator("li").all_inner_texts() == ["Tab A2: my health"]
    assert tab_b.evaluate("document.activeElement.classList.contains('plan-merged')")
    typed = tab_b.locator("textarea").evaluate_all("boxes => boxes.map(b => b.value)")
    assert "Tab A2: my health" in typed and "Tab B2: my job" in typed
    check_page(tab_b, artifacts, "plan-edit-merged")
    tab_b.get_by_role("button", name="Save my plan").click()
    tab_b.wait_for_url("**/plan?saved=5#part-5")
    reasons = tab_b.locator("#part-5 li").all_inner_texts()
    assert "Tab A2: my health" in reasons and "Tab B2: my job" in reasons
    context.close()
