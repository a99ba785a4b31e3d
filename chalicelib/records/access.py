"""When an account's access ended: one small item per account that was ever disabled.

Key: ``ACCOUNT#{account id}`` / ``NOT_VALID_BEFORE`` (the account id is the Cognito ``sub``).
Attribute ``not_valid_before``: epoch seconds; a token issued (``auth_time``/``iat``) before
it is refused. Written when an admin disables the account; kept when it is enabled again,
because the old tokens must stay ended while they are still unexpired (up to 60 minutes).

Access patterns: one GetItem per account per container per ``chalicelib.access.REMEMBER_SECONDS``
(the token check, through a cache), one UpdateItem per disable. No Scan.

Conditional-write rule: ``attribute_not_exists(PK) OR not_valid_before < :t`` -- the time only
moves forward, so two disables racing (or a retry) never reopen a window.

The same partition indexes the account's web sessions (``SESSION#{sha256}``; see
``chalicelib.records.sessions``), so a disable ends them with one Query and no Scan.
"""

from __future__ import annotations

from chalicelib.records.keys import NOT_VALID_BEFORE_SK as SK
from chalicelib.records.keys import account_pk
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    RecordTable,
    error_code,
    from_item,
    to_item,
)


class AccessRecords(RecordTable):
    def not_valid_before(self, account_id: str) -> int | None:
        """The account's not-valid-before time (epoch seconds), or ``None`` if it has none."""
        try:
            response = self._dynamodb.get_item(
                TableName=self._table, Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
            )
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error
        if "Item" not in response:
            return None
        return int(from_item(response["Item"]).get("not_valid_before", 0))

    def end_access(self, account_id: str, not_valid_before: int) -> None:
        """Refuse the account's tokens issued before ``not_valid_before`` (never moves back)."""
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                UpdateExpression="SET #n = :t",
                ConditionExpression="attribute_not_exists(PK) OR #n < :t",
                ExpressionAttributeNames={"#n": "not_valid_before"},
                ExpressionAttributeValues=to_item({":t": not_valid_before}),
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return  # a later time is already recorded
            raise self.unavailable(error) from error
        except BotoCoreError as error:
            raise self.unavailable(error) from error
