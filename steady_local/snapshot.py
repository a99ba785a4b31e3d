"""Save and restore the local stand-in's data, because moto keeps nothing across restarts.

What is saved (JSON, under a git-ignored folder):
- every DynamoDB item of the records table (read from moto's objects, like the users),
- every S3 object of the content bucket (base64),
- every Cognito user of the pool: username, ``sub``, groups, status, whether it is enabled,
  password and whether it has an authenticator (the secret itself is moto's; see
  ``steady_local.run``).

Restoring recreates users through the API, then sets their ``sub`` and password on moto's
in-process objects: Cognito never lets a client choose a ``sub``, and every record is keyed
by it. Like an upgrade in AWS, it then writes the items a newer release keeps (the
saved-worksheets item, usernames on enrolments and leader items) where an older snapshot has
none. This module therefore needs moto running in this process (``steady_local.server``).
"""

from __future__ import annotations

import base64
import json
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from steady_local.provision import Stack

MOTO_ACCOUNT = "123456789012"
# What moto keeps on a user about its authenticator.
_MFA_FIELDS = ("token_verified", "software_token_mfa_enabled", "preferred_mfa_setting")


def _moto_users(stack: Stack) -> dict[str, Any]:
    from moto.backends import get_backend

    backend = get_backend("cognito-idp")[MOTO_ACCOUNT][stack.region]
    return backend.user_pools[stack.user_pool_id].users


def _moto_table(stack: Stack) -> Any:
    from moto.backends import get_backend

    return get_backend("dynamodb")[MOTO_ACCOUNT][stack.region].tables[stack.records_table]


def dump(
    clients: Any,
    stack: Stack,
    moto_lock: AbstractContextManager | None = None,
    bodies: dict[tuple[str, str], str] | None = None,
) -> dict:
    """Everything the local stack holds, as plain JSON-able data.

    ``moto_lock`` guards the direct reads of moto's objects (moto is not thread-safe).
    ``bodies`` keeps the object bodies of earlier dumps by key and ETag: published versions
    never change, and fetching every one again after each write kept the single-threaded
    moto server busy enough for the service's own calls to time out on a loaded machine.
    """
    s3 = clients("s3")
    with moto_lock or nullcontext():
        # Read in this process rather than through paged Scans over HTTP: one consistent copy,
        # in milliseconds, instead of seconds of the moto server's time the service waits for.
        items = [item.to_json()["Attributes"] for item in _moto_table(stack).all_items()]
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack.content_bucket):
        for entry in page.get("Contents", []):
            seen = (entry["Key"], entry["ETag"])
            encoded = bodies.get(seen) if bodies is not None else None
            if encoded is None:
                body = s3.get_object(Bucket=stack.content_bucket, Key=entry["Key"])["Body"].read()
                encoded = base64.b64encode(body).decode()
                if bodies is not None:
                    bodies[seen] = encoded
            objects.append({"key": entry["Key"], "body": encoded})
    users = []
    with moto_lock or nullcontext():
        moto_users = sorted(_moto_users(stack).items())
    for username, user in moto_users:
        users.append(
            {
                "username": username,
                "sub": user.id,
                "password": user.password,
                "status": user.status,
                "enabled": bool(user.enabled),
                "attributes": [a for a in user.attributes if a["Name"] != "sub"],
                "groups": sorted(g.group_name for g in user.groups),
                "mfa": {name: getattr(user, name, None) for name in _MFA_FIELDS},
            }
        )
    return {"items": items, "objects": objects, "users": users}


def save(
    clients: Any,
    stack: Stack,
    path: Path,
    moto_lock: AbstractContextManager | None = None,
    bodies: dict[tuple[str, str], str] | None = None,
) -> None:
    """Write a snapshot atomically (a crash mid-write never leaves half a file)."""
    data = dump(clients, stack, moto_lock, bodies)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _rebuild_saved_worksheets(dynamodb: Any, stack: Stack, items: list[dict[str, Any]]) -> None:
    """A snapshot may hold worksheets saved before the saved-worksheets item existed, or by an
    older checkout: write that item afresh for each participant who has worksheets."""
    from chalicelib.records.keys import WORKSHEET_PREFIX, participant_id_of
    from chalicelib.records.worksheets import WorksheetRecords

    with_sheets = {i["PK"]["S"] for i in items if i["SK"]["S"].startswith(WORKSHEET_PREFIX)}
    records = WorksheetRecords(dynamodb, stack.records_table)
    for pk in sorted(with_sheets):
        records.rebuild_saved(participant_id_of(pk))


def _fill_usernames(dynamodb: Any, stack: Stack, users: list[dict[str, Any]]) -> None:
    """A snapshot may hold enrolments and leader items written before usernames were kept with
    them, or by an older checkout: fill them in, as the usernames upgrade step does in AWS
    (``chalicelib.upgrade``), for the snapshot's participants and group leaders. Without it a
    new temporary password for such a participant is refused (``username_not_recorded``) and
    such a leader is "username not on record" on the group page."""
    from chalicelib.accounts import Account
    from chalicelib.identity import LEADERS, PARTICIPANTS
    from chalicelib.records.groups import GroupRecords
    from chalicelib.upgrade import leader_usernames, member_usernames

    def in_role(role: str) -> list[Account]:
        return [
            Account(u["sub"], u["username"], frozenset({role}), bool(u.get("enabled", True)))
            for u in users
            if role in u["groups"]
        ]

    records = GroupRecords(dynamodb, stack.records_table)
    failed = member_usernames(records, in_role(PARTICIPANTS))[2]
    failed += leader_usernames(records, in_role(LEADERS))[2]
    if failed:
        print(f"usernames: {failed} accounts not filled; restart to try again", file=sys.stderr)


def restore(clients: Any, stack: Stack, path: Path) -> int:
    """Load a snapshot into a freshly provisioned stack; return how many records it held."""
    if not path.exists():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    dynamodb, s3, cognito = clients("dynamodb"), clients("s3"), clients("cognito-idp")
    for start in range(0, len(data["items"]), 25):
        batch = [{"PutRequest": {"Item": i}} for i in data["items"][start : start + 25]]
        dynamodb.batch_write_item(RequestItems={stack.records_table: batch})
    _rebuild_saved_worksheets(dynamodb, stack, data["items"])
    for obj in data["objects"]:
        s3.put_object(
            Bucket=stack.content_bucket, Key=obj["key"], Body=base64.b64decode(obj["body"])
        )
    for user in data["users"]:
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id,
            Username=user["username"],
            UserAttributes=user["attributes"],
            MessageAction="SUPPRESS",
        )
        for group in user["groups"]:
            cognito.admin_add_user_to_group(
                UserPoolId=stack.user_pool_id, Username=user["username"], GroupName=group
            )
        moto_user = _moto_users(stack)[user["username"]]
        moto_user.id = user["sub"]
        moto_user.update_attributes([{"Name": "sub", "Value": user["sub"]}])
        moto_user.password = user["password"]
        moto_user.status = user["status"]
        # A disabled account stays disabled across a restart (older snapshots: enabled).
        moto_user.enabled = bool(user.get("enabled", True))
        for name, value in (user.get("mfa") or {}).items():
            if name in _MFA_FIELDS:
                setattr(moto_user, name, value)
    _fill_usernames(dynamodb, stack, data["users"])
    return len(data["items"])
