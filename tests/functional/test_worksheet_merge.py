"""A worksheet saved from two tabs or two devices: the form carries what it was based on
(``based_on`` and a digest of each field it showed), so a save that comes after another
tab's or device's save keeps both (a field only one side changed: that side's; a list: the
items of both), never wipes an answer with a box that was empty when the form was opened, and
shows the form again with both texts when the same answer was changed on both sides (walk
15, problem 1)."""

from __future__ import annotations

import json

from tests.conftest import shipped_version
from tests.functional.web_client import (
    Page,
    WebClient,
    error_summary,
    form_fields,
    lesson_path,
    signed_in,
)

MODULE = "cravings-and-urge-surfing"
PAGE = lesson_path(MODULE)
ACTION = f"{PAGE}/worksheet"
IN_BODY = "answer-urge-in-body"
HELPER = "answer-urge-helpers-{}"


def tab(browser: WebClient, locale: str = "en") -> dict[str, str]:
    """The worksheet form of a lesson page opened now, as a browser would send it."""
    page = browser.get(PAGE if locale == "en" else f"{PAGE}?locale={locale}")
    assert page.status == 200
    return form_fields(page, ACTION)


def saved_answers(browser: WebClient) -> dict[str, str]:
    """What is saved now, as a newly opened form shows it (answers only)."""
    return {k: v for k, v in tab(browser).items() if k.startswith("answer-") and v}


def test_two_tabs_keep_both_tabs_answers_and_the_plan_has_both(client, published, participant):
    """The walk's steps: tab A saves a one-line answer and a list item; tab B, opened before,
    its boxes empty, saves another item of the same list. Both are kept, and the plan has
    both items."""
    browser = signed_in(client, participant)
    a, b = tab(browser), tab(browser)
    assert a["based_on"] == "" and a[f"base-{IN_BODY[7:]}"] == ""
    a[IN_BODY] = "Tab A: tight chest"
    a[HELPER.format(0)] = "Tab A: walk the dog"
    assert browser.post(ACTION, a).location == f"{PAGE}?saved=1#worksheet"
    b[HELPER.format(1)] = "Tab B: call my sponsor"
    posted = browser.post(ACTION, b)
    assert (posted.status, posted.location) == (303, f"{PAGE}?saved=both#worksheet")
    assert saved_answers(browser) == {
        IN_BODY: "Tab A: tight chest",
        HELPER.format(0): "Tab A: walk the dog",
        HELPER.format(1): "Tab B: call my sponsor",
    }
    page = browser.get(f"{PAGE}?saved=both")
    assert "Saved." in page.body and "You have answered 2 of 4 questions." in page.body
    assert (
        "Your answers were saved together with the ones saved in another window or on another "
        "device." in page.body
    )
    plan = browser.get("/plan").body
    assert "Tab A: walk the dog" in plan and "Tab B: call my sponsor" in plan


def test_two_devices_typing_in_the_same_row_of_a_list_keep_both_items(
    client, published, participant
):
    phone, clinic = signed_in(client, participant), signed_in(client, participant)
    first = tab(phone)
    first[HELPER.format(0)] = "Cold water on my face"
    phone.post(ACTION, first)
    on_phone, at_clinic = tab(phone), tab(clinic)
    on_phone[HELPER.format(1)] = "Text Marcus"
    at_clinic[HELPER.format(1)] = "Walk to the corner"
    at_clinic[HELPER.format(0)] = ""  # removed at the clinic: stays removed
    assert phone.post(ACTION, on_phone).status == 303
    assert clinic.post(ACTION, at_clinic).location.endswith("saved=both#worksheet")
    # The saved list's order, then what the later save added.
    assert saved_answers(phone) == {
        HELPER.format(0): "Text Marcus",
        HELPER.format(1): "Walk to the corner",
    }


def test_a_stale_empty_box_never_wipes_an_answer_one_emptied_in_the_form_does(
    client, published, participant
):
    browser = signed_in(client, participant)
    stale = tab(browser)
    first = tab(browser)
    first[IN_BODY] = "In my jaw"
    first["answer-urge-start"] = "6"
    browser.post(ACTION, first)
    stale["answer-urge-end"] = "2"  # its "where" box was empty when opened, and still is
    assert browser.post(ACTION, stale).status == 303
    assert saved_answers(browser) == {
        IN_BODY: "In my jaw",
        "answer-urge-start": "6",
        "answer-urge-end": "2",
    }
    # A box emptied in a form that showed the answer empties it, even after another save.
    clearing, other = tab(browser), tab(browser)
    other["answer-urge-end"] = "1"
    browser.post(ACTION, other)
    clearing[IN_BODY] = ""
    assert browser.post(ACTION, clearing).status == 303
    assert saved_answers(browser) == {"answer-urge-start": "6", "answer-urge-end": "1"}


def changed_on_both_sides(browser: WebClient, locale: str = "en") -> tuple[Page, dict[str, str]]:
    """Tab A and tab B both change the saved one-line answer; A saves first. B's save."""
    first = tab(browser, locale)
    first[IN_BODY] = "Chest"
    browser.post(ACTION, first)
    a, b = tab(browser, locale), tab(browser, locale)
    a[IN_BODY] = "Tab A: tight chest"
    browser.post(ACTION, a)
    b[IN_BODY] = "Tab B: shoulders"
    b[HELPER.format(0)] = "Tab B: breathe"
    return browser.post(ACTION, b), b


def test_the_same_answer_changed_on_both_sides_comes_back_with_both_texts(
    client, published, participant
):
    browser = signed_in(client, participant)
    page, typed = changed_on_both_sides(browser)
    assert page.status == 409
    summary = error_summary(page)
    assert [href for href, _ in summary] == [IN_BODY]
    assert (
        "you changed this answer here and in another window or on another device" in (summary[0][1])
    )
    shown = form_fields(page, ACTION)
    assert shown[IN_BODY] == "Tab B: shoulders"  # their box keeps their text
    assert shown[HELPER.format(0)] == "Tab B: breathe"  # the other field: merged, shown
    assert 'id="answer-urge-in-body-other"' in page.body
    assert "Saved in the other window or device:" in page.body
    assert '<p class="ws-other-text">Tab A: tight chest</p>' in page.body
    assert 'aria-invalid="true"' in page.body
    # Nothing saved over: tab A's answer is what is saved, and B's item is not saved yet.
    assert saved_answers(browser) == {IN_BODY: "Tab A: tight chest"}
    # Saving the form as shown (now based on tab A's save) keeps what it shows.
    assert shown["based_on"] != typed["based_on"]
    assert browser.post(ACTION, shown).location == f"{PAGE}?saved=1#worksheet"
    assert saved_answers(browser) == {
        IN_BODY: "Tab B: shoulders",
        HELPER.format(0): "Tab B: breathe",
    }


def test_in_spanish_the_changed_answer_is_named_in_spanish(client, published_all, participant):
    browser = signed_in(client, participant)
    page, _ = changed_on_both_sides(browser, "es")
    assert page.status == 409
    text = json.loads(json.dumps(page.body))
    assert "cambió esta respuesta aquí y en otra ventana o en otro dispositivo" in text
    assert "Guardado en la otra ventana o dispositivo:" in text
    assert "Tab A: tight chest" in text
    assert form_fields(page, ACTION)["locale"] == "es"


def test_answers_kept_over_a_sign_out_merge_with_a_save_made_since(
    client, published, participant, library_clock
):
    """A form kept when the session ended comes back based on what it was opened with: a save
    from another device in between is kept, not wiped by its empty boxes."""
    from tests.functional.test_kept_forms import IDLE

    laptop = signed_in(client, participant)
    opened = tab(laptop)
    library_clock.advance(IDLE)
    phone = signed_in(client, participant)
    on_phone = tab(phone)
    on_phone[HELPER.format(0)] = "Phone: call my sister"
    assert phone.post(ACTION, on_phone).status == 303
    opened[IN_BODY] = "Laptop: tight chest"
    assert laptop.post(ACTION, opened).location == "/sign-in?done=signed_out_inactive"
    laptop.sign_in(participant.username)
    kept = tab(laptop)
    assert kept[IN_BODY] == "Laptop: tight chest" and kept["based_on"] == ""
    assert laptop.post(ACTION, kept).location.endswith("saved=both#worksheet")
    assert saved_answers(laptop) == {
        IN_BODY: "Laptop: tight chest",
        HELPER.format(0): "Phone: call my sister",
    }


def test_dynamodb_calls_of_a_save_with_and_without_a_save_in_between(
    client, published, participant, aws_calls
):
    def dynamodb() -> list[str]:
        return [n for n in aws_calls.names if n.startswith("DynamoDB.")]

    browser = signed_in(client, participant)
    a, b = tab(browser), tab(browser)
    a[IN_BODY] = "Chest"
    aws_calls.reset()
    browser.post(ACTION, a)
    # The session, one GetItem of what is saved, one transaction on condition it is still
    # that (what is stored after is known: no read back).
    assert dynamodb() == ["DynamoDB.GetItem", "DynamoDB.GetItem", "DynamoDB.TransactWriteItems"]
    b[HELPER.format(0)] = "Breathe"
    aws_calls.reset()
    browser.post(ACTION, b)
    # The read finds another save than the form's: merged with it before writing, on
    # condition of what was read (two calls fewer than a refused write and a read again).
    assert dynamodb() == ["DynamoDB.GetItem", "DynamoDB.GetItem", "DynamoDB.TransactWriteItems"]


def api(client, account, method: str, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method)(
        f"/me/worksheets/{MODULE}",
        headers=account.headers,
        body=json.dumps(body) if body is not None else None,
    )
    return response.status_code, json.loads(response.body)


def test_the_api_refuses_a_stale_based_on_that_would_change_a_saved_answer(
    client, published, participant
):
    version = shipped_version(MODULE)
    status, read = api(client, participant, "get")
    assert status == 200 and read["based_on"] == ""
    status, saved = api(
        client,
        participant,
        "put",
        {"version": version, "answers": {"urge-in-body": "Chest"}, "based_on": ""},
    )
    assert status == 200 and saved["based_on"]
    # Based on what was read before that save: the same field, another text.
    status, body = api(
        client,
        participant,
        "put",
        {"version": version, "answers": {"urge-in-body": "Hands"}, "based_on": ""},
    )
    assert status == 409 and body["error"]["code"] == "worksheet_changed"
    # The one shape, carrying what it conflicts with: no second request needed to see it.
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "current", "fields"}
    assert body["error"]["fields"] == ["urge-in-body"]
    current = body["error"]["current"]
    status, read = api(client, participant, "get")
    answer = next(f for f in read["fields"] if f["id"] == "urge-in-body")["answer"]
    assert answer["value"] == "Chest" and read["based_on"] == saved["based_on"]
    # What the 409 carried is what a GET gives: the answers saved now, their save and time.
    assert current == read
    assert current["based_on"] == saved["based_on"]
    assert current["updated_at"] == saved["updated_at"]
    # On top of the save it was shown: saved.
    status, body = api(
        client,
        participant,
        "put",
        {"version": version, "answers": {"urge-in-body": "Hands"}, "based_on": saved["based_on"]},
    )
    assert status == 200
    status, body = api(
        client,
        participant,
        "put",
        {"version": version, "answers": {"urge-in-body": "x"}, "based_on": "not a token"},
    )
    assert status == 400 and body["error"]["code"] == "invalid_based_on"
