"""steady_content.rules.check: per-file rules, each reported as ``path:line: CODE message``."""

from __future__ import annotations

import textwrap

import pytest

from steady_content import frontmatter, rules
from steady_content.problems import Problem

PATH = "content/addiction/coping.md"

# A complete, valid module. The numbers on the right are file lines used by the tests below.
VALID = textwrap.dedent(
    """\
    ---
    id: coping
    title: Coping with hard days
    version: 1
    topic: addiction
    summary: Small steps can help you get through a hard day.
    objectives:
      - Name one way to cope with a hard day.
    tags:
      - coping
      - stress
    review:
      status: draft
      reviewer: null
      date: null
    references:
      - title: SAMHSA National Helpline
        url: https://www.samhsa.gov/find-help/national-helpline
    knowledge_check:
      - question: What can help on a hard day?
        choices:
          - A slow breath.
          - Nothing at all.
        answer: 0
        explanation: A slow breath calms the body.
    ---

    ## Try it

    Take one slow breath.
    """
)
#     1 ---             9 tags:            17 - title:          25 explanation:
#     2 id              10  - coping       18   url:            26 ---
#     3 title           11  - stress       19 knowledge_check:
#     4 version         12 review:         20 - question:
#     5 topic           13   status:       21   choices:
#     6 summary         14   reviewer:     22     - A slow breath.
#     7 objectives:     15   date:         23     - Nothing at all.
#     8   - Name ...    16 references:     24   answer:


def check(text: str, path: str = PATH) -> list[Problem]:
    source, problems = frontmatter.split(path, text)
    assert problems == [], problems
    return rules.check(source)


def found(text: str, path: str = PATH) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in check(text, path)]


def without(*fields: str) -> str:
    """VALID without the top-level ``fields`` (their key line and any indented lines below)."""
    kept, dropping = [], False
    for line in VALID.splitlines(keepends=True):
        if not line.startswith(" "):
            dropping = any(line.startswith(f"{name}:") for name in fields)
        if not dropping:
            kept.append(line)
    return "".join(kept)


def edit(old: str, new: str) -> str:
    """VALID with exactly one occurrence of ``old`` replaced."""
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def test_the_line_map_in_this_file_is_right():
    lines = VALID.splitlines()
    assert lines[3] == "version: 1"
    assert lines[10] == "  - stress"
    assert lines[12] == "  status: draft"
    assert lines[17].strip().startswith("url:")
    assert lines[19].startswith("  - question:")
    assert lines[20].strip() == "choices:"
    assert lines[23].strip() == "answer: 0"


def test_a_complete_valid_module_has_no_problems():
    assert check(VALID) == []


def test_every_optional_field_used_well_is_still_clean():
    text = edit(
        "version: 1\n",
        "version: 2\nlocale: es\nchangelog: Added a breathing exercise.\n"
        "readability_waiver: Clinical terms are needed here.\n",
    )
    text = text.replace(
        "  status: draft\n  reviewer: null\n  date: null\n",
        "  status: approved\n  reviewer: Dr. Rivera\n  date: 2026-01-10\n",
    )
    assert check(text, path="content/addiction/coping.es.md") == []


def test_problem_str_is_path_line_code_message():
    assert str(Problem(PATH, 4, "FM011", "version must be a whole number, 1 or more")) == (
        "content/addiction/coping.md:4: FM011 version must be a whole number, 1 or more"
    )
    (only,) = check(edit("version: 1", "version: 0"))
    assert str(only) == f"{PATH}:4: FM011 {only.message}"


@pytest.mark.parametrize(
    "field", ["id", "title", "version", "topic", "summary", "objectives", "tags", "references"]
)
def test_fm010_missing_required_field_is_reported_on_line_1(field):
    problems = check(without(field))

    assert [(p.code, p.line) for p in problems] == [("FM010", 1)]
    assert problems[0].message == f"missing required field '{field}'"


def test_fm010_missing_review_block():
    assert found(without("review")) == [("FM010", 1)]


def test_fm010_reports_each_missing_field():
    problems = check(without("title", "summary"))
    assert [p.message for p in problems] == [
        "missing required field 'summary'",
        "missing required field 'title'",
    ]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param("version: 1", 'version: "2"', 4, id="version-as-string"),
        pytest.param("version: 1", "version: 0", 4, id="version-zero"),
        pytest.param("version: 1", "version: -3", 4, id="version-negative"),
        pytest.param("version: 1", "version: 1.5", 4, id="version-float"),
        pytest.param("version: 1", "version: true", 4, id="version-bool"),
        pytest.param("topic: addiction", "topic: anger", 5, id="unknown-topic"),
        pytest.param(
            "summary: Small steps can help you get through a hard day.",
            "summary: Small steps help. They add up.",
            6,
            id="summary-two-sentences",
        ),
        pytest.param(
            "summary: Small steps can help you get through a hard day.",
            "summary: Small steps can help you",
            6,
            id="summary-no-full-stop",
        ),
        pytest.param(
            "summary: Small steps can help you get through a hard day.",
            "summary: " + "word " * 60 + "end.",
            6,
            id="summary-too-long",
        ),
        pytest.param("title: Coping with hard days", 'title: ""', 3, id="empty-title"),
        pytest.param(
            "  - Name one way to cope with a hard day.", "  - 42", 8, id="objective-not-text"
        ),
        pytest.param("  - stress", "  - Stress Relief", 11, id="tag-not-a-slug"),
        pytest.param("  - stress", "  - stress_relief", 11, id="tag-with-underscore"),
        pytest.param("tags:\n  - coping\n  - stress", "tags: []", 9, id="tags-empty"),
        pytest.param(
            "url: https://www.samhsa.gov/find-help/national-helpline",
            "url: http://www.samhsa.gov/find-help/national-helpline",
            18,
            id="reference-url-http",
        ),
        pytest.param(
            "url: https://www.samhsa.gov/find-help/national-helpline",
            "url: javascript:alert(1)",
            18,
            id="reference-url-javascript",
        ),
        pytest.param(
            "  - title: SAMHSA National Helpline",
            '  - title: ""',
            17,
            id="reference-title-empty",
        ),
        pytest.param(
            "  status: draft\n  reviewer: null\n  date: null",
            "  status: approved\n  reviewer: null\n  date: 2026-01-10",
            13,
            id="approved-without-reviewer",
        ),
        pytest.param(
            "  status: draft\n  reviewer: null\n  date: null",
            "  status: approved\n  reviewer: Dr. Rivera\n  date: null",
            13,
            id="approved-without-date",
        ),
        pytest.param("  status: draft", "  status: done", 13, id="unknown-review-status"),
        pytest.param("  date: null", '  date: "next week"', 15, id="review-date-not-a-date"),
        pytest.param("version: 1", "version: 1\nlocale: fr", 5, id="unknown-locale"),
    ],
)
def test_fm011_wrong_type_or_value_points_at_the_value(old, new, line):
    assert found(edit(old, new)) == [("FM011", line)]


@pytest.mark.parametrize(
    ("reviewer", "date", "says"),
    [
        (
            '"Dr. Rivera"',
            "2026-01-10",
            "this draft has a reviewer and a date (a draft has neither until a clinician "
            "approves it): if a clinician approved it, set status: approved; if not, set "
            "reviewer: null and date: null",
        ),
        ('"Dr. Rivera"', "null", "set status: approved and add the date of the review; "),
        ("null", "2026-01-10", "if not, set date: null"),
    ],
)
def test_fm040_a_draft_with_a_reviewer_or_a_date_at_the_review_block(reviewer, date, says):
    text = edit("  reviewer: null\n  date: null", f"  reviewer: {reviewer}\n  date: {date}")

    (problem,) = check(text)

    assert (problem.code, problem.line) == ("FM040", 12)
    assert says in problem.message


def test_fm040_is_at_the_line_of_a_review_written_on_one_line():
    text = edit(
        "review:\n  status: draft\n  reviewer: null\n  date: null\n",
        'review: {status: draft, reviewer: "Dr. Rivera", date: 2026-01-10}\n',
    )

    assert found(text) == [("FM040", 12)]


@pytest.mark.parametrize("status", ["in-review", "approved"])
def test_a_reviewer_and_date_are_fine_once_the_module_is_not_a_draft(status):
    text = edit(
        "  status: draft\n  reviewer: null\n  date: null",
        f'  status: {status}\n  reviewer: "Dr. Rivera"\n  date: 2026-01-10',
    )

    assert check(text) == []


def test_fm011_message_names_the_problem():
    (problem,) = check(edit("version: 1", 'version: "2"'))
    assert problem.message == "version must be a whole number, 1 or more"


def test_fm012_unknown_field_at_its_line():
    text = edit("title: Coping with hard days\n", "title: Coping with hard days\nauthor: Sam\n")

    problems = check(text)

    assert [(p.code, p.line) for p in problems] == [("FM012", 4)]
    assert problems[0].message == "unknown field 'author'"


@pytest.mark.parametrize(
    ("key", "read_as"),
    [
        ("1", "a number"),
        ("1.5", "a number"),
        ("~", "nothing (null)"),
        ("true", "true or false"),
        ("no", "true or false"),
        ("2026-01-01", "a date"),
    ],
)
@pytest.mark.parametrize(
    ("after", "line"),
    [
        ("title: Coping with hard days\n", 4),  # a field
        ("  date: null\n", 16),  # a key of review
        ("    url: https://www.samhsa.gov/find-help/national-helpline\n", 19),  # of a reference
        ("    explanation: A slow breath calms the body.\n", 26),  # of a question
    ],
)
def test_fm015_a_key_yaml_reads_as_no_name_at_its_line_and_nothing_else(key, read_as, after, line):
    # These keys made lint (and lock and publish) crash in the hash of what participants see.
    indent = after[: len(after) - len(after.lstrip())]
    problems = check(edit(after, f"{after}{indent}{key}: oops\n"))

    assert [(p.code, p.line) for p in problems] == [("FM015", line)]
    assert problems[0].message == (
        f"'{key}' before the colon is read as {read_as}, not as a name: "
        "fields and keys are words, like title or question"
    )


@pytest.mark.parametrize("name", ["reading_time", "reading_minutes", "word_count"])
def test_fm013_computed_fields_must_not_be_written_by_hand(name):
    text = edit("title: Coping with hard days\n", f"title: Coping with hard days\n{name}: 5\n")

    problems = check(text)

    assert [(p.code, p.line) for p in problems] == [("FM013", 4)]
    assert "computed when publishing" in problems[0].message


@pytest.mark.parametrize(
    "bad_id",
    ["Coping", "coping_skills", "coping--skills", "-coping", "coping-", "cóping", "a" * 81],
)
def test_fm020_id_must_be_a_slug(bad_id):
    text = edit("id: coping", f"id: {bad_id}")
    assert found(text, path=f"content/addiction/{bad_id}.md") == [("FM020", 2)]


def test_fm021_id_must_equal_the_file_name():
    problems = check(VALID, path="content/addiction/coping-skills.md")

    assert [(p.code, p.line) for p in problems] == [("FM021", 2)]
    assert problems[0].message == "id 'coping' must equal the file name 'coping-skills'"


def test_fm021_translation_file_name_uses_the_part_before_the_locale():
    spanish = edit("version: 1\n", "version: 1\nlocale: es\n")
    assert found(spanish, path="content/addiction/coping.es.md") == []


def test_fm022_topic_must_equal_the_folder():
    problems = check(VALID, path="content/mental-health/coping.md")

    assert [(p.code, p.line) for p in problems] == [("FM022", 5)]
    assert problems[0].message == "topic 'addiction' must equal the folder 'mental-health'"


def test_fm030_a_later_version_needs_a_changelog():
    assert found(edit("version: 1", "version: 2")) == [("FM030", 4)]
    # An empty changelog is both the wrong value (FM011) and no changelog (FM030).
    assert found(edit("version: 1", 'version: 2\nchangelog: ""')) == [("FM030", 4), ("FM011", 5)]
    assert found(edit("version: 1", "version: 2\nchangelog: Clearer steps.")) == []


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param("answer: 0", "answer: 2", 24, id="answer-out-of-range"),
        pytest.param("answer: 0", "answer: -1", 24, id="answer-negative"),
        pytest.param("answer: 0", "answer: true", 24, id="answer-bool"),
        pytest.param("answer: 0", 'answer: "0"', 24, id="answer-string"),
        pytest.param("      - Nothing at all.\n", "", 21, id="one-choice"),
        pytest.param(
            "    explanation: A slow breath calms the body.\n", "", 20, id="missing-explanation"
        ),
        pytest.param(
            "  - question: What can help on a hard day?",
            '  - question: ""',
            20,
            id="empty-question",
        ),
        pytest.param("    answer: 0\n", "    answer: 0\n    hint: breathe\n", 25, id="unknown-key"),
    ],
)
def test_kc001_knowledge_check_problems_point_at_the_question(old, new, line):
    assert found(edit(old, new)) == [("KC001", line)]


def test_kc001_a_choice_written_twice_is_named_at_its_line():
    # Two choices that read the same: a participant picking either is scored right and wrong.
    problems = check(
        edit("      - Nothing at all.\n", "      - Nothing at all.\n      - nothing  at all.\n")
    )

    assert [(p.code, p.line) for p in problems] == [("KC001", 24)]
    assert problems[0].message == (
        "choice 'nothing  at all.' is written twice: each choice must be different"
    )


@pytest.mark.parametrize(("answer", "hint"), [(2, " (did you count from 1?)"), (5, ""), (-1, "")])
def test_kc001_an_answer_out_of_range_says_answers_count_from_0(answer, hint):
    (problem,) = check(edit("answer: 0", f"answer: {answer}"))

    assert problem.message == (
        "answer must be the number of the right choice, counting from 0: 0 for the first "
        f"choice, 1 for the last{hint}"
    )


def test_kc001_knowledge_check_must_be_a_non_empty_list():
    start = VALID.index("knowledge_check:")
    end = VALID.index("---", start)
    text = VALID[:start] + "knowledge_check: []\n" + VALID[end:]
    assert found(text) == [("KC001", 19)]


def test_problems_are_sorted_by_line():
    text = edit("topic: addiction", "topic: anger").replace("  - stress", "  - Stress")
    text = text.replace("answer: 0", "answer: 9")
    assert found(text) == [("FM011", 5), ("FM011", 11), ("KC001", 24)]


# --- Regressions ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["123", "null", "[coping]"])
def test_non_string_id_is_reported(value):
    problems = check(edit("id: coping", f"id: {value}"))
    assert [(p.code, p.line) for p in problems if p.line == 2]


def test_tag_with_trailing_newline_is_not_a_slug():
    assert found(edit("  - stress", '  - "stress\\n"')) == [("FM011", 11)]


def test_a_field_written_twice_is_reported_at_the_second_line():
    problems = check(
        edit("title: Coping with hard days\n", "title: Coping with hard days\ntitle: Another\n")
    )
    assert [(p.code, p.line) for p in problems] == [("FM014", 4)]
