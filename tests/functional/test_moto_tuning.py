"""moto with the item-level transaction rollback (steady_local.moto_tuning) still does what
DynamoDB does: a transaction writes all of its items or, refused, none of them. Responses
written with the remembered field names read the same as moto's own."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from steady_local.moto_tuning import remember_response_keys, roll_back_items_not_tables
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


def _without_request_ids(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_responses_with_remembered_names_read_as_motos_own(stack, monkeypatch):  # type: ignore[no-untyped-def]
    """Every attribute type of an item, a table, a user, a bucket listing and an error: the
    serializer with remembered names (installed by tests/conftest.py) answers as moto's."""
    from moto.core import serialize

    remember_response_keys()
    tuned = serialize.ResponseSerializer._serialize_structure_member
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    cognito = boto3.client("cognito-idp", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    table = stack.records_table
    item = {
        "PK": {"S": "TUNING"},
        "SK": {"S": "every-type"},
        "n": {"N": "42.5"},
        "b": {"B": b"\x00bytes"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2"]},
        "bs": {"BS": [b"x", b"y"]},
        "m": {"M": {"inner": {"L": [{"S": "q"}, {"NULL": True}, {"BOOL": False}]}}},
    }
    dynamodb.put_item(TableName=table, Item=item)
    cognito.admin_create_user(
        UserPoolId=stack.user_pool_id,
        Username="tuning-user",
        UserAttributes=[{"Name": "email", "Value": "tuning@example.com"}],
        MessageAction="SUPPRESS",
    )
    s3.put_object(Bucket=stack.content_bucket, Key="tuning/one.json", Body=b"{}")

    def read() -> list:  # type: ignore[type-arg]
        key = {"PK": {"S": "TUNING"}, "SK": {"S": "every-type"}}
        with pytest.raises(ClientError) as missing:
            dynamodb.get_item(TableName="no-such-table", Key=key)
        return [
            _without_request_ids(dynamodb.get_item(TableName=table, Key=key)),
            _without_request_ids(
                dynamodb.query(
                    TableName=table,
                    KeyConditionExpression="PK = :pk",
                    ExpressionAttributeValues={":pk": {"S": "TUNING"}},
                )
            ),
            _without_request_ids(dynamodb.describe_table(TableName=table)),
            _without_request_ids(
                cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username="tuning-user")
            ),
            _without_request_ids(cognito.describe_user_pool(UserPoolId=stack.user_pool_id)),
            _without_request_ids(s3.list_objects_v2(Bucket=stack.content_bucket)),
            _without_request_ids(missing.value.response),
        ]

    remembered = read()
    assert remembered[0]["Item"] == item
    monkeypatch.setattr(
        serialize.ResponseSerializer, "_serialize_structure_member", tuned.__wrapped__
    )
    assert read() == remembered
