"""Publishing: immutable versions, idempotent re-runs, refusal without a bump, old versions kept."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from chalicelib.library import POINTER_TTL_SECONDS, lesson_code
from steady_content import lockfile, pipeline
from steady_content.publish import NEW, REFUSED, UNCHANGED, Publisher
from tests.conftest import CONTENT, as_first_version, shipped_version

MODULE = "breathing-and-grounding"


@pytest.fixture
def publisher(stack, s3) -> Publisher:  # type: ignore[no-untyped-def]
    """The plain publisher: these tests are about publishing itself (conftest's repeats a
    publication into an empty bucket from memory)."""
    return Publisher(s3, stack.content_bucket)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A one-module content folder with its lock, as an author's branch would have."""
    folder = tmp_path / "content"
    (folder / "stress-management").mkdir(parents=True)
    shipped = (CONTENT / "stress-management" / f"{MODULE}.md").read_text(encoding="utf-8")
    (folder / "stress-management" / f"{MODULE}.md").write_text(
        as_first_version(shipped), encoding="utf-8"
    )
    result = pipeline.lint(folder)
    lockfile.write(folder, pipeline.lock_entries(result.modules))
    return folder


def module_file(content: Path) -> Path:
    return content / "stress-management" / f"{MODULE}.md"


def lint(content: Path) -> pipeline.LintResult:
    return pipeline.lint(content)


def statuses(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.status for o in report.outcomes]


def test_publish_edit_without_bump_is_refused_then_bump_serves_both(
    content, publisher, client, participant, library_clock
):
    # 1. publish version 1
    assert statuses(publisher.publish(lint(content).modules)) == [NEW]

    # 2. publishing again is a no-op
    assert statuses(publisher.publish(lint(content).modules)) == [UNCHANGED]

    # 3. edit the text without a bump: lint catches it, and publishing refuses it
    path = module_file(content)
    path.write_text(path.read_text().replace("Welcome.", "Hello there.", 1))
    result = lint(content)
    assert [p.code for p in result.problems] == ["VB001"]
    assert str(result.problems[0]).endswith(
        "VB001 the text changed but version is still 1: bump the version and add a changelog"
    )
    report = publisher.publish(result.modules)
    assert statuses(report) == [REFUSED]
    assert report.outcomes[0].message == (
        f"module {MODULE} version 1 is already published with different content: bump the version"
    )
    served = json.loads(client.http.get(f"/modules/{MODULE}", headers=participant.headers).body)
    assert "Hello there." not in served["html"]

    # 4. bump the version (with a changelog), relock, publish: the new version is served...
    text = path.read_text().replace("version: 1", "version: 2", 1)
    text = text.replace("changelog: First version.", "changelog: Friendlier opening line.", 1)
    path.write_text(text)
    lockfile.write(content, pipeline.lock_entries(lint(content).modules))
    result = lint(content)
    assert result.ok, result.problems
    assert statuses(publisher.publish(result.modules)) == [NEW]
    library_clock.advance(POINTER_TTL_SECONDS)  # warm containers see it once their pointer expires

    latest = json.loads(client.http.get(f"/modules/{MODULE}", headers=participant.headers).body)
    assert latest["version"] == 2 and "Hello there." in latest["html"]
    # ...and the old one still is, unchanged.
    old = json.loads(
        client.http.get(f"/modules/{MODULE}/versions/1", headers=participant.headers).body
    )
    assert old["version"] == 1 and "Hello there." not in old["html"]
    versions = json.loads(
        client.http.get(f"/modules/{MODULE}/versions", headers=participant.headers).body
    )
    assert [(v["version"], v["changelog"]) for v in versions["versions"]] == [
        (2, "Friendlier opening line."),
        (1, "First version."),
    ]
    catalog = json.loads(client.http.get("/modules", headers=participant.headers).body)["modules"]
    assert [(m["id"], m["version"]) for m in catalog] == [(MODULE, 2)]


def test_completion_points_at_the_version_read_even_after_a_new_one(
    content, publisher, client, participant
):
    publisher.publish(lint(content).modules)
    client.http.post(
        "/me/completions",
        headers=participant.headers,
        body=json.dumps({"module_id": MODULE, "version": 1}),
    )
    path = module_file(content)
    path.write_text(
        path.read_text()
        .replace("version: 1", "version: 2", 1)
        .replace("First version.", "Shorter intro.", 1)
    )
    publisher.publish(lint(content).modules)
    listed = json.loads(client.http.get("/me/completions", headers=participant.headers).body)[
        "completions"
    ]
    assert [(c["module_id"], c["version"]) for c in listed] == [(MODULE, 1)]


def test_dry_run_writes_nothing(content, publisher, s3, stack):
    report = publisher.publish(lint(content).modules, dry_run=True)
    assert statuses(report) == [NEW]
    assert s3.list_objects_v2(Bucket=stack.content_bucket).get("KeyCount", 0) == 0


def test_interrupted_publish_is_healed_by_the_next_run(
    content, publisher, s3, stack, client, participant, library_clock
):
    from chalicelib.library import index_key

    publisher.publish(lint(content).modules)
    s3.delete_object(
        Bucket=stack.content_bucket, Key=index_key(MODULE)
    )  # as if we crashed before the pointer
    assert client.http.get(f"/modules/{MODULE}", headers=participant.headers).status_code == 404
    assert statuses(publisher.publish(lint(content).modules)) == [UNCHANGED]
    library_clock.advance(POINTER_TTL_SECONDS)
    assert client.http.get(f"/modules/{MODULE}", headers=participant.headers).status_code == 200


def test_a_published_version_cannot_be_overwritten_even_by_a_racing_publisher(
    content, publisher, s3, stack
):
    from botocore.exceptions import ClientError

    from chalicelib.library import version_key

    publisher.publish(lint(content).modules)
    with pytest.raises(ClientError) as raised:
        s3.put_object(
            Bucket=stack.content_bucket, Key=version_key(MODULE, 1), Body=b"{}", IfNoneMatch="*"
        )
    assert raised.value.response["Error"]["Code"] == "PreconditionFailed"


def bump_and_publish(publisher, tmp_path: Path, topic: str, module_id: str, changelog: str) -> int:  # type: ignore[no-untyped-def]
    """Publish the version after the shipped one of a module with ``changelog`` (used by other
    tests); returns that version."""
    folder = tmp_path / f"bump-{module_id}"
    (folder / topic).mkdir(parents=True)
    text = (CONTENT / topic / f"{module_id}.md").read_text()
    new = shipped_version(module_id) + 1
    text = re.sub(r"^version: \d+$", f"version: {new}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^changelog: .*$", f"changelog: {changelog}", text, count=1, flags=re.MULTILINE)
    text = text.replace("\n## Key points", "\nOne more thing to remember.\n\n## Key points", 1)
    (folder / topic / f"{module_id}.md").write_text(text)
    result = pipeline.lint(folder)
    assert statuses(publisher.publish(result.modules)) == [NEW]
    return new


def publish_tracks(publisher, tracks: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Put a tracks document where the service reads it (the CLI's track publishing is tested elsewhere)."""
    from chalicelib.library import tracks_key

    publisher._put_json(tracks_key(), {"tracks": tracks})


def test_an_image_is_published_inside_the_module_and_shown_on_the_web_page(
    content, publisher, client, participant
):
    from tests.functional.web_client import WebClient, search_library

    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    (content / "stress-management" / "images").mkdir()
    (content / "stress-management" / "images" / "box-breathing.png").write_bytes(picture)
    path = module_file(content)
    path.write_text(
        path.read_text().rstrip("\n")
        + "\n\n![A square traced one side per breath](images/box-breathing.png)\n"
    )
    assert [p.code for p in lint(content).problems] == ["VB001"]  # a picture is a change: bump
    path.write_text(path.read_text().replace("version: 1\n", "version: 2\n", 1))
    result = lint(content)
    lockfile.write(content, pipeline.lock_entries(result.modules))
    assert statuses(publisher.publish(lint(content).modules)) == [NEW]

    embedded = "data:image/png;base64," + base64.b64encode(picture).decode()
    document = json.loads(client.http.get(f"/modules/{MODULE}", headers=participant.headers).body)
    assert document["version"] == 2 and f'src="{embedded}"' in document["html"]
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    page = browser.get(f"/lesson/{lesson_code(MODULE)}")
    assert f'src="{embedded}"' in page.body
    assert "img-src 'self' data:" in page.headers["content-security-policy"]
    # The library search finds a lesson by what its picture shows, never by the picture's bytes.
    assert "Modules found: 1" in search_library(browser, "traced").body
    assert "No module matches" in search_library(browser, "base64").body


def test_the_catalog_carries_the_words_of_each_text_for_the_library_search(
    content, publisher, s3, stack
):
    from chalicelib.library import TEXT_WORDS, catalog_key

    assert statuses(publisher.publish(lint(content).modules)) == [NEW]
    catalog = json.loads(
        s3.get_object(Bucket=stack.content_bucket, Key=catalog_key())["Body"].read()
    )
    words = catalog["modules"][0][TEXT_WORDS].split()
    assert "heartbeat" in words and words == sorted(set(words))
    assert "breath" not in words and "breathing" in words  # found inside "breathing"
    assert not any("<" in w or w != w.lower() for w in words)


def test_the_local_runner_publishes_the_search_words_of_every_module(stack):
    """``make run`` publishes content/ at start (``steady_local.run.publish_content``): its
    catalogs carry the words too, and stay small (a word set, not the text)."""
    import boto3

    from chalicelib.library import LOCALES, TEXT_WORDS, catalog_key
    from steady_local.run import publish_content
    from tests.conftest import REGION

    clients = {"s3": boto3.client("s3", region_name=REGION)}
    summary = publish_content(clients.__getitem__, stack.content_bucket)
    assert re.match(r"\d+ new, 0 unchanged, 0 refused", summary), summary
    for locale in LOCALES:
        body = (
            clients["s3"]
            .get_object(Bucket=stack.content_bucket, Key=catalog_key(locale))["Body"]
            .read()
        )
        modules = json.loads(body)["modules"]
        assert modules and all(m[TEXT_WORDS] for m in modules), locale
        # About 2 KB a module (the whole text would be about 5 KB): a budget, not a measure.
        assert len(body) / len(modules) < 3500, (locale, len(body))


def test_a_test_stack_that_shares_the_publish_gets_what_the_first_one_wrote(stack, tmp_path):
    """``steady_local.published_cache`` (the tests' local stacks only): the first publish into an
    empty bucket is saved; a later one into an empty bucket puts exactly those objects back
    (bodies and content types) with the same summary and publishes nothing itself; a bucket
    with something in it is published into for real."""
    import boto3

    from steady_local import published_cache
    from tests.conftest import REGION

    s3 = boto3.client("s3", region_name=REGION)
    bucket = stack.content_bucket
    published: list[str] = []

    def publish_for_real() -> str:
        published.append(bucket)
        s3.put_object(Bucket=bucket, Key="a.json", Body=b'{"a":1}', ContentType="application/json")
        s3.put_object(Bucket=bucket, Key="b/c.json", Body="é".encode(), ContentType="text/plain")
        return "2 new"

    def bucket_now() -> dict[str, tuple[bytes, str]]:
        found = {}
        for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            got = s3.get_object(Bucket=bucket, Key=entry["Key"])
            found[entry["Key"]] = (got["Body"].read(), got["ContentType"])
        return found

    def publish() -> str:
        return published_cache.publish(lambda _: s3, bucket, tmp_path, publish_for_real)

    assert publish() == "2 new" and len(published) == 1
    first = bucket_now()
    assert first == {
        "a.json": (b'{"a":1}', "application/json"),
        "b/c.json": ("é".encode(), "text/plain"),
    }
    [saved] = tmp_path.glob("published-*.json")
    assert saved.name == f"published-{published_cache.content_key()}.json"
    for key in first:
        s3.delete_object(Bucket=bucket, Key=key)
    assert publish() == "2 new" and len(published) == 1  # put back, not published
    assert bucket_now() == first
    assert publish() == "2 new" and len(published) == 2  # not empty: published for real


def test_the_shared_publishes_kept_are_the_newest_few(tmp_path):
    """The tests' shared publishes (about 1.7 MB each, one per version of the code) do not pile
    up in the temp folder: past ``KEPT``, the oldest go."""
    import os

    from steady_local import published_cache

    for n in range(published_cache.KEPT + 2):
        path = tmp_path / f"published-{n:032d}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    (tmp_path / "publishing.lock").write_text("", encoding="utf-8")

    published_cache._forget_old(tmp_path, keep=published_cache.KEPT)

    left = sorted(p.name for p in tmp_path.glob("published-*.json"))
    assert left == [f"published-{n:032d}.json" for n in range(2, published_cache.KEPT + 2)]
    assert (tmp_path / "publishing.lock").exists()
