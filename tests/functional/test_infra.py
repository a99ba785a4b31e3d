"""The packaged template: cfn-lint, and its infrastructure deployed into moto's CloudFormation
with the smoke flow (publish, sign in, read, complete) run against what was created.

moto's CloudFormation cannot create Lambda/API resources (AWS::Serverless::*), and it
accepts but does not create Cognito user pools, groups and clients or bucket policies (it
marks them CREATE_COMPLETE with no physical id). So: create_stack gets every other infra
resource (KMS key and alias, table, bucket, log groups, the publisher policy); the Cognito
and bucket-policy resources are then created with boto3 from the same template Properties
(Refs resolved against the stack). Settings moto's CloudFormation ignores (the table's PITR, SSE and TTL, the bucket's
versioning and public access block) are asserted on the template.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from chalicelib import aws as aws_clients
from chalicelib import services
from chalicelib.api import API_CSP, HSTS, SECURITY_HEADERS
from chalicelib.identity import TokenVerifier
from chalicelib.settings import Settings
from infra.package import package, template_path
from steady_content.publish import Publisher
from steady_local.provision import (
    PASSWORD_POLICY,
    Stack,
    create_account,
    enrol_authenticator,
    sign_in,
)
from tests.conftest import REGION, STARTERS, fetch_jwks_through_moto

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_MOTO_CFN = {"AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::Lambda::Permission"}
APPLIED_WITH_BOTO3 = {
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Cognito::UserPoolClient",
    "AWS::S3::BucketPolicy",
}
STACK = "steady-dev"


@pytest.fixture(scope="module")
def packaged_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("package-dev")
    package("dev", workdir)
    return workdir


@pytest.fixture(scope="module")
def packaged(packaged_dir: Path) -> dict:
    from infra.template import load

    return load(template_path(packaged_dir))


def test_cfn_lint_passes_on_the_packaged_template(packaged_dir: Path) -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), str(template_path(packaged_dir))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_settings_moto_cannot_show(packaged: dict) -> None:
    r = packaged["Resources"]
    table = r["RecordsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionProtectionEnabled"] is True
    assert table["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Ref": "DataKey"},
    }
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert r["DataKey"]["Properties"]["EnableKeyRotation"] is True
    bucket = r["ContentBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    pool = r["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Policies"]["PasswordPolicy"] == PASSWORD_POLICY  # the local mirror agrees
    invitation = json.dumps(pool["AdminCreateUserConfig"]["InviteMessageTemplate"]).lower()
    for word in (
        "steady",
        "recovery",
        "addiction",
        "alcohol",
        "opioid",
        "drug",
        "treatment",
        "therapy",
        "depression",
        "anxiety",
        "diagnos",
        "substance",
        "clinic",
        "program",
    ):
        assert word not in invitation, word
    client = r["WebClient"]["Properties"]
    assert client["GenerateSecret"] is False and client["AccessTokenValidity"] == 60
    assert client["TokenValidityUnits"]["AccessToken"] == "minutes"
    for name in ("APIHandler", "CognitoJwt", "SendDigests", "SendReminders"):
        group = r[f"{name}LogGroup"]["Properties"]
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert group["LogGroupName"] == {
            "Fn::Sub": "/aws/lambda/" + r[name]["Properties"]["FunctionName"]["Fn::Sub"]
        }
        env = r[name]["Properties"]["Environment"]["Variables"]
        assert env["STEADY_RECORDS_TABLE"] == {"Ref": "RecordsTable"}
        assert env["STEADY_CONTENT_BUCKET"] == {"Ref": "ContentBucket"}
        assert env["STEADY_USER_POOL_ID"] == {"Ref": "UserPool"}
        assert env["STEADY_USER_POOL_CLIENT_IDS"] == {"Ref": "WebClient"}
        assert env["STEADY_STAGE"] == "dev"
    api = r["RestAPI"]["Properties"]
    assert api["MethodSettings"][0]["ThrottlingRateLimit"] > 0
    for kind in ("UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX"):
        body = api["GatewayResponses"][kind]["ResponseTemplates"]["application/json"]
        shape = json.loads(
            body.replace("$context.error.messageString", '"Missing Authentication Token"')
        )
        assert set(shape) == {"error"} and set(shape["error"]) == {"code", "message"}, kind
    assert (
        packaged["Resources"]["SendDigests"]["Properties"]["Events"]["SendDigestsEvent"]["Type"]
        == "Schedule"
    )
    reminders = packaged["Resources"]["SendReminders"]["Properties"]
    assert reminders["Events"]["SendRemindersEvent"]["Type"] == "Schedule"
    assert (
        reminders["Events"]["SendRemindersEvent"]["Properties"]["Schedule"]
        == "cron(0/15 * * * ? *)"
    )
    assert reminders["Environment"]["Variables"]["STEADY_REMINDER_KEY"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${ReminderKey}:SecretString}}"
    }
    assert r["ReminderKey"]["Properties"]["KmsKeyId"] == {"Ref": "DataKey"}


def test_gateway_made_responses_carry_the_security_headers(packaged: dict) -> None:
    # What the Lambda adds to a JSON response (chalicelib/api.py); HSTS on every stage here
    # (see the comment in infra/resources.yaml). API Gateway takes a static header value as a
    # single-quoted literal.
    expected = {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        **SECURITY_HEADERS,
        "Content-Security-Policy": API_CSP,
        "Strict-Transport-Security": HSTS,
    }
    assert {"X-Content-Type-Options", "Referrer-Policy"} <= set(SECURITY_HEADERS)
    responses = packaged["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    kinds = {"UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"}
    assert kinds <= set(responses)
    for kind, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        for name, value in expected.items():
            literal = (
                "'" + value.replace("'", "\\'") + "'"
            )  # inner quotes escaped: 'none' -> \'none\'
            assert headers.get(name) == literal, (kind, name, headers.get(name))
        body = response["ResponseTemplates"]["application/json"]
        shape = json.loads(body.replace("$context.error.messageString", '"Missing token"'))
        assert set(shape) == {"error"} and set(shape["error"]) == {"code", "message"}, kind
        assert all(isinstance(v, str) and v for v in shape["error"].values()), kind


def test_no_gateway_response_can_echo_the_callers_token(packaged: dict) -> None:
    """API Gateway's message for an unknown path quotes the Authorization header (the bearer
    token): unknown paths get a fixed 404, and no gateway response copies a message, a header
    or any request value into its body."""
    responses = packaged["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["StatusCode"] == "404"
    assert json.loads(missing["ResponseTemplates"]["application/json"]) == {
        "error": {"code": "not_found", "message": "There is no such page."}
    }
    for kind, response in responses.items():
        body = response["ResponseTemplates"]["application/json"]
        variables = set(re.findall(r"\$[\w.]+", body))
        # responseType is API Gateway's own enum (e.g. QUOTA_EXCEEDED), nothing the caller sent.
        assert variables <= {"$context.error.responseType"}, (kind, variables)


# -- deploy into moto ----------------------------------------------------------------------


class _Resolver:
    def __init__(self, cfn, stack: str) -> None:  # type: ignore[no-untyped-def]
        self.ids = {
            r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
        }
        self.ids.update(
            {
                "AWS::StackName": stack,
                "AWS::Region": REGION,
                "AWS::Partition": "aws",
                "AWS::AccountId": "123456789012",
            }
        )
        self.arns: dict[str, str] = {}

    def __call__(self, value):  # type: ignore[no-untyped-def]
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self.ids[value["Ref"]]
        if "Fn::GetAtt" in value:
            return self.arns[".".join(value["Fn::GetAtt"])]
        if "Fn::Sub" in value:
            import re

            names = {**self.ids, **self.arns}
            return re.sub(r"\$\{([^}]+)\}", lambda m: names[m.group(1)], value["Fn::Sub"])
        return {k: self(v) for k, v in value.items()}


def _deploy(template: dict) -> Stack:
    cfn = boto3.client("cloudformation", region_name=REGION)
    infra = {
        k: v
        for k, v in template["Resources"].items()
        if v["Type"] not in NOT_IN_MOTO_CFN and not k.endswith("Role")
    }
    for_cfn = {k: v for k, v in infra.items() if v["Type"] not in APPLIED_WITH_BOTO3}
    outputs = {
        k: template["Outputs"][k] for k in ("RecordsTableName", "ContentBucketName", "DataKeyArn")
    }
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": template["Parameters"],
        "Conditions": template["Conditions"],
        "Resources": for_cfn,
        "Outputs": outputs,
    }
    cfn.create_stack(
        StackName=STACK, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_IAM"]
    )
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    resolve = _Resolver(cfn, STACK)
    resolve.arns["ContentBucket.Arn"] = f"arn:aws:s3:::{out['ContentBucketName']}"
    resolve.arns["DataKey.Arn"] = out["DataKeyArn"]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = resolve(infra["UserPool"]["Properties"])
    enabled_mfas = pool.pop("EnabledMfas")
    pool["PoolName"] = pool.pop("UserPoolName")
    pool_id = cognito.create_user_pool(**pool)["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration=pool["MfaConfiguration"],
        SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in enabled_mfas},
    )
    resolve.ids["UserPool"] = pool_id
    client_id = ""
    for resource in infra.values():
        if resource["Type"] not in APPLIED_WITH_BOTO3 - {"AWS::Cognito::UserPool"}:
            continue
        props = resolve(resource["Properties"])
        if resource["Type"] == "AWS::Cognito::UserPoolGroup":
            cognito.create_group(**props)
        elif resource["Type"] == "AWS::Cognito::UserPoolClient":
            client_id = cognito.create_user_pool_client(**props)["UserPoolClient"]["ClientId"]
        elif resource["Type"] == "AWS::S3::BucketPolicy":
            boto3.client("s3", region_name=REGION).put_bucket_policy(
                Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"])
            )
    return Stack(REGION, out["RecordsTableName"], out["ContentBucketName"], pool_id, client_id)


@pytest.fixture
def deployed(aws_env: None, packaged: dict) -> Iterator[Stack]:
    with mock_aws():
        aws_clients.reset()
        yield _deploy(packaged)
        aws_clients.reset()


def test_created_resources_have_the_templates_settings(deployed: Stack) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.describe_table(TableName=deployed.records_table)["Table"]
    assert table["DeletionProtectionEnabled"] is True
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    s3 = boto3.client("s3", region_name=REGION)
    # (moto's CloudFormation drops the bucket's versioning and public access block: those
    # are asserted on the template above.)
    policy = json.loads(s3.get_bucket_policy(Bucket=deployed.content_bucket)["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.describe_user_pool(UserPoolId=deployed.user_pool_id)["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["MfaConfiguration"] == "OPTIONAL"
    groups = {
        g["GroupName"] for g in cognito.list_groups(UserPoolId=deployed.user_pool_id)["Groups"]
    }
    assert groups == {"participants", "leaders", "authors", "admins"}
    logs = boto3.client("logs", region_name=REGION)
    retention = {
        g["logGroupName"]: g.get("retentionInDays")
        for g in logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{STACK}-")["logGroups"]
    }
    assert retention == {
        f"/aws/lambda/{STACK}-{n}": 90 for n in ("api", "authorizer", "digests", "reminders")
    }


def test_smoke_flow_against_the_deployed_stack(deployed: Stack, shipped_modules) -> None:  # type: ignore[no-untyped-def]
    from chalice.test import Client

    from app import app

    s3 = boto3.client("s3", region_name=REGION)
    # moto evaluates bucket policies but has no aws:SecureTransport in its request context, and
    # it treats a Deny whose condition does not match as a deny: with the TLS-only policy every
    # request is refused. Real S3 sees TLS (boto3 uses https). Checked above; removed here.
    s3.delete_bucket_policy(Bucket=deployed.content_bucket)
    modules = [m for m in shipped_modules if m.module_id in STARTERS and m.locale == "en"]
    report = Publisher(s3, deployed.content_bucket).publish(modules)
    assert report.ok
    cognito = boto3.client("cognito-idp", region_name=REGION)
    password = "Correct-horse-42"
    participant_id = create_account(
        cognito, deployed, "smoke-participant", password, "participants"
    )
    token = sign_in(cognito, deployed, "smoke-participant", password)

    settings = Settings.from_env(deployed.environment("dev"))
    services.use(
        services.Services.build(settings, TokenVerifier(settings, fetch_jwks_through_moto))
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        with Client(app, stage_name="dev", project_dir=str(ROOT)) as client:
            module = client.http.get(f"/modules/{STARTERS[0]}", headers=headers)
            assert module.status_code == 200, module.body
            version = json.loads(module.body)["version"]
            body = json.dumps({"module_id": STARTERS[0], "version": version})
            done = client.http.post("/me/completions", headers=headers, body=body)
            assert done.status_code == 201, done.body
            again = client.http.post("/me/completions", headers=headers, body=body)
            assert again.status_code == 200
            listed = json.loads(client.http.get("/me/completions", headers=headers).body)
            assert [(c["module_id"], c["version"]) for c in listed["completions"]] == [
                (STARTERS[0], version)
            ]
            # The pool as deployed lets the service require two-step sign-in for a leader.
            create_account(cognito, deployed, "smoke-leader", password, "leaders")
            leader = {
                "Authorization": f"Bearer {sign_in(cognito, deployed, 'smoke-leader', password)}",
                "Content-Type": "application/json",
            }
            group = json.dumps({"name": "Smoke group"})
            refused = client.http.post("/groups", headers=leader, body=group)
            assert (refused.status_code, json.loads(refused.body)["error"]["code"]) == (
                403,
                "mfa_required",
            )
            secret = enrol_authenticator(cognito, deployed, "smoke-leader", password)
            leader["Authorization"] = (
                f"Bearer {sign_in(cognito, deployed, 'smoke-leader', password, secret)}"
            )
            assert client.http.post("/groups", headers=leader, body=group).status_code == 201
    finally:
        services.use(None)
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=deployed.records_table,
        Key={"PK": {"S": f"PARTICIPANT#{participant_id}"}, "SK": {"S": "COMPLETED_VERSIONS"}},
    )
    assert "Item" in item
