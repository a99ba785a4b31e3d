"""The reminders page in a real browser: confirm an email with the code it receives, turn
reminders on, get an error back without losing anything; axe-core 0 violations (WCAG 2.2 AA)
in English and in Spanish."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import add_participants, local_cognito
from tests.browser.test_web_app import check_page, new_page, sign_in

pytestmark = pytest.mark.server
PASSWORD = "Browser-reminders-2026"


def outbox(endpoint: str) -> list[dict]:
    with urllib.request.urlopen(f"{endpoint}/steady-outbox", timeout=5) as answer:  # noqa: S310 (local moto)
        return json.loads(answer.read())["messages"]


@pytest.fixture(scope="module")
def reminder_account(local_stack):  # type: ignore[no-untyped-def]
    return add_participants(local_stack, PASSWORD, "browser-reminders", "browser-recordatorios")


def test_a_participant_sets_up_email_reminders(browser, base_url, artifacts, reminder_account):
    context, page = new_page(browser, base_url)
    sign_in(page, "browser-reminders", PASSWORD)
    page.wait_for_url(f"{base_url}/")
    page.get_by_role("link", name="Account").click()
    page.wait_for_url("**/account/reminders")
    check_page(page, artifacts, "reminders")
    # Turning on before an address is confirmed: the form comes back, choices kept, a summary.
    page.get_by_label("Send me reminders").check()
    page.get_by_label("At what time").select_option("07:45")
    page.get_by_label("Saturday").check()
    page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "confirm" in alert.inner_text().lower()
    assert page.get_by_label("At what time").input_value() == "07:45"
    assert (
        page.get_by_label("Saturday").is_checked()
        and page.get_by_label("Send me reminders").is_checked()
    )
    check_page(page, artifacts, "reminders-error")
    # Confirm an email with the code that arrives there.
    page.get_by_label("New email address").fill("browser.reader@example.org")
    page.get_by_role("button", name="Send a code").click()
    page.wait_for_url("**/account/reminders?done=code_sent*")
    mail = [m for m in outbox(reminder_account) if "browser.reader@example.org" in m["to"]][-1]
    assert "code" in mail["body"].lower()
    code = re.search(r"\d{6}", mail["body"]).group()
    page.get_by_label(re.compile("The 6-digit code we sent to")).fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/account/reminders?done=confirmed")
    assert "b***@e***.org" in page.inner_text("main")
    page.get_by_label("Send me reminders").check()
    page.get_by_label("At what time").select_option("07:45")
    page.get_by_label("Every day while something is due").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/account/reminders?done=saved")
    assert page.get_by_role("status").inner_text() == "Saved."
    assert page.get_by_label("Send me reminders").is_checked()
    assert page.get_by_label("At what time").input_value() == "07:45"
    check_page(page, artifacts, "reminders-saved")
    # The plan reminder, once a week on the day chosen, at the same time.
    page.get_by_label("Once a week").check()
    page.get_by_label("Day of the week").select_option("thu")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/account/reminders?done=saved")
    assert page.get_by_label("Once a week").is_checked()
    assert page.get_by_label("Day of the week").input_value() == "thu"
    check_page(page, artifacts, "reminders-plan-saved")

    # Deleting the contact details: refused without the ticked box (nothing deleted, a summary
    # linking to the box), then done; reminders are off and the other choices stay.
    page.get_by_role("button", name="Delete my email and phone number").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    assert "b***@e***.org" in page.inner_text("main")
    page.get_by_role("alert").get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "forget"
    check_page(page, artifacts, "reminders-forget-error")
    # Its long label wraps at 360 px: the box keeps the 20 px of every other checkbox.
    box = page.locator("#forget").bounding_box()
    assert box and box["width"] >= 20 and box["height"] >= 20, box
    page.get_by_label("I understand that reminders stop").check()
    page.get_by_role("button", name="Delete my email and phone number").click()
    page.wait_for_url("**/account/reminders?done=contact_deleted")
    assert "Reminders are off" in page.get_by_role("status").inner_text()
    assert "b***@e***.org" not in page.inner_text("main")
    assert not page.get_by_label("Send me reminders").is_checked()
    assert page.get_by_label("No, thanks").is_checked()  # the plan reminder is off too
    assert page.get_by_label("At what time").input_value() == "07:45"
    check_page(page, artifacts, "reminders-contact-deleted")
    context.close()


def test_the_reminders_page_in_spanish(browser, base_url, artifacts, reminder_account):
    context, page = new_page(browser, base_url, locale="es-US")
    page.goto("/sign-in")
    page.get_by_label("Nombre de usuario").fill("browser-recordatorios")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base_url}/")
    page.get_by_role("link", name="Cuenta").click()
    page.wait_for_url("**/account/reminders")
    assert page.locator("html").get_attribute("lang") == "es"
    check_page(page, artifacts, "reminders-spanish")
    page.get_by_label("Nuevo número de móvil").fill("12")
    page.get_by_role("button", name="Enviar un código").click()
    assert "código del país" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Nuevo número de móvil").input_value() == "12"
    check_page(page, artifacts, "reminders-spanish-error")
    context.close()


def test_the_stop_page_says_what_still_comes(browser, base_url, artifacts, local_stack):
    """A reminder's stop link, opened by a browser that is not signed in, for reminders that
    are off: the page says the two notices before the account closes still come (walk 19,
    problem 6); axe-core 0 violations, English and Spanish."""
    from urllib.parse import quote

    from chalicelib.reminders import stop_token
    from steady_local.provision import LOCAL_REMINDER_KEY, create_account

    cognito, stack, _endpoint = local_cognito(local_stack)
    participant_id = create_account(cognito, stack, "browser-stop", PASSWORD, "participants")
    # A message sent today (the participant has no contact: any address).
    token = stop_token(LOCAL_REMINDER_KEY, participant_id, date.today(), "")
    address = f"/reminders/stop?t={quote(token)}"
    context, page = new_page(browser, base_url)
    page.goto(address)
    expect(page.get_by_role("status")).to_have_text("Reminders are already off.")
    assert "we will still tell you twice before it does" in page.inner_text("main")
    check_page(page, artifacts, "reminders-stopped")
    page.goto(address + "&locale=es")
    assert "le avisaremos dos veces antes" in page.inner_text("main")
    check_page(page, artifacts, "reminders-stopped-es")
    context.close()
