"""The group leader's pages in a real browser (Debian's chromium) at 360×740 and 1280×800:
axe-core at 0 violations on every page, a distinct title per page, every form brought back
with the input kept and an error summary after bad input, page sizes, the module columns a
1280 px screen shows, and screenshots of the groups list and a 15 × 30 grid in test-artifacts/.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import boto3
import pytest
from playwright.sync_api import expect

from chalicelib.clock import Clock
from chalicelib.library import version_key
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import GroupRecords
from chalicelib.records.worksheets import Answer, WorksheetRecords
from chalicelib.worksheets import fields_of
from steady_local.provision import create_account, enrol_authenticator
from tests.browser.conftest import add_participants, axe_violations, local_cognito
from tests.browser.test_web_app import (
    DESKTOP,
    PHONE,
    check_page,
    enter_code,
    new_page,
    sign_in,
)
from tests.conftest import seed_group

pytestmark = pytest.mark.server

PAGE_LIMIT = 30 * 1024
# Where the first module header (top) and the first participant's name (left) are on screen.
STICKY_PLACES = """() => [
    document.querySelector('.grid thead th.mod').getBoundingClientRect().top,
    document.querySelector('.grid tbody th').getBoundingClientRect().left]"""
SCROLL_GRID = """() => {
    const wrap = document.querySelector('.grid-wrap');
    wrap.scrollTop = 200; wrap.scrollLeft = 600;
    return [wrap.scrollTop, wrap.scrollLeft]; }"""
MEASURED: dict = {"titles": {}, "gzip_bytes": {}, "axe_violations": {}, "screenshots": []}
# The grid on a phone: where the list, its first line and the key are, and the page's height.
PHONE_LIST = """() => {
    const items = document.querySelectorAll('.plist > li');
    return {
        height: document.documentElement.scrollHeight,
        first_top: items[0].getBoundingClientRect().top + scrollY,
        list_bottom: items[items.length - 1].getBoundingClientRect().bottom + scrollY,
        key_top: document.querySelector('.legend').getBoundingClientRect().top + scrollY,
    };
}"""
# One participant's card on a phone: open or not, its lines on screen top to bottom, each with
# its class (d completed, v older version, o overdue, n not started, f the folded line).
PHONE_CARD = """(n) => {
    const card = document.querySelectorAll('.plist > li > details')[n];
    const body = [...card.children].filter(e => e.tagName !== 'SUMMARY');
    return {
        open: card.open && body.length > 0 && body[0].getBoundingClientRect().height > 0,
        text: body.map(e => e.innerText).join(' '),
        lines: [...card.querySelectorAll(':scope > ul > li')]
            .filter(li => li.getBoundingClientRect().height > 0)
            .map(li => li.querySelector('details')
                ? {cls: 'f', text: li.querySelector('summary').innerText.trim()}
                : {cls: li.className, text: li.innerText.trim()}),
    };
}"""


def axe(page, name: str, measured: dict = MEASURED) -> None:  # type: ignore[no-untyped-def]
    violations = [(v["id"], v["help"], v["targets"][:3]) for v in axe_violations(page)]
    measured["axe_violations"][name] = len(violations)
    assert violations == [], f"{name}: {violations}"


def check(  # type: ignore[no-untyped-def]
    page,
    context,
    artifacts: Path,
    name: str,
    title: str,
    shots: bool = False,
    measured: dict = MEASURED,
) -> None:
    """axe at both widths, the title, the compressed size, and screenshots if asked."""
    expect(page, name).to_have_title(title)  # waits out a navigation still under way
    measured["titles"][name] = title
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        axe(page, f"{name}-{size['width']}", measured)
        if shots:
            path = artifacts / f"{name}-{size['width']}x{size['height']}.png"
            page.screenshot(path=str(path), full_page=True)
            measured["screenshots"].append(str(path.relative_to(artifacts.parent)))
    if (
        page.url.endswith(("/archive", "/remove", "/dates"))
        or "?" in page.url
        or "/progress" in page.url
        or page.url.endswith("/leader")
        or re.search(r"/groups/[0-9a-f]{32}$", page.url)
    ):
        body = context.request.get(page.url, timeout=90_000).body()  # a loaded machine
        measured["gzip_bytes"][name] = len(gzip.compress(body))
        assert measured["gzip_bytes"][name] < PAGE_LIMIT, name


def refused(page, field: str, kept: dict[str, str], title: str) -> None:  # type: ignore[no-untyped-def]
    """The same form again: an error summary whose link moves to the field, the input kept."""
    expect(page).to_have_title(title)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # It has the focus on arrival (autofocus, no script): read first, Tab goes to its links.
    # Chromium applies autofocus at its next rendering step, after the load the caller waited
    # for: the assertion waits for that (Playwright retries it), it does not sleep.
    expect(summary).to_be_focused()
    link = summary.locator(f'a[href="#{field}"]')
    assert link.count() == 1
    link.click()
    assert page.evaluate("document.activeElement.id") == field
    assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
    for name, value in kept.items():
        element = page.locator(f"#{name}")
        # A date field cannot show text that is not a date; the page still sends it back.
        assert value in (element.input_value(), element.get_attribute("value")), name
    assert page.get_by_role("link", name="Your groups").count() >= 1  # a way on, never a dead end


def signed_in_leader(browser, base_url, local_stack):  # type: ignore[no-untyped-def]
    """The demo leader signed in (password, then the code) on a desktop-sized page; each test
    module has its own (``leader``), closed when the module is done."""
    context, page = new_page(browser, base_url, viewport=DESKTOP)
    sign_in(page, "demo-leader", "Demo-leader-2026")
    page.wait_for_url("**/sign-in/code")
    secret = json.loads((local_stack.state_dir / "authenticators.json").read_text())["demo-leader"]
    enter_code(page, secret)
    if page.get_by_role("alert").is_visible():  # the 30-second window turned while typing
        enter_code(page, secret)
    page.wait_for_url("**/leader")
    yield context, page
    context.close()


@pytest.fixture(scope="module")
def leader(browser, base_url, local_stack):  # type: ignore[no-untyped-def]
    yield from signed_in_leader(browser, base_url, local_stack)


def create_group(page, name: str) -> str:  # type: ignore[no-untyped-def]
    page.goto("/leader")
    page.get_by_label("Group name").fill(name)
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url(re.compile(r".*/leader/groups/[0-9a-f]{32}$"))
    return page.url


def test_every_leader_form_comes_back_after_bad_input_and_every_page_passes_axe(
    leader, artifacts, local_stack
):
    context, page = leader
    page.goto("/leader")
    check(page, context, artifacts, "leader-groups-empty-or-not", "Groups – Steady")
    page.get_by_label("Group name").fill("   ")
    page.get_by_role("button", name="Create group").click()
    refused(page, "name", {"name": "   "}, "Error: Groups – Steady")
    check(page, context, artifacts, "leader-groups-error", "Error: Groups – Steady")

    # Their own account, from the menu: a wrong current password brings the same form back,
    # its boxes empty (a password is never sent back); nothing changes.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.wait_for_url("**/leader/account")
    check(page, context, artifacts, "leader-account", "Account – Steady")
    page.get_by_label("Current password").fill("Not-the-password-1")
    page.get_by_label("New password", exact=True).fill("Browser-new-pass-2026")
    page.get_by_label("Type it again").fill("Browser-new-pass-2026")
    page.get_by_role("button", name="Change password").click()
    empty = {"current_password": "", "new_password": "", "confirm_password": ""}
    refused(page, "current_password", empty, "Error: Account – Steady")
    assert "Not-the-password-1" not in page.content()
    check(page, context, artifacts, "leader-account-error", "Error: Account – Steady")

    group_url = create_group(page, "Browser checks")
    check(page, context, artifacts, "leader-group", "Group – Steady")

    # A mistyped username: the group page again, the name kept, the summary pointing at it.
    page.get_by_label("Username", exact=True).fill("demo-participnat-1")
    page.get_by_label("Name shown to you (optional)").fill("Participant One")
    page.get_by_role("button", name="Enrol").click()
    refused(
        page,
        "username",
        {"username": "demo-participnat-1", "display_name": "Participant One"},
        "Error: Group – Steady",
    )
    check(page, context, artifacts, "leader-group-enrol-error", "Error: Group – Steady")
    page.get_by_label("Username", exact=True).fill("demo-participant-1")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r".*done=enrolled.*"))

    # Nothing chosen in the picker ("Choose…"): refused, the dates kept.
    page.get_by_label("Due date (optional)").fill("2030-01-15")
    page.get_by_role("button", name="Assign", exact=True).click()
    refused(page, "item", {"due_date": "2030-01-15"}, "Error: Group – Steady")
    page.get_by_label("Module or track").select_option("module:thinking-traps")
    page.get_by_label("For", exact=True).select_option(label="Only \u2068Participant One\u2069")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(re.compile(r".*done=assigned.*"))

    # The "no activity for N days" setting: refused with the input kept, then saved.
    page.goto(group_url)
    days = page.get_by_label("Days without activity before a participant needs attention")
    assert days.input_value() == "5"
    days.fill("ten")
    page.get_by_role("button", name="Save", exact=True).click()
    refused(page, "inactive_days", {"inactive_days": "ten"}, "Error: Group – Steady")
    check(page, context, artifacts, "leader-group-attention-days-error", "Error: Group – Steady")
    page.get_by_label("Days without activity before a participant needs attention").fill("7")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*done=attention.*"))
    assert days.input_value() == "7"

    page.goto(group_url)
    page.get_by_label("Group name").fill("")
    page.get_by_role("button", name="Rename").click()
    refused(page, "name", {"name": ""}, "Error: Group – Steady")
    page.get_by_label("Add a group leader").fill("demo-participant-1")
    page.get_by_role("button", name="Add group leader").click()
    refused(
        page, "leader_username", {"leader_username": "demo-participant-1"}, "Error: Group – Steady"
    )
    # A co-leader, named on the page; removing them asks on a page of its own.
    add_participants(local_stack, "Browser-co-leader-2026", "browser-co-leader", role="leaders")
    page.get_by_label("Add a group leader").fill("browser-co-leader")
    page.get_by_role("button", name="Add group leader").click()
    page.wait_for_url(re.compile(r".*done=leader.*"))
    # Said where the page opens, under "Group settings" (walk 20 leader, item 1), in the window.
    said = page.get_by_role("status").filter(has_text="Group leader added.").bounding_box()
    assert said is not None and 0 <= said["y"] <= page.viewport_size["height"] - said["height"]
    page.screenshot(path=str(artifacts / "leader-notice-where-it-opens-1280x800.png"))
    page.get_by_role("link", name="Remove browser-co-leader as a group leader").click()
    page.wait_for_url(re.compile(r".*/leaders/[^/]+/remove$"))
    check(page, context, artifacts, "leader-remove-leader-confirm", "Confirm – Steady")
    page.get_by_role("link", name="Cancel, keep it").click()
    page.wait_for_url(group_url)

    page.goto(group_url)
    page.get_by_role("link", name=re.compile("^Change dates")).first.click()
    page.wait_for_url(re.compile(r".*/assignments/[^/]+/dates$"))
    check(page, context, artifacts, "leader-dates", "Dates – Steady")
    page.get_by_label("Due date").fill("2030-02-01")
    page.evaluate(
        "document.querySelector('#session_date').type = 'text'"
    )  # what an old browser allows
    page.get_by_label("Group session date").fill("next week")
    page.get_by_role("button", name="Save dates").click()
    refused(
        page,
        "session_date",
        {"due_date": "2030-02-01", "session_date": "next week"},
        "Error: Dates – Steady",
    )
    # What was typed is named: a date box cannot hold it (a browser shows it empty).
    assert "“next week” is not a date" in page.locator(".error-summary").inner_text()
    check(page, context, artifacts, "leader-dates-error", "Error: Dates – Steady")
    # Saved, with a warning: due after the session it is read for.
    page.get_by_label("Group session date").fill("2030-01-25")
    page.get_by_role("button", name="Save dates").click()
    page.wait_for_url(re.compile(r".*done=dates.*warn=due_after_session.*"))
    status = page.get_by_role("status").inner_text()
    assert "Dates changed for Thinking traps, for Participant One." in status
    assert "after the session date (Fri 25 Jan)" in status
    # Opened at the warning, with the notice's first line in view too (walk 20 leader, item
    # 1: the page opened at Assignments, the warning far above, out of sight).
    height = page.viewport_size["height"]
    for shown in (page.locator("#warnings"), page.get_by_role("status").locator("p").first):
        box = shown.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, box
    check(page, context, artifacts, "leader-group-date-warning", "Group – Steady")

    # A track paced over sessions (walk 15, problem 6): an interval out of range comes back
    # with the choice and the numbers kept; then assigned, its modules listed with their dates.
    page.goto(group_url)
    page.get_by_label("Module or track").select_option("track:early-recovery")
    page.get_by_label("Group session date (optional)").fill("2030-02-05")
    # What only pacing by session uses shows under that choice once it is chosen, not under
    # "One date for all" (which ignores it).
    assert page.get_by_label("One date for all its modules").is_checked()
    for field in ("Days between sessions", "Modules per session", "Tue"):
        assert not page.get_by_label(field, exact=True).is_visible()
    page.get_by_label("One module per session, from the group session date").check()
    for field in ("Days between sessions", "Modules per session", "Tue"):
        assert page.get_by_label(field, exact=True).is_visible()
    page.get_by_label("Days between sessions").fill("30")
    page.get_by_role("button", name="Assign", exact=True).click()
    refused(
        page,
        "every_days",
        {"every_days": "30", "per_session": "1", "session_date": "2030-02-05"},
        "Error: Group – Steady",
    )
    assert page.get_by_label("One module per session, from the group session date").is_checked()
    check(page, context, artifacts, "leader-group-pace-error", "Error: Group – Steady")
    # Or over the days the group meets on (walk 17, problem 1): Tue 5 Feb is not a Wed or a
    # Thu, so it comes back with the days kept ticked; then unticked, every 7 days as before.
    page.get_by_label("Days between sessions").fill("7")
    page.get_by_label("Wed", exact=True).check()
    page.get_by_label("Thu", exact=True).check()
    page.get_by_role("button", name="Assign", exact=True).click()
    refused(page, "session_date", {"session_date": "2030-02-05"}, "Error: Group – Steady")
    assert (
        "The first session is on a Tuesday; choose it among the meeting days, or tick Tuesday."
        in (page.locator(".error-summary").inner_text())
    )
    assert page.get_by_label("Wed", exact=True).is_checked()
    check(page, context, artifacts, "leader-group-meets-on-error", "Error: Group – Steady")
    page.get_by_label("Wed", exact=True).uncheck()
    page.get_by_label("Thu", exact=True).uncheck()
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(re.compile(r".*done=assigned.*"))
    page.locator("details.track-modules summary").first.click()
    # One module's dates on a page of their own: a bad date comes back, then saved.
    page.get_by_role("link", name=re.compile("^Change dates of Sleep and recovery")).click()
    page.wait_for_url(re.compile(r".*/modules/sleep-and-recovery/dates$"))
    check(page, context, artifacts, "leader-module-dates", "Dates – Steady")
    page.evaluate("document.querySelector('#due_date').type = 'text'")
    page.get_by_label("Due date").fill("someday")
    page.get_by_role("button", name="Save dates").click()
    refused(page, "due_date", {"due_date": "someday"}, "Error: Dates – Steady")
    check(page, context, artifacts, "leader-module-dates-error", "Error: Dates – Steady")
    page.get_by_label("Due date").fill("2030-03-10")
    page.get_by_role("button", name="Save dates").click()
    page.wait_for_url(re.compile(r".*done=module_dates.*"))
    # Left out (walk 15, problem 7): one button, no confirmation, then put back.
    page.locator("details.track-modules summary").first.click()
    page.get_by_role("button", name=re.compile("^Leave out Sleep and recovery")).click()
    page.wait_for_url(re.compile(r".*done=left_out.*"))
    assert "Sleep and recovery is left out" in page.get_by_role("status").inner_text()
    check(page, context, artifacts, "leader-group-left-out", "Group – Steady")
    page.locator("details.track-modules summary").first.click()
    page.get_by_role("button", name=re.compile("^Put back Sleep and recovery")).click()
    page.wait_for_url(re.compile(r".*done=put_back.*"))

    # Correcting the name shown (walk 15, problem 13): a page of its own from the row; an
    # empty name is refused with the summary, then the corrected name is saved.
    page.goto(group_url)
    # The rarer actions are folded under "More actions", named for the participant.
    page.locator("summary", has_text="More actions for Participant One").click()
    page.get_by_role("link", name="Change the name shown for Participant One").click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/name$"))
    check(page, context, artifacts, "leader-participant-name", "Change the name shown – Steady")
    page.get_by_label("Name shown to you").fill("")
    page.get_by_role("button", name="Save the name").click()
    refused(page, "display_name", {"display_name": ""}, "Error: Change the name shown – Steady")
    check(
        page,
        context,
        artifacts,
        "leader-participant-name-error",
        "Error: Change the name shown – Steady",
    )
    # The same name again writes nothing, and says so (walk 17, 10); a corrected one is saved.
    page.get_by_label("Name shown to you").fill("Participant One")
    page.get_by_role("button", name="Save the name").click()
    page.wait_for_url(re.compile(r".*done=participant_name_unchanged.*"))
    assert page.get_by_role("status").inner_text() == "The name is unchanged."
    page.goto(page.url.split("?", 1)[0] + f"/participants/{page.url.rsplit('#p-', 1)[1]}/name")
    page.get_by_label("Name shown to you").fill("Participant One P.")
    page.get_by_role("button", name="Save the name").click()
    page.wait_for_url(re.compile(r".*done=participant_renamed.*"))

    page.goto(group_url)
    page.get_by_role("link", name=re.compile("^Unassign")).first.click()
    page.wait_for_url(re.compile(r".*/assignments/[^/]+/remove$"))
    check(page, context, artifacts, "leader-unassign-confirm", "Confirm – Steady")
    page.get_by_role("link", name="Cancel, keep it").click()
    page.wait_for_url(group_url)
    page.locator(".people summary").first.click()  # "More actions for …"
    page.get_by_role("link", name=re.compile("^Remove")).first.click()
    page.wait_for_url(re.compile(r".*/participants/[^/]+/remove$"))
    check(page, context, artifacts, "leader-remove-confirm", "Confirm – Steady")
    page.goto(group_url + "/archive")
    check(page, context, artifacts, "leader-archive-confirm", "Confirm – Steady")

    page.goto(group_url + "/progress?track=not-a-track")
    refused(page, "track", {}, "Error: Progress – Steady")


def test_a_leader_changes_their_password_and_signs_in_with_the_same_authenticator(
    browser, base_url, artifacts, local_stack
):
    """The whole change in a browser, for a leader of its own (the demo leader's password is
    kept for the other tests): from the menu to the sign-in page that says it is done, then
    the new password and a code from the same authenticator."""
    cognito, stack, _ = local_cognito(local_stack)
    username, password, new = "browser-leader-pw", "Browser-leader-2026", "Browser-changed-2026"
    create_account(cognito, stack, username, password, "leaders")
    secret = enrol_authenticator(cognito, stack, username, password)

    def sign_in_with_code(typed: str) -> None:
        sign_in(page, username, typed)
        page.wait_for_url("**/sign-in/code")
        enter_code(page, secret)
        if page.get_by_role("alert").is_visible():  # the 30-second window turned while typing
            enter_code(page, secret)
        page.wait_for_url("**/leader")

    context, page = new_page(browser, base_url, viewport=DESKTOP)
    sign_in_with_code(password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.wait_for_url("**/leader/account")
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Type it again").fill(new)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/sign-in?done=password_changed")
    expect(page.get_by_role("status")).to_contain_text("Your password is changed.")
    page.goto("/leader")
    page.wait_for_url("**/sign-in")  # this browser is signed out too
    # A sign-in in the very second of the change is ended with the rest (auth_time is in
    # seconds); a person takes longer than that.
    page.wait_for_timeout(1100)
    sign_in(page, username, password)
    assert page.get_by_role("alert").is_visible()  # the old password no longer works
    sign_in_with_code(new)
    expect(page).to_have_title("Groups – Steady")
    context.close()


# Before the big seeded grids below: the groups list slows down with them on a loaded machine.
def test_who_sees_your_records(browser, base_url, leader, artifacts, local_stack):
    """The participant's "Who sees your records" page: sharing what they did before joining a
    group is given and taken back through the form, and the leader's look at the progress grid
    shows up in the list (role and group, never who)."""
    add_participants(local_stack, "Browser-privacy-2026", "browser-privacy")
    leader_context, leader_page = leader
    group_url = create_group(leader_page, "Privacy checks")
    leader_page.get_by_label("Username", exact=True).fill("browser-privacy")
    leader_page.get_by_role("button", name="Enrol").click()
    leader_page.wait_for_url(re.compile(r".*done=enrolled.*"))

    context, page = new_page(browser, base_url)
    sign_in(page, "browser-privacy", "Browser-privacy-2026")
    page.wait_for_url(f"{base_url}/")
    page.goto("/account/privacy")
    expect(page).to_have_title("Who sees your records – Steady")
    group = page.get_by_role("listitem").filter(has_text="Privacy checks")
    assert "Its leaders see only what you did since you joined." in group.inner_text()
    seen = (
        page.get_by_role("row").filter(has_text="A group leader").filter(has_text="Privacy checks")
    )
    before = seen.count()
    assert before >= 1  # the enrolment itself
    group.get_by_role("button", name="Let this group's leaders see what I did before").click()
    page.wait_for_url("**/account/privacy?changed=1")
    assert page.get_by_role("status").inner_text().strip().endswith("Your choice is saved.")
    assert "Its leaders can see what you did before you joined." in group.inner_text()

    leader_page.goto(group_url + "/progress", timeout=90_000)  # a loaded machine
    expect(leader_page).to_have_title("Progress – Steady")

    page.goto("/account/privacy")
    expect(page).to_have_title("Who sees your records – Steady")
    assert seen.count() > before  # the leader's look at the grid
    group.get_by_role("button", name="Stop showing what I did before").click()
    page.wait_for_url("**/account/privacy?changed=1")
    assert page.get_by_role("status").inner_text().strip().endswith("Your choice is saved.")
    assert "Its leaders see only what you did since you joined." in group.inner_text()

    check_page(page, artifacts, "privacy")  # axe at 360, both screenshots, no sideways scroll
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        axe(page, f"privacy-{size['width']}")
        expect(page.get_by_role("link", name="988", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="1-800-662-4357")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, size
    # On a phone each line is a block, the time above who, what and the group (not four
    # columns a few words wide), in Spanish too, nothing off the side at 320 or 360 px, and
    # the lines are still table rows to a screen reader.
    page.goto("/account/privacy?locale=es")
    for width in (320, 360):
        page.set_viewport_size({"width": width, "height": 740})
        line = page.get_by_role("row").filter(has_text="Un líder de grupo").first
        cells = line.get_by_role("cell")
        when, who, what = (cells.nth(n).bounding_box() for n in range(3))
        assert when and who and what
        assert when["y"] + when["height"] <= who["y"] < what["y"], width
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, width
    axe(page, "privacy-es-320")
    context.close()


def _made_up(spec: dict) -> object:  # type: ignore[type-arg]
    """A realistic answer to one worksheet field (the screenshots should read like real use)."""
    kind = spec["kind"]
    if kind == "scale":
        return 6
    if kind == "choice":
        return 0
    if kind == "list":
        if spec.get("item") == "contact":
            return [{"name": "My sister Ana", "phone": "555-0142"}]
        return ["Walk around the block", "Text my sponsor before the store"]
    if kind == "long-text":
        return "After work I drove past the old bar. I called Ana and went home instead."
    return "Payday, and the drive home past the old bar"


def _seed_grid(  # type: ignore[no-untyped-def]
    local_stack, group_url: str, participants: int, modules: int, not_signed_in: int = 0
) -> None:
    """Enrol ``participants`` made-up participants and assign ``modules`` published modules
    straight into the local stack's table (no Cognito accounts needed for a grid); every
    ``not_signed_in``-th participant (0: none) as given a new account that has not signed in."""
    stack = json.loads((local_stack.state_dir / "stack.json").read_text())
    options = {
        "region_name": stack["region"],
        "endpoint_url": stack["endpoint"],
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    dynamodb = boto3.client("dynamodb", **options)
    catalog = json.loads(
        boto3.client("s3", **options)
        .get_object(Bucket=stack["content_bucket"], Key="catalog/en.json")["Body"]
        .read()
    )
    versions = {m["id"]: m["version"] for m in catalog["modules"]}
    module_ids = sorted(versions)[:modules]
    assert len(module_ids) == modules
    clock = Clock("UTC")
    records = GroupRecords(dynamodb, stack["records_table"])
    completions = CompletionRecords(dynamodb, stack["records_table"], clock)
    group_id = group_url.rsplit("/", 1)[1]
    leader_id = records.get(group_id).leaders[0]
    names = [
        "Ana",
        "Ben",
        "Carla",
        "Dev",
        "Eli",
        "Fatima",
        "Greg",
        "Hana",
        "Ivan",
        "Jo",
        "Kai",
        "Luz",
        "Mo",
        "Nia",
        "Omar",
        "Pat",
        "Quinn",
        "Rosa",
        "Sam",
        "Tariq",
    ]
    shown = [f"{names[n % len(names)]} {chr(65 + n // len(names))}." for n in range(participants)]
    people = seed_group(
        records,
        group_id,
        leader_id,
        shown,
        [
            (m, f"2020-0{1 + i // 10}-{1 + i % 10:02d}" if i < 20 else f"2099-01-{i - 19:02d}")
            for i, m in enumerate(module_ids)
        ],
        clock.iso,
    )
    for n, pid in enumerate(people):
        if not_signed_in and n % not_signed_in == 1:  # enrolled again: the same, a new account
            from chalicelib.records.audit import new_entry

            at = clock.iso()
            audit = new_entry(leader_id, ["leaders"], "enrolment.add", at, group_id=group_id)
            records.enrol(group_id, pid, shown[n], at, audit, new_account=True)
    # Every other completion with a knowledge check passed (2 or 3 of 3: nobody needs attention
    # for it), every sixth of those retaken after a first 2 of 3.
    for n, pid in enumerate(people):
        for i, module_id in enumerate(module_ids[: (n * 7) % (modules + 1)]):
            if (n + i) % 2:
                completions.record(pid, module_id, versions[module_id])
                continue
            correct = 2 if i % 3 == 0 else 3
            check = {"answers": [0, 0, 0], "correct": correct, "total": 3}
            completions.record(pid, module_id, versions[module_id], check)
            if i % 6 == 0:
                again = {"answers": [0, 0, 0], "correct": 3, "total": 3}
                completions.record_attempt(pid, module_id, versions[module_id], 2, again)
    # Worksheets: a third done (every other one shared), a third started, a third not yet.
    sheets = WorksheetRecords(dynamodb, stack["records_table"])
    s3 = boto3.client("s3", **options)
    for module_id in module_ids:
        document = json.loads(
            s3.get_object(
                Bucket=stack["content_bucket"], Key=version_key(module_id, versions[module_id])
            )["Body"].read()
        )
        fields = fields_of(document)
        for n, pid in enumerate(people):
            if not fields or n % 3 == 2:
                continue
            now = clock.iso_seconds()
            answers = [
                Answer(
                    field_id=str(f["id"]),
                    value=_made_up(f),
                    version=versions[module_id],
                    locale="en",
                    at=now,
                    kind=str(f["kind"]),
                    label=str(f["label"]),
                    plan=f.get("plan"),
                    item=f.get("item"),
                    choice_text=str(f["choices"][0]) if f["kind"] == "choice" else None,
                )
                for f in (fields if n % 3 == 0 else fields[:1])
            ]
            sheets.save(pid, module_id, answers, [], now)
            if n % 2 == 0:
                sheets.set_shared(pid, module_id, True, now)


GROUPS_LAYOUT = """() => {
    const region = document.querySelector('.table-scroll');
    const table = region.querySelector('table');
    const caption = table.querySelector('caption').getBoundingClientRect();
    const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent);
    const row = table.querySelector('tbody tr');
    return {
        hidden: region.scrollWidth - region.clientWidth,
        caption_right: caption.right,
        width: document.documentElement.clientWidth,
        row_display: getComputedStyle(row).display,
        headers: headers.slice(1),
        labels: [...row.querySelectorAll('td')].map(
            td => getComputedStyle(td, '::before').content),
    };
}"""


def groups_list_fits(page) -> None:  # type: ignore[no-untyped-def]
    """The groups list on a phone: nothing cut off or to scroll sideways to, each group a card
    whose figures are labelled with their column's name; still a table to a screen reader. On a
    laptop: the table as it is, no labels in the cells."""
    page.set_viewport_size(PHONE)
    phone = page.evaluate(GROUPS_LAYOUT)
    assert phone["hidden"] <= 0 and phone["caption_right"] <= phone["width"], phone
    assert phone["row_display"] == "block", phone
    assert phone["labels"] == [f'"{h}: " / ""' for h in phone["headers"]], phone
    row = page.get_by_role("row", name=re.compile(r"Monday morning"))
    assert row.get_by_role("rowheader").count() == 1 and row.get_by_role("cell").count() == 4
    expect(row.get_by_role("cell").first).to_have_accessible_name(re.compile(r"^\s*\d+\s*$"))
    page.set_viewport_size(DESKTOP)
    laptop = page.evaluate(GROUPS_LAYOUT)
    assert laptop["row_display"] == "table-row" and set(laptop["labels"]) == {"none"}, laptop


def test_groups_list_and_the_15_by_30_grid(leader, artifacts, local_stack):
    context, page = leader
    group_url = create_group(page, "Monday morning (15 × 30)")
    _seed_grid(local_stack, group_url, 15, 30)
    page.goto("/leader")
    row = page.get_by_role("row", name=re.compile(r"Monday morning"))
    assert "15" in row.inner_text() and "readings" in row.inner_text()
    check(page, context, artifacts, "leader-groups-list", "Groups – Steady", shots=True)
    groups_list_fits(page)

    page.set_viewport_size(DESKTOP)
    page.goto(group_url + "/progress")
    check(page, context, artifacts, "leader-progress-15x30", "Progress – Steady", shots=True)
    page.set_viewport_size(DESKTOP)
    visible = page.evaluate("""() => {
        const wrap = document.querySelector('.grid-wrap').getBoundingClientRect();
        return [...document.querySelectorAll('th.mod')].filter(th => {
            const r = th.getBoundingClientRect();
            return r.left >= wrap.left && r.right <= Math.min(wrap.right, window.innerWidth);
        }).length;
    }""")
    MEASURED["module_columns_visible_at_1280"] = visible
    assert visible >= 12, visible
    # Walk 15, problem 17: the columns that do not fit are announced above the table.
    cue = page.locator(".grid-more")
    assert cue.is_visible()
    assert cue.inner_text() == "→ Showing 30 modules: scroll the table sideways to see them all."
    # Headings wrap at spaces only: no word broken with a hyphen ("Crav-ings and…").
    assert page.evaluate(
        "[...document.querySelectorAll('.grid .clamp')]"
        ".every(e => getComputedStyle(e).hyphens === 'none')"
    )
    header_height = page.evaluate(
        "document.querySelector('.grid thead tr').getBoundingClientRect().height"
    )
    MEASURED["grid_header_height_px"] = header_height
    assert header_height < 120
    # A row is one line high, "needs attention" or not: the flag is a "!" there (its words
    # are its name and tooltip), so a group of 15 takes half the height it took.
    # A cell that holds all four marks (done, worksheet, the shared one's link, a score) is
    # wider than its 4.25rem column, so its score goes under them: only such a row is taller.
    rows = page.evaluate(
        """[...document.querySelectorAll('.grid tbody tr')].map(r => [
            r.getBoundingClientRect().height,
            [...r.querySelectorAll('td')].some(td => td.querySelector('a.w') && td.querySelector('.kc'))
        ])"""
    )
    heights = [h for h, _ in rows]
    flagged = page.locator(".grid tbody a.flag")
    assert 0 < flagged.count() < 15
    one_line = [h for h, full in rows if not full]
    assert one_line and max(one_line) <= 1.25 * min(heights), rows
    assert all(h <= 1.8 * min(heights) for h in heights), rows
    # A knowledge check's score is seen in its cell, not only in a tooltip ("2/3"; a retake
    # "2→3/3"), and the key says what it is.
    scores = page.locator(".grid td .kc")
    assert scores.count() > 0 and scores.first.is_visible()
    assert re.fullmatch(r"[23]/3|2\u21923/3", scores.first.inner_text())
    assert page.locator(".grid td .kc", has_text="\u2192").count() > 0
    expect(page.locator(".legend")).to_contain_text("beside a mark: knowledge check")
    last = page.evaluate(
        "document.querySelector('.grid tbody tr:last-child').getBoundingClientRect().bottom"
    )
    MEASURED["grid_15_rows_bottom_px_at_1280x800"] = last
    first = flagged.first
    assert re.fullmatch(r"!\s*Needs attention: .+", first.evaluate("a => a.textContent.trim()"))
    who = first.evaluate("a => a.closest('th').firstChild.textContent.trim()")
    # Read alone (a screen reader's list of links), its name says whose and where it leads.
    expect(first).to_have_accessible_name(
        re.compile(rf"^Needs attention: .+ \({re.escape(who)}\): on the group page$")
    )
    first.click()
    page.wait_for_url(re.compile(r".*#p-.+"))
    target = page.evaluate("location.hash.slice(1)")
    arrived = page.locator(f'li[id="{target}"]')
    assert arrived.locator(".row-main").inner_text().startswith(who)
    # ... and stands out from the others.
    page.screenshot(path=str(artifacts / "leader-group-from-grid-flag-1280x800.png"))
    shade = "e => getComputedStyle(e).backgroundColor"
    assert arrived.evaluate(shade) != page.locator(f'li:not([id="{target}"])').first.evaluate(shade)
    page.go_back()
    page.wait_for_url(re.compile(r".*/progress$"))
    # Sticky header row and first column: on a short screen, scroll the grid both ways; the
    # header row and the names stay where they were.
    page.set_viewport_size({"width": 1280, "height": 500})
    before = page.evaluate(STICKY_PLACES)
    scrolled = page.evaluate(SCROLL_GRID)
    assert scrolled[0] > 0 and scrolled[1] > 0, scrolled  # it did scroll, both ways
    assert page.evaluate(STICKY_PLACES) == before

    # On a phone (walk 15 problem 9): not the table but a list, one line per participant that
    # opens their card, before the key; no sideways scroll.
    page.set_viewport_size(PHONE)
    assert not cue.is_visible() and not page.locator(".grid-wrap").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "leader-progress-15x30-360x740-first-screen.png"))
    shot = artifacts / "leader-progress-15x30-360x740-list.png"
    page.screenshot(path=str(shot), full_page=True)
    MEASURED["screenshots"].append(str(shot.relative_to(artifacts.parent)))
    phone = page.evaluate(PHONE_LIST)
    MEASURED["grid_15x30_phone_height_px"] = phone["height"]
    # Before: 22,671 px at 360 (every module of every participant a line in words: 31
    # screens of 740) with the first name at 958 px, after the filters and a 7-line key. Now
    # 15 lines of one or two rows each, the filters and the key: about 2,000 px; 4,000 leaves
    # room for fonts and wrapping, and is still a fifth of before.
    assert phone["height"] < 4000, phone
    assert phone["first_top"] < PHONE["height"], phone  # the first participant on screen one
    assert phone["key_top"] > phone["list_bottom"], phone  # the key after the participants
    summaries = page.locator(".plist > li > details > summary")
    expect(summaries).to_have_count(15)
    line = re.compile(
        r"^(?P<name>.+?) (?P<done>\d+) of 30 done(, (?P<older>\d+) completed an older version)?"
        r"(, (?P<late>\d+) overdue)?"
        r"(, needs attention)?(, has not signed in yet)?$"
    )
    for n in range(15):
        summary = summaries.nth(n)
        found = line.match(summary.inner_text().strip())
        assert found, summary.inner_text()
        box = summary.bounding_box()
        assert box is not None and 44 <= box["height"] <= 80, box  # a tap target, two rows at most
        summary.click()  # each line opens its card ...
        card = page.evaluate(PHONE_CARD, n)
        assert card["open"], card
        lines = card["lines"]
        done = [x for x in lines if x["cls"] == "d"]
        late = [x for x in lines if x["cls"] == "o"]
        assert len(done) == int(found["done"]), card
        assert len(late) == int(found["late"] or 0), card
        older = [x for x in lines if x["cls"] == "v"]
        assert len(older) == int(found["older"] or 0), card
        # What matters first: overdue, then older versions, completed; the rest folded in one
        # line, last: "12 not started, due 1–10 Jan".
        order = "".join(x["cls"][0] for x in lines)
        assert re.fullmatch(r"o*v*d*n*f?", order), card
        assert all(re.search(r": Overdue, due\s\d{1,2}\s[A-Z][a-z]{2}\b", x["text"]) for x in late)
        assert all(re.search(r": Completed \d{1,2}\s[A-Z][a-z]{2}\b", x["text"]) for x in done)
        if order.endswith("f"):
            assert re.fullmatch(
                r"\d+ not started, due\s(\d{1,2}–)?\d{1,2}\sJan", lines[-1]["text"]
            ), card
        # Dates one way, "1 Dec": no weekday, no year.
        assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|\b20\d\d\b", card["text"]), card
        if n == 1:
            opened = artifacts / "leader-progress-15x30-360x740-card-open.png"
            page.screenshot(path=str(opened), full_page=True)
            MEASURED["screenshots"].append(str(opened.relative_to(artifacts.parent)))
            page.locator(".plist > li").nth(1).screenshot(
                path=str(artifacts / "leader-progress-15x30-360-card.png")
            )
            axe(page, "leader-progress-15x30-card-open-360")
            fold = page.locator(".plist > li").nth(1).locator("li.n > details > summary")
            if fold.count():
                fold.click()  # the folded modules, each with its date
                axe(page, "leader-progress-15x30-card-folded-open-360")
                assert page.locator(".plist > li").nth(1).locator("li.n li.n").first.is_visible()
        summary.click()  # ... and closes it
    # A flagged participant's card says why, linking to the group page where it can be marked.
    flagged = page.locator(".plist > li", has_text="needs attention").first
    flagged.locator("summary").first.click()
    why = flagged.locator("a.flag")
    expect(why).to_have_accessible_name(
        re.compile(r"^Needs attention: .+: on the group page \(.+\)$")
    )
    page.set_viewport_size({"width": 320, "height": 740})
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.set_viewport_size(PHONE)
    flagged.locator("summary").first.click()
    # The table's flag says why in words on paper, at any width.
    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="print")
    printed = page.locator(".grid tbody a.flag .vh").first.bounding_box()
    assert not page.locator(".plist").is_visible()  # paper gets the table
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    assert printed is not None and printed["width"] > 50, printed
    # Worksheets: an icon with words for screen readers, and a key with the counts.
    assert page.locator(".grid td .w").count() > 0
    key = page.locator(".legend").inner_text()
    assert "Worksheet done" in key and "Worksheet shared with you" in key
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )

    page.goto(group_url + "/progress?overdue=yes&sort=overdue")
    check(page, context, artifacts, "leader-progress-filtered", "Progress – Steady")
    names = page.locator(".grid tbody th").all_inner_texts()
    assert 0 < len(names) < 15

    # A shared worksheet's ✉ leads to its answers: the participant's card on Before the session.
    page.set_viewport_size(DESKTOP)
    page.goto(group_url + "/progress")
    shared = page.locator(".grid tbody a.w").first
    expect(shared).to_have_accessible_name("Read the shared answers")
    box = shared.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24, box
    who = shared.evaluate("a => a.closest('tr').querySelector('th').firstChild.textContent.trim()")
    shared.click()
    page.wait_for_url(re.compile(r".*/before-session\?module=[^#]+#p-.+"))
    target = page.evaluate("location.hash.slice(1)")
    card = page.locator(f'li.card[id="{target}"]')
    assert card.locator("h3").inner_text() == who
    assert card.locator("dl.answers dt").count() > 0  # what they shared
    shade = "e => getComputedStyle(e).backgroundColor"
    assert card.evaluate(shade) != page.locator(f'li.card:not([id="{target}"])').first.evaluate(
        shade
    )


def test_the_group_page_of_15_on_a_phone(leader, artifacts, local_stack):
    """Walk 15 item 19.14: on a phone each participant took ~180 px (their four links on
    lines of their own) and the Enrol and Assign forms were far below. Now a row is its name
    and flags, then Mark as seen, Assign and "More actions", and links at the top lead to the
    forms."""
    context, page = leader
    group_url = create_group(page, "Phone group of 15")
    _seed_grid(local_stack, group_url, 15, 30, not_signed_in=3)
    page.set_viewport_size(PHONE)
    page.goto(group_url)
    check(page, context, artifacts, "leader-group-15", "Group – Steady")
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    closed = artifacts / "leader-group-15-360x740.png"
    page.screenshot(path=str(closed), full_page=True)
    MEASURED["screenshots"].append(str(closed.relative_to(artifacts.parent)))
    layout = page.evaluate("""() => ({
        rows: [...document.querySelectorAll('.people > li')].map(
            li => li.getBoundingClientRect().height),
        plain: [...document.querySelectorAll('.people > li')].filter(
            li => !li.querySelector('.flag')).map(li => li.getBoundingClientRect().height),
        list: document.querySelector('.people').getBoundingClientRect().height,
        jump: document.querySelector('.jump').getBoundingClientRect().bottom + scrollY,
        total: document.documentElement.scrollHeight,
    })""")
    MEASURED["group_15_phone_participants_px"] = layout["list"]
    MEASURED["group_15_phone_page_px"] = layout["total"]
    # Before: 3,867 px for these 15 rows (the whole page 10,553 px), 206 to 284 px a row.
    # Now two lines, 92 px; a "needs attention" row adds its reason's line and its Mark as
    # seen button: 170 px. Bounds with room for fonts.
    # "Has not signed in yet" (every third row here) adds a line: 119 px, 197 with both flags.
    flagged = page.locator(".people > li", has=page.locator(".flag.attention")).count()
    assert 0 < flagged < 15
    assert len(layout["rows"]) == 15 and layout["plain"], layout
    assert max(layout["plain"]) <= 110, layout
    assert max(layout["rows"]) <= 220, layout
    assert layout["list"] < 0.7 * 3867, layout
    assert layout["jump"] < PHONE["height"], layout  # the links to the forms on screen one
    for link, heading in (
        ("Enrol", "enrol"),
        ("Assign", "assign"),
        ("Participants", "participants"),
    ):
        page.locator(".jump").get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(re.compile(rf".*#{heading}$"))
        box = page.locator(f"#{heading}").bounding_box()
        assert box is not None and -1 <= box["y"] < PHONE["height"], (link, box)
    # Every action is there without JavaScript, named for its participant.
    more = page.get_by_text("More actions for Ben A.")
    expect(more).to_have_count(1)
    page.locator("summary", has_text="More actions for Ben A.").click()
    for name in (
        "Give a new temporary password to Ben A.",
        "Change the name shown for Ben A.",
        "Remove Ben A.",
    ):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Assign to Ben A.", exact=True)).to_be_visible()
    axe(page, "leader-group-15-more-open-360")
    opened = artifacts / "leader-group-15-360x740-more-open.png"
    page.locator(".people").screenshot(path=str(opened))
    MEASURED["screenshots"].append(str(opened.relative_to(artifacts.parent)))
    page.set_viewport_size({"width": 320, "height": 740})
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.set_viewport_size(DESKTOP)
    page.locator("#participants").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "leader-group-15-1280x800-more-open.png"))
    # Counsellor walk-through: at 1280 px, rows with "Has not signed in yet" put Assign / More
    # actions on a second line for some names only. Now each row's actions start at the same x,
    # beside the name, whether or not the row has that flag (or another).
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        rows = page.evaluate("""() => [...document.querySelectorAll('.people > li')].map(li => {
            const main = li.querySelector('.row-main').getBoundingClientRect();
            const acts = li.querySelector('.row-actions').getBoundingClientRect();
            return {new: !!li.querySelector('.flag.new'), x: acts.left,
                    beside: acts.top < main.bottom - 1};
        })""")
        assert {r["new"] for r in rows} == {True, False}, rows
        assert len({round(r["x"]) for r in rows}) == 1, (size, rows)
        # Beside the name at 1280 px; under it on a phone, for every row alike.
        assert {r["beside"] for r in rows} == {size is DESKTOP}, (size, rows)


def test_a_track_of_8_uses_the_width_at_1280_and_the_filter_reads_whole_at_360(leader, artifacts):
    """The walk's item 8: 8 module headings cut short ("Crav-ings and…") while the table used
    920 of 1280 px; on a phone the Modules filter read "Everything as…"."""
    context, page = leader
    group_url = create_group(page, "Track of 8")
    for username in ("demo-participant-1", "demo-participant-2"):
        page.get_by_label("Username", exact=True).fill(username)
        page.get_by_role("button", name="Enrol").click()
        page.wait_for_url(re.compile(r".*done=enrolled.*"))
    page.select_option("#item", "track:early-recovery")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(re.compile(r".*done=assigned.*"))
    page.set_viewport_size(DESKTOP)
    page.goto(group_url + "/progress")
    page.screenshot(path=str(artifacts / "leader-progress-8-1280x800.png"), full_page=True)
    assert page.locator(".grid-more").count() == 0  # 8 columns fit: no word about scrolling
    layout = page.evaluate("""() => ({
        table: document.querySelector('.grid').getBoundingClientRect().width,
        room: document.querySelector('main').clientWidth,
        cut: [...document.querySelectorAll('th.mod .clamp')]
            .filter(e => e.scrollHeight > e.clientHeight + 1).map(e => e.textContent),
        lines: [...document.querySelectorAll('th.mod .clamp')].map(e =>
            Math.round(e.getBoundingClientRect().height
                / parseFloat(getComputedStyle(e).lineHeight))),
    })""")
    assert layout["cut"] == [], layout
    assert layout["table"] > 0.9 * (layout["room"] - 32), layout  # the room is used
    assert max(layout["lines"]) <= 3, layout
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "leader-progress-8-360x740.png"))
    fits = page.evaluate("""() => {
        const select = document.querySelector('#track');
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(select).font;
        probe.textContent = select.options[select.selectedIndex].text;
        document.body.append(probe);
        const text = probe.getBoundingClientRect().width;
        probe.remove();
        return {text, room: select.clientWidth};
    }""")
    assert fits["text"] + 40 < fits["room"], fits  # its words and the arrow


def test_a_reason_marked_as_seen_on_the_group_page(leader, artifacts, local_stack):
    context, page = leader
    group_url = create_group(page, "Needs attention checks")
    # Ana has all 3 modules overdue, Ben none, Carla 1: only Ana needs attention.
    _seed_grid(local_stack, group_url, 3, 3)
    page.goto(group_url)
    seen = re.compile(r"^Mark as seen: 3 overdue \(Ana A\.\)$")
    expect(page.get_by_role("button", name=re.compile("^Mark as seen"))).to_have_count(1)
    check(page, context, artifacts, "leader-group-attention", "Group – Steady", shots=True)

    # The situation changed while the page was open: nothing marked, the page says so and its
    # summary links to the reason's button.
    page.evaluate("document.querySelector('form.seen input[name=fingerprint]').value = 'stale'")
    page.get_by_role("button", name=seen).click()
    expect(page).to_have_title("Error: Group – Steady")
    summary = page.locator(".error-summary")
    assert "The situation changed since you looked" in summary.inner_text()
    summary.locator("a").click()
    assert page.evaluate("document.activeElement.id").startswith("seen-")
    check(page, context, artifacts, "leader-group-attention-error", "Error: Group – Steady")

    page.get_by_role("button", name=seen).click()
    page.wait_for_url(re.compile(r".*done=seen.*"))
    assert "Marked as seen" in page.get_by_role("status").inner_text()
    expect(page.get_by_role("button", name=re.compile("^Mark as seen"))).to_have_count(0)
    assert page.get_by_text("Needs attention:").count() == 0


def test_before_the_session_from_the_group_page(leader, artifacts, local_stack):
    """The group page links "Before the session" per assigned module with a worksheet; the page
    at 360 px and 1280 px passes axe, and a module that cannot be shown comes back as an error."""
    context, page = leader
    group_url = create_group(page, "Thursday evening")
    _seed_grid(local_stack, group_url, 9, 30)
    page.goto(group_url)
    expect(page).to_have_title("Group – Steady")
    page.get_by_role("link", name="Worksheets: Cravings and urge surfing").click()
    page.wait_for_url("**/before-session?module=cravings-and-urge-surfing")
    expect(page).to_have_title("Before the session – Steady")
    page.set_viewport_size(PHONE)
    check(page, context, artifacts, "leader-before-session", "Before the session – Steady", True)
    page.set_viewport_size(PHONE)
    assert page.locator(".card").count() == 9
    assert "3 of 9 did the worksheet, 3 started it; 3 shared it." in page.inner_text("main")
    assert page.locator(".card dl").count() >= 2  # the shared answers, under their labels
    # Each question stands out from its answer.
    weight = "e => parseInt(getComputedStyle(e).fontWeight, 10)"
    assert page.locator(".card dl.answers dt").first.evaluate(weight) >= 600
    assert page.locator(".card dl.answers dd").first.evaluate(weight) < 600
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.screenshot(path=str(artifacts / "leader-before-session-360x740-first-screen.png"))
    # The picker offers only modules with a worksheet; choosing one shows it.
    options = page.locator("#module option").all_inner_texts()
    assert "Cravings and urge surfing" in options and "Thinking traps" not in options
    page.goto(group_url + "/before-session?module=thinking-traps")
    check(
        page,
        context,
        artifacts,
        "leader-before-session-refused",
        "Error: Before the session – Steady",
    )
    assert page.locator(".error-summary a[href='#module']").count() == 1


def test_a_long_name_without_spaces_and_a_right_to_left_name_keep_the_groups_list_whole(
    leader, artifacts
):
    """Walk 17, items 5 and 9: an 80-character name with no spaces (a pasted id or address)
    wraps in its cell, so every column of "Your groups" stays on a 1280 px screen; a Hebrew
    name beside the Archived badge leaves the badge reading "Archived"."""
    context, page = leader
    long_name = "https://example.org/intake/" + "x" * 53
    create_group(page, long_name)
    page.set_viewport_size(DESKTOP)
    heading = page.evaluate(
        "(() => { const h = document.querySelector('h1').getBoundingClientRect();"
        " return [h.right, document.documentElement.clientWidth]; })()"
    )
    assert heading[0] <= heading[1], heading
    rtl_url = create_group(page, "מפגש שלישי")
    page.goto(rtl_url + "/archive")
    page.get_by_role("button", name="Archive the group").click()
    page.wait_for_url(re.compile(r".*done=archived"))
    page.goto("/leader")
    check(page, context, artifacts, "leader-groups-long-names", "Groups – Steady", shots=True)
    page.set_viewport_size(DESKTOP)
    layout = page.evaluate(GROUPS_LAYOUT)
    assert layout["hidden"] <= 0 and layout["caption_right"] <= layout["width"], layout
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.groups thead th')]"
        ".map(th => th.getBoundingClientRect().right))"
    )
    assert right <= layout["width"], right
    row = page.get_by_role("row", name=re.compile("מפגש שלישי"))
    # The badge is drawn after the name, left to right, as it reads: not "devihcrA".
    name_box = row.locator("bdi").bounding_box()
    badge_box = row.locator(".tag").bounding_box()
    assert name_box is not None and badge_box is not None
    # On the name's line it is to its right; where the cell is narrow (how wide depends on the
    # other groups on the list, made by the tests run before on this worker) it wraps below.
    below = badge_box["y"] >= name_box["y"] + name_box["height"] - 1
    assert below or badge_box["x"] >= name_box["x"] + name_box["width"] - 1, (name_box, badge_box)


def test_zz_write_leader_measurements(artifacts):
    (artifacts / "leader-measurements.json").write_text(json.dumps(MEASURED, indent=2))
    assert sum(MEASURED["axe_violations"].values()) == 0
    titles = {n: t for n, t in MEASURED["titles"].items() if not t.startswith("Error")}
    assert len(set(titles.values())) >= 6  # Groups, Group, Dates, Confirm, Progress, Account
