"""Property tests for the content pipeline (Hypothesis).

- Any text in: the result is a valid module, or problems whose line numbers are ints >= 1;
  never an exception.
- Whatever the Markdown, rendered + sanitised HTML has no <script, no on*= event handler and
  no javascript: URL.
"""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steady_content import frontmatter, pipeline
from steady_content.render import render
from steady_content.sanitize import sanitize

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRONT_MATTER = """---
id: prop-module
title: A property module
version: 1
topic: addiction
summary: A module the property tests fill with generated text.
locale: en
objectives:
  - Notice a craving and let it pass.
tags: [cravings]
review: {status: draft, reviewer: null, date: null}
references:
  - title: "NIDA: National Institute on Drug Abuse"
    url: https://nida.nih.gov/
---
"""

# Fragments an author (or an attacker with commit access) might write.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "![x](javascript:alert(1))",
    '[x](https://ok.example/ "t" onclick="alert(1)")',
    "<div onclick=alert(1)>hi</div>",
    '<p style="x" onmouseover=alert(1)>p</p>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<object data="javascript:alert(1)">',
    "<!-- <script>alert(1)</script> -->",
    "`<script>`",
    "```\n<script>alert(1)</script>\n```",
    '!!! tip "<script>alert(1)</script>"\n    body',
    '!!! warning "x" onclick="y"\n    text',
    "## <img src=x onerror=alert(1)>",
    "<<script>script>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<style>@import 'x'</style>",
    "| a | b |\n|---|---|\n| <script>x</script> | [x](javascript:y) |",
]
MARKDOWN = [
    "## A heading",
    "### Sub",
    "Plain text with *emphasis* and **strong**.",
    "- item\n- item",
    "1. one\n2. two",
    "> quote",
    "[ok](https://example.org/)",
    "![alt](images/x.png)",
    "---",
    '!!! tip "Try this"\n    Breathe in for four.',
    "`code`",
    "\n",
    "    indented code",
    "<br>",
    "&amp; &lt;",
]
fragment = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(MARKDOWN), st.text(max_size=40))
markdown_body = st.lists(fragment, max_size=12).map("\n\n".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed", "style", "svg", "math", "form"), (
            tag
        )
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            # Browsers ignore whitespace and control characters inside a scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (
                tag,
                name,
                value,
            )
    # No event handler in any tag, once (always double-quoted) attribute values are blanked.
    unquoted = re.sub(r'"[^"]*"', '""', html)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", unquoted, flags=re.IGNORECASE)


def check_result(module: pipeline.Module | None, problems: list) -> None:
    if module is None:
        assert problems, "no module and no problems"
    else:
        assert not problems
    for problem in problems:
        assert isinstance(problem.line, int) and not isinstance(problem.line, bool), problem
        assert problem.line >= 1, problem
        assert re.fullmatch(r"[A-Z]{2}\d{3}", problem.code), problem
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")


_DIR = Path(tempfile.mkdtemp(prefix="steady-props-")) / "addiction"
_DIR.mkdir(parents=True)


def load_text(text: str | bytes) -> tuple[pipeline.Module | None, list]:
    path = _DIR / "prop-module.md"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return pipeline.load(path)


@SETTINGS
@given(st.text())
def test_split_any_text_gives_a_source_or_problems_with_lines(text):
    source, problems = frontmatter.split("addiction/prop-module.md", text)
    assert (source is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line >= 1


@SETTINGS
@given(
    st.one_of(
        st.text(),
        st.text().map(lambda body: "---\n" + body),
        st.text().map(lambda yaml: f"---\n{yaml}\n---\nBody.\n"),
        st.binary(max_size=200),
    )
)
def test_load_any_file_gives_a_module_or_problems_with_lines(text):
    if isinstance(text, str):
        text = text.encode("utf-8", errors="surrogatepass")
    check_result(*load_text(text))


@SETTINGS
@given(markdown_body)
def test_load_a_real_front_matter_with_any_body(body):
    module, problems = load_text(FRONT_MATTER + "\n" + body + "\n")
    check_result(module, problems)
    if module is not None:
        assert_safe(pipeline.build(module)["html"])


@SETTINGS
@given(
    st.lists(st.sampled_from(FRONT_MATTER.splitlines()[1:-1]), max_size=14), st.text(max_size=30)
)
def test_load_shuffled_and_damaged_front_matter(lines, noise):
    check_result(*load_text("---\n" + "\n".join(lines) + "\n" + noise + "\n---\nBody text.\n"))


@SETTINGS
@given(markdown_body)
def test_rendered_and_sanitised_html_is_never_executable(body):
    assert_safe(sanitize(render(body).html))


@SETTINGS
@given(st.text(max_size=300))
def test_sanitise_alone_makes_any_text_safe(text):
    assert_safe(sanitize(text))
