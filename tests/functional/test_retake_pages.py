"""Answering a lesson's knowledge check again on the web (POST /lesson/{code}/attempts): a plain
form on a state of the lesson page of its own (``?retake=1``, a link under the feedback), so the
last try's feedback, which names the right answers, is not beside the questions (walk 15,
problem 10). It works without JavaScript, carries the next attempt number (so a resent form
counts once), keeps a half-answered retake's answers with an error summary, and shows the
latest attempt as the score."""

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


RETAKE_OPEN = '<section class="retake" id="retake" aria-labelledby="retake-heading">'


def retake_form(body: str) -> str:
    """The retake state's part of the page (the questions answered again)."""
    return body.split(RETAKE_OPEN)[1].split("</section>")[0]


def retake_link(body: str, path: str) -> str:
    """The link under the feedback to the questions on their own (no form beside the feedback)."""
    assert RETAKE_OPEN not in body and f'action="{path}/attempts"' not in body
    return body.split('<p class="retake-link">')[1].split("</p>")[0]


def no_feedback(body: str) -> None:
    """Nothing of the last try's result beside the questions: no feedback, no right answer."""
    assert '<ol class="feedback">' not in body
    assert "The right answer:" not in body and "La respuesta correcta:" not in body
    assert "You chose:" not in body and "Usted eligió:" not in body


def test_try_the_questions_again_records_each_attempt_once(client, published, participant, service):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    done = browser.post(f"{path}/complete", {**base, **answers(published, right=False)})
    assert (done.status, done.location) == (303, f"{path}#complete")

    page = browser.get(path).body
    total = len(questions(published))
    assert f"Knowledge check: 0 of {total} right." in page
    # The feedback names the choice and the right one; the questions are a link away.
    assert "You chose:" in page and "The right answer:" in page
    link = retake_link(page, path)
    assert (
        link
        == f'<a class="button secondary" href="{path}?retake=1#retake">Try the questions again</a>'
    )
    assert page.index('<ol class="feedback">') < page.index('class="retake-link"')

    page = browser.get(f"{path}?retake=1").body
    no_feedback(page)
    assert "You marked this complete on" in page
    form = retake_form(page)
    assert '<h3 id="retake-heading">Try the questions again</h3>' in form
    assert "<p>Read the module again first if you like, then answer.</p>" in form
    assert f'action="{path}/attempts"' in form
    assert 'name="attempt" value="2"' in form
    assert 'type="radio" id="q0-0" name="q0"' in form
    assert f'<a href="{path}#complete">Not now: back to the module</a>' in form

    again = {**base, "attempt": "2", **answers(published, right=True)}
    done = browser.post(f"{path}/attempts", again)
    assert (done.status, done.location) == (303, f"{path}#complete")
    page = browser.get(path).body
    assert f"Knowledge check: {total} of {total} right. (Try 2.)" in page
    retake_link(page, path)
    assert 'name="attempt" value="3"' in retake_form(browser.get(f"{path}?retake=1").body)

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
    no_feedback(page.body)  # the retake's own page again, not the feedback
    assert re.search(r'id="q0-1" name="q0" value="1" checked', form)  # the answer is kept
    assert 'name="attempt" value="2"' in form
    # Nothing counted; with no answer at all, every question is named.
    page = browser.post(f"{path}/attempts", {**base, "attempt": "2"})
    assert page.status == 400
    total = len(questions(published))
    listed = ", ".join(str(n) for n in range(1, total)) + f" and {total}"
    assert f'href="#q0-0">Choose an answer for questions {listed}.' in page.body
    assert "(Try 2.)" not in browser.get(path).body


def test_a_worksheet_error_leaves_the_questions_a_link_away(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published, False)}).status == 303

    # The worksheet's own error: the summary links to its field; the check stays a link, so the
    # worksheet is not pushed down the page by a form that has nothing wrong with it.
    page = browser.post(f"{path}/worksheet", {**base, "answer-urge-in-body": "x" * 2001})
    assert page.status == 400 and 'href="#answer-urge-in-body"' in page.body
    retake_link(page.body, path)
    # The check's own error: the questions on their own again.
    page = browser.post(f"{path}/attempts", {**base, "attempt": "2", "q0": "1"})
    assert page.status == 400 and RETAKE_OPEN in page.body
    retake_link(browser.get(path).body, path)


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
    assert "You can answer them again here, or go back to the start of the module" in page.body
    no_feedback(page.body)  # the latest result is a link away ("Back to the start")
    form = retake_form(page.body)
    assert 'name="attempt" value="3"' in form
    assert re.search(r'id="q0-\d" name="q0" value="\d" checked', form)


def test_a_completion_without_answers_offers_the_questions(client, published, participant):
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", base).status == 303
    page = browser.get(path).body
    assert "Knowledge check:" not in page
    assert ">Answer the questions</a>" in retake_link(page, path)
    form = retake_form(browser.get(f"{path}?retake=1").body)
    assert '<h3 id="retake-heading">Answer the questions</h3>' in form
    assert 'name="attempt" value="1"' in form
    first = {**base, "attempt": "1", **answers(published, True)}
    assert browser.post(f"{path}/attempts", first).status == 303
    total = len(questions(published))
    assert f"Knowledge check: {total} of {total} right." in browser.get(path).body


def test_answers_sent_after_another_window_completed_without_them_are_the_first_try(
    client, published, participant
):
    # Window A marks the lesson complete without the check; window B, opened before, sends
    # its answers: they are kept as the check's first try, not dropped.
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", base).status == 303
    sent = browser.post(f"{path}/complete", {**base, **answers(published, True)})
    assert (sent.status, sent.location) == (303, f"{path}#complete")
    page = browser.get(path).body
    total = len(questions(published))
    assert f"Knowledge check: {total} of {total} right." in page
    assert "another window" not in page
    # A third window's other answers: the first try stays, and the page says so.
    other = browser.post(f"{path}/complete", {**base, **answers(published, False)})
    assert other.location == f"{path}?answered=elsewhere#complete"
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
    assert "Usted eligió:" in body and "La respuesta correcta:" in body  # the feedback stays
    link = retake_link(body, path)
    assert (
        f'href="{path}?locale=es&amp;retake=1#retake">Responder las preguntas otra vez</a>' in link
    )
    body = browser.get(f"{path}?locale=es&retake=1").body
    no_feedback(body)
    form = retake_form(body)
    assert '<h3 id="retake-heading">Responder las preguntas otra vez</h3>' in form
    assert "<p>Si quiere, lea el módulo otra vez antes de responder.</p>" in form
    assert f'<a href="{path}?locale=es#complete">Ahora no: volver al módulo</a>' in form
    half = browser.post(f"{path}/attempts", {**base, "attempt": "2", "q0": "0"})
    assert half.status == 400
    assert "Elija una respuesta para la pregunta 2." in half.body
    no_feedback(half.body)


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
    assert seen in retake_form(browser.get(f"{path}?retake=1").body)
    spanish = signed_in(client, participant, language="es").get(f"{path}?retake=1").body
    assert "Si está en un grupo, sus líderes ven su resultado." in retake_form(spanish)


def test_mark_as_complete_from_a_second_window_says_whose_answers_were_saved(
    client, published_all, participant
):
    """Two windows of one lesson (walk 15, problem 18): window A's answers are recorded; window
    B's "Mark as complete" with other answers records nothing more, and its page says that the
    feedback is of the answers saved first (English and Spanish). The same answers sent twice
    (a double tap) say nothing of it."""
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    first = answers(published_all, right=False)
    assert browser.post(f"{path}/complete", {**base, **first}).status == 303
    # The same answers again: the completion as it was, nothing to say.
    again = browser.post(f"{path}/complete", {**base, **first})
    assert (again.status, again.location) == (303, f"{path}#complete")

    other = browser.post(f"{path}/complete", {**base, **answers(published_all, right=True)})
    assert (other.status, other.location) == (303, f"{path}?answered=elsewhere#complete")
    page = browser.get(other.location.split("#")[0]).body
    said = "You already answered these in another window; these are the answers that were saved."
    assert said in page
    assert page.index(said) < page.index('<ol class="feedback">')  # above the feedback
    total = len(questions(published_all))
    assert f"Knowledge check: 0 of {total} right." in page  # window A's answers, not B's
    assert said not in browser.get(path).body

    spanish = signed_in(client, participant, language="es")
    page = spanish.get(path)
    found = re.findall(r'<input type="hidden" name="(version|locale)" value="([^"]*)">', page.body)
    hidden = dict(reversed(found))
    # In Spanish: window A's answers (recorded, or the same as recorded), then window B's.
    es = {"csrf": page.csrf(), **hidden}
    assert spanish.post(f"{path}/complete", {**es, **first}).status == 303
    other = spanish.post(f"{path}/complete", {**es, **answers(published_all, right=True)})
    assert other.location == f"{path}?locale=es&answered=elsewhere#complete"
    body = spanish.get(other.location.split("#")[0]).body
    assert (
        "Usted ya respondió estas preguntas en otra ventana; estas son las respuestas que se guardaron."
        in body
    )


def test_a_retake_from_a_second_window_says_whose_answers_were_saved(
    client, published_all, participant, service
):
    """Two windows both offer "Try the questions again" as attempt 2. Window A's answers are
    recorded; window B's other answers for the same attempt record nothing more (attempt 2 is
    A's), and its page says the feedback is of the answers saved in the other window, with the
    questions a link away to try again (English and Spanish), as "Mark as complete" does."""
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published_all, False)}).status == 303
    window_a = retake_form(browser.get(f"{path}?retake=1").body)
    window_b = retake_form(browser.get(f"{path}?retake=1").body)
    assert 'name="attempt" value="2"' in window_a and 'name="attempt" value="2"' in window_b

    sent = {**base, "attempt": "2"}
    a = browser.post(f"{path}/attempts", {**sent, **answers(published_all, right=False)})
    assert (a.status, a.location) == (303, f"{path}#complete")
    b = browser.post(f"{path}/attempts", {**sent, **answers(published_all, right=True)})
    assert (b.status, b.location) == (303, f"{path}?answered=elsewhere#complete")
    page = browser.get(b.location.split("#")[0]).body
    said = "You already answered these in another window; these are the answers that were saved."
    assert said in page
    assert page.index(said) < page.index('<ol class="feedback">')  # above the feedback
    total = len(questions(published_all))
    assert f"Knowledge check: 0 of {total} right. (Try 2.)" in page  # window A's answers
    assert 'name="attempt"' not in page  # the questions are a link away, as after any try
    assert ">Try the questions again</a>" in retake_link(page, path)
    assert said not in browser.get(path).body
    completed = service.completions.completed_versions([participant.id])[participant.id]
    attempts = completed.attempts(MODULE, shipped_version(MODULE))
    assert [(x.attempt, x.correct) for x in attempts] == [(1, 0), (2, 0)]

    spanish = signed_in(client, participant, language="es")
    page = spanish.get(f"{path}?retake=1")
    found = re.findall(r'<input type="hidden" name="(version|locale)" value="([^"]*)">', page.body)
    es = {"csrf": page.csrf(), **dict(reversed(found)), "attempt": "3"}
    assert es["locale"] == "es"
    first = spanish.post(f"{path}/attempts", {**es, **answers(published_all, right=True)})
    assert first.location == f"{path}?locale=es#complete"
    other = spanish.post(f"{path}/attempts", {**es, **answers(published_all, right=False)})
    assert other.location == f"{path}?locale=es&answered=elsewhere#complete"
    body = spanish.get(other.location.split("#")[0]).body
    assert (
        "Usted ya respondió estas preguntas en otra ventana; estas son las respuestas que se guardaron."
        in body
    )


def test_a_retake_sent_twice_from_one_window_is_one_attempt_and_says_nothing(
    client, published, participant, service
):
    # A double tap, or Back and resend: the same answers for the same attempt are the same try.
    browser = signed_in(client, participant)
    path = lesson(MODULE)
    base = {"csrf": browser.get(path).csrf(), "version": str(shipped_version(MODULE))}
    assert browser.post(f"{path}/complete", {**base, **answers(published, False)}).status == 303
    again = {**base, "attempt": "2", **answers(published, right=True)}
    for _ in range(2):
        sent = browser.post(f"{path}/attempts", again)
        assert (sent.status, sent.location) == (303, f"{path}#complete")
    page = browser.get(path).body
    assert "another window" not in page
    total = len(questions(published))
    assert f"Knowledge check: {total} of {total} right. (Try 2.)" in page
    completed = service.completions.completed_versions([participant.id])[participant.id]
    attempts = completed.attempts(MODULE, shipped_version(MODULE))
    assert [x.attempt for x in attempts] == [1, 2]
