"""A participant's relapse-prevention plan: every saved version, kept.

Keys (see the table in ``chalicelib.records``):
- ``PARTICIPANT#{id}`` / ``PLAN#{version:07d}``: one item per saved version of the plan.
  ``sections`` maps a plan section id to its items, in the participant's order; an item is
  ``{"text", "source"}`` (``{"name", "phone", "source"}`` for people to call); ``source``
  names the worksheet answer it came from (``module/field/position/digest``: which answer,
  and a digest of its words the item was last taken from or offered; ``module/field/digest``
  in versions saved before positions, read as they are: nothing is migrated) or is null for
  an item typed on the plan. ``dismissed`` lists the answers the participant removed
  (their ``module/field/position/digest`` source; ``module/field/digest`` in versions saved
  before, read as they are), so a removed answer does not come back, even edited
  (``chalicelib.plan``); ``dismissed_words`` maps each of those sources to a digest of each
  of its words that counts (``chalicelib.plan_removals``: not the words), which tells an edit
  of the removed answer from another answer written in its place (absent in versions saved
  before: read as none). ``item_count`` and ``saved_at`` let the list of versions be read without the items
  (a projection).
- Access patterns: the latest version (one Query, newest first, ``Limit 1``), one version
  (one GetItem), the list of versions (one Query per page, projected, newest first), all of
  them with their items (one Query: the participant's download of their data as PDF), the
  newest below a version with their items (``newest_first``: one Query, newest first, per
  1 MB DynamoDB returns, made only as the versions are taken: the JSON download and its pages
  of older versions, which stop at a size budget), all of them to delete (one Query of keys,
  then BatchWriteItem by 25).
- Versions are numbered 1, 2, 3... with no gap: each save is the newest number plus one, and
  nothing deletes one version alone (only ``delete_all``), so the versions below ``n`` are
  ``n - 1`` versions (the download says how many it leaves out without counting them).

Conditional-write rules:
- Saving version n+1 is ONE PutItem with ``attribute_not_exists(PK)``: two devices saving on
  top of the same version cannot both win; the second gets ``PlanConflict`` (the use case
  turns it into a 409, or into success when the stored version is what it was saving: a
  retry never duplicates; or, when that save changed other sections only, into a save of
  version n+2 on top of it, under the same condition). Versions are never updated in place:
  taking up a changed worksheet answer's words (or keeping one's own) is a new version like
  any save, so a retried choice writes nothing more, and an older version never changes.
- Deleting (the participant's own request, audit-logged by the use case) removes every
  version; nothing else deletes.
The table is encrypted with the KMS key (infra): the plan is health information.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import NotFound
from chalicelib.records.keys import PLAN_PREFIX, participant_pk, plan_sk
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    ConditionFailed,
    RecordTable,
    from_item,
    to_item,
)

SUMMARY_ATTRIBUTES = ("version", "saved_at", "item_count")


class PlanConflict(Exception):
    """Version ``version`` was saved already (by another device, or by this very request
    retried)."""

    def __init__(self, version: int) -> None:
        super().__init__(str(version))
        self.version = version


@dataclass(frozen=True)
class PlanVersion:
    """One saved version of a plan, as stored."""

    participant_id: str
    version: int
    saved_at: str
    locale: str
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dismissed: tuple[str, ...] = ()
    # What each removal keeps of its words (by its source in ``dismissed``): digests of the
    # words that count (``chalicelib.plan_removals``); none in versions saved before.
    dismissed_words: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in self.sections.values())

    def to_record(self) -> dict[str, Any]:
        return {
            "PK": participant_pk(self.participant_id),
            "SK": plan_sk(self.version),
            "version": self.version,
            "saved_at": self.saved_at,
            "locale": self.locale,
            "sections": self.sections,
            "dismissed": list(self.dismissed),
            "dismissed_words": {s: list(w) for s, w in self.dismissed_words.items()},
            "item_count": self.item_count,
        }

    @classmethod
    def from_record(cls, participant_id: str, record: dict[str, Any]) -> PlanVersion:
        sections = record.get("sections") or {}
        return cls(
            participant_id=participant_id,
            version=int(record.get("version", 0)),
            saved_at=str(record.get("saved_at", "")),
            locale=str(record.get("locale", "en")),
            sections={
                str(k): [dict(i) for i in v] for k, v in sections.items() if isinstance(v, list)
            },
            dismissed=tuple(str(s) for s in record.get("dismissed") or ()),
            dismissed_words={
                str(s): tuple(str(w) for w in words)
                for s, words in (record.get("dismissed_words") or {}).items()
                if isinstance(words, list)
            },
        )


@dataclass(frozen=True)
class VersionSummary:
    version: int
    saved_at: str
    item_count: int

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "saved_at": self.saved_at, "items": self.item_count}


class PlanRecords(RecordTable):
    def latest(self, participant_id: str) -> PlanVersion | None:
        """The newest saved version: one Query (newest first, one item, strongly consistent)."""
        try:
            response = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues=to_item(
                    {":pk": participant_pk(participant_id), ":prefix": PLAN_PREFIX}
                ),
                ScanIndexForward=False,
                Limit=1,
                ConsistentRead=True,
            )
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error
        items = response.get("Items") or []
        return PlanVersion.from_record(participant_id, from_item(items[0])) if items else None

    def get(self, participant_id: str, version: int) -> PlanVersion:
        """One version: one GetItem. ``NotFound`` when there is no such version."""
        item = self.get_one(participant_pk(participant_id), plan_sk(version), consistent=True)
        if item is None:
            raise NotFound("There is no such version of your plan.", code="plan_version_not_found")
        return PlanVersion.from_record(participant_id, item)

    def put(self, plan: PlanVersion) -> None:
        """One conditional PutItem (see the module): ``PlanConflict`` if the version exists."""
        try:
            self.call(
                "put_item",
                Item=to_item(plan.to_record()),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ConditionFailed:
            raise PlanConflict(plan.version) from None

    def summaries(
        self, participant_id: str, page_token: str | None = None, limit: int = 50
    ) -> tuple[list[VersionSummary], str | None]:
        """One page of versions, newest first, without their items: one projected Query."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item(
                {":pk": participant_pk(participant_id), ":prefix": PLAN_PREFIX}
            ),
            "ExpressionAttributeNames": {
                f"#{n}": name for n, name in enumerate(SUMMARY_ATTRIBUTES)
            },
            "ProjectionExpression": ", ".join(f"#{n}" for n in range(len(SUMMARY_ATTRIBUTES))),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = self.decode_page_token(page_token, participant_pk(participant_id), PLAN_PREFIX)
        if start:
            request["ExclusiveStartKey"] = start
        response = self.query_after_token(request)
        rows = [from_item(i) for i in response.get("Items", [])]
        summaries = [
            VersionSummary(
                int(r.get("version", 0)), str(r.get("saved_at", "")), int(r.get("item_count", 0))
            )
            for r in rows
        ]
        return summaries, self.encode_page_token(response.get("LastEvaluatedKey"))

    def all_of(self, participant_id: str) -> list[PlanVersion]:
        """Every saved version, oldest first, with its items (one Query per 1 MB): the
        participant's own download of their data."""
        return [
            PlanVersion.from_record(participant_id, r)
            for r in self.query_all(participant_pk(participant_id), PLAN_PREFIX)
        ]

    def newest_first(
        self, participant_id: str, before: int | None = None, queries: int | None = None
    ) -> Iterator[PlanVersion]:
        """The saved versions numbered below ``before`` (every one: ``None``), newest first,
        with their items, strongly consistent: one Query per 1 MB page DynamoDB returns, each
        made only when the versions before it are all taken (the caller stops when it has
        enough), ``queries`` at most (``None``: until the oldest). The key condition is a
        range within the plan's keys (``PLAN#`` up to the version below ``before``): never
        another kind of item of the partition, never a Scan."""
        pk = participant_pk(participant_id)
        condition, values = "PK = :pk AND begins_with(SK, :prefix)", {":prefix": PLAN_PREFIX}
        if before is not None:
            condition = "PK = :pk AND SK BETWEEN :low AND :high"
            values = {":low": PLAN_PREFIX, ":high": plan_sk(max(before - 1, 0))}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item({":pk": pk, **values}),
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        made = 0
        while queries is None or made < queries:
            try:
                response = self._dynamodb.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
            made += 1
            for item in response.get("Items", []):
                yield PlanVersion.from_record(participant_id, from_item(item))
            if not response.get("LastEvaluatedKey"):
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def delete_all(self, participant_id: str) -> int:
        """Delete every version (the participant's own request): one Query of the keys, then one
        BatchWriteItem per 25. Returns how many were deleted."""
        return self.delete_prefix(participant_pk(participant_id), PLAN_PREFIX)
