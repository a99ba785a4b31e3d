"""A participant's form that arrived after their web session had ended is not lost: it is
kept for ``KEEP_SECONDS`` with the account of the ended session, and shown again (not saved)
on its page once that same person has signed in again on that browser.

- ``keep``: the edge (``chalicelib/web/http.py``) calls it for a form post whose session ended
  by time (15 minutes without a page, or its end) and whose CSRF token is that session's; it
  returns the random id the browser's cookie keeps (the table holds only its SHA-256).
- ``find``: the kept form for the person signed in, or ``None``. A kept form of another
  account is deleted at once (a shared phone: the next person never sees it).
- A ``SHARING`` choice (one button, nothing typed) is kept too, but never applied by itself:
  sharing answers with group leaders is a choice made while signed in; the lesson page says it
  is not saved yet, by the button to press.
- A ``PAGE`` is kept the same way: the page a person was opening when their session ended,
  gone back to after their next sign-in (then deleted).
- ``forget``: delete it, once saved. It is kept until then, not only until shown: a reload of
  the page, or a refused save, still has it; the table's TTL removes it after an hour anyway.

The fields are health information: never logged (the events name the kind only).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping

from chalicelib import logs, services
from chalicelib.records.kept_forms import KeptForm, KeptFormRecords

__all__ = [
    "CHECK",
    "KEEP_SECONDS",
    "PAGE",
    "PLAN_PART",
    "RETAKE",
    "SHARING",
    "WORKSHEET",
    "CHOICES",
    "LESSON_FORMS",
    "KeptForm",
    "find",
    "forget",
    "keep",
]

KEEP_SECONDS = 60 * 60
# The kinds of form kept, and their ``target``: a lesson's worksheet (the lesson's code), its
# knowledge check sent with "Mark as complete" (the same), answered again after completing
# (a retake: the same), the worksheet's sharing choice (the same: its one field, ``shared``,
# says which button), a part of the plan (the part's id); and no form, only the page that was
# being opened when the session had ended (this site's own path, no fields), to go back to
# after signing in.
WORKSHEET = "worksheet"
CHECK = "check"
RETAKE = "retake"
SHARING = "sharing"
PLAN_PART = "plan-part"
PAGE = "page"
# The kinds shown again on the lesson page (``reading_pages.kept_address``).
LESSON_FORMS = frozenset({WORKSHEET, CHECK, RETAKE, SHARING})
# Kinds with nothing typed (a button's choice): the sign-in page says the page is kept, not
# answers ("go back to the page you were on").
CHOICES = frozenset({SHARING})


def _records() -> KeptFormRecords:
    return services.current().kept_forms


def _now() -> int:
    return int(services.current().clock.epoch())


def keep(account_id: str, kind: str, target: str, fields: Mapping[str, str]) -> str:
    """Keep the form's ``fields`` for ``account_id``; returns the kept form's id."""
    kept_id = secrets.token_urlsafe(32)
    _records().put(
        KeptForm(
            kept_id=kept_id,
            account_id=account_id,
            kind=kind,
            target=target,
            expires_at=_now() + KEEP_SECONDS,
            fields=dict(fields),
        )
    )
    logs.event("web_form_kept", logging.INFO, kind=kind)
    return kept_id


def find(kept_id: str | None, account_id: str) -> KeptForm | None:
    """The form kept under ``kept_id`` for ``account_id``; ``None`` if there is none (used,
    expired) or it is another account's (then deleted)."""
    if not kept_id or len(kept_id) > 100:
        return None
    store = _records()
    kept = store.get(kept_id)
    if kept is None or kept.expires_at <= _now():
        return None
    if kept.account_id != account_id:
        store.delete(kept_id)
        logs.event("web_kept_form_dropped", logging.INFO, kind=kept.kind)
        return None
    return kept


def forget(kept_id: str | None) -> None:
    """Delete the kept form (saved now). Harmless if it is already gone."""
    if kept_id and len(kept_id) <= 100:
        _records().delete(kept_id)
