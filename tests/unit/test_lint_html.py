"""Raw HTML the sanitiser would strip (HT001, HT002) and an H1 in the body (HD001)."""

from __future__ import annotations

import pytest

from steady_content.sanitize import Removal, removals
from tests.fixtures.modules import BODY_LINE, check, found, module_text

# --- sanitize.removals: before and after nh3 --------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<script>alert(1)</script>", [Removal("script")]),
        ('<iframe src="https://x.org"></iframe>', [Removal("iframe")]),
        ("<style>p{}</style>", [Removal("style")]),
        ("<h1>Title</h1>", [Removal("h1")]),
        ('<p onclick="steal()">x</p>', [Removal("p", "onclick", "steal()")]),
        ('<div style="color:red" class="note">x</div>', [Removal("div", "style", "color:red")]),
        ('<a href="javascript:alert(1)">x</a>', [Removal("a", "href", "javascript:alert(1)")]),
        ("<form><p>kept</p></form>", [Removal("form")]),
    ],
)
def test_removals_lists_what_the_sanitiser_takes_away(fragment, expected):
    assert removals(fragment) == expected


@pytest.mark.parametrize(
    "fragment",
    [
        '<div class="note"><p>Boxed</p></div>',
        "<table><tr><td>x</td></tr></table>",  # nh3 adds <tbody>; nothing is removed
        '<a href="https://example.org" rel="opener">x</a>',  # rel is always replaced
        '<a href="/modules/coping">x</a>',
        '<img src="a.png" alt="A lake">',
        "<!-- a note for reviewers -->",
        "<br>",
    ],
)
def test_removals_is_empty_for_what_survives(fragment):
    assert removals(fragment) == []


# --- HT001 / HT002 ----------------------------------------------------------------------------


def test_ht001_a_script_block_is_flagged_at_its_line_and_column():
    body = "Take one slow breath.\n\n<script>alert('stolen')</script>\n"

    assert found(module_text(body), code="HT001") == [("HT001", BODY_LINE + 2, 1)]


def test_ht001_inline_html_is_flagged_where_it_is():
    body = "Intro.\n\nHello <span>there</span> and <script>x</script>.\n"

    problems = [
        (p.code, p.line, p.col, p.message) for p in check(module_text(body)) if p.code == "HT001"
    ]

    assert [(c, line, col) for c, line, col, _ in problems] == [
        ("HT001", BODY_LINE + 2, 7),
        ("HT001", BODY_LINE + 2, 30),
    ]
    assert problems[0][3].startswith("<span> is HTML the sanitiser removes")


def test_ht001_the_same_tag_twice_is_flagged_twice_at_each_place():
    body = "<iframe></iframe>\n\nText.\n\n<iframe></iframe>\n"

    assert [p[1] for p in found(module_text(body), code="HT001")] == [BODY_LINE, BODY_LINE + 4]


def test_ht001_html_inside_a_try_this_box_is_flagged():
    body = '!!! tip "Try this"\n    Breathe <iframe src="https://x.org"></iframe> slowly.\n'

    assert found(module_text(body), code="HT001") == [("HT001", BODY_LINE + 1, 13)]


def test_ht001_a_tag_inside_a_kept_html_block_points_at_its_own_line():
    body = '<div class="note">\n<p>Kept</p>\n<video src="x.mp4"></video>\n</div>\n'

    assert found(module_text(body), code="HT001") == [("HT001", BODY_LINE + 2, 1)]


def test_ht002_an_attribute_the_sanitiser_drops_is_flagged_with_its_value():
    body = 'Intro.\n\n<p onclick="steal()">Then breathe.</p>\n'

    (problem,) = [p for p in check(module_text(body)) if p.code.startswith("HT")]

    assert (problem.code, problem.line, problem.col) == ("HT002", BODY_LINE + 2, 4)
    assert 'onclick="steal()"' in problem.message


def test_html_that_survives_and_comments_are_not_flagged():
    body = (
        '<div class="note">\n<p>Boxed</p>\n</div>\n\n'
        "<!-- reviewer: check the numbers -->\n\nText<br>more.\n"
    )

    assert [p for p in check(module_text(body)) if p.code.startswith("HT")] == []


def test_html_written_as_code_is_not_flagged():
    body = "Type `<script>` to see it.\n\n```\n<script>alert(1)</script>\n```\n"

    assert found(module_text(body), code="HT001") == []


# --- HD001 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "col"),
    [
        ("# Coping\n\nText.\n", BODY_LINE, 1),
        ("Intro.\n\n#Coping\n", BODY_LINE + 2, 1),
        ("Intro.\n\nCoping\n======\n", BODY_LINE + 2, 1),
    ],
)
def test_hd001_an_h1_in_the_body_is_flagged(body, line, col):
    assert found(module_text(body), code="HD001") == [("HD001", line, col)]


def test_hd001_message_says_where_the_title_comes_from():
    (problem,) = [p for p in check(module_text("# Coping\n")) if p.code == "HD001"]

    assert "title comes from 'title:'" in problem.message


@pytest.mark.parametrize(
    "body",
    ["## Section\n\n### Sub\n", "```\n# a comment in code\n```\n", "Use the `#` key.\n"],
)
def test_hd001_other_headings_and_code_are_fine(body):
    assert found(module_text(body), code="HD001") == []
