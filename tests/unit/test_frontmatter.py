"""steady_content.frontmatter.split: YAML front matter between '---' fences, with key lines."""

from __future__ import annotations

import textwrap

import pytest

from steady_content.frontmatter import split

PATH = "content/addiction/coping.md"

MODULE = textwrap.dedent(
    """\
    ---
    id: coping
    review:
      status: draft
      reviewer: null
    references:
      - title: One
        url: https://one.example.org/a
      - title: Two
        url: https://two.example.org/b
    ---
    ## First heading

    Some text.
    """
)


def test_split_returns_meta_body_and_body_line():
    source, problems = split(PATH, MODULE)

    assert problems == []
    assert source is not None
    assert source.path == PATH
    assert source.meta == {
        "id": "coping",
        "review": {"status": "draft", "reviewer": None},
        "references": [
            {"title": "One", "url": "https://one.example.org/a"},
            {"title": "Two", "url": "https://two.example.org/b"},
        ],
    }
    assert source.body == "## First heading\n\nSome text.\n"
    # The closing fence is line 11, so the body starts on line 12 of the file.
    assert source.body_line == 12
    assert MODULE.splitlines()[source.body_line - 1] == "## First heading"


@pytest.mark.parametrize(
    ("key", "line"),
    [
        (("id",), 2),
        (("review",), 3),
        (("review", "status"), 4),
        (("review", "reviewer"), 5),
        (("references",), 6),
        (("references", 0), 7),
        (("references", 0, "url"), 8),
        (("references", 1), 9),
        (("references", 1, "title"), 9),
        (("references", 1, "url"), 10),
    ],
)
def test_line_of_gives_the_one_based_file_line_of_nested_keys(key, line):
    source, _ = split(PATH, MODULE)

    assert source.line_of(*key) == line
    text_of_line = MODULE.splitlines()[line - 1].strip()
    if isinstance(key[-1], str):
        assert text_of_line.lstrip("- ").startswith(f"{key[-1]}:")
    else:
        assert text_of_line.startswith("- ")  # a list item


def test_line_of_falls_back_to_the_deepest_known_prefix_then_to_the_fence():
    source, _ = split(PATH, MODULE)

    assert source.line_of("review", "date") == 3  # no such key: its parent's line
    assert source.line_of("references", 7, "url") == 6
    assert source.line_of("changelog") == 1  # unknown field: the opening fence


def test_body_without_trailing_newline_keeps_none():
    source, problems = split(PATH, "---\nid: coping\n---\nLast line")

    assert problems == []
    assert source.body == "Last line"
    assert source.body_line == 4


@pytest.mark.parametrize(
    "text",
    [
        "",
        "id: coping\n---\n",
        "# A heading\n\n---\nid: coping\n---\n",
        "\n---\nid: coping\n---\n",
    ],
)
def test_fm001_when_the_file_does_not_open_with_a_fence(text):
    source, problems = split(PATH, text)

    assert source is None
    assert [(p.path, p.line, p.code) for p in problems] == [(PATH, 1, "FM001")]
    assert problems[0].message.startswith("the file must start with a line of three dashes (---)")


def test_fm001_when_the_front_matter_is_never_closed():
    text = textwrap.dedent(
        """\
        ---
        id: coping
        title: Coping

        ## A body with no closing fence
        """
    )

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.line, p.code) for p in problems] == [(1, "FM001")]
    assert "never closed" in problems[0].message


@pytest.mark.parametrize("bad_line", [2, 3, 5])
def test_fm002_invalid_yaml_points_at_the_file_line(bad_line):
    fields = ["id: coping", "title: Coping", "version: 1", "topic: addiction"]
    fields.insert(bad_line - 2, "summary: one: two")  # a mapping value where none is allowed
    text = "---\n" + "\n".join(fields) + "\n---\nBody\n"
    assert text.splitlines()[bad_line - 1] == "summary: one: two"

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.line, p.code) for p in problems] == [(bad_line, "FM002")]
    assert problems[0].message.startswith("a colon (:) inside a value: ")


def test_fm002_unterminated_quote():
    text = textwrap.dedent(
        """\
        ---
        id: coping
        title: "Coping
        ---
        """
    )

    source, problems = split(PATH, text)

    assert source is None
    assert [p.code for p in problems] == ["FM002"]


@pytest.mark.parametrize(
    ("yaml_lines", "line", "message"),
    [
        # Walk 14: an unquoted colon in the summary; the example is the author's own value.
        (
            ["summary: Refusal skills: they help you say no to alcohol or drugs."],
            3,
            "a colon (:) inside a value: put the whole value in quotes, "
            'e.g. summary: "Refusal skills: they help you …"',
        ),
        (
            ['summary: He said "no": and left'],
            3,
            "a colon (:) inside a value: put the whole value in quotes, "
            "e.g. summary: 'He said \"no\": and left'",
        ),
        # A sentence in a list is quoted whole.
        (
            ["objectives:", "  - Remember: you can: leave"],
            4,
            'a colon (:) inside a value: put the whole value in quotes, e.g. - "Remember: you '
            'can: leave"',
        ),
        (["objectives:", "\t- Say no."], 4, "use spaces, not tabs, to indent"),
        (["review:", "  status: draft", "\treviewer: null"], 5, "use spaces, not tabs, to indent"),
        # The parser stops at the end; the quote opened on line 3.
        (
            ['title: "Coping', "version: 1"],
            3,
            'a quote (") opens a value here and never closes: end the value with ", or remove it',
        ),
        (
            ["summary: @home is where it starts"],
            3,
            "a value cannot start with @: put the whole value in quotes, "
            'e.g. summary: "@home is where it starts"',
        ),
        # Anything else: the parser's words after a plain lead-in.
        (
            ["review:", "  status: draft", " reviewer: null"],
            5,
            "this line cannot be read (the YAML reader says: ",
        ),
    ],
    ids=[
        "colon",
        "colon-and-quotes",
        "colon-in-a-list",
        "tab",
        "tab-in-a-mapping",
        "quote",
        "at-sign",
        "other",
    ],
)
def test_fm002_names_the_common_yaml_mistakes_in_plain_words(yaml_lines, line, message):
    text = "---\nid: coping\n" + "\n".join(yaml_lines) + "\n---\nBody\n"

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.line, p.code) for p in problems] == [(line, "FM002")]
    assert problems[0].message.startswith(message), problems[0].message
    assert "mapping values" not in problems[0].message


@pytest.mark.parametrize(
    "yaml_text",
    [
        "- id\n- title\n",  # a list
        "just some words\n",  # a scalar
        "",  # empty: YAML null
    ],
)
def test_fm003_front_matter_that_is_not_a_mapping(yaml_text):
    source, problems = split(PATH, "---\n" + yaml_text + "---\nBody\n")

    assert source is None
    assert [(p.line, p.code) for p in problems] == [(2, "FM003")]


def test_a_byte_order_mark_is_tolerated():
    source, problems = split(PATH, "\ufeff---\nid: coping\ntitle: Coping\n---\nBody\n")

    assert problems == []
    assert source.meta == {"id": "coping", "title": "Coping"}
    assert source.line_of("title") == 3
    assert source.body == "Body\n"
    assert source.body_line == 5


def test_windows_line_endings_give_the_same_result():
    source, problems = split(PATH, MODULE.replace("\n", "\r\n"))
    expected, _ = split(PATH, MODULE)

    assert problems == []
    assert source.meta == expected.meta
    assert source.body == expected.body
    assert source.body_line == expected.body_line
    assert source.line_of("references", 1, "url") == 10


# --- aliases (billion laughs) ----------------------------------------------------------------


def _laughs(depth: int, width: int = 9) -> str:
    """Front matter whose last anchor expands to ``width ** depth`` strings if built."""
    lines = ["---", "id: coping", 'lol0: &a0 "lol"']
    for i in range(1, depth + 1):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines + ["---", "Body.", ""])


def test_an_alias_is_refused_at_its_line():
    text = "---\nid: coping\ntags: &t [a, b]\nobjectives: *t\n---\nBody.\n"

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.code, p.line) for p in problems] == [("FM005", 4)]
    assert "'*t'" in problems[0].message


def test_a_merge_key_is_an_alias_too():
    text = "---\nreview: &r {status: draft}\nknowledge_check:\n  - <<: *r\n---\nBody.\n"

    _, problems = split(PATH, text)

    assert [(p.code, p.line) for p in problems] == [("FM005", 4)]


def test_an_anchor_without_an_alias_expands_nothing_and_is_allowed():
    source, problems = split(PATH, "---\nid: &me coping\n---\nBody.\n")

    assert problems == [] and source is not None and source.meta == {"id": "coping"}


@pytest.mark.parametrize("depth", [2, 9, 40, 300])
def test_nested_aliases_of_any_depth_are_refused_at_the_first_alias(depth):
    # 9 ** 40 values if built: finishing at all shows that nothing was built.
    _, problems = split(PATH, _laughs(depth))

    assert [(p.code, p.line) for p in problems] == [("FM005", 4)]  # lol1, the first alias


def test_invalid_yaml_before_an_alias_is_still_reported_as_invalid_yaml():
    _, problems = split(PATH, "---\ntitle: Coping: a guide\nobjectives: *t\n---\nBody.\n")

    assert [(p.code, p.line) for p in problems] == [("FM002", 2)]


def test_a_track_with_an_alias_is_refused_at_its_line(tmp_path):
    from steady_content import tracks

    path = tmp_path / "early.yaml"
    path.write_text(
        "id: early\ntitle: Early\nversion: 1\nsummary: One.\nmodules: &m [a]\nmore: *m\n",
        encoding="utf-8",
    )

    track, problems = tracks.load(path, "tracks/early.yaml")

    assert track is None
    assert [(p.code, p.line) for p in problems] == [("TR002", 6)]


@pytest.mark.parametrize("date", ["2026-13-45", "2026-02-30", "2026-22-11", "2026-11-22 25:00:00"])
def test_fm002_a_date_that_does_not_exist_is_named_at_its_line(date):
    # YAML builds dates itself and raised ValueError, which crashed lint with a traceback.
    text = (
        "---\nid: coping\nreview:\n  status: approved\n  reviewer: Dr. Ana Rivera\n"
        f"  date: {date}\n---\nBody.\n"
    )

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.code, p.line) for p in problems] == [("FM002", 6)]
    assert problems[0].message.startswith(f"'{date}' is not a real date: ")


def test_a_real_date_is_still_read_as_a_date():
    source, problems = split(PATH, "---\nid: coping\nreview:\n  date: 2026-02-28\n---\nBody.\n")

    assert problems == []
    assert source is not None
    assert str(source.meta["review"]["date"]) == "2026-02-28"


def test_a_date_that_does_not_exist_in_a_worksheet_or_track_is_named_too(tmp_path):
    from steady_content import tracks
    from steady_content.frontmatter import YamlProblem, parse_yaml

    with pytest.raises(YamlProblem) as raised:
        parse_yaml("- id: when\n  kind: short-text\n  label: 2026-04-31\n", first_line=30)
    assert raised.value.line == 32
    assert "'2026-04-31' is not a real date" in raised.value.reason

    path = tmp_path / "early.yaml"
    path.write_text("id: early\ntitle: Early\nversion: 1\nsummary: 2026-00-01\n", "utf-8")
    track, problems = tracks.load(path, "tracks/early.yaml")
    assert track is None
    assert [(p.code, p.line) for p in problems] == [("TR001", 4)]


@pytest.mark.parametrize(
    ("opened", "line"),
    [
        ('  - title: "CDC: About Sleep', 5),  # the next quote is three lines below
        ('    - "A slow breath.', 10),  # a choice in a list
    ],
)
def test_fm002_a_quote_never_closed_on_its_line_is_named_there_not_where_the_parser_stops(
    opened, line
):
    # The value runs on to the next quote, lines below, where the parser gives up: the
    # problem used to point there ("check ... the line above"), away from the mistake.
    fields = [
        "id: coping",
        "title: Coping",
        "references:",
        '  - title: "CDC: About Sleep"',
        "    url: https://www.cdc.gov/sleep/about/index.html",
        "knowledge_check:",
        '  - question: "What helps?"',
        "    choices:",
        '    - "A slow breath."',
        '    - "Nothing."',
        "    answer: 0",
        '    explanation: "Breathing calms the body."',
    ]
    fields[line - 2] = opened  # line 1 is the opening ---
    text = "---\n" + "\n".join(fields) + "\n---\nBody.\n"
    assert text.splitlines()[line - 1] == opened

    source, problems = split(PATH, text)

    assert source is None
    assert [(p.code, p.line) for p in problems] == [("FM002", line)]
    assert problems[0].message.startswith('a quote (") opens a value here and never closes')


def test_a_quote_escaped_inside_a_value_is_not_an_unclosed_one():
    text = '---\nid: coping\ntitle: "Say \\"no\\" kindly"\nsummary: one: two\n---\nBody.\n'

    _, problems = split(PATH, text)

    assert [(p.code, p.line) for p in problems] == [("FM002", 4)]
    assert problems[0].message.startswith("a colon (:) inside a value")
