"""Least privilege: no "*" in an Allow statement's Action or Resource, anywhere we grant.

Checked: every IAM policy in the packaged template of each stage (role inline policies and
managed policies) and .chalice/policy-<stage>.json. The only "*" allowed is a trailing
wildcard where no name can be known in advance, inside a resource this stack names:
- ``...:log-group:/aws/lambda/<this function>:log-stream:*`` (Lambda picks stream names);
- ``<content bucket>/modules/*``, ``/catalog/*``, ``/tracks/*`` (object keys per module id).
Deny statements (the bucket's TLS-only policy) and the KMS key policy (where "*" means "this
key") are not grants to the functions and are checked separately.
"""

from __future__ import annotations

import json
import re

import pytest

from infra import template
from infra.package import package

STAGES = ("dev", "prod")
# What the code calls (grep chalicelib for boto3 calls); TransactWriteItems is authorised
# per item as PutItem / UpdateItem / DeleteItem / ConditionCheckItem (the API's ConditionCheck
# items: records/attention.py mark_seen, records/worksheets.py _unchanged, records/groups.py
# remove_leader). Cognito calls authorised by the caller's own tokens (InitiateAuth,
# RespondToAuthChallenge, GlobalSignOut, AssociateSoftwareToken, VerifySoftwareToken,
# SetUserMFAPreference, ChangePassword) need no IAM grant, so none is here.
EXPECTED_ACTIONS = {
    "ApiHandlerRole": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:ListBucket",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminListGroupsForUser",
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminAddUserToGroup",
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:ListUsersInGroup",  # never ListUsers: see test_no_role_may_look_accounts_up_by_id
        "cognito-idp:AdminSetUserPassword",  # a new temporary password (not permanent)
        "cognito-idp:AdminSetUserMFAPreference",
        "cognito-idp:AdminUserGlobalSignOut",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "ses:SendEmail",
        "sns:Publish",
    },
    "CognitoJwtRole": {"logs:CreateLogStream", "logs:PutLogEvents"},
    "SendDigestsRole": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:ListBucket",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",  # giving back a digest's claim when its send failed for good
        "cognito-idp:ListUsersInGroup",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "ses:SendEmail",
    },
    "SendRemindersRole": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:ListBucket",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "ses:SendEmail",
        "ses:SendRawEmail",  # a reminder's one-click stop headers (RFC 8058)
        "sns:Publish",
        "sns:CheckIfPhoneNumberIsOptedOut",
    },
}
# Text messages (chalicelib.reminders): SNS Publish to a phone number has no ARN and
# CheckIfPhoneNumberIsOptedOut has no resource type, so IAM needs Resource "*" for exactly
# these two statements; every topic is denied beside them (NO_TOPICS, checked below).
NO_ARN = {"SendTextMessage": ["sns:Publish"], "TextOptOuts": ["sns:CheckIfPhoneNumberIsOptedOut"]}
NO_TOPICS = "NoTopics"
_ALLOWED_STAR = re.compile(
    r"(:log-group:/aws/lambda/[A-Za-z0-9${}:_.-]+:log-stream:\*"
    r"|content-?[A-Za-z0-9${}:_.-]*/(modules|catalog|tracks)/\*"
    r"|\$\{ContentBucket\.Arn\}/(modules|catalog|tracks)/\*)$"
)


@pytest.fixture(scope="module", params=STAGES)
def packaged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return package(request.param, tmp_path_factory.mktemp(f"package-{request.param}"))


def _strings(value: object) -> list[str]:
    """Every string in an Action/Resource value, intrinsic functions included (Fn::Sub text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _statements(document: dict) -> list[dict]:
    found = []
    for statement in document.get("Statement", []):
        if "Fn::If" in statement:  # a conditional statement: check both branches
            found.extend(
                s for s in statement["Fn::If"][1:] if isinstance(s, dict) and "Effect" in s
            )
        else:
            found.append(statement)
    return found


def _grants(tpl: dict) -> list[tuple[str, dict]]:
    grants = []
    for name, resource in tpl["Resources"].items():
        props = resource.get("Properties", {})
        documents = []
        if resource["Type"] == "AWS::IAM::Role":
            documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
            assert not props.get("ManagedPolicyArns"), f"{name}: managed policies hide their grants"
        elif resource["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            documents = [props["PolicyDocument"]]
        for document in documents:
            grants.extend((name, s) for s in _statements(document) if s["Effect"] == "Allow")
    return grants


def _no_arn(statement: dict) -> bool:
    """One of the two statements IAM allows only with Resource "*" (see NO_ARN)."""
    return (
        statement.get("Effect", "Allow") == "Allow"
        and statement.get("Sid") in NO_ARN
        and _strings(statement["Action"]) == NO_ARN[statement["Sid"]]
        and _strings(statement["Resource"]) == ["*"]
    )


def _wildcards(statement: dict) -> list[str]:
    if _no_arn(statement):
        return []
    bad = [a for a in _strings(statement["Action"]) if "*" in a]
    bad += [r for r in _strings(statement["Resource"]) if "*" in r and not _ALLOWED_STAR.search(r)]
    bad += [r for r in _strings(statement["Resource"]) if r.count("*") > 1]
    return bad


def test_no_wildcard_in_any_grant_of_the_packaged_template(packaged: dict) -> None:
    grants = _grants(packaged)
    assert len(grants) >= 10
    problems = {f"{name}/{s.get('Sid')}": _wildcards(s) for name, s in grants if _wildcards(s)}
    assert problems == {}


def test_every_function_role_has_exactly_the_actions_its_code_uses(packaged: dict) -> None:
    for role, expected in EXPECTED_ACTIONS.items():
        actions = {
            a for name, s in _grants(packaged) if name == role for a in _strings(s["Action"])
        }
        assert actions == expected, role


def test_grants_name_this_stacks_resources(packaged: dict) -> None:
    """Data-plane grants point at the table, bucket, pool and key of this stack (GetAtt/Sub)."""
    for name, statement in _grants(packaged):
        if _no_arn(statement):
            continue
        for resource in statement["Resource"]:
            assert isinstance(resource, dict), f"{name}/{statement['Sid']}: literal ARN {resource}"
            text = json.dumps(resource)
            assert any(
                ref in text
                for ref in (
                    "RecordsTable",
                    "ContentBucket",
                    "UserPool",
                    "DataKey",
                    "AWS::StackName",
                    "DigestSenderIdentity",
                    "ReminderSenderIdentity",
                )
            ), f"{name}/{statement['Sid']}: {text}"


@pytest.mark.parametrize("stage", STAGES)
def test_chalice_policy_files_have_no_wildcards_and_are_generated(stage: str) -> None:
    path = template.policy_path(stage)
    document = json.loads(path.read_text())
    for statement in _statements(document):
        if statement["Effect"] == "Deny":
            assert statement["Sid"] == NO_TOPICS
            continue
        assert statement["Effect"] == "Allow"
        assert _wildcards(statement) == [], statement["Sid"]
    assert document == template.chalice_policy(stage), (
        f"{path} is out of date: run `python -m infra.template policies`"
    )


def test_no_role_may_look_accounts_up_by_id(packaged: dict) -> None:
    """No function is granted Cognito's ListUsers, the lookup of an account by id: group records
    keep the usernames the API needs (``records/groups.py``). ListUsersInGroup stays where
    ``EXPECTED_ACTIONS`` says (an admin's account lists, the digest's leaders)."""
    granted = {a for _, s in _grants(packaged) for a in _strings(s["Action"])}
    assert "cognito-idp:ListUsers" not in granted
    for stage in STAGES:
        document = json.loads(template.policy_path(stage).read_text())
        assert "cognito-idp:ListUsers" not in {
            a for s in _statements(document) for a in _strings(s["Action"])
        }


def test_the_only_wildcards_left_are_a_deny_and_the_key_policy(packaged: dict) -> None:
    resources = packaged["Resources"]
    bucket_policy = resources["ContentBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Effect"] for s in bucket_policy] == ["Deny"]
    assert bucket_policy[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    key_policy = resources["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert [s["Principal"] for s in key_policy] == [
        {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    ]


def test_roles_that_may_text_cannot_publish_to_any_topic(packaged: dict) -> None:
    for role in ("ApiHandlerRole", "SendRemindersRole"):
        statements = [
            s
            for p in packaged["Resources"][role]["Properties"]["Policies"]
            for s in _statements(p["PolicyDocument"])
        ]
        deny = next(s for s in statements if s["Sid"] == NO_TOPICS)
        assert deny["Effect"] == "Deny" and _strings(deny["Action"]) == ["sns:Publish"]
        assert _strings(deny["Resource"]) == ["arn:${AWS::Partition}:sns:*:*:*"]


def test_the_allowance_itself_is_narrow() -> None:
    assert _wildcards(
        {"Sid": "SendTextMessage", "Action": ["sns:Publish", "sns:Subscribe"], "Resource": "*"}
    )
    assert _wildcards({"Sid": "Other", "Action": ["sns:Publish"], "Resource": "*"})
    assert _wildcards({"Action": ["s3:*"], "Resource": []}) == ["s3:*"]
    assert _wildcards({"Action": [], "Resource": ["arn:aws:s3:::b/*"]}) == ["arn:aws:s3:::b/*"]
    assert _wildcards({"Action": [], "Resource": ["arn:aws:cognito-idp:r:a:userpool/*"]})
    assert _wildcards(
        {"Action": [], "Resource": ["arn:aws:logs:*:*:log-group:/aws/lambda/x:log-stream:*"]}
    )
    assert (
        _wildcards({"Action": [], "Resource": [{"Fn::Sub": "${ContentBucket.Arn}/modules/*"}]})
        == []
    )
