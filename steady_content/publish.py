"""Stage 5: publish version documents to S3, immutably.

Write order, so a reader never sees a pointer to something missing:
1. the version document, ``PutObject`` with ``IfNoneMatch: *``: S3 itself refuses to
   overwrite a published version, even if two publishers race;
2. the module index (latest document + version list);
3. the catalog.

Rules: the same (id, version) with the same sha256 is a no-op; with a different sha256 it is
refused ("bump the version"); older versions are never touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.library import catalog_key, index_key, summary_of, version_key
from steady_content.pipeline import Module, build

NEW, UNCHANGED, REFUSED = "new", "unchanged", "refused"


@dataclass(frozen=True)
class Outcome:
    module_id: str
    version: int
    locale: str
    status: str
    message: str = ""


@dataclass
class PublishReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return self.count(REFUSED) == 0

    def summary(self) -> str:
        return f"{self.count(NEW)} new, {self.count(UNCHANGED)} unchanged, {self.count(REFUSED)} refused"


class Publisher:
    """Publishes modules into ``bucket`` through an injected boto3 S3 client."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def publish(self, modules: list[Module], dry_run: bool = False) -> PublishReport:
        report = PublishReport()
        changed_locales: set[str] = set()
        for module in modules:
            outcome = self.publish_one(module, dry_run=dry_run)
            report.outcomes.append(outcome)
            if outcome.status != REFUSED:
                changed_locales.add(module.locale)
        if not dry_run:
            for locale in sorted(changed_locales):
                self._update_catalog(locale, [m for m in modules if m.locale == locale])
        return report

    def publish_one(self, module: Module, dry_run: bool = False) -> Outcome:
        key = version_key(module.module_id, module.version, module.locale)
        existing = self._get_json(key)
        if existing is not None:
            outcome = self._compare(module, existing)
            if outcome.status == UNCHANGED and not dry_run:
                self._update_index(existing, only_if_missing=True)  # heals an interrupted run
            return outcome
        if dry_run:
            return Outcome(module.module_id, module.version, module.locale, NEW, "would publish")
        document = build(module)
        try:
            self._put_json(key, document, if_none_match=True)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                raise
            # Another publisher wrote this version first: compare with what it wrote.
            return self._compare(module, self._get_json(key) or {})
        self._update_index(document)
        return Outcome(module.module_id, module.version, module.locale, NEW)

    def _compare(self, module: Module, existing: dict) -> Outcome:
        if existing.get("sha256") == module.sha256:
            return Outcome(module.module_id, module.version, module.locale, UNCHANGED)
        return Outcome(
            module.module_id,
            module.version,
            module.locale,
            REFUSED,
            f"module {module.module_id} version {module.version} is already published with "
            "different content: bump the version",
        )

    def _update_index(self, document: dict, only_if_missing: bool = False) -> None:
        key = index_key(document["id"], document["locale"])
        index = self._get_json(key) or {"id": document["id"], "versions": []}
        if only_if_missing and any(v["version"] == document["version"] for v in index["versions"]):
            return
        entry = {
            "version": document["version"],
            "title": document["title"],
            "changelog": document["changelog"],
            "published_at": document["published_at"],
            "sha256": document["sha256"],
        }
        versions = [v for v in index["versions"] if v["version"] != document["version"]] + [entry]
        index["versions"] = sorted(versions, key=lambda v: v["version"])
        latest = index.get("latest")
        if latest is None or document["version"] >= latest["version"]:
            index["latest"] = document
        self._put_json(key, index)

    def _update_catalog(self, locale: str, modules: list[Module]) -> None:
        catalog = self._get_json(catalog_key(locale)) or {"modules": []}
        entries = {m["id"]: m for m in catalog["modules"]}
        for module_id in sorted({m.module_id for m in modules}):
            index = self._get_json(index_key(module_id, locale))
            if index is not None:
                entries[module_id] = summary_of(index["latest"])
        catalog["modules"] = sorted(entries.values(), key=lambda m: (m["topic"], m["title"]))
        self._put_json(catalog_key(locale), catalog)

    def _get_json(self, key: str) -> dict | None:
        try:
            return json.loads(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def _put_json(self, key: str, value: dict, if_none_match: bool = False) -> None:
        extra = {"IfNoneMatch": "*"} if if_none_match else {}
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            ContentType="application/json",
            **extra,
        )
