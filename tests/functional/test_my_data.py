"""A participant's own data: everything they wrote (worksheet answers, every plan version, their
completions and knowledge-check attempts with the answers) downloads as JSON and as PDF (accents
kept), and is deleted on request (the attempts' answers too; completions and attempt results
stay); both audit-logged with ids and counts only; another participant's data is never in it or
touched; the DynamoDB calls."""

from __future__ import annotations

import io
import json
import re

from chalicelib.clock import calendar_day
from chalicelib.identity import Caller
from tests.conftest import Account, shipped_version
from tests.functional import test_retakes as retakes

MODULE = "cravings-and-urge-surfing"


def call(client, method: str, path: str, account: Account, body=None, accept: str | None = None):  # type: ignore[no-untyped-def]
    headers = {**account.headers, **({"Accept": accept} if accept else {})}
    return getattr(client.http, method)(
        path, headers=headers, body=json.dumps(body) if body is not None else None
    )


def write_things(client, account: Account, helper: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    saved = call(
        client,
        "put",
        f"/me/worksheets/{MODULE}",
        account,
        {"version": shipped_version(MODULE), "answers": {"urge-helpers": [helper]}},
    )
    assert saved.status_code == 200
    assert (
        call(
            client, "put", "/me/plan", account, {"sections": {"reasons": [{"text": reason}]}}
        ).status_code
        == 200
    )
    plan = json.loads(call(client, "get", "/me/plan", account).body)
    assert (
        call(
            client,
            "put",
            "/me/plan",
            account,
            {
                "based_on": plan["version"],
                "sections": {"reasons": [{"text": reason}, {"text": "Mañana empiezo de nuevo"}]},
            },
        ).status_code
        == 200
    )


def test_download_everything_as_json_and_pdf_then_delete_it(
    client, published, participant, other_participant, service
):
    import pypdf

    write_things(client, participant, "Caminar con música", "Mi hija Lucía")
    write_things(client, other_participant, "Someone else's helper", "Someone else's reason")

    response = call(client, "get", "/me/data/download", participant)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.body)
    assert [a["value"] for a in data["worksheets"][0]["answers"]] == [["Caminar con música"]]
    assert [v["version"] for v in data["plan_versions"]] == [1, 2]
    assert data["plan_versions"][1]["sections"]["reasons"][1]["text"] == "Mañana empiezo de nuevo"
    assert "Someone else" not in response.body.decode()

    pdf = call(
        client,
        "get",
        "/me/data/download?format=pdf&locale=es",
        participant,
        accept="application/pdf",
    )
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    for words in (
        "Todo lo que escribí",
        "Caminar con música",
        "Mi hija Lucía",
        "Mañana empiezo de nuevo",
        "Mis razones para mi recuperación",
    ):
        assert words in text, words
    assert "Someone else" not in text

    response = call(client, "delete", "/me/data", participant)
    assert response.status_code == 200
    assert json.loads(response.body) == {
        "worksheets": 1,
        "plan_versions": 2,
        "knowledge_check_attempts": 0,
    }
    after = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert after["worksheets"] == [] and after["plan_versions"] == []
    assert json.loads(call(client, "get", "/me/plan", participant).body)["version"] is None
    # The other participant's data is untouched.
    other = json.loads(call(client, "get", "/me/data/download", other_participant).body)
    assert len(other["plan_versions"]) == 2 and other["worksheets"]

    entries = [e for e in service.audit.page()[0] if e["actor_id"] == participant.id]
    actions = [e["action"] for e in entries]  # newest first
    assert actions[:4] == ["data.export", "data.delete", "data.export", "data.export"]
    assert all(e["participant_ids"] == [participant.id] for e in entries)
    assert "Caminar" not in json.dumps(entries, default=str) and "Lucía" not in json.dumps(
        entries, default=str
    )


def test_delete_only_the_plan(client, published, participant):
    write_things(client, participant, "Walk with music", "My daughter")
    assert call(client, "delete", "/me/plan", participant).status_code == 204
    assert json.loads(call(client, "get", "/me/plan/versions", participant).body)["versions"] == []
    # The worksheet answers stay, and feed the plan again.
    plan = json.loads(call(client, "get", "/me/plan", participant).body)
    assert plan["version"] is None
    assert [i["text"] for s in plan["sections"] for i in s["items"]] == ["Walk with music"]


def test_a_bad_format_is_a_400(client, published, participant):
    assert call(client, "get", "/me/data/download?format=xml", participant).status_code == 400


def test_knowledge_check_attempts_are_in_the_download_and_deleted_with_the_answers(
    client, published, participant, other_participant, service, stack, aws_calls, library_clock
):
    import pypdf

    module = retakes.MODULE
    version = shipped_version(module)
    wrong, right = retakes.wrong(service, version), retakes.right(service, version)
    assert wrong != right
    status, completion = retakes.complete(client, participant, version, wrong)
    assert status == 201
    library_clock.advance(60)
    status, second = retakes.retake(client, participant, version, 2, right)
    assert status == 201
    # Another participant's completion and retakes, answered otherwise.
    assert retakes.complete(client, other_participant, version, right)[0] == 201
    for attempt in (2, 3):
        assert retakes.retake(client, other_participant, version, attempt, wrong)[0] == 201
    total = completion["knowledge_check"]["total"]

    me = Caller(participant.id, frozenset({"participants"}))
    aws_calls.reset()
    exported = service.my_data.export(me)
    # Worksheets, plan versions, completions, attempts, reminder settings: one Query each; then
    # the audit entry.
    assert sorted(aws_calls.names) == ["DynamoDB.BatchGetItem"] + ["DynamoDB.Query"] * 7 + [
        "DynamoDB.TransactWriteItems"
    ]
    assert len(exported.attempts) == 1

    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert [(c["module_id"], c["version"]) for c in data["completions"]] == [(module, version)]
    assert data["completions"][0]["knowledge_check"] == {
        "answers": wrong,
        "correct": completion["knowledge_check"]["correct"],
        "total": total,
    }
    assert data["knowledge_check_attempts"] == [
        {
            "module_id": module,
            "version": version,
            "attempt": 2,
            "answered_at": second["answered_at"],
            "knowledge_check": {"answers": right, "correct": total, "total": total},
            "missed": False,
        }
    ]
    other = json.loads(call(client, "get", "/me/data/download", other_participant).body)
    assert [a["attempt"] for a in other["knowledge_check_attempts"]] == [2, 3]
    assert all(a["knowledge_check"]["answers"] == wrong for a in other["knowledge_check_attempts"])
    assert other["completions"][0]["knowledge_check"]["answers"] == right

    pdf = call(client, "get", "/me/data/download?format=pdf", participant, accept="application/pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    text = " ".join(text.split())
    assert "Knowledge checks" in text
    # Dated by the program's calendar, like every date a participant reads.
    day = calendar_day(second["answered_at"], service.clock.zone)
    assert day is not None
    on = f"{day.day} {day.strftime('%B')} {day.year}"  # in words: "27 November 2026"
    # Named by its title, each answer by the words chosen (walk 12, item 16: the module's id
    # and "Choices picked (1 is the first choice): 1, 2, 3").
    assert f"Thinking traps, version {version}, try 2, on {on}" in text
    assert f"{total} of {total} right." in text
    assert module not in text and "Choices picked" not in text
    questions = service.library.version(module, version).document["knowledge_check"]
    for n, (q, a) in enumerate(zip(questions, right, strict=True), start=1):
        assert " ".join(f"{n}. {q['question']} You chose: {q['choices'][a]}".split()) in text
    assert "try 3" not in text  # the other participant's third attempt
    # The titles and choices come from content the library keeps: once read, a download
    # makes no S3 call, only its DynamoDB calls.
    aws_calls.reset()
    again = call(
        client, "get", "/me/data/download?format=pdf", participant, accept="application/pdf"
    )
    assert again.status_code == 200
    assert sorted(aws_calls.names) == ["DynamoDB.BatchGetItem"] + ["DynamoDB.Query"] * 7 + [
        "DynamoDB.TransactWriteItems"
    ]

    aws_calls.reset()
    response = call(client, "delete", "/me/data", participant)
    assert response.status_code == 200
    assert json.loads(response.body) == {
        "worksheets": 0,
        "plan_versions": 0,
        "knowledge_check_attempts": 1,
    }
    assert sorted(aws_calls.names) == [
        "DynamoDB.BatchWriteItem",  # the attempt item
        "DynamoDB.DeleteItem",  # the saved-worksheets item, in case one is left
        "DynamoDB.Query",
        "DynamoDB.Query",
        "DynamoDB.Query",
        "DynamoDB.Query",  # the pointers to forms kept when a web session ended: none
        "DynamoDB.TransactWriteItems",  # the audit entry
    ]
    assert retakes.items(stack, participant, "ATTEMPT#") == []
    assert len(retakes.items(stack, other_participant, "ATTEMPT#")) == 2
    after = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert after["knowledge_check_attempts"] == []
    # The completion and the attempts' results (no answers) stay: the next retake is attempt 3.
    assert after["completions"] == data["completions"]
    results = service.completions.completed_versions([participant.id])[participant.id]
    assert [(r.attempt, r.correct) for r in results.attempts(module, version)] == [
        (1, completion["knowledge_check"]["correct"]),
        (2, total),
    ]
    # ... and the download has them: the retake's result is its only record now.
    assert [
        (r["module_id"], r["version"], r["attempt"], r["correct"], r["total"])
        for r in after["knowledge_check_results"]
    ] == [
        (module, version, 1, completion["knowledge_check"]["correct"], total),
        (module, version, 2, total, total),
    ]
    assert data["knowledge_check_results"] == after["knowledge_check_results"]
    printed = pdf_text(client, participant)
    assert printed.count("Your answers were deleted; the result is kept.") == 1  # try 2 only
    assert f"{total} of {total} right." in printed
    # The lesson still shows the latest result (attempt 2, all right), without the feedback.
    reading = service.reading.lesson(me, module).reading
    assert reading.score == {"correct": total, "total": total, "attempt": 2}
    assert reading.feedback == ()
    assert retakes.retake(client, participant, version, 2, right)[0] == 409
    assert retakes.retake(client, participant, version, 3, right)[0] == 201

    # Deleting again removes that new attempt; a retried delete is harmless (the audit entry,
    # three Queries and the delete of a saved-worksheets item that is not there).
    again = call(client, "delete", "/me/data", participant)
    assert json.loads(again.body)["knowledge_check_attempts"] == 1
    aws_calls.reset()
    response = call(client, "delete", "/me/data", other_participant)
    assert json.loads(response.body)["knowledge_check_attempts"] == 2
    aws_calls.reset()
    assert json.loads(call(client, "delete", "/me/data", other_participant).body) == {
        "worksheets": 0,
        "plan_versions": 0,
        "knowledge_check_attempts": 0,
    }
    # The three Queries of what they wrote and one of their kept forms' pointers.
    assert sorted(aws_calls.names) == ["DynamoDB.DeleteItem"] + ["DynamoDB.Query"] * 4 + [
        "DynamoDB.TransactWriteItems"
    ]


def test_the_pdf_names_modules_and_choices_in_the_readers_language(
    client, published_all, participant
):
    """Read and answered in Spanish: the PDF in Spanish names the module by its Spanish title,
    a worksheet by its module's, and each answer by the Spanish words chosen; the JSON keeps
    the ids and choice numbers."""
    import pypdf

    from tests.functional.web_client import download, lesson_path, save_worksheet, signed_in

    module = MODULE
    spanish = next(m for m in published_all if m.module_id == module and m.locale == "es")
    questions = spanish.meta["knowledge_check"]
    browser = signed_in(client, participant, language="es")
    assert (
        save_worksheet(browser, module, {"answer-urge-helpers": "Caminar"}, locale="es").status
        == 303
    )
    path = lesson_path(module)
    form = {
        "csrf": browser.get(path).csrf(),
        "version": str(shipped_version(module, "es")),
        "locale": "es",
        **{f"q{i}": "0" for i in range(len(questions))},
    }
    assert browser.post(f"{path}/complete", form).status == 303

    pdf = download(browser, "/account/data/download?format=pdf&locale=es")
    assert pdf.status == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    text = " ".join(text.split())
    title = spanish.meta["title"]
    assert text.count(title) == 2  # the worksheet's heading and the completion's line
    assert f"{title}, versión {shipped_version(module, 'en')}: terminado el" in text
    # Days in words, as on the pages and the plan PDF (walk 18, item 7): not "2026-11-27".
    assert re.search(r"terminado el \d{1,2} de [a-z]+ de \d{4}", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for n, q in enumerate(questions, start=1):
        assert " ".join(f"{n}. {q['question']} Usted eligió: {q['choices'][0]}".split()) in text
    assert module not in text and "Opciones elegidas" not in text

    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert data["completions"][0]["module_id"] == module
    assert data["completions"][0]["knowledge_check"]["answers"] == [0] * len(questions)
    assert data["worksheets"][0]["module_id"] == module


def test_the_pdf_lists_a_worksheets_answers_in_the_order_of_its_questions(
    client, published, participant
):
    """Walk 15, item 19.7: they came in the order of the field ids (urge-end, urge-helpers,
    urge-in-body, urge-start); right-to-left answers read in order there too (problem 2)."""
    import pypdf

    answers = {
        "urge-end": 3,
        "urge-helpers": ["أتصل بأمي ثم أمشي", "Walk 20 min"],
        "urge-in-body": "Chest",
        "urge-start": 8,
    }
    saved = call(
        client,
        "put",
        f"/me/worksheets/{MODULE}",
        participant,
        {"version": shipped_version(MODULE), "answers": answers},
    )
    assert saved.status_code == 200
    pdf = call(client, "get", "/me/data/download?format=pdf", participant, accept="application/pdf")
    assert pdf.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages
    )
    questions = [
        "How strong was the craving at the start?",
        "How strong was it when the timer ended?",
        "Where did I feel it in my body?",
        "What helps me ride out a craving",
    ]
    assert sorted(questions, key=text.index) == questions
    assert "أتصل بأمي ثم أمشي" in text and "Some characters could not" not in text


def pdf_text(client, account: Account, locale: str = "en") -> str:  # type: ignore[no-untyped-def]
    import pypdf

    pdf = call(
        client,
        "get",
        f"/me/data/download?format=pdf&locale={locale}",
        account,
        accept="application/pdf",
    )
    assert pdf.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(pdf.body)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def test_a_plan_never_changed_by_hand_is_in_the_download_as_my_plan_shows_it(
    client, published, participant
):
    """Walk 19, problem 5: a plan made from the worksheets and never edited has no saved
    version, and the PDF printed "My plan, every saved version (nothing)" under a full plan.
    Both downloads now hold the plan as ``GET /me/plan`` (My plan) gives it."""
    saved = call(
        client,
        "put",
        f"/me/worksheets/{MODULE}",
        participant,
        {
            "version": shipped_version(MODULE),
            "answers": {"urge-helpers": ["Walk with music", "Call Rosa"]},
        },
    )
    assert saved.status_code == 200
    plan = json.loads(call(client, "get", "/me/plan", participant).body)
    assert plan["version"] is None
    items = [i["text"] for s in plan["sections"] for i in s["items"]]
    assert items == ["Walk with music", "Call Rosa"]

    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert data["plan"] == plan and data["plan_versions"] == []

    text = pdf_text(client, participant)
    now = text.index("My plan as it is now")
    versions = text.index("My plan, every saved version")
    checks = text.index("Knowledge checks")
    shown = text[now:versions]
    assert "Made from your worksheet answers above. You have not changed it by hand." in shown
    section = next(s for s in plan["sections"] if s["items"])
    assert f"{section['title']} • Walk with music • Call Rosa" in shown
    empty = next(s for s in plan["sections"] if not s["items"])
    assert f"{empty['title']} (nothing yet)" in shown
    under_versions = text[versions:checks]
    assert "(nothing)" not in under_versions
    assert "you have not changed your plan by hand" in under_versions

    spanish = pdf_text(client, participant, "es")
    now = spanish.index("Mi plan tal como está ahora")
    versions = spanish.index("Mi plan, cada versión guardada")
    assert "Walk with music • Call Rosa" in spanish[now:versions]
    assert "Hecho con sus respuestas de las hojas de trabajo de arriba." in spanish[now:versions]
    assert "no ha cambiado su plan a mano" in spanish[versions:]
    assert "(nada)" not in spanish[versions : spanish.index("Preguntas de repaso")]


def test_a_plan_changed_by_hand_is_in_the_download_with_the_answers_written_since(
    client, published, participant
):
    """After a save, My plan is that version plus the worksheet answers written since; the
    download says which version and how many answers are newer, then lists every version."""
    write_things(client, participant, "Walk with music", "My daughter")
    saved = call(
        client,
        "put",
        f"/me/worksheets/{MODULE}",
        participant,
        {
            "version": shipped_version(MODULE),
            "answers": {"urge-helpers": ["Walk with music", "Call Rosa"]},
        },
    )
    assert saved.status_code == 200
    plan = json.loads(call(client, "get", "/me/plan", participant).body)
    assert plan["version"] == 2 and plan["new_items"] == 1

    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert data["plan"] == plan and [v["version"] for v in data["plan_versions"]] == [1, 2]

    text = pdf_text(client, participant)
    shown = text[text.index("My plan as it is now") : text.index("My plan, every saved version")]
    assert re.search(
        r"Your version 2, saved on \d{1,2} [A-Z][a-z]+ \d{4}, with 1 newer worksheet answer "
        r"that is not saved in it yet\.",
        shown,
    )
    assert "Call Rosa" in shown and "My daughter" in shown and "Made from your" not in shown
    assert "Version 1, saved on" in text and "Version 2, saved on" in text


def test_with_nothing_written_the_download_says_so(client, published, participant):
    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert data["plan"]["version"] is None
    assert all(s["items"] == [] for s in data["plan"]["sections"])
    text = pdf_text(client, participant)
    versions = text.index("My plan, every saved version")
    assert "My plan as it is now (nothing yet)" in text
    assert text[versions:].startswith("My plan, every saved version (nothing)")
    assert "Made from your" not in text and "changed your plan by hand" not in text


def test_the_download_has_the_reminder_settings_and_where_they_go(
    client, published, participant, other_participant
):
    """Everything kept about them: how and when reminders come, their time zone, the
    languages, the confirmed email address in full and a phone number waiting for its code;
    in the JSON as kept, in the PDF in words (both languages); never someone else's."""
    from tests.functional.test_reminder_routes import confirm_email

    confirm_email(client, participant, "wren.halloway@example.org")
    choice = {
        "enabled": True,
        "time": "18:15",
        "days": ["mon", "wed"],
        "trigger": "daily",
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "timezone": "America/Chicago",
        "locale": "es",
        "plan_every": "weekly",
        "plan_day": "fri",
    }
    assert call(client, "put", "/me/reminders", participant, choice).status_code == 200
    pending = {"phone": "+1 555 010 4477"}
    assert call(client, "post", "/me/reminders/contact", participant, pending).status_code == 200
    confirm_email(client, other_participant, "someone.else@example.org")

    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    settings = data["reminders"]["settings"]
    assert settings["email"] == "wren.halloway@example.org" and settings["channel"] == "email"
    assert (settings["enabled"], settings["time"], settings["days"]) == (
        True,
        "18:15",
        ["mon", "wed"],
    )
    assert (settings["timezone"], settings["locale"], settings["trigger"]) == (
        "America/Chicago",
        "es",
        "daily",
    )
    assert (settings["quiet_start"], settings["quiet_end"]) == ("21:00", "07:00")
    assert (settings["plan_every"], settings["plan_day"]) == ("weekly", "fri")
    assert settings["pending"]["address"] == "+15550104477" and "code" not in settings["pending"]
    assert "version" not in settings
    body = call(client, "get", "/me/data/download", participant).body.decode()
    assert "someone.else" not in body

    text = pdf_text(client, participant)
    for words in (
        "Reminders and where they go",
        "Reminders: on",
        "How: by email",
        "At what time: 18:15",
        "On which days: Monday, Wednesday",
        "When: every day while something is due",
        "Quiet hours (no reminders): 21:00 to 07:00",
        "Your time zone: America/Chicago",
        "Language of the messages: Español",
        "Your email address: wren.halloway@example.org",
        "Waiting for its code: +15550104477",
        "once a week, on Friday",
    ):
        assert words in text, words
    assert "someone.else" not in text
    spanish = pdf_text(client, participant, "es")
    assert "Su zona horaria: America/Chicago" in spanish and "Qué días: lunes, miércoles" in spanish

    # Never set up: the JSON says none, the PDF says so.
    assert (
        json.loads(call(client, "get", "/me/data/download", other_participant).body)["reminders"][
            "settings"
        ]["email"]
        == "someone.else@example.org"
    )


def test_without_reminder_settings_the_download_says_none_are_sent(client, published, participant):
    assert (
        json.loads(call(client, "get", "/me/data/download", participant).body)["reminders"] is None
    )
    assert "You have not set up reminders. None are sent." in pdf_text(client, participant)


def test_an_account_turned_off_and_on_again_with_no_reminders_set_up_has_none_kept(
    participant, service
):
    """Turning an account off creates the reminder settings item with the mark alone; turning
    it on again removes the mark and leaves an item holding nothing of theirs. The download
    says no reminder settings are kept (``null``), as for someone who never had the item,
    not ``{"settings": null, "sent": null}``."""
    from chalicelib.identity import ADMINS

    admin = Caller("admin-id", frozenset({ADMINS}))
    service.administration.disable(admin, participant.username)
    service.administration.enable(admin, participant.username)
    item, _ = service.reminders.records.get(participant.id)
    assert item is not None  # the item is there, with its keys and version only
    caller = Caller(participant.id, frozenset({"participants"}))
    assert service.my_data.export(caller).to_dict()["reminders"] is None


def test_the_download_has_their_groups_and_their_account_dates(
    client, published, participant, other_participant, leader, service, aws_calls
):
    """Every group they are in or were in (one left, one archived), with its name, when they
    joined and left, and their account's dates; never another participant or a group leader;
    in the PDF in words, English and Spanish. 7 Queries, 1 BatchGetItem, the audit entry."""
    import pypdf

    from tests.functional.test_groups import call as group_call
    from tests.functional.test_groups import enrol

    def new_group(name: str) -> str:
        status, body = group_call(client, "POST", "/groups", leader, {"name": name})
        assert status == 201
        return str(body["group_id"])

    staying, leaving, closing = (
        new_group("Tuesday evening group"),
        new_group("Morning group"),
        new_group("Weekend group"),
    )
    for group_id in (staying, leaving, closing):
        enrol(client, group_id, leader, participant, "Sam R.")
    enrol(client, staying, leader, other_participant, "Alex Other")
    status, _ = group_call(
        client, "DELETE", f"/groups/{leaving}/participants/{participant.id}", leader
    )
    assert status == 204
    status, _ = group_call(client, "PATCH", f"/groups/{closing}", leader, {"archived": True})
    assert status == 200

    me = Caller(participant.id, frozenset({"participants"}))
    aws_calls.reset()
    service.my_data.export(me)
    # The five Queries of what they wrote and their reminders, their group pointers, their
    # copies of the enrolment audit entries; one BatchGetItem of the groups and the account.
    assert sorted(aws_calls.names) == ["DynamoDB.BatchGetItem"] + ["DynamoDB.Query"] * 7 + [
        "DynamoDB.TransactWriteItems"
    ]

    response = call(client, "get", "/me/data/download", participant)
    data = json.loads(response.body)
    groups = {g["name"]: g for g in data["groups"]}
    assert set(groups) == {"Tuesday evening group", "Morning group", "Weekend group"}
    assert groups["Tuesday evening group"]["in_group_now"] is True
    assert groups["Tuesday evening group"]["left_at"] is None
    assert groups["Tuesday evening group"]["your_name_in_group"] == "Sam R."
    left = groups["Morning group"]
    assert left["in_group_now"] is False and left["joined_at"] and left["left_at"]
    assert left["left_at"] >= left["joined_at"]
    closed = groups["Weekend group"]
    assert closed["archived"] is True and closed["archived_at"]
    assert all(g["joined_at"] for g in data["groups"])
    body = response.body.decode()
    assert "Alex Other" not in body and other_participant.id not in body
    assert leader.id not in body and leader.username not in body
    # They left a group: their access ends (they are still in one active group, so not yet).
    assert data["account"]["access_ends_at"] is None
    assert set(data["account"]) >= {"access_ends_at", "password_chosen_at", "signed_out_before"}

    for locale, words in (
        (
            "en",
            (
                "My groups",
                "Morning group",
                "A group leader took you out of it on",
                "The group was archived (closed) on",
                "My account",
            ),
        ),
        (
            "es",
            (
                "Mis grupos",
                "Morning group",
                "Un líder de grupo lo sacó del grupo el",
                "El grupo se archivó (se cerró) el",
                "Mi cuenta",
            ),
        ),
    ):
        pdf = call(
            client,
            "get",
            f"/me/data/download?format=pdf&locale={locale}",
            participant,
            accept="application/pdf",
        )
        assert pdf.status_code == 200
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
        text = " ".join(text.split())
        for expected in words:
            assert expected in text, (locale, expected)
        assert "Alex Other" not in text


def test_an_access_end_is_in_the_download(client, published, participant, leader, service):
    """Removed from their last group: the access end and its last full day, in the JSON and
    the PDF."""
    import pypdf

    from tests.functional.test_groups import call as group_call
    from tests.functional.test_groups import enrol

    status, body = group_call(client, "POST", "/groups", leader, {"name": "Only group"})
    group_id = body["group_id"]
    enrol(client, group_id, leader, participant)
    status, _ = group_call(
        client, "DELETE", f"/groups/{group_id}/participants/{participant.id}", leader
    )
    assert status == 204
    data = json.loads(call(client, "get", "/me/data/download", participant).body)
    account = data["account"]
    assert account["access_ends_at"] and account["access_last_full_day"]
    assert account["access_end_notices"]
    pdf = call(client, "get", "/me/data/download?format=pdf", participant, accept="application/pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert "You can sign in to Steady until the end of" in " ".join(text.split())
