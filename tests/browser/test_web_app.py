"""The web app in a real browser: a participant reads and completes a module; a group leader
creates a group, enrols them, assigns a module, sees the completion and downloads the CSV.

Every page is checked with axe-core (WCAG 2.2 AA tags: 0 violations), at 320 px for horizontal
scrolling, and photographed at 360×740 and 1280×800 into test-artifacts/.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import boto3
import pytest

from chalicelib.library import lesson_code
from steady_local import totp
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.server

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
MODULE = "cravings-and-urge-surfing"
LESSON = f"/lesson/{lesson_code(MODULE)}"
PAGE_WEIGHT_LIMIT = 30 * 1024
MEASURED: dict = {"axe_violations": {}, "screenshots": []}


def check_page(page, artifacts: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core with WCAG 2.2 AA tags (0 violations), no horizontal scroll at 320 px, screenshots."""
    violations = [(v["id"], v["help"], v["targets"][:3]) for v in axe_violations(page)]
    MEASURED["axe_violations"][name] = len(violations)
    assert violations == [], f"{name}: {violations}"
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        path = artifacts / f"{name}-{size['width']}x{size['height']}.png"
        page.screenshot(path=str(path), full_page=True)
        MEASURED["screenshots"].append(str(path.relative_to(artifacts.parent)))
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways at 320 px by {overflow} px"
    assert page.title().endswith("Steady"), page.title()
    assert "988" in page.inner_text("body") and "1-800-662-4357" in page.inner_text("body")
    page.set_viewport_size(PHONE)


def new_page(browser, base_url: str, **options):  # type: ignore[no-untyped-def]
    # bypass_csp only lets the test inject axe-core; the app's own pages run no script.
    options.setdefault("viewport", PHONE)
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, accept_downloads=True, **options
    )
    return context, context.new_page()


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_participant_reads_and_completes_a_module(browser, base_url, artifacts):
    context, page = new_page(browser, base_url)
    page.goto("/")
    assert page.url.endswith("/sign-in")
    check_page(page, artifacts, "sign-in")
    sign_in(page, "demo-participant-1", "not-the-password")
    assert page.get_by_role("alert").is_visible()
    check_page(page, artifacts, "sign-in-error")
    sign_in(page, "demo-participant-1", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    check_page(page, artifacts, "participant-home")
    page.goto(f"/read/{MODULE}")  # an old address: redirected to the lesson's opaque one
    page.wait_for_url(f"**{LESSON}")
    assert page.get_by_role("heading", level=1).inner_text() == "Cravings and urge surfing"
    assert page.get_by_text("On this page").is_visible()
    check_page(page, artifacts, "module")
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url(f"**{LESSON}#complete")
    assert "You marked this complete" in page.inner_text("#complete")
    check_page(page, artifacts, "module-completed")
    context.close()


def test_module_page_weight_dark_mode_and_print(browser, base_url, artifacts):
    context, page = new_page(browser, base_url, color_scheme="dark")
    sign_in(page, "demo-participant-1", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    html = context.request.get(f"{base_url}{LESSON}").body()
    css_url = re.search(rb'href="(/static/steady\.css\?v=[0-9a-f]+)"', html).group(1).decode()
    css = context.request.get(base_url + css_url).body()
    weight = len(gzip.compress(html)) + len(gzip.compress(css))
    MEASURED["module_page"] = {
        "html_bytes": len(html),
        "css_bytes": len(css),
        "js_bytes": 0,
        "gzip_total_bytes": weight,
    }
    assert weight <= PAGE_WEIGHT_LIMIT, f"module page transfers {weight} bytes compressed"
    page.goto(LESSON)
    check_page(page, artifacts, "module-dark")
    page.emulate_media(media="print", color_scheme="light")
    page.screenshot(path=str(artifacts / "module-print.png"), full_page=True)
    assert not page.get_by_role("button", name="Mark as complete").is_visible()
    page.emulate_media(media="screen", color_scheme="light")
    page.get_by_role("link", name="Leer en español").click()
    page.wait_for_url(f"**{LESSON}?locale=es")
    assert page.locator("html").get_attribute("lang") == "es"
    check_page(page, artifacts, "module-spanish")
    # The choice is kept: the library from the menu is Spanish too, until "English" is chosen.
    page.get_by_role("link", name="Biblioteca", exact=True).click()
    page.wait_for_url("**/library")
    assert page.locator("html").get_attribute("lang") == "es"
    check_page(page, artifacts, "library-spanish")
    # Kept with the account too: another browser (a new phone) signs in to Spanish pages.
    assert signed_in_language(browser, base_url) == ("es", "Su lectura")
    # A lesson with no Spanish version: its English text on a page that stays Spanish.
    page.get_by_role("link", name="Medications for addiction treatment", exact=True).click()
    page.wait_for_url("**/lesson/*")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.get_by_text("Este módulo todavía no está en español.").is_visible()
    check_page(page, artifacts, "lesson-untranslated-spanish")
    page.get_by_role("link", name="Biblioteca", exact=True).click()
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url("**/library?locale=en")
    assert page.locator("html").get_attribute("lang") == "en"
    # English again is kept too.
    assert signed_in_language(browser, base_url) == ("en", "Your reading")
    context.close()


def signed_in_language(browser, base_url: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The language of the first page demo-participant-1 sees after signing in from a new
    browser (no cookies; it asks for English), and that page's heading."""
    context, page = new_page(browser, base_url)
    sign_in(page, "demo-participant-1", "Demo-participant-2026")
    page.wait_for_url(f"{base_url}/")
    found = (
        str(page.locator("html").get_attribute("lang")),
        page.get_by_role("heading", level=1).inner_text(),
    )
    context.close()
    return found


def enter_code(page, secret: str) -> None:  # type: ignore[no-untyped-def]
    """Type the authenticator code, as a person reads it off their phone."""
    page.get_by_label("6-digit code").fill(totp.code(secret))
    page.get_by_role("button", name=re.compile("Sign in|Turn on two-step sign-in")).click()


def test_leader_assigns_and_sees_the_completion(browser, base_url, artifacts, local_stack):
    context, page = new_page(browser, base_url, viewport=DESKTOP)
    sign_in(page, "demo-leader", "Demo-leader-2026")
    page.wait_for_url("**/sign-in/code")
    check_page(page, artifacts, "sign-in-code")
    secret = json.loads((local_stack.state_dir / "authenticators.json").read_text())["demo-leader"]
    enter_code(page, secret)
    if page.get_by_role("alert").is_visible():  # the 30-second window turned while typing
        enter_code(page, secret)
    page.wait_for_url("**/leader")
    check_page(page, artifacts, "leader-groups")
    page.get_by_label("Group name").fill("Tuesday evening")
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url(re.compile(r".*/leader/groups/[0-9a-f]{32}$"))
    group_url = page.url
    check_page(page, artifacts, "leader-group")
    page.get_by_label("Username", exact=True).fill("demo-participant-1")
    page.get_by_label("Name shown to you (optional)").fill("Participant One")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(f"{group_url}?done=enrolled#participants")  # back at the list
    page.get_by_label("Module or track").select_option(f"module:{MODULE}")
    page.get_by_label("Due date (optional)").fill("2030-01-15")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(  # the assignment named, for warnings about its dates (none here)
        re.compile(re.escape(group_url) + r"\?done=assigned&assignment=[0-9a-f]{32}#assignments$")
    )
    assert "Participant One" in page.inner_text("main")
    page.get_by_role("link", name="See progress").click()
    page.wait_for_url("**/progress")
    # On a phone, a line for them that opens their card; wider, their row in the table.
    line = page.locator(".plist summary", has_text="Participant One")
    assert re.fullmatch(r"Participant One 0 of 1 done", line.inner_text().strip())
    line.click()
    card = page.locator(".plist > li", has_text="Participant One").inner_text()
    assert "1 not started, due\u00a015\u00a0Jan" in card and "Completed" not in card, card
    page.set_viewport_size(DESKTOP)
    row = page.get_by_role("row", name=re.compile("Participant One"))
    # The demo participant completed the module before joining this group: the visibility
    # rule (statuses.visible_to_leaders) keeps that from the group's leaders.
    assert "Not started" in row.inner_text() and "Done" not in row.inner_text()
    check_page(page, artifacts, "leader-progress")
    # A group with one module: the table is as wide as its columns, not stretched to the page
    # (the names and totals kept their width, the module column its 4.25 rem).
    page.set_viewport_size(DESKTOP)
    widths = page.evaluate(
        "[...document.querySelectorAll('.grid thead th')].map(th => th.offsetWidth)"
    )
    assert len(widths) == 5 and max(widths) <= 200, widths
    # ... and so is its frame.
    assert (
        page.evaluate(
            "document.querySelector('.grid-wrap').offsetWidth - "
            "document.querySelector('.grid').offsetWidth"
        )
        <= 2
    )
    page.set_viewport_size(PHONE)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    # Named after the start of the group's id and the day, never the group's name
    # (chalicelib.dashboard.progress_filename).
    assert re.fullmatch(r"progress-[a-z0-9]{8}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    csv_path = artifacts / "group-progress.csv"
    download.save_as(str(csv_path))
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel reads it as UTF-8
    text = raw.decode("utf-8-sig")
    assert "Participant One" in text and "Done (version" not in text  # the same rule in the CSV
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as one row per module (for spreadsheets)").click()
    long = download_info.value
    assert re.fullmatch(
        r"progress-by-module-[a-z0-9]{8}-\d{4}-\d{2}-\d{2}\.csv", long.suggested_filename
    )
    long_path = artifacts / "group-progress-by-module.csv"
    long.save_as(str(long_path))
    text = long_path.read_bytes().decode("utf-8-sig")
    assert text.startswith("Participant ID,") and "Participant One" in text
    assert ",Done," not in text  # the same rule in the long form

    # A new participant's first sign-in: the leader creates the account, they choose a password.
    page.goto(group_url)
    page.get_by_label("Username", exact=True).fill("browser-newcomer")
    page.get_by_label("Create a new account with this username").check()
    page.get_by_role("button", name="Enrol").click()
    password = page.locator(".handout .temporary-password").inner_text()
    check_page(page, artifacts, "leader-enrolled-new-account")
    context.close()

    context, page = new_page(browser, base_url)
    sign_in(page, "browser-newcomer", password)
    page.wait_for_url("**/sign-in/new-password")
    check_page(page, artifacts, "new-password")
    page.get_by_label("New password", exact=True).fill("Newcomer-pass-2026")
    page.get_by_label("Type it again").fill("Newcomer-pass-2026")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"{base_url}/")
    assert "Cravings and urge surfing" in page.inner_text("#next-up ~ *")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in?done=signed_out")
    assert "You are signed out." in page.inner_text("main")
    page.goto("/")
    assert page.url.endswith("/sign-in")
    context.close()


def test_new_leader_sets_up_two_step_sign_in(browser, base_url, artifacts, local_stack):
    stack_info = json.loads((local_stack.state_dir / "stack.json").read_text())
    cognito = boto3.client(
        "cognito-idp",
        region_name=stack_info["region"],
        endpoint_url=stack_info["endpoint"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    cognito.admin_create_user(
        UserPoolId=stack_info["user_pool_id"],
        Username="browser-new-leader",
        TemporaryPassword="Temporary-pass-2026",
        MessageAction="SUPPRESS",
    )
    cognito.admin_add_user_to_group(
        UserPoolId=stack_info["user_pool_id"], Username="browser-new-leader", GroupName="leaders"
    )
    context, page = new_page(browser, base_url)
    sign_in(page, "browser-new-leader", "Temporary-pass-2026")
    page.wait_for_url("**/sign-in/new-password")
    page.get_by_label("New password", exact=True).fill("New-leader-pass-2026")
    page.get_by_label("Type it again").fill("New-leader-pass-2026")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/account/authenticator")
    assert page.locator("svg.qr").is_visible()
    check_page(page, artifacts, "authenticator-setup")
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("6-digit code").fill("000000" if totp.code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("alert").is_visible()
    check_page(page, artifacts, "authenticator-setup-error")
    enter_code(page, secret)
    if page.get_by_role("alert").is_visible():  # the 30-second window turned while typing
        enter_code(page, secret)
    page.wait_for_url("**/leader?done=two_step_on")
    assert page.get_by_role("heading", level=1).is_visible()
    assert "Two-step sign-in is on." in page.get_by_role("status").first.inner_text()
    context.close()


def test_a_spanish_phone_gets_the_home_page_in_spanish(browser, base_url, artifacts):
    context, page = new_page(browser, base_url, locale="es-US")  # Accept-Language: es-US
    page.goto("/sign-in")
    check_page(page, artifacts, "sign-in-spanish")
    page.get_by_label("Nombre de usuario").fill("demo-participant-2")
    page.get_by_label("Contraseña").fill("Demo-participant-2026")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base_url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Su lectura").is_visible()
    check_page(page, artifacts, "home-spanish")
    context.close()


def test_zz_write_measurements(artifacts):
    """Record the figures for the issue's quality bars (runs last in this file)."""
    (artifacts / "measurements.json").write_text(json.dumps(MEASURED, indent=2))
    assert sum(MEASURED["axe_violations"].values()) == 0
