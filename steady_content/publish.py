"""Stage 5: publish version documents to S3, immutably.

Write order, so a reader never sees a pointer to something missing:
1. the version document, ``PutObject`` with ``IfNoneMatch: *``: S3 itself refuses to
   overwrite a published version, even if two publishers race;
2. the module index (latest document + version list);
3. the catalog (with the words of each module's text, for the library search);
4. the tracks of each locale, each track only once every module it lists is published.

Rules: the same (id, version) with the same sha256 is a no-op; with a different sha256 it is
refused ("bump the version"); older versions are never touched. With ``approved_only`` (the
prod stage) a module whose review status is not ``approved`` is refused too, without failing
the run: drafts may live in main, they just do not reach participants.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.library import (
    DEFAULT_LOCALE,
    TEXT_WORDS,
    WORKSHEET_FIELDS,
    catalog_key,
    index_key,
    summary_of,
    tracks_key,
    version_key,
)
from steady_content.hyphens import soft_hyphenated
from steady_content.pipeline import Module, build
from steady_content.search_words import text_words
from steady_content.tracks import Track

NEW, UNCHANGED, REFUSED = "new", "unchanged", "refused"
APPROVED = "approved"


@dataclass(frozen=True)
class Outcome:
    """What happened to one version of a module or a track (``kind``), named by ``item_id``."""

    item_id: str
    version: int
    locale: str
    status: str
    message: str = ""
    # A refusal that fails the run (a conflict), as opposed to a draft held back from prod.
    blocking: bool = True
    kind: str = "module"


@dataclass
class PublishReport:
    outcomes: list[Outcome] = field(default_factory=list)
    tracks: list[Outcome] = field(default_factory=list)

    def count(self, status: str, kind: str = "module") -> int:
        outcomes = self.outcomes if kind == "module" else self.tracks
        return sum(1 for o in outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        """False if anything was refused for a reason other than a missing approval."""
        return not any(o.status == REFUSED and o.blocking for o in self.outcomes + self.tracks)

    def summary(self) -> str:
        """``2 new, 5 unchanged, 0 refused`` (and the same for tracks, if any)."""
        new, unchanged, refused = (self.count(s) for s in (NEW, UNCHANGED, REFUSED))
        text = f"{new} new, {unchanged} unchanged, {refused} refused"
        if self.tracks:
            text += (
                f"; tracks: {self.count(NEW, 'track')} new, {self.count(UNCHANGED, 'track')} "
                f"unchanged, {self.count(REFUSED, 'track')} refused"
            )
        return text


class Publisher:
    """Publishes modules into ``bucket`` through an injected boto3 S3 client."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def publish(
        self,
        modules: list[Module],
        dry_run: bool = False,
        tracks: list[Track] | None = None,
        approved_only: bool = False,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> PublishReport:
        """Publish every new module version, then the catalogs, then ``tracks``.

        ``on_outcome`` is called after each module (a progress bar); ``approved_only`` holds
        back modules whose review status is not approved (prod).
        """
        report = PublishReport()
        changed_locales: set[str] = set()
        originals = {m.module_id: m.version for m in modules if m.locale == DEFAULT_LOCALE}
        for module in modules:
            if approved_only and module.meta["review"]["status"] != APPROVED:
                outcome = Outcome(
                    module.module_id,
                    module.version,
                    module.locale,
                    REFUSED,
                    f"module {module.module_id} version {module.version} is not approved "
                    f"(review status: {module.meta['review']['status']})",
                    blocking=False,
                )
            else:
                outcome = self.publish_one(
                    module, dry_run=dry_run, source_version=originals.get(module.module_id)
                )
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if outcome.status != REFUSED:
                changed_locales.add(module.locale)
        if not dry_run:
            for locale in sorted(changed_locales):
                self._update_catalog(locale, [m for m in modules if m.locale == locale])
        if tracks:
            report.tracks = self.publish_tracks(tracks, report.outcomes, dry_run)
        return report

    def publish_tracks(
        self, tracks: list[Track], outcomes: list[Outcome], dry_run: bool = False
    ) -> list[Outcome]:
        """Write ``tracks_key(locale)`` for every locale of ``tracks``.

        A track goes out only when every module it lists has a published version in its
        locale (or is about to, in a dry run), so participants never get a track that points
        at nothing; otherwise the track published before stays as it was.
        """
        results: list[Outcome] = []
        held = {(o.item_id, o.locale) for o in outcomes if o.status == REFUSED and not o.blocking}
        about_to = {(o.item_id, o.locale) for o in outcomes if o.status == NEW}
        published: dict[tuple[str, str], bool] = {}

        def is_published(module_id: str, locale: str) -> bool:
            if (module_id, locale) not in published:
                found = self._get_json(index_key(module_id, locale)) is not None
                published[(module_id, locale)] = found or (
                    dry_run and (module_id, locale) in about_to
                )
            return published[(module_id, locale)]

        for locale in sorted({t.locale for t in tracks}):
            document = self._get_json(tracks_key(locale)) or {"tracks": []}
            entries = {t["id"]: t for t in document["tracks"]}
            changed = False
            for track in sorted(
                (t for t in tracks if t.locale == locale), key=lambda t: t.track_id
            ):
                missing = [m for m in track.modules if not is_published(m, locale)]
                if missing:
                    results.append(
                        Outcome(
                            track.track_id,
                            track.version,
                            locale,
                            REFUSED,
                            f"track {track.track_id} lists modules not published in '{locale}': "
                            + ", ".join(missing),
                            blocking=not all((m, locale) in held for m in missing),
                            kind="track",
                        )
                    )
                    continue
                entry = track.entry()
                status = UNCHANGED if entries.get(track.track_id) == entry else NEW
                entries[track.track_id] = entry
                changed = changed or status == NEW
                results.append(Outcome(track.track_id, track.version, locale, status, kind="track"))
            if changed and not dry_run:
                self._put_json(
                    tracks_key(locale), {"tracks": [entries[k] for k in sorted(entries)]}
                )
        return results

    def publish_one(
        self, module: Module, dry_run: bool = False, source_version: int | None = None
    ) -> Outcome:
        """Publish one module version unless it already is; refuse different content.

        A translation is stamped with ``source_version``, the English version published with
        it: a completion of the translation counts as a completion of that English version.
        (Stamped once: a version document never changes, even when the English one moves on.)"""
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
        if module.locale != DEFAULT_LOCALE:
            document["source_version"] = source_version or self._latest_original(module.module_id)
        try:
            self._put_json(key, document, if_none_match=True)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                raise
            # Another publisher wrote this version first: compare with what it wrote.
            return self._compare(module, self._get_json(key) or {})
        self._update_index(document)
        return Outcome(module.module_id, module.version, module.locale, NEW)

    def _compare(self, module: Module, existing: dict[str, Any]) -> Outcome:
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

    def _latest_original(self, module_id: str) -> int | None:
        index = self._get_json(index_key(module_id, DEFAULT_LOCALE)) or {}
        latest = index.get("latest") or {}
        return latest.get("version")

    def _update_index(self, document: dict[str, Any], only_if_missing: bool = False) -> None:
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
                latest = index["latest"]
                # The grid's narrow column headings break long words where the dictionary says.
                heading = soft_hyphenated(latest["title"], locale)
                # Made from the published text, so a run rewrites the words of versions
                # published before the catalog carried them.
                words = text_words(latest)
                entries[module_id] = {
                    **summary_of(latest),
                    "heading": heading,
                    TEXT_WORDS: words,
                    # For the participant's home ("Worksheet: not started"), without the version.
                    WORKSHEET_FIELDS: len((latest.get("worksheet") or {}).get("fields") or []),
                }
        catalog["modules"] = sorted(entries.values(), key=lambda m: (m["topic"], m["title"]))
        self._put_json(catalog_key(locale), catalog)

    def _get_json(self, key: str) -> dict[str, Any] | None:
        try:
            document: dict[str, Any] = json.loads(
                self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
            )
            return document
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def _put_json(self, key: str, value: dict[str, Any], if_none_match: bool = False) -> None:
        extra = {"IfNoneMatch": "*"} if if_none_match else {}
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            ContentType="application/json",
            **extra,
        )
