"""Create the AWS resources Steady needs (table, bucket, user pool) through boto3.

Works against moto (tests, ``make run``). Production resources come from the packaged
CloudFormation template instead; the shapes here mirror it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.identity import ROLES
from steady_local import totp

PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
    "TemporaryPasswordValidityDays": 7,
}


# Local only: moto's SES accepts a verified address; the key signs local stop links and codes.
REMINDER_SENDER = "reminders@steady.example"
LOCAL_REMINDER_KEY = "local-only-reminder-key"


@dataclass(frozen=True)
class Stack:
    region: str
    records_table: str
    content_bucket: str
    user_pool_id: str
    client_id: str

    def environment(self, stage: str = "dev") -> dict[str, str]:
        """The environment variables the Lambda reads (see ``chalicelib.settings``)."""
        return {
            "STEADY_STAGE": stage,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "STEADY_RECORDS_TABLE": self.records_table,
            "STEADY_CONTENT_BUCKET": self.content_bucket,
            "STEADY_USER_POOL_ID": self.user_pool_id,
            "STEADY_USER_POOL_CLIENT_IDS": self.client_id,
            "STEADY_REMINDER_SENDER": REMINDER_SENDER,
            "STEADY_REMINDER_KEY": LOCAL_REMINDER_KEY,
        }


def provision(clients: Any, stage: str = "dev", region: str = "us-east-1") -> Stack:
    """Create (or find) every resource; ``clients(name)`` returns a boto3 client."""
    table = f"steady-{stage}-records"
    bucket = f"steady-{stage}-content"
    _create_table(clients("dynamodb"), table)
    _create_bucket(clients("s3"), bucket, region)
    pool_id, client_id = _create_user_pool(clients("cognito-idp"), f"steady-{stage}")
    clients("ses").verify_email_identity(EmailAddress=REMINDER_SENDER)
    return Stack(region, table, bucket, pool_id, client_id)


def _create_table(dynamodb: Any, name: str) -> None:
    if name in dynamodb.list_tables()["TableNames"]:
        return
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
    )


def _create_bucket(s3: Any, name: str, region: str) -> None:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if name in existing:
        return
    extra = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=name, **extra)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _create_user_pool(cognito: Any, name: str) -> tuple[str, str]:
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == name), None)
    if pool_id is None:
        pool_id = cognito.create_user_pool(
            PoolName=name,
            Policies={"PasswordPolicy": PASSWORD_POLICY},
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
            UsernameConfiguration={"CaseSensitive": False},
        )["UserPool"]["Id"]
        for role in ROLES:
            cognito.create_group(UserPoolId=pool_id, GroupName=role)
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == "web"), None)
    if client_id is None:
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="web",
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            AccessTokenValidity=60,
            TokenValidityUnits={"AccessToken": "minutes"},
        )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def create_account(cognito: Any, stack: Stack, username: str, password: str, role: str) -> str:
    """Create a confirmed account in ``role`` (or find it); return its stable id (``sub``)."""
    try:
        user = cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)
    except cognito.exceptions.UserNotFoundException:
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id, Username=username, MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(
            UserPoolId=stack.user_pool_id, Username=username, Password=password, Permanent=True
        )
        cognito.admin_add_user_to_group(
            UserPoolId=stack.user_pool_id, Username=username, GroupName=role
        )
        user = cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)
    return next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")


def sign_in(
    cognito: Any, stack: Stack, username: str, password: str, authenticator: str | None = None
) -> str:
    """An access token for ``username`` (USER_PASSWORD_AUTH), answering Cognito's code
    challenge with a code from the ``authenticator`` secret when the account has one."""
    result = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    if result.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
        if not authenticator:
            raise ValueError(f"{username} signs in with an authenticator code: give its secret")
        result = _with_code(
            authenticator,
            lambda code: cognito.respond_to_auth_challenge(
                ClientId=stack.client_id,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=result["Session"],
                ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code},
            ),
            refused=cognito.exceptions.CodeMismatchException,
        )
    return result["AuthenticationResult"]["AccessToken"]


def enrol_authenticator(cognito: Any, stack: Stack, username: str, password: str) -> str:
    """Turn on two-step sign-in for ``username`` as a person would, through the service's own
    set-up (``chalicelib.mfa``); return the authenticator secret. One that has one keeps it."""
    from chalicelib.accounts import Accounts
    from chalicelib.clock import Clock
    from chalicelib.errors import BadRequest
    from chalicelib.mfa import Authenticators

    authenticators = Authenticators(Accounts(cognito, stack.user_pool_id, stack.client_id), Clock())
    if authenticators.enabled(username):
        raise ValueError(f"{username} already has an authenticator; its secret is not readable")
    token = sign_in(cognito, stack, username, password)
    secret = authenticators.begin_setup(token)
    _with_code(
        secret, lambda code: authenticators.finish_setup(token, username, code), refused=BadRequest
    )
    return secret


def _with_code(secret: str, send: Callable[[str], Any], refused: type[Exception]) -> Any:
    """Send a code for ``secret``; if it was ``refused`` because the 30-second window turned
    between computing and checking it, send the new window's code once."""
    window = totp.step()
    try:
        return send(totp.code(secret))
    except refused:
        if totp.step() == window:
            raise
        return send(totp.code(secret))
