"""Translations: content/<topic>/<id>.es.md, same id, own version and review (TL001, TL002)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steady_content import lockfile, pipeline
from tests.fixtures.modules import found, in_spanish, module_text, write

SPANISH_BODY = "Respira despacio. Cuenta hasta diez y espera.\n"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(content: Path) -> list[tuple[str, str, int]]:
    return [(p.path, p.code, p.line) for p in pipeline.lint(content).problems]


def spanish(version: int = 1, status: str = "draft") -> str:
    text = in_spanish(module_text(SPANISH_BODY, locale="es", version=version))
    return text.replace("status: draft", f"status: {status}")


@pytest.mark.parametrize(
    ("name", "locale", "expected"),
    [
        ("coping.md", "en", []),
        ("coping.es.md", "es", []),
        ("coping.md", "es", [("TL002", 7)]),
        ("coping.es.md", "en", [("TL002", 7)]),
        ("coping.en.md", "en", [("TL002", 7)]),
    ],
)
def test_tl002_the_file_name_matches_the_locale(name, locale, expected):
    body = SPANISH_BODY if locale == "es" else "Take one slow breath.\n"
    text = module_text(body, locale=locale)

    assert [p[:2] for p in found(text, path=f"content/addiction/{name}", code="TL002")] == expected


def test_tl002_without_a_locale_field_english_is_meant():
    text = module_text().replace("locale: en\n", "")

    assert [p[:2] for p in found(text, path="content/addiction/coping.es.md", code="TL002")] == [
        ("TL002", 2)
    ]


def test_a_translation_beside_its_original_is_clean_once_locked(content):
    write(content, "addiction/coping.md", module_text())
    write(content, "addiction/coping.es.md", spanish())
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    assert problems(content) == []
    assert lockfile.read(content)["coping"].keys() == {"en", "es"}


def test_tl001_a_translation_needs_its_english_original(content):
    write(content, "addiction/coping.es.md", spanish())

    found_ = [p for p in pipeline.lint(content).problems if p.code == "TL001"]

    assert [(p.path, p.line) for p in found_] == [("addiction/coping.es.md", 7)]
    assert "needs its English original at addiction/coping.md" in found_[0].message


def test_tl001_an_original_in_another_topic_is_named(content):
    write(content, "mental-health/coping.md", module_text(topic="mental-health"))
    write(content, "addiction/coping.es.md", spanish())

    (problem,) = [p for p in pipeline.lint(content).problems if p.code == "TL001"]

    assert "it is mental-health/coping.md" in problem.message


def test_a_translation_has_its_own_version_and_review(content):
    write(content, "addiction/coping.md", module_text())
    write(content, "addiction/coping.es.md", spanish())
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    # The translation moves on (version 2, approved) while the original stays at version 1.
    approved = (
        spanish(version=2)
        .replace(
            "review: {status: draft, reviewer: null, date: null}",
            "review: {status: approved, reviewer: Dra. Ruiz, date: 2026-02-01}",
        )
        .replace(SPANISH_BODY, "Respira hondo y cuenta hasta cinco. Luego espera un poco.\n")
    )
    write(content, "addiction/coping.es.md", approved)

    assert problems(content) == [("addiction/coping.es.md", "VB003", 4)]

    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    assert problems(content) == []
    assert {k: v["version"] for k, v in lockfile.read(content)["coping"].items()} == {
        "en": 1,
        "es": 2,
    }


def test_editing_a_translation_without_a_bump_is_vb001_for_that_locale_only(content):
    write(content, "addiction/coping.md", module_text())
    write(content, "addiction/coping.es.md", spanish())
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))
    write(content, "addiction/coping.es.md", spanish().replace("diez", "cinco"))

    assert problems(content) == [("addiction/coping.es.md", "VB001", 4)]


def test_tl003_text_left_in_english_is_named_at_each_line(content):
    # The body is translated; the title, an objective, the knowledge check and a worksheet
    # label were forgotten. Spanish readers would have seen them in English.
    check = (
        'knowledge_check:\n  - question: "What helps on a hard day?"\n'
        '    choices: ["A slow breath.", "Nothing at all."]\n    answer: 0\n'
        '    explanation: "Breathing slowly calms the body."\n'
    )
    sheet = '\n!!! tip "{tip}"\n    {step}\n\n```worksheet\n- id: one\n  kind: short-text\n'
    sheet += "  label: {label}\n```\n"
    english = module_text(
        "Take one slow breath.\n"
        + sheet.format(tip="Try this", step="Breathe.", label="What helps me most"),
        extra=check,
    )
    write(content, "addiction/coping.md", english)
    spanish_text = (
        in_spanish(
            module_text(
                SPANISH_BODY
                + sheet.format(tip="Pruebe esto", step="Respire.", label="What helps me most"),
                locale="es",
                extra=check.replace("What helps on a hard day?", "¿Qué ayuda en un día difícil?")
                .replace("A slow breath.", "Respirar despacio.")
                .replace("Nothing at all.", "Nada."),
            )
        )
        .replace("title: Cómo sobrellevar los días difíciles", "title: Coping with hard days")
        .replace(
            "  - Nombrar una forma de",
            "  - Name one way to cope with a hard day.\n  - Una forma de",
        )
    )
    write(content, "addiction/coping.es.md", spanish_text)

    found_ = [p for p in pipeline.lint(content).problems if p.code == "TL003"]

    assert [(p.path, p.line) for p in found_] == [
        ("addiction/coping.es.md", 3),  # title
        ("addiction/coping.es.md", 9),  # the objective left in English
        ("addiction/coping.es.md", 21),  # the explanation
        ("addiction/coping.es.md", 31),  # the worksheet label
    ]
    assert found_[0].message == (
        "'Coping with hard days' is the same as in the English original addiction/coping.md: "
        "translate it, or Spanish readers see it in English"
    )


def test_tl003_short_texts_may_read_the_same_in_both_languages(content):
    write(content, "addiction/coping.md", module_text("HALT means stop.\n\n## SMART goals\n"))
    write(
        content,
        "addiction/coping.es.md",
        in_spanish(module_text("HALT significa parar.\n\n## SMART goals\n", locale="es")),
    )

    assert [p for p in pipeline.lint(content).problems if p.code == "TL003"] == []


def test_tl003_a_spanish_module_named_like_an_original_is_not_compared_with_itself(content):
    write(content, "addiction/coping.md", module_text(locale="es"))

    codes = {p.code for p in pipeline.lint(content).problems}

    assert "TL002" in codes
    assert "TL003" not in codes


def _check(*questions: str) -> str:
    """A knowledge check of one two-choice question per text (front matter, lines 16 on)."""
    return "knowledge_check:\n" + "".join(
        f"  - question: {q}\n"
        "    choices: [Uno de dos., Otro de dos.]\n"
        "    answer: 0\n"
        f"    explanation: {q}\n"
        for q in questions
    )


def _english_check(*questions: str) -> str:
    return _check(*questions).replace("Uno de dos.", "One of two.").replace("Otro", "Another")


def test_tl004_a_translation_asks_as_many_questions_as_its_original(content):
    # English v2 with a fourth question, the Spanish caught up with the text only: a
    # completion of either is one completion of the English version, its answers read against
    # both languages' questions (a 500 on "Mark as complete" before the service was mended).
    english = ("What helps first?", "Who can you call?", "When do cravings pass?", "What next?")
    spanish_questions = ("¿Qué ayuda primero?", "¿A quién puede llamar?", "¿Cuándo pasa?")
    write(content, "addiction/coping.md", module_text(extra=_english_check(*english)))
    write(
        content,
        "addiction/coping.es.md",
        in_spanish(module_text(SPANISH_BODY, locale="es", extra=_check(*spanish_questions))),
    )
    # Before it is locked (``steady-content lock`` refuses it while TL004 stands).
    (problem,) = [p for p in pipeline.lint(content).problems if p.code == "TL004"]
    assert (problem.path, problem.code, problem.line) == ("addiction/coping.es.md", "TL004", 16)
    assert "has 3 questions but the English original addiction/coping.md has 4" in str(problem)

    # The fourth question translated: clean.
    write(
        content,
        "addiction/coping.es.md",
        in_spanish(
            module_text(SPANISH_BODY, locale="es", extra=_check(*spanish_questions, "¿Y después?"))
        ),
    )
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))
    assert problems(content) == []


def test_tl004_a_translation_without_the_check_is_named_at_its_locale(content):
    write(content, "addiction/coping.md", module_text(extra=_english_check("What helps?")))
    write(content, "addiction/coping.es.md", spanish())

    assert [p for p in problems(content) if p[1] == "TL004"] == [
        ("addiction/coping.es.md", "TL004", 7)
    ]


def test_tl004_the_english_moving_on_alone_leaves_the_locked_translation_alone(content):
    """English v2 adds a question; the Spanish v1, locked (and so published) as it is,
    translates English v1 and is one completion of it: nothing to refuse, and an urgent English
    fix must not wait for the translation (docs/authoring.md, Translations). Its next version
    is checked against the English as it is then."""
    three = ("What helps first?", "Who can you call?", "When do cravings pass?")
    tres = ("¿Qué ayuda primero?", "¿A quién puede llamar?", "¿Cuándo pasa?")
    write(content, "addiction/coping.md", module_text(extra=_english_check(*three)))
    write(
        content,
        "addiction/coping.es.md",
        in_spanish(module_text(SPANISH_BODY, locale="es", extra=_check(*tres))),
    )
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))
    assert problems(content) == []
    v2 = module_text(version=2, extra=_english_check(*three, "What next?")).replace(
        "changelog: First version.", "changelog: A fourth question."
    )
    write(content, "addiction/coping.md", v2)
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))
    assert problems(content) == []
    # The Spanish moves on with the text only: its new version would be published as English
    # v2, whose check has four questions.
    spanish_v2 = in_spanish(
        module_text(SPANISH_BODY + "\n\nMás.\n", version=2, locale="es", extra=_check(*tres))
    ).replace("changelog: First version.", "changelog: Más texto.")
    write(content, "addiction/coping.es.md", spanish_v2)
    assert ("addiction/coping.es.md", "TL004") in [(p[0], p[1]) for p in problems(content)]
