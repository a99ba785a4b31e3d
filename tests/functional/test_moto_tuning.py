"""moto with the item-level transaction rollback (steady_local.moto_tuning) still does what
DynamoDB does: a transaction writes all of its items or, refused, none of them."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from steady_local.moto_tuning import roll_back_items_not_tables
from tests.conftest import REGION


@pytest.fixture
def table(stack):  # type: ignore[no-untyped-def]
    roll_back_items_not_tables()  # installed once per process; here it is sure to be
    client = boto3.client("dynamodb", region_name=REGION)
    client.put_item(TableName=stack.records_table, Item=_item("A", "before"))
    client.put_item(TableName=stack.records_table, Item=_item("D", "to delete"))
    return client, stack.records_table


def _item(sk: str, note: str) -> dict:
    return {"PK": {"S": "TUNING"}, "SK": {"S": sk}, "note": {"S": note}}


def _notes(client, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    items = client.query(
        TableName=name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "TUNING"}},
    )["Items"]
    return {i["SK"]["S"]: i["note"]["S"] for i in items}


def _transaction(name: str, condition_on_c: str) -> list[dict]:
    return [
        {"Put": {"TableName": name, "Item": _item("B", "new")}},
        {
            "Update": {
                "TableName": name,
                "Key": {"PK": {"S": "TUNING"}, "SK": {"S": "A"}},
                "UpdateExpression": "SET note = :n",
                "ExpressionAttributeValues": {":n": {"S": "after"}},
            }
        },
        {"Delete": {"TableName": name, "Key": {"PK": {"S": "TUNING"}, "SK": {"S": "D"}}}},
        {
            "ConditionCheck": {
                "TableName": name,
                "Key": {"PK": {"S": "TUNING"}, "SK": {"S": "C"}},
                "ConditionExpression": condition_on_c,
            }
        },
    ]


def test_a_refused_transaction_leaves_every_item_as_it_was(table):  # type: ignore[no-untyped-def]
    client, name = table
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=_transaction(name, "attribute_exists(PK)"))
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _notes(client, name) == {"A": "before", "D": "to delete"}


def test_an_accepted_transaction_writes_every_item(table):  # type: ignore[no-untyped-def]
    client, name = table
    client.transact_write_items(TransactItems=_transaction(name, "attribute_not_exists(PK)"))
    assert _notes(client, name) == {"A": "after", "B": "new"}
