"""A participant's account pages: reminders (chosen on /account, stopped from a link).

Kept apart from ``pages.py``: each handler parses the form, calls one use case in
``chalicelib.reminders`` and renders a template in the participant's language.
"""

from __future__ import annotations

from chalicelib import services
from chalicelib.library import preferred_locale
from chalicelib.web.http import Html, Visit

STOP_PATH = "/reminders/stop"


def reminders_stop(visit: Visit) -> Html:
    """The one-tap stop of every reminder message: no sign-in, the link is signed."""
    locale = services.current().reminders.stop(visit.query.get("t"))
    if locale is None:
        lang = preferred_locale(visit.query.get("locale"), visit.headers.get("accept-language"))
        return Html("reminders_stopped.html", {"lang": lang, "stopped": False}, 400)
    return Html("reminders_stopped.html", {"lang": locale, "stopped": True})
