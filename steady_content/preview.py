"""``steady-content preview``: a local server showing a module as participants will see it.

Each request reads the file again and runs it through the same pipeline as publishing
(parse → rules → render → sanitise → the participant view of the version document), then
renders it with the web app's own module page (``chalicelib/web/templates/module.html``, its
words and its stylesheet), so what you see is what participants will see. The preview only
adds a banner saying it is a preview, with the file's lint problems. The page asks
``/modules/{id}/stamp`` once a second and reloads when the file changed; it works without
JavaScript too (reload by hand).

Served with the standard library's ``http.server``.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.library import curriculum_version, participant_view
from chalicelib.reading import ModuleReading
from chalicelib.records.worksheets import Worksheet
from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES, TOPICS
from chalicelib.web import render as web
from chalicelib.web.reading_pages import lesson_context
from chalicelib.web.words import WORDS
from chalicelib.web.worksheet_pages import lesson_text, worksheet_context
from chalicelib.worksheets import fields_of, worksheet_view
from steady_content import pipeline, rules
from steady_content.problems import Problem
from steady_content.render import render
from steady_content.sanitize import sanitize

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
POLL_MILLISECONDS = 1000
# The pages a module can be reached at: the web app's, and the path module links publish to.
MODULE_PATHS = ("modules", "read")


def locate(content_dir: Path, module_id: str, locale: str = DEFAULT_LOCALE) -> Path | None:
    """The file of module ``module_id`` in ``locale``, or None."""
    for path in pipeline.discover(content_dir):
        if pipeline.file_locale(path.name) == (module_id, locale):
            return path
    return None


def stamp(path: Path) -> str:
    """Changes whenever the file is saved."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{info.st_mtime_ns}-{info.st_size}"


def document_for(path: Path, content_dir: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The participant view of ``path`` as publishing would make it, and its lint problems.

    A module with problems is still shown as well as it can be, with the problems above it.
    """
    source, problems = pipeline.parse(path)
    if source is None:
        return None, problems
    problems = pipeline.lint(content_dir, [path]).problems
    try:
        document = pipeline.build(pipeline.Module.of(source))
    except (KeyError, TypeError, ValueError, AttributeError):
        meta = source.meta
        rendered = render(source.body)
        locale = meta.get("locale")
        version = meta.get("version")
        document = {
            "id": meta.get("id", path.name.split(".")[0]),
            "title": str(meta.get("title") or path.name),
            "locale": locale if locale in LOCALES else DEFAULT_LOCALE,
            "version": version if isinstance(version, int) and not isinstance(version, bool) else 0,
            "summary": str(meta.get("summary") or ""),
            "objectives": [],
            "references": [],
            "knowledge_check": [],
            "reading_minutes": rendered.reading_minutes,
            "sections": rendered.sections,
            "html": sanitize(rendered.html),
        }
    return participant_view(document), problems


def answer_key(path: Path) -> list[str]:
    """Each knowledge-check question with the choice its ``answer`` marks right, as the
    service will score it, in order: "What helps? → Slow breathing. (answer: 1)".

    Participants never see the answers, so the page alone cannot show an answer counted from 1
    instead of 0 (a wrong choice scored right); the banner shows the author what is scored.
    """
    source, _ = pipeline.parse(path)
    questions = source.meta.get("knowledge_check") if source is not None else None
    key: list[str] = []
    for q in questions if isinstance(questions, list) else []:
        if not isinstance(q, dict):
            continue
        choices, answer = q.get("choices"), q.get("answer")
        right = (
            choices[answer]
            if isinstance(choices, list)
            and isinstance(answer, int)
            and not isinstance(answer, bool)
            and 0 <= answer < len(choices)
            else "no choice (see the problem above)"
        )
        key.append(f"{q.get('question', '')} → {right} (answer: {answer})")
    return key


def page(
    document: dict[str, Any] | None,
    problems: list[Problem],
    path: str,
    poll_url: str,
    current: str,
    switch: str | None = None,
    answers: list[str] | None = None,
) -> str:
    """The web app's module page for ``document``, with the preview banner above it.

    It is the page a participant sees before completing the module (the knowledge check and
    the button included); ``switch`` is the link to the other language, if there is one;
    ``answers`` is the knowledge check's answer key (``answer_key``), shown in the banner.
    """
    locale = str((document or {}).get("locale") or DEFAULT_LOCALE)
    lang = locale if locale in WORDS else DEFAULT_LOCALE
    banner = {"path": path, "problems": [str(p) for p in problems], "answers": answers or []}
    context: dict[str, Any] = {**web.page_context(lang), "preview": banner}
    if document is None:
        # The file cannot be read at all: the banner says why, in the site's own frame.
        shown = web.render(
            "problem.html",
            {
                **context,
                "heading": "This module cannot be shown",
                "message": (
                    f"{path} cannot be read: fix the problems listed in the box above and save "
                    "the file; this page then shows the module."
                ),
                "form_page": None,  # problem.html's link back to a form: a preview has none
            },
        )
    else:
        # What ``chalicelib.reading`` gives the page of a participant who has not completed it.
        questions = tuple(
            {"question": q.get("question", ""), "choices": q.get("choices", [])}
            for q in document.get("knowledge_check", [])
        )
        reading = ModuleReading(
            document=document,
            current_version=curriculum_version(document) if document.get("version") else 0,
            questions=questions,
            can_complete=True,
            status=None,
            changes=(),
            score=None,
            feedback=(),
        )
        # The worksheet as a participant first meets it: no answer yet.
        worksheet: dict[str, Any] = {}
        if fields_of(document):
            module_id = str(document.get("id", ""))
            sheet = Worksheet("", module_id)
            worksheet = worksheet_context(worksheet_view(module_id, document, locale, sheet), {})
        # The lesson page as the web app starts it (``reading_pages.lesson_context``): no
        # other language to save into, nowhere to send its forms, no next lesson.
        shown = web.render(
            "module.html",
            {
                **context,
                **lesson_context(reading),
                "switch": switch,
                **worksheet,
                # The text cut where the worksheet form goes, as on the web app's page.
                **lesson_text(document, bool(worksheet)),
            },
        )
    script = _reload_script(poll_url, current)
    return shown.replace("</body>", script + "</body>", 1) if "</body>" in shown else shown + script


def failure_page(path: str, poll_url: str, current: str, error: Exception) -> str:
    """A plain page for a file the preview itself failed on (a bug in the preview, not the
    author's mistake): it names the file and the error, and still reloads on save. Built
    without the templates, so that it cannot fail the same way."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Preview of {html.escape(path)}</title>"
        f'<link rel="stylesheet" href="{web.stylesheet().url}"></head><body>'
        '<aside class="preview" aria-label="Preview">'
        f'<p class="wrap"><strong>Preview of {html.escape(path)}</strong>: the preview could '
        "not show this file. Run <code>steady-content lint</code> on it, fix what it lists and "
        "save: this page reloads.</p>"
        f'<ul class="wrap"><li>{html.escape(f"{type(error).__name__}: {error}")}</li></ul>'
        "</aside></body></html>" + _reload_script(poll_url, current)
    )


RELOAD_SCRIPT = """<script>
(function () {
  var seen = SEEN;
  function poll() {
    fetch(URL, {cache: "no-store"})
      .then(function (response) { return response.text(); })
      .then(function (now) {
        if (now !== seen) { location.reload(); } else { setTimeout(poll, EVERY); }
      })
      .catch(function () { setTimeout(poll, EVERY * 3); });
  }
  setTimeout(poll, EVERY);
})();
</script>
"""


def _reload_script(poll_url: str, current: str) -> str:
    return (
        RELOAD_SCRIPT.replace("SEEN", _js(current))
        .replace("URL", _js(poll_url))
        .replace("EVERY", str(POLL_MILLISECONDS))
    )


def _js(text: str) -> str:
    # A JavaScript string literal that is also safe inside <script>.
    return '"' + re.sub(r"[^A-Za-z0-9/_.?=&-]", lambda m: f"\\u{ord(m.group(0)):04x}", text) + '"'


def _show_images_from(topic: str, document: dict[str, Any]) -> None:
    """Point the text's relative images at /content/ (``_images_from``), keeping the place of
    the worksheet form (``worksheet.form_at``, an offset into the text) where it was."""
    html = str(document.get("html", ""))
    sheet = document.get("worksheet") or {}
    place = sheet.get("form_at")
    at = place.get("html") if isinstance(place, dict) else None
    if not isinstance(place, dict) or not isinstance(at, int) or not 0 < at < len(html):
        document["html"] = _images_from(topic, html)
        return
    before = _images_from(topic, html[:at])
    document["html"] = before + _images_from(topic, html[at:])
    document["worksheet"] = {**sheet, "form_at": {**place, "html": len(before)}}


def _images_from(topic: str, body: str) -> str:
    # Relative images are files beside the module; the preview serves them from /content/.
    return re.sub(
        r'(<img\b[^>]*\bsrc=")(?![a-z][a-z0-9+.-]*:|/)([^"]+)"',
        lambda m: f'{m.group(1)}/content/{topic}/{m.group(2)}"',
        body,
    )


def _query(locale: str) -> str:
    return "" if locale == DEFAULT_LOCALE else f"?locale={locale}"


def index_page(content_dir: Path) -> str:
    """Every module, linked to its preview."""
    items = []
    for path in pipeline.discover(content_dir):
        module_id, locale = pipeline.file_locale(path.name)
        items.append(
            f'<li><a href="/modules/{html.escape(module_id)}{_query(locale or DEFAULT_LOCALE)}">'
            f"{html.escape(path.parent.name)}/{html.escape(path.name)}</a></li>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Steady preview</title><link rel="stylesheet" href="{web.stylesheet().url}">'
        f'</head><body><main class="wrap"><h1>Modules</h1><ul>{"".join(items)}</ul></main>'
        "</body></html>"
    )


class PreviewHandler(BaseHTTPRequestHandler):
    """Routes: ``/``, ``/modules/{id}[?locale=es]`` (also ``/read/{id}``, as in the web app),
    ``/modules/{id}/stamp``, ``/content/...`` (images) and ``/static/steady.css``."""

    content_dir: Path = Path("content")

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        url = urlsplit(self.path)
        locale = parse_qs(url.query).get("locale", [DEFAULT_LOCALE])[0]
        parts = [p for p in url.path.split("/") if p]
        if not parts:
            return self._send(HTTPStatus.OK, index_page(self.content_dir))
        if parts == ["static", "steady.css"]:
            return self._send(HTTPStatus.OK, web.stylesheet().text, "text/css")
        if parts == ["favicon.ico"]:  # no icon, as in the web app: no 404 in the console
            return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        if parts[0] in MODULE_PATHS and len(parts) in (2, 3) and rules.SLUG.fullmatch(parts[1]):
            return self._module(parts[1], parts[2:], locale)
        if parts[0] == "content" and len(parts) >= 3 and parts[1] in TOPICS:
            return self._send_image(parts[1:])
        self._send(HTTPStatus.NOT_FOUND, "not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 (http.server's API)
        # The page's "mark complete" form: nothing is recorded in a preview.
        self._send(HTTPStatus.OK, "A preview records nothing: go back to the module.", "text/plain")

    def _module(self, module_id: str, rest: list[str], locale: str) -> None:
        path = locate(self.content_dir, module_id, locale)
        if path is None:
            return self._send(HTTPStatus.NOT_FOUND, f"no module {module_id} in locale {locale}")
        if rest == ["stamp"]:
            return self._send(HTTPStatus.OK, stamp(path), "text/plain")
        if rest:
            return self._send(HTTPStatus.NOT_FOUND, "not found", "text/plain")
        current = stamp(path)
        poll = f"/modules/{module_id}/stamp{_query(locale)}"
        shown = pipeline.display_path(path)
        try:
            document, problems = document_for(path, self.content_dir)
            if document is not None:
                _show_images_from(path.parent.name, document)
            other = WORDS.get(locale, WORDS[DEFAULT_LOCALE])["switch_lang"]
            switch = (
                f"/modules/{module_id}{_query(other)}"
                if locate(self.content_dir, module_id, other) is not None
                else None
            )
            body = page(document, problems, shown, poll, current, switch, answer_key(path))
        except Exception as error:  # noqa: BLE001 (a preview never goes blank: say what broke)
            body = failure_page(shown, poll, current, error)
        self._send(HTTPStatus.OK, body)

    def _send_image(self, parts: list[str]) -> None:
        folder = (self.content_dir / parts[0]).resolve()
        path = (folder / "/".join(parts[1:])).resolve()
        kind = IMAGE_TYPES.get(path.suffix.lower())
        if kind is None or not path.is_relative_to(folder) or not path.is_file():
            return self._send(HTTPStatus.NOT_FOUND, "not found", "text/plain")
        self._send(HTTPStatus.OK, path.read_bytes(), kind)

    def _send(self, status: HTTPStatus, body: str | bytes, kind: str = "text/html") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header(
            "Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else "")
        )
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's API)
        pass  # keep the author's terminal quiet


def make_server(
    content_dir: Path, host: str = "127.0.0.1", port: int = 8001
) -> ThreadingHTTPServer:
    """A preview server for ``content_dir`` (not yet serving); port 0 picks a free port."""
    handler = type("Handler", (PreviewHandler,), {"content_dir": content_dir})
    return ThreadingHTTPServer((host, port), handler)


@contextmanager
def running(content_dir: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve in a background thread; yield the base URL (for tests and scripts)."""
    server = make_server(content_dir, host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
