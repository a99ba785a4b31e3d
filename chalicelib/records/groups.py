"""Group records: groups, their leaders and enrolled participants, and assignments.

Keys (see ``chalicelib.records``): everything about a group lives in ``GROUP#{group_id}`` so a
dashboard reads it with one Query; ``LEADER#{id}`` / ``PARTICIPANT#{id}`` partitions hold
``GROUP#{group_id}`` pointers so "my groups" is one Query too. A participant's download reads
every group they are or were in (``memberships_of``): their pointers' Query, then one
BatchGetItem of each group's details, their enrolment and their ``FORMER#`` item.

Conditional-write rules:
- a group is created with ``attribute_not_exists(PK)``: a retried create (same id, derived
  from the client's Idempotency-Key) is refused and the existing group returned;
- every change is a TransactWriteItems that also writes its audit entry, so a change without
  its audit entry (or the reverse) cannot happen;
- archiving a group sets ``archived_at`` (its audit entry's time) on the ``GROUP`` item in the
  same Update (``attribute_exists(PK)``, as every change of it); unarchiving removes it and
  appends ``[archived_at, now]`` to ``archive_windows`` in the same Update, on the condition
  that ``archived_at`` is still the one read (``Group.hidden``: what participants did while it
  was archived stays hidden from its leaders). A group archived before ``archived_at`` was kept
  has none: the participant's download then says archived, not when, and its archived time is
  not hidden;
- a group never loses its last leader: removing one (``remove_leader``) deletes their
  ``LEADER#`` item (``attribute_exists``: they still lead it) in the same transaction as a
  ConditionCheck of another leader's ``LEADER#`` item (``attribute_exists``: that one still
  leads it), so two leaders removing each other at once cannot both succeed;
- enrolling is an Update of ``PARTICIPANT#`` in the group + the participant's pointer: enrolling twice rewrites the
  same two items (idempotent), keeping the first ``joined_at`` (``if_not_exists``). Enrolling
  someone read as enrolled (the API's enrol with a name: a rename, ``still_enrolled``) is
  written on ``attribute_exists(PK)``, so an enrolment a co-leader removed meanwhile is not
  brought back as if never ended: the use case then enrols them anew, as someone not in the
  group (``chalicelib.enrolment.Enrolment.enrol``: a new membership, told as added). The
  enrolment keeps the participant's username (Cognito's: it never changes for an account), so
  a leader giving a new temporary password needs no lookup by account id (``ListUsers``);
- a username missing from an enrolment or a group leader written before usernames were kept
  with them is filled in (``fill_member_username``, ``fill_leader_username``: the upgrade step
  ``chalicelib.upgrade``, and enrolling someone again) by one UpdateItem on
  ``attribute_exists(PK) AND attribute_not_exists(username)``: it never brings back an
  enrolment or a leader removed meanwhile, and never overwrites a username already written (by
  an enrolment or a leader added since, or an earlier run), so running it again changes
  nothing. It has no audit entry: it copies what Cognito holds, it changes nothing anyone did;
- a participant choosing their own password (``set_password_chosen``) sets
  ``password_chosen_at`` on each of their enrolments, only while it exists (``attribute_exists``);
  an administrator turning their account off or on (``set_account_off``) sets or removes
  ``account_off_at`` the same way (Cognito holds the account's state; this copy is what the
  group page's one Query reads, so it asks Cognito nothing per participant). An account that
  is off when enrolled gets it in the enrolment's own Update (``enrol``), since the groups
  the administrator's change marked did not include this one;
- an assignment's id is derived from what is assigned to whom, so assigning the same thing
  again updates its dates instead of adding a second assignment; its ``assigned_at`` (its place
  in the reading order: ``chalicelib.assignments.reading_order``) is the first one, and its
  ``due_set_at`` the time it was given its due date (a date already past then applies to no
  one: ``chalicelib.statuses.due_for``), both kept by the item itself (no extra read). A change of
  an assignment read before (assigned again, new dates) is written with that ``assigned_at`` and
  on the condition that the stored one is still it (``assigned_at = :first``), so an assignment
  removed meanwhile is not brought back (``NotFound``); a new one has no condition (two leaders
  assigning the same thing at once make one assignment, the later write's dates);
- a track assignment may carry its modules' own dates (``module_dates``: a list of maps
  ``{module_id, due_date?, session_date?, due_set_at?}``, one per module paced over the group's sessions or
  given its own dates) and the modules left out for the group (``left_out``: a list of module
  ids); a paced one, its pacing as given (``pacing``: a map ``{every_days, per_session,
  meets_on?}``, weekdays 0 Monday to 6 Sunday; none when its dates were last given without
  pacing); and a module without dates of its own whose due date was set at another time than
  the assignment's (``module_due_set_at``: a map of module id to time). Each is written only
  when not empty, so an assignment from before them, or without them, reads as before (empty).
  They are part of the assignment's item, written by the same Put (same ``assigned_at =
  :first`` condition; no other call) and mirrored in ``DUE`` with the rest (but ``pacing``,
  which only the dates form reads), so reminders read them with no other read. A change of one
  module (its dates, left out or put back), assigning it again and changing the whole
  assignment's dates (``read`` given to ``put_assignment``) Put the whole item, so they carry
  every attribute they do not change from the read: they are written on the further condition
  that every attribute of the item (``_ASSIGNMENT_ATTRIBUTES``: its own ``due_date``,
  ``session_date``, ``due_set_at``, ``version``, who assigned it, the four track parts...) is
  still as read (``#due_date = :was_due_date``, or ``attribute_not_exists(#due_date)`` for one
  the read had not, the same for each), so two leaders leaving out two modules at once cannot
  lose one, nor a module's change bring back a pacing or the assignment's dates just changed
  (another leader's acknowledged "Change dates"), nor "Change dates" put back a module left out
  meanwhile: the later write fails and the use case reads again and applies only its own
  change again, to the item as it now is (``chalicelib.assignments.Assignments._write``, a few
  tries, then ``409 busy``; the assignment's own dates given by both: the later wins);
- removing a participant (``remove_participant``) deletes their enrolment on
  ``attribute_exists(PK) AND joined_at = :joined`` (the enrolment the use case read, not one
  made again meanwhile) and, in the same transaction, appends one stint (joined, left, who
  removed them, their totals then) to ``GROUP#{group_id}`` / ``FORMER#{participant_id}``
  (``list_append(if_not_exists(stints, []))``, no condition of its own): the Delete's condition
  makes it happen once per enrolment ended, a retried transaction is all or nothing, and a
  second removal of the same enrolment fails on the Delete (``NotFound``) before appending
  anything. The item keeps only what the group page needs to name them and what leaders may
  see (the display name and username they had here, the stints); it is never deleted, so
  enrolling them again keeps their earlier stints: the group Query reads it, and a current
  member's earlier stints count for the visibility rule (``EnrolledParticipant.earlier``);
- ``GROUP#{group_id}`` / ``DUE`` mirrors the group's assignments (``a#{assignment_id}``: what,
  to whom, when due), its member ids (``members``, a string set) and ``archived``. It is
  updated without a condition inside the transaction of every change it mirrors (create,
  archive, enrol, remove, assign, unassign), so it cannot drift from them; SET/ADD/DELETE/REMOVE
  are idempotent, so a retried change leaves it the same. A group from before it existed has
  none: ``due_summaries`` reads such a group's partition instead;
- a leader's daily digest is claimed before it is emailed (``chalicelib.digests``): a Put of
  ``LEADER#{id}`` / ``DIGEST_SENT#{program day}`` with ``attribute_not_exists(PK)``, in the
  same TransactWriteItems as the digest's audit entry, so a second run of the day (EventBridge
  delivering twice, Lambda retrying a failed run) finds it and sends nothing. The item holds
  the run that claimed it, when, and a TTL (``expires_at``/``ttl``) a few days on: only today's
  matters. A run whose send certainly failed (or which failed before it) gives its claim back
  (``release_digest``: DeleteItem on ``run = :run``); one whose send's fate is unknown keeps
  it. ``groups_led_by`` reads ``GROUP#`` only, so the claims never show as groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.records.audit import chunks, entry_puts
from chalicelib.records.keys import (
    ASSIGNMENT_PREFIX,
    ATTENTION_SEEN_PREFIX,
    DUE_SK,
    FORMER_PREFIX,
    GROUP_PREFIX,
    GROUP_SK,
    LEADER_PREFIX,
    PARTICIPANT_PREFIX,
    assignment_sk,
    digest_sent_sk,
    former_sk,
    group_pk,
    leader_pk,
    leader_sk,
    participant_pk,
    participant_sk,
)
from chalicelib.records.table import (
    ConditionFailed,
    RecordTable,
    TransactionCancelled,
    to_item,
)

_BATCH_GET_LIMIT = 100
_BUSY = Conflict("Someone else is changing this group right now. Try again.", code="busy")


def last_leader() -> Conflict:
    """The refusal to remove a group's last leader (see the module)."""
    return Conflict(
        "A group always has a group leader: add another leader before this one leaves.",
        code="last_leader",
    )


@dataclass(frozen=True)
class EnrolledParticipant:
    """A participant enrolled in a group (the name is the one the group leader gave)."""

    participant_id: str
    display_name: str
    joined_at: str
    # The participant lets this group's leaders see what they did before joining
    # (``chalicelib.statuses.visible_to_leaders``).
    shares_history: bool = False
    # Their username (``""`` for an enrolment written before usernames were kept with it and
    # not filled in since: see the module).
    username: str = ""
    # When they last chose their own password in place of a temporary one (ISO, seconds; ""
    # never since this was recorded): the group page then stops showing the temporary one.
    password_chosen_at: str = ""
    # When an administrator turned their account off (ISO, seconds; "" it is on, or was turned
    # off before this was recorded, or before they were enrolled in this group).
    account_off_at: str = ""
    # Their earlier times in this group (``(joined_at, left_at)``, oldest first), if a group
    # leader removed them and enrolled them again: what they did then stays visible to the
    # group's leaders (``chalicelib.statuses.visible_to_leaders``).
    earlier: tuple[tuple[str, str], ...] = ()

    # When this enrolment made their account, with a temporary password (ISO; "" enrolled with
    # an account they already had, or enrolled before this was recorded): with no
    # ``password_chosen_at`` since, they have not signed in yet (``not_signed_in``).
    new_account_at: str = ""
    # The times their group was archived (``Group.hidden``): archiving is leaving, so what they
    # did then is not the group's to see, whatever they share with it, even once it is
    # unarchived (``chalicelib.statuses.visible_to_leaders``).
    hidden: tuple[tuple[str, str], ...] = ()

    @property
    def not_signed_in(self) -> bool:
        """Their account was made here and they have not yet signed in and chosen their own
        password. False when not known (an enrolment from before this was recorded, or of an
        account made elsewhere): the pages then say nothing."""
        return bool(self.new_account_at) and not self.password_chosen_at


@dataclass(frozen=True)
class Stint:
    """One time a participant was in a group, ended by a group leader removing them."""

    joined_at: str
    left_at: str
    removed_by: str  # the group leader's account id (pseudonymous)
    # Their assigned modules when they left, as the progress grid counted them (``None``: not
    # counted, e.g. the participant was removed before this was kept).
    done: int | None = None
    assigned: int | None = None

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "joined_at": self.joined_at,
            "left_at": self.left_at,
            "removed_by": self.removed_by,
        }
        if self.done is not None and self.assigned is not None:
            item["done"] = self.done
            item["assigned"] = self.assigned
        return item


@dataclass(frozen=True)
class FormerMember:
    """A participant who left the group (a group leader removed them) and is not in it now:
    the name they had here, and each of their times in it, oldest first."""

    participant_id: str
    display_name: str
    username: str
    stints: tuple[Stint, ...]

    @property
    def last(self) -> Stint:
        return self.stints[-1]

    @property
    def windows(self) -> tuple[tuple[str, str], ...]:
        """Each time they were in the group (``(joined_at, left_at)``): what leaders may see."""
        return tuple((s.joined_at, s.left_at) for s in self.stints)


@dataclass(frozen=True)
class Membership:
    """One group a participant is in or was in, as their own download gives it
    (``memberships_of``): what concerns them, never another participant, and no group leader
    (the leader who removed them is kept as an account id, which is not theirs to read)."""

    group_id: str
    name: str
    archived: bool
    # When it was archived (ISO; "": not archived, or archived before this was recorded).
    archived_at: str
    # Enrolled in it now (their enrolment is there); False: a group leader removed them.
    member: bool
    # When the enrolment now (``member``), else the last one a leader ended, started; from
    # their copy of the ``enrolment.add`` entry when that is all there is ("": not recorded).
    joined_at: str
    # When a group leader removed them ("": in it now, or not recorded).
    left_at: str = ""
    # Their earlier times in it, each ended by a group leader, oldest first (the last one is
    # ``joined_at``/``left_at`` above when they are not in it now).
    earlier: tuple[Stint, ...] = ()
    # The name its group leaders know them by here, and their own choice and account times
    # kept with the enrolment (see ``EnrolledParticipant``).
    display_name: str = ""
    shares_history: bool = False
    shares_history_at: str = ""
    new_account_at: str = ""
    password_chosen_at: str = ""
    account_off_at: str = ""


@dataclass(frozen=True)
class ModuleDates:
    """One module of a track assignment with dates of its own (paced over the group's
    sessions, or changed for that module alone): they stand in for the assignment's dates
    (``None``: no date)."""

    module_id: str
    due_date: str | None = None
    session_date: str | None = None
    # When this module was given its due date (``chalicelib.assignments._stamped``; ``None``:
    # the assignment's ``due_set_at``). Stored, not part of the API's view of its dates.
    due_set_at: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "due_date": self.due_date,
            "session_date": self.session_date,
        }


# Spreading a track over the group's sessions (``Pacing``): the limits a leader may choose.
MAX_EVERY_DAYS = 28
MAX_PER_SESSION = 10
# The days a group may meet on (``Pacing.meets_on`` counts them from 0, Monday, as
# ``date.weekday``), by the API's names (as a reminder's days).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Pacing:
    """A track spread over the group's sessions: ``per_session`` modules, in the track's order,
    before each session; a session every ``every_days`` days from the first, or, when
    ``meets_on`` names weekdays (0 Monday to 6 Sunday), on each day the group meets on (a
    Mon/Wed/Thu group is 2, 1 and 4 days apart: no one interval fits it). Its first session
    and that session's due date are the assignment's own ``session_date`` and ``due_date``;
    the spreading itself is ``chalicelib.assignments.paced``."""

    every_days: int = 7
    per_session: int = 1
    meets_on: tuple[int, ...] = ()

    def checked(self) -> Pacing:
        """Itself, if its numbers are whole numbers in range and its weekdays distinct ones
        (in week order); ``BadRequest`` otherwise."""
        every, per = self.every_days, self.per_session
        if (
            isinstance(every, bool)
            or not isinstance(every, int)
            or not 1 <= every <= MAX_EVERY_DAYS
        ):
            raise BadRequest(
                f"Sessions are 1 to {MAX_EVERY_DAYS} days apart.", code="invalid_interval"
            )
        if isinstance(per, bool) or not isinstance(per, int) or not 1 <= per <= MAX_PER_SESSION:
            raise BadRequest(
                f"Give 1 to {MAX_PER_SESSION} modules per session.", code="invalid_per_session"
            )
        days = self.meets_on
        if not isinstance(days, tuple) or any(
            isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days
        ):
            raise BadRequest(MEETING_DAYS_RULE, code="invalid_meeting_days")
        return replace(self, meets_on=tuple(sorted(set(days))))

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"every_days": self.every_days, "per_session": self.per_session}
        if self.meets_on:
            item["meets_on"] = list(self.meets_on)
        return item


MEETING_DAYS_RULE = f"meets_on is a list of one or more of: {', '.join(WEEKDAYS)}."


@dataclass(frozen=True)
class Assignment:
    """A module or a track given to a group, or to one participant in it."""

    assignment_id: str
    kind: str  # "module" | "track"
    item_id: str  # module id or track id
    version: int | None  # pinned module version, or None for "the latest"
    participant_id: str | None  # None: the whole group
    due_date: str | None
    session_date: str | None
    assigned_at: str
    assigned_by: str
    # When it was given its due date (``chalicelib.assignments._stamped``: assigned, or the
    # date changed; ``None``: none, or written before this was kept, when its ``assigned_at``
    # stands for it): a date already past then applies to no one (``statuses.due_for``).
    due_set_at: str | None = None
    # A track's modules with dates of their own, in the track's order (``()``: every module has
    # the assignment's dates), and the track's modules left out for this audience.
    module_dates: tuple[ModuleDates, ...] = ()
    left_out: tuple[str, ...] = ()
    # How a paced track was spread, as given (``None``: one date for all, or paced before this
    # was kept: ``chalicelib.assignments.pacing_of`` guesses it from the modules' dates).
    pacing: Pacing | None = None
    # Modules with no dates of their own whose due date (the assignment's) was set at another
    # time than the assignment's ``due_set_at``: their own dates went, and the date moved onto
    # it then, or it was theirs already, set before (``chalicelib.assignments._stamped``).
    # (module id, time) pairs, by module id.
    module_due_set_at: tuple[tuple[str, str], ...] = ()

    def dates_of(self, module_id: str) -> tuple[str | None, str | None]:
        """The due and session dates of one of its modules: its own, else the assignment's."""
        own = next((m for m in self.module_dates if m.module_id == module_id), None)
        if own is not None:
            return own.due_date, own.session_date
        return self.due_date, self.session_date

    def due_set_at_of(self, module_id: str) -> str:
        """When one of its modules was given its due date: its own time, else the time kept for
        it (``module_due_set_at``), else the assignment's (``due_set_at``, else
        ``assigned_at``)."""
        own = next((m for m in self.module_dates if m.module_id == module_id), None)
        if own is not None and own.due_set_at:
            return own.due_set_at
        kept = next((at for m, at in self.module_due_set_at if m == module_id), None)
        return kept or self.due_set_at or self.assigned_at

    @property
    def has_due_date(self) -> bool:
        """A due date anywhere in it: its own, or one of its modules'."""
        return self.due_date is not None or any(m.due_date for m in self.module_dates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment_id": self.assignment_id,
            "kind": self.kind,
            "module_id" if self.kind == "module" else "track_id": self.item_id,
            "version": self.version,
            "participant_id": self.participant_id,
            "due_date": self.due_date,
            "session_date": self.session_date,
            "assigned_at": self.assigned_at,
            "module_dates": [m.to_dict() for m in self.module_dates],
            "left_out": list(self.left_out),
            **_spread(self.pacing),
        }


def _spread(pacing: Pacing | None) -> dict[str, Any]:
    """An assignment's pacing in the API's words, those of the request that gives it
    (``spread``, then ``every_days`` or ``meets_on``, and ``per_session``)."""
    if pacing is None:
        return {"spread": False, "every_days": None, "meets_on": None, "per_session": None}
    return {
        "spread": True,
        "every_days": None if pacing.meets_on else pacing.every_days,
        "meets_on": [WEEKDAYS[d] for d in pacing.meets_on] if pacing.meets_on else None,
        "per_session": pacing.per_session,
    }


@dataclass(frozen=True)
class GroupLeader:
    """A group leader as their group records them: the account id and, since leaders' usernames
    are kept with them, the username (``""`` for one added before that)."""

    leader_id: str
    username: str = ""


@dataclass(frozen=True)
class Seen:
    """A group leader marked a participant's "needs attention" reason as seen, in the
    situation ``fingerprint`` names (``chalicelib.attention``)."""

    participant_id: str
    reason: str
    fingerprint: str
    seen_by: str
    seen_at: str


@dataclass(frozen=True)
class Group:
    group_id: str
    name: str
    archived: bool
    created_at: str
    leaders: tuple[str, ...] = ()
    participants: tuple[EnrolledParticipant, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    # "No activity for N days": this group's N (None: the default, chalicelib.attention).
    inactive_days: int | None = None
    seen: tuple[Seen, ...] = ()
    # ``leaders`` with their usernames, in the order they were added.
    leader_names: tuple[GroupLeader, ...] = ()
    # Participants who left (removed by a group leader) and are not in the group now, the
    # most recent first.
    former: tuple[FormerMember, ...] = ()
    # Since when it is archived (ISO; "" it is not, or was archived before this was kept).
    archived_at: str = ""
    # Each earlier time it was archived, ``(archived_at, unarchived_at)``, oldest first.
    archive_windows: tuple[tuple[str, str], ...] = ()

    @property
    def hidden(self) -> tuple[tuple[str, str], ...]:
        """The times nothing a participant did is this group's to see: while it was archived,
        and from its archive on while it is (an open window, its end ``""``)."""
        now = ((self.archived_at, ""),) if self.archived and self.archived_at else ()
        return (*self.archive_windows, *now)

    @property
    def participant_ids(self) -> list[str]:
        return [p.participant_id for p in self.participants]

    def member(self, participant_id: str) -> EnrolledParticipant | None:
        """The participant's enrolment in this group, if they are in it."""
        return next((p for p in self.participants if p.participant_id == participant_id), None)

    def summary(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "name": self.name,
            "archived": self.archived,
            "created_at": self.created_at,
        }


class GroupRecords(RecordTable):
    def create(
        self,
        group_id: str,
        name: str,
        leader_id: str,
        now: str,
        audit: dict[str, Any],
        leader_username: str = "",
    ) -> tuple[Group, bool]:
        """Create a group led by ``leader_id``; a repeat with the same id returns the original."""
        pk = group_pk(group_id)
        items = [
            self._put(
                {"PK": pk, "SK": GROUP_SK, "name": name, "archived": False, "created_at": now},
                condition="attribute_not_exists(PK)",
            ),
            _due(self._table, group_id, "SET archived = :x", values={":x": False}),
            *self._leader_items(group_id, leader_id, now, leader_username),
            *entry_puts(self._table, audit),
        ]
        try:
            self.transact(items, _BUSY)
        except TransactionCancelled as cancelled:
            if cancelled.first.get("Code") == "ConditionalCheckFailed":
                return self.get(group_id), False
            raise self.unavailable(cancelled) from None
        return self.get(group_id), True

    def get(self, group_id: str) -> Group:
        """The whole group (details, leaders, participants, assignments): one Query per 1 MB page."""
        details: dict[str, Any] | None = None
        leaders: list[tuple[str, GroupLeader]] = []
        participants: list[EnrolledParticipant] = []
        assignments: list[Assignment] = []
        seen: list[Seen] = []
        former: dict[str, FormerMember] = {}
        for record in self.query_all(group_pk(group_id)):
            sk = record["SK"]
            if sk == GROUP_SK:
                details = record
            elif sk.startswith(LEADER_PREFIX):
                leader = GroupLeader(str(record["leader_id"]), str(record.get("username", "")))
                leaders.append((str(record.get("added_at", "")), leader))
            elif sk.startswith(PARTICIPANT_PREFIX):
                participants.append(
                    EnrolledParticipant(
                        record["participant_id"],
                        record.get("display_name", ""),
                        record["joined_at"],
                        bool(record.get("shares_history", False)),
                        str(record.get("username", "")),
                        str(record.get("password_chosen_at", "")),
                        str(record.get("account_off_at", "")),
                        new_account_at=str(record.get("new_account_at", "")),
                    )
                )
            elif sk.startswith(ASSIGNMENT_PREFIX):
                assignments.append(_assignment(record))
            elif sk.startswith(FORMER_PREFIX):
                member = _former(record)
                if member.stints:
                    former[member.participant_id] = member
            elif sk.startswith(ATTENTION_SEEN_PREFIX):
                seen.append(
                    Seen(
                        str(record["participant_id"]),
                        str(record["reason"]),
                        str(record["fingerprint"]),
                        str(record["seen_by"]),
                        str(record["seen_at"]),
                    )
                )
        if details is None:
            raise NotFound("There is no such group.", code="group_not_found")
        archived = bool(details.get("archived"))
        archived_at = str(details.get("archived_at", "")) if archived else ""
        windows = tuple(
            (str(w[0]), str(w[1]))
            for w in details.get("archive_windows") or []
            if isinstance(w, list) and len(w) == 2
        )
        hidden = (*windows, *(((archived_at, ""),) if archived_at else ()))
        if hidden:
            participants = [replace(p, hidden=hidden) for p in participants]
        # Enrolled again: their earlier stints are theirs here; not: they left the group.
        participants = [
            replace(p, earlier=former.pop(p.participant_id).windows)
            if p.participant_id in former
            else p
            for p in participants
        ]
        in_order = tuple(leader for _, leader in sorted(leaders, key=lambda a: a[0]))
        return Group(
            group_id,
            details["name"],
            bool(details.get("archived")),
            details["created_at"],
            leaders=tuple(leader.leader_id for leader in in_order),
            participants=tuple(
                sorted(participants, key=lambda p: (p.display_name.lower(), p.participant_id))
            ),
            assignments=tuple(
                sorted(assignments, key=lambda a: (a.due_date or "9999", a.assigned_at))
            ),
            inactive_days=int(details["inactive_days"]) if "inactive_days" in details else None,
            seen=tuple(seen),
            leader_names=in_order,
            former=tuple(sorted(former.values(), key=lambda f: f.last.left_at, reverse=True)),
            archived_at=archived_at,
            archive_windows=windows,
        )

    def digest_claim(
        self, leader_id: str, day: str, run_id: str, at: str, expires_at: int
    ) -> dict[str, Any]:
        """The TransactWriteItems Put that claims a leader's digest of program day ``day``
        before it is sent (``chalicelib.digests``): ``LEADER#{id}`` / ``DIGEST_SENT#{day}``,
        ``attribute_not_exists(PK)``, with the run that claimed it and its end of life
        (``expires_at`` and ``ttl``, epoch seconds: ``chalicelib.digests.CLAIM_DAYS`` later). It goes in the
        transaction of the digest's audit entry (``AuditRecords.record``'s ``along``)."""
        item = {
            "PK": leader_pk(leader_id),
            "SK": digest_sent_sk(day),
            "run": run_id,
            "claimed_at": at,
            "expires_at": expires_at,
            "ttl": expires_at,
        }
        return self._put(item, "attribute_not_exists(PK)")

    def release_digest(self, leader_id: str, day: str, run_id: str) -> None:
        """Give back this run's claim on a leader's digest (nothing left, or nothing certainly
        left): one DeleteItem on ``run = :run``, so another run's claim is never removed."""
        try:
            self.call(
                "delete_item",
                Key=to_item({"PK": leader_pk(leader_id), "SK": digest_sent_sk(day)}),
                ConditionExpression="#r = :r",
                ExpressionAttributeNames={"#r": "run"},
                ExpressionAttributeValues=to_item({":r": run_id}),
            )
        except ConditionFailed:
            pass  # not ours (or gone): nothing of ours to give back

    def groups_led_by(self, leader_id: str) -> list[str]:
        """Ids of the groups a group leader leads (one Query)."""
        return [r["group_id"] for r in self.query_all(leader_pk(leader_id), GROUP_PREFIX)]

    def names(self, group_ids: list[str]) -> dict[str, str]:
        """The current names of up to 100 groups (one BatchGetItem, unprocessed keys retried);
        a group that no longer exists is left out."""
        unique = list(dict.fromkeys(group_ids))[:_BATCH_GET_LIMIT]
        if not unique:
            return {}
        keys = [{"PK": group_pk(gid), "SK": GROUP_SK} for gid in unique]
        return {
            record["PK"].removeprefix(GROUP_PREFIX): str(record.get("name", ""))
            for record in self.batch_get(keys)
        }

    def due_summaries(self, group_ids: list[str]) -> dict[str, Group | None]:
        """Many groups' assignments and member ids (no names, no leaders) from their ``DUE``
        items: one BatchGetItem per 100 groups, unprocessed keys retried; a group without one
        (made before it existed) is read whole (one Query); ``None``: no such group."""
        unique = list(dict.fromkeys(group_ids))
        found: dict[str, Group | None] = {}
        for record in self.batch_get({"PK": group_pk(gid), "SK": DUE_SK} for gid in unique):
            gid = str(record["PK"]).removeprefix(GROUP_PREFIX)
            found[gid] = _from_due(gid, record)
        for gid in unique:
            if gid not in found:
                try:
                    found[gid] = self.get(gid)
                except NotFound:
                    found[gid] = None
        return found

    def groups_of_participant(self, participant_id: str) -> list[str]:
        """Ids of the groups a participant is enrolled in (one Query)."""
        return [r["group_id"] for r in self.query_all(participant_pk(participant_id), GROUP_PREFIX)]

    def joined_in(self, participant_id: str, group_ids: list[str]) -> dict[str, str]:
        """When a participant joined each of ``group_ids`` they are enrolled in, by group id:
        one consistent BatchGetItem per 100 groups (a group they are not in is left out)."""
        keys = [(group_pk(g), participant_sk(participant_id)) for g in group_ids]
        return {
            str(r["PK"]).removeprefix(GROUP_PREFIX): str(r.get("joined_at", ""))
            for r in self.batch_get_pairs(keys, consistent=True)
        }

    def active_groups_of(self, participant_id: str, besides: str | None = None) -> list[str]:
        """Ids of the groups a participant is enrolled in that are not archived (other than
        ``besides``): one Query of their pointers, then (if any) one consistent BatchGetItem per
        100 groups' details, so an archive just written counts."""
        group_ids = [g for g in self.groups_of_participant(participant_id) if g != besides]
        if not group_ids:
            return []
        keys = [{"PK": group_pk(gid), "SK": GROUP_SK} for gid in group_ids]
        archived = {
            str(r["PK"])
            for r in self.batch_get(keys, consistent=True)
            if bool(r.get("archived", False))
        }
        return [gid for gid in group_ids if group_pk(gid) not in archived]

    def update(
        self,
        group_id: str,
        audit: dict[str, Any],
        name: str | None = None,
        archived: bool | None = None,
        archived_since: str = "",
    ) -> None:
        """Rename, archive or unarchive. Unarchiving a group archived since ``archived_since``
        (as read) keeps that time as one of its ``archive_windows`` (what participants did then
        stays hidden from its leaders: ``Group.hidden``), on the condition that it is still the
        archive read: ``NotFound`` (``archive_changed``) when it is not (unarchived meanwhile,
        or archived again), which the use case reads again to decide."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets: list[str] = []
        if name is not None:
            names["#name"] = "name"
            values[":name"] = name
            sets.append("#name = :name")
        removes = ""
        if archived is not None:
            values[":archived"] = archived
            sets.append("archived = :archived")
            # When, for its participants' download (``memberships_of``): the audit entry's time.
            if archived:
                # Archived again while archived: it stays archived since the first time (its
                # hidden window, ``Group.hidden``, must not shrink).
                values[":archived_at"] = audit["at"]
                sets.append("archived_at = if_not_exists(archived_at, :archived_at)")
            else:
                removes = " REMOVE archived_at"
        condition = "attribute_exists(PK)"
        if archived is False and archived_since:
            values[":window"] = [[archived_since, audit["at"]]]
            values[":none"] = []
            values[":since"] = archived_since
            sets.append(
                "archive_windows = list_append(if_not_exists(archive_windows, :none), :window)"
            )
            condition += " AND archived_at = :since"
        update = {
            "TableName": self._table,
            "Key": to_item({"PK": group_pk(group_id), "SK": GROUP_SK}),
            "UpdateExpression": "SET " + ", ".join(sets) + removes,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
        }
        if names:
            update["ExpressionAttributeNames"] = names
        mirrored = (
            [_due(self._table, group_id, "SET archived = :x", values={":x": archived})]
            if archived is not None
            else []
        )
        self._write(
            [{"Update": update}, *mirrored, *entry_puts(self._table, audit)],
            "The group's archive changed meanwhile." if ":since" in values else None,
            "archive_changed" if ":since" in values else None,
        )

    def add_leader(
        self, group_id: str, leader_id: str, now: str, audit: dict[str, Any], username: str = ""
    ) -> None:
        self._write(
            [
                *self._leader_items(group_id, leader_id, now, username),
                *entry_puts(self._table, audit),
            ]
        )

    def remove_leader(
        self, group_id: str, leader_id: str, keeper_id: str, audit: dict[str, Any]
    ) -> None:
        """``leader_id`` no longer leads the group (their pointer to it goes too) while
        ``keeper_id``, another leader, still does (see the module: the last leader is never
        removed). ``NotFound`` if ``leader_id`` does not lead it (any more); ``Conflict``
        (``last_leader``) if ``keeper_id`` no longer does."""
        pk = group_pk(group_id)
        items = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": to_item({"PK": pk, "SK": leader_sk(leader_id)}),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": to_item({"PK": leader_pk(leader_id), "SK": pk}),
                }
            },
            {
                # The keeper still leads the group, checked in the same transaction: two leaders
                # removing each other at once leave one (the second finds its keeper gone).
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": to_item({"PK": pk, "SK": leader_sk(keeper_id)}),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            *entry_puts(self._table, audit),
        ]
        try:
            self.transact(items, _BUSY)
        except TransactionCancelled as cancelled:
            codes = TransactionCancelled.codes_of(cancelled.reasons)
            if codes[:1] == ["ConditionalCheckFailed"]:
                raise NotFound(
                    "That person does not lead this group.", code="leader_not_found"
                ) from None
            if codes[2:3] == ["ConditionalCheckFailed"]:
                raise last_leader() from None
            raise self.unavailable(cancelled) from None

    def enrol(
        self,
        group_id: str,
        participant_id: str,
        display_name: str,
        now: str,
        audit: dict[str, Any],
        username: str = "",
        new_account: bool = False,
        account_off_at: str | None = None,
        still_enrolled: bool = False,
    ) -> None:
        """Enrol (or rename) a participant, keeping their ``username`` with the enrolment (an
        enrolment without one keeps the one it has). ``new_account``: their account was just
        made for this enrolment, with a temporary password: ``new_account_at`` records it (the
        first time only), so the group page can say they have not signed in yet until
        ``set_password_chosen``. ``account_off_at``: their account is off (an administrator
        turned it off then), marked as ``set_account_off`` marks the groups they were in
        already; ``None`` leaves the mark as it is. ``still_enrolled``: the enrolment of a
        participant read as enrolled, renamed; only while it exists (``attribute_exists``, see
        the module), else ``NotFound`` (removed meanwhile) and nothing is written."""
        pk = group_pk(group_id)
        sets = (
            "SET participant_id = :p, display_name = :n, joined_at = if_not_exists(joined_at, :t)"
        )
        values = {":p": participant_id, ":n": display_name, ":t": now}
        if username:
            sets += ", username = :u"
            values[":u"] = username
        if new_account:
            sets += ", new_account_at = if_not_exists(new_account_at, :t)"
        if account_off_at:
            sets += ", account_off_at = :off"
            values[":off"] = account_off_at
        enrolled = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": participant_sk(participant_id)}),
            "UpdateExpression": sets,
            "ExpressionAttributeValues": to_item(values),
        }
        if still_enrolled:
            enrolled["ConditionExpression"] = "attribute_exists(PK)"
        self._write(
            [
                {"Update": enrolled},
                self._put({"PK": participant_pk(participant_id), "SK": pk, "group_id": group_id}),
                _due(self._table, group_id, "ADD members :m", values={":m": {participant_id}}),
                *entry_puts(self._table, audit),
            ],
            not_found="That participant is not in this group." if still_enrolled else None,
            not_found_code="participant_not_found" if still_enrolled else None,
        )

    def rename_participant(
        self, group_id: str, participant_id: str, display_name: str, audit: dict[str, Any]
    ) -> None:
        """Change the name the group's leaders see for a participant (the grid, the CSV, the
        hand-outs), with its audit entry, in one transaction; only while enrolled
        (``attribute_exists``: a participant removed meanwhile is not brought back as a
        nameless enrolment), else ``NotFound``."""
        update = {
            "TableName": self._table,
            "Key": to_item({"PK": group_pk(group_id), "SK": participant_sk(participant_id)}),
            "UpdateExpression": "SET display_name = :n",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": to_item({":n": display_name}),
        }
        self._write(
            [{"Update": update}, *entry_puts(self._table, audit)],
            not_found="That participant is not in this group.",
            not_found_code="participant_not_found",
        )

    def set_shares_history(
        self, group_id: str, participant_id: str, share: bool, now: str, audit: dict[str, Any]
    ) -> None:
        """The participant's choice for this group (only while enrolled: ``attribute_exists``),
        with its audit entry, in one transaction. Leaving the group deletes the enrolment and
        with it the choice: joining again starts from the default."""
        update = {
            "TableName": self._table,
            "Key": to_item({"PK": group_pk(group_id), "SK": participant_sk(participant_id)}),
            "UpdateExpression": "SET shares_history = :s, shares_history_at = :t",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": to_item({":s": share, ":t": now}),
        }
        self._write(
            [{"Update": update}, *entry_puts(self._table, audit)],
            not_found="You are not in this group.",
        )

    def fill_member_username(self, group_id: str, participant_id: str, username: str) -> bool:
        """Write ``username`` on the participant's enrolment in the group if it has none (see the
        module). True if written; False if it already had one, or the participant is not in the
        group any more. ``ServiceUnavailable`` if DynamoDB cannot answer."""
        return self._fill_username(group_id, participant_sk(participant_id), username)

    def fill_leader_username(self, group_id: str, leader_id: str, username: str) -> bool:
        """Write ``username`` on the group leader's item in the group if it has none (see the
        module). True if written; False if it already had one, or they no longer lead the
        group. ``ServiceUnavailable`` if DynamoDB cannot answer."""
        return self._fill_username(group_id, leader_sk(leader_id), username)

    def set_password_chosen(self, participant_id: str, now: str) -> None:
        """Record on each of the participant's enrolments that they chose their own password
        (``now``), where the group page's one Query reads it: one Query of their pointers, then
        one UpdateItem per group, only while enrolled (``attribute_exists``: an enrolment removed
        meanwhile is not brought back). Not audit-logged: nothing about them changes."""
        for gid in self.groups_of_participant(participant_id):
            try:
                self.call(
                    "update_item",
                    Key=to_item({"PK": group_pk(gid), "SK": participant_sk(participant_id)}),
                    UpdateExpression="SET password_chosen_at = :t",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues=to_item({":t": now}),
                )
            except ConditionFailed:
                continue

    def set_account_off(self, participant_id: str, off_at: str | None) -> None:
        """Record on each of the participant's enrolments that an administrator turned their
        account off (``off_at``, ISO) or on again (``None``), for the group page: one Query of
        their pointers, then one UpdateItem per group, only while enrolled (as
        ``set_password_chosen``). Not audit-logged here: the disable or enable is."""
        for gid in self.groups_of_participant(participant_id):
            change: dict[str, Any] = (
                {"UpdateExpression": "REMOVE account_off_at"}
                if off_at is None
                else {
                    "UpdateExpression": "SET account_off_at = :t",
                    "ExpressionAttributeValues": to_item({":t": off_at}),
                }
            )
            try:
                self.call(
                    "update_item",
                    Key=to_item({"PK": group_pk(gid), "SK": participant_sk(participant_id)}),
                    ConditionExpression="attribute_exists(PK)",
                    **change,
                )
            except ConditionFailed:
                continue

    def enrolments_of(self, participant_id: str) -> list[tuple[Group, EnrolledParticipant]]:
        """A participant's groups (details only) with their own enrolment in each: one Query
        of their pointers, then one BatchGetItem per 50 groups (details + enrolment)."""
        group_ids = self.groups_of_participant(participant_id)
        found: dict[str, dict[str, Any]] = {}
        keys = []
        for gid in group_ids:
            keys.append({"PK": group_pk(gid), "SK": GROUP_SK})
            keys.append({"PK": group_pk(gid), "SK": participant_sk(participant_id)})
        for record in self.batch_get(keys):
            found[f"{record['PK']}|{record['SK']}"] = record
        result = []
        for gid in group_ids:
            details = found.get(f"{group_pk(gid)}|{GROUP_SK}")
            enrolled = found.get(f"{group_pk(gid)}|{participant_sk(participant_id)}")
            if details is None or enrolled is None:
                continue
            group = Group(
                gid, str(details["name"]), bool(details.get("archived")), str(details["created_at"])
            )
            result.append(
                (
                    group,
                    EnrolledParticipant(
                        participant_id,
                        "",
                        str(enrolled["joined_at"]),
                        bool(enrolled.get("shares_history", False)),
                    ),
                )
            )
        return result

    def memberships_of(
        self,
        participant_id: str,
        joined: Mapping[str, str],
        also: Sequence[tuple[str, str]] = (),
    ) -> tuple[list[Membership], list[dict[str, Any]]]:
        """Every group a participant is in (their pointers: one Query) or was in (``joined``:
        group id to first join, from their copies of ``enrolment.add``,
        ``AuditRecords.groups_joined``), with its name, whether it is archived, their
        enrolment and their times in it (``FORMER#``); and the items at ``also`` (other keys of
        theirs, read with them: ``(PK, SK)`` pairs). One BatchGetItem per 100 keys (three a
        group, and ``also``). A group whose details are not there is left out. In order of
        joining."""
        group_ids = list(dict.fromkeys([*self.groups_of_participant(participant_id), *joined]))
        mine = participant_sk(participant_id)
        left = former_sk(participant_id)
        pairs = [(group_pk(gid), sk) for gid in group_ids for sk in (GROUP_SK, mine, left)] + list(
            also
        )
        found: dict[tuple[str, str], dict[str, Any]] = {}
        others: list[dict[str, Any]] = []
        wanted = set(also)
        for record in self.batch_get_pairs(pairs) if pairs else []:
            key = (str(record["PK"]), str(record["SK"]))
            if key in wanted:
                others.append(record)
            else:
                found[key] = record
        result = []
        for gid in group_ids:
            pk = group_pk(gid)
            details = found.get((pk, GROUP_SK))
            if details is None:
                continue
            enrolled = found.get((pk, mine))
            stints = _former(found[(pk, left)]).stints if (pk, left) in found else ()
            archived = bool(details.get("archived"))
            base = Membership(
                gid,
                str(details.get("name", "")),
                archived,
                str(details.get("archived_at", "")) if archived else "",
                member=enrolled is not None,
                joined_at=joined.get(gid, ""),
            )
            if enrolled is not None:
                membership = replace(
                    base,
                    joined_at=str(enrolled.get("joined_at", "")),
                    earlier=stints,
                    display_name=str(enrolled.get("display_name", "")),
                    shares_history=bool(enrolled.get("shares_history", False)),
                    shares_history_at=str(enrolled.get("shares_history_at", "")),
                    new_account_at=str(enrolled.get("new_account_at", "")),
                    password_chosen_at=str(enrolled.get("password_chosen_at", "")),
                    account_off_at=str(enrolled.get("account_off_at", "")),
                )
            elif stints:
                membership = replace(
                    base,
                    joined_at=stints[-1].joined_at,
                    left_at=stints[-1].left_at,
                    earlier=stints[:-1],
                    display_name=str(found[(pk, left)].get("display_name", "")),
                )
            else:
                # Removed before their times were kept with the group: when they joined is
                # their copy of the enrolment's audit entry; when they left is not recorded.
                membership = base
            result.append(membership)
        result.sort(key=lambda m: (m.joined_at, m.group_id))
        return result, others

    def remove_participant(
        self,
        group_id: str,
        participant_id: str,
        audit: dict[str, Any],
        left: Stint | None = None,
        member: EnrolledParticipant | None = None,
    ) -> None:
        """Delete the participant's enrolment (and their pointer to the group) with its audit
        entry; with ``left`` (the stint it ends) and ``member`` (the enrolment read), keep them
        as a former member of the group in the same transaction (see the module)."""
        pk = group_pk(group_id)
        delete: dict[str, Any] = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": participant_sk(participant_id)}),
            "ConditionExpression": "attribute_exists(PK)",
        }
        kept: list[dict[str, Any]] = []
        if left is not None and member is not None:
            delete["ConditionExpression"] = "attribute_exists(PK) AND joined_at = :joined"
            delete["ExpressionAttributeValues"] = to_item({":joined": left.joined_at})
            values = {
                ":p": participant_id,
                ":n": member.display_name,
                ":stint": [left.to_item()],
                ":none": [],
            }
            sets = "SET participant_id = :p, display_name = :n"
            if member.username:
                sets += ", username = :u"
                values[":u"] = member.username
            sets += ", stints = list_append(if_not_exists(stints, :none), :stint)"
            kept.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": to_item({"PK": pk, "SK": former_sk(participant_id)}),
                        "UpdateExpression": sets,
                        "ExpressionAttributeValues": to_item(values),
                    }
                }
            )
        self._write(
            [
                {"Delete": delete},
                *kept,
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": to_item({"PK": participant_pk(participant_id), "SK": pk}),
                    }
                },
                _due(self._table, group_id, "DELETE members :m", values={":m": {participant_id}}),
                *entry_puts(self._table, audit),
            ],
            not_found="That participant is not in this group.",
            not_found_code="participant_not_found",
        )

    def put_assignment(
        self,
        group_id: str,
        assignment: Assignment,
        audit: dict[str, Any],
        replaces: bool = False,
        read: Assignment | None = None,
    ) -> None:
        """Write an assignment, its ``DUE`` mirror and its audit entry in one transaction.
        ``replaces``: it changes the assignment with the same id and ``assigned_at``, which
        must still be there (``NotFound`` otherwise; see the module). ``read``: the assignment
        as read, every attribute of which (its dates, ``due_set_at``, version, module dates,
        modules left out, pacing...) must still be the stored one (``NotFound`` otherwise: read
        it again), since the Put writes the whole item and would put back any it carries from
        the read."""
        record = {
            "PK": group_pk(group_id),
            "SK": assignment_sk(assignment.assignment_id),
            **_assignment_item(assignment),
        }
        # Reminders read the mirror for what is due when; how it was paced is for its forms.
        mirrored = {
            k: v for k, v in record.items() if k not in ("PK", "SK", "assigned_by", "pacing")
        }
        put = self._put(record)
        if replaces:
            conditions, values = ["assigned_at = :first"], {":first": assignment.assigned_at}
            if read is not None:
                # The item as read, attribute by attribute: each still the same, or still not
                # there (see the module).
                before = _assignment_item(read)
                names: dict[str, str] = {}
                for name in _ASSIGNMENT_ATTRIBUTES:
                    names[f"#{name}"] = name
                    if name in before:
                        conditions.append(f"#{name} = :was_{name}")
                        values[f":was_{name}"] = before[name]
                    else:
                        conditions.append(f"attribute_not_exists(#{name})")
                put["Put"]["ExpressionAttributeNames"] = names
            put["Put"]["ConditionExpression"] = " AND ".join(conditions)
            put["Put"]["ExpressionAttributeValues"] = to_item(values)
        self._write(
            [
                put,
                _due(
                    self._table,
                    group_id,
                    "SET #a = :a",
                    names={"#a": _DUE_ASSIGNMENT + assignment.assignment_id},
                    values={":a": mirrored},
                ),
                *entry_puts(self._table, audit),
            ],
            not_found="There is no such assignment in this group.",
            not_found_code="assignment_not_found",
        )

    def delete_assignment(self, group_id: str, assignment_id: str, audit: dict[str, Any]) -> None:
        self._write(
            [
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": to_item(
                            {"PK": group_pk(group_id), "SK": assignment_sk(assignment_id)}
                        ),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
                _due(
                    self._table,
                    group_id,
                    "REMOVE #a",
                    names={"#a": _DUE_ASSIGNMENT + assignment_id},
                ),
                *entry_puts(self._table, audit),
            ],
            not_found="There is no such assignment in this group.",
            not_found_code="assignment_not_found",
        )

    # -- plumbing -------------------------------------------------------------------------

    def _leader_items(
        self, group_id: str, leader_id: str, now: str, username: str = ""
    ) -> list[dict[str, Any]]:
        """The leader inside the group (with their username, for their fellow leaders), and the
        pointer from the leader to the group."""
        leader = {
            "PK": group_pk(group_id),
            "SK": leader_sk(leader_id),
            "leader_id": leader_id,
            "added_at": now,
        }
        if username:
            leader["username"] = username
        return [
            self._put(leader),
            self._put({"PK": leader_pk(leader_id), "SK": group_pk(group_id), "group_id": group_id}),
        ]

    def _fill_username(self, group_id: str, sk: str, username: str) -> bool:
        """One UpdateItem on ``attribute_exists(PK) AND attribute_not_exists(username)``: never
        brings back an item removed meanwhile, never overwrites a username already there."""
        try:
            self.call(
                "update_item",
                Key=to_item({"PK": group_pk(group_id), "SK": sk}),
                UpdateExpression="SET username = :u",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(username)",
                ExpressionAttributeValues=to_item({":u": username}),
            )
        except ConditionFailed:
            return False
        return True

    def _put(self, values: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(values)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def _write(
        self,
        items: list[dict[str, Any]],
        not_found: str | None = None,
        not_found_code: str | None = None,
    ) -> None:
        """A change and its audit entry (with its participant copies) in one transaction; a
        failed condition on the first item means the thing changed is gone (``NotFound``).
        Copies beyond the 100-item limit follow in further transactions
        (``chalicelib.records.audit``)."""
        first, *rest = chunks(items)
        self.transact_change(first, _BUSY, not_found, not_found_code)
        for chunk in rest:
            self.transact_change(chunk, _BUSY)


_DUE_ASSIGNMENT = "a#"


_TRACK_PARTS = ("module_dates", "left_out", "pacing", "module_due_set_at")
# Every attribute of an assignment's item but its key (``_assignment_item``): what a change of
# one read before must find as read (``put_assignment``).
_ASSIGNMENT_ATTRIBUTES = (
    "assignment_id",
    "kind",
    "item_id",
    "assigned_at",
    "assigned_by",
    "version",
    "participant_id",
    "due_date",
    "session_date",
    "due_set_at",
    *_TRACK_PARTS,
)


def _assignment_item(assignment: Assignment) -> dict[str, Any]:
    """An assignment's item as stored, but its key: each optional attribute only when it has a
    value (see the module); ``_assignment`` reads it back."""
    item: dict[str, Any] = {
        "assignment_id": assignment.assignment_id,
        "kind": assignment.kind,
        "item_id": assignment.item_id,
        "assigned_at": assignment.assigned_at,
        "assigned_by": assignment.assigned_by,
    }
    for name in ("version", "participant_id", "due_date", "session_date", "due_set_at"):
        value = getattr(assignment, name)
        if value is not None:
            item[name] = value
    item.update(_track_parts(assignment))  # only when there are some (see the module)
    return item


def _track_parts(assignment: Assignment) -> dict[str, Any]:
    """A track assignment's ``module_dates``, ``left_out``, ``pacing`` and
    ``module_due_set_at`` as stored, each only when it has some (see the module)."""
    parts: dict[str, Any] = {}
    if assignment.module_dates:
        parts["module_dates"] = [
            {k: v for k, v in {**m.to_dict(), "due_set_at": m.due_set_at}.items() if v is not None}
            for m in assignment.module_dates
        ]
    if assignment.left_out:
        parts["left_out"] = list(assignment.left_out)
    if assignment.pacing is not None:
        parts["pacing"] = assignment.pacing.to_item()
    if assignment.module_due_set_at:
        parts["module_due_set_at"] = dict(assignment.module_due_set_at)
    return parts


def _pacing(stored: Any) -> Pacing | None:
    """The pacing as stored (``Pacing.to_item``); ``None`` for none, or one unreadable."""
    if not isinstance(stored, dict):
        return None
    try:
        return Pacing(
            int(stored["every_days"]),
            int(stored["per_session"]),
            tuple(int(d) for d in stored.get("meets_on") or ()),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _due(
    table: str,
    group_id: str,
    expression: str,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Update of a group's ``DUE`` item that goes with a change (see the module)."""
    update: dict[str, Any] = {
        "TableName": table,
        "UpdateExpression": expression,
        "Key": to_item({"PK": group_pk(group_id), "SK": DUE_SK}),
    }
    if names:
        update["ExpressionAttributeNames"] = names
    if values:
        update["ExpressionAttributeValues"] = to_item(values)
    return {"Update": update}


def _from_due(group_id: str, record: dict[str, Any]) -> Group:
    assignments = tuple(
        _assignment({**value, "assignment_id": name[len(_DUE_ASSIGNMENT) :], "assigned_by": ""})
        for name, value in record.items()
        if name.startswith(_DUE_ASSIGNMENT) and isinstance(value, dict)
    )
    members = tuple(
        EnrolledParticipant(str(pid), "", "") for pid in sorted(record.get("members") or ())
    )
    ordered = sorted(assignments, key=lambda a: (a.due_date or "9999", a.assigned_at))
    return Group(
        group_id,
        "",
        bool(record.get("archived")),
        "",
        participants=members,
        assignments=tuple(ordered),
    )


def _former(record: dict[str, Any]) -> FormerMember:
    stints = []
    for stint in record.get("stints") or ():
        done, assigned = stint.get("done"), stint.get("assigned")
        stints.append(
            Stint(
                str(stint.get("joined_at", "")),
                str(stint.get("left_at", "")),
                str(stint.get("removed_by", "")),
                int(done) if done is not None else None,
                int(assigned) if assigned is not None else None,
            )
        )
    return FormerMember(
        str(record["participant_id"]),
        str(record.get("display_name", "")),
        str(record.get("username", "")),
        tuple(stints),
    )


def _assignment(record: dict[str, Any]) -> Assignment:
    version = record.get("version")
    return Assignment(
        assignment_id=record["assignment_id"],
        kind=record["kind"],
        item_id=record["item_id"],
        version=int(version) if version is not None else None,
        participant_id=record.get("participant_id"),
        due_date=record.get("due_date"),
        session_date=record.get("session_date"),
        assigned_at=record["assigned_at"],
        assigned_by=record["assigned_by"],
        due_set_at=record.get("due_set_at"),
        module_dates=tuple(
            ModuleDates(
                str(m["module_id"]), m.get("due_date"), m.get("session_date"), m.get("due_set_at")
            )
            for m in record.get("module_dates") or ()
            if isinstance(m, dict) and m.get("module_id")
        ),
        left_out=tuple(str(m) for m in record.get("left_out") or ()),
        pacing=_pacing(record.get("pacing")),
        module_due_set_at=tuple(
            sorted((str(m), str(at)) for m, at in (record.get("module_due_set_at") or {}).items())
        ),
    )
