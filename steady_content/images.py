"""Images beside a module, embedded into the published HTML as ``data:`` URLs.

An image a participant sees travels inside the module's own document: no second request on a
slow network, nothing for another site to learn about who reads what, the same bytes for every
client of the JSON API, and an immutable version stays immutable (the image bytes are part of
the module's hash, so changing a picture needs a version bump like changing a word).

Only raster formats recognised by their first bytes are embedded (PNG, JPEG, WebP, GIF): an
SVG can carry script. ``MAX_BYTES`` keeps a lesson light on a cheap phone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from steady_content import body
from steady_content.frontmatter import Source
from steady_content.links import module_link, scheme

MAX_BYTES = 150 * 1024
FORMATS = "PNG, JPEG, WebP or GIF"


@dataclass(frozen=True)
class Image:
    target: str  # the src as written in the module
    path: Path
    data: bytes

    @property
    def media_type(self) -> str | None:
        return media_type(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def data_url(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def media_type(data: bytes) -> str | None:
    """The media type of a raster image from its first bytes, or ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def is_local(target: str) -> bool:
    """An image path beside the module (not a web address, not a module link)."""
    return bool(target) and scheme(target) is None and module_link(target) is None


def local_path(source: Source, target: str) -> Path:
    return Path(source.path).parent / re.split(r"[?#]", target, maxsplit=1)[0]


def local_images(source: Source) -> list[Image]:
    """Every existing local image of a module, once each, in order of appearance."""
    seen: dict[str, Image] = {}
    for link in body.links(source):
        if link.image and is_local(link.target) and link.target not in seen:
            path = local_path(source, link.target)
            if path.is_file():
                seen[link.target] = Image(link.target, path, path.read_bytes())
    return list(seen.values())


def embed(html: str, images: Sequence[Image]) -> str:
    """Replace each image's ``src`` in sanitised HTML with its ``data:`` URL.

    Runs after sanitising: the sanitiser refuses ``data:`` URLs an author writes, and these
    come only from files whose bytes were checked to be a raster image."""
    for image in images:
        if image.media_type is None:
            continue
        written = image.target.replace("&", "&amp;")
        html = _set_src(html, written, image.data_url())
    return html


def _set_src(html: str, written: str, url: str) -> str:
    """Point every ``<img>`` whose ``src`` is ``written`` at ``url``."""
    pattern = f'(<img\\b[^>]*\\bsrc=")({re.escape(written)})(")'
    return re.sub(pattern, lambda m: m.group(1) + url + m.group(3), html)
