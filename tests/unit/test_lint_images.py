"""Images: the file exists beside the module (IM001), says what it shows (IM002), can be
embedded (IM003: a raster format, small enough) and is not fetched from another site (IM004);
published, it travels inside the module's HTML and its bytes are part of the module's hash."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from steady_content import images, pipeline
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


def test_im004_a_web_image_is_refused_not_looked_for_on_disk(module_path):
    (problem,) = check(module_text("![A lake](https://example.org/lake.png)\n"), module_path)

    assert (problem.code, problem.line, problem.col) == ("IM004", BODY_LINE, 1)
    assert "another site" in problem.message


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


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lungs.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("renamed.png", b"GIF? no: just text"),
    ],
)
def test_im003_only_raster_images_by_their_bytes(module_path, name, data):
    (Path(module_path).parent / "images" / name).write_bytes(data)

    (problem,) = check(module_text(f"![Lungs](images/{name})\n"), module_path)

    assert (problem.code, problem.line) == ("IM003", BODY_LINE)
    assert "PNG, JPEG, WebP or GIF" in problem.message


def test_im003_a_heavy_image_is_refused(module_path):
    heavy = b"\x89PNG\r\n\x1a\n" + b"\0" * images.MAX_BYTES
    (Path(module_path).parent / "images" / "big.png").write_bytes(heavy)

    (problem,) = check(module_text("![A big picture](images/big.png)\n"), module_path)

    assert problem.code == "IM003" and "slow networks" in problem.message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a...", "image/gif"),
        (b"<svg/>", None),
        (b"", None),
    ],
)
def test_media_type_is_read_from_the_bytes(data, kind):
    assert images.media_type(data) == kind


def test_publishing_embeds_the_image_and_hashes_its_bytes(tmp_path):
    folder = tmp_path / "content" / "addiction"
    (folder / "images").mkdir(parents=True)
    picture = folder / "images" / "lake.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\nfirst")
    path = folder / "coping.md"
    path.write_text(
        module_text("Look.\n\n![A calm lake at dawn](images/lake.png)\n"), encoding="utf-8"
    )

    first = pipeline.lint(tmp_path / "content")
    (module,) = first.modules
    document = pipeline.build(module)
    expected = "data:image/png;base64," + base64.b64encode(picture.read_bytes()).decode()
    assert f'<img alt="A calm lake at dawn" src="{expected}">' in document["html"]

    picture.write_bytes(b"\x89PNG\r\n\x1a\nsecond")  # a new picture, same words
    (changed,) = pipeline.lint(tmp_path / "content").modules
    assert changed.sha256 != module.sha256  # so the version lock asks for a bump


def test_an_author_cannot_write_a_data_url_themselves(module_path):
    from steady_content.sanitize import sanitize

    assert "data:" not in sanitize('<img alt="x" src="data:image/png;base64,AAAA">')
