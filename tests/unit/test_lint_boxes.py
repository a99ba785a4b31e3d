"""Boxes (``!!! tip "Try this"``): a title not in quotes (BX001) and a box with nothing in it
(BX002). Both pass Markdown and show a box that is not what the author wrote."""

from __future__ import annotations

import pytest

from steady_content.render import render
from tests.fixtures.modules import BODY_LINE, check, found, module_text

INTRO = "Intro.\n\n"  # the box starts two lines into the body
BOX_LINE = BODY_LINE + 2


def test_bx001_a_title_without_quotes_is_named_at_its_line_and_column():
    text = module_text(INTRO + "!!! tip Try this\n    Take one slow breath.\n")

    assert found(text, code="BX001") == [("BX001", BOX_LINE, 9)]
    (problem,) = [p for p in check(text) if p.code == "BX001"]
    assert '!!! tip "Try this"' in problem.message and 'titled "Tip"' in problem.message


def test_bx001_says_what_the_renderer_really_shows():
    """The message's claim: without quotes the box's title is its kind."""
    html = render("!!! tip Try this\n    Take one slow breath.\n").html

    assert '<p class="admonition-title">Tip</p>' in html and "Try this</p>" not in html


@pytest.mark.parametrize(
    "box",
    [
        '!!! tip "Try this"\n    Take one slow breath.\n',
        '!!! tip "Pruebe esto"\n    Respire despacio.\n',
        "!!! note\n    A box titled by its kind, on purpose.\n",
        '!!! tip ""\n    A box with no title.\n',
    ],
)
def test_boxes_written_as_the_guide_shows_are_fine(box):
    assert found(module_text(INTRO + box), code="BX001") == []
    assert found(module_text(INTRO + box), code="BX002") == []


@pytest.mark.parametrize(
    "box",
    [
        '!!! tip "Try this"\n',
        '!!! tip "Try this"\n\nTake one slow breath.\n',
        '!!! tip "Try this"\nTake one slow breath.\n',
    ],
)
def test_bx002_a_box_whose_text_is_not_indented_is_empty(box):
    assert found(module_text(INTRO + box), code="BX002") == [("BX002", BOX_LINE, 1)]


def test_bx002_the_text_after_an_empty_box_is_outside_it():
    """What the author sees in the preview: an empty box, then the text."""
    html = render('!!! tip "Try this"\n\nTake one slow breath.\n').html

    box = html.split('<div class="admonition tip">')[1].split("</div>")[0]
    assert "Take one slow breath." not in box and "Take one slow breath." in html
