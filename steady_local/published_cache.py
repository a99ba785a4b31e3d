"""For the tests' local stacks only: publish ``content/`` into an empty bucket once, not once per
stack.

Every browser and fuzz worker starts its own local stack, and each linted and published the
same content into the same empty bucket (about 12 s of a 18 s start, most of it over HTTP to
moto). When ``STEADY_LOCAL_PUBLISHED_CACHE`` names a folder (the tests set it; ``make run``
never does), the first stack that publishes into an empty bucket saves what it wrote there and
its summary, under a key made of every file that decides what is published (``content/``,
``steady_content/``, ``chalicelib/``); a later stack with the same key and an empty bucket puts
those objects back and prints the same summary. A bucket with something in it (a restored
snapshot) is published into for real, as is anything when the folder is not set.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV = "STEADY_LOCAL_PUBLISHED_CACHE"
_SOURCES = ("content", "steady_content", "chalicelib")


def content_key(root: Path = ROOT) -> str:
    """A hash of every file that decides what a publish of ``content/`` writes."""
    digest = hashlib.sha256()
    for folder in _SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def publish(
    clients: Callable[[str], Any],
    bucket: str,
    folder: Path,
    publish_for_real: Callable[[], str],
) -> str:
    """``publish_for_real()``'s summary, or the same publish put back from ``folder``."""
    s3 = clients("s3")
    if s3.list_objects_v2(Bucket=bucket, MaxKeys=1).get("KeyCount", 0):
        return publish_for_real()
    folder.mkdir(parents=True, exist_ok=True)
    # Stacks started together (one a worker) take turns: the first publishes, the others then
    # put its objects back rather than each publishing too on the same two cores.
    with (folder / "publishing.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish_once(s3, bucket, folder, publish_for_real)


def _publish_once(s3: Any, bucket: str, folder: Path, publish_for_real: Callable[[], str]) -> str:
    saved = folder / f"published-{content_key()}.json"
    if saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
        for entry in data["objects"]:
            s3.put_object(
                Bucket=bucket,
                Key=entry["key"],
                Body=base64.b64decode(entry["body"]),
                ContentType=entry["content_type"],
            )
        return str(data["summary"])
    summary = publish_for_real()
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            got = s3.get_object(Bucket=bucket, Key=item["Key"])
            objects.append(
                {
                    "key": item["Key"],
                    "body": base64.b64encode(got["Body"].read()).decode(),
                    "content_type": got["ContentType"],
                }
            )
    # Written whole, then renamed: a stack starting meanwhile never reads half a file.
    tmp = saved.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"summary": summary, "objects": objects}), encoding="utf-8")
    tmp.replace(saved)
    _forget_old(folder, keep=KEPT)
    return summary


# Publishes kept (about 1.7 MB each): one per version of the code and content a checkout has
# tested lately. Older ones go, under the lock, so no stack is reading them.
KEPT = 4


def _forget_old(folder: Path, keep: int) -> None:
    saved = sorted(folder.glob("published-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[keep:]:
        old.unlink(missing_ok=True)
