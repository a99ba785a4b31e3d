"""What each test worker builds once and copies (tests/conftest.py) is what each test would
have built for itself: a session's event handlers, a provisioned stack that starts empty
whatever the test before it did, and an account made again."""

from __future__ import annotations

import boto3
import botocore.hooks
import botocore.session
from moto import mock_aws

from steady_local.provision import provision
from tests.conftest import REGION, _made_accounts, _provision_once, make_account

EVENTS = [
    "before-parameter-build.s3.PutObject",
    "before-call.dynamodb.Query",
    "choose-signer.cognito-idp.InitiateAuth",
    "request-created.s3.GetObject",
    "creating-client-class.s3",
    "before-sign.s3",
]


def _handlers(session: botocore.session.Session, event: str) -> list:  # type: ignore[type-arg]
    return list(session._original_handler._handlers.prefix_search(event))


def test_a_session_starts_with_the_handlers_botocore_registers_in_their_order():
    copied = botocore.session.Session()
    plain = botocore.session.Session(include_builtin_handlers=False)
    botocore.session.Session._register_builtin_handlers.__wrapped__(plain, plain._events)
    # Every event name, every handler, in order (first, middle, last at each name).
    assert copied._original_handler._handlers._root == plain._original_handler._handlers._root
    for event in EVENTS:
        assert _handlers(copied, event) == _handlers(plain, event), event
    assert all(_handlers(copied, event) for event in EVENTS)
    # A copy: what one session registers, another never sees.
    copied.register("before-call.dynamodb.Query", lambda **kwargs: None)
    assert _handlers(botocore.session.Session(), "before-call.dynamodb.Query") == _handlers(
        plain, "before-call.dynamodb.Query"
    )


def _described(stack) -> dict:  # type: ignore[no-untyped-def]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    cognito = boto3.client("cognito-idp", region_name=REGION)
    ses = boto3.client("ses", region_name=REGION)
    table = dynamodb.describe_table(TableName=stack.records_table)["Table"]
    pool = cognito.describe_user_pool(UserPoolId=stack.user_pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(
        UserPoolId=stack.user_pool_id, ClientId=stack.client_id
    )["UserPoolClient"]
    return {
        "tables": dynamodb.list_tables()["TableNames"],
        "keys": table["KeySchema"],
        "billing": table["BillingModeSummary"]["BillingMode"],
        "items": dynamodb.scan(TableName=stack.records_table)["Items"],
        "buckets": [b["Name"] for b in s3.list_buckets()["Buckets"]],
        "objects": s3.list_objects_v2(Bucket=stack.content_bucket).get("Contents", []),
        "public_access": s3.get_public_access_block(Bucket=stack.content_bucket)[
            "PublicAccessBlockConfiguration"
        ],
        "pool": (pool["Name"], pool["Policies"], pool["AdminCreateUserConfig"]),
        "case": pool.get("UsernameConfiguration"),
        "groups": sorted(
            g["GroupName"] for g in cognito.list_groups(UserPoolId=stack.user_pool_id)["Groups"]
        ),
        "users": cognito.list_users(UserPoolId=stack.user_pool_id)["Users"],
        "client": (
            client["ClientName"],
            sorted(client["ExplicitAuthFlows"]),
            client.get("AccessTokenValidity"),
            client.get("TokenValidityUnits"),
        ),
        "identities": ses.list_identities()["Identities"],
    }


def test_every_stack_starts_as_provisioning_leaves_it_whatever_the_last_test_did(aws_env):  # type: ignore[no-untyped-def]
    with mock_aws():
        fresh = provision(lambda name: boto3.client(name, region_name=REGION))
        provisioned = _described(fresh)
    stacks = []
    # The first may be the worker's real provisioning; the later ones are copies of it.
    for _ in range(3):
        with mock_aws():
            stack = _provision_once()
            stacks.append(stack)
            assert _described(stack) == provisioned
            boto3.client("dynamodb", region_name=REGION).put_item(
                TableName=stack.records_table, Item={"PK": {"S": "LEFT"}, "SK": {"S": "BEHIND"}}
            )
            boto3.client("s3", region_name=REGION).put_object(
                Bucket=stack.content_bucket, Key="left/behind.json", Body=b"{}"
            )
            boto3.client("cognito-idp", region_name=REGION).admin_create_user(
                UserPoolId=stack.user_pool_id, Username="left-behind", MessageAction="SUPPRESS"
            )
            assert _described(stack) != provisioned
    assert stacks[0] == stacks[1] == stacks[2]


def _account(stack, username: str) -> dict:  # type: ignore[no-untyped-def]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    user = cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)
    groups = cognito.admin_list_groups_for_user(UserPoolId=stack.user_pool_id, Username=username)
    return {
        "attributes": [a["Name"] for a in user["UserAttributes"]],
        "status": user["UserStatus"],
        "enabled": user["Enabled"],
        "mfa": (user.get("UserMFASettingList"), user.get("PreferredMfaSetting")),
        "groups": [g["GroupName"] for g in groups["Groups"]],
    }


def test_an_account_made_again_is_as_cognito_made_it_with_a_sub_and_token_of_its_own(aws_env):  # type: ignore[no-untyped-def]
    made = []
    for _ in range(2):
        with mock_aws():
            stack = _provision_once()
            for username, role in (
                ("shared-setup-leader", "leaders"),
                ("shared-setup-p", "participants"),
            ):
                account = make_account(stack, username, role)
                cognito = boto3.client("cognito-idp", region_name=REGION)
                # The token is the pool's, for this user, now.
                me = cognito.get_user(AccessToken=account.token)
                sub = next(a["Value"] for a in me["UserAttributes"] if a["Name"] == "sub")
                assert (me["Username"], sub) == (username, account.id)
                made.append((account, _account(stack, username)))
    assert (stack.user_pool_id, "shared-setup-leader", "leaders", True) in _made_accounts
    (leader, as_made), (participant, p_as_made), (leader_again, again), (p_again, p_again_is) = made
    assert again == as_made and p_again_is == p_as_made
    assert as_made["mfa"] == (["SOFTWARE_TOKEN_MFA"], "SOFTWARE_TOKEN_MFA")
    assert p_as_made["mfa"][0] in (None, [])
    assert as_made["groups"] == ["leaders"] and p_as_made["groups"] == ["participants"]
    assert leader_again.id != leader.id and p_again.id != participant.id
    assert leader_again.authenticator == leader.authenticator
