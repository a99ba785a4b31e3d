"""The curriculum's shared vocabulary: topics, locales and the default locale.

Defined once, here. The Lambda (``chalicelib``) and the authoring pipeline (``steady_content``)
both import it; it imports nothing, so it costs a cold start nothing.
"""

from __future__ import annotations

# The curriculum's topics, in the order pages list them (also the content/ folders).
TOPICS: tuple[str, ...] = ("addiction", "mental-health", "stress-management", "life-skills")
# The languages modules are written in; a translation is ``<id>.<locale>.md``.
LOCALES: tuple[str, ...] = ("en", "es")
# The language every module is written in first, and the one readers fall back to.
DEFAULT_LOCALE = "en"
