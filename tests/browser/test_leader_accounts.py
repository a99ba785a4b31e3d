"""Accounts a group leader hands out, in a real browser (Debian's chromium) at 360×740 and
1280×800: the panel of a new account and its printed hand-out, a new temporary password, the
hand-outs of a cohort's first day, and someone who left. Each page passes axe-core and has its
title; sizes and screenshots go to test-artifacts/ (leader-accounts-measurements.json).

Apart from test_leader_pages.py so that the two share out over the test workers.
"""

from __future__ import annotations

import json
import re
from functools import partial

import pytest
from playwright.sync_api import expect

from tests.browser import test_leader_pages as leader_pages
from tests.browser.test_leader_pages import create_group, signed_in_leader
from tests.browser.test_web_app import DESKTOP, PHONE

pytestmark = pytest.mark.server

MEASURED: dict = {"titles": {}, "gzip_bytes": {}, "axe_violations": {}, "screenshots": []}
check = partial(leader_pages.check, measured=MEASURED)


@pytest.fixture(scope="module")
def leader(browser, base_url, local_stack):  # type: ignore[no-untyped-def]
    yield from signed_in_leader(browser, base_url, local_stack)


def test_a_new_account_is_handed_out_given_a_new_password_and_listed_once_it_left(
    leader, artifacts
):
    """The hand-out panel of a new account (printed without the password on the group page,
    with it on its own hand-out), a double-sent enrol making one account, a lost password
    given again after a confirmation page, and the person listed under "Left the group"."""
    context, page = leader
    group_url = create_group(page, "Browser hand-outs")
    # A new account: the panel to hand over (and print).
    page.get_by_label("Username", exact=True).fill("browser-leader-newcomer")
    page.get_by_label("Create a new account with this username").check()
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r".*#handout-[0-9a-f-]+$"))  # a redirect: the post is done
    panel = page.locator(".handout")
    assert panel.is_visible() and "choose their own password" in panel.inner_text()
    password = page.locator(".handout .temporary-password").inner_text()
    assert len(password) >= 12
    check(page, context, artifacts, "leader-new-account", "Group – Steady", shots=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "leader-new-account-print.png"), full_page=True)
    # A printed group page carries no temporary password (walk 15 problem 4): the hand-out does.
    assert page.get_by_role("heading", name="Assignments").is_visible()
    assert not page.locator(".handout").first.is_visible()
    assert password not in page.locator("body").inner_text()
    assert page.get_by_text("Temporary passwords are not printed with this page").is_visible()
    page.emulate_media(media="screen")
    # A reload shows the same details again (it used to send the form again: "taken").
    page.reload()
    assert page.locator(".handout .temporary-password").inner_text() == password
    assert page.locator(".error-summary").count() == 0

    # Two open panels: the newest open, the older folded; each prints from its own hand-out.
    # Sent twice, as a double click does (walk 15 problem 5): one account, and its panel.
    page.get_by_label("Username", exact=True).fill("browser-leader-second")
    page.get_by_label("Create a new account with this username").check()
    page.evaluate(
        """() => { const f = document.querySelector('form[action$="/participants"]');
                   f.requestSubmit(); f.requestSubmit(); }"""
    )
    page.wait_for_url(re.compile(r".*#handout-[0-9a-f-]+$"))
    assert page.locator(".error-summary").count() == 0
    assert "give these to browser-leader-second" in page.locator(".handout").first.inner_text()
    assert page.locator("details.handout-older").count() == 1
    second = page.locator(".handout .temporary-password").first.inner_text()
    assert second != password
    page.locator("details.handout-older summary").click()
    page.get_by_role("link", name="Print a hand-out for browser-leader-newcomer").click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/hand-out$"))
    check(page, context, artifacts, "leader-hand-out", "Sign-in details – Steady", shots=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "leader-hand-out-print.png"), full_page=True)
    printed = page.locator("body").inner_text()
    assert password in printed and second not in printed
    assert "You will choose your own password when you sign in." in printed
    assert "988" in printed and "1-800-662-4357" in printed
    assert "Hand-out for" not in printed  # the leader's words stay on the screen
    assert len(page.pdf(prefer_css_page_size=True)) > 0
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Spanish hand-out").click()
    page.wait_for_url(re.compile(r".*/hand-out\?lang=es$"))
    assert "usted elegirá su propia contraseña" in page.locator(".slip").inner_text()
    assert "/sign-in?locale=es" in page.locator(".slip").inner_text()
    check(page, context, artifacts, "leader-hand-out-es", "Sign-in details – Steady")
    page.goto(group_url)
    page.get_by_role("button", name="Done, I have given it to them (browser-leader-second)").click()
    page.wait_for_url(re.compile(r".*done=handed_over.*"))
    page.get_by_role("button", name=re.compile("^Done, I have given it to them")).click()
    page.wait_for_url(re.compile(r".*done=handed_over.*"))
    assert page.locator(".handout").count() == 0 and password not in page.content()

    # They lost it: a new temporary password, after a page of its own, on the same panel.
    page.locator("summary", has_text="More actions for browser-leader-newcomer").click()
    page.get_by_role(
        "link", name="Give a new temporary password to browser-leader-newcomer"
    ).click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/temporary-password$"))
    check(page, context, artifacts, "leader-new-password-confirm", "Confirm – Steady")
    page.get_by_role("button", name="Give a new temporary password").click()
    page.wait_for_url(re.compile(r".*#handout-[0-9a-f-]+$"))
    panel = page.locator(".handout")
    assert "New temporary password: give these to browser-leader-newcomer" in panel.inner_text()
    assert page.locator(".handout .temporary-password").inner_text() != password
    check(page, context, artifacts, "leader-new-password", "Group – Steady")

    # Removed: listed under "Left the group" (a details, opened here), and the page passes axe.
    page.locator("summary", has_text="More actions for browser-leader-newcomer").click()
    page.get_by_role("link", name="Remove browser-leader-newcomer", exact=True).click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/remove$"))
    page.get_by_role("button", name="Remove from the group").click()
    page.wait_for_url(re.compile(r".*done=removed.*"))
    former = page.locator("details.former")
    former.locator("summary").click()
    assert "Left the group (1)" in former.inner_text()
    assert "browser-leader-newcomer" in former.inner_text()
    assert "can sign in until" in former.inner_text()
    check(page, context, artifacts, "leader-group-left", "Group – Steady")
    # Their last group: in their alumni period they can still be given a new password from
    # there (walk-through 19, problem 1).
    former.get_by_role(
        "link", name="Give a new temporary password to browser-leader-newcomer"
    ).click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/temporary-password$"))
    page.get_by_role("button", name="Give a new temporary password").click()
    page.wait_for_url(re.compile(r".*#handout-[0-9a-f-]+$"))
    assert "give these to browser-leader-newcomer" in page.locator(".handout").inner_text()
    check(page, context, artifacts, "leader-new-password-left", "Group – Steady")


def test_every_hand_out_of_a_cohort_prints_from_one_page_a_sheet_each(leader, artifacts):
    """Walk 17 problem 6: a cohort's first day, three new accounts. The group page keeps one
    panel open and one folded, and links one page that prints every slip, one per sheet."""
    context, page = leader
    group_url = create_group(page, "First day hand-outs")
    names = {"cohort-jose": "José Núñez", "cohort-siobhan": "Siobhán O'Connor", "cohort-kai": "Kai"}
    for username, name in names.items():
        page.get_by_label("Username", exact=True).fill(username)
        page.get_by_label("Name shown to you (optional)").fill(name)
        page.get_by_label("Create a new account with this username").check()
        page.get_by_role("button", name="Enrol").click()
        page.wait_for_url(re.compile(r".*#handout-[0-9a-f-]+$"))
    assert page.locator("section.handout").count() == 3
    assert page.locator("details.handout-older").count() == 1  # one, however many are folded
    folded = page.locator("details.handout-older summary").inner_text()
    assert folded == "Also waiting to be given (2): Siobhán O'Connor, José Núñez"
    passwords = page.locator(".handout .temporary-password").all_text_contents()[::-1]
    check(page, context, artifacts, "leader-three-new-accounts", "Group – Steady", shots=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / "group-after-3-creations-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "group-after-3-creations-360.png"), full_page=True)

    page.get_by_role("link", name="Print hand-outs for everyone created just now (3)").click()
    page.wait_for_url(re.compile(r".*/hand-outs$"))
    check(page, context, artifacts, "leader-hand-outs", "Sign-in details – Steady", shots=True)
    # Slips in the order the accounts were made, each with its own password.
    slips = page.locator(".slip")
    assert slips.count() == 3
    assert page.locator(".slip .slip-username").all_inner_texts() == list(names)
    assert page.locator(".slip .temporary-password").all_inner_texts() == passwords
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "hand-outs-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / "hand-outs-1280.png"), full_page=True)

    # Kai reads Spanish: the page's language form, the others stay in English.
    page.get_by_label("Kai (cohort-kai)").select_option("es")
    page.get_by_role("button", name="Show the hand-outs in these languages").click()
    page.wait_for_url(re.compile(r".*/hand-outs\?.*"))
    assert [slips.nth(n).get_attribute("lang") for n in range(3)] == ["en", "en", "es"]
    assert "usted elegirá su propia contraseña" in slips.nth(2).inner_text()
    check(page, context, artifacts, "leader-hand-outs-es", "Sign-in details – Steady")

    # Printed: only the slips, nothing for the leader, a page break after each but the last.
    page.emulate_media(media="print")
    printed = page.locator("body").inner_text()
    assert all(p in printed for p in passwords)
    assert "Hand-outs for" not in printed and "José Núñez" not in printed
    assert "Language of each hand-out" not in printed and "Back to the group page" not in printed
    breaks = page.evaluate(
        "[...document.querySelectorAll('.slip')].map(s => getComputedStyle(s).breakAfter)"
    )
    assert breaks == ["page", "page", "auto"]
    page.screenshot(path=str(artifacts / "hand-outs-print.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True)
    (artifacts / "hand-outs.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3  # one sheet per slip
    page.emulate_media(media="screen")

    # Handed over (Done on each): the page says so, with the way back to the group.
    page.goto(group_url)
    for _ in names:
        page.get_by_role("button", name=re.compile("^Done, I have given it to them")).first.click()
        page.wait_for_url(re.compile(r".*done=handed_over.*"))
    page.goto(group_url + "/hand-outs")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "These temporary passwords are no longer shown."
    )
    check(page, context, artifacts, "leader-hand-outs-gone", "Sign-in details – Steady")
    page.get_by_role("link", name="Back to the group page").click()
    page.wait_for_url(re.compile(r".*/leader/groups/[0-9a-f]{32}#participants$"))


def test_zz_write_leader_account_measurements(artifacts):
    (artifacts / "leader-accounts-measurements.json").write_text(json.dumps(MEASURED, indent=2))
    assert MEASURED["titles"] and sum(MEASURED["axe_violations"].values()) == 0
