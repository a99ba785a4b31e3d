"""The small base every record family builds on: a boto3 DynamoDB client, injected."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import BadRequest, ServiceUnavailable

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict:
    return {k: _serializer.serialize(v) for k, v in values.items()}


def from_item(item: Mapping[str, Any]) -> dict:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


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
    def decode_page_token(token: str | None, pk: str, sk_prefix: str) -> dict | None:
        if not token:
            return None
        try:
            padded = token + "=" * (-len(token) % 4)
            sk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))["sk"]
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
            sk = None
        if not isinstance(sk, str) or not sk.startswith(sk_prefix) or len(sk) > 200:
            raise BadRequest("The page token is not valid.", code="invalid_page_token")
        return {"PK": {"S": pk}, "SK": {"S": sk}}

    def query_page(
        self, pk: str, sk_prefix: str, page_token: str | None, limit: int, newest_first: bool = False
    ) -> tuple[list[dict], str | None]:
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
        try:
            response = self._dynamodb.query(**request)
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error
        items = [from_item(i) for i in response.get("Items", [])]
        return items, self.encode_page_token(response.get("LastEvaluatedKey"))

    @staticmethod
    def unavailable(error: Exception) -> ServiceUnavailable:
        return ServiceUnavailable("Records are unavailable right now. Try again shortly.")


__all__ = ["RecordTable", "to_item", "from_item", "error_code", "BotoCoreError", "ClientError"]
