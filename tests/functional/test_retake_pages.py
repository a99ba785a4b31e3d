"""Answering a lesson's knowledge check again on the web (POST /lesson/{code}/attempts): a plain
form after the feedback that works without JavaScript, carries the next attempt number (so a
resent form counts once), keeps a half-answered retake's answers with an error summary, and
shows the latest attempt as the score."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.identity import Caller
from tests.conftest import shipped_version
from tests.functional.web_client import lesson_path as lesson
from tests.functional.web_client import signed_in

MODULE = "cravings-and-urge-surfing"


def questions(published) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return next(m for m in published if m.module_id == MODULE).meta["knowledge_check"]  # type: ignore[no-any-return]


def answers(published, right: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        f"q{i}": str(q["answer"] if right else (q["answer"] + 1) % len(q["choices"]))
        for i, q in enumerate(questions(published))
    }


def retake_form(body: str) -> str:
    return body.split('<details class="retake" id="retake"')[1].split("</details>")[0]


def test_try_the_questions_again_records_each_attempt_once(client, published, participant, service):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    done = browser.post(f"{path}/complete", {**base, **answers(published, right=False)})
    assert (done.status, done.location) == (303, f"{path}#complete")

    page = browser.get(path).body
    total = len(questions(published))
    assert f"Knowledge check: 0 of {total} right." in page
    form = retake_form(page)
    assert "<summary>Try the questions again</summary>" in form
    assert f'action="{path}/attempts"' in form
    assert '<input type="hidden" name="attempt" value="2">' in form
    assert 'type="radio" id="q0-0" name="q0"' in form
    assert page.index('<ol class="feedback">') < page.index('id="retake"')  # after the feedback

    again = {**base, "attempt": "2", **answers(published, right=True)}
    done = browser.post(f"{path}/attempts", again)
    assert (done.status, done.location) == (303, f"{path}#complete")
    page = browser.get(path).body
    assert f"Knowledge check: {total} of {total} right. (Try 2.)" in page
    assert '<input type="hidden" name="attempt" value="3">' in retake_form(page)

    # The same form sent again (Back and resend, a double tap): still two attempts.
    assert browser.post(f"{path}/attempts", again).status == 303
    completed = service.completions.completed_versions([participant.id])[participant.id]
    attempts = completed.attempts(MODULE, shipped_version(MODULE))
    assert [(a.attempt, a.missed) for a in attempts] == [(1, True), (2, False)]
    mine = service.reading.completions_page(
        Caller(participant.id, frozenset({"participants"})), None, 10
    )
    assert len(mine.completions) == 1  # the completion is recorded once


def test_a_half_answered_retake_comes_back_with_the_answers_kept(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published, False)}).status == 303

    page = browser.post(f"{path}/attempts", {**base, "attempt": "2", "q0": "1"})
    assert page.status == 400
    main = page.body.split('<main id="main" class="wrap">')[1]
    assert main.lstrip().startswith('<div class="error-summary"')
    summary = main.split("</div>")[0]
    assert 'href="#q1-0">Choose an answer for questions 2 and 3.' in summary
    assert 'href="#q0-0"' not in summary
    form = retake_form(page.body)
    assert page.body.split('<details class="retake" id="retake"')[1].startswith(" open>")
    assert re.search(r'id="q0-1" name="q0" value="1" checked', form)  # the answer is kept
    assert '<input type="hidden" name="attempt" value="2">' in form
    # Nothing counted; with no answer at all, every question is named.
    page = browser.post(f"{path}/attempts", {**base, "attempt": "2"})
    assert page.status == 400
    total = len(questions(published))
    listed = ", ".join(str(n) for n in range(1, total)) + f" and {total}"
    assert f'href="#q0-0">Choose an answer for questions {listed}.' in page.body
    assert "(Try 2.)" not in browser.get(path).body


def test_a_worksheet_error_leaves_try_the_questions_again_folded(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published, False)}).status == 303
    folded = '<details class="retake" id="retake">'

    # The worksheet's own error: the summary links to its field; the check stays folded, so the
    # worksheet is not pushed down the page by a form that has nothing wrong with it.
    page = browser.post(f"{path}/worksheet", {**base, "answer-urge-in-body": "x" * 2001})
    assert page.status == 400 and 'href="#answer-urge-in-body"' in page.body
    assert folded in page.body
    # The check's own error unfolds it.
    page = browser.post(f"{path}/attempts", {**base, "attempt": "2", "q0": "1"})
    assert page.status == 400 and '<details class="retake" id="retake" open>' in page.body
    assert folded in browser.get(path).body


def test_a_form_sent_after_another_page_answered_again(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published, False)}).status == 303
    assert (
        browser.post(
            f"{path}/attempts", {**base, "attempt": "2", **answers(published, False)}
        ).status
        == 303
    )
    # A form still asking for attempt 4 (forged, or the count moved): 409, the form again.
    stale = {**base, "attempt": "4", **answers(published, True)}
    page = browser.post(f"{path}/attempts", stale)
    assert page.status == 409
    assert 'href="#retake">These answers were not saved' in page.body
    form = retake_form(page.body)
    assert '<input type="hidden" name="attempt" value="3">' in form
    assert re.search(r'id="q0-\d" name="q0" value="\d" checked', form)


def test_a_completion_without_answers_offers_the_questions(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", base).status == 303
    page = browser.get(path).body
    assert "Knowledge check:" not in page
    form = retake_form(page)
    assert "<summary>Answer the questions</summary>" in form
    assert '<input type="hidden" name="attempt" value="1">' in form
    first = {**base, "attempt": "1", **answers(published, True)}
    assert browser.post(f"{path}/attempts", first).status == 303
    total = len(questions(published))
    assert f"Knowledge check: {total} of {total} right." in browser.get(path).body


def test_in_spanish(client, published_all, participant):
    browser = signed_in(client, participant, language="es")
    path = lesson(MODULE)
    page = browser.get(path)
    found = re.findall(r'<input type="hidden" name="(version|locale)" value="([^"]*)">', page.body)
    hidden = dict(reversed(found))  # the first form's: the knowledge check
    assert hidden["locale"] == "es"
    base = {"csrf": page.csrf(), **hidden}
    assert browser.post(f"{path}/complete", {**base, **answers(published_all, False)}).status == 303
    body = browser.get(path).body
    assert "<summary>Responder las preguntas otra vez</summary>" in retake_form(body)
    half = browser.post(f"{path}/attempts", {**base, "attempt": "2", "q0": "0"})
    assert half.status == 400
    assert "Elija una respuesta para la pregunta 2." in half.body


def test_where_the_questions_are_offered_it_says_the_leaders_see_the_score(
    client, published_all, participant
):
    """The score is on the leaders' grid and CSV, and the worksheet below says only the reader
    sees their answers: the questions say, where they are offered, who sees the score."""
    seen = "If you are in a group, its leaders see your score."
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    page = browser.get(path)
    first = page.body.split("<h3>Check what you learned (optional)</h3>")[1].split("</form>")[0]
    assert f'<p class="hint">{seen}</p>' in first
    base = {"csrf": page.csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published_all, False)}).status == 303
    assert seen in retake_form(browser.get(path).body)
    spanish = signed_in(client, participant, language="es").get(path).body
    assert "Si está en un grupo, sus líderes ven su resultado." in retake_form(spanish)
