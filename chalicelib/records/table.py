"""The small base every record family builds on: a boto3 DynamoDB client, injected."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import random
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import logs
from chalicelib.aws import error_code
from chalicelib.errors import BadRequest, Conflict, NotFound, ServiceUnavailable

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


_BATCH_RETRIES = 5  # BatchGetItem/BatchWriteItem rounds for unprocessed items before "busy"
_BATCH_WRITE_LIMIT = 25


# boto3's TypeSerializer and TypeDeserializer work out each value's type through a chain of
# isinstance checks and a getattr, which is most of the time a page reading a thousand items
# spends converting them. The types we store (text, whole numbers, booleans, null, maps and
# lists of them; sets read back) are converted here directly, to exactly what boto3 gives
# (tests compare the two); every other value (sets written, Decimal, bytes, numbers of 38
# digits or more, subclasses) goes through boto3 itself.
_N_LIMIT = 10**38  # DynamoDB numbers: 38 digits; boto3 refuses (and rounds) above


def to_value(value: Any) -> dict[str, Any]:
    """One attribute value in DynamoDB's form (``TypeSerializer.serialize``)."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int and -_N_LIMIT < value < _N_LIMIT:
        return {"N": str(value)}
    if kind is bool:
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if kind is dict:
        return {"M": {k: to_value(v) for k, v in value.items()}}
    if kind is list:
        return {"L": [to_value(v) for v in value]}
    return _serializer.serialize(value)  # type: ignore[no-any-return]


def from_value(value: Mapping[str, Any]) -> Any:
    """One attribute value from DynamoDB's form (``TypeDeserializer.deserialize``)."""
    for kind, inner in value.items():  # one key: the type
        if kind == "S" or kind == "BOOL":
            return inner
        if kind == "N":
            return DYNAMODB_CONTEXT.create_decimal(inner)
        if kind == "M":
            return {k: from_value(v) for k, v in inner.items()}
        if kind == "L":
            return [from_value(v) for v in inner]
        if kind == "NULL":
            return None
        if kind == "NS":
            return set(map(DYNAMODB_CONTEXT.create_decimal, inner))
        if kind == "SS":
            return set(inner)
        break
    return _deserializer.deserialize(value)


def plain(value: Any) -> Any:
    """A value read back (``from_value``) as JSON writes it: DynamoDB's numbers (``Decimal``)
    as ``int`` when whole, ``float`` otherwise, its sets as sorted lists, recursively through
    maps and lists. For a free map (an audit entry's ``detail``, a stored worksheet value) that
    goes out to the API or a page as it is: ``json.dumps`` cannot write a ``Decimal``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    return value


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: to_value(v) for k, v in values.items()}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    # Text, most of what we store, without a call per value.
    return {k: v["S"] if "S" in v and len(v) == 1 else from_value(v) for k, v in item.items()}


_TRANSACTION_ATTEMPTS = 5
_CONFLICT_PAUSE = 0.01  # seconds: the first retry's longest pause (then 0.02, 0.04, 0.08)


def pause(seconds: float) -> None:
    """Wait before retrying (tests replace it to see the pauses without waiting)."""
    time.sleep(seconds)


class TransactionCancelled(Exception):
    """A transaction cancelled by a condition: ``reasons`` holds DynamoDB's cancellation
    reasons, one per item, in order (``Code``, and ``Item`` where the request asked for it)."""

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__(",".join(self.codes_of(reasons)))
        self.reasons = reasons

    @staticmethod
    def codes_of(reasons: list[dict[str, Any]]) -> list[str]:
        return [str(r.get("Code", "None")) for r in reasons]

    @property
    def first(self) -> dict[str, Any]:
        return self.reasons[0] if self.reasons else {}


class ConditionFailed(Exception):
    """A write's ConditionExpression did not hold (``RecordTable.call``): the family that wrote
    it says what that means, beside the rule."""


class RecordTable:
    """Shared plumbing: the client, the table name, page tokens and error mapping."""

    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    @staticmethod
    def encode_page_token(last_key: Mapping[str, Any] | None) -> str | None:
        """An opaque token that names only the sort key: the partition always comes from the caller."""
        if not last_key:
            return None
        sk = last_key["SK"]["S"]
        return base64.urlsafe_b64encode(json.dumps({"sk": sk}).encode()).decode().rstrip("=")

    @staticmethod
    def decode_page_token(token: str | None, pk: str, sk_prefix: str) -> dict[str, Any] | None:
        """The ExclusiveStartKey of a page token made by ``encode_page_token`` for a Query of
        partition ``pk`` over sort keys beginning ``sk_prefix`` (``None``: no token). Strict,
        because DynamoDB answers a start key that does not fit the query (a missing or extra
        attribute, another type, an empty or invalid string, a key outside the key condition)
        with a ValidationException: anything but exactly what we made, byte for byte, is
        ``BadRequest`` (``invalid_page_token``), never a Query."""
        if not token:
            return None
        value = token_value(token)
        sk = value.get("sk") if value is not None and set(value) == {"sk"} else None
        if (
            not valid_key_text(sk)
            or not str(sk).startswith(sk_prefix)
            or RecordTable.encode_page_token({"SK": {"S": sk}}) != token
        ):
            raise invalid_page_token()
        return {"PK": {"S": pk}, "SK": {"S": sk}}

    def query_after_token(self, request: dict[str, Any]) -> dict[str, Any]:
        """One Query whose ``ExclusiveStartKey``, if any, came from a client's page token
        (decoded strictly). Should DynamoDB still refuse that key (ValidationException), the
        token is at fault: 400 ``invalid_page_token``, logged, never a 5xx."""
        try:
            response: dict[str, Any] = self._dynamodb.query(**request)
            return response
        except ClientError as error:
            if "ExclusiveStartKey" in request and error_code(error) == "ValidationException":
                logs.event("records.page_token_refused", level=logging.WARNING, code="validation")
                raise invalid_page_token() from None
            raise self.unavailable(error) from error
        except BotoCoreError as error:
            raise self.unavailable(error) from error

    def batch_get(
        self, keys: Iterable[Mapping[str, Any]], consistent: bool = False, per_call: int = 100
    ) -> list[dict[str, Any]]:
        """The items at ``keys`` (plain ``{"PK", "SK"}``): one BatchGetItem per ``per_call``
        keys (DynamoDB takes 100 at most), unprocessed keys retried a few times before the
        service says it is busy. Keys with no item are left out; the order is DynamoDB's."""
        return self.batch_get_pairs([(k["PK"], k["SK"]) for k in keys], consistent, per_call)

    def batch_get_pairs(
        self, keys: Iterable[tuple[str, str]], consistent: bool = False, per_call: int = 100
    ) -> list[dict[str, Any]]:
        """``batch_get`` of ``(PK, SK)`` pairs: a read of a thousand keys (a 40 x 60 grid's
        worksheets) builds no dict per key besides the request's own."""
        unique = list(dict.fromkeys(keys))
        found: list[dict[str, Any]] = []
        for start in range(0, len(unique), per_call):
            chunk: dict[str, Any] = {
                "Keys": [
                    {"PK": to_value(pk), "SK": to_value(sk)}
                    for pk, sk in unique[start : start + per_call]
                ]
            }
            if consistent:
                chunk["ConsistentRead"] = True
            request: dict[str, Any] = {self._table: chunk}
            for _attempt in range(_BATCH_RETRIES):
                try:
                    response = self._dynamodb.batch_get_item(RequestItems=request)
                except (ClientError, BotoCoreError) as error:
                    raise self.unavailable(error) from error
                found.extend(
                    from_item(i) for i in response.get("Responses", {}).get(self._table, [])
                )
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise self.unavailable(RuntimeError("unprocessed keys"))
        return found

    def get_one(self, pk: str, sk: str, consistent: bool = False) -> dict[str, Any] | None:
        """The item at ``pk``/``sk`` (one GetItem), or ``None`` when there is none."""
        try:
            response = self._dynamodb.get_item(
                TableName=self._table,
                Key=to_item({"PK": pk, "SK": sk}),
                ConsistentRead=consistent,
            )
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error
        item = response.get("Item")
        return from_item(item) if item else None

    def query_page(
        self,
        pk: str,
        sk_prefix: str,
        page_token: str | None,
        limit: int,
        newest_first: bool = False,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a partition (one Query), items whose SK starts with ``sk_prefix``."""
        condition = "PK = :pk AND begins_with(SK, :prefix)" if sk_prefix else "PK = :pk"
        values = {":pk": pk, ":prefix": sk_prefix} if sk_prefix else {":pk": pk}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        start = self.decode_page_token(page_token, pk, sk_prefix)
        if start:
            request["ExclusiveStartKey"] = start
        response = self.query_after_token(request)
        items = [from_item(i) for i in response.get("Items", [])]
        return items, self.encode_page_token(response.get("LastEvaluatedKey"))

    def transact(self, items: list[dict[str, Any]], busy: Conflict) -> None:
        """One TransactWriteItems. A ``TransactionConflict`` (another request writing the same
        items, e.g. a form sent twice) is retried after a short random pause that doubles each
        time (0.15 s in all at most); ``busy`` is raised when it keeps happening. A
        cancellation by a condition raises ``TransactionCancelled``; any other error
        ``ServiceUnavailable``."""
        for _attempt in range(_TRANSACTION_ATTEMPTS):
            try:
                self._dynamodb.transact_write_items(TransactItems=items)
                return
            except ClientError as error:
                if error_code(error) != "TransactionCanceledException":
                    raise self.unavailable(error) from error
                reasons = list(error.response.get("CancellationReasons") or [])
                if "TransactionConflict" in TransactionCancelled.codes_of(reasons):
                    # The other request is still writing: give it a moment, longer each time,
                    # with jitter so two retrying requests do not meet again.
                    if _attempt + 1 < _TRANSACTION_ATTEMPTS:
                        pause(random.uniform(0, _CONFLICT_PAUSE * 2**_attempt))
                    continue
                raise TransactionCancelled(reasons) from None
            except BotoCoreError as error:
                raise self.unavailable(error) from error
        raise busy

    def transact_change(
        self,
        items: list[dict[str, Any]],
        busy: Conflict,
        not_found: str | None = None,
        not_found_code: str | None = None,
    ) -> None:
        """``transact`` for a change whose first item is conditional on the thing changed
        existing: a failed condition there is ``NotFound(not_found)``; any other cancellation
        ``ServiceUnavailable``."""
        try:
            self.transact(items, busy)
        except TransactionCancelled as cancelled:
            if not_found and cancelled.first.get("Code") == "ConditionalCheckFailed":
                raise NotFound(not_found, code=not_found_code) from None
            raise self.unavailable(cancelled) from None

    def query_all(self, pk: str, sk_prefix: str = "") -> list[dict[str, Any]]:
        """Every item of a partition whose SK starts with ``sk_prefix``, strongly consistent
        (one Query per 1 MB page)."""
        condition = "PK = :pk AND begins_with(SK, :prefix)" if sk_prefix else "PK = :pk"
        values = {":pk": pk, ":prefix": sk_prefix} if sk_prefix else {":pk": pk}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            try:
                response = self._dynamodb.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
            items.extend(from_item(i) for i in response.get("Items", []))
            if not response.get("LastEvaluatedKey"):
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def delete_prefix(self, pk: str, sk_prefix: str) -> int:
        """Delete every item of a partition whose SK starts with ``sk_prefix`` (a participant's
        own request): one Query of the keys per 1 MB, then one BatchWriteItem per 25
        (unprocessed items retried). Returns how many were deleted; a retry deletes nothing
        more and is harmless."""
        keys = self.query_keys(pk, sk_prefix)
        self.delete_keys(keys)
        return len(keys)

    def query_keys(self, pk: str, sk_prefix: str) -> list[dict[str, Any]]:
        """The keys (``PK``, ``SK``, as DynamoDB gives them) of every item of a partition whose
        SK starts with ``sk_prefix``, strongly consistent: one Query per 1 MB."""
        keys: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item({":pk": pk, ":prefix": sk_prefix}),
            "ProjectionExpression": "PK, SK",
            "ConsistentRead": True,
        }
        while True:
            try:
                response = self._dynamodb.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
            keys.extend(response.get("Items", []))
            if not response.get("LastEvaluatedKey"):
                return keys
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def delete_keys(self, keys: list[dict[str, Any]]) -> None:
        """Delete the items at ``keys`` (as DynamoDB gives them): one BatchWriteItem per 25,
        unprocessed items retried; an item already gone is harmless."""
        for start in range(0, len(keys), _BATCH_WRITE_LIMIT):
            writes: dict[str, Any] = {
                self._table: [
                    {"DeleteRequest": {"Key": {"PK": k["PK"], "SK": k["SK"]}}}
                    for k in keys[start : start + _BATCH_WRITE_LIMIT]
                ]
            }
            for _attempt in range(_BATCH_RETRIES):
                try:
                    response = self._dynamodb.batch_write_item(RequestItems=writes)
                except (ClientError, BotoCoreError) as error:
                    raise self.unavailable(error) from error
                writes = response.get("UnprocessedItems") or {}
                if not writes:
                    break
            else:
                raise self.unavailable(RuntimeError("unprocessed items"))

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        """One DynamoDB ``operation`` on this table: a failed condition raises
        ``ConditionFailed``, anything else from AWS ``ServiceUnavailable``."""
        try:
            response: dict[str, Any] = getattr(self._dynamodb, operation)(
                TableName=self._table, **request
            )
            return response
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise ConditionFailed() from error
            raise self.unavailable(error) from error
        except BotoCoreError as error:
            raise self.unavailable(error) from error

    @staticmethod
    def unavailable(error: Exception) -> ServiceUnavailable:
        return ServiceUnavailable("Records are unavailable right now. Try again shortly.")


_MAX_TOKEN = 1000  # characters: a key of 200 characters, escaped as JSON, in base64


def invalid_page_token() -> BadRequest:
    return BadRequest("The page token is not valid.", code="invalid_page_token")


def valid_key_text(value: Any, limit: int = 200) -> bool:
    """A string DynamoDB takes as a key attribute: not empty, at most ``limit`` characters
    (1,024 bytes is the sort key's limit), and UTF-8 (no lone surrogate, which JSON can
    carry)."""
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def token_value(token: Any) -> dict[str, Any] | None:
    """The JSON object inside a page token (unpadded URL-safe base64), or ``None``."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, binascii.Error, UnicodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


__all__ = [
    "ConditionFailed",
    "RecordTable",
    "TransactionCancelled",
    "to_item",
    "from_item",
    "error_code",
    "BotoCoreError",
    "ClientError",
]
