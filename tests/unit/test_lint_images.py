"""Images (IM001, IM002): the file exists beside the module, and says what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.modules import BODY_LINE, check, found, module_text


@pytest.fixture
def module_path(tmp_path: Path) -> str:
    """A module path whose folder holds images/lake.png."""
    folder = tmp_path / "content" / "addiction"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "lake.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return str(folder / "coping.md")


def test_an_existing_image_with_alt_text_is_fine(module_path):
    text = module_text("![A calm lake at dawn](images/lake.png)\n")

    assert [p for p in check(text, module_path) if p.code.startswith("IM")] == []


def test_im001_a_missing_image_is_flagged_at_its_line_and_column(module_path):
    text = module_text("Intro.\n\nLook: ![A forest](images/forest.png)\n")

    assert found(text, module_path, code="IM001") == [("IM001", BODY_LINE + 2, 7)]


def test_im001_the_path_is_relative_to_the_module_file(module_path):
    assert found(module_text("![A calm lake](lake.png)\n"), module_path, code="IM001") != []
    assert (
        found(module_text("![A calm lake](./images/lake.png)\n"), module_path, code="IM001") == []
    )


def test_im001_web_images_are_not_looked_for_on_disk(module_path):
    assert found(module_text("![A lake](https://example.org/lake.png)\n"), module_path) == []


def test_im002_an_image_without_alt_text_is_flagged(module_path):
    (problem,) = [p for p in check(module_text("![](images/lake.png)\n"), module_path)]

    assert (problem.code, problem.line, problem.col) == ("IM002", BODY_LINE, 1)
    assert "needs alt text" in problem.message


def test_im002_a_raw_html_image_needs_alt_text_too(module_path):
    text = module_text('Intro.\n\n<img src="images/lake.png">\n')

    assert found(text, module_path) == [("IM002", BODY_LINE + 2, 1)]


def test_im002_blank_alt_text_counts_as_none(module_path):
    assert found(module_text("![  ](images/lake.png)\n"), module_path, code="IM002") != []


def test_lk002_an_image_with_a_scheme_the_sanitiser_drops_is_flagged(module_path):
    text = module_text("![A dot](data:image/png;base64,iVBORw0KGgo=)\n")

    assert found(text, module_path, code="LK002") == [("LK002", BODY_LINE, 1)]
