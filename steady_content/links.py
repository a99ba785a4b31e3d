"""Links between modules: written as relative paths to the module file, served as ``/modules/{id}``.

An author writes ``[Urge surfing](../addiction/cravings-and-urge-surfing.md)`` (or
``cravings-and-urge-surfing.md`` for a module in the same topic folder, optionally with
``#a-section``). The link works on GitHub while the pull request is reviewed; lint checks
that the file exists (LK001); rendering turns it into ``/modules/cravings-and-urge-surfing``,
the participant's own locale being chosen by the service.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from steady_content.sanitize import URL_SCHEMES

MODULE_LINK = re.compile(
    r"^(?:\./)?(?:\.\./(?P<topic>[a-z0-9-]+)/)?"
    r"(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<locale>[a-z]{2}))?\.md"
    r"(?:#(?P<fragment>[A-Za-z0-9_-]+))?$"
)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
SERVICE_PREFIX = "/modules/"


@dataclass(frozen=True)
class ModuleLink:
    """A parsed module link: ``file`` is the path as written, without the fragment."""

    module_id: str
    file: str
    fragment: str | None

    @property
    def service_href(self) -> str:
        """Where the link points in the service: ``/modules/{id}`` plus any ``#fragment``."""
        return SERVICE_PREFIX + self.module_id + (f"#{self.fragment}" if self.fragment else "")

    def resolve(self, module_path: str) -> str:
        """The linked file's path, normalised, relative to the same base as ``module_path``."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(module_path), self.file))


def module_link(href: str) -> ModuleLink | None:
    """Parse ``href`` as a module link, or ``None`` if it is not one."""
    match = MODULE_LINK.match(href)
    if match is None:
        return None
    return ModuleLink(match.group("id"), href.split("#", 1)[0], match.group("fragment"))


def scheme(href: str) -> str | None:
    """The URL scheme of ``href`` in lower case (``https``), or ``None`` for a relative link."""
    match = SCHEME.match(href.strip())
    return match.group(1).lower() if match else None


def servable(href: str) -> bool:
    """True if the service can follow ``href``: a module link, an in-page anchor, or a URL
    whose scheme the sanitiser keeps."""
    if module_link(href) is not None or href.startswith("#"):
        return True
    found = scheme(href)
    return found is not None and found in URL_SCHEMES
