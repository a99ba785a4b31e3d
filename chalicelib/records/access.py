"""When an account's access ended: one small item per account that was ever disabled.

Key: ``ACCOUNT#{account id}`` / ``NOT_VALID_BEFORE`` (the account id is the Cognito ``sub``).
Attribute ``not_valid_before``: epoch seconds; a token issued (``auth_time``/``iat``) before
it is refused. Written when an admin disables the account; kept when it is enabled again,
because the old tokens must stay ended while they are still unexpired (up to 60 minutes).

Access patterns: one GetItem per account per container per ``chalicelib.access.REMEMBER_SECONDS``
(the token check, through a cache), one UpdateItem per disable. No Scan.

Conditional-write rule: ``attribute_not_exists(PK) OR attribute_not_exists(not_valid_before)
OR not_valid_before < :t`` -- the time only moves forward, so two disables racing (or a retry)
never reopen a window.

Attribute ``access_ends_at`` (epoch seconds), on the same item: when a participant who left
every group stops being able to sign in (``chalicelib.enrolment``: set when they leave their
last group, removed when they are enrolled again; an unconditional UpdateItem, the last
change wins). Read with ``not_valid_before`` by the same cached GetItem: it costs requests
nothing.

The same partition indexes the account's web sessions (``SESSION#{sha256}``; see
``chalicelib.records.sessions``), so a disable ends them with one Query and no Scan.
"""

from __future__ import annotations

from typing import Any

from chalicelib.records.keys import NOT_VALID_BEFORE_SK as SK
from chalicelib.records.keys import account_pk
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    ConditionFailed,
    RecordTable,
    to_item,
)


class AccessRecords(RecordTable):
    def not_valid_before(self, account_id: str) -> int | None:
        """The account's not-valid-before time (epoch seconds), or ``None`` if it has none."""
        return self.times(account_id)[0]

    def times(self, account_id: str) -> tuple[int | None, int | None]:
        """The account's not-valid-before time and the time its access ends (epoch seconds,
        ``None`` where there is none): one GetItem."""
        item = self.get_one(account_pk(account_id), SK)
        if item is None:
            return None, None
        ends = item.get("access_ends_at")
        return int(item.get("not_valid_before", 0)), (int(ends) if ends is not None else None)

    def set_access_ends(self, account_id: str, ends_at: int | None) -> None:
        """Record when the account's access ends (``None``: it does not end): one UpdateItem."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
            "ExpressionAttributeNames": {"#e": "access_ends_at"},
        }
        if ends_at is None:
            request["UpdateExpression"] = "REMOVE #e"
        else:
            request["UpdateExpression"] = "SET #e = :e"
            request["ExpressionAttributeValues"] = to_item({":e": ends_at})
        try:
            self._dynamodb.update_item(**request)
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error

    def end_access(self, account_id: str, not_valid_before: int) -> None:
        """Refuse the account's tokens issued before ``not_valid_before`` (never moves back)."""
        try:
            self.call(
                "update_item",
                Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                UpdateExpression="SET #n = :t",
                ConditionExpression=(
                    "attribute_not_exists(PK) OR attribute_not_exists(#n) OR #n < :t"
                ),
                ExpressionAttributeNames={"#n": "not_valid_before"},
                ExpressionAttributeValues=to_item({":t": not_valid_before}),
            )
        except ConditionFailed:
            return  # a later time is already recorded
