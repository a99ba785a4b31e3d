"""Track files: content/tracks/<id>.yaml, an ordered list of existing modules (TR codes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steady_content import pipeline, tracks
from tests.fixtures.modules import module_text

TRACK = """\
id: early-recovery
title: Early recovery, weeks 1–4
version: 1
summary: The first month of recovery.
locale: en
modules:
  - coping
  - cravings
"""
#  1 id   2 title   3 version   4 summary   5 locale   6 modules   7 - coping   8 - cravings


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for module_id in ("coping", "cravings"):
        path = tmp_path / "addiction" / f"{module_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_text(module_id=module_id), encoding="utf-8")
    return tmp_path


def write_track(content: Path, text: str, name: str = "early-recovery.yaml") -> Path:
    path = content / "tracks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(
    content: Path, text: str, name: str = "early-recovery.yaml"
) -> tuple[tracks.Track | None, list[tuple[str, int]]]:
    path = write_track(content, text, name)
    track, problems = tracks.load(path, f"tracks/{name}")
    return track, [(p.code, p.line) for p in problems]


def track_problems(content: Path) -> list[tuple[str, str, int]]:
    return [
        (p.path, p.code, p.line) for p in pipeline.lint(content).problems if p.code.startswith("TR")
    ]


def test_a_valid_track_loads_with_its_entry(content):
    track, problems = load(content, TRACK)

    assert problems == []
    assert track is not None
    assert track.entry() == {
        "id": "early-recovery",
        "title": "Early recovery, weeks 1–4",
        "summary": "The first month of recovery.",
        "version": 1,
        "modules": ["coping", "cravings"],
    }


def test_locale_is_optional_and_english_by_default(content):
    track, problems = load(content, TRACK.replace("locale: en\n", ""))

    assert problems == [] and track is not None and track.locale == "en"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("title: Early recovery, weeks 1–4\n", "", [("TR010", 1)], id="missing-title"),
        pytest.param("  - coping\n  - cravings\n", "", [("TR011", 6)], id="no-modules"),
        pytest.param("version: 1", "version: one", [("TR011", 3)], id="version-not-a-number"),
        pytest.param(
            "summary: The first month of recovery.",
            "summary: Two. Sentences.",
            [("TR011", 4)],
            id="summary-two-sentences",
        ),
        pytest.param("locale: en", "locale: fr", [("TR011", 5)], id="unknown-locale"),
        pytest.param("  - cravings", "  - Cravings Now", [("TR011", 8)], id="module-not-a-slug"),
        pytest.param("  - cravings", "  - coping", [("TR031", 8)], id="module-twice"),
        pytest.param("version: 1\n", "version: 1\nweeks: 4\n", [("TR012", 4)], id="unknown-field"),
        pytest.param("version: 1\n", "version: 1\nversion: 2\n", [("TR014", 4)], id="field-twice"),
        pytest.param("id: early-recovery", "id: early", [("TR020", 1)], id="id-not-the-file-name"),
        pytest.param(
            "id: early-recovery", "id: Early_Recovery", [("TR020", 1)], id="id-not-a-slug"
        ),
        pytest.param("title: Early", "title: [Early", [("TR001", 3)], id="invalid-yaml"),
    ],
)
def test_schema_problems_point_at_their_line(content, old, new, expected):
    assert TRACK.count(old) == 1
    _, problems = load(content, TRACK.replace(old, new))

    assert problems == expected


def test_a_track_that_is_not_a_mapping_is_tr001(content):
    assert load(content, "- coping\n- cravings\n")[1] == [("TR001", 1)]


def test_a_spanish_track_is_named_id_es_yaml(content):
    spanish = TRACK.replace("locale: en", "locale: es")

    assert load(content, spanish)[1] == [("TR020", 1)]
    assert load(content, spanish, name="early-recovery.es.yaml")[1] == []


def test_tr030_an_unknown_module_is_an_error_at_its_line(content):
    write_track(content, TRACK.replace("  - cravings", "  - cravings\n  - no-such-module"))

    assert track_problems(content) == [("tracks/early-recovery.yaml", "TR030", 9)]


def test_tr030_a_spanish_track_needs_spanish_translations(content):
    spanish = TRACK.replace("locale: en", "locale: es")
    write_track(content, spanish, name="early-recovery.es.yaml")

    problems = [p for p in pipeline.lint(content).problems if p.code == "TR030"]

    assert [(p.line, p.message) for p in problems] == [
        (7, "module 'coping' has no 'es' translation"),
        (8, "module 'cravings' has no 'es' translation"),
    ]


def test_existing_modules_are_enough_even_if_they_have_problems(content):
    # The track is right; the module's own problem is reported on the module, not the track.
    (content / "addiction" / "coping.md").write_text(module_text(module_id="coping", version=0))
    write_track(content, TRACK)

    assert track_problems(content) == []


def test_lint_discovers_tracks_and_returns_them(content):
    write_track(content, TRACK)
    write_track(content, TRACK.replace("early-recovery", "later"), name="later.yaml")

    result = pipeline.lint(content)

    assert [t.track_id for t in result.tracks] == ["early-recovery", "later"]


def test_lint_with_paths_checks_only_the_tracks_given(content):
    write_track(content, TRACK)
    broken = write_track(content, "id: [", name="broken.yaml")

    only_modules = pipeline.lint(content, [content / "addiction" / "coping.md"])
    only_broken = pipeline.lint(content, [broken])

    assert only_modules.tracks == [] and not any(
        p.code.startswith("TR") for p in only_modules.problems
    )
    assert [p.code for p in only_broken.problems] == ["TR001"]


def test_every_shipped_translated_track_lists_the_english_tracks_modules():
    """Leaders assign the English track and what it lists is the English file's: a translation
    gives the track its title in another language, so it must list the same modules, in order."""
    shipped = pipeline.lint(Path("content")).tracks
    english = {t.track_id: t for t in shipped if t.locale == "en"}
    translated = [t for t in shipped if t.locale != "en"]
    assert translated, "no translated track is shipped: this test checks nothing"
    for track in translated:
        assert track.track_id in english, track.path
        assert track.modules == english[track.track_id].modules, track.path


def test_a_colon_in_a_track_title_is_named_in_plain_words(content):
    path = write_track(content, TRACK.replace("title: Early", "title: Early recovery: week one"))

    _, problems = tracks.load(path, "tracks/early-recovery.yaml")

    assert [(p.code, p.line) for p in problems] == [("TR001", 2)]
    assert problems[0].message.startswith("a colon (:) inside a value: put the whole value in")
