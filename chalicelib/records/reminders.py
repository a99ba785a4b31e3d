"""Reminder records: what each participant chose, the slot index the scheduled run reads, and
what was sent.

Keys (see the table in ``chalicelib.records``):

| record                                   | PK                          | SK                         |
|------------------------------------------|-----------------------------|----------------------------|
| a participant's reminder choice          | ``PARTICIPANT#{id}``        | ``REMINDERS``              |
| what was sent to them, and when          | ``PARTICIPANT#{id}``        | ``REMINDER_SENT``          |
| (read) when their access ends            | ``ACCOUNT#{id}``            | ``NOT_VALID_BEFORE``       |
| slot index: due in this 15-minute slot   | ``REMINDER_SLOT#{HHMM}``    | ``PARTICIPANT#{id}``       |
| one scheduled run's counts               | ``REMINDER_RUN#{utc date}`` | ``{slot iso}#{run id}``    |

``REMINDERS`` holds the choice (channel, local time, days, trigger, quiet hours, time zone,
language), the confirmed email and phone number (stored only for reminders and the notices
before access ends; this table is encrypted with the stack's KMS key), a pending change of them
(the address and an HMAC of the confirmation code, never the code), and ``version`` for
optimistic concurrency. It is the participant's one settings record: the pages' time zone is
its ``timezone``, and the language of their pages (``page_locale``, ``en`` or ``es``: the
"Español" / "English" link at the top of a page, kept with the account so that a sign-in on
another device is in it too) lives there as well, apart from ``locale``, the language of the
messages, which the account page chooses on its own (stored only once chosen: until then the
messages follow ``page_locale``).

``REMINDER_SENT`` holds ``sent_on`` (the participant's local date of the last reminder),
``last_sent_at`` (UTC), ``channel`` and ``run`` (the run that claimed it), plus the
participant's group ids (``group_ids``, checked on ``groups_checked_on``) so that a run needs
no Query per participant to find their assignments. Never any message text.

Slot index: the run every 15 minutes reads one partition, ``REMINDER_SLOT#{HHMM}`` (UTC
quarter hour), with one Query. A participant's pointer is written into every UTC slot their
local time can fall in during the year (two where the zone has daylight saving time); the run
keeps only the pointers whose local time falls in its slot today, so a daylight-saving change
needs no rewrite. The pointers are there while reading reminders or the plan reminder are on
(the plan reminder shares the choice's time): the run reads the choice and decides which is
due, so the plan reminder needs no index of its own. For the plan reminders due, one
BatchGetItem of their ``ACCOUNT#{id}`` / ``NOT_VALID_BEFORE`` items (100 a call) says whose
access has ended (``access_ends_at`` past: nothing is sent).

Access patterns: one Query of ``PARTICIPANT#{id}`` for SKs beginning ``REMINDER``; one projected
GetItem of ``REMINDERS`` for its time zone (pages that show clock times; the lesson page reads
it in the BatchGetItem it makes anyway, ``CompletionRecords.lesson_state``), another for its
``page_locale`` (a participant's sign-in only); one UpdateItem of ``page_locale``; Query of one slot
partition; BatchGetItem of ``REMINDERS`` + ``REMINDER_SENT`` + ``COMPLETED_VERSIONS`` for up to 33
participants a call; TransactWriteItems for saves and claims; PutItem of a run. No Scan.

Conditional-write rules:
- saving a choice is one TransactWriteItems: the ``REMINDERS`` item with
  ``attribute_not_exists(PK) OR version = :read`` (a concurrent save makes the loser re-read),
  plus the slot pointers it adds and removes, so the index never disagrees with the choice;
- a reminder is claimed before it is sent: ``REMINDER_SENT`` is updated with
  ``attribute_not_exists(sent_on) OR sent_on <> :local_date`` (claims of up to 100
  participants in one TransactWriteItems). A retried or overlapping run finds the claim and
  sends nothing: at most one reminder per participant per local day;
- the plan reminder (``plan_every``: weekly or monthly, on the choice's time and channel) has
  a claim of its own on the same item, ``plan_sent_on`` (with ``plan_last_sent_at``,
  ``plan_run``, ``plan_channel``), under the same rule: ``attribute_not_exists(plan_sent_on)
  OR plan_sent_on <> :local_date``, given back the same way (``plan_run = :this_run``); a
  reading reminder and a plan reminder on one day are two messages, each at most once;
- a send that certainly did not go (SES or SNS unreachable, or refusing it) gives its claim
  back (``run = :this_run`` condition), so a later retry of the run may try again; one that may
  have gone (no answer came back) keeps it: at most once (``chalicelib.reminders.deliver``);
- run records are put with ``attribute_not_exists(PK)`` (the run id is random);
- an account an administrator turned off is marked on its ``REMINDERS`` item (``account_off_at``,
  removed when it is turned on again): one UpdateItem, adding 1 to ``version`` as the pages'
  language does. Turning off has no condition and creates the item when there is none (with
  the mark alone): a participant's first save, whose read found no item, then fails its
  ``attribute_not_exists(PK)`` and re-reads the mark, whichever of the two writes comes first
  (an ``attribute_exists`` condition here once let that save write a choice with no mark).
  Turning on again removes the mark with ``attribute_exists(PK)`` (no item, nothing to remove).
  The run reads the item anyway and sends nothing to a marked account, and every other change
  keeps the mark (it rewrites the item from what it read, under its ``version`` condition);
- the pages' language (a switch, or a sign-in that finds none kept and a language chosen in
  that browser) is one UpdateItem of ``REMINDERS``, unconditional (the last choice wins;
  it creates the item, with no choice in it, if there is none), that also adds 1 to
  ``version``: a choice saved from an earlier read then fails its condition and re-reads,
  keeping ``page_locale`` (a save rewrites the whole item).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.completions import CompletedVersions
from chalicelib.records.keys import (
    ACCOUNT_PREFIX,
    COMPLETED_VERSIONS_SK,
    NOT_VALID_BEFORE_SK,
    REMINDER_PREFIX,
    REMINDER_SENT_SK,
    REMINDERS_SK,
    account_pk,
    participant_id_of,
    participant_pk,
    reminder_run_pk,
    reminder_slot_pk,
)
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    ConditionFailed,
    RecordTable,
    error_code,
    from_item,
    to_item,
)

CHOICE_SK = REMINDERS_SK
# The language of the participant's pages, in their ``REMINDERS`` item (the module doc).
PAGE_LOCALE = "page_locale"
SENT_SK = REMINDER_SENT_SK
# Each participant costs three keys in one BatchGetItem (choice, sent, progress): 100 keys a call.
_BATCH_KEYS = 99
TRANSACT_LIMIT = 100
# The sent-state attributes a claim sets: the reading reminder's, and the plan reminder's
# (``plan_`` before each name).
PLAN = "plan_"
# On the ``REMINDERS`` item while an administrator has the account turned off (the module doc).
ACCOUNT_OFF = "account_off_at"


slot_pk = reminder_slot_pk


@dataclass(frozen=True)
class SlotPointer:
    participant_id: str
    timezone: str
    time: str  # local "HH:MM"


@dataclass(frozen=True)
class Candidate:
    """Everything the run needs about one participant, read in one batch."""

    participant_id: str
    choice: dict[str, Any] | None
    sent: dict[str, Any]
    progress: CompletedVersions


class ReminderRecords(RecordTable):
    # -- the participant's choice ----------------------------------------------------------

    def get(self, participant_id: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The ``REMINDERS`` item (or ``None``) and the ``REMINDER_SENT`` item (or ``{}``): one
        consistent Query (both sort keys begin with ``REMINDER``)."""
        response = self.call(
            "query",
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=to_item(
                {":pk": participant_pk(participant_id), ":prefix": REMINDER_PREFIX}
            ),
            ConsistentRead=True,
        )
        records = {r["SK"]: r for r in (from_item(i) for i in response.get("Items", []))}
        return records.get(CHOICE_SK), records.get(SENT_SK, {})

    def timezone(self, participant_id: str) -> str | None:
        """The time zone saved with the participant's choice (``None``: no choice saved): one
        GetItem of ``REMINDERS``, projected to that one attribute, eventually consistent (the
        pages that show times in it; a save a moment ago may show a moment later)."""
        response = self.call(
            "get_item",
            Key=to_item({"PK": participant_pk(participant_id), "SK": CHOICE_SK}),
            ProjectionExpression="#tz",
            ExpressionAttributeNames={"#tz": "timezone"},
        )
        item = from_item(response["Item"]) if response.get("Item") else {}
        zone = item.get("timezone")
        return str(zone) if zone else None

    def page_locale(self, participant_id: str) -> str | None:
        """The language of the participant's pages, kept with their account (``None``: never
        chosen): one GetItem of ``REMINDERS``, projected to that one attribute, eventually
        consistent (read at sign-in; a choice made on another device a moment ago may be
        missed)."""
        response = self.call(
            "get_item",
            Key=to_item({"PK": participant_pk(participant_id), "SK": CHOICE_SK}),
            ProjectionExpression="#l",
            ExpressionAttributeNames={"#l": PAGE_LOCALE},
        )
        item = from_item(response["Item"]) if response.get("Item") else {}
        chosen = item.get(PAGE_LOCALE)
        return str(chosen) if chosen else None

    def keep_page_locale(self, participant_id: str, locale: str) -> None:
        """Keep the language of the participant's pages: one UpdateItem, no condition (the
        last choice wins), adding 1 to ``version`` so a reminder choice saved from an older
        read re-reads instead of writing the item back without it (the module doc)."""
        self.call(
            "update_item",
            Key=to_item({"PK": participant_pk(participant_id), "SK": CHOICE_SK}),
            UpdateExpression="SET #l = :l ADD #v :one",
            ExpressionAttributeNames={"#l": PAGE_LOCALE, "#v": "version"},
            ExpressionAttributeValues=to_item({":l": locale, ":one": 1}),
        )

    def mark_account_off(self, participant_id: str, off_at: str | None) -> None:
        """Mark the choice while an administrator has the account turned off (``off_at``, UTC;
        the item is created, with the mark alone, when there is none, so that a first save in
        flight re-reads it), or remove the mark (``None``; no item, nothing to remove)."""
        key = to_item({"PK": participant_pk(participant_id), "SK": CHOICE_SK})
        if off_at is not None:
            self.call(
                "update_item",
                Key=key,
                UpdateExpression="SET #o = :o ADD #v :one",
                ExpressionAttributeNames={"#o": ACCOUNT_OFF, "#v": "version"},
                ExpressionAttributeValues=to_item({":o": off_at, ":one": 1}),
            )
            return
        try:
            self.call(
                "update_item",
                Key=key,
                UpdateExpression="REMOVE #o ADD #v :one",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#o": ACCOUNT_OFF, "#v": "version"},
                ExpressionAttributeValues=to_item({":one": 1}),
            )
        except ConditionFailed:
            return

    def save(
        self,
        participant_id: str,
        choice: dict[str, Any],
        read_version: int | None,
        add_slots: Iterable[str],
        remove_slots: Iterable[str],
        group_ids: list[str] | None = None,
        checked_on: str | None = None,
    ) -> bool:
        """Write the choice and its slot pointers in one transaction.

        Returns ``False`` when someone else saved since ``read_version`` was read (the caller
        reads again); raises ``ServiceUnavailable`` when DynamoDB is unavailable.
        """
        pk = participant_pk(participant_id)
        item = {**choice, "PK": pk, "SK": CHOICE_SK, "version": (read_version or 0) + 1}
        if read_version is None:
            put: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
        else:
            put = {
                "ConditionExpression": "#v = :v",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": to_item({":v": read_version}),
            }
        items: list[dict[str, Any]] = [
            {"Put": {"TableName": self._table, "Item": to_item(item), **put}}
        ]
        pointer = {
            "participant_id": participant_id,
            "timezone": choice["timezone"],
            "time": choice["time"],
        }
        for slot in sorted(set(add_slots)):
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item({"PK": slot_pk(slot), "SK": pk, **pointer}),
                    }
                }
            )
        for slot in sorted(set(remove_slots) - set(add_slots)):
            items.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": to_item({"PK": slot_pk(slot), "SK": pk}),
                    }
                }
            )
        if group_ids is not None:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": to_item({"PK": pk, "SK": SENT_SK}),
                        "UpdateExpression": "SET #g = :g, #c = :c",
                        "ExpressionAttributeNames": {"#g": "group_ids", "#c": "groups_checked_on"},
                        "ExpressionAttributeValues": to_item(
                            {":g": group_ids, ":c": checked_on or ""}
                        ),
                    }
                }
            )
        try:
            self._dynamodb.transact_write_items(TransactItems=items)
        except ClientError as error:
            if (
                error_code(error) == "TransactionCanceledException"
                and _reasons(error)[0] == "ConditionalCheckFailed"
            ):
                return False
            if error_code(error) in (
                "TransactionCanceledException",
                "TransactionConflictException",
            ):
                raise Conflict(
                    "Your reminder settings changed at the same time. Try again.",
                    code="concurrent_change",
                ) from error
            raise self.unavailable(error) from error
        except BotoCoreError as error:
            raise self.unavailable(error) from error
        return True

    # -- the scheduled run -------------------------------------------------------------------

    def slot(self, slot: str) -> list[SlotPointer]:
        """Every pointer in one UTC quarter-hour slot: one Query per 1 MB page."""
        pointers: list[SlotPointer] = []
        token: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": to_item({":pk": slot_pk(slot)}),
            }
            if token:
                request["ExclusiveStartKey"] = token
            response = self.call("query", **request)
            for raw in response.get("Items", []):
                record = from_item(raw)
                pointers.append(
                    SlotPointer(
                        str(record["participant_id"]), str(record["timezone"]), str(record["time"])
                    )
                )
            token = response.get("LastEvaluatedKey")
            if not token:
                return pointers

    def candidates(self, participant_ids: list[str]) -> dict[str, Candidate]:
        """Choice, sent state and progress of many participants: BatchGetItem, 33 participants a call."""
        unique = list(dict.fromkeys(participant_ids))
        found: dict[str, dict[str, dict[str, Any]]] = {pid: {} for pid in unique}
        keys = [
            {"PK": participant_pk(pid), "SK": sk}
            for pid in unique
            for sk in (CHOICE_SK, SENT_SK, COMPLETED_VERSIONS_SK)
        ]
        for record in self.batch_get(keys, consistent=True, per_call=_BATCH_KEYS):
            found[participant_id_of(record["PK"])][record["SK"]] = record
        return {
            pid: Candidate(
                pid,
                parts.get(CHOICE_SK),
                parts.get(SENT_SK, {}),
                CompletedVersions.from_record(pid, parts.get(COMPLETED_VERSIONS_SK)),
            )
            for pid, parts in found.items()
        }

    def claim(
        self,
        participant_ids: list[str],
        local_dates: dict[str, str],
        now: str,
        run_id: str,
        channels: dict[str, str],
        attempts: int = 4,
        prefix: str = "",
    ) -> set[str]:
        """Claim "reminded on local date D" for each participant; returns those this run claimed.

        Up to 100 claims per TransactWriteItems. A claim another run already holds is dropped
        and the rest retried; a transaction conflict (two runs at once) is retried too.
        """
        claimed: set[str] = set()
        for start in range(0, len(participant_ids), TRANSACT_LIMIT):
            pending = participant_ids[start : start + TRANSACT_LIMIT]
            for _attempt in range(attempts):
                if not pending:
                    break
                items = [
                    self._claim_item(pid, local_dates[pid], now, run_id, channels[pid], prefix)
                    for pid in pending
                ]
                try:
                    self._dynamodb.transact_write_items(TransactItems=items)
                except ClientError as error:
                    if error_code(error) != "TransactionCanceledException":
                        if error_code(error) == "TransactionConflictException":
                            continue
                        raise self.unavailable(error) from error
                    reasons = _reasons(error)
                    pending = [
                        pid
                        for pid, reason in zip(pending, reasons, strict=False)
                        if reason != "ConditionalCheckFailed"
                    ]
                    continue
                except BotoCoreError as error:
                    raise self.unavailable(error) from error
                claimed.update(pending)
                pending = []
        return claimed

    def _claim_item(
        self,
        participant_id: str,
        local_date: str,
        now: str,
        run_id: str,
        channel: str,
        prefix: str = "",
    ) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"PK": participant_pk(participant_id), "SK": SENT_SK}),
                "UpdateExpression": "SET #d = :d, #a = :a, #r = :r, #c = :c",
                "ConditionExpression": "attribute_not_exists(#d) OR #d <> :d",
                "ExpressionAttributeNames": {
                    "#d": f"{prefix}sent_on",
                    "#a": f"{prefix}last_sent_at",
                    "#r": f"{prefix}run",
                    "#c": f"{prefix}channel",
                },
                "ExpressionAttributeValues": to_item(
                    {":d": local_date, ":a": now, ":r": run_id, ":c": channel}
                ),
            }
        }

    def release(
        self, participant_id: str, run_id: str, previous: dict[str, Any], prefix: str = ""
    ) -> None:
        """Give back this run's claim (the send failed), restoring the previous send."""
        values: dict[str, Any] = {":r": run_id}
        sets, removes = [], []
        names = {"#r": f"{prefix}run"}
        for attribute in ("sent_on", "last_sent_at", "channel"):
            names[f"#{attribute}"] = f"{prefix}{attribute}"
            if previous.get(f"{prefix}{attribute}"):
                values[f":{attribute}"] = previous[f"{prefix}{attribute}"]
                sets.append(f"#{attribute} = :{attribute}")
            else:
                removes.append(f"#{attribute}")
        expression = " ".join(
            part
            for part in (
                ("SET " + ", ".join(sets)) if sets else "",
                ("REMOVE " + ", ".join(removes)) if removes else "",
            )
            if part
        )
        try:
            self.call(
                "update_item",
                Key=to_item({"PK": participant_pk(participant_id), "SK": SENT_SK}),
                UpdateExpression=expression,
                ConditionExpression="#r = :r",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(values),
            )
        except ConditionFailed:
            pass  # another run holds it now: nothing of ours to give back

    def access_ends(self, participant_ids: list[str]) -> dict[str, int]:
        """When each participant's access ends (epoch seconds; left out: it does not end), from
        their account items: BatchGetItem, 100 a call, strongly consistent (an enrolment a
        moment ago is seen)."""
        pairs = [(account_pk(pid), NOT_VALID_BEFORE_SK) for pid in dict.fromkeys(participant_ids)]
        ends: dict[str, int] = {}
        for record in self.batch_get_pairs(pairs, consistent=True, per_call=100):
            if record.get("access_ends_at") is not None:
                ends[str(record["PK"]).removeprefix(ACCOUNT_PREFIX)] = int(record["access_ends_at"])
        return ends

    def note_groups(self, participant_id: str, group_ids: list[str], checked_on: str) -> None:
        """Remember the participant's groups (checked on ``checked_on``) for the next runs."""
        self.call(
            "update_item",
            Key=to_item({"PK": participant_pk(participant_id), "SK": SENT_SK}),
            UpdateExpression="SET #g = :g, #c = :c",
            ExpressionAttributeNames={"#g": "group_ids", "#c": "groups_checked_on"},
            ExpressionAttributeValues=to_item({":g": group_ids, ":c": checked_on}),
        )

    def groups_changed(self, participant_id: str) -> None:
        """The participant joined or left a group: the next run checks their groups again
        (one UpdateItem removing ``groups_checked_on``, only if they have a sent-state item:
        ``attribute_exists``, so participants without reminders get nothing written)."""
        try:
            self.call(
                "update_item",
                Key=to_item({"PK": participant_pk(participant_id), "SK": SENT_SK}),
                UpdateExpression="REMOVE #c",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#c": "groups_checked_on"},
            )
        except ConditionFailed:
            pass

    def record_run(self, utc_date: str, sort_key: str, counts: dict[str, int | str]) -> None:
        try:
            self.call(
                "put_item",
                Item=to_item({"PK": reminder_run_pk(utc_date), "SK": sort_key, **counts}),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ConditionFailed:
            pass

    def runs(self, utc_date: str) -> list[dict[str, Any]]:
        """The runs of one UTC day (one Query): counts only."""
        items, _ = self.query_page(reminder_run_pk(utc_date), "", None, 200)
        return items

    # -- plumbing ------------------------------------------------------------------------------


def _reasons(error: ClientError) -> list[str]:
    reasons = error.response.get("CancellationReasons") or []
    codes = [str(r.get("Code", "")) for r in reasons]
    if not codes:
        # moto (and older SDKs) put the reasons only in the message: "... [None, ConditionalCheckFailed]"
        message = str(error.response.get("Error", {}).get("Message", ""))
        if "[" in message:
            codes = [c.strip() for c in message.rsplit("[", 1)[1].rstrip("]").split(",")]
    return codes or ["Unknown"]
