"""``steady-content preview``: a local server showing a module as participants will see it.

Each request reads the file again and runs it through the same pipeline as publishing
(parse → rules → render → sanitise → the participant view of the version document), so what
you see is what will be published. The page asks ``/modules/{id}/stamp`` once a second and
reloads when the file changed; it works without JavaScript too (reload by hand).

Standard library only: ``http.server`` and a few lines of script.
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

from chalicelib.library import participant_view
from chalicelib.vocabulary import DEFAULT_LOCALE, TOPICS
from steady_content import pipeline, rules
from steady_content.problems import Problem
from steady_content.render import render
from steady_content.sanitize import LINK_REL, sanitize

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
POLL_MILLISECONDS = 1000

# The words around a module, in each locale; the crisis resources are on every page.
WORDS = {
    "en": {
        "minutes": "{n} min read",
        "objectives": "In this module you will",
        "check": "Check what you learned",
        "check_note": "Your answers are checked when you mark this module complete.",
        "sources": "Sources",
        "crisis": "Need help now?",
        "crisis_short": 'Need help now? Call or text <a href="tel:988">988</a>.',
        "more_help": "More help",
        "lifeline": 'Call or text <a href="tel:988">988</a> for the 988 Suicide &amp; Crisis '
        "Lifeline, any time, day or night.",
        "samhsa": 'SAMHSA National Helpline: <a href="tel:+18006624357">1-800-662-4357</a> '
        "(free, confidential, 24/7).",
    },
    "es": {
        "minutes": "{n} min de lectura",
        "objectives": "En este módulo vas a",
        "check": "Comprueba lo que aprendiste",
        "check_note": "Tus respuestas se revisan cuando marcas este módulo como terminado.",
        "sources": "Fuentes",
        "crisis": "¿Necesitas ayuda ahora?",
        "crisis_short": '¿Necesitas ayuda ahora? Llama o escribe al <a href="tel:988">988</a>.',
        "more_help": "Más ayuda",
        "lifeline": 'Llama o envía un mensaje de texto al <a href="tel:988">988</a> '
        "(988 Suicide &amp; Crisis Lifeline), a cualquier hora.",
        "samhsa": "Línea Nacional de Ayuda de SAMHSA: "
        '<a href="tel:+18006624357">1-800-662-4357</a> (gratis, confidencial, 24/7).',
    },
}

STYLE = """
body{font:1.125rem/1.6 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
main,footer,.author{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.3rem}h3{font-size:1.1rem}.meta{color:#555}
.admonition{border-left:.3rem solid #2a7a4b;background:#eef7f1;padding:.5rem 1rem;margin:1rem 0}
.admonition-title{font-weight:bold;margin:0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem}
fieldset{margin:0 0 1rem;border:1px solid #ccc}label{display:block}
.author{background:#fff8e1;border:1px dashed #b58900;font-size:.95rem}
.author li{font-family:ui-monospace,monospace;font-size:.85rem}
.crisis{border-top:.3rem solid #b00020;background:#fdecee}
.help-line{max-width:40rem;margin:0 auto;padding:.4rem 1rem;background:#fdecee;font-size:1rem}
.help-line{max-width:40rem;margin:0 auto;padding:.4rem 1rem;background:#fdecee;font-size:1rem}
"""


def locate(content_dir: Path, module_id: str, locale: str = "en") -> Path | None:
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
        document = {
            "id": meta.get("id", path.name.split(".")[0]),
            "title": str(meta.get("title") or path.name),
            "locale": meta.get("locale", "en"),
            "version": meta.get("version"),
            "summary": str(meta.get("summary") or ""),
            "objectives": [],
            "references": [],
            "knowledge_check": [],
            "reading_minutes": rendered.reading_minutes,
            "html": sanitize(rendered.html),
        }
    return participant_view(document), problems


def page(
    document: dict[str, Any] | None, problems: list[Problem], path: str, poll_url: str, current: str
) -> str:
    """The preview page: the module as participants see it, author notes above it."""
    locale = (document or {}).get("locale") if (document or {}).get("locale") in WORDS else "en"
    words = WORDS[str(locale)]
    e = html.escape
    notes = "".join(f"<li>{e(str(p))}</li>" for p in problems) or "<li>lint: no problems</li>"
    author = (
        f'<aside class="author" aria-label="Author notes"><strong>Preview of {e(path)}</strong> '
        f"(only authors see this box)<ul>{notes}</ul></aside>"
    )
    article = ""
    if document is not None:
        objectives = "".join(f"<li>{e(str(o))}</li>" for o in document.get("objectives", []))
        if objectives:
            objectives = f"<section><h2>{words['objectives']}</h2><ul>{objectives}</ul></section>"
        checks = ""
        for i, question in enumerate(document.get("knowledge_check", [])):
            choices = "".join(
                f'<label><input type="radio" name="q{i}" value="{j}"> {e(str(c))}</label>'
                for j, c in enumerate(question.get("choices", []))
            )
            legend = e(str(question.get("question", "")))
            checks += f"<fieldset><legend>{legend}</legend>{choices}</fieldset>"
        if checks:
            checks = (
                f"<section><h2>{words['check']}</h2><form>{checks}</form>"
                f"<p>{words['check_note']}</p></section>"
            )
        sources = "".join(
            f'<li><a href="{e(str(r.get("url", "")))}" rel="{LINK_REL}">'
            f"{e(str(r.get('title', '')))}</a></li>"
            for r in document.get("references", [])
        )
        if sources:
            sources = f"<section><h2>{words['sources']}</h2><ul>{sources}</ul></section>"
        minutes = words["minutes"].format(n=document.get("reading_minutes", 1))
        article = (
            f"<article><h1>{e(str(document.get('title', '')))}</h1>"
            f'<p class="meta">{e(minutes)}</p>'
            f'<p class="summary">{e(str(document.get("summary", "")))}</p>'
            f"{objectives}{document.get('html', '')}{checks}{sources}</article>"
        )
    # A line at the top and the full resources at the bottom: help is never a scroll away.
    crisis = (
        f'<footer class="crisis" id="help"><h2>{words["crisis"]}</h2>'
        f"<p>{words['lifeline']}</p><p>{words['samhsa']}</p></footer>"
    )
    help_line = (
        f'<p class="help-line">{words["crisis_short"]} <a href="#help">{words["more_help"]}</a></p>'
    )
    title = e(str((document or {}).get("title") or path))
    return (
        f'<!doctype html><html lang="{e(str(locale))}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · preview</title><style>{STYLE}</style></head><body>"
        f"{author}{help_line}<main>{article}</main>{crisis}"
        f"{_reload_script(poll_url, current)}</body></html>"
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
</script>"""


def _reload_script(poll_url: str, current: str) -> str:
    return (
        RELOAD_SCRIPT.replace("SEEN", _js(current))
        .replace("URL", _js(poll_url))
        .replace("EVERY", str(POLL_MILLISECONDS))
    )


def _js(text: str) -> str:
    # A JavaScript string literal that is also safe inside <script>.
    return '"' + re.sub(r"[^A-Za-z0-9/_.?=&-]", lambda m: f"\\u{ord(m.group(0)):04x}", text) + '"'


def _images_from(topic: str, body: str) -> str:
    # Relative images are files beside the module; the preview serves them from /content/.
    return re.sub(
        r'(<img\b[^>]*\bsrc=")(?![a-z][a-z0-9+.-]*:|/)([^"]+)"',
        lambda m: f'{m.group(1)}/content/{topic}/{m.group(2)}"',
        body,
    )


def index_page(content_dir: Path) -> str:
    """Every module, linked to its preview."""
    items = []
    for path in pipeline.discover(content_dir):
        module_id, locale = pipeline.file_locale(path.name)
        query = "" if locale == "en" else f"?locale={locale}"
        items.append(
            f'<li><a href="/modules/{html.escape(module_id)}{query}">'
            f"{html.escape(path.parent.name)}/{html.escape(path.name)}</a></li>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Steady preview</title><style>{STYLE}</style></head><body><main>"
        f"<h1>Modules</h1><ul>{''.join(items)}</ul></main></body></html>"
    )


class PreviewHandler(BaseHTTPRequestHandler):
    """Routes: ``/``, ``/modules/{id}[?locale=es]``, ``/modules/{id}/stamp``, ``/content/...``."""

    content_dir: Path = Path("content")

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        url = urlsplit(self.path)
        locale = parse_qs(url.query).get("locale", ["en"])[0]
        parts = [p for p in url.path.split("/") if p]
        if not parts:
            return self._send(HTTPStatus.OK, index_page(self.content_dir))
        if parts[0] == "modules" and len(parts) in (2, 3) and rules.SLUG.fullmatch(parts[1]):
            path = locate(self.content_dir, parts[1], locale)
            if path is None:
                return self._send(HTTPStatus.NOT_FOUND, f"no module {parts[1]} in locale {locale}")
            if len(parts) == 3 and parts[2] == "stamp":
                return self._send(HTTPStatus.OK, stamp(path), "text/plain")
            if len(parts) == 2:
                current = stamp(path)
                document, problems = document_for(path, self.content_dir)
                if document is not None:
                    document["html"] = _images_from(path.parent.name, document.get("html", ""))
                poll = f"/modules/{parts[1]}/stamp" + (
                    f"?locale={locale}" if locale != "en" else ""
                )
                shown = pipeline.display_path(path)
                return self._send(HTTPStatus.OK, page(document, problems, shown, poll, current))
        if parts[0] == "content" and len(parts) >= 3 and parts[1] in TOPICS:
            return self._send_image(parts[1:])
        self._send(HTTPStatus.NOT_FOUND, "not found", "text/plain")

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
