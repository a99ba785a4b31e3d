"""The administrator's pages in a real browser (Debian's chromium) at 360×740 and 1280×800:
axe-core at 0 violations, their titles, no sideways scrolling on a phone; an account made,
turned off after its confirmation page and on again, and the audit trail, filtered and refused.
Only accounts this test makes are changed (the demo accounts serve the other browser tests).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_leader_pages import check
from tests.browser.test_web_app import DESKTOP, PHONE, enter_code, new_page, sign_in

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def admin(browser, base_url, local_stack):  # type: ignore[no-untyped-def]
    context, page = new_page(browser, base_url, viewport=DESKTOP)
    sign_in(page, "demo-admin", "Demo-admin-2026")
    page.wait_for_url("**/sign-in/code")
    secret = json.loads((local_stack.state_dir / "authenticators.json").read_text())["demo-admin"]
    enter_code(page, secret)
    if page.get_by_role("alert").is_visible():  # the 30-second window turned while typing
        enter_code(page, secret)
    page.wait_for_url("**/leader/admin/accounts")  # where an admin starts
    yield context, page
    context.close()


def no_sideways_scroll(page, name: str) -> None:  # type: ignore[no-untyped-def]
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {size['width']} px by {overflow} px"


def test_an_admin_manages_accounts_and_reads_the_audit_trail(admin, artifacts):
    context, page = admin
    check(page, context, artifacts, "admin-accounts", "Accounts – Steady", shots=True)
    no_sideways_scroll(page, "admin-accounts")

    # A refused account: the same form, the input kept, the error summary first.
    page.locator("#username").fill("no spaces")
    page.get_by_label("Author").check()
    page.get_by_role("button", name="Create the account").click()
    refused_title = "Error: Accounts – Steady"
    expect(page).to_have_title(refused_title)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.locator('a[href="#username"]').click()
    assert page.evaluate("document.activeElement.id") == "username"
    assert page.locator("#username").input_value() == "no spaces"
    assert page.get_by_label("Author").is_checked()
    check(page, context, artifacts, "admin-accounts-error", refused_title)

    # Made: the temporary password, once.
    page.locator("#username").fill("browser-author")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#created-title")).to_contain_text("Account created: browser-author")
    assert re.fullmatch(r"\S{16}", page.locator(".temporary-password").inner_text())
    check(page, context, artifacts, "admin-accounts-created", "Accounts – Steady")

    # Turned off after its own confirmation page, then on again.
    page.get_by_role("button", name="Turn off browser-author").click()
    check(page, context, artifacts, "admin-turn-off-confirm", "Confirm – Steady")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Turn off the account browser-author?"
    )
    page.get_by_role("button", name="Turn off the account").click()
    page.wait_for_url("**/leader/admin/accounts?role=authors&done=off")
    expect(page.get_by_role("status")).to_contain_text("Account turned off.")
    page.get_by_role("button", name="Turn on again browser-author").click()
    page.wait_for_url("**/leader/admin/accounts?role=authors&done=on")

    # One's own account by username: refused on the form, not an error page.
    page.locator("#off_username").fill("demo-admin")
    page.get_by_role("button", name="Turn off…").click()
    expect(page).to_have_title(refused_title)
    expect(page.locator(".error-summary")).to_contain_text("You cannot turn off your own account")
    assert page.locator("#off_username").input_value() == "demo-admin"
    assert page.locator("#off_username").get_attribute("aria-invalid") == "true"

    # The audit trail, from the menu: the changes just made, newest first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    page.wait_for_url("**/leader/admin/audit")
    check(page, context, artifacts, "admin-audit", "Audit trail – Steady", shots=True)
    no_sideways_scroll(page, "admin-audit")
    actions = page.locator('td[data-label="Action"]').all_inner_texts()
    assert actions[:3] == ["account.enable", "account.disable", "account.create"]
    page.get_by_label("Last day").fill("2026-02-30")  # not a day: the box sends it empty
    page.get_by_label("Action starts with").fill("Bad!")
    page.get_by_role("button", name="Show entries").click()
    expect(page).to_have_title("Error: Audit trail – Steady")
    assert page.locator("#action").input_value() == "Bad!"
    check(page, context, artifacts, "admin-audit-error", "Error: Audit trail – Steady")
