"""Access ends when an account is disabled: its tokens stop working, for every role.

Cognito cannot recall a signed access token (a JWT stays valid until it expires, 60 minutes),
and AdminUserGlobalSignOut ends only refresh tokens. So a disable also records the account's
"not valid before" time (``chalicelib.records.access``), and every request's token check
refuses a token issued (``auth_time``, else ``iat``) before it.

Cost: no Cognito call, for any role. Each container reads an account's record at most once
per ``REMEMBER_SECONDS`` (one GetItem; "no record" is remembered too). The container that
handled the disable knows at once; every other container within ``REMEMBER_SECONDS``. Web
sessions end at once everywhere: the disable deletes them (``SessionRecords.end_all``).

Token times are whole seconds, so the record says "valid from the second after the disable":
a token issued in the same second as the disable is refused, and a person signing in again
within that second after being re-enabled simply signs in once more.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from chalicelib.clock import Clock, iso_of_epoch
from chalicelib.errors import Unauthenticated
from chalicelib.identity import Caller
from chalicelib.records.access import AccessRecords, AccountTimes

REMEMBER_SECONDS = 300
ENDED_MESSAGE = "This sign-in has ended. Sign in again."
ACCESS_ENDED_MESSAGE = (
    "Your access to Steady has ended: it stays open for a time after you leave your last group. "
    "Ask your program if you need it again."
)


def last_full_day(ends_at: float, zone: tzinfo) -> date:
    """The last day, in the program's time zone ``zone``, on which a participant whose access
    ends at ``ends_at`` (epoch seconds) can use Steady all day: the day before the one access
    ends on. Access ends at the time of day they left (the removal's, plus the alumni days), so
    that day is cut short (at 8 am, say); a page that named it would promise an evening that is
    not there. Pages and downloads name this day ("until Wed 16 Dec"); the API keeps the
    exact time (``access_ends_at``)."""
    return datetime.fromtimestamp(ends_at, zone).date() - timedelta(days=1)


# Notices before access ends (``chalicelib.access_notices``): days before the last full day.
# 30: a month ahead, when every page starts to say so too, time to sign in at a good moment;
# 7: a last word close enough to act on. Two at most.
NOTICE_DAYS = (30, 7)


def notice_days(ends_at: int, zone: tzinfo, today: date) -> dict[str, int]:
    """The program days (``YYYY-MM-DD``) on which to send a participant whose access ends at
    ``ends_at`` a notice, each with how many days before their last full day it comes; days
    already past on ``today`` are left out (a short alumni period may have one or none)."""
    last = last_full_day(ends_at, zone)
    days = {(last - timedelta(days=n)): n for n in NOTICE_DAYS}
    return {day.isoformat(): n for day, n in days.items() if day >= today}


@dataclass(frozen=True)
class Closing:
    """What is still to come before an account closes, as a reminder's stop page says it
    (walk 19, problem 6: "no more reminders", then the two notices came). ``ends``: an end is
    set (they left their last group); ``ended``: it has passed (no message of any kind comes,
    and signing in is refused); ``notices``: the notices before the end not yet due (both for
    an account with no end yet: they come if it ever ends)."""

    ends: bool
    ended: bool
    notices: int


class AccessCheck:
    """The per-container cache of accounts' not-valid-before times, and the token check."""

    def __init__(self, records: AccessRecords, clock: Clock) -> None:
        self._records = records
        self._clock = clock
        self._known: dict[str, tuple[tuple[int | None, int | None], float]] = {}
        self._lock = threading.Lock()

    @property
    def records(self) -> AccessRecords:
        """The records behind the check (the notice run reads its index through them)."""
        return self._records

    def check(self, caller: Caller) -> Caller:
        """The caller, or ``Unauthenticated`` (``signed_out``) if its token was issued before
        the account's access ended."""
        not_before, ends_at = self._times(caller.id)
        if not_before is not None and caller.issued_at < not_before:
            raise Unauthenticated(ENDED_MESSAGE, code="signed_out")
        if ends_at is not None and self._clock.epoch() >= ends_at:
            raise Unauthenticated(ACCESS_ENDED_MESSAGE, code="access_ended")
        return caller

    def ends_at(self, account_id: str) -> int | None:
        """When the account's access ends (epoch seconds): a participant who left every group
        keeps access for ``Settings.alumni_days``. ``None``: it does not end. Cached."""
        return self._times(account_id)[1]

    def ends_of(self, account_ids: list[str]) -> dict[str, AccountTimes]:
        """``ends_at`` of many accounts, with when each chose their own password while it had
        an end (``AccountTimes``): read together (one BatchGetItem per 100, not one call each),
        and remembered as a token check would (a page that goes on to one of them reads
        nothing more)."""
        if not account_ids:
            return {}
        read = self._records.times_of(account_ids)
        now = self._clock.monotonic()
        with self._lock:
            for account_id, value in read.items():
                self._known[account_id] = ((value.not_valid_before, value.ends_at), now)
        return read

    def password_chosen(self, account_id: str, at: str) -> None:
        """The account chose its own password (``at``, ISO): noted on its access item if it has
        an access end (someone who left: the groups they left read it there; one UpdateItem)."""
        self._records.set_password_chosen(account_id, at)

    def ended(self, ends_at: int | None) -> bool:
        """An access end (``ends_at``) that is already past."""
        return ends_at is not None and self._clock.epoch() >= ends_at

    def last_day(self, account_id: str) -> date | None:
        """The last full day of the account's access in the program's time zone
        (``last_full_day``), or ``None``: it does not end. Cached, like ``ends_at``."""
        ends_at = self.ends_at(account_id)
        return None if ends_at is None else last_full_day(ends_at, self._clock.zone)

    def closing(self, account_id: str) -> Closing:
        """What is still to come before the account closes (``Closing``). Cached, like
        ``ends_at``: at most one GetItem."""
        ends_at = self.ends_at(account_id)
        if ends_at is None:
            return Closing(False, False, len(NOTICE_DAYS))
        if self._clock.epoch() >= ends_at:
            return Closing(True, True, 0)
        return Closing(
            True, False, len(notice_days(ends_at, self._clock.zone, self._clock.today()))
        )

    def set_ends_at(self, account_id: str, ends_at: int | None) -> None:
        """Record when the account's access ends (``None``: it does not), whatever end it had;
        this container knows at once, others within ``REMEMBER_SECONDS``. The notices before
        that end are written with it (``notice_days``), and deleted when it is taken away.
        Enrolment uses ``start_end`` and ``take_end_away``, which ask no cache."""
        notices = (
            None if ends_at is None else notice_days(ends_at, self._clock.zone, self._clock.today())
        )
        self._records.set_access_ends(account_id, ends_at, notices)
        self._forget(account_id)

    def start_end(self, account_id: str, ends_at: int) -> bool:
        """Record that the account's access ends at ``ends_at``, with its notices, unless an
        end is already stored (then it stays: ``False``). Decided by DynamoDB's condition, not
        by this container's cache, which another container's change may have made stale: one
        TransactWriteItems."""
        notices = notice_days(ends_at, self._clock.zone, self._clock.today())
        started = self._records.start_access_end(account_id, ends_at, notices)
        self._forget(account_id)
        return started

    def take_end_away(self, account_id: str) -> bool:
        """The account's access does not end any more, and its notices go (``False``: it had
        no end). Decided by DynamoDB's condition, not the cache: one UpdateItem, and one
        TransactWriteItems only if it had notices."""
        taken = self._records.take_access_end_away(account_id)
        self._forget(account_id)
        return taken

    def turned_off_at(self, account_id: str) -> str:
        """When an account that is off now was turned off (ISO, seconds): the disable set its
        not-valid-before time to the second after (``end``), and nothing moves it while the
        account is off. ``""``: none recorded (turned off outside Steady). One consistent
        GetItem, not the cache: asked only for an account Cognito says is off."""
        not_before = self._records.not_valid_before(account_id, consistent=True)
        return iso_of_epoch(not_before - 1) if not_before is not None else ""

    def _forget(self, account_id: str) -> None:
        """This container reads the account's record again at its next check."""
        with self._lock:
            self._known.pop(account_id, None)

    def end(self, account_id: str) -> int:
        """End every token of the account issued up to now; this container knows at once.
        Returns the not-valid-before time (epoch seconds)."""
        not_before = int(self._clock.epoch()) + 1
        self._records.end_access(account_id, not_before)
        with self._lock:
            known = self._known.get(account_id)
            if known is not None:  # keep the access end it already knows
                self._known[account_id] = ((not_before, known[0][1]), self._clock.monotonic())
        return not_before

    def _times(self, account_id: str) -> tuple[int | None, int | None]:
        now = self._clock.monotonic()  # the cache's age; the record itself holds wall time
        with self._lock:
            known = self._known.get(account_id)
        if known is not None and now - known[1] < REMEMBER_SECONDS:
            return known[0]
        value = self._records.times(account_id)
        with self._lock:
            self._known[account_id] = (value, now)
        return value
