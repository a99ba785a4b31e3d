"""A participant's own data: everything they wrote (worksheet answers, their plan as My plan
shows it and every version of it they saved, their completions with the knowledge-check
answers given with them, and every later knowledge-check attempt with its answers), and their
reminder settings as kept (``reminder_settings``: how, when, their time zone, the languages,
the confirmed email address and phone number, a change waiting for its code, and what was sent
when), the groups they are in or were in (``groups``: each group's name as their pages show
it, whether and when it was archived, when they joined and, if a group leader removed them,
when they left, each earlier time in it, the name its leaders know them by, their choice of
what its leaders see, and the account times kept with the enrolment) and their account's dates
(``account``: when their access ends and the days its notices are due, when they last chose
their password, since when earlier sign-ins are ended, when a leader made the account), and
the result of every knowledge-check attempt (``check_results``: when, right and total), to
download as JSON or PDF, or to delete. Both are audit-logged first (ids and counts, never the
words). Only the caller's own partition is read. The plan as it stands is made from the same
reads (``plan.current``, the rule My plan follows): no call of its own.

DynamoDB calls. Download: 7 Queries (worksheets with their earlier saves, plan versions (for
the JSON newest first, only as far as they fit in ``RESPONSE_BUDGET``; for the PDF all),
completions, attempts, each one more per 1 MB page; the reminder settings and what was sent,
one Query of two items; their pointers to their groups; their copies of the ``enrolment.add``
audit entries, the groups they left included, filtered on the action, one more per 1 MB page),
1 BatchGetItem (each group's details, their enrolment and their times in it, their account's
item and their completed-versions summary: one more per 100 keys, i.e. per 33 groups) and 1
TransactWriteItems (the audit entry); never a Scan. The PDF, written for people, names each
module by its title in the reader's language and each knowledge-check
answer by the words of the choice (``Readable``), from the published content the library
already caches: the catalog (no S3 call while fresh, else one GetObject, two in Spanish: the
pages read it all the time) and the version document read for each check answered (one
GetObject the first time in a container, then none: versions never change), and, to list
each worksheet's answers in the order of its questions, the English version of each worksheet
last answered in (the same cache: one GetObject per module the first time). The JSON keeps
the ids and choice numbers, and reads no content.
A page of older plan versions (``plan_versions_page``): 1 Query and the audit entry's
TransactWriteItems. The web page's list of files of versions (``version_files``): 1 Query a
file listed, 10 at most.
Delete: 1 TransactWriteItems (the audit entry, first), the worksheets' Query and one DeleteItem
per worksheet and per earlier save kept, the plan versions' Query of keys and one BatchWriteItem per 25, the attempts'
Query of keys and one BatchWriteItem per 25, and the Query of the pointers to their kept forms
(``KEPT_FORM#``) and one BatchWriteItem per 25 items (each form and its pointer: two a form;
Queries one more per 1 MB page). With nothing left to delete (a retry) it is the audit entry and the 4 Queries.

What "delete my answers" deletes: worksheet answers and their earlier saves, every plan version, every knowledge-
check attempt item (the answers of retakes), and every form kept when a web session ended
(``chalicelib.kept_forms``, up to an hour: answers typed then), on any device: each has a
pointer in their partition (``records/kept_forms.py``), so one Query finds them all. It
keeps, as it always has, the completions
(which version was finished, and when, with the answers given with the completion) and the
results of each attempt (when, right and total: never the answers) in the completed-versions
summary, which leaders' progress and "needs attention" read; so a later retake gets the next
attempt number. The audit trail is not deleted. Nor are the reminder settings: the account page
deletes the email address and phone number ("Delete my contact details"). Nor their groups
and account dates: they are the program's record of their treatment and access.

What of theirs the download leaves out, and why. Their partition (``PARTICIPANT#{id}``) also
holds ``COMPLETED_VERSIONS`` and ``SAVED_WORKSHEETS``, summaries of the completions, attempts and
worksheets above kept for leaders' counts (read for the attempts' results, which outlive
"delete my answers"; nothing else in them is not in the download); ``ACCESS#`` copies of the audit entries about
them, which "Who has seen my records" shows them (the privacy page), the enrolment copies read
here for their groups; their reminder slot pointers (``REMINDER_SLOT#``: an index of the
settings above) and the pointers to their kept forms (``KEPT_FORM#``: the key only, deleted
with the forms). Their account's partition (``ACCOUNT#{id}``) holds their web sessions, which
last 15 minutes idle and are keys to the account, never data about them, and the
access-ending notice index (``ACCESS_NOTICE#``: the days are in ``account``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from typing import Any

from chalicelib.access import last_full_day
from chalicelib.clock import Clock, calendar_day, iso_of_epoch
from chalicelib.errors import BadRequest, NotFound, ServiceUnavailable
from chalicelib.identity import Caller
from chalicelib.library import DEFAULT_LOCALE, ModuleLibrary, check_locale
from chalicelib.plan import Plan, PlanFile, current
from chalicelib.records.access import account_key, account_times
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import (
    Attempt,
    CompletedVersions,
    Completion,
    CompletionRecords,
)
from chalicelib.records.groups import GroupRecords, Membership
from chalicelib.records.kept_forms import KeptFormRecords
from chalicelib.records.keys import COMPLETED_VERSIONS_SK, participant_pk
from chalicelib.records.plans import PlanRecords, PlanVersion
from chalicelib.records.reminders import ReminderRecords
from chalicelib.records.table import plain
from chalicelib.records.worksheets import Answer, EarlierSave, Worksheet, WorksheetRecords
from chalicelib.worksheets import field_ids

# AWS Lambda answers with at most 6 MB (6,291,456 bytes), counted on the response as its runtime
# writes it: the body is a JSON string inside a JSON object. More, and API Gateway answers 502:
# the participant gets nothing. A participant's plan keeps every saved version, with no limit
# on how many, each up to ``plan.MAX_PLAN_CHARS`` (200 versions of 40,000 characters made an
# 8.2 MB download), so the JSON download holds the newest versions that fit in this budget,
# measured as ``sent_size``, and says which it leaves out; pages of older versions (one Query
# each) hold the rest, each within the same budget. The rest of the 6 MB is headroom (headers,
# the response's own wrapping).
RESPONSE_BUDGET = 4_000_000
# Where the versions a download leaves out are: the API's page (the web app's file links to its
# own, ``/account/data/plan-versions``).
PLAN_VERSIONS_PAGE = "/me/data/plan-versions?before={before}"
# What the budget counts for ``next_address`` (any of ours is shorter): so a page holds the same
# versions whichever address it names, the API's or the web app's, and the web page's links
# name the files the pages make.
_MEASURED_ADDRESS = "/" + "x" * 90 + "?before={before}"
# Plan version numbers have 7 digits in their keys (``records.keys.plan_sk``).
MAX_BEFORE = 9_999_999


def sent_size(text: str) -> int:
    """The bytes ``text`` (a response body) takes in Lambda's response: a JSON string with ASCII
    escapes, as the Python 3.11 runtime writes it (``\\"`` for a quote, ``\\u00e9`` for é, two
    of those for an emoji). Never fewer than its UTF-8 bytes, which the 3.12 runtime writes
    instead, nor than the body itself: one measure for every runtime."""
    return len(json.dumps(text))


def version_dict(v: PlanVersion) -> dict[str, Any]:
    """One saved version of the plan as the JSON download and its pages give it."""
    return {
        "version": v.version,
        "saved_at": v.saved_at,
        "locale": v.locale,
        "sections": v.sections,
        "removed_from_plan": list(v.dismissed),
    }


def left_out_dict(left_out: int, next_address: str) -> dict[str, Any] | None:
    """What a download or a page leaves out: versions 1 to ``left_out`` (numbered without a gap,
    ``records/plans.py``), and the address of the page with the newest of them; ``None``: none."""
    if left_out <= 0:
        return None
    return {
        "count": left_out,
        "before": left_out + 1,
        "next": next_address.format(before=left_out + 1),
    }


def parse_before(value: str | None) -> int | None:
    """A page's ``before``: a plan version number (1 to 9,999,999, ASCII digits), or ``None``
    (from the newest). Anything else is 400 ``invalid_before``, never a Query."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 7) or not (
        1 <= int(value) <= MAX_BEFORE
    ):
        raise BadRequest(
            "before is a version number of your plan, from 1 to 9999999.", code="invalid_before"
        )
    return int(value)


def _version_size(v: PlanVersion) -> int:
    """``sent_size`` of one version in a download (an item of a list in the document's object):
    its lines 2 spaces further in than alone, and the comma and line break before it."""
    piece = json.dumps(version_dict(v), ensure_ascii=False, indent=1)
    return sent_size(piece) + 2 * (piece.count("\n") + 1) + 8


def newest_that_fit(versions: Iterable[PlanVersion], room: int) -> tuple[list[PlanVersion], int]:
    """The versions taken from ``versions`` (newest first, read as they are taken) while their
    sizes fit in ``room`` bytes, newest first, and how many older ones are left out (the
    version numbers say it: versions 1 to that one). The first that does not fit ends it: a
    download never skips a version for a smaller, older one."""
    taken: list[PlanVersion] = []
    for v in versions:
        size = _version_size(v)
        if size > room:
            return taken, v.version
        taken.append(v)
        room -= size
    return taken, (taken[-1].version - 1 if taken else 0)


def render(body: dict[str, Any]) -> str:
    """The JSON download's text (and its pages'): readable, characters as they are."""
    return json.dumps(body, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class PlanVersionsPage:
    """A page of the plan's older versions (``MyDataService.plan_versions_page``): the newest
    numbered below ``before`` that fit in the budget, oldest first as in the download, and how
    many older ones are left out (versions 1 to ``left_out``)."""

    exported_at: str
    before: int | None
    versions: tuple[PlanVersion, ...]
    left_out: int

    def to_dict(self, next_address: str = PLAN_VERSIONS_PAGE) -> dict[str, Any]:
        return {
            "exported_at": self.exported_at,
            "plan_versions": [version_dict(v) for v in self.versions],
            "plan_versions_left_out": left_out_dict(self.left_out, next_address),
        }


@dataclass(frozen=True)
class VersionFile:
    """One file of the plan's saved versions as the web page "Your data" links it: versions
    ``first`` to ``last``, at ``before`` (``last + 1``)."""

    first: int
    last: int

    @property
    def before(self) -> int:
        return self.last + 1


@dataclass(frozen=True)
class VersionFiles:
    """The files of every saved version, newest first, as far as one look lists them;
    ``more_before``: the older ones not listed yet are below this version (0: none)."""

    files: tuple[VersionFile, ...]
    more_before: int = 0


# The web page lists at most this many files of versions (one Query each): past them, a link
# lists the next ones, so a page view never reads more than about this many MB.
FILES_LISTED = 10


@dataclass(frozen=True)
class AccountDates:
    """The dates Steady keeps about their account (ISO times; ``None``: none kept)."""

    # When their access ends (they left their last group: the alumni period), and the program
    # days a notice of it is due.
    access_ends_at: str | None = None
    # The last full day they can sign in (a program day, as their home page says it).
    access_last_full_day: str | None = None
    access_end_notices: tuple[str, ...] = ()
    # When they last chose their own password in place of a temporary one (the latest kept:
    # with an enrolment, or with the account while it has an access end).
    password_chosen_at: str | None = None
    # Sign-ins from before then were ended (a new password, a temporary one given, or the
    # account turned off).
    signed_out_before: str | None = None
    # When a group leader made the account for them, with a temporary password (the first
    # enrolment that says so).
    made_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "access_ends_at": self.access_ends_at,
            "access_last_full_day": self.access_last_full_day,
            "access_end_notices": list(self.access_end_notices),
            "password_chosen_at": self.password_chosen_at,
            "signed_out_before": self.signed_out_before,
            "made_at": self.made_at,
        }


def account_dates(
    item: Mapping[str, Any] | None, groups: tuple[Membership, ...], zone: tzinfo
) -> AccountDates:
    """``AccountDates`` from the account's item (``None``: it has none) and their groups;
    ``zone``: the program's, whose days the last full day is counted in."""
    times = account_times(item)
    chosen = [times.password_chosen_at, *(m.password_chosen_at for m in groups)]
    made = [m.new_account_at for m in groups if m.new_account_at]
    return AccountDates(
        iso_of_epoch(times.ends_at) if times.ends_at is not None else None,
        last_full_day(times.ends_at, zone).isoformat() if times.ends_at is not None else None,
        times.notice_days if times.ends_at is not None else (),
        max(chosen) or None,
        iso_of_epoch(times.not_valid_before) if times.not_valid_before else None,
        min(made) if made else None,
    )


def membership_dict(m: Membership) -> dict[str, Any]:
    """One of their groups as the JSON download gives it: its name as their pages show it, and
    their times in it; never who removed them (a group leader's account id)."""
    return {
        "group_id": m.group_id,
        "name": m.name,
        "archived": m.archived,
        "archived_at": m.archived_at or None,
        "in_group_now": m.member,
        "joined_at": m.joined_at or None,
        "left_at": m.left_at or None,
        "earlier_times": [
            {
                "joined_at": s.joined_at,
                "left_at": s.left_at,
                "modules_done": s.done,
                "modules_assigned": s.assigned,
            }
            for s in m.earlier
        ],
        "your_name_in_group": m.display_name or None,
        "leaders_see_before_joining": m.shares_history,
        "leaders_see_before_joining_set_at": m.shares_history_at or None,
        "account_made_at": m.new_account_at or None,
        "password_chosen_at": m.password_chosen_at or None,
        "account_off_at": m.account_off_at or None,
    }


@dataclass(frozen=True)
class MyData:
    """Everything a participant wrote, as stored."""

    participant_id: str
    exported_at: str
    worksheets: tuple[Worksheet, ...]
    plan_versions: tuple[PlanVersion, ...]
    completions: tuple[Completion, ...] = ()
    # Knowledge-check attempts after (or without) the completion's own check, answers as stored
    # (the index of each chosen choice, 0 the first).
    attempts: tuple[Attempt, ...] = ()
    # Earlier saves of the worksheets (the last 10 of each), newest first.
    earlier_saves: tuple[EarlierSave, ...] = ()
    # The plan as My plan shows it (``plan.current``): made from the worksheets until it is
    # first changed by hand, so a plan never changed has no saved version (walk 19, problem 5).
    plan: Plan | None = None
    # Their reminder settings and what was sent, as kept (``reminder_settings``; ``None``:
    # none kept, reminders never set up).
    reminders: dict[str, Any] | None = None
    # The groups they are in or were in, in order of joining, and their account's dates.
    groups: tuple[Membership, ...] = ()
    account: AccountDates = field(default_factory=AccountDates)
    # The result of every knowledge-check attempt (when, right and total; no answers), as the
    # completed-versions summary keeps it: after "delete my answers", the only record of a
    # retake's result (``check_results``).
    check_results: tuple[dict[str, Any], ...] = ()
    # Versions 1 to this one of the plan are not in ``plan_versions`` (0: none left out): the
    # JSON download holds the newest that fit in ``RESPONSE_BUDGET``; the pages of older
    # versions (``plan_versions_page``) hold the rest.
    plan_versions_left_out: int = 0

    def to_dict(self, next_address: str = PLAN_VERSIONS_PAGE) -> dict[str, Any]:
        """The JSON download; ``next_address``: where the versions left out are (a format
        string with ``{before}``: the API's page by default, the web app's in its file)."""
        return {
            "exported_at": self.exported_at,
            "completions": [c.to_dict() for c in self.completions],
            "knowledge_check_attempts": [a.to_dict() for a in self.attempts],
            "worksheets": [w.to_dict() for w in self.worksheets],
            "worksheet_earlier_saves": [e.to_dict() for e in self.earlier_saves],
            # As ``GET /me/plan`` gives it.
            "plan": self.plan.to_dict() if self.plan is not None else None,
            "plan_versions": [version_dict(v) for v in self.plan_versions],
            "plan_versions_left_out": left_out_dict(self.plan_versions_left_out, next_address),
            "reminders": self.reminders,
            "groups": [membership_dict(m) for m in self.groups],
            "account": self.account.to_dict(),
            "knowledge_check_results": list(self.check_results),
        }


def check_results(kept: CompletedVersions) -> tuple[dict[str, Any], ...]:
    """Each knowledge-check attempt's result the summary keeps, by module, version and try."""
    return tuple(
        {
            "module_id": module_id,
            "version": version,
            "attempt": result.attempt,
            "at": result.at,
            "correct": result.correct,
            "total": result.total,
        }
        for module_id, versions in sorted(kept.checks.items())
        for version, results in sorted(versions.items())
        for result in results
    )


# Kept in the reminder settings item but not the participant's to download: ``version`` counts
# its saves (for concurrent ones), and a code waiting holds a keyed hash of the code sent
# (``code``), not the code: it says nothing about them.
_NOT_THEIRS = ("PK", "SK", "version")
_NOT_THEIRS_PENDING = ("code",)


def reminder_settings(
    settings: dict[str, Any] | None, sent: dict[str, Any]
) -> dict[str, Any] | None:
    """The reminder settings item and the item of what was sent (``ReminderRecords.get``) as
    the participant downloads them: every attribute they hold but those above, the email
    address and phone number in full (this is their own copy), numbers as numbers; ``None``
    when neither holds anything of theirs. ``settings`` names what is kept and ``sent`` the last reminders sent
    (local date, UTC time, channel), with their group ids as the reminders last read them."""
    kept = {k: plain(v) for k, v in (settings or {}).items() if k not in _NOT_THEIRS}
    if isinstance(kept.get("pending"), dict):
        kept["pending"] = {k: v for k, v in kept["pending"].items() if k not in _NOT_THEIRS_PENDING}
    last_sent = {k: plain(v) for k, v in (sent or {}).items() if k not in _NOT_THEIRS}
    if not kept and not last_sent:
        # An item holding nothing of theirs (an account turned off and on again before they
        # set up reminders leaves one with its keys only) is nothing kept.
        return None
    return {"settings": kept or None, "sent": last_sent or None}


@dataclass(frozen=True)
class Readable:
    """What the PDF shows in place of stored ids: each module's title in the reader's language
    (``titles``, by module id) and the knowledge-check questions of each version answered
    (``questions``, by module id and curriculum version: those of the translation read, where
    the completion says one was). A module or version the library no longer has keeps its id
    and choice numbers. ``fields``: the ids of each module's worksheet fields in the order of
    its questions (by module id; those of the latest version answered in), so a worksheet's
    answers read in the order they were asked."""

    titles: Mapping[str, str]
    questions: Mapping[tuple[str, int], tuple[dict[str, Any], ...]]
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def title(self, module_id: str) -> str:
        return self.titles.get(module_id, module_id)

    def in_order(self, sheet: Worksheet | EarlierSave) -> list[tuple[str, Answer]]:
        """``sheet``'s answers by field id, in the order of the worksheet's questions; answers
        to fields that version no longer has (or all, if its questions are not known) follow,
        oldest answer first."""
        order = {field_id: n for n, field_id in enumerate(self.fields.get(sheet.module_id, ()))}
        return sorted(
            sheet.answers.items(),
            key=lambda pair: (order.get(pair[0], len(order)), pair[1].at, pair[0]),
        )

    def chosen(
        self, module_id: str, version: int, answers: list[int]
    ) -> list[tuple[str, str]] | None:
        """Each question answered and the words of the choice picked, or ``None`` if the
        questions of that version are not known (or are not the ones answered)."""
        questions = self.questions.get((module_id, version))
        if questions is None or len(questions) != len(answers):
            return None
        if any(not 0 <= a < len(q["choices"]) for a, q in zip(answers, questions, strict=True)):
            return None
        return [
            (str(q["question"]), str(q["choices"][a]))
            for a, q in zip(answers, questions, strict=True)
        ]


@dataclass(frozen=True)
class Deleted:
    worksheets: int
    plan_versions: int
    knowledge_check_attempts: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "worksheets": self.worksheets,
            "plan_versions": self.plan_versions,
            "knowledge_check_attempts": self.knowledge_check_attempts,
        }


@dataclass
class MyDataService:
    worksheets: WorksheetRecords
    plans: PlanRecords
    completions: CompletionRecords
    audit: AuditRecords
    clock: Clock
    library: ModuleLibrary
    reminders: ReminderRecords | None = None
    groups: GroupRecords | None = None
    kept_forms: KeptFormRecords | None = None

    def export(
        self,
        caller: Caller,
        locale: str = DEFAULT_LOCALE,
        budget: int | None = None,
    ) -> MyData:
        """Everything the caller wrote: read, audit-logged (counts only), then returned, with
        the plan as it stands (its parts' titles in ``locale``) made from the same reads, their
        groups and their account's dates. 7 Queries (one more per 1 MB page each), 1
        BatchGetItem (one more per 100 keys) and the audit entry's TransactWriteItems.

        ``budget`` (the JSON download's): the plan versions are the newest whose JSON, with
        everything else (``to_dict``), fits in that many bytes (``sent_size``),
        read newest first and only as far as they fit (one Query per 1 MB read, about 5 at
        most); the others are left out (``plan_versions_left_out``). ``None`` (the PDF, which
        prints the newest within its own page budget): every version."""
        sheets, earlier = self.worksheets.everything_of(caller.id)
        newest_first = (
            self.plans.newest_first(caller.id)
            if budget is not None
            else iter(sorted(self.plans.all_of(caller.id), key=lambda v: -v.version))
        )
        newest = next(newest_first, None)
        completions = self.completions.all_of(caller.id)
        attempts = self.completions.attempts_of(caller.id)
        settings, sent = self.reminders.get(caller.id) if self.reminders else (None, {})
        reminders = reminder_settings(settings, sent)
        groups: tuple[Membership, ...] = ()
        account: dict[str, Any] | None = None
        summary: dict[str, Any] | None = None
        if self.groups is not None:
            joined = self.audit.groups_joined(caller.id, self.clock.iso())
            keys = [account_key(caller.id), (participant_pk(caller.id), COMPLETED_VERSIONS_SK)]
            found, others = self.groups.memberships_of(caller.id, joined, keys)
            groups = tuple(found)
            account = next((o for o in others if o["SK"] != COMPLETED_VERSIONS_SK), None)
            summary = next((o for o in others if o["SK"] == COMPLETED_VERSIONS_SK), None)
        data = MyData(
            caller.id,
            self.clock.iso_seconds(),
            tuple(sheets),
            (),
            completions,
            attempts,
            tuple(earlier),
            current(sheets, newest, locale),
            reminders,
            groups,
            account_dates(account, groups, self.clock.zone),
            check_results(CompletedVersions.from_record(caller.id, summary)),
        )
        left_out = 0
        if newest is None:
            versions: list[PlanVersion] = []
        elif budget is None:
            versions = [newest, *newest_first]
        else:
            versions, left_out = self._fitted(
                budget,
                lambda chosen, out: replace(
                    data, plan_versions=tuple(chosen), plan_versions_left_out=out
                ).to_dict(_MEASURED_ADDRESS),
                itertools.chain([newest], newest_first),
            )
        data = replace(
            data, plan_versions=tuple(reversed(versions)), plan_versions_left_out=left_out
        )
        self._record_export(
            caller,
            {
                "worksheets": len(sheets),
                "worksheet_earlier_saves": len(earlier),
                "plan_versions": len(versions),
                "plan_versions_left_out": left_out,
                "completions": len(completions),
                "knowledge_check_attempts": len(attempts),
                "reminder_settings": int(reminders is not None),
                "groups": len(groups),
            },
        )
        return data

    def _record_export(self, caller: Caller, counts: dict[str, Any]) -> None:
        """The audit entry of a download of their data (the whole or a page of plan
        versions): ``data.export``, counts only, before anything is returned."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.export",
                self.clock.iso(),
                participant_ids=[caller.id],
                detail=counts,
            )
        )

    @staticmethod
    def _fitted(
        budget: int,
        body: Callable[[list[PlanVersion], int], dict[str, Any]],
        newest_first: Iterator[PlanVersion],
    ) -> tuple[list[PlanVersion], int]:
        """The newest versions (newest first) whose JSON fits with the rest of ``body`` (the
        document with the versions chosen and how many are left out) in ``budget`` bytes, and
        how many are left out. The rest is measured once, with no version and the longest
        count; each version by its own size (``newest_that_fit``); the whole text is measured
        again at the end, and should it still be over (it never has been), the oldest version
        taken goes until it fits."""
        room = budget - sent_size(render(body([], MAX_BEFORE)))
        taken, left_out = newest_that_fit(newest_first, room)
        while taken and sent_size(render(body(taken, left_out))) > budget:
            left_out = taken.pop().version
        return taken, left_out

    def download(
        self,
        caller: Caller,
        form: str,
        locale: str = DEFAULT_LOCALE,
        next_address: str = PLAN_VERSIONS_PAGE,
    ) -> PlanFile:
        """``json`` or ``pdf`` (fpdf2 imported only for the PDF). Discreet file names. The JSON
        is within ``RESPONSE_BUDGET`` (see ``export``); ``next_address``: where the versions it
        leaves out are (the API's page, or the web app's)."""
        locale = check_locale(locale, "the download")
        if form not in ("json", "pdf"):
            raise BadRequest("format is json or pdf.", code="invalid_format")
        budget = RESPONSE_BUDGET if form == "json" else None
        data = self.export(caller, locale, budget)
        exported = calendar_day(data.exported_at, self.clock.zone)
        day = exported.isoformat() if exported else self.clock.today().isoformat()
        if form == "json":
            text = render(data.to_dict(next_address))
            return PlanFile(text, f"my-data-{day}.json", "application/json; charset=utf-8")
        from chalicelib import plan_pdf  # deferred: fpdf2 is for downloads only

        return PlanFile(
            plan_pdf.render_data(data, locale, self.clock.zone, self.readable(data, locale)),
            f"my-data-{day}.pdf",
            "application/pdf",
        )

    def _page(self, caller: Caller, before: int | None, exported_at: str) -> PlanVersionsPage:
        """The page of versions below ``before``: one Query (newest first, at most 1 MB), the
        newest that fit in ``RESPONSE_BUDGET`` with the page's other lines."""
        taken, left_out = self._fitted(
            RESPONSE_BUDGET,
            lambda chosen, out: PlanVersionsPage(exported_at, before, tuple(chosen), out).to_dict(
                _MEASURED_ADDRESS
            ),
            self.plans.newest_first(caller.id, before, queries=1),
        )
        return PlanVersionsPage(exported_at, before, tuple(reversed(taken)), left_out)

    def plan_versions_page(
        self, caller: Caller, before: str | None, next_address: str = PLAN_VERSIONS_PAGE
    ) -> PlanFile:
        """The caller's saved plan versions numbered below ``before`` (from the newest:
        ``None``), as many of the newest as fit in ``RESPONSE_BUDGET``, as JSON: the pages the
        download's ``plan_versions_left_out`` leads to, each naming the next, until version 1.
        Only the caller's partition. One Query (at most 1 MB: a page may hold fewer versions
        than the budget would) and the audit entry's TransactWriteItems (``data.export``,
        counts only), read before it is logged as the download is. A bad ``before`` is 400
        ``invalid_before`` before any call."""
        number = parse_before(before)
        page = self._page(caller, number, self.clock.iso_seconds())
        self._record_export(
            caller,
            {
                "plan_versions": len(page.versions),
                "plan_versions_before": number or 0,
                "plan_versions_left_out": page.left_out,
            },
        )
        exported = calendar_day(page.exported_at, self.clock.zone)
        day = exported.isoformat() if exported else self.clock.today().isoformat()
        numbers = (
            f"-versions-{page.versions[0].version}-to-{page.versions[-1].version}"
            if page.versions
            else ""
        )
        return PlanFile(
            render(page.to_dict(next_address)),
            f"my-data-{day}{numbers}.json",
            "application/json; charset=utf-8",
        )

    def version_files(self, caller: Caller, before: int | None = None) -> VersionFiles:
        """The files of the caller's saved plan versions below ``before`` (every one: ``None``),
        newest first, as the pages cut them (the web page "Your data" links each): one Query
        per file, ``FILES_LISTED`` files at most (``more_before``: where the next look starts).
        Version numbers only: nothing is shown of what they hold, so nothing is logged."""
        files: list[VersionFile] = []
        at = self.clock.iso_seconds()
        while len(files) < FILES_LISTED:
            page = self._page(caller, before, at)
            if not page.versions:
                break
            files.append(VersionFile(page.versions[0].version, page.versions[-1].version))
            if not page.left_out:
                return VersionFiles(tuple(files))
            before = page.left_out + 1
            if len(files) == FILES_LISTED:
                return VersionFiles(tuple(files), before)
        return VersionFiles(tuple(files))

    def readable(self, data: MyData, locale: str = DEFAULT_LOCALE) -> Readable:
        """The titles and knowledge-check questions ``data`` names, from the published
        content (see the module docstring for the S3 reads). Content that cannot be read
        leaves ids and numbers: a download never fails for want of a title."""
        try:
            titles = {str(m["id"]): str(m["title"]) for m in self.library.catalog(locale=locale)}
        except ServiceUnavailable:
            titles = {}
        read_in = {(c.module_id, c.version): c.read_in for c in data.completions}
        answered = {(c.module_id, c.version) for c in data.completions if c.knowledge_check}
        answered |= {(a.module_id, a.version) for a in data.attempts}
        questions: dict[tuple[str, int], tuple[dict[str, Any], ...]] = {}
        for module_id, version in sorted(answered):
            # The words read: the translation the completion was read in, else the English.
            read = read_in.get((module_id, version))
            number, language = (
                (int(read["version"]), str(read["locale"])) if read else (version, DEFAULT_LOCALE)
            )
            try:
                document = self.library.version(module_id, number, language).document
            except (NotFound, ServiceUnavailable):
                continue
            questions[(module_id, version)] = tuple(document.get("knowledge_check", []))
        fields: dict[str, tuple[str, ...]] = {}
        for sheet in data.worksheets:
            if not sheet.answers:
                continue
            latest = max(a.version for a in sheet.answers.values())
            try:
                document = self.library.version(sheet.module_id, latest).document
            except (NotFound, ServiceUnavailable):
                continue
            fields[sheet.module_id] = field_ids(document)
        return Readable(titles, questions, fields)

    def delete(self, caller: Caller) -> Deleted:
        """Delete every worksheet answer, every plan version, every knowledge-check attempt
        item and every form kept when a web session ended (on any device) of the caller
        (completions and attempt results stay: see the module docstring), audit-logged first.
        Idempotent: a retry finds nothing more and returns zeros."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "data.delete",
                self.clock.iso(),
                participant_ids=[caller.id],
            )
        )
        deleted = Deleted(
            self.worksheets.delete_all(caller.id),
            self.plans.delete_all(caller.id),
            self.completions.delete_attempts(caller.id),
        )
        if self.kept_forms is not None:
            # Forms kept when a web session ended, on any device: their pointers in the
            # caller's partition name them (``records/kept_forms.py``).
            self.kept_forms.delete_all_of(caller.id)
        return deleted
