"""``steady-content preview`` and the web app render one participant module page: the same
template, words and stylesheet. The preview only adds a banner saying it is a preview."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.request import urlopen

import pytest

from chalicelib.library import lesson_code
from chalicelib.web import render
from steady_content.preview import running
from tests.functional.web_client import WebClient

ROOT = Path(__file__).resolve().parents[2]
MODULE_ID = "cravings-and-urge-surfing"


def fetch(url: str) -> str:
    with urlopen(url, timeout=5) as response:  # noqa: S310 (a local test server)
        return response.read().decode("utf-8")


def lesson(page: str) -> str:
    """The module's markup after its meta line, up to the worksheet form that follows its
    "Try this" box."""
    article = page[page.index('<article class="module">') :]
    return article[
        article.index("</p>", article.index('<p class="meta">')) : article.index(
            '<section id="worksheet"'
        )
    ]


def worksheet(page: str) -> str:
    """The worksheet section and the text below it ("Key points"), without where its forms go
    and their session token (a preview has neither)."""
    section = page[page.index('<section id="worksheet"') : page.index('<section id="complete"')]
    section = re.sub(r'action="[^"]*/worksheet', 'action="/worksheet', section)
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf"', section)


def test_the_preview_shows_the_same_lesson_markup_as_the_web_app(client, published, participant):
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    real = browser.get(f"/lesson/{lesson_code(MODULE_ID)}")
    assert real.status == 200
    with running(ROOT / "content") as base:
        preview = fetch(f"{base}/modules/{MODULE_ID}")
        stylesheet = fetch(f"{base}{render.stylesheet().url}")

    shown = lesson(real.body)
    assert '<details class="toc"' in shown and 'class="admonition' in shown  # a whole lesson
    assert lesson(preview) == shown
    # The worksheet, inside the text and before "Mark as complete", as a participant first
    # meets it.
    assert 'name="answer-urge-in-body"' in worksheet(real.body)
    assert worksheet(preview) == worksheet(real.body)
    # In both, the form right after the "Try this" box, "Key points" below it.
    for page in (real.body, preview):
        assert re.search(r"</ol>\s*</div>\s*</div>\s*$", lesson(page))
        assert '<div class="body body-after">\n<h2 id="key-points">' in worksheet(page)
    title = re.search(r"<h1>.*?</h1>", real.body)
    assert title is not None and title.group(0) in preview
    # The same words around it (crisis resources included) and the same stylesheet.
    for words in ('<aside class="crisis"', "1-800-662-4357", 'href="tel:988"', "Mark as complete"):
        assert words in preview and words in real.body
    assert f'href="{render.stylesheet().url}"' in preview
    assert stylesheet == render.stylesheet().text
    # Only the preview has the banner; neither lists the objectives (the real page never did).
    assert 'class="preview"' in preview and 'class="preview"' not in real.body
    assert "In this module you will" not in preview


def test_the_preview_banner_lists_lint_problems(tmp_path):
    content = tmp_path / "content"
    (content / "addiction").mkdir(parents=True)
    source = (ROOT / "content" / "addiction" / f"{MODULE_ID}.md").read_text(encoding="utf-8")
    (content / "addiction" / f"{MODULE_ID}.md").write_text(
        source.replace("\n## ", "\n# A second title\n\n## ", 1), encoding="utf-8"
    )

    with running(content) as base:
        preview = fetch(f"{base}/modules/{MODULE_ID}")

    banner = preview[preview.index('<aside class="preview"') : preview.index("</aside>")]
    assert "HD001" in banner and f"{MODULE_ID}.md" in banner
    assert '<article class="module">' in preview  # still shown, as well as it can be


def test_the_preview_shows_each_save_of_the_file_with_the_same_version(tmp_path):
    content = tmp_path / "content"
    (content / "addiction").mkdir(parents=True)
    path = content / "addiction" / f"{MODULE_ID}.md"
    source = (ROOT / "content" / "addiction" / f"{MODULE_ID}.md").read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")

    with running(content) as base:
        before = fetch(f"{base}/modules/{MODULE_ID}")
        path.write_text(
            source.replace("\n## ", "\nA sentence the author just added.\n\n## ", 1),
            encoding="utf-8",
        )
        after = fetch(f"{base}/modules/{MODULE_ID}")

    # The web app renders a published version's text once; the preview, every time.
    assert "A sentence the author just added." not in before
    assert "A sentence the author just added." in after


def _broken_copy(tmp_path: Path, change) -> Path:
    content = tmp_path / "content"
    (content / "addiction").mkdir(parents=True)
    source = (ROOT / "content" / "addiction" / f"{MODULE_ID}.md").read_text(encoding="utf-8")
    (content / "addiction" / f"{MODULE_ID}.md").write_text(change(source), encoding="utf-8")
    return content


def _colon_in_summary(source: str) -> str:
    lines = source.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("summary: "))
    lines[at] = "summary: Remember: " + lines[at][len("summary: ") :]
    return "".join(lines)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Walk 14: an unquoted colon in the summary, and the first '---' typed as '--'.
        (_colon_in_summary, r":\d+: FM002 a colon \(:\) inside a value: put the whole"),
        (
            lambda source: "--" + source[3:],
            r":1: FM001 the file must start with a line of three dashes",
        ),
    ],
    ids=["colon-in-a-value", "no-opening-dashes"],
)
def test_front_matter_that_cannot_be_read_is_shown_as_a_problem_page(tmp_path, change, expected):
    content = _broken_copy(tmp_path, change)

    with running(content) as base:
        preview = fetch(f"{base}/modules/{MODULE_ID}")

    banner = preview[preview.index('<aside class="preview"') : preview.index("</aside>")]
    assert re.search(f"{MODULE_ID}.md{expected}", banner), banner
    assert "<h1>This module cannot be shown</h1>" in preview
    assert "fix the problems listed in the box above" in preview
    assert "location.reload()" in preview  # fixing the file brings the module back by itself


def test_the_preview_names_an_unexpected_error_instead_of_closing_the_connection(
    tmp_path, monkeypatch
):
    from steady_content import preview

    def broken(*_args):
        raise RuntimeError("something the preview did not expect")

    monkeypatch.setattr(preview, "document_for", broken)
    content = _broken_copy(tmp_path, lambda source: source)

    with running(content) as base:
        shown = fetch(f"{base}/modules/{MODULE_ID}")

    assert "RuntimeError: something the preview did not expect" in shown
    assert f"{MODULE_ID}.md" in shown and "location.reload()" in shown


def test_the_preview_keeps_the_place_of_the_form_when_it_points_images_at_the_files():
    from steady_content.preview import _show_images_from

    html = '<p><img alt="A lake" src="images/lake.png"></p>\n<h2 id="key-points">Key points</h2>'
    at = html.index("<h2")
    document = {"html": html, "worksheet": {"fields": [], "form_at": {"html": at, "sections": 0}}}

    _show_images_from("addiction", document)

    moved = document["worksheet"]["form_at"]["html"]
    assert document["html"][:moved].endswith('src="/content/addiction/images/lake.png"></p>\n')
    assert document["html"][moved:] == html[at:]


def test_the_preview_banner_shows_the_choice_each_answer_scores_as_right(tmp_path):
    # Participants never see the answers, so an answer counted from 1 (a wrong choice scored
    # right) shows nowhere on the page itself: the banner tells the author what is scored.
    content = tmp_path / "content"
    (content / "addiction").mkdir(parents=True)
    source = (ROOT / "content" / "addiction" / f"{MODULE_ID}.md").read_text(encoding="utf-8")
    assert "    answer: 1\n" in source
    (content / "addiction" / f"{MODULE_ID}.md").write_text(
        source.replace("    answer: 1\n", "    answer: 2\n", 1), encoding="utf-8"
    )

    with running(content) as base:
        preview = fetch(f"{base}/modules/{MODULE_ID}")

    banner = preview[preview.index('<aside class="preview"') : preview.index("</aside>")]
    key = re.findall(r"<li>([^<]*\(answer: [^<]*)</li>", banner)
    assert key[0] == (
        "What usually happens to a craving if you do not act on it? → "
        "It stays the same all day long. (answer: 2)"
    )
    assert len(key) == source.count("  - question: ")
    article = preview[preview.index('<article class="module">') :]
    assert "(answer: " not in article  # the page participants see keeps the answers to itself
