"""steady_content.worksheets: the worksheet syntax, its published shape, and the WS lint codes.

Every WS code also has a broken module in ``tests/fixtures/broken`` (test_lint_corpus.py);
these tests show the parser's output and the rules that compare versions, translations and
the whole library.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from chalicelib.vocabulary import PLAN_SECTIONS
from steady_content import frontmatter, lockfile, pipeline, worksheets
from steady_content.render import render
from steady_content.sanitize import sanitize
from tests.fixtures.modules import found, in_spanish, module_text, write

EXERCISE = textwrap.dedent(
    """\
    Welcome to a short lesson about hard days and what helps.

    ## Map your triggers

    !!! tip "Try this"
        Write down the people, places and times that make you want to use.

    ```worksheet
    - id: trigger-people
      kind: list
      max_items: 4
      label: People who make me want to use
      help: First names or initials are enough.
      plan: triggers
    - id: who-to-call
      kind: list
      label: People I can call
      plan: people-to-call
    - id: urge
      kind: scale
      label: How strong was the urge?
      low: Not at all
      high: Very strong
    - id: when
      kind: choice
      label: When will you practise?
      choices: [Morning, Evening]
    - id: what-happened
      kind: long-text
      label: What happened?
    ```

    ## Key points

    - Triggers are normal.
    """
)


def source_of(text: str, path: str = "content/addiction/coping.md") -> frontmatter.Source:
    source, problems = frontmatter.split(path, text)
    assert problems == [] and source is not None
    return source


# --- The parser ----------------------------------------------------------------------------


def test_parse_reads_every_field_with_its_line():
    worksheet = worksheets.parse(source_of(module_text(body=EXERCISE)))

    assert worksheet.problems == ()
    assert worksheet.ids == ("trigger-people", "who-to-call", "urge", "when", "what-happened")
    first = worksheet.fields[0]
    # The body starts on line 17; the fence is body line 8, the first field body line 9.
    assert (first.line, first.line_of("plan")) == (25, 30)
    assert (first.kind, first.max_items, first.plan, first.item) == ("list", 4, "triggers", "text")


def test_list_defaults_to_five_items_and_people_to_call_items_are_contacts():
    fields = worksheets.parse(source_of(module_text(body=EXERCISE))).by_id()

    assert fields["who-to-call"].max_items == worksheets.DEFAULT_MAX_ITEMS == 5
    assert fields["who-to-call"].item == "contact"
    assert fields["urge"].item is None and fields["urge"].max_items is None


def test_published_shape_names_the_section_of_each_exercise():
    published = worksheets.published(EXERCISE)

    assert published is not None
    assert published["fields"][0] == {
        "id": "trigger-people",
        "kind": "list",
        "label": "People who make me want to use",
        "help": "First names or initials are enough.",
        "plan": "triggers",
        "section": "map-your-triggers",
        "max_items": 4,
        "item": "text",
        "choices": [],
        "low": None,
        "high": None,
    }
    by_id = {f["id"]: f for f in published["fields"]}
    assert by_id["urge"]["low"] == "Not at all" and by_id["urge"]["high"] == "Very strong"
    assert by_id["when"]["choices"] == ["Morning", "Evening"]
    assert by_id["who-to-call"]["item"] == "contact"
    assert {f["section"] for f in published["fields"]} == {"map-your-triggers"}


def test_two_exercises_in_two_sections_keep_their_own_section():
    body = EXERCISE + textwrap.dedent(
        """
        ## Map your triggers

        !!! tip "Try this"
            Once more, for the weekend.

        ```worksheet
        - id: weekend
          kind: short-text
          label: My hardest weekend hour
        ```
        """
    )

    fields = worksheets.published(body)["fields"]

    # The second "Map your triggers" heading gets the id the renderer gives it.
    assert [f["section"] for f in fields][-2:] == ["map-your-triggers", "map-your-triggers_1"]
    assert 'id="map-your-triggers_1"' in render(body).html


def test_a_body_without_a_worksheet_publishes_none():
    assert worksheets.published("## A section\n\nJust text.\n") is None


def test_a_worksheet_fence_inside_a_code_block_is_only_code():
    body = "````markdown\n```worksheet\n- id: x\n```\n````\n"

    assert worksheets.find_blocks(body) == ()


def test_strip_removes_the_block_and_keeps_everything_else():
    stripped = worksheets.strip(EXERCISE)

    assert "```worksheet" not in stripped and "trigger-people" not in stripped
    assert "## Key points" in stripped and "Write down the people" in stripped


def test_the_lesson_html_and_reading_time_leave_the_worksheet_out():
    rendered = render(EXERCISE)

    assert "trigger-people" not in rendered.html
    assert "People who make me want to use" not in rendered.html
    assert rendered.word_count == render(worksheets.strip(EXERCISE)).word_count


def test_build_puts_the_worksheet_in_the_version_document(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "addiction/coping.md", module_text(body=EXERCISE))
    (module,) = pipeline.lint(tmp_path).modules

    document = pipeline.build(module, published_at="2026-02-01T00:00:00Z")

    assert [f["id"] for f in document["worksheet"]["fields"]][:2] == [
        "trigger-people",
        "who-to-call",
    ]
    assert "worksheet" not in document["html"]


def test_build_without_a_worksheet_says_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "addiction/coping.md", module_text())
    (module,) = pipeline.lint(tmp_path).modules

    assert pipeline.build(module)["worksheet"] is None


# --- Where the page shows the form -----------------------------------------------------------


def place_of(body: str) -> tuple[str, str, int] | None:
    """The published lesson HTML of ``body`` cut where the form goes, and the form's place in
    the contents list; None when the form stays after the whole text."""
    rendered = render(body)
    html = sanitize(rendered.html)
    place = pipeline.form_place(body, html, rendered.sections)
    if place is None:
        return None
    before, after = html[: place["html"]], html[place["html"] :]
    assert before + after == html
    return before, after, place["sections"]


def test_build_says_the_form_goes_right_after_the_try_this_box(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "addiction/coping.md", module_text(body=EXERCISE))
    (module,) = pipeline.lint(tmp_path).modules

    document = pipeline.build(module)

    at = document["worksheet"]["form_at"]
    before, after = document["html"][: at["html"]], document["html"][at["html"] :]
    assert before.endswith(
        "Write down the people, places and times that make you want to use.</p>\n</div>\n"
    )
    assert after.startswith('<h2 id="key-points">Key points</h2>')
    # In the contents: after "Map your triggers" (the box's section), before "Key points".
    assert [s["id"] for s in document["sections"]][: at["sections"]] == ["map-your-triggers"]
    assert "STEADY" not in document["html"]


def test_a_spanish_box_has_its_own_title_and_the_same_place():
    body = EXERCISE.replace('"Try this"', '"Pruebe esto"').replace("Key points", "Puntos clave")

    before, after, sections = place_of(body)

    assert '<p class="admonition-title">Pruebe esto</p>' in before
    assert after.startswith('<h2 id="puntos-clave">') and sections == 1


def test_with_two_try_this_boxes_the_form_follows_the_one_its_worksheet_is_under():
    second = '\n## Practise\n\n!!! tip "Try this"\n    Practise every day.\n\nMore text.\n'
    body = EXERCISE.replace("## Key points", second + "\n## Key points")

    before, after, sections = place_of(body)

    assert "Write down the people" in before and "Practise every day" in after
    assert after.startswith('<h2 id="practise">') and sections == 1


def test_with_two_worksheets_the_form_follows_the_box_of_the_last_one():
    second = textwrap.dedent(
        """
        ## Practise

        !!! tip "Try this"
            Practise every day.

        ```worksheet
        - id: weekend
          kind: short-text
          label: My hardest weekend hour
        ```

        """
    )
    body = EXERCISE.replace("## Key points", second + "## Key points")

    before, after, sections = place_of(body)

    assert "Write down the people" in before and "Practise every day" in before
    assert after.startswith('<h2 id="key-points">') and sections == 2


@pytest.mark.parametrize(
    "change",
    [
        # Under another kind of box than the exercise's "Try this" tip.
        lambda body: body.replace('!!! tip "Try this"', '!!! note "Write it down"'),
        # The box is the end of the text: the form is after the whole text anyway.
        lambda body: body[: body.index("## Key points")],
    ],
)
def test_otherwise_the_form_stays_after_the_whole_text(change):
    assert place_of(change(EXERCISE)) is None


def test_a_module_without_a_worksheet_publishes_the_same_text_as_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = EXERCISE[: EXERCISE.index("```worksheet")] + "## Key points\n\n- Triggers are normal.\n"
    write(tmp_path, "addiction/coping.md", module_text(body=body))
    (module,) = pipeline.lint(tmp_path).modules

    document = pipeline.build(module)

    assert document["worksheet"] is None
    assert document["html"] == sanitize(render(module.source.body).html)


def test_the_page_cuts_the_text_where_publishing_said():
    from chalicelib.worksheets import text_around_form

    html = '<p>Read.</p>\n<h2 id="key-points">Key points</h2>'
    sections = [{"id": "key-points", "title": "Key points", "level": 2}]
    document = {"html": html, "sections": sections, "worksheet": {"fields": []}}
    cut = text_around_form(
        {**document, "worksheet": {"fields": [], "form_at": {"html": 13, "sections": 0}}}
    )
    assert (cut.before, cut.after, cut.toc_at) == ("<p>Read.</p>\n", html[13:], 0)
    # Published before there was a place, or a place that does not fit: after the text.
    for sheet in (
        {"fields": []},
        {"fields": [], "form_at": {"html": len(html), "sections": 0}},
        {"fields": [], "form_at": {"html": 13, "sections": 2}},
        {"fields": [], "form_at": {"html": "13", "sections": 0}},
    ):
        assert text_around_form({**document, "worksheet": sheet}) == (type(cut)(html, "", None))


# --- Per-file codes --------------------------------------------------------------------------


def with_fields(fields: str, before: str = '!!! tip "Try this"\n    Do it.\n\n') -> str:
    return module_text(body=before + "```worksheet\n" + fields + "```\n")


def test_a_clean_worksheet_has_no_problems():
    assert [p for p in found(module_text(body=EXERCISE)) if p[0].startswith("WS")] == []


@pytest.mark.parametrize(
    ("fields", "code", "line"),
    [
        ("id: x\n", "WS001", 20),  # a mapping, not a list
        ("- id: x\n  kind: short-text\n  label: [\n", "WS001", 24),
        ("- id: x\n  kind: short-text\n", "WS010", 21),  # no label
        ("- id: x\n  kind: short-text\n  label: A\n  colour: red\n", "WS010", 24),
        ("- id: x\n  kind: list\n  label: A\n  max_items: 51\n", "WS010", 24),
        ("- id: x\n  kind: short-text\n  label: A\n  max_items: 3\n", "WS010", 24),
        ("- id: x\n  kind: choice\n  label: A\n  choices: [Only one]\n", "WS010", 24),
        ("- id: x\n  kind: choice\n  label: A\n  choices: [Yes, Yes]\n", "WS010", 24),
        ("- id: x\n  kind: short-text\n  label: A\n  low: Low\n", "WS010", 24),
        ("- id: X_1\n  kind: short-text\n  label: A\n", "WS011", 21),
        ("- id: 7\n  kind: short-text\n  label: A\n", "WS011", 21),
        (
            "- id: x\n  kind: short-text\n  label: A\n- id: x\n  kind: short-text\n  label: B\n",
            "WS012",
            24,
        ),
        ("- id: x\n  kind: short-text\n  label: A\n  plan: hopes\n", "WS013", 24),
        ("- id: x\n  kind: choice\n  label: A\n  choices: [a, b]\n  plan: reasons\n", "WS013", 25),
        ("- id: x\n  kind: short-text\n  label: A\n  plan: people-to-call\n", "WS013", 24),
        ("- id: x\n  kind: short-text\n  label: " + "word " * 25 + "\n", "WS031", 23),
        ("- id: x\n  kind: short-text\n  label: A\n  help: " + "word " * 45 + "\n", "WS031", 24),
        (
            "- id: x\n  kind: short-text\n  label: When did you last feel like a junkie?\n",
            "WS032",
            23,
        ),
    ],
)
def test_each_field_problem_has_its_code_at_its_line(fields, code, line):
    # The body starts on line 17: the box, its text, a blank line, then the fence on line 20.
    assert (code, line) in [(c, n) for c, n, _ in found(with_fields(fields))]


def test_a_worksheet_away_from_its_exercise_is_ws002_at_the_fence():
    text = with_fields("- id: x\n  kind: short-text\n  label: A\n", before="Some text.\n\n")

    assert found(text, code="WS002") == [("WS002", 19, 1)]


def ws003(text: str) -> list[tuple[int, int, str]]:
    source = source_of(text)
    return [(p.line, p.col, p.message) for p in worksheets.parse(source).problems]


def test_a_worksheet_under_a_note_box_is_ws003_at_the_box_saying_to_write_tip():
    # The body starts on line 17 with the box.
    text = with_fields(ONE_FIELD, before='!!! note "Try this"\n    Do it.\n\n')

    assert ws003(text) == [
        (
            17,
            5,
            "the worksheet form is shown right after a '!!! tip' box; under this '!!! note' box "
            'it would come after the whole lesson: write !!! tip "Try this"',
        )
    ]
    # What it says is so: the form would follow the whole text.
    assert worksheets.form_block(source_of(text).body) is None


@pytest.mark.parametrize(
    ("box", "written"),
    [
        ('!!! warning "Pruebe esto"', '!!! tip "Pruebe esto"'),
        ("!!! warning", '!!! tip "Warning"'),  # the title participants saw stays
        ("!!! note Try this", '!!! tip "Try this"'),  # also BX001
    ],
)
def test_ws003_keeps_the_box_title(box, written):
    text = with_fields(ONE_FIELD, before=f"{box}\n    Do it.\n\n")

    ((line, _, message),) = ws003(text)

    assert line == 17 and message.endswith(f"write {written}")


def test_only_the_box_of_the_last_worksheet_places_the_form():
    # A first worksheet under a note, the last under a tip: the form goes after the tip box.
    first = '!!! note "Think"\n    Think.\n\n```worksheet\n' + ONE_FIELD + "```\n\n"
    text = with_fields(
        "- id: two\n  kind: short-text\n  label: Two\n",
        before=first + '!!! tip "Try this"\n    Do it.\n\n',
    )
    assert ws003(text) == []
    # The other way round: WS003 at the note box, the last block's.
    first = '!!! tip "Try this"\n    Do it.\n\n```worksheet\n' + ONE_FIELD + "```\n\n"
    text = with_fields(
        "- id: two\n  kind: short-text\n  label: Two\n",
        before=first + '!!! note "Think"\n    Think.\n\n',
    )
    assert [line for line, _, _ in ws003(text)] == [26]


def test_a_worksheet_form_too_big_to_save_is_ws014_at_its_first_field():
    """Each list of people to call posts a name and a phone per row: ten of 50 rows each
    would be a form the web app refuses to read, and what was typed lost."""
    from chalicelib.worksheets import MAX_FORM_INPUTS, form_inputs

    def people(count: int) -> str:
        return "".join(
            f"- id: people-{n}\n  kind: list\n  label: People {n}\n  plan: people-to-call\n"
            "  max_items: 50\n"
            for n in range(count)
        )

    assert form_inputs([("list", 50, True)] * 9, 0) <= MAX_FORM_INPUTS
    assert [c for c, _, _ in found(with_fields(people(9))) if c == "WS014"] == []
    problems = [(c, line) for c, line, _ in found(with_fields(people(10))) if c == "WS014"]
    assert problems == [("WS014", 21)]  # the first field's line
    # max_items counts, not the longest list: ten lists of 5 people fit.
    small = people(10).replace("max_items: 50", "max_items: 5")
    assert [c for c, _, _ in found(with_fields(small)) if c == "WS014"] == []


def test_a_spanish_worksheet_is_judged_by_the_spanish_reading_rule():
    hard = (
        "- id: x\n  kind: long-text\n  label: "
        + (
            "Caracterice exhaustivamente manifestaciones fisiológicas extraordinariamente "
            "complicadas, particularmente interpersonales, considerablemente desproporcionadas, "
            "indudablemente significativas, históricamente documentadas, "
            "metodológicamente incuestionables, administrativamente irreprochables.\n"
        )
        + "  help: Responsabilidades institucionales administrativas correspondientes, "
        + ("independientemente, internacionalmente, burocráticamente, sistemáticamente.\n")
    )
    easy = (
        "- id: x\n  kind: long-text\n  label: ¿Qué te ayuda en un día difícil? "
        + (
            "Escribe una cosa. Puede ser algo pequeño, como una caminata, una ducha o una llamada.\n"
        )
        + "  help: Piensa en la última vez que te fue bien. ¿Qué hiciste? ¿Con quién estabas?\n"
    )
    path = "content/addiction/coping.es.md"

    assert found(
        module_text(
            body='!!! tip "Inténtalo"\n    Hazlo.\n\n```worksheet\n' + hard + "```\n", locale="es"
        ),
        path,
        "WS030",
    )
    assert not found(
        module_text(
            body='!!! tip "Inténtalo"\n    Hazlo.\n\n```worksheet\n' + easy + "```\n", locale="es"
        ),
        path,
        "WS030",
    )


# --- Across versions (the lock) --------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def relock(content: Path) -> None:
    result = pipeline.lint(content)
    assert [str(p) for p in result.problems if not p.code.startswith(("VB", "WS040"))] == []
    lockfile.write(content, pipeline.lock_entries(result.modules))


def codes(content: Path) -> list[tuple[str, int]]:
    """Every problem but WS040: these small libraries do not feed the whole plan."""
    return [(p.code, p.line) for p in pipeline.lint(content).problems if p.code != "WS040"]


TWO_FIELDS = "- id: one\n  kind: short-text\n  label: One thing\n" + (
    "- id: two\n  kind: list\n  label: Things that help\n"
)
ONE_FIELD = "- id: one\n  kind: short-text\n  label: One thing\n"


def test_the_lock_records_each_field_kind_and_label(content):
    write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)

    entry = lockfile.read(content)["coping"]["en"]

    assert entry["fields"] == {
        "one": {"kind": "short-text", "label": "One thing"},
        "two": {"kind": "list", "label": "Things that help"},
    }


def test_a_module_without_a_worksheet_has_no_fields_in_the_lock(content):
    write(content, "addiction/coping.md", module_text())
    relock(content)

    assert "fields" not in lockfile.read(content)["coping"]["en"]


def test_removing_a_field_without_a_bump_is_ws020_at_the_version(content):
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    path.write_text(with_fields(ONE_FIELD), encoding="utf-8")

    assert ("WS020", 4) in codes(content)


def test_removing_a_field_is_reported_while_the_module_has_other_problems(content):
    # Walk 14: version checks run in the same round as the module's other problems.
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    path.write_text(with_fields(ONE_FIELD) + "\n# A second title\n", encoding="utf-8")

    assert {"WS020", "HD001"} <= {code for code, _ in codes(content)}


def test_a_worksheet_that_cannot_be_read_has_not_lost_its_fields(content):
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    path.write_text(with_fields(TWO_FIELDS.replace("label: One thing", "label: One: thing")))

    found = {code for code, _ in codes(content)}
    assert "WS001" in found and "WS020" not in found


def test_changing_a_field_kind_is_a_change_too(content):
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    path.write_text(with_fields(TWO_FIELDS.replace("kind: list", "kind: long-text")), "utf-8")

    assert ("WS020", 4) in codes(content)


def test_a_new_version_that_drops_a_field_must_say_so_in_the_changelog(content):
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    bumped = (
        with_fields(ONE_FIELD)
        .replace("version: 1", "version: 2")
        .replace("changelog: First version.", "changelog: A shorter exercise.")
    )
    path.write_text(bumped, encoding="utf-8")

    assert ("WS021", 12) in codes(content)

    path.write_text(
        bumped.replace(
            "A shorter exercise.", "Dropped the field two; earlier answers stay in the plan."
        ),
        encoding="utf-8",
    )
    assert [c for c, _ in codes(content) if c.startswith("WS")] == []
    relock(content)
    assert codes(content) == []


def test_the_changelog_may_name_the_field_by_its_old_label(content):
    path = write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    relock(content)
    path.write_text(
        with_fields(ONE_FIELD)
        .replace("version: 1", "version: 2")
        .replace(
            "First version.",
            "Things that help moved to the next module; answers stay in your plan.",
        ),
        encoding="utf-8",
    )

    assert [c for c, _ in codes(content) if c.startswith("WS")] == []


def test_adding_a_field_needs_only_the_usual_bump(content):
    path = write(content, "addiction/coping.md", with_fields(ONE_FIELD))
    relock(content)
    path.write_text(with_fields(TWO_FIELDS), encoding="utf-8")

    assert codes(content) == [("VB001", 4)]


# --- Translations ----------------------------------------------------------------------------


def spanish(fields: str) -> str:
    return in_spanish(
        module_text(
            body='!!! tip "Inténtalo"\n    Hazlo.\n\n```worksheet\n' + fields + "```\n",
            locale="es",
        )
    )


def test_a_translation_with_the_same_fields_is_clean(content):
    write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    write(
        content,
        "addiction/coping.es.md",
        spanish(
            "- id: one\n  kind: short-text\n  label: Una cosa\n"
            "- id: two\n  kind: list\n  label: Cosas que ayudan\n"
        ),
    )
    relock(content)

    assert codes(content) == []


def test_a_translation_missing_a_field_is_ws050_at_its_worksheet(content):
    write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    write(
        content,
        "addiction/coping.es.md",
        spanish("- id: one\n  kind: short-text\n  label: Una cosa\n"),
    )
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    assert codes(content) == [("WS050", 20)]


def test_a_translation_without_any_worksheet_is_ws050_at_its_body(content):
    write(content, "addiction/coping.md", with_fields(TWO_FIELDS))
    write(content, "addiction/coping.es.md", in_spanish(module_text("Respira.\n", locale="es")))
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    assert codes(content) == [("WS050", 17)]


THREE_FIELDS = TWO_FIELDS + "- id: three\n  kind: long-text\n  label: What happened\n"


def ws050(content: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in pipeline.lint(content).problems if p.code == "WS050"]


def test_a_translated_field_id_is_one_ws050_saying_to_rename_it_back(content):
    write(content, "addiction/coping.md", with_fields(THREE_FIELDS))
    write(
        content,
        "addiction/coping.es.md",
        spanish(
            "- id: one\n  kind: short-text\n  label: Una cosa\n"
            "- id: lo-que-me-ayuda\n  kind: list\n  label: Cosas que ayudan\n"
            "- id: three\n  kind: long-text\n  label: Lo que pasó\n"
        ),
    )
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    # At the translated id (body line 4 of 'spanish': file line 24), in one message.
    assert ws050(content) == [
        (
            24,
            "rename 'lo-que-me-ayuda' back to 'two': field ids stay as in the English original "
            "addiction/coping.md; only labels are translated",
        )
    ]


@pytest.mark.parametrize(
    "fields",
    [
        # The new id is not where the missing one was: which one it stands for is a guess.
        "- id: lo-que-me-ayuda\n  kind: list\n  label: Cosas\n"
        "- id: one\n  kind: short-text\n  label: Una cosa\n"
        "- id: three\n  kind: long-text\n  label: Lo que pasó\n",
        # Two missing, one new.
        "- id: one\n  kind: short-text\n  label: Una cosa\n"
        "- id: lo-que-me-ayuda\n  kind: list\n  label: Cosas\n",
        # One missing, two new.
        "- id: uno\n  kind: short-text\n  label: Una cosa\n"
        "- id: lo-que-me-ayuda\n  kind: list\n  label: Cosas\n"
        "- id: three\n  kind: long-text\n  label: Lo que pasó\n"
        "- id: otra\n  kind: long-text\n  label: Otra\n",
    ],
)
def test_other_differences_in_field_ids_keep_a_line_for_each(content, fields):
    write(content, "addiction/coping.md", with_fields(THREE_FIELDS))
    write(content, "addiction/coping.es.md", spanish(fields))
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    messages = [message for _, message in ws050(content)]

    assert not any(m.startswith("rename") for m in messages)
    assert sum(m.startswith("missing worksheet field") for m in messages) == 1
    assert sum("is not in the English original" in m for m in messages) >= 1


def test_a_translated_field_feeding_another_plan_section_is_ws051(content):
    write(content, "addiction/coping.md", with_fields(ONE_FIELD + "  plan: reasons\n"))
    write(
        content,
        "addiction/coping.es.md",
        spanish("- id: one\n  kind: short-text\n  label: Una cosa\n  plan: triggers\n"),
    )

    assert ("WS051", 24) in codes(content)


# --- The whole library -----------------------------------------------------------------------


def test_a_library_without_worksheets_has_no_plan_to_feed(content):
    write(content, "addiction/coping.md", module_text())
    relock(content)

    assert pipeline.lint(content).problems == []


TRACK = (
    "id: first-month\ntitle: The first month\nversion: 1\n"
    "summary: The first month of recovery.\nmodules:\n  - coping\n"
)


def test_every_plan_section_missing_is_ws040_at_the_first_worksheet(content):
    fed = "- id: one\n  kind: list\n  label: Things that help\n  plan: coping-skills\n"
    write(content, "addiction/coping.md", with_fields(fed))
    write(content, "tracks/first-month.yaml", TRACK)
    relock(content)

    found_codes = pipeline.lint(content).problems

    missing = [p for p in found_codes if p.code == "WS040"]
    assert len(missing) == len(PLAN_SECTIONS) - 1
    assert {p.line for p in missing} == {21}
    assert not any("'coping-skills'" in p.message for p in missing)


def test_ws040_looks_at_the_whole_library_even_when_one_file_is_linted(content):
    every = "".join(
        f"- id: f-{section}\n  kind: list\n  label: Things\n  plan: {section}\n"
        for section in PLAN_SECTIONS
    )
    write(content, "addiction/coping.md", with_fields(every))
    write(content, "tracks/first-month.yaml", TRACK)
    other = write(content, "addiction/other.md", module_text(module_id="other"))
    relock(content)

    assert pipeline.lint(content, [other]).problems == []
    assert pipeline.lint(content).problems == []


def test_a_folder_without_tracks_is_not_judged_on_the_whole_plan(content):
    fed = "- id: one\n  kind: list\n  label: Things that help\n  plan: coping-skills\n"
    write(content, "addiction/coping.md", with_fields(fed))
    relock(content)

    assert pipeline.lint(content).problems == []


def test_ws030_names_the_measure_that_fails():
    from tests.fixtures.modules import check

    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
    text = (corpus / "addiction" / "worksheet-hard-labels.md").read_text(encoding="utf-8")

    (problem,) = [p for p in check(text) if p.code == "WS030"]

    assert problem.message.startswith("the worksheet's labels are too hard to read: SMOG grade ")
    assert " above 8" in problem.message and "(SMOG)" not in problem.message


def test_a_worksheet_inside_an_html_comment_is_commented_out():
    # The scaffold of 'steady-content new' shows an example this way.
    example = "- id: x\n  kind: list\n  label: Things that help me\n  plan: coping-skills\n"
    body = (
        '!!! tip "Try this"\n    Do it.\n\n<!--\n```worksheet\n'
        + example
        + "```\n-->\n\nAfter the comment.\n"
    )
    source, _ = frontmatter.split("content/addiction/coping.md", module_text(body=body))
    assert source is not None

    assert worksheets.parse(source).fields == ()
    assert found(module_text(body=body)) == []
    html = render(source.body).html
    assert "After the comment." in html
    assert "Things that help me" not in html and "worksheet" not in html
    # Uncommented, the same block is a worksheet.
    live = body.replace("<!--\n", "").replace("-->\n", "")
    source, _ = frontmatter.split("content/addiction/coping.md", module_text(body=live))
    assert source is not None and worksheets.parse(source).ids == ("x",)
