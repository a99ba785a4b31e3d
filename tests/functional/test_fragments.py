"""Template fragments rendered once (chalicelib/web/fragments.py) never change a page: every
state of a lesson page, for two participants, a leader and both languages, is the same with the
fragment cache on (filled, then read) as with it off, and no one sees another's answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.library import lesson_code
from chalicelib.web import render
from tests.conftest import shipped_version
from tests.functional.web_client import Page, WebClient

MODULE = "cravings-and-urge-surfing"
PAGE = f"/lesson/{lesson_code(MODULE)}"
VERSION = str(shipped_version(MODULE))


@pytest.fixture
def fragments():  # type: ignore[no-untyped-def]
    env = render.environment()
    yield env
    env.fragment_cache_enabled = True
    env.fragment_cache.clear()


def same_either_way(env, fetch: Callable[[], Page]) -> str:  # type: ignore[no-untyped-def]
    """The page with the cache on (first filled, then read) and off: one and the same."""
    env.fragment_cache_enabled = True
    filled, read = fetch(), fetch()
    env.fragment_cache_enabled = False
    plain = fetch()
    env.fragment_cache_enabled = True
    assert filled.status == read.status == plain.status
    assert filled.body == plain.body
    assert read.body == plain.body
    return plain.body


def signed_in(client, account) -> WebClient:  # type: ignore[no-untyped-def]
    browser = WebClient(client)
    assert browser.sign_in(account.username, authenticator=account.authenticator).status == 303
    return browser


def test_every_state_of_a_lesson_page_is_the_same_with_fragments_cached(
    client, published_all, participant, other_participant, leader, fragments
):
    first, second = signed_in(client, participant), signed_in(client, other_participant)
    token = first.get(PAGE).csrf()
    for browser in (first, second):  # fresh, in both languages; the second reuses fragments
        same_either_way(fragments, lambda b=browser: b.get(PAGE))
        same_either_way(fragments, lambda b=browser: b.get(f"{PAGE}?locale=es"))

    # A partly answered check: the answers kept, the error summary on top.
    partial = {"csrf": token, "version": VERSION, "q0": "1"}
    kept = same_either_way(fragments, lambda: first.post(f"{PAGE}/complete", partial))
    assert 'value="1" checked' in kept and "error-summary" in kept

    # A refused save: the typed answers come back with the error, and are never cached.
    refused = {
        "csrf": token,
        "version": VERSION,
        "locale": "en",
        "answer-urge-in-body": "Typed and refused " * 120,  # over 2,000 characters
        "answer-urge-helpers-0": "Walk the dog",
    }
    again = same_either_way(fragments, lambda: first.post(f"{PAGE}/worksheet", refused))
    assert "error-summary" in again and 'value="Walk the dog"' in again
    assert "Walk the dog" not in same_either_way(fragments, lambda: second.get(PAGE))

    # In Spanish, before and after an answer.
    same_either_way(fragments, lambda: first.get(f"{PAGE}?locale=es"))

    # The worksheet answered, saved, then shared.
    answers = {
        "csrf": token,
        "version": VERSION,
        "locale": "en",
        "answer-urge-in-body": "Private words of the first participant",
        "answer-urge-start": "6",
    }
    assert first.post(f"{PAGE}/worksheet", answers).status == 303
    saved = same_either_way(fragments, lambda: first.get(f"{PAGE}?saved=1"))
    assert "Private words of the first participant" in saved
    assert first.post(f"{PAGE}/worksheet/sharing", {"csrf": token, "shared": "1"}).status == 303
    same_either_way(fragments, lambda: first.get(PAGE))

    # Completed with every answer: the feedback, the link to answer again, what comes next.
    questions = len(kept.split('<fieldset class="question')) - 1
    done = {"csrf": token, "version": VERSION, **{f"q{i}": "0" for i in range(questions)}}
    assert first.post(f"{PAGE}/complete", done).status == 303
    feedback = same_either_way(fragments, lambda: first.get(PAGE))
    assert 'class="feedback"' in feedback and 'class="retake-link"' in feedback
    retaking = same_either_way(fragments, lambda: first.get(f"{PAGE}?retake=1"))
    assert 'id="retake"' in retaking and 'class="feedback"' not in retaking

    # The second participant and a leader never see the first one's answers.
    for browser in (second, signed_in(client, leader)):
        page = same_either_way(fragments, lambda b=browser: b.get(PAGE))
        assert "Private words" not in page and 'class="feedback"' not in page


def test_a_new_session_gets_its_own_form_tokens_from_the_cache(
    client, published, participant, fragments
):
    fragments.fragment_cache.clear()
    before, after = signed_in(client, participant), signed_in(client, participant)
    one, two = before.get(PAGE), after.get(PAGE)

    assert one.csrf() != two.csrf()
    for page in (one, two):  # every form of the page carries its own session's token
        assert page.body.count('name="csrf"') == page.body.count(f'value="{page.csrf()}"')


def test_signed_out_pages_share_the_header_but_keep_their_own_form_token(client, fragments):
    one, two = WebClient(client), WebClient(client)
    first = same_either_way(fragments, lambda: one.get("/sign-in"))
    second = same_either_way(fragments, lambda: two.get("/sign-in"))

    assert Page(200, {}, first).csrf() != Page(200, {}, second).csrf()
    assert 'action="/sign-out"' not in first + second


def test_only_a_form_with_nothing_of_the_participants_is_pristine():
    from chalicelib.web.worksheet_pages import FormField, WorksheetForm

    def form(*values, **extra) -> WorksheetForm:  # type: ignore[no-untyped-def]
        fields = tuple(FormField({"id": f"f{i}", "kind": "scale"}, v) for i, v in enumerate(values))
        settings = {"shared": False, "saved": False, "answered": 0, "updated_at": None, **extra}
        return WorksheetForm("m", 1, "en", fields, **settings)

    assert form(None, "").pristine
    assert not form(None, 0).pristine  # 0 on a scale is an answer
    assert not form("typed, then refused").pristine
    assert not form(None, shared=True).pristine
    assert not form(None, saved=True).pristine
    assert not form(None, updated_at="2026-11-26T08:00:00Z").pristine
    assert not form(None, answered=1).pristine
    refused = FormField({"id": "f0", "kind": "short-text"}, None, (), "Too long.")
    assert not WorksheetForm("m", 1, "en", (refused,), False, False, 0, None).pristine


ENGLISH_ONLY = "refusal-skills"  # a knowledge check and a worksheet


@pytest.fixture
def published_english_only(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    """Every shipped module but ENGLISH_ONLY's Spanish version: a lesson with no Spanish
    version in the catalog, whether or not content/ has translated it."""
    modules = [m for m in shipped_modules if (m.module_id, m.locale) != (ENGLISH_ONLY, "es")]
    assert publisher.publish(modules).ok
    return modules


def test_a_lesson_read_in_english_on_a_spanish_page_is_the_same_with_fragments_cached(
    client, published_english_only, participant, other_participant, fragments
):
    """No Spanish version: the English text on a Spanish page (its own fragments, keyed by the
    page's language too), in every state, never the English page's fragments or the reverse."""
    module = ENGLISH_ONLY
    page, version = f"/lesson/{lesson_code(module)}", str(shipped_version(module))
    spanish, english = signed_in(client, participant), signed_in(client, other_participant)
    spanish.language = "es"
    for _ in range(2):  # each language fills its fragments, then reads them, in turn
        fresh = same_either_way(fragments, lambda: spanish.get(page))
        same_either_way(fragments, lambda: english.get(page))
    assert '<html lang="es">' in fresh and '<h1 lang="en">' in fresh
    assert "todavía no está en español" in fresh
    assert "<h1>Refusal skills</h1>" in same_either_way(fragments, lambda: english.get(page))
    token = spanish.get(page).csrf()

    partial = {"csrf": token, "version": version, "locale": "en", "q0": "1"}
    kept = same_either_way(fragments, lambda: spanish.post(f"{page}/complete", partial))
    assert 'value="1" checked' in kept and '<legend lang="en">' in kept
    refused = {"csrf": token, "version": version, "locale": "en", "answer-offer-person": "x" * 2001}
    again = same_either_way(fragments, lambda: spanish.post(f"{page}/worksheet", refused))
    assert "error-summary" in again and '<html lang="es">' in again
    done = {"csrf": token, "version": version, "locale": "en", "q0": "1", "q1": "0", "q2": "2"}
    assert spanish.post(f"{page}/complete", done).status == 303
    feedback = same_either_way(fragments, lambda: spanish.get(page))
    assert 'class="feedback"' in feedback and '<p lang="en">' in feedback
    assert 'class="feedback"' not in same_either_way(fragments, lambda: english.get(page))
