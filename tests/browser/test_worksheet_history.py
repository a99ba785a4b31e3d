"""Earlier saves of a worksheet in a real browser, on a phone: a participant saves an answer,
changes it and saves again, follows "Earlier saves (n)" under the form and reads the words
they had before, on a page titled only by its kind. axe-core at 0 violations; screenshots in
test-artifacts/ (worksheet-earlier-*.png)."""

from __future__ import annotations

import re

import pytest

from chalicelib.library import lesson_code
from tests.browser.test_web_app import check_page, new_page, sign_in

pytestmark = pytest.mark.server

MODULE = "sleep-and-recovery"  # a worksheet no other browser test fills in


def test_earlier_saves_keep_the_words_written_over(browser, base_url, artifacts):
    context, page = new_page(browser, base_url)
    sign_in(page, "demo-participant-2", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    lesson = f"/lesson/{lesson_code(MODULE)}"
    for words in ("Seven every morning", "Half past six every morning"):
        page.goto(lesson)
        page.fill("#answer-wake-time", words)
        page.get_by_role("button", name="Save my answers").click()
        page.wait_for_url(re.compile(r".*saved=1#worksheet$"))
    link = page.get_by_role("link", name=re.compile(r"^Earlier saves \(\d+\)$"))
    assert link.is_visible()
    check_page(page, artifacts, "worksheet-earlier-link")
    link.click()
    page.wait_for_url(f"{base_url}{lesson}/worksheet/earlier")
    assert page.title() == "Earlier saves – Steady"
    newest = page.locator("section.ws-earlier").first
    assert "Seven every morning" in newest.inner_text()
    assert "Half past six every morning" not in page.locator("main").inner_text()
    check_page(page, artifacts, "worksheet-earlier-page")
    page.get_by_role("link", name="Back to your worksheet").click()
    assert page.input_value("#answer-wake-time") == "Half past six every morning"
    context.close()
