"""On a phone, in a real browser against the local stack: a worksheet typed slowly, saved after
15 minutes without a page (the session's last activity moved back in the table), comes back
after signing in again, filled in and not saved yet, and then saves
(``chalicelib.kept_forms``)."""

from __future__ import annotations

import time

import pytest

from chalicelib import sign_in as web_session
from chalicelib.library import lesson_code
from chalicelib.records.keys import session_pk
from tests.browser.conftest import add_participants, local_client
from tests.browser.test_web_app import PHONE, new_page, sign_in

pytestmark = pytest.mark.server

SLOW_READER = "browser-slow-reader"
PASSWORD = "Browser-slow-reader-2026"
MODULE = "cravings-and-urge-surfing"
LESSON = f"/lesson/{lesson_code(MODULE)}"
TYPED = "My jaw clenches and my legs are restless"


def idle_past_the_limit(local_stack, session_id: str) -> None:  # type: ignore[no-untyped-def]
    """As if 15 minutes and more had passed since the session's last page."""
    dynamodb, stack, _ = local_client(local_stack, "dynamodb")
    before = int(time.time()) - web_session.INACTIVITY_SECONDS - 60
    dynamodb.update_item(
        TableName=stack.records_table,
        Key={"PK": {"S": session_pk(session_id)}, "SK": {"S": "SESSION"}},
        UpdateExpression="SET last_seen = :t",
        ExpressionAttributeValues={":t": {"N": str(before)}},
    )


def test_a_worksheet_saved_after_15_idle_minutes_comes_back_after_sign_in(
    browser, base_url, local_stack
):
    add_participants(local_stack, PASSWORD, SLOW_READER)
    context, page = new_page(browser, base_url, viewport=PHONE)
    sign_in(page, SLOW_READER, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    page.goto(LESSON)
    page.locator("#answer-urge-in-body").fill(TYPED)
    session_id = next(c["value"] for c in context.cookies() if c["name"] == "steady_session")
    idle_past_the_limit(local_stack, session_id)

    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/sign-in?done=signed_out_inactive")
    notice = page.locator("p.notice")
    assert "signed out after 15 minutes without activity" in notice.inner_text()
    page.get_by_label("Username").fill(SLOW_READER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{LESSON}#worksheet")
    assert page.locator("#answer-urge-in-body").input_value() == TYPED
    assert "They are not saved yet" in page.locator("#worksheet").inner_text()

    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**saved=1#worksheet")
    assert page.locator("#answer-urge-in-body").input_value() == TYPED
    assert "not saved yet" not in page.locator("#worksheet").inner_text()
    assert not [c for c in context.cookies() if c["name"] == "steady_kept"]
    context.close()


RETAKER = "browser-slow-retaker"


def test_a_retake_sent_after_15_idle_minutes_is_chosen_again_after_sign_in(
    browser, base_url, local_stack
):
    """ "Try the questions again" answered after the session ended: after signing in, the
    retake form is at #retake, on its own without the feedback, with the same answers chosen, not
    checked yet."""
    add_participants(local_stack, PASSWORD, RETAKER)
    context, page = new_page(browser, base_url, viewport=PHONE)
    sign_in(page, RETAKER, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    page.goto(LESSON)
    for question in ("q0", "q1", "q2"):
        page.locator(f"#{question}-0").check()
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url(f"**{LESSON}#complete")
    page.get_by_role("link", name="Try the questions again").click()
    page.wait_for_url(f"**{LESSON}?retake=1#retake")
    for question in ("q0", "q1", "q2"):
        page.locator(f"#retake #{question}-1").check()
    session_id = next(c["value"] for c in context.cookies() if c["name"] == "steady_session")
    idle_past_the_limit(local_stack, session_id)

    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_url("**/sign-in?done=signed_out_inactive")
    page.get_by_label("Username").fill(RETAKER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{LESSON}#retake")
    retake = page.locator("#retake")
    assert "They are not checked yet" in retake.inner_text()
    assert page.locator("ol.feedback").count() == 0  # the questions on their own
    for question in ("q0", "q1", "q2"):
        assert page.locator(f"#retake #{question}-1").is_checked()

    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_url(f"**{LESSON}#complete")
    assert "not checked yet" not in page.content()
    assert not [c for c in context.cookies() if c["name"] == "steady_kept"]
    context.close()
