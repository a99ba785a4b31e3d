"""Who sees your records (no JavaScript): for each of your groups, whether its leaders may see
what you did before you joined it (the visibility rule; ``chalicelib.sharing``), and who has
seen or changed your records, newest first (``chalicelib.access_log``). One use case call per
page or form; the choice is audit-logged by the use case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from chalicelib import services
from chalicelib.access_log import AccessEntry
from chalicelib.clock import calendar_day
from chalicelib.errors import BadRequest, NotFound
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.statuses import at_second
from chalicelib.web import render
from chalicelib.web.http import Html, Redirect, Visit

PAGE = "/account/privacy"
SHARE = "/account/privacy/share"


# What an entry's action showed or changed, in the page's words (``privacy_what_<kind>``). The
# group page and the leader's pages that confirm a change show the group's list of
# participants: a name and the day they joined, not what they did. The grid, the "needs
# attention" flags (overdue, a missed knowledge check, no activity), the leader's list of
# groups (counts of who is overdue) and the daily email show progress. Anything not named here
# is "your records" (tests/unit/test_seen_rows.py checks every action that concerns a
# participant is named).
_WHAT = {
    "group.read": "list",
    "group.overview.read": "progress",
    "group.progress.read": "progress",
    "group.attention.read": "progress",
    # The group page's "Left the group": the day they left and how many modules they completed.
    "group.former.read": "progress",
    "digest.sent": "progress",
    "group.progress.export": "download",
    "worksheets.before_session": "worksheets",
    # The same page, for someone whose answers were not on it: whether they did the worksheet
    # (done, started, shared or private), not what they wrote.
    "worksheets.before_session.marks": "worksheet_mark",
    "worksheets.export": "download",
    "data.export": "download",
    "account.temporary_password": "password",
    "account.password_change": "password_changed",
    # Changes: what happened, not just "your records".
    "enrolment.add": "added",
    "enrolment.remove": "removed",
    "enrolment.rename": "renamed",
    "sharing.history.allow": "history_shown",
    "sharing.history.revoke": "history_hidden",
    "assignment.put": "reading",
    "assignment.delete": "reading",
    "group.attention.seen": "noted",
    "account.disable": "account_off",
    "account.enable": "account_on",
    "plan.delete": "plan_deleted",
    "worksheets.delete": "worksheets_deleted",
    "data.delete": "data_deleted",
    # An admin's look at the audit entries about this participant (who read what, when).
    "audit.participant.read": "access_history",
}
# Kinds a leader sees again and again while moving between the group's pages (one view of the
# group page reads the list and the "needs attention" flags): a run of them is one row naming
# each kind seen. Any other kind folds only with its own kind, so a download, a read of shared
# answers or a change is never lost in a run of looks.
_LOOKS = ("list", "progress")


@dataclass(frozen=True)
class SeenRow:
    """One line of "who has seen your records": ``times`` entries in a row, on one day, by the
    same role, in the same group, of the same kinds (a leader moving between the group's pages
    reads the records once per page, and each read is kept; the page says how many)."""

    last: str  # the newest entry's time
    first: str  # the oldest entry's time
    role: str
    group_id: str | None  # two groups may share a name: rows join by id
    group_name: str | None
    kinds: tuple[str, ...]  # what was seen or changed; more than one only for looks (_LOOKS)
    times: int  # entries folded (how far down the log this row reaches)
    views: int = 1  # what the page says: one view of the group page writes two looks
    oldest_kind: str = ""  # the kind of the entry at ``first``
    oldest_alone: bool = True  # that entry is not yet paired with its view's other look


def _folds(row: SeenRow, kind: str) -> bool:
    if row.kinds == (kind,):
        return True
    return kind in _LOOKS and all(k in _LOOKS for k in row.kinds)


def seen_rows(entries: Iterable[AccessEntry], zone: tzinfo) -> list[SeenRow]:
    """``entries`` (newest first) with each run of alike entries as one row."""
    rows: list[SeenRow] = []
    for entry in entries:
        kind = _WHAT.get(entry.action, "records")
        previous = rows[-1] if rows else None
        if (
            previous is not None
            and (previous.role, previous.group_id) == (entry.role, entry.group_id)
            and _folds(previous, kind)
            and calendar_day(previous.first, zone) == calendar_day(entry.at, zone)
        ):
            kinds = (
                previous.kinds
                if kind in previous.kinds
                else tuple(k for k in _LOOKS if k in (*previous.kinds, kind))
            )
            paired = _same_view(previous, kind, entry.at)
            rows[-1] = replace(
                previous,
                first=entry.at,
                times=previous.times + 1,
                views=previous.views + (0 if paired else 1),
                kinds=kinds,
                oldest_kind=kind,
                oldest_alone=not paired,
            )
        else:
            rows.append(
                SeenRow(
                    entry.at,
                    entry.at,
                    entry.role,
                    entry.group_id,
                    entry.group_name,
                    (kind,),
                    1,
                    oldest_kind=kind,
                )
            )
    return rows


# One view of the group page reads the list and the "needs attention" flags: two entries
# written a moment apart (within SAME_VIEW_SECONDS). Paired and counted as one view, the count
# a participant sees is the number of times a leader opened a page, not twice it.
SAME_VIEW_SECONDS = 5.0


def _same_view(row: SeenRow, kind: str, at: str) -> bool:
    """``kind`` at ``at`` is the other look of the view whose one look is the row's oldest."""
    if not row.oldest_alone or kind not in _LOOKS or row.oldest_kind not in _LOOKS:
        return False
    if kind == row.oldest_kind:
        return False
    newer, older = at_second(row.first), at_second(at)
    if newer is None or older is None:
        return False
    return 0 <= (newer - older).total_seconds() < SAME_VIEW_SECONDS


# A page reads up to READ_PER_PAGE entries (one Query) and shows at most ROWS_PER_PAGE rows
# once alike entries are folded: a leader's few minutes on the group's pages are one row, and
# what matters (a download, shared answers read, a new password) stays on the first screen
# instead of behind "Older".
READ_PER_PAGE = 200
ROWS_PER_PAGE = 20


def rows_on_page(rows: list[SeenRow], more: bool) -> list[SeenRow]:
    """The rows one page shows: at most ``ROWS_PER_PAGE``; when older entries follow
    (``more``), the last row read may go on among them, so it is left for the next page
    (unless it is the only row: a run longer than a whole read is split, as it must be)."""
    if len(rows) > ROWS_PER_PAGE:
        return rows[:ROWS_PER_PAGE]
    if more and len(rows) > 1:
        return rows[:-1]
    return rows


def _page(visit: Visit, lang: str, errors: list[tuple[str, str]], status: int = 200) -> Html:
    caller = visit.signed_in()
    svc = services.current()
    try:
        access = svc.access_log.mine(caller, visit.query.get("page") or None, READ_PER_PAGE)
    except BadRequest:  # a page token that is not ours: start from the newest
        access = svc.access_log.mine(caller, None, READ_PER_PAGE)
    zone = svc.reminders.zone_of(caller)  # the participant's own: the times are shown in it
    rows = seen_rows(access.entries, zone)
    shown = rows_on_page(rows, access.next_page_token is not None)
    covered = sum(row.times for row in shown)
    next_page = (
        access.next_page_token
        if covered == len(access.entries)
        else svc.access_log.page_after(access.entries[covered - 1])
    )
    context: dict[str, Any] = {
        "lang": lang,
        "zone": zone,
        # Clock times in the participant's own zone, which the page names (README).
        "times_note": render.times_note(zone, lang),
        "errors": errors,
        "groups": svc.sharing.my_groups(caller),
        "entries": shown,
        "next_page": next_page,
        "changed": visit.query.get("changed") == "1",
    }
    return Html("privacy.html", context, status=status)


def privacy_page(visit: Visit) -> Html:
    """GET /account/privacy[?page=token]."""
    return _page(visit, visit.language(), [])


def share(visit: Visit) -> Any:
    """POST /account/privacy/share: group_id, share=1 (allow) or 0 (take back)."""
    caller = visit.signed_in()
    lang = visit.language()
    choice = visit.form.get("share")
    if choice not in ("0", "1"):
        return _page(visit, lang, [("groups", "privacy_choose")], status=400)
    try:
        services.current().sharing.set(caller, visit.form.get("group_id", ""), choice == "1")
    except NotFound:
        return _page(visit, lang, [("groups", "privacy_no_group")], status=404)
    suffix = f"&locale={lang}" if lang != DEFAULT_LOCALE else ""
    return Redirect(f"{PAGE}?changed=1{suffix}")
