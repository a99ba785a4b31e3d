"""Read CloudFormation YAML (short intrinsic tags) and derive .chalice/policy-<stage>.json.

``python -m infra.template policies`` rewrites .chalice/policy-dev.json and policy-prod.json
from infra/resources.yaml; tests/unit/test_policy.py fails when they are out of date.

Why those files exist at all: with ``autogen_policy: false`` Chalice requires a policy file
per stage and copies it into every function role of the packaged template. The merged
template then replaces each role's policy with one that names the stack's real ARNs (table,
bucket, key, pool), so the files are never deployed by the documented path. They hold the
union of the roles' statements with fail-closed placeholders (REGION, ACCOUNT_ID,
USER_POOL_ID, KEY_ID, SENDER_*) where CloudFormation would put real values: a
``chalice deploy`` with them unedited is refused by IAM or matches nothing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "infra" / "resources.yaml"
STAGES = ("dev", "prod")
FUNCTION_ROLES = ("ApiHandlerRole", "CognitoJwtRole", "SendDigestsRole", "SendRemindersRole")


class _Loader(yaml.SafeLoader):
    pass


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _intrinsic)


def load(path: Path | str) -> dict:
    """A CloudFormation template (JSON or YAML with !Ref/!Sub/... tags) as plain data."""
    text = Path(path).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (SafeLoader subclass)


def _placeholders(stage: str) -> dict[str, str]:
    stack = f"steady-{stage}"
    return {
        "AWS::Partition": "aws",
        "AWS::Region": "REGION",
        "AWS::AccountId": "ACCOUNT_ID",
        "AWS::StackName": stack,
        "ContentBucket.Arn": f"arn:aws:s3:::{stack}-content-ACCOUNT_ID",
        "RecordsTable.Arn": f"arn:aws:dynamodb:REGION:ACCOUNT_ID:table/{stack}-records",
        "UserPool.Arn": "arn:aws:cognito-idp:REGION:ACCOUNT_ID:userpool/USER_POOL_ID",
        "DataKey.Arn": "arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID",
        "DigestSenderIdentity": "SENDER_IDENTITY",
        "DigestSender": "SENDER_ADDRESS",
        "ReminderSenderIdentity": "REMINDER_SENDER_IDENTITY",
        "ReminderSender": "REMINDER_SENDER_ADDRESS",
    }


def _render(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [r for r in (_render(v, names) for v in value) if r is not None]
    if not isinstance(value, dict):
        return value
    if "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: names[m.group(1)], value["Fn::Sub"])
    if "Fn::GetAtt" in value:
        return names[".".join(value["Fn::GetAtt"])]
    if "Ref" in value:
        return None if value["Ref"] == "AWS::NoValue" else names[value["Ref"]]
    if "Fn::If" in value:
        return _render(value["Fn::If"][1], names)  # the "on" branch: the widest the policy gets
    return {k: _render(v, names) for k, v in value.items()}


def chalice_policy(stage: str, template: dict | None = None) -> dict:
    """The union of the function roles' statements, merged by Sid, with placeholders."""
    resources = (template or load(RESOURCES))["Resources"]
    names = _placeholders(stage)
    merged: dict[str, dict] = {}
    for role in FUNCTION_ROLES:
        for policy in resources[role]["Properties"]["Policies"]:
            for statement in _render(policy["PolicyDocument"]["Statement"], names):
                target = merged.setdefault(
                    statement["Sid"],
                    {
                        "Sid": statement["Sid"],
                        "Effect": statement["Effect"],
                        "Action": [],
                        "Resource": [],
                    },
                )
                for key in ("Action", "Resource"):
                    for item in _as_list(statement[key]):
                        if item not in target[key]:
                            target[key].append(item)
                if "Condition" in statement:
                    target["Condition"] = statement["Condition"]
    return {"Version": "2012-10-17", "Statement": list(merged.values())}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def policy_path(stage: str) -> Path:
    return ROOT / ".chalice" / f"policy-{stage}.json"


def write_policies() -> None:
    template = load(RESOURCES)
    for stage in STAGES:
        policy_path(stage).write_text(json.dumps(chalice_policy(stage, template), indent=2) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] != ["policies"]:
        sys.exit("usage: python -m infra.template policies")
    write_policies()
