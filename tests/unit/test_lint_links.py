"""Links between modules: written ../topic/id.md, checked (LK001, LK002), served /modules/id."""

from __future__ import annotations

from pathlib import Path

import pytest

from steady_content import links, pipeline
from steady_content.render import render
from steady_content.sanitize import sanitize
from tests.fixtures.modules import BODY_LINE, check, found, module_text, write


@pytest.mark.parametrize(
    ("href", "module_id", "service"),
    [
        (
            "../addiction/cravings-and-urge-surfing.md",
            "cravings-and-urge-surfing",
            "/modules/cravings-and-urge-surfing",
        ),
        ("thinking-traps.md", "thinking-traps", "/modules/thinking-traps"),
        ("./thinking-traps.md", "thinking-traps", "/modules/thinking-traps"),
        ("../mental-health/thinking-traps.es.md", "thinking-traps", "/modules/thinking-traps"),
        ("../life-skills/smart-goals.md#try-this", "smart-goals", "/modules/smart-goals#try-this"),
    ],
)
def test_module_links_are_parsed_and_point_at_the_service(href, module_id, service):
    link = links.module_link(href)

    assert link is not None
    assert link.module_id == module_id
    assert link.service_href == service


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/x.md",
        "../../README.md",
        "worksheet.pdf",
        "/modules/x",
        "#section",
        "Notes.md",
    ],
)
def test_other_links_are_not_module_links(href):
    assert links.module_link(href) is None


def test_a_link_resolves_relative_to_the_module_file():
    link = links.module_link("../mental-health/thinking-traps.md#x")

    assert link is not None
    assert link.resolve("content/addiction/coping.md") == "content/mental-health/thinking-traps.md"
    assert (
        link.resolve("content/mental-health/coping.md") == "content/mental-health/thinking-traps.md"
    )


def test_render_and_sanitise_turn_module_links_into_working_service_links():
    html = sanitize(
        render("Read [urge surfing](../addiction/cravings-and-urge-surfing.md#ride) next.\n").html
    )

    assert (
        '<a href="/modules/cravings-and-urge-surfing#ride" rel="noopener noreferrer">'
        "urge surfing</a>" in html
    )
    assert ".md" not in html


def test_web_links_are_left_alone_by_render():
    html = render("[SAMHSA](https://www.samhsa.gov/x.md)\n").html

    assert 'href="https://www.samhsa.gov/x.md"' in html


@pytest.mark.parametrize(
    "target",
    [
        "https://www.samhsa.gov",
        "mailto:help@example.org",
        "tel:988",
        "#key-points",
        "../addiction/x.md",
    ],
)
def test_lk002_accepts_what_the_service_can_follow(target):
    assert found(module_text(f"See [this]({target}).\n"), code="LK002") == []


@pytest.mark.parametrize(
    ("line", "expected_col"),
    [
        ("Print [the worksheet](worksheet.pdf) first.\n", 7),
        ("Go to [the list](/modules/x).\n", 7),
        ("Do not [click](javascript:alert(1)).\n", 8),
        ("Or [this](data:text/html;base64,xyz).\n", 4),
    ],
)
def test_lk002_flags_links_the_service_cannot_follow_at_line_and_column(line, expected_col):
    assert found(module_text("Intro.\n\n" + line), code="LK002") == [
        ("LK002", BODY_LINE + 2, expected_col)
    ]


def test_lk002_message_says_what_to_write_instead():
    (problem,) = [p for p in check(module_text("[x](notes.txt)\n")) if p.code == "LK002"]

    assert "'notes.txt' is not a module or a web page" in problem.message
    assert "../topic/id.md" in problem.message


def test_links_in_code_are_not_links():
    body = "Write `[x](javascript:alert(1))` to break it.\n\n```\n[y](notes.txt)\n```\n"
    assert found(module_text(body), code="LK002") == []


def test_reference_style_links_are_checked_too():
    body = "See [the worksheet][w].\n\n[w]: worksheet.pdf\n"
    assert [p[:2] for p in found(module_text(body), code="LK002")] == [("LK002", BODY_LINE + 2)]


# --- LK001: the linked module exists (a cross-file rule) --------------------------------------


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_thinking_traps(content: Path) -> None:
    """The module the links in these tests point at."""
    write(
        content,
        "mental-health/thinking-traps.md",
        module_text(module_id="thinking-traps", topic="mental-health"),
    )


def lk001(content: Path) -> list[tuple[str, int, int]]:
    return [(p.path, p.line, p.col) for p in pipeline.lint(content).problems if p.code == "LK001"]


def test_lk001_a_link_to_an_existing_module_resolves(content):
    write_thinking_traps(content)
    write(
        content,
        "addiction/coping.md",
        module_text("See [traps](../mental-health/thinking-traps.md).\n"),
    )

    assert lk001(content) == []


def test_lk001_a_link_to_a_missing_module_points_at_the_link(content):
    write(
        content,
        "addiction/coping.md",
        module_text("Intro.\n\nSee [traps](../mental-health/thinking-traps.md).\n"),
    )

    assert lk001(content) == [("addiction/coping.md", BODY_LINE + 2, 5)]


def test_lk001_the_topic_folder_in_the_link_must_be_right(content):
    write_thinking_traps(content)
    write(content, "addiction/coping.md", module_text("See [traps](thinking-traps.md).\n"))

    assert lk001(content) == [("addiction/coping.md", BODY_LINE, 5)]


def test_lk001_checks_modules_that_have_other_problems_too(content):
    write(content, "addiction/coping.md", module_text("See [x](gone.md).\n", version=0))

    codes = {p.code for p in pipeline.lint(content).problems}

    assert {"FM011", "LK001"} <= codes


def test_lk001_linting_one_file_still_resolves_against_the_whole_folder(content):
    write_thinking_traps(content)
    write(
        content,
        "addiction/coping.md",
        module_text("See [traps](../mental-health/thinking-traps.md).\n"),
    )

    result = pipeline.lint(content, [content / "addiction/coping.md"])

    assert [p.code for p in result.problems] == ["VB003"]


def lk003(content: Path, paths: list[Path] | None = None) -> list[tuple[str, int, int, str]]:
    return [
        (p.path, p.line, p.col, p.message)
        for p in pipeline.lint(content, paths).problems
        if p.code == "LK003"
    ]


def test_lk003_a_link_to_a_section_this_module_does_not_have(content):
    write(
        content,
        "addiction/coping.md",
        module_text(
            "Intro.\n\n## Three steps\n\nSee [it](#three-step), not [this](#three-steps).\n"
        ),
    )

    assert lk003(content) == [
        (
            "addiction/coping.md",
            BODY_LINE + 4,
            5,
            "no section '#three-step' in this module: a section is its heading in lowercase "
            "with hyphens; its sections are #three-steps",
        )
    ]


def test_lk003_a_link_to_a_section_another_module_does_not_have(content):
    write(
        content,
        "mental-health/thinking-traps.md",
        module_text(
            "Intro.\n\n## Three steps\n", module_id="thinking-traps", topic="mental-health"
        ),
    )
    write(
        content,
        "addiction/coping.md",
        module_text(
            "See [steps](../mental-health/thinking-traps.md#three-steps).\n\n"
            "See [more](../mental-health/thinking-traps.md#four-steps).\n"
        ),
    )
    expected = [
        (
            "addiction/coping.md",
            BODY_LINE + 2,
            5,
            "no section '#four-steps' in 'mental-health/thinking-traps.md': a section is its "
            "heading in lowercase with hyphens; its sections are #three-steps",
        )
    ]

    assert lk003(content) == expected
    # Linting only the linking file still reads the other module's sections.
    assert lk003(content, [content / "addiction/coping.md"]) == expected


def test_lk003_a_section_of_a_missing_module_is_lk001_only(content):
    write(content, "addiction/coping.md", module_text("See [x](gone.md#a-section).\n"))

    codes = [p.code for p in pipeline.lint(content).problems]

    assert "LK001" in codes and "LK003" not in codes
