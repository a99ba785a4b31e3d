"""The corpus of broken modules and tracks: each file produces its code at the right line.

``tests/fixtures/broken/`` is a content folder of its own (topics, tracks, a version lock).
Every file says what is broken in a comment at its top; ``EXPECTED`` lists what lint must
say about it, and nothing else may be said. ``good-module`` (en, es), ``waived``,
``spanish-too-hard.md`` and ``good-track`` are the controls: nothing is wrong with them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steady_content import pipeline

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "broken"

EXPECTED: dict[str, list[tuple[str, int]]] = {
    # What the issue asks for
    "addiction/bad-yaml.md": [("FM002", 4)],
    "addiction/missing-fields.md": [("FM010", 1), ("FM010", 1)],
    "mental-health/good-module.md": [("ID001", 3), ("VB001", 5)],
    "addiction/bad-link.md": [("LK001", 24)],
    "addiction/edit-without-bump.md": [("VB001", 5)],
    "addiction/script-tag.md": [("HT001", 24)],
    "addiction/grade-14-prose.md": [("RD001", 24)],
    "addiction/stigmatising-term.md": [("LG001", 7), ("LG001", 24)],
    # The other rules
    "addiction/not-a-module-link.md": [("LK002", 24)],
    "addiction/javascript-link.md": [("LK002", 24)],
    "addiction/event-handler.md": [("HT002", 24)],
    "addiction/h1-in-body.md": [("HD001", 22)],
    "addiction/box-title-unquoted.md": [("BX001", 24)],
    "addiction/empty-box.md": [("BX002", 24)],
    "addiction/missing-image.md": [("IM001", 24)],
    "addiction/image-without-alt.md": [("IM002", 24)],
    "addiction/svg-image.md": [("IM003", 24)],
    "addiction/web-image.md": [("IM004", 24)],
    "addiction/bad-knowledge-check.md": [("KC001", 25)],
    "addiction/no-changelog.md": [("FM030", 5)],
    "addiction/draft-with-reviewer.md": [("FM040", 12)],
    "addiction/wrong-locale.md": [("TL002", 8)],
    "addiction/orphan-translation.es.md": [("TL001", 8)],
    "addiction/spanish-too-hard.es.md": [("RD001", 24)],
    "addiction/placeholder.md": [("PH001", 22)],
    "addiction/reading-time-by-hand.md": [("FM013", 20)],
    "addiction/key-not-text.md": [("FM015", 20)],
    "addiction/not-the-file-name.md": [("FM021", 3)],
    # Aliases are refused at the first one, before anything expands (billion laughs)
    "addiction/billion-laughs.md": [("FM005", 21)],
    "addiction/merge-key.md": [("FM005", 17)],
    "tracks/alias.yaml": [("TR002", 8)],
    "addiction/worksheet-not-closed.md": [("WS001", 29)],
    "addiction/worksheet-bad-yaml.md": [("WS001", 32)],
    "addiction/worksheet-not-after-exercise.md": [("WS002", 31)],
    "addiction/worksheet-under-note.md": [("WS003", 26)],
    "addiction/worksheet-too-big.md": [("WS014", 30)],
    "addiction/worksheet-bad-field.md": [("WS010", 31)],
    "addiction/worksheet-bad-id.md": [("WS011", 30)],
    "addiction/worksheet-duplicate-id.md": [("WS012", 33)],
    "addiction/worksheet-bad-plan.md": [("WS013", 33)],
    "addiction/worksheet-field-removed.md": [("WS020", 5)],
    "addiction/worksheet-changelog-silent.md": [("VB003", 5), ("WS021", 16)],
    "addiction/worksheet-hard-labels.md": [("WS030", 39)],
    "addiction/worksheet-long-label.md": [("WS031", 32)],
    "addiction/worksheet-stigma.md": [("WS032", 32)],
    "addiction/worksheet-translated.es.md": [("WS050", 29), ("WS050", 30), ("WS051", 34)],
    "addiction/worksheet-id-translated.es.md": [("WS050", 33)],
    # Not locked: TL004 names a translation still to be locked (a locked one keeps the English
    # version it was published with).
    "addiction/check-translated.es.md": [("VB003", 5), ("TL004", 19)],
    "tracks/bad-yaml.yaml": [("TR001", 3)],
    "tracks/wrong-id.yaml": [("TR010", 1), ("TR020", 2), ("TR012", 6)],
    "tracks/missing-module.yaml": [("TR030", 9)],
    "tracks/listed-twice.yaml": [("TR031", 10)],
    "tracks/no-translation.es.yaml": [("TR030", 9)],
    # The controls
    "addiction/good-module.md": [],
    "addiction/good-module.es.md": [],
    "addiction/waived.md": [],
    "addiction/spanish-too-hard.md": [],
    "addiction/good-worksheet.md": [],  # feeds every plan section, so WS040 stays quiet
    "addiction/worksheet-translated.md": [],
    "addiction/worksheet-id-translated.md": [],
    "addiction/check-translated.md": [],
    "tracks/good-track.yaml": [],
}


@pytest.fixture(scope="module")
def found() -> dict[str, list[tuple[str, int]]]:
    result = pipeline.lint(CORPUS)
    by_file: dict[str, list[tuple[str, int]]] = {}
    for problem in result.problems:
        relative = Path(problem.path).resolve().relative_to(CORPUS).as_posix()
        by_file.setdefault(relative, []).append((problem.code, problem.line))
    return by_file


def test_every_file_of_the_corpus_has_an_expectation():
    files = {
        p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.suffix in (".md", ".yaml")
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gets_exactly_its_codes_at_the_right_lines(name, found):
    assert sorted(found.get(name, [])) == sorted(EXPECTED[name])


def test_the_corpus_covers_every_registered_rule_code():
    from steady_content import registry

    codes = {code for expected in EXPECTED.values() for code, _ in expected}
    # These are tested in test_rules.py, test_pipeline.py and test_frontmatter.py instead.
    elsewhere = {
        "FM001",
        "FM003",
        "FM004",
        "FM011",
        "FM012",
        "FM014",
        "FM020",
        "FM022",
        "LK003",
        "TL003",
        "TR011",
        "TR014",
        "VB002",
        "VB003",
        "VB004",
        "WS040",
    }  # WS040: a whole-library rule, in test_worksheets.py; VB004 reads Git history, in
    # tests/functional/test_content_cli.py; TL003 in test_lint_translations.py;
    # LK003 in test_lint_links.py
    assert set(registry.codes()) - codes <= elsewhere
