"""steady_content.sanitize.sanitize: raw HTML in Markdown must not reach participants."""

from __future__ import annotations

import textwrap

import pytest

from steady_content.render import render
from steady_content.sanitize import sanitize


def clean(markdown_text: str) -> str:
    """What the pipeline publishes: render, then sanitise."""
    return sanitize(render(textwrap.dedent(markdown_text)).html)


def test_script_tag_and_its_content_are_removed():
    html = clean(
        """\
        Before.

        <script>alert("stolen")</script>

        After.
        """
    )

    assert "<script" not in html.lower()
    assert "alert" not in html
    assert "<p>Before.</p>" in html
    assert "<p>After.</p>" in html


def test_inline_script_inside_a_paragraph_is_removed():
    html = clean("Hello <script>document.cookie</script> there.\n")

    assert "<script" not in html.lower()
    assert "document.cookie" not in html
    assert "Hello" in html and "there." in html


def test_event_handler_attributes_are_removed():
    html = clean(
        """\
        <p onclick="steal()">Click me</p>

        Look: <img src="https://example.org/a.png" onerror="alert(1)" alt="A picture">
        """
    )

    assert "onclick" not in html
    assert "onerror" not in html
    assert "steal()" not in html
    assert "alert(1)" not in html
    assert "Click me" in html
    assert 'src="https://example.org/a.png"' in html
    assert 'alt="A picture"' in html


def test_javascript_markdown_link_loses_its_href():
    html = clean("Read [this](javascript:alert(1)) now.\n")

    assert "javascript" not in html.lower()
    assert "href" not in html
    assert ">this</a>" in html


@pytest.mark.parametrize(
    "href",
    [
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_raw_html_links_with_dangerous_schemes_lose_their_href(href):
    html = clean(f'Go <a href="{href}">here</a>.\n')

    assert "href" not in html
    assert "script" not in html.lower()
    assert "data:" not in html
    assert ">here</a>" in html


def test_iframe_is_removed():
    html = clean('<iframe src="https://evil.example.org"></iframe>\n\nText.\n')

    assert "<iframe" not in html.lower()
    assert "evil.example.org" not in html
    assert "<p>Text.</p>" in html


def test_style_tag_and_its_css_are_removed():
    html = clean("<style>body { display: none }</style>\n\nText.\n")

    assert "<style" not in html.lower()
    assert "display" not in html


def test_style_and_id_attributes_outside_the_allow_list_are_removed():
    html = clean('<div style="position:fixed" id="login" class="note">Boxed</div>\n')

    assert "style=" not in html
    assert 'id="login"' not in html
    assert '<div class="note">Boxed</div>' in html


def test_comments_are_stripped():
    assert "secret" not in clean("<!-- secret reviewer note -->\n\nText.\n")


def test_markdown_output_survives():
    html = clean(
        """\
        ## Know your triggers

        | Outside | Inside |
        | --- | --- |
        | Payday | Boredom |

        !!! tip "Try this"
            Call a friend. See [SAMHSA](https://www.samhsa.gov/find-help/national-helpline).

        1. **Notice** the *urge*.
        2. `Breathe`.

        > A quote.
        """
    )

    assert '<h2 id="know-your-triggers">Know your triggers</h2>' in html
    assert "<table>" in html and "<th>Outside</th>" in html and "<td>Boredom</td>" in html
    assert '<div class="admonition tip">' in html
    assert '<p class="admonition-title">Try this</p>' in html
    assert (
        '<a href="https://www.samhsa.gov/find-help/national-helpline" '
        'rel="noopener noreferrer">SAMHSA</a>'
    ) in html
    assert "<ol>" in html and "<strong>Notice</strong>" in html and "<em>urge</em>" in html
    assert "<code>Breathe</code>" in html
    assert "<blockquote>" in html


@pytest.mark.parametrize("href", ["https://example.org/x", "mailto:help@example.org", "tel:988"])
def test_safe_link_schemes_keep_their_href(href):
    html = clean(f"[Get help]({href})\n")

    assert f'href="{href}"' in html
    assert 'rel="noopener noreferrer"' in html


def test_author_supplied_rel_is_replaced():
    html = clean('<a href="https://example.org" rel="opener">x</a>\n')

    assert 'rel="opener"' not in html
    assert 'rel="noopener noreferrer"' in html
