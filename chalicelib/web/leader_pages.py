"""The group leader's pages: the groups list, their own account (their password; authors' and
administrators' too), a group
(participants, assignments, settings), confirmation pages for what cannot be undone, changing
an assignment's dates, and the progress grid.

Each handler parses the form, calls one use case (``chalicelib.groups``, ``enrolment``,
``assignments``, ``dashboard``) and formats the answer. A use case's refusal of the input
(a ``SteadyError`` below 500 other than "not allowed") brings the same form back with the
input kept and an error summary linking to the field; a group the caller does not lead stays
"not found" (the page is re-read through the use case, which refuses it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlencode

from chalicelib import services
from chalicelib import sign_in as session
from chalicelib.access import last_full_day
from chalicelib.accounts import check_username
from chalicelib.api import Download
from chalicelib.assignments import (
    ALREADY_ASSIGNED,
    DUE_AFTER_SESSION,
    DUE_LONG_AGO,
    DUE_PASSED,
    SESSION_LONG_AFTER_DUE,
    SESSIONS_PASSED,
    WEEKDAYS,
    Assigned,
    AssignedModule,
    Overlap,
    Pacing,
    group_meeting_days,
    overlaps,
    pacing_of,
    passed_sessions,
)
from chalicelib.attention import DEFAULT_INACTIVE_DAYS, MAX_INACTIVE_DAYS, MIN_INACTIVE_DAYS
from chalicelib.clock import calendar_day
from chalicelib.dashboard import (
    CSV_WIDE,
    ORDER_BY_NAME,
    Grid,
    GridRow,
    GridView,
    check_text,
    worksheet_text,
)
from chalicelib.errors import BadRequest, Forbidden, NotFound, SteadyError, Unauthenticated
from chalicelib.groups import Assignment, GroupDetail, GroupLeader, last_leader
from chalicelib.identity import Caller
from chalicelib.sign_in import Handout
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
    STATUS_TEXT,
    CheckMark,
    ModuleStatus,
    WorksheetMark,
    due_for,
)
from chalicelib.temporary_passwords import ACCESS_ENDED, ACCOUNT_OFF, UsernameNotRecorded
from chalicelib.text import name_problem, needs_new_name, sentence, shown_name
from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES, TOPICS
from chalicelib.web import csrf
from chalicelib.web.account_pages import PASSWORD_FIELDS, password_changed, password_refused
from chalicelib.web.http import Html, Redirect, Visit
from chalicelib.web.pages import ICONS, LEADER_ACCOUNT, SHEET_ICONS
from chalicelib.web.render import bdi, day, escape, markup, said, short_day
from chalicelib.web.words import LANGUAGES_IN_ENGLISH, WORDS, message

GROUPS = "/leader"
# Status as an icon and words, never colour alone.
LEADER_TEXT = {**STATUS_TEXT, NOT_ASSIGNED: "Not assigned"}
LEGEND = (COMPLETED, COMPLETED_OLDER, OVERDUE, NOT_STARTED)
# What the key adds to a status word that does not say it all (the word stays the CSV's).
LEGEND_MORE = {COMPLETED_OLDER: " (completed; a newer version is out)"}
# Short class names keep the 2,400 cells of a 40 × 60 grid small.
SHORT = {COMPLETED: "d", COMPLETED_OLDER: "v", OVERDUE: "o", NOT_STARTED: "n", NOT_ASSIGNED: "x"}
EVERYONE = "everyone"
# A cell's worksheet (only when the assigned version has one): done or started, and shared
# (``pages.SHEET_ICONS``).


def group_path(group_id: str) -> str:
    return f"{GROUPS}/groups/{group_id}"


@dataclass(frozen=True)
class FieldError:
    """One error for the error summary: the message and the id of the field it links to."""

    field: str
    message: str
    status: int = 400  # 409 for a change to an archived group (the use case's Conflict)


def is_refusal(error: SteadyError) -> bool:
    """A refusal of the input (shown on the form), as opposed to "you may not" (an error page)."""
    return (
        error.status < 500
        and not isinstance(error, Forbidden | Unauthenticated)
        and error.code not in ("group_not_found", ASSIGNMENT_NOT_FOUND)
    )


def field_error(
    error: SteadyError, fields: Mapping[str, str], first: str, form: Mapping[str, str] | None = None
) -> FieldError:
    """The error linked to the field its code names (``fields``: code → field id), else
    ``first``; in the words of ``chalicelib.web.words`` where the service's message is written
    for API callers ("Assign either a module_id or a track_id."). The page answers with the
    use case's status, as the API does (404 for no such account, 409 for an archived group);
    only a refusal of the input (4xx) is shown on a form, so anything else stays 400.
    ``form``: what was sent, to say a date typed by hand back (``not_a_date``)."""
    status = error.status if 400 <= error.status < 500 else 400
    if error.code == "group_archived":
        # The way on is to unarchive: the group page's button, or on a page of its own (an
        # assignment's dates) the notice that links to it. Both have the id "unarchive".
        return FieldError("unarchive", error.message, status)
    if error.code == "invalid_date":  # the use case names the date field it refused
        for name, words in DATE_FIELDS.items():
            if error.message.startswith(name):
                return FieldError(name, not_a_date(words, (form or {}).get(name, "")), status)
    return FieldError(fields.get(error.code, first), message(error, "en"), status)


DATE_FIELDS = {"due_date": "The due date", "session_date": "The group session date"}


def not_a_date(words: str, typed: str) -> str:
    """A date typed by hand that is not one ("31/12/2026", "2026-02-30"), said with what was
    typed: a date box cannot hold a value that is not a date, so it comes back empty."""
    shown = " ".join(typed.split())[:40]
    said = f"{words} “{shown}” is not a date" if shown else f"{words} is not a date"
    return f"{said}. Use the date picker, or type it as year-month-day, like 2026-12-31."


def error_status(errors: list[FieldError] | None) -> int:
    return max(e.status for e in errors) if errors else 200


def error_context(errors: list[FieldError] | None) -> dict[str, Any]:
    """The template's view of the errors: the summary's list, and each field's own message."""
    return {"errors": errors or [], "err": {e.field: e.message for e in errors or []}}


# -- the groups list ------------------------------------------------------------------------


LEFT = "left"  # ``?done=``: the caller stopped leading a group
# What the groups page (and the account page, an author's or administrator's first page) says
# for ``?done=``: ``pages.TWO_STEP_ON`` after the two-step set-up.
TWO_STEP_ON_NOTICE = (
    "Two-step sign-in is on. If you lose your phone, ask your administrator to reset it."
)
GROUPS_NOTICES = {LEFT: "You no longer lead that group.", "two_step_on": TWO_STEP_ON_NOTICE}


def groups_page(
    visit: Visit, errors: list[FieldError] | None = None, notice: str | None = None
) -> Html:
    caller = visit.signed_in()
    return Html(
        "leader_groups.html",
        {
            "groups": services.current().dashboard.overview(caller),
            "notice": notice or GROUPS_NOTICES.get(visit.query.get("done") or ""),
            # "Create group"'s one-time key (``create_group``); a refused form keeps the one it had.
            "key": visit.form.get("key") or form_key(),
            **error_context(errors),
            "values": visit.form,
        },
        status=error_status(errors),
    )


def create_group(visit: Visit) -> Any:
    """POST /leader/groups: a new group, then its page. The form's one-time ``key`` names the
    group (``GroupService.create``'s idempotency key, ``web:`` before it), so the group's own
    conditional write is the form's claim, in the same transaction as the group and its audit
    entry: a double submit creates one group and both posts go to its page, and a request
    that stops half-way leaves either the whole group or nothing (no claim to wait for). A
    refused name writes nothing: the same key, sent again fixed, creates. Without a key (a
    hand-made post), just created."""
    caller = visit.signed_in()
    key = visit.form.get("key", "")
    try:
        group, _ = services.current().groups.create(
            caller,
            visit.form.get("name", ""),
            f"{WEB_KEY}{key}" if FORM_KEY.fullmatch(key) else None,
        )
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return groups_page(visit, [field_error(error, {}, "name")])
    return Redirect(group_path(group.group_id))


# Before a web form's key used as an idempotency key: never the same as one an API client sent.
WEB_KEY = "web:"


# -- the leader's own account ---------------------------------------------------------------


ACCOUNT = LEADER_ACCOUNT
ACCOUNT_PASSWORD = ACCOUNT + "/password"


def account_page(visit: Visit, errors: list[FieldError] | None = None) -> Html:
    """The own account of a group leader, an author or an administrator: their password
    (two-step sign-in is a link away); an author's or administrator's says where their tools
    are (they start here after sign-in, ``pages.home_for``)."""
    visit.signed_in()
    notice = TWO_STEP_ON_NOTICE if visit.query.get("done") == "two_step_on" else None
    return Html(
        "leader_account.html",
        {**error_context(errors), "notice": notice},
        status=error_status(errors),
    )


def change_password(visit: Visit) -> Any:
    """The participant's password form on a leader's page (``account_pages.change_password``),
    through the same use case: audit entry first, Cognito's ``ChangePassword`` with this
    session's token, then signed out everywhere, this browser too, and the sign-in page says
    the password is changed (the next sign-in asks for the same authenticator's code). A
    refusal brings this page back with the box at fault named; passwords are never sent back.
    Cognito refusing the session's token (not the password) ends the session: to sign-in."""
    refused = password_refused(visit)
    if refused is not None:
        return account_page(visit, [field_error(refused, PASSWORD_FIELDS, "current_password")])
    return password_changed()


def password_form(visit: Visit) -> Redirect:
    """GET of the form's own address (where a refused change was shown, opened again): the
    form, on the account page."""
    visit.signed_in()
    return Redirect(ACCOUNT + "#password-title")


# -- one group ------------------------------------------------------------------------------


def _picker(svc: services.Services) -> dict[str, Any]:
    """Tracks first (their published order), then modules by topic, each topic by title. Each
    says what of it is also in another language ("also in Spanish"; a track "3 also in
    Spanish"), so a leader of a group of Spanish readers assigns what they can read (walk 21,
    4: every option was an English title, and nothing told them apart)."""
    catalog = svc.library.catalog()
    words = WORDS["en"]
    translated = {
        LANGUAGES_IN_ENGLISH[locale]: {
            m["id"] for m in svc.library.catalog(locale=locale) if m["locale"] == locale
        }
        for locale in LOCALES
        if locale != DEFAULT_LOCALE
    }

    def module_languages(module_id: str) -> str:
        also = [name for name, ids in translated.items() if module_id in ids]
        return f" · also in {' and '.join(also)}" if also else ""

    def track_languages(modules: list[str]) -> str:
        said = []
        for name, ids in translated.items():
            n = sum(1 for m in modules if m in ids)
            if n:
                said.append(f"{'all' if n == len(modules) else n} also in {name}")
        return "".join(f", {s}" for s in said)

    topics: list[dict[str, Any]] = [
        {
            "label": words[f"topic_{topic}"],
            "modules": [
                {**m, "languages": module_languages(m["id"])}
                for m in sorted(
                    (m for m in catalog if m["topic"] == topic), key=lambda m: m["title"].lower()
                )
            ],
        }
        for topic in TOPICS
    ]
    tracks = [{**t, "languages": track_languages(t["modules"])} for t in svc.library.tracks()]
    return {
        "tracks": tracks,
        "topics": [t for t in topics if t["modules"]],
        "titles": {m["id"]: m["title"] for m in catalog},
    }


def _label(assignment: Assignment, titles: dict[str, str], track_titles: dict[str, str]) -> str:
    if assignment.kind == "track":
        return "Track: " + str(track_titles.get(assignment.item_id, assignment.item_id))
    return str(titles.get(assignment.item_id, assignment.item_id))


EVERYONE_AUDIENCE = "Everyone"


def _audience(assignment: Assignment, names: Mapping[str, str]) -> Any:
    """Whom an assignment is for: ``Everyone``, or the participant's name in ``<bdi>`` (safe
    HTML: it goes into sentences, ``said``)."""
    if not assignment.participant_id:
        return EVERYONE_AUDIENCE
    name = names.get(assignment.participant_id)
    return "One participant" if name is None else bdi(name)


def _audience_shown(assignment: Assignment, names: Mapping[str, str]) -> str:
    """``_audience`` as plain text: does a sentence that ends with it need a full stop?"""
    if not assignment.participant_id:
        return EVERYONE_AUDIENCE
    name = names.get(assignment.participant_id)
    return "One participant" if name is None else shown_name(name)


def _ended(html: Any, last: str) -> Any:
    """``html`` (safe HTML) ended with a full stop unless its last words, ``last`` as shown,
    end a sentence already (``text.sentence``: "For Maria G.", not "For Maria G..")."""
    return html if sentence(last) == last else html + "."


def _assignment_rows(detail: GroupDetail, picker: dict[str, Any]) -> list[dict[str, Any]]:
    """The group page's list of assignments. A module assigned alone with a date that had
    passed when it was set says so (``passed``), as a track's modules do (``_track_modules``):
    the grid and participants' home show it with no due date."""
    names = {p.participant_id: p.display_name for p in detail.participants}
    track_titles = {t["id"]: t["title"] for t in picker["tracks"]}
    zone = services.current().clock.zone
    return [
        {
            "assignment_id": a.assignment_id,
            "label": _label(a, picker["titles"], track_titles),
            "audience": _audience(a, names),
            "audience_shown": _audience_shown(a, names),
            "due_date": a.due_date,
            "session_date": a.session_date,
            "record": a,
            "modules": _track_modules(a, picker, detail),
            "paced": bool(a.module_dates),
            # A track with one date for all says it on its own line too (a paced one's dates
            # are its modules'): its heading said "due Tue 17 Nov" above modules that each
            # said the date had passed.
            "passed": "" if a.module_dates else _passed_when_set(a, a.item_id, detail, zone),
        }
        for a in detail.assignments
    ]


# A track with more modules than this is listed folded (``<details>``) on the group page.
TRACK_UNFOLDED = 4


def _track_modules(
    assignment: Assignment, picker: dict[str, Any], detail: GroupDetail
) -> list[dict[str, Any]]:
    """A track assignment's modules, in the track's order, each with its dates (its own or the
    assignment's), whether it is left out, and, where another assignment's date applies to it
    (``elsewhere``), which (walk 17, problem 2: "also in Relapse prevention: due 22 Nov
    applies"); ``[]`` for a module assignment. Modules not in the library (retired) are left
    out of the list, as ``assigned_modules`` leaves them out."""
    if assignment.kind != "track":
        return []
    track = next((t for t in picker["tracks"] if t["id"] == assignment.item_id), None)
    track_titles = {t["id"]: t["title"] for t in picker["tracks"]}
    shared = {
        o.module_id: o
        for o in overlaps(detail.assignments, assignment.assignment_id, services.current().library)
        if o.elsewhere
    }
    zone = services.current().clock.zone
    rows = []
    for module_id in (track or {}).get("modules", []):
        if module_id not in picker["titles"]:
            continue
        due, session = assignment.dates_of(module_id)
        rows.append(
            {
                "module_id": module_id,
                "title": picker["titles"][module_id],
                "due_date": due,
                "session_date": session,
                "left_out": module_id in assignment.left_out,
                "elsewhere": _elsewhere(shared.get(module_id), track_titles),
                "passed": _passed_when_set(assignment, module_id, detail, zone),
            }
        )
    return rows


def _passed_when_set(
    assignment: Assignment, module_id: str, detail: GroupDetail, zone: tzinfo
) -> Any:
    """Walk 21 (leader): ``session Tue 17 Nov 2026 had passed when assigned: no due date for
    anyone`` for a module of a track (or a module assigned alone) whose due date had already
    passed when it was set, so
    applies to no one (``statuses.due_for``, the rule of the grid and of participants' home:
    ``AssignedModule.due_for``); "" for one whose date applies (dates changed since to one
    still to come, say), or with no date. The group page's warning (``sessions_passed``) says
    these modules show as no due date: their dates in the list must not say otherwise."""
    due, session = assignment.dates_of(module_id)
    set_at = assignment.due_set_at_of(module_id)
    if not due or due_for(due, set_at, None, zone) is not None:
        return ""
    when = "assigned" if set_at == assignment.assigned_at else "set"
    if assignment.participant_id is None:
        who: Any = "anyone"
    else:
        names = {p.participant_id: p.display_name for p in detail.participants}
        name = names.get(assignment.participant_id)
        who = "them" if name is None else bdi(name)
    which = f"session {day(due)}" if session == due else f"due {day(due)}"
    return said("{} had passed when {}: no due date for {}", which, when, who)


def _elsewhere(found: Overlap | None, track_titles: dict[str, str]) -> str:
    """``also in Relapse prevention: due Sun 22 Nov 2026 applies`` ("" for none)."""
    if found is None:
        return ""
    where = ", ".join(track_titles.get(t, t) for t in found.other_tracks) or "assigned alone"
    when = f"due {day(found.due_date)}" if found.due_date else "no due date"
    return f"also {'in ' if found.other_tracks else ''}{where}: {when} applies"


def sign_in_address(visit: Visit, lang: str = "en") -> str:
    """The sign-in page's address as the leader's browser reached this site; in Spanish
    (``lang`` "es", a Spanish hand-out's) with ``?locale=es``: the sign-in pages are in
    Spanish whatever the phone's language, and Spanish is kept with the account at that
    first sign-in (``chalicelib.sign_in``)."""
    host = visit.headers.get("host", "")
    local = host.split(":")[0] in ("localhost", "127.0.0.1")
    scheme = visit.headers.get("x-forwarded-proto") or ("http" if local else "https")
    path = "/sign-in" + ("?locale=es" if lang == "es" else "")
    return f"{scheme}://{host}{path}" if host else path


def group_view(
    visit: Visit,
    errors: list[FieldError] | None = None,
    form: str | None = None,
    handouts: tuple[Handout, ...] | None = None,
    notice: str | None = None,
) -> Html:
    """The group page; after a refused form, that form (``form``) shows ``errors`` and its input;
    ``notice``: what a form that changed nothing found (else the one ``?done=`` names).
    New accounts' sign-in details still to hand over come from the leader's session (or, if it
    ended meanwhile, ``handouts``)."""
    caller = visit.signed_in()
    svc = services.current()
    sent_key = visit.form.get("key", "")
    detail = svc.groups.detail(caller, visit.params["group_id"], former=True)
    picker = _picker(svc)
    values: Mapping[str, str] = visit.form if errors else {}
    if not errors and not detail.summary.archived and needs_new_name(detail.summary.name):
        # Its rename form (an archived group's has none: unarchive first) opens saying so.
        hint = must_rename(detail.summary.name, "name", "the group")
        errors, form = ([hint], "rename") if hint else (errors, form)
        values = {"name": shown_name(detail.summary.name, "")}
    used: tuple[Handout, ...] = ()
    if handouts is None:
        # Someone who left has it on their access item, read with "Left the group".
        chosen = {p.participant_id: p.password_chosen_at for p in detail.participants}
        handouts, used = session.handouts(
            visit.session, detail.summary.group_id, {**detail.former_chosen, **chosen}
        )
    return Html(
        "leader_group.html",
        {
            "group": detail.summary,
            "leaders": [
                {
                    "leader_id": leader.leader_id,
                    "name": leader_name(leader),
                    "you": leader.leader_id == caller.id,
                }
                for leader in detail.leader_names
            ],
            "participants": detail.participants,
            "former": _former_rows(detail),
            "attention": svc.attention.group(caller, visit.params["group_id"]),
            "assignments": _assignment_rows(detail, picker),
            # "Before the session", per assigned module that has a worksheet (no AWS call).
            "sheet_modules": svc.worksheets.worksheet_modules(detail.assignments),
            "picker": picker,
            **error_context(errors),
            "form": form,
            "values": values,
            # The Assign form, fresh: the days the group meets on ticked (a refused one keeps
            # what was sent).
            **_meeting_days_shown(group_meeting_days(detail.assignments)),
            "for_participant": visit.query.get("participant", ""),
            "handouts": handouts,
            "handout_minutes": session.HANDOUT_SECONDS // 60,
            "passwords_chosen": [
                said(
                    "{} has signed in and chosen their own password, "
                    "so their temporary password is no longer shown.",
                    bdi(h.display_name),
                )
                for h in used
            ],
            "sign_in_address": sign_in_address(visit) if handouts else "",
            "sign_in_address_es": sign_in_address(visit, "es") if handouts else "",
            "notice": notice or _notice(visit, detail, picker),
            "warnings": _warnings(visit, detail),
            "notice_at": NOTICE_AT.get(visit.query.get("done", ""), ""),
            "days_hint": DAYS_HINT,
            "pace_hint": PACE_HINT,
            "meets_on_hint": MEETS_ON_HINT,
            "track_unfolded": TRACK_UNFOLDED,
            "create_account_label": CREATE_ACCOUNT_LABEL,
            # A form that came back keeps its key: sent again, it is the same form (``_once``).
            "key": sent_key if errors and FORM_KEY.fullmatch(sent_key) else form_key(),
        },
        status=error_status(errors),
    )


DAYS_HINT = (
    "Activity: completing a module, answering a knowledge check or saving a worksheet (signing "
    "in alone is not). Counted only while they have something assigned to do. "
    f"From {MIN_INACTIVE_DAYS} to {MAX_INACTIVE_DAYS} days; the default is {DEFAULT_INACTIVE_DAYS}."
)

NOTICES = {
    "enrolled": "Participant enrolled.",
    "assigned": "Assigned.",
    "renamed": "Group renamed.",
    "name_unchanged": "The name is unchanged.",
    "participant_name_unchanged": "The name is unchanged.",
    "leader": "Group leader added.",
    "leader_removed": "Group leader removed.",
    "handed_over": "The temporary password is no longer shown.",
    "removed": "Participant removed from the group. What they completed stays theirs.",
    "already_removed": "That participant is no longer in this group. Nothing was changed.",
    "unassigned": "Assignment removed.",
    "dates": "Dates changed.",
    "module_dates": "Dates changed for that module.",
    "archived": "Group archived.",
    "unarchived": "Group unarchived.",
    "seen": "Marked as seen. It comes back if the situation changes.",
    "attention": "Setting saved.",
    "assignment_gone": (
        "That assignment is no longer there (it was unassigned, maybe in another tab or by a "
        "co-leader). Nothing was changed."
    ),
    "already_unassigned": "Already unassigned.",
}


# Where on the group page each outcome is said: under the heading of the section the page
# opens at (``_done`` takes its address from here), not at the top, 1,400 px above (walk 20,
# leader, problem 1). An outcome not listed is said at the top, where the page then opens.
NOTICE_AT = {
    **dict.fromkeys(
        (
            "enrolled",
            "already_enrolled",
            "handed_over",
            "removed",
            "already_removed",
            "seen",
            "participant_renamed",
            "participant_name_unchanged",
        ),
        "participants",
    ),
    **dict.fromkeys(
        (
            "assigned",
            "redated",
            "already_assigned",
            "unassigned",
            "dates",
            "module_dates",
            "left_out",
            "put_back",
            "assignment_gone",
            "already_unassigned",
        ),
        "assignments",
    ),
    "leader": "settings",
    "attention": "settings",
    "leader_removed": "leaders",
}


def _notice(visit: Visit, detail: GroupDetail, picker: dict[str, Any]) -> Any:
    """What the form just done did (``?done=``), named from the group as it is now: an id in
    the address that is not in the group (a hand-made address) names nothing."""
    done = visit.query.get("done", "")
    if done == "already_enrolled":
        who = visit.query.get("who", "")
        name = next((p.display_name for p in detail.participants if p.participant_id == who), "")
        return said("{} is already in this group.", bdi(name)) if name else None
    if done in ("already_assigned", "redated"):
        wanted = visit.query.get("assignment", "")
        found = next((a for a in detail.assignments if a.assignment_id == wanted), None)
        return _already_assigned(found, detail, picker, done == "redated") if found else None
    if done == "unassigned":
        # The track the confirmation named (``unassign_confirm``), if the group still has it.
        wanted = visit.query.get("track", "")
        track = next(
            (a for a in detail.assignments if a.assignment_id == wanted and a.kind == "track"),
            None,
        )
        if track is not None:
            return f"{NOTICES[done]} {_stays_on_list(track, picker)}"
    if done in ("left_out", "put_back"):
        return _left_out_notice(visit, detail, picker, done == "left_out")
    if done == "removed":
        # Who, so a leader who removed several in a row can check each (walk 20 leader, 5).
        who = visit.query.get("who", "")
        name = next((p.display_name for p in detail.former or () if p.participant_id == who), "")
        if name:
            return said(
                "{} was removed from the group. What they completed stays theirs.", bdi(name)
            )
    if done == "already_removed":
        # Named only while they are listed under Left the group (not if enrolled again since).
        who = visit.query.get("who", "")
        listed = {p.participant_id for p in detail.participants}
        former = (p for p in detail.former or () if p.participant_id == who)
        name = next((p.display_name for p in former if who not in listed), "")
        if name:
            return said(
                "{} was already removed from the group (maybe in another tab or by a "
                "co-leader). Nothing was changed.",
                bdi(name),
            )
    if done in ("assigned", "dates", "module_dates"):
        named = _assignment_notice(visit, detail, picker, done)
        if named is not None:
            return named
    if done == "participant_renamed":
        who = visit.query.get("who", "")
        name = next((p.display_name for p in detail.participants if p.participant_id == who), "")
        if not name:
            return None
        return _ended(
            said("Name changed. They are shown to you as {}", bdi(name)), shown_name(name)
        )
    return NOTICES.get(done)


def _assignment_notice(
    visit: Visit, detail: GroupDetail, picker: dict[str, Any], done: str
) -> Any | None:
    """``Assigned the track “Early recovery, weeks 1–4” to everyone.``, ``Dates changed for
    Thinking traps, for Sam P.`` or ``Dates changed for Sleep and recovery in the track …``:
    what and for whom, from the group as it is
    now (walk 20 leader, 5: "Assigned." after a run of forms said neither). ``None`` where the
    address names nothing in the group."""
    wanted = visit.query.get("assignment", "")
    row = next((r for r in _assignment_rows(detail, picker) if r["assignment_id"] == wanted), None)
    if row is None:
        return None
    everyone = row["audience"] == EVERYONE_AUDIENCE
    audience = "everyone" if everyone else row["audience"]
    what = _named(row["record"], picker)
    if done == "module_dates":
        module = visit.query.get("module", "")
        if module not in tuple(m["module_id"] for m in row["modules"]):
            return None
        title = picker["titles"].get(module, module)
        named = said("Dates changed for {} in {}, for {}", title, what, audience)
    elif done == "assigned":
        named = said("Assigned {} to {}", what, audience)
    else:
        named = said("Dates changed for {}, for {}", what, audience)
    return _ended(named, "everyone" if everyone else row["audience_shown"])


def _left_out_notice(visit: Visit, detail: GroupDetail, picker: dict[str, Any], out: bool) -> Any:
    """``Sleep and recovery is left out of Track: Early recovery, weeks 1–4 for everyone.``
    (or put back in it), named from the group as it is now."""
    wanted = visit.query.get("assignment", "")
    row = next((r for r in _assignment_rows(detail, picker) if r["assignment_id"] == wanted), None)
    module = visit.query.get("module", "")
    if row is None or module not in row["record"].left_out + tuple(
        m["module_id"] for m in row["modules"]
    ):
        return None
    title = picker["titles"].get(module, module)
    everyone = row["audience"] == EVERYONE_AUDIENCE
    audience = "everyone" if everyone else row["audience"]
    if out:
        return said(
            "{} is left out of {} for {}. Completions already recorded stay. Put it back any time.",
            title,
            row["label"],
            audience,
        )
    back = said("{} is back in {} for {}", title, row["label"], audience)
    return _ended(back, "everyone" if everyone else row["audience_shown"])


def _warnings(visit: Visit, detail: GroupDetail) -> list[Any]:
    """The warnings about the dates just given (``?warn=``: the use case's codes, see
    ``assignments.date_warnings``), said with the assignment's session date (``?assignment=``,
    an assignment of this group: a hand-made address names nothing)."""
    codes = [c for c in visit.query.get("warn", "").split(",") if c]
    wanted = visit.query.get("assignment", "")
    found = next((a for a in detail.assignments if a.assignment_id == wanted), None)
    if found is None:
        return []
    module = visit.query.get("module", "")
    set_at = found.due_set_at_of(module) if module else found.due_set_at or found.assigned_at
    if module and found.kind == "track":  # one module's own dates (``change_module_dates``)
        due, session = found.dates_of(module)
        found = replace(found, due_date=due, session_date=session)
    # A date already past when it was set applies to no one (``statuses.due_for``): say so.
    # (One set before it passed, saved again unchanged, is still the date of who had it.)
    nobodys = ""
    if (
        found.due_date
        and due_for(found.due_date, set_at, None, services.current().clock.zone) is None
    ):
        who: Any = "everyone in the group"
        if found.participant_id is not None:
            names = {p.participant_id: p.display_name for p in detail.participants}
            name = names.get(found.participant_id)
            who = "them" if name is None else bdi(name)
        nobodys = said("it will show as no due date for {}; choose a later date to set one.", who)
    warnings: list[Any] = []
    if DUE_AFTER_SESSION in codes and found.session_date:
        weekday_and_day = day(found.session_date).rsplit(" ", 1)[0]  # "Wed 2 Dec"
        warnings.append(f"The due date is after the session date ({weekday_and_day}).")
    if SESSION_LONG_AFTER_DUE in codes and found.session_date and found.due_date:
        warnings.append(
            f"The session date ({day(found.session_date)}) is more than 4 weeks after "
            f"the due date ({day(found.due_date)}): check both dates."
        )
    if DUE_LONG_AGO in codes and found.due_date:
        warnings.append(
            said("The due date, {}, is more than 4 weeks ago: check the year.", day(found.due_date))
            + (said(" As it is, {}", nobodys) if nobodys else "")
        )
    elif DUE_PASSED in codes and found.due_date:
        warnings.append(
            said("The due date has already passed: {}", nobodys)
            if nobodys
            else "The due date has already passed."
        )
    if SESSIONS_PASSED in codes:
        passed = passed_sessions(found, services.current().clock.today())
        if passed:
            many = len(passed) > 1
            warnings.append(
                f"The sessions of the first {len(passed)} modules have already passed: they "
                if many
                else "The session of its first module has already passed: it "
            )
            warnings[-1] += (
                "will show as no due date for everyone. Choose a later first session, or change "
                + ("those modules' dates." if many else "that module's dates.")
            )
    if ALREADY_ASSIGNED in codes:
        warnings.extend(_overlap_warning(detail, found))
    return warnings


def _other_names(others: tuple[str, ...], detail: GroupDetail) -> str:
    """The other assignments of a module, named: ``“Relapse prevention”``, or ``assigned
    alone``."""
    tracks = {t["id"]: t["title"] for t in services.current().library.tracks()}
    by_id = {a.assignment_id: a for a in detail.assignments}
    names = []
    for other in others:
        a = by_id.get(other)
        if a is None:
            continue
        names.append(f"“{tracks.get(a.item_id, a.item_id)}”" if a.kind == "track" else "alone")
    return " and ".join(dict.fromkeys(names)) or "another assignment"


def _overlap_warning(detail: GroupDetail, found: Assignment) -> list[str]:
    """Walk 17, problem 2: which of the modules just assigned were already assigned to the same
    people, and which due date applies (one per module: the earliest, ``_combine``)."""
    shared = overlaps(detail.assignments, found.assignment_id, services.current().library)
    if not shared:
        return []
    what = "this track's modules" if found.kind == "track" else "this module"
    parts = []
    for o in shared:
        when = f"due {day(o.due_date)}" if o.due_date else "no due date"
        whose = "applies" if o.elsewhere else "(this one's) applies"
        parts.append(f"{o.title}: also assigned {_other_names(o.others, detail)}, {when} {whose}")
    count = f"{len(shared)} of {what}" if found.kind == "track" else what.capitalize()
    verb = "were" if found.kind == "track" and len(shared) > 1 else "was"
    return [
        f"{count} {verb} already assigned to the same people; the earliest due date applies. "
        + "; ".join(parts)
        + "."
    ]


def _named(assignment: Assignment, picker: dict[str, Any], first: bool = False) -> str:
    """What an assignment is, in a sentence: ``Thinking traps``, ``the track “Early recovery,
    weeks 1–4”`` (``The`` ``first`` in it). Quoted: a track's title may hold a comma."""
    if assignment.kind != "track":
        return str(picker["titles"].get(assignment.item_id, assignment.item_id))
    titles = {t["id"]: t["title"] for t in picker["tracks"]}
    track = titles.get(assignment.item_id, assignment.item_id)
    return f"{'The' if first else 'the'} track “{track}”"


def _already_assigned(
    assignment: Assignment, detail: GroupDetail, picker: dict[str, Any], redated: bool
) -> Any:
    """``Thinking traps is already assigned.``, or, when assigning again changed its dates,
    ``... was already assigned to Sam P., so its dates changed: due Thu 3 Dec 2026, ...``."""
    what = _named(assignment, picker, first=True)
    names = {p.participant_id: p.display_name for p in detail.participants}
    name = names.get(assignment.participant_id or "")
    to = said(" to {}", bdi(name)) if name is not None else ""
    if not redated:
        return _ended(
            said("{} is already assigned{}", what, to), shown_name(name) if name else what
        )
    if assignment.module_dates and assignment.session_date:  # paced: its modules' own dates
        return said(
            "{} was already assigned{}, so its dates changed: one module per session "
            "from {}, each with its dates below.",
            what,
            to,
            day(assignment.session_date),
        )
    due = f"due {day(assignment.due_date)}" if assignment.due_date else "no due date"
    when = (
        f"session {day(assignment.session_date)}" if assignment.session_date else "no session date"
    )
    return said("{} was already assigned{}, so its dates changed: {}, {}.", what, to, due, when)


def group_page(visit: Visit) -> Html:
    return group_view(visit)


def _done(visit: Visit, what: str, anchor: str = "", **more: str) -> Redirect:
    """Back to the group page, which says what was done (``NOTICES``; ``more``: whom or what)
    under the heading of its section (``NOTICE_AT``), where the page opens, or at ``anchor`` (a
    row in it). With warnings about the dates (``warn``), it opens at them, in that notice."""
    if more.get("warn"):
        anchor = "#warnings"
    elif not anchor and what in NOTICE_AT:
        anchor = f"#{NOTICE_AT[what]}"
    query = urlencode({"done": what, **more})
    return Redirect(f"{group_path(visit.params['group_id'])}?{query}{anchor}")


def _on_group_form(
    visit: Visit, form: str, fields: Mapping[str, str], first: str, action: Callable[[Caller], Any]
) -> Any:
    """Run ``action``; on a refusal, the group page again with this form's errors and input."""
    caller = visit.signed_in()
    try:
        return action(caller)
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return group_view(visit, [field_error(error, fields, first, visit.form)], form)


FORM_KEY = re.compile(r"[0-9a-f]{32}")


def form_key() -> str:
    """A form's one-time key (``_once``): new on every page, so each page's forms act once."""
    return secrets.token_hex(16)


def form_fingerprint(visit: Visit, form: str) -> str | None:
    """What ``sign_in.once`` keeps for a form sent with a one-time ``key``: the form, the
    address's parameters, the key and what was filled in, hashed; ``None`` without a key (an
    older page, a hand-made post). A double click or a browser's resend sends the same; a form
    taken up again with Back and changed (another username, another module) is another
    request, done in its turn, not answered with the first one's result."""
    key = visit.form.get("key", "")
    if not FORM_KEY.fullmatch(key):
        return None
    filled = sorted((k, v) for k, v in visit.form.items() if k not in ("key", csrf.FIELD))
    scope = "\n".join(
        [
            form,
            *(f"{k}={v}" for k, v in sorted(visit.params.items())),
            key,
            *(f"{k}={v}" for k, v in filled),
        ]
    )
    return hashlib.sha256(scope.encode()).hexdigest()[:32]


def _once(
    visit: Visit,
    form: str,
    action: Callable[[], Any],
    busy: Callable[[session.StillBeingDone], Any] | None = None,
    resume: Callable[[int], Any] | None = None,
) -> Any:
    """A form with a one-time ``key`` (the group page's enrol, assign and
    add-a-leader forms, the new temporary password's confirmation) is done once: the same form
    sent again by a double click answers with the first one's redirect, the new account's
    panel included (``sign_in.once``; the key is kept as a fingerprint with the form and the
    address, and a refusal gives it up). Without a key (an older page, a hand-made post), just
    done. Sent again after the first request stopped half-way (past its lease): done by this
    one, with ``resume`` if given. The first still under way past the wait: the page ``busy``
    gives (by default the group page with this form, its input and its key, and the error
    saying how long to wait)."""
    visit.signed_in()
    fingerprint = form_fingerprint(visit, form)
    if fingerprint is None:
        return action()
    try:
        done = session.once(
            visit.session,
            fingerprint,
            action,
            lambda result: result.location if isinstance(result, Redirect) else None,
            resume,
        )
    except session.StillBeingDone as error:
        if busy is not None:
            return busy(error)
        return group_view(
            visit, [FieldError(BUSY_FIELDS.get(form, form), error.message, 409)], form
        )
    return Redirect(done) if isinstance(done, str) else done


# The field a form's "still being done" error points at (the form's first; else the form).
BUSY_FIELDS = {"enrol": "username", "assign": "item", "leader": "leader_username"}


ENROL_FIELDS = {
    "invalid_username": "username",
    "account_not_found": "username",
    "not_a_participant": "username",
    "username_taken": "username",
    "invalid_name": "display_name",
    "invalid_text": "display_name",
}


# The enrol form's checkbox (``leader_group.html``), which its refusals name: they say what to do.
CREATE_ACCOUNT_LABEL = "Create a new account with this username"


def _enrol_refusal(error: SteadyError, typed: str) -> SteadyError:
    """The enrol form's words for "no such account" and "that username is taken": the checkbox
    that fixes it (the API's callers get the use case's own words)."""
    if error.code not in ("account_not_found", "username_taken"):
        return error
    username = check_username(typed)  # as the use case looked it up (it got this far)
    if error.code == "username_taken":
        said = f"{username} already has an account: untick “{CREATE_ACCOUNT_LABEL}” to enrol them."
    else:
        said = f"There is no account {username}. To make one, tick “{CREATE_ACCOUNT_LABEL}”."
    return type(error)(said, code=error.code)


def enrol(visit: Visit) -> Any:
    """The enrol form, once per key (``_once``). Sent again after a request that stopped
    half-way, it finishes that one's work: an account it created is enrolled with a new
    temporary password (``Enrolment.enrol``'s ``created_since``), never a second account."""
    created_since: int | None = None

    def action(caller: Caller) -> Any:
        typed = visit.form.get("username", "").strip()
        # Someone already in the group is not renamed by this form: the page says they are in.
        try:
            enrolled, added = services.current().enrolment.enrol(
                caller,
                visit.params["group_id"],
                typed,
                visit.form.get("display_name", "").strip() or None,
                create=visit.form.get("create") == "yes",
                rename=False,
                created_since=created_since,
            )
        except SteadyError as error:
            # "Create a new account" sent again (Back) for someone already in the group: say
            # that, not "untick …", which leads to the same (walk 17, 8).
            if error.code == "username_taken":
                found = services.current().enrolment.enrolled_as(
                    caller, visit.params["group_id"], typed
                )
                if found is not None:
                    who = found.participant_id
                    return _done(visit, "already_enrolled", f"#p-{who}", who=who)
            raise _enrol_refusal(error, typed) from None
        if enrolled.temporary_password:
            handout = Handout(
                visit.params["group_id"],
                enrolled.participant_id,
                enrolled.username,
                enrolled.display_name,
                0,  # keep_handout sets when it expires
                enrolled.temporary_password,
            )
            return _hand_out(visit, handout)
        if not added:
            who = enrolled.participant_id
            return _done(visit, "already_enrolled", f"#p-{who}", who=who)
        return _done(visit, "enrolled")

    def run() -> Any:
        return _on_group_form(visit, "enrol", ENROL_FIELDS, "username", action)

    def resume(claimed_at: int) -> Any:
        nonlocal created_since
        created_since = claimed_at
        return run()

    return _once(visit, "enrol", run, resume=resume)


def _hand_out(visit: Visit, handout: Handout) -> Any:
    """Sign-in details to give a participant: kept in the leader's own session (never logged,
    never in an address or a cookie) and shown by the group page until handed over, so a
    reload shows them again instead of sending the form again. Every page is Cache-Control:
    no-store."""
    if visit.session is None or not session.keep_handout(visit.session, handout):
        # Signed out meanwhile: on this response only, as nothing else can show it.
        return group_view(visit, handouts=(handout,))
    return Redirect(f"{group_path(handout.group_id)}#handout-{handout.participant_id}")


def handout_path(group_id: str, participant_id: str) -> str:
    """The hand-out page of one participant's temporary password (``hand_out_page``)."""
    return f"{group_path(group_id)}/participants/{participant_id}/hand-out"


# The hand-out's languages: the participant's words exist in these (``words.WORDS``).
HANDOUT_LANGUAGES = ("en", "es")


def hand_out_page(visit: Visit) -> Html:
    """One participant's sign-in details on a page of their own, in words for the participant,
    to print and give them: the group page's panel shows the leader every open one, and a
    printed group page shows none (``steady.css``). Read from where the panel keeps it (the
    leader's own session, ``sign_in.handouts``), so it exists exactly while the panel does;
    after Done, 15 minutes or their own password, the page says it is no longer shown and how
    to give a new one. The group's leaders only (another leader's group stays not found), and
    audit-logged as the group page is, for this one participant (``group.read``).
    ``?lang=es``: the same hand-out in Spanish."""
    caller = visit.signed_in()
    group_id, participant_id = visit.params["group_id"], visit.params["participant_id"]
    detail = services.current().groups.detail(
        caller, group_id, shown=(participant_id,), former=True
    )
    # Someone who left is given one too (``new_password``): their choice of their own password
    # is on their access item (``GroupDetail.former_chosen``), a member's on their enrolment.
    participant = _participant(detail, participant_id, left_too=True)
    chosen = getattr(participant, "password_chosen_at", "") or detail.former_chosen.get(
        participant.participant_id, ""
    )
    shown, _ = session.handouts(
        visit.session, detail.summary.group_id, {participant.participant_id: chosen}
    )
    handout = next((h for h in shown if h.participant_id == participant.participant_id), None)
    wanted = visit.query.get("lang", "en")
    lang = wanted if wanted in HANDOUT_LANGUAGES else "en"
    other = "es" if lang == "en" else "en"
    address = handout_path(detail.summary.group_id, participant.participant_id)
    return Html(
        "leader_handout.html",
        {
            "group": detail.summary,
            "participant": participant,
            # Someone who left has no copy of it here: the confirmation page says if so.
            "account_off": bool(getattr(participant, "account_off_at", "")),
            "handout": handout,
            "sign_in_address": sign_in_address(visit, lang) if handout else "",
            "slip_words": WORDS[lang],
            "slip_lang": lang,
            "other_language": {
                "href": address + ("?lang=es" if other == "es" else ""),
                "name": "Spanish hand-out" if other == "es" else "English hand-out",
            },
            "handout_minutes": session.HANDOUT_SECONDS // 60,
        },
    )


def hand_outs_path(group_id: str) -> str:
    """The page of every hand-out waiting for this group (``hand_outs_page``)."""
    return f"{group_path(group_id)}/hand-outs"


def hand_outs_page(visit: Visit) -> Html:
    """Every hand-out this leader's session holds for this group on one page, to print at once
    on a cohort's first day: one slip per participant, the same slip as on each one's own page
    (``hand_out_page``), in the order they were given, a page break between slips when printed
    (``steady.css``). The same rules as that page: only what the leader's own session holds for
    this group, while the group page's panels exist; the group's leaders only; audit-logged as
    the group page is, for the participants whose slips it may show (``group.read``); none left
    (Done, 15 minutes, their own password): the page says so, with the way back.
    ``?lang-<participant id>=es``: that one's slip in Spanish (the page's language form)."""
    caller = visit.signed_in()
    group_id = visit.params["group_id"]
    waiting, _ = session.handouts(visit.session, group_id)  # whose: the audit entry names them
    detail = services.current().groups.detail(
        caller, group_id, shown={h.participant_id for h in waiting}
    )
    chosen = {p.participant_id: p.password_chosen_at for p in detail.participants}
    shown, _ = session.handouts(visit.session, detail.summary.group_id, chosen)
    # The group's participants only (a cohort's first day): someone who left and was given a
    # new password (``new_password``) has their own page (``hand_out_page``).
    names = {p.participant_id: p.display_name for p in detail.participants}
    slips = []
    for handout in reversed(shown):  # newest first there; printed in the order given
        if handout.participant_id not in names:  # removed from the group meanwhile
            continue
        wanted = visit.query.get(f"lang-{handout.participant_id}", "en")
        lang = wanted if wanted in HANDOUT_LANGUAGES else "en"
        slips.append(
            {
                "handout": handout,
                "name": names[handout.participant_id],
                "lang": lang,
                "words": WORDS[lang],
                "sign_in_address": sign_in_address(visit, lang),
            }
        )
    return Html(
        "leader_handouts.html",
        {
            "group": detail.summary,
            "slips": slips,
            "address": hand_outs_path(detail.summary.group_id),
            "handout_minutes": session.HANDOUT_SECONDS // 60,
        },
    )


def new_password_confirm(visit: Visit) -> Html:
    """For someone in the group, or who left it (``TemporaryPasswords.give``)."""
    detail = services.current().groups.detail(
        visit.signed_in(),
        visit.params["group_id"],
        shown=(visit.params["participant_id"],),
        former=True,
    )
    participant = _participant(detail, visit.params["participant_id"], left_too=True)
    # What the use case refuses and the page already knows: say why before they confirm.
    if getattr(participant, "account_off_at", ""):
        return group_view(visit, [FieldError("participants", ACCOUNT_OFF, 409)])
    if services.current().access.ended(detail.former_ends.get(participant.participant_id)):
        return group_view(visit, [FieldError("participants", ACCESS_ENDED, 409)])
    return _confirm(
        visit,
        detail,
        said("Give {} a new temporary password?", bdi(participant.display_name)),
        "For a lost or forgotten password. Their password stops working now and they are "
        "signed out everywhere. The next page shows the new temporary password once, to give "
        "them; when they sign in with it, they choose their own.",
        "Give a new temporary password",
        key=form_key(),
    )


def new_password(visit: Visit) -> Any:
    """The use case writes the audit entry; then the same panel as a new account's. Sent
    twice (a double click), one new password (``_once``)."""
    return _once(visit, "temporary_password", lambda: _new_password(visit))


def _new_password(visit: Visit) -> Any:
    caller = visit.signed_in()
    try:
        given = services.current().temporary_passwords.give(
            caller, visit.params["group_id"], visit.params["participant_id"]
        )
    except UsernameNotRecorded as error:
        if error.left:  # someone who left: the use case's own words (no enrolment to fill in)
            return group_view(visit, [FieldError("participants", str(error), error.status)])
        # The way on depends on the group: an archived one takes no enrolments.
        key = "error_username_not_recorded" + ("_archived" if error.group_archived else "")
        return group_view(visit, [FieldError("participants", WORDS["en"][key], error.status)])
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return group_view(visit, [field_error(error, {}, "participants")])
    handout = Handout(
        visit.params["group_id"],
        given.participant_id,
        given.username,
        given.display_name,
        0,  # keep_handout sets when it expires
        given.temporary_password,
        new_account=False,
    )
    return _hand_out(visit, handout)


def handed_over(visit: Visit) -> Redirect:
    """The leader gave a new account's sign-in details to the participant: they leave the
    session for good (harmless when already gone; only the caller's own session changes)."""
    visit.signed_in()
    if visit.session is not None:
        session.hand_over(visit.session, visit.params["group_id"], visit.params["participant_id"])
    return _done(visit, "handed_over")


ASSIGN_FIELDS = {
    "invalid_assignment": "item",
    "module_not_found": "item",
    "track_not_found": "item",
    "invalid_module_id": "item",
    "participant_not_found": "participant",
    "invalid_date": "due_date",
}
# The track's "one module per session" choice (the Assign and Change dates forms).
PACE_FIELDS = {
    "invalid_interval": "every_days",
    "invalid_per_session": "per_session",
    "first_session_required": "session_date",
    "first_session_not_meeting_day": "session_date",
    "interval_and_meeting_days": "every_days",
    "invalid_meeting_days": "meets_on",
    "invalid_pacing": "pace",
}
SESSIONS = "sessions"  # the ``pace`` radio button for "one module per session"
WHOLE = re.compile(r"[0-9]{1,3}")
# "Or the group meets on:" one checkbox a day (a form keeps one value a name), Monday first.
MEETS_ON = tuple(f"meets_{name}" for name in WEEKDAYS)
# The days between sessions the form showed (a hidden field): left as shown, it gives way to
# the days ticked; changed, it is a second choice, and the leader is asked for one.
EVERY_DAYS_SHOWN = "every_days_shown"


def _pacing(form: Mapping[str, str]) -> Pacing | None:
    """The form's "one module per session" choice (``pace``, ``every_days``, ``per_session``;
    an empty box is the default), every N days or on the days ticked (``MEETS_ON``); ``None``
    for "one date for all". What is not a whole number reaches the use case as ``-1``, which
    refuses it with its field named. Days ticked win over the days between sessions only when
    that box was left as the form showed it (or emptied): otherwise ``BadRequest``
    (``interval_and_meeting_days``), as two choices that disagree."""

    def whole(name: str, default: int) -> int:
        typed = (form.get(name) or "").strip()
        if not typed:
            return default
        return int(typed) if WHOLE.fullmatch(typed) else -1

    if form.get("pace") != SESSIONS:
        return None
    default = Pacing()
    per = whole("per_session", default.per_session)
    meets_on = tuple(day for day, name in enumerate(MEETS_ON) if form.get(name))
    if not meets_on:
        return Pacing(whole("every_days", default.every_days), per)
    typed = (form.get("every_days") or "").strip()
    # Without the hidden field (an older page, a hand-made post), the default is what showed.
    shown = (form.get(EVERY_DAYS_SHOWN) or "").strip() or str(default.every_days)
    if typed not in ("", shown):
        raise BadRequest(
            "Give the days between sessions or the meeting days, not both.",
            code="interval_and_meeting_days",
        )
    return Pacing(default.every_days, per, meets_on)


def _pace_values(pacing: Pacing | None) -> dict[str, str]:
    """The Assign or Change dates form's "one module per session" fields for ``pacing`` (as
    ``pacing_of`` guesses it), or the defaults."""
    shown = pacing or Pacing()
    return {
        "pace": SESSIONS if pacing else "all",
        "every_days": str(shown.every_days),
        EVERY_DAYS_SHOWN: str(shown.every_days),
        "per_session": str(shown.per_session),
        **{MEETS_ON[day]: "yes" for day in shown.meets_on},
    }


def _meeting_days_shown(days: tuple[int, ...]) -> dict[str, Any]:
    """A fresh pacing form's boxes ticked for the group's meeting days (``group_meeting_days``),
    and its hint saying why they are ticked."""
    if not days:
        return {"pace_defaults": {}, "meets_on_fresh_hint": MEETS_ON_HINT}
    names = [DAY_NAMES[day] for day in days]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return {
        "pace_defaults": {MEETS_ON[day]: "yes" for day in days},
        "meets_on_fresh_hint": f"{MEETS_ON_HINT} Ticked: {listed}, the days of this group's latest "
        "paced track.",
    }


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _dated(assigned: Assigned) -> dict[str, str]:
    """What the group page needs to name an assignment just made or changed (``?assignment=``)
    and the warnings about its dates (``?warn=``, only when there are some)."""
    more = {"assignment": assigned.assignment.assignment_id}
    if assigned.warnings:
        more["warn"] = ",".join(assigned.warnings)
    return more


def assign(visit: Visit) -> Any:
    def action(caller: Caller) -> Any:
        kind, _, item_id = visit.form.get("item", "").partition(":")
        audience = visit.form.get("participant", EVERYONE)
        # "Choose…" (or anything that is not a module or a track) reaches the use case as
        # "neither", which refuses it.
        assigned = services.current().assignments.assign(
            caller,
            visit.params["group_id"],
            module_id=item_id if kind == "module" and item_id else None,
            track_id=item_id if kind == "track" and item_id else None,
            participant_id=None if audience in ("", EVERYONE) else audience,
            due_date=visit.form.get("due_date") or None,
            session_date=visit.form.get("session_date") or None,
            # The server decides by the chosen item: a module has one date (the choice is
            # for a track, and the form says so).
            pacing=_pacing(visit.form) if kind == "track" else None,
        )
        # Already assigned to the same audience: the page says so, and what its dates now are;
        # with warnings about the dates (``_warnings``).
        what = "assigned"
        if assigned.already:
            what = "redated" if assigned.dates_changed else "already_assigned"
        return _done(visit, what, **_dated(assigned))

    return _once(
        visit,
        "assign",
        lambda: _on_group_form(visit, "assign", {**ASSIGN_FIELDS, **PACE_FIELDS}, "item", action),
    )


def rename(visit: Visit) -> Any:
    def action(caller: Caller) -> Any:
        renamed = services.current().groups.rename(
            caller, visit.params["group_id"], visit.form.get("name", "")
        )
        # Said at the top, beside the page's heading: the group's name is what changed.
        return _done(visit, "renamed" if renamed else "name_unchanged")

    return _on_group_form(visit, "rename", {}, "name", action)


# Said after "There is no account …" and "That account is not a group leader." on the
# "Add a group leader" form: a new counsellor may have no colleague on Steady yet (walk 15, 19.6).
ASK_FOR_LEADER_ACCOUNT = "Ask your administrator to create a group leader account for them first."


def add_leader(visit: Visit) -> Any:
    def action(caller: Caller) -> Any:
        try:
            added = services.current().groups.add_leader(
                caller, visit.params["group_id"], visit.form.get("leader_username", "").strip()
            )
        except SteadyError as error:
            if error.code not in ("account_not_found", "not_a_leader"):
                raise
            said = f"{error.message} {ASK_FOR_LEADER_ACCOUNT}"
            raise type(error)(said, code=error.code) from None
        if not added.added:
            # Nothing changed (so sending the form again is harmless): this page says so, and
            # no username goes into an address.
            return group_view(visit, notice=f"{added.username} already leads this group.")
        return _done(visit, "leader")

    return _once(
        visit, "leader", lambda: _on_group_form(visit, "leader", {}, "leader_username", action)
    )


def leader_name(leader: GroupLeader) -> str:
    """A fellow leader as the group page names them: their username (none for one added before
    usernames were kept with them, until the upgrade step fills it in: ``chalicelib.upgrade``)."""
    return leader.username or "A group leader (username not on record)"


def _leader(detail: GroupDetail, leader_id: str) -> GroupLeader:
    found = next((lead for lead in detail.leader_names if lead.leader_id == leader_id), None)
    if found is None:
        raise NotFound("That person does not lead this group.", code="leader_not_found")
    return found


def remove_leader_confirm(visit: Visit) -> Html:
    """Remove a fellow leader, or stop leading the group yourself, after confirming; never the
    last leader (the use case refuses it too)."""
    caller = visit.signed_in()
    # Shows leaders only: no participant's records are read for it.
    detail = services.current().groups.detail(caller, visit.params["group_id"], shown=())
    leader = _leader(detail, visit.params["leader_id"])
    if len(detail.leaders) < 2:
        raise last_leader()
    name = bdi(detail.summary.name, group=True)
    if leader.leader_id == caller.id:
        others = ", ".join(leader_name(lead) for lead in detail.leader_names if lead != leader)
        return _confirm(
            visit,
            detail,
            said("Stop leading {}?", name),
            "You will no longer see this group, its participants or their progress. "
            f"It stays with its other leaders ({others}), who can add you again.",
            "Stop leading this group",
        )
    return _confirm(
        visit,
        detail,
        said("Remove {} as a leader of {}?", leader_name(leader), name),
        "They will no longer see this group, its participants or their progress. "
        "You can add them again later.",
        "Remove as group leader",
    )


def remove_leader(visit: Visit) -> Any:
    """The use case writes the audit entry; after stopping to lead the group yourself, the
    groups list (the group's page is no longer yours to see)."""
    caller = visit.signed_in()
    try:
        removed = services.current().groups.remove_leader(
            caller, visit.params["group_id"], visit.params["leader_id"]
        )
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return group_view(visit, [field_error(error, {}, "leaders")])
    if removed.yourself:
        return Redirect(f"{GROUPS}?done={LEFT}")
    return _done(visit, "leader_removed")


def seen_button(participant_id: str, reason: str) -> str:
    """The id of a "Mark as seen" button (an error about that form links to it)."""
    return f"seen-{participant_id}-{reason}"


def mark_seen(visit: Visit) -> Any:
    """Mark one reason of a participant as seen. The form carries the reason's fingerprint as
    the page showed it: if the situation changed since, the page comes back saying so (the
    leader never dismisses what they have not seen). The use case writes the audit entry."""
    caller = visit.signed_in()
    svc = services.current()
    group_id = visit.params["group_id"]
    participant_id = visit.form.get("participant", "")
    reason = visit.form.get("reason", "")
    try:
        svc.attention.mark_seen(
            caller, group_id, participant_id, reason, visit.form.get("fingerprint") or None
        )
    except SteadyError as error:
        if not is_refusal(error):
            raise
        # Link to the button of that very reason if the page still shows it, else to the list.
        current = svc.attention.group(caller, group_id).of(participant_id)
        shown = current is not None and any(r.code == reason for r in current.open)
        field = seen_button(participant_id, reason) if shown else "participants"
        return group_view(visit, [FieldError(field, message(error, "en"), error.status)], "seen")
    return _done(visit, "seen")


def attention_settings(visit: Visit) -> Any:
    """The group's "no activity for N days" (the use case writes the audit entry)."""
    caller = visit.signed_in()
    raw = visit.form.get("inactive_days", "").strip()
    # Digits only (not "²" or "٣"); anything else reaches the use case, which refuses it.
    days: Any = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else raw
    try:
        services.current().attention.set_inactive_days(caller, visit.params["group_id"], days)
    except SteadyError as error:
        if not is_refusal(error):
            raise
        found = field_error(error, {}, "inactive_days")
        if error.code == "invalid_inactive_days":
            found = FieldError(
                "inactive_days",
                ("Enter a whole number of days" if raw else "Enter the number of days")
                + f" from {MIN_INACTIVE_DAYS} to {MAX_INACTIVE_DAYS}.",
            )
        return group_view(visit, [found], "attention")
    return _done(visit, "attention")


def unarchive(visit: Visit) -> Any:
    caller = visit.signed_in()
    services.current().groups.update(caller, visit.params["group_id"], archived=False)
    return _done(visit, "unarchived")


# -- confirmation pages (no JavaScript: a page of their own) ---------------------------------


def _confirm(
    visit: Visit,
    detail: GroupDetail,
    heading: Any,
    explanation: Any,
    button: str,
    status: int = 200,
    error: str | None = None,
    notes: tuple[str, ...] = (),
    progress_csv: bool = False,
    key: str = "",
    hidden: Mapping[str, str] | None = None,
) -> Html:
    """``heading``, ``explanation``: plain text, or safe HTML with each name in ``<bdi>``
    (``said``, ``bdi``): never a name joined into a plain string. ``notes``: more paragraphs
    (plain text); ``progress_csv``: offer the group's progress
    (CSV) before the change takes a participant out of it; ``key``: the form's one-time key
    (``_once``), for a form that must not act twice; ``hidden``: more fields the form sends."""
    return Html(
        "leader_confirm.html",
        {
            "group": detail.summary,
            "heading": heading,
            "explanation": explanation,
            "notes": notes,
            "progress_csv": progress_csv,
            "button": button,
            "error": error,
            "key": key,
            "hidden": hidden or {},
        },
        status=status,
    )


def _last_day(ends_at: int) -> str:
    """The last full day of a participant's access, as leader pages show days."""
    zone = services.current().clock.zone
    return day(last_full_day(ends_at, zone).isoformat(), "en", zone)


def _end_day(ends_at: int) -> str:
    """The day a participant's access ended on, as leader pages show days."""
    zone = services.current().clock.zone
    return day(datetime.fromtimestamp(ends_at, zone).date().isoformat(), "en", zone)


def archive_confirm(visit: Visit) -> Html:
    # Shows the group's name only: no participant's records are read for it.
    detail = services.current().groups.detail(visit.signed_in(), visit.params["group_id"], shown=())
    return _confirm(
        visit,
        detail,
        said("Archive {}?", bdi(detail.summary.name, group=True)),
        # What ``Reading.my_assignments`` does with an archived group's assignments.
        "This group's reading leaves its participants' reading lists. What they finished stays "
        "with them, under Finished on their home page, and you can still see the group's "
        "progress. Nobody can be enrolled or assigned reading until you unarchive it.",
        "Archive the group",
        # What ``Enrolment.group_archived`` starts: no participant's groups are read for it.
        notes=(
            "Participants with no other group can still sign in to see and download their "
            f"plan until {_last_day(services.current().enrolment.alumni_end())}, then their "
            "access ends. Print or download their plan with them now: My plan › Download as "
            "PDF.",
        ),
    )


def archive(visit: Visit) -> Any:
    services.current().groups.update(visit.signed_in(), visit.params["group_id"], archived=True)
    return _done(visit, "archived")


def _former_rows(detail: GroupDetail) -> list[dict[str, Any]]:
    """ "Left the group": each one who left, when their access ends (``None``: it does not, they
    are in a group now), and whether a new temporary password can reach them (in their alumni
    period: ``TemporaryPasswords.give``)."""
    access = services.current().access
    rows = []
    for member in detail.former or ():
        ends_at = detail.former_ends.get(member.participant_id)
        ended = access.ended(ends_at)
        # The days the participant's own pages name: their last full day while it lasts, the
        # day it ended on after. No access end: nothing said (they are in another group,
        # which is not this group's leaders' to see more of).
        said = (
            ""
            if ends_at is None
            else f"access ended {_end_day(ends_at)}"
            if ended
            else f"can sign in until {_last_day(ends_at)}"
        )
        rows.append(
            {"member": member, "access": said, "reachable": ends_at is not None and not ended}
        )
    return rows


def _participant(detail: GroupDetail, participant_id: str, left_too: bool = False) -> Any:
    """The participant in the group; with ``left_too``, or someone who left it (a
    ``FormerMember``: the detail must have been read with ``former``)."""
    found: Any = next((p for p in detail.participants if p.participant_id == participant_id), None)
    if found is None and left_too:
        found = next((f for f in detail.former or () if f.participant_id == participant_id), None)
    if found is None:
        raise NotFound("That participant is not in this group.", code="participant_not_found")
    return found


# -- the name shown for a participant --------------------------------------------------------

NAME_FIELDS = {"invalid_name": "display_name", "invalid_text": "display_name"}


def must_rename(kept: str, field: str, whose: str) -> FieldError | None:
    """The hint a rename form opens with when the name kept (``kept``) breaks the name rule
    (kept before the rule existed: nothing visible, a text-direction control), linked to the
    form's ``field``; ``None`` for a name that keeps it. Said, not refused: the page answers
    200 (nothing was sent), and the name is changed only when the leader saves a new one."""
    found = name_problem(kept)
    if found is None:
        return None
    return FieldError(
        field, f"Give {whose} a new name: the one kept from before names were checked {found}.", 200
    )


def _name_view(visit: Visit, errors: list[FieldError] | None = None) -> Html:
    detail = services.current().groups.detail(
        visit.signed_in(), visit.params["group_id"], shown=(visit.params["participant_id"],)
    )
    participant = _participant(detail, visit.params["participant_id"])
    value = visit.form.get("display_name", "") if errors else participant.display_name
    if not errors and needs_new_name(participant.display_name):
        hint = must_rename(participant.display_name, "display_name", "them")
        errors = [hint] if hint else None
        value = shown_name(participant.display_name, "")  # what can be seen of it, to edit
    return Html(
        "leader_participant_name.html",
        {
            "group": detail.summary,
            "participant": participant,
            **error_context(errors),
            "values": {"display_name": value},
        },
        status=error_status(errors),
    )


def name_form(visit: Visit) -> Html:
    return _name_view(visit)


def change_name(visit: Visit) -> Any:
    """A typo at intake stays on the grid, the CSV and the hand-outs until corrected here
    (walk 15, problem 13). A refused name comes back on the same form, as typed."""
    caller = visit.signed_in()
    who = visit.params["participant_id"]
    try:
        renamed = services.current().enrolment.rename(
            caller, visit.params["group_id"], who, visit.form.get("display_name", "")
        )
    except SteadyError as error:
        if not is_refusal(error) or error.code == "participant_not_found":
            raise
        return _name_view(visit, [field_error(error, NAME_FIELDS, "display_name", visit.form)])
    if not renamed.changed:
        return _done(visit, "participant_name_unchanged", f"#p-{who}")
    return _done(visit, "participant_renamed", f"#p-{who}", who=who)


def remove_confirm(visit: Visit) -> Html:
    svc = services.current()
    detail = svc.groups.detail(
        visit.signed_in(), visit.params["group_id"], shown=(visit.params["participant_id"],)
    )
    participant = _participant(detail, visit.params["participant_id"])
    # Their last active group: their access ends after the alumni period (one read or two).
    ends_at = svc.enrolment.access_end_if_removed(detail.summary, participant.participant_id)
    if ends_at is None:
        notes: tuple[str, ...] = ()
    elif participant.not_signed_in and not participant.account_off_at:
        # "Has not signed in yet" on the group page (the enrolment read above, no other call):
        # they have no plan, and their temporary password has long expired (walk 20 leader,
        # problem 6), so nothing about signing in to see it.
        notes = (
            "This is their last group. They never signed in, so their account stays unused. "
            f"Their access ends after {_last_day(ends_at)}.",
        )
    else:
        notes = (
            f"This is their last group. They can still sign in to see and download their plan "
            f"until {_last_day(ends_at)}. Print or download their plan with them now: My plan › "
            "Download as PDF.",
        )
    return _confirm(
        visit,
        detail,
        said(
            "Remove {} from {}?",
            bdi(participant.display_name),
            bdi(detail.summary.name, group=True),
        ),
        "They keep their account and what they completed, but no longer see this group's "
        "assignments. For you, their row leaves the progress grid and Before the session; they "
        "are listed under Left the group, with what they completed while in the group, and "
        "stay in the progress CSV. You can enrol them again later.",
        "Remove from the group",
        notes=notes,
        progress_csv=True,
    )


def remove(visit: Visit) -> Any:
    who = visit.params["participant_id"]
    try:
        services.current().enrolment.remove(visit.signed_in(), visit.params["group_id"], who)
    except NotFound as error:
        if error.code != PARTICIPANT_NOT_FOUND:
            raise
        # Sent twice (a double click, Back), or a co-leader removed them a moment before: the
        # group page, saying so, as Unassign does; not a bare "Not found".
        return _done(visit, "already_removed", who=who)
    return _done(visit, "removed", who=who)


PARTICIPANT_NOT_FOUND = "participant_not_found"


ASSIGNMENT_NOT_FOUND = "assignment_not_found"


def while_assigned(
    gone: str = "assignment_gone",
) -> Callable[[Callable[[Visit], Any]], Callable[[Visit], Any]]:
    """A page or form of one assignment opened from a stale tab, or sent again with Back, after
    the assignment was unassigned (here, in another tab or by a co-leader): back to the group
    page's assignments, saying so (``NOTICES[gone]``), not a bare "Not found" with no way back
    to the group (walk 17, 7). The API keeps its 404."""

    def wrap(handler: Callable[[Visit], Any]) -> Callable[[Visit], Any]:
        @wraps(handler)
        def handle(visit: Visit) -> Any:
            try:
                return handler(visit)
            except NotFound as error:
                if error.code != ASSIGNMENT_NOT_FOUND:
                    raise
                return _done(visit, gone)

        return handle

    return wrap


def _assignment(
    visit: Visit, picker: dict[str, Any] | None = None
) -> tuple[GroupDetail, dict[str, Any]]:
    svc = services.current()
    detail = svc.groups.detail(visit.signed_in(), visit.params["group_id"])
    row = next(
        (
            a
            for a in _assignment_rows(detail, picker or _picker(svc))
            if a["assignment_id"] == visit.params["assignment_id"]
        ),
        None,
    )
    if row is None:
        raise NotFound("There is no such assignment in this group.", code=ASSIGNMENT_NOT_FOUND)
    return detail, row


def _track_keeping(
    detail: GroupDetail, picker: dict[str, Any], assignment_id: str
) -> Assignment | None:
    """A track assignment that keeps a module assignment's module on the same readers' list
    once the module assignment goes (walk 15, 19.4): the same module in a track given to
    everyone, or to the same participant. ``None`` for a track assignment, or a module no
    track given to them holds."""
    removed = next((a for a in detail.assignments if a.assignment_id == assignment_id), None)
    if removed is None or removed.kind != "module":
        return None
    modules = {t["id"]: t.get("modules", []) for t in picker["tracks"]}
    return next(
        (
            a
            for a in sorted(detail.assignments, key=lambda a: a.participant_id is not None)
            if a.kind == "track"
            and a.participant_id in (None, removed.participant_id)
            and removed.item_id in modules.get(a.item_id, [])
            and removed.item_id not in a.left_out
        ),
        None,
    )


def _stays_on_list(assignment: Assignment, picker: dict[str, Any]) -> str:
    titles = {t["id"]: t["title"] for t in picker["tracks"]}
    track = titles.get(assignment.item_id, assignment.item_id)
    return f"It stays on their reading list from the track {track}."


@while_assigned("already_unassigned")
def unassign_confirm(visit: Visit) -> Html:
    picker = _picker(services.current())
    detail, row = _assignment(visit, picker)
    track = _track_keeping(detail, picker, row["assignment_id"])
    explanation = (
        said("{} will no longer see it as assigned reading.", row["audience"])
        if track is None
        else f"This assignment and its dates go. {_stays_on_list(track, picker)}"
    )
    return _confirm(
        visit,
        detail,
        f"Unassign {row['label']}?",
        said("{} Completions already recorded stay. You can assign it again later.", explanation),
        "Unassign",
        # The group page's notice names the track again, if it is still assigned then.
        hidden={"track": track.assignment_id} if track else None,
    )


@while_assigned("already_unassigned")
def unassign(visit: Visit) -> Any:
    services.current().assignments.unassign(
        visit.signed_in(), visit.params["group_id"], visit.params["assignment_id"]
    )
    track = visit.form.get("track", "")
    return _done(visit, "unassigned", **({"track": track} if track else {}))


# -- an assignment's dates ------------------------------------------------------------------


def _for_whom(row: dict[str, Any]) -> Any:
    """ "For everyone." / "For Maria G." (a name may end with its own full stop), safe HTML."""
    if row["audience"] == EVERYONE_AUDIENCE:
        return "For everyone."
    return _ended(said("For {}", row["audience"]), row["audience_shown"])


def _dates_view(visit: Visit, errors: list[FieldError] | None = None) -> Html:
    detail, row = _assignment(visit)
    record: Assignment = row["record"]
    values: Mapping[str, str] = visit.form
    meets_on_hint = MEETS_ON_HINT
    if not errors:
        pacing = pacing_of(record) if record.kind == "track" else None
        # Kept pacing: its first session and due date are the assignment's own, as given. One
        # stored before pacing was kept: the first module's dates, as the guess reads them.
        guessed = pacing is not None and record.pacing is None
        first = record.module_dates[0] if guessed and record.module_dates else None
        # A track with one date for all, to pace now: the group's meeting days ticked.
        remembered = (
            _meeting_days_shown(group_meeting_days(detail.assignments))
            if record.kind == "track" and pacing is None
            else {}
        )
        meets_on_hint = remembered.get("meets_on_fresh_hint", MEETS_ON_HINT)
        values = {
            "due_date": (first.due_date if first else row["due_date"]) or "",
            "session_date": (first.session_date if first else row["session_date"]) or "",
            **_pace_values(pacing),
            **remembered.get("pace_defaults", {}),
        }
    return Html(
        "leader_dates.html",
        {
            "group": detail.summary,
            "heading": f"Change dates: {row['label']}",
            "for_whom": _for_whom(row),
            "track": record.kind == "track",
            "own_dates": bool(record.module_dates),
            "pace_hint": PACE_HINT,
            "meets_on_hint": meets_on_hint,
            **error_context(errors),
            "values": values,
        },
        status=error_status(errors),
    )


@while_assigned()
def dates_form(visit: Visit) -> Html:
    return _dates_view(visit)


@while_assigned()
def change_dates(visit: Visit) -> Any:
    caller = visit.signed_in()
    try:
        changed = services.current().assignments.change_dates(
            caller,
            visit.params["group_id"],
            visit.params["assignment_id"],
            visit.form.get("due_date") or None,
            visit.form.get("session_date") or None,
            pacing=_pacing(visit.form),
        )
    except SteadyError as error:
        if not is_refusal(error) or error.code == "assignment_not_found":
            raise
        # A module's dates form has no "one module per session" choice: a hand-made one is
        # named at the due date.
        fields = {**PACE_FIELDS, "invalid_pacing": "due_date"}
        return _dates_view(visit, [field_error(error, fields, "due_date", visit.form)])
    return _done(visit, "dates", **_dated(changed))


# The hint of the "one module per session" choice (the Assign and Change dates forms).
PACE_HINT = (
    "For a track. One module per session: the group session date above is the first "
    "session; the next ones follow the days between sessions, or the days the group meets "
    "on. Each module is due on its session date, or, if you give a due date, as many days "
    "before its session as that due date is before the first session. You can change any "
    "module's dates afterwards."
)
# The hint of "Or the group meets on:" (walk 17, problem 1: no session on a day without one).
MEETS_ON_HINT = (
    "Ticked days replace the days between sessions: each next session is the next of these "
    "days. The group session date above must be one of them."
)


# -- one module of a track assignment: its dates, left out or put back ----------------------


def _track_module(visit: Visit) -> tuple[GroupDetail, dict[str, Any], dict[str, Any]]:
    """The group, the track assignment's row and the module's row (``_track_modules``) the
    address names; ``NotFound`` for anything else (a module assignment, a module not in the
    track)."""
    detail, row = _assignment(visit)
    module = next((m for m in row["modules"] if m["module_id"] == visit.params["module_id"]), None)
    if module is None:
        raise NotFound("There is no such module in this assignment.", code="module_not_in_track")
    return detail, row, module


def _module_dates_view(visit: Visit, errors: list[FieldError] | None = None) -> Html:
    detail, row, module = _track_module(visit)
    values = visit.form
    if not errors:
        values = {
            "due_date": module["due_date"] or "",
            "session_date": module["session_date"] or "",
        }
    return Html(
        "leader_dates.html",
        {
            "group": detail.summary,
            "heading": f"Change dates: {module['title']}",
            "for_whom": said(
                "In {}. {} Only this module's dates change.", row["label"], _for_whom(row)
            ),
            "track": False,
            "own_dates": False,
            "pace_hint": "",
            **error_context(errors),
            "values": values,
        },
        status=error_status(errors),
    )


@while_assigned()
def module_dates_form(visit: Visit) -> Html:
    return _module_dates_view(visit)


@while_assigned()
def change_module_dates(visit: Visit) -> Any:
    caller = visit.signed_in()
    _track_module(visit)  # a module this page offers (else not found, as its form)
    try:
        changed = services.current().assignments.change_module_dates(
            caller,
            visit.params["group_id"],
            visit.params["assignment_id"],
            visit.params["module_id"],
            visit.form.get("due_date") or None,
            visit.form.get("session_date") or None,
        )
    except SteadyError as error:
        if not is_refusal(error) or error.code == "assignment_not_found":
            raise
        return _module_dates_view(visit, [field_error(error, {}, "due_date", visit.form)])
    more = {**_dated(changed), "module": visit.params["module_id"]}
    return _done(visit, "module_dates", **more)


def module_anchor(assignment_id: str, module_id: str) -> str:
    """The id of a track assignment's module on the group page (its errors link there)."""
    return f"am-{assignment_id}-{module_id}"


@while_assigned()
def leave_out(visit: Visit) -> Any:
    """Leave one module of a track assignment out (``out=yes``) or put it back (``out=no``):
    not destructive (put back any time), so no confirmation page; once per form (``_once``)."""
    assignment_id, module_id = visit.params["assignment_id"], visit.params["module_id"]
    out = visit.form.get("out") != "no"
    anchor = module_anchor(assignment_id, module_id)

    def action(caller: Caller) -> Any:
        services.current().assignments.leave_out(
            caller, visit.params["group_id"], assignment_id, module_id, left_out=out
        )
        done = "left_out" if out else "put_back"
        more = {"assignment": assignment_id, "module": module_id}
        return _done(visit, done, **more)

    return _once(visit, "leave-out", lambda: _on_group_form(visit, "leave-out", {}, anchor, action))


# -- progress ------------------------------------------------------------------------------


def progress_page(visit: Visit) -> Html:
    caller = visit.signed_in()
    dashboard = services.current().dashboard
    group_id = visit.params["group_id"]
    view = GridView(
        only_overdue=visit.query.get("overdue") == "yes",
        track_id=visit.query.get("track") or None,
        order=visit.query.get("sort") or ORDER_BY_NAME,
    )
    errors: list[FieldError] = []
    try:
        grid = dashboard.grid(caller, group_id, view)
    except SteadyError as error:
        if not is_refusal(error):
            raise
        # A filter that is not offered: the whole grid, and the filter form says why.
        field = "track" if error.code == "invalid_track" else "sort"
        errors = [FieldError(field, message(error, "en"))]
        grid = dashboard.grid(caller, group_id)
    names = {m.module_id: escape(m.title) for m in grid.modules}
    return Html(
        "leader_progress.html",
        {
            "grid": grid,
            "headings": _column_headings(grid.modules, grid.dates_vary),
            "group_path": group_path(group_id),
            "icons": ICONS,
            "texts": LEADER_TEXT,
            "short": SHORT,
            "legend": [(ICONS[s], LEADER_TEXT[s] + LEGEND_MORE.get(s, ""), s) for s in LEGEND],
            "sheet_icons": SHEET_ICONS,
            "heads": _row_heads(grid, group_path(group_id)),
            "cells": _grid_cells(
                grid.participants,
                names,
                group_path(group_id),
                services.current().clock.zone,
                _column_dues(grid),
            ),
            "sheet_legend": _sheet_legend(grid.participants),
            "check_legend": _check_legend(grid.participants),
            # The "!" beside a name means something else than a cell's (walk 20 leader, 9).
            "flagged": sum(
                1
                for r in grid.participants
                if (a := grid.attention.get(r.participant_id)) and a.needs_attention
            ),
            "cards": _phone_cards(grid, group_path(group_id), services.current().clock.zone),
            **error_context(errors),
        },
        status=error_status(errors),
    )


VARY = '<span class="due">dates vary</span>'
OTHER_DATES = "other dates for some participants"
# Beside a participant whose account was made at enrolment and who has not signed in and chosen
# their own password yet (the group page says the same).
NOT_SIGNED_IN = "Has not signed in yet"


def _column_headings(modules: tuple[AssignedModule, ...], dates_vary: frozenset[str]) -> Any:
    """The module columns' headings as HTML (safe to insert), built here like the cells: 60
    columns cost a template about 250 escapes and lookups. A column's date is the group's
    (the column's module is the group's assignment where there is one); where participants
    have different dates (``dates_vary``) it says so, and each cell says its own."""
    html = []
    for m in modules:
        title = escape(m.title)
        if m.module_id not in dates_vary:
            due = escape(f", due {day(m.due_date)}") if m.due_date else ""
            short = short_day(m.due_date)
            dates = f'<span class="due">{escape(short)}</span>' if short else ""
        elif m.participant_id is None and m.due_date:  # the group's date, and others
            due = escape(f", due {day(m.due_date)} for the group, {OTHER_DATES}")
            dates = f'<span class="due">{escape(short_day(m.due_date))}</span>{VARY}'
        else:
            due, dates = ", due dates vary", VARY
        # The heading made at publishing has soft hyphens; the grid's CSS ignores them (a
        # heading wraps at spaces only, its column as wide as its longest word) but the
        # catalog keeps them (no heading: a catalog published before headings were).
        heading = escape(m.heading or m.title)
        html.append(
            f'<th scope="col" class="mod" title="{title}{due}"><span class="clamp">{heading}</span>'
            + dates
            + "</th>"
        )
    return markup("".join(html))


def _column_dues(grid: Grid) -> dict[str, str]:
    """The due date in each column's heading (``24 Nov``), by module id: the columns whose
    date is the same for everyone (``Grid.dates_vary``: each cell of the others says its own)."""
    return {
        m.module_id: short_day(m.due_date)
        for m in grid.modules
        if m.due_date and m.module_id not in grid.dates_vary
    }


def _row_heads(grid: Grid, group: str) -> list[Any]:
    """Each row's heading as HTML (safe to insert), built here like the cells: the name, the
    "needs attention" flag with its open reasons, and the totals (done, overdue, older).

    On a wide screen the flag is a "!" that links to the participant on the group page, where
    the reasons can be marked as seen; its words are its accessible name and tooltip, so a row
    stays one line high and a group of 15 fits on a laptop screen. On a phone the words show."""
    heads = []
    for row in grid.participants:
        t = row.totals
        found = grid.attention.get(row.participant_id)
        flag = ""
        name = escape(shown_name(row.display_name))
        if found is not None and found.needs_attention:
            why = escape(found.summary)
            # Its name says whose and where it leads, read alone in a list of links too.
            flag = (
                f' <a class="flag attention" href="{escape(group)}#p-{escape(row.participant_id)}"'
                f' title="{why}" aria-label="{why} ({name}): on the group page">'
                f'<span aria-hidden="true">!</span><span class="vh"> {why}</span></a>'
            )
        if row.not_signed_in:  # week one's first question: who has not got in yet
            flag += f' <span class="flag new">{NOT_SIGNED_IN}</span>'
        heads.append(
            markup(
                f'<th scope="row" class="name"><bdi>{name}</bdi>{flag}</th>'
                f'<td class="tot">{t.done}<span class="lbl"> done</span></td>'
                f'<td class="tot{" late" if t.overdue else ""}">{t.overdue}'
                '<span class="lbl"> overdue</span></td>'
                f'<td class="tot">{t.older}<span class="lbl"> older version</span></td>'
            )
        )
    return heads


NBSP = "\u00a0"
# Where a row's participant id goes in a cell's HTML made once for whichever row has it.
WHO = "\0"
SHARED_LINK = "Read the shared answers"


def _grid_cells(
    rows: tuple[GridRow, ...],
    names: dict[str, str],
    group: str,
    zone: tzinfo,
    column_dues: Mapping[str, str] | None = None,
) -> list[Any]:
    """Each participant's cells as HTML (safe to insert): built here, not by a template macro
    or loop, because a 40 × 60 grid has 2,400 of them. ``names``: each module's escaped title,
    by module id; ``group``: the group page's path; ``zone``: the program's time zone (a
    completion's day). Their parts repeat, so they are cached; and a cell the grid shares
    between participants (same module, same status, nothing saved) is made once per page. A
    row with its own due dates (``GridRow.due_dates``: the columns whose dates vary) says them
    there; a cell still to be read in another column says the column's date (``column_dues``,
    by module id), which only its heading shows on a wide screen: on a phone, where the grid
    is a list with no headings, it shows ("Thinking traps: Not started, due 24 Nov"). A
    worksheet shared with the leaders links to the answers, on "Before the session" at the
    participant's card."""
    column_dues = column_dues or {}
    to_read = (NOT_STARTED, OVERDUE)

    def cell(c: ModuleStatus, own_date: bool = False, due: str | None = None) -> str:
        sheet = c.worksheet
        link = (
            f"{group}/before-session?module={c.module_id}#p-{WHO}"
            if sheet is not None and sheet.shared
            else None
        )
        parts = _cell_parts(
            c.status,
            c.version,
            c.completed_at,
            c.newer_version,
            c.check,
            sheet,
            zone,
            link,
            own_date,
            due,
            column_dues.get(c.module_id) if not own_date and c.status in to_read else None,
        )
        return parts % names[c.module_id]

    distinct = {id(c): c for row in rows for c in row.cells}
    made = {key: cell(c) for key, c in distinct.items()}
    html = []
    for row in rows:
        dues = row.due_dates
        if dues:
            text = "".join(
                made[id(c)] if c.module_id not in dues else cell(c, True, dues[c.module_id])
                for c in row.cells
            )
        else:
            text = "".join(map(made.__getitem__, map(id, row.cells)))
        if WHO in text:
            text = text.replace(WHO, str(escape(row.participant_id)))
        html.append(markup(text))
    return html


@lru_cache(maxsize=4096)
def _cell_parts(
    status: str,
    version: int | None,
    completed_at: str | None,
    newer_version: int | None,
    check: CheckMark | None,
    sheet: WorksheetMark | None,
    zone: tzinfo,
    link: str | None = None,
    own_date: bool = False,
    due: str | None = None,
    column_due: str | None = None,
) -> str:
    """A cell's HTML with ``%s`` where the module's (escaped) title goes: its status as an icon
    and words, the version read and when, the worksheet mark (a shared worksheet's links to
    ``link``) and the knowledge check's score, shown after them (``check_score``); with
    ``own_date`` (the column's dates vary), the participant's due date ``due`` (a program day
    already); else ``column_due``, the column's date as its heading says it (``24 Nov``),
    after the status in words. ``zone``: the program's time zone, in which a completion's
    stored time becomes its day."""
    text = LEADER_TEXT[status]
    head = f'<td class="{SHORT[status]}"'
    title = ""
    check_words = check_text(check) if check else ""  # the title's and the score's
    if version:
        title = f"{text}: version {version}, {day(completed_at, 'en', zone)}"
        if newer_version:
            title += f"; version {newer_version} is out"
        if check:
            title += "; " + check_words
    if own_date:
        when = f"due {day(due, 'en', zone)}" if due else "no due date"
        title = f"{title}; {when}" if title else f"{text}: {when}"
        text = f"{text}, {when}"
    elif column_due:  # kept on one line: "due 8 Jan", not "due 8" then "Jan"
        text = f"{text}, due{NBSP}{column_due.replace(' ', NBSP)}"
    if title:
        head += f' title="{escape(title)}"'
    # The status in words after the title: hidden beside the column's heading; on a phone,
    # where each participant is a list of their modules, it shows ("Title: Overdue").
    head += f'><i aria-hidden="true">{ICONS[status]}</i>'
    tail = f'<span class="vh st"> {escape(text)}</span>'

    if sheet:
        mark = (
            SHEET_ICONS["done"] if sheet.done else SHEET_ICONS["started"] if sheet.started else ""
        )
        if mark:
            tail += f'<b class="w" aria-hidden="true">{mark}</b>'
        tail += f'<span class="vh">, {escape(worksheet_text(sheet))}</span>'
        if sheet.shared and link:
            tail += (
                f'<a class="w" href="{escape(link)}" title="{SHARED_LINK}">'
                f'<span aria-hidden="true">{SHEET_ICONS["shared"]}</span>'
                f'<span class="vh"> {SHARED_LINK}</span></a>'
            )
        elif sheet.shared:
            tail += f'<b class="w" aria-hidden="true">{SHEET_ICONS["shared"]}</b>'
    if check:
        # After the marks, seen without hovering (a tablet shows no title); its words for a
        # screen reader, as the title says them.
        tail += (
            f'<small class="kc" aria-hidden="true">{escape(check_score(check))}</small>'
            f'<span class="vh">, {escape(check_words)}</span>'
        )
    return (
        (head + '<span class="m"> ').replace("%", "%%")
        + "%s"
        + (":</span>" + tail + "</td>").replace("%", "%%")
    )


@lru_cache(maxsize=1024)
def _phone_day(iso: str | None, zone: tzinfo) -> str:
    """A due date or a completion's time as the phone's list writes every date: ``1 Dec``."""
    found = calendar_day(iso, zone)  # kept on one line: "due 8 Jan", not "due 8" then "Jan"
    return short_day(found.isoformat()).replace(" ", NBSP) if found else ""


def _due_span(dues: list[str]) -> str:
    """Due dates (ISO, any order) as one span: ``1 Dec``, ``1–8 Dec``, ``28 Nov – 3 Dec``;
    with the years when they differ (``30 Dec 2026 – 4 Jan 2027``)."""
    first, last = min(dues), max(dues)
    start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    a, b = (short_day(d).replace(" ", NBSP) for d in (first, last))
    if start == end:
        return a
    if start.year != end.year:
        return f"{a}{NBSP}{start.year} – {b}{NBSP}{end.year}"
    if start.month == end.month:
        return f"{start.day}–{b}"
    return f"{a} – {b}"


@lru_cache(maxsize=4096)
def _phone_line(
    title: str,
    status: str,
    version: int | None,
    completed_at: str | None,
    newer_version: int | None,
    check: CheckMark | None,
    sheet: WorksheetMark | None,
    due: str | None,
    zone: tzinfo,
    link: str | None,
) -> str:
    """One module on a participant's phone card (``title`` escaped already): its status in
    words with its one date (``Overdue, due 1 Dec``; ``Completed 27 Nov``), the knowledge
    check and the worksheet (when started or shared, as the table's icons); a shared worksheet
    links to ``link``, its answers."""
    if status in (COMPLETED, COMPLETED_OLDER):
        on = _phone_day(completed_at, zone)
        text = f"Completed {on}"
        if status == COMPLETED_OLDER:
            text = f"Completed version {version} {on}"
            if newer_version:
                text += f"; version {newer_version} is out"
        if check:  # the whole sentence: the table's cell says it in two short scores
            text += f"; {check_text(check)}"
    else:
        when = f", due{NBSP}{_phone_day(due, zone)}" if due else ", no due date"
        text = LEADER_TEXT[status] + when
    if sheet is not None and (sheet.started or sheet.shared):
        text += f"; {worksheet_text(sheet)}"
    more = f' <a href="{escape(link)}">{SHARED_LINK}</a>' if link else ""
    return f'<li class="{SHORT[status]}">{title}: {escape(text)}{more}</li>'


# A card's folded line: the modules not started with nothing shared, counted in one line.
FOLD = "fold"


def _phone_cards(grid: Grid, group: str, zone: tzinfo) -> list[Any]:
    """The grid on a phone (CSS shows this list or the table, never both): one line per
    participant (name, done of assigned, completed in an older version, overdue, the flags)
    that opens their card. The card
    puts what matters first: overdue, then older versions, completed, and not started with a
    shared worksheet; the other modules not started are folded into one line with their count
    and the span of their due dates ("12 not started, due 1–8 Dec"). Dates are written one
    way, ``1 Dec``; a module's due date is the one its cell in the table says. Kept lean and
    quick as the cells are: a 40 × 60 grid has this list and the table in one page, and a
    line is made once for every participant who shares its cell and date."""
    titles = {m.module_id: escape(m.title) for m in grid.modules}
    to_read = (NOT_STARTED, OVERDUE)
    # Each line and where it goes: its part of the card (``None``: not assigned, no line;
    # ``FOLD``: the folded "not started" line) and the due date it says. A cell belongs to one
    # column, so with the column's date it is made once by its id (``by_cell``); a row with
    # its own date in a column (``GridRow.due_dates``) has it made with that date (``made``).
    Line = tuple[str, str | None, str | None]
    made: dict[tuple[int, str | None], Line] = {}
    by_cell: dict[int, Line] = {}

    def line_of(c: ModuleStatus, due: str | None) -> Line:
        key = (id(c), due)
        if key not in made:
            if c.status == NOT_ASSIGNED:
                made[key] = ("", None, None)
                return made[key]
            shared = c.worksheet is not None and c.worksheet.shared
            link = f"{group}/before-session?module={c.module_id}#p-{WHO}" if shared else None
            line = _phone_line(
                titles[c.module_id],
                c.status,
                c.version,
                c.completed_at,
                c.newer_version,
                c.check,
                c.worksheet,
                due,
                zone,
                link,
            )
            part = FOLD if c.status == NOT_STARTED and not shared else c.status
            made[key] = (line, part, due)
        return made[key]

    cards = []
    for row in grid.participants:
        name = escape(shown_name(row.display_name))
        t = row.totals
        found = grid.attention.get(row.participant_id)
        flagged = found is not None and found.needs_attention
        parts: dict[str, list[str]] = {OVERDUE: [], COMPLETED_OLDER: [], COMPLETED: [], "": []}
        folded: list[str] = []
        dues: list[str] = []
        own = row.due_dates
        for m, c in zip(grid.modules, row.cells, strict=True):
            if own and m.module_id in own:
                entry = line_of(c, own[m.module_id] if c.status in to_read else None)
            else:
                entry = by_cell.get(id(c)) or by_cell.setdefault(
                    id(c), line_of(c, m.due_date if c.status in to_read else None)
                )
            line, part, due = entry
            if part is None:
                continue
            if part == FOLD:
                folded.append(line)
                if due:
                    dues.append(due)
            else:
                parts[part if part != NOT_STARTED else ""].append(line)
        assigned = sum(map(len, parts.values())) + len(folded)
        head = f"<b><bdi>{name}</bdi></b> {t.done} of {assigned} done"
        if t.older:  # the table's Older version column: completed too, not counted as done
            head += f", {t.older} completed an older version"
        if t.overdue:
            head += f', <span class="late">{t.overdue} overdue</span>'
        if flagged:
            head += ', <span class="flag">needs attention</span>'
        if row.not_signed_in:
            head += f', <span class="flag">{NOT_SIGNED_IN.lower()}</span>'
        body = ""
        if found is not None and flagged:
            body += (
                f'<p><a class="flag" href="{escape(group)}#p-{WHO}">{escape(found.summary)}: '
                f'on the group page<span class="vh"> ({name})</span></a></p>'
            )
        lines = "".join(line for part in parts.values() for line in part)
        if folded:
            when = f", due{NBSP}{_due_span(dues)}" if dues else ""
            lines += (
                f'<li class="n"><details><summary>{len(folded)} not started{when}</summary>'
                f"<ul>{''.join(folded)}</ul></details></li>"
            )
        if lines:
            body += f"<ul>{lines}</ul>"
        card = f"<li><details><summary>{head}</summary>{body}</details></li>"
        if WHO in card:
            card = card.replace(WHO, str(escape(row.participant_id)))
        cards.append(markup(card))
    return cards


# Between a retake's first try and its latest score in a cell: "1→3/3".
THEN = "\u2192"


def check_score(check: CheckMark) -> str:
    """A knowledge check as a grid cell shows it, beside the status icon: the latest try's
    right answers of its questions, ``2/3``. A retake comes after the answers were shown, so
    its score follows the right answers of the earliest try the leaders see, of the same
    questions (``1→3/3``; ``→3/3`` if they see none): "3/3" alone would read as mastery (walk
    15, problem 10). Short, so a cell stays one line in a 4.25rem column. ``check_text``
    says it in words."""
    latest = f"{check.correct}/{check.total}"
    if not check.after_answers:
        return latest
    first = check.first
    return (str(first.correct) if first is not None else "") + THEN + latest


def _check_legend(rows: tuple[GridRow, ...]) -> list[tuple[str, str, int]]:
    """The knowledge-check scores' key with their counts: the cells with a score, and of
    those the retakes (none when no cell has one)."""
    marks = [c.check for r in rows for c in r.cells if c.check is not None]
    if not marks:
        return []
    legend = [("2/3", "beside a mark: knowledge check, 2 of 3 answers right", len(marks))]
    retakes = sum(1 for m in marks if m.after_answers)
    if retakes:
        legend.append(
            (
                f"1{THEN}3/3",
                "first try, then a later try made after seeing the answers",
                retakes,
            )
        )
    return legend


def _sheet_legend(rows: tuple[GridRow, ...]) -> list[tuple[str, str, int]]:
    """The worksheet marks' key with their counts (none when no assigned module has one)."""
    marks = [c.worksheet for r in rows for c in r.cells if c.worksheet is not None]
    if not marks:
        return []
    return [
        (SHEET_ICONS["done"], "Worksheet done", sum(1 for w in marks if w.done)),
        (
            SHEET_ICONS["started"],
            "Worksheet started",
            sum(1 for w in marks if w.started and not w.done),
        ),
        (SHEET_ICONS["shared"], "Worksheet shared with you", sum(1 for w in marks if w.shared)),
    ]


def progress_csv(visit: Visit) -> Download:
    form = visit.query.get("form") or CSV_WIDE  # another: 400 (Dashboard.csv)
    return Download(
        services.current().dashboard.csv(visit.signed_in(), visit.params["group_id"], form)
    )
