"""``steady-content``: new, lint, preview, diff, lock and publish, driven through click."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from chalicelib import aws as aws_clients
from chalicelib.library import index_key, tracks_key, version_key
from steady_content import lockfile, pipeline, worksheets
from steady_content.cli import main
from steady_content.preview import running
from steady_content.publish import NEW, REFUSED, UNCHANGED, Publisher
from tests.conftest import REGION
from tests.fixtures.modules import module_text, write

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
APPROVED = "review: {status: approved, reviewer: Dr. Rivera, date: 2026-01-10}"
DRAFT = "review: {status: draft, reviewer: null, date: null}"
TRACK = """\
id: first-steps
title: First steps
version: 1
summary: Two modules to start with.
modules:
  - coping
  - cravings
"""


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean, locked content folder: coping (approved), cravings (draft), one track."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "content"
    write(folder, "addiction/coping.md", module_text().replace(DRAFT, APPROVED))
    write(folder, "addiction/cravings.md", module_text(module_id="cravings"))
    write(folder, "tracks/first-steps.yaml", TRACK)
    relock(folder)
    return folder


def relock(folder: Path) -> None:
    lockfile.write(folder, pipeline.lock_entries(pipeline.lint(folder).modules))


# --- lint ------------------------------------------------------------------------------------


def test_lint_prints_path_line_code_message_and_exits_1(monkeypatch):
    monkeypatch.chdir(CORPUS.parent)

    result = run("lint", "--content-dir", "broken")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(
        re.fullmatch(r"broken/[\w./-]+:\d+: [A-Z]{2}\d{3} .+", line) for line in lines
    )
    assert (
        "broken/addiction/script-tag.md:24: HT001 <script> is HTML the sanitiser removes, so "
        "participants would not see it: use Markdown instead" in lines
    )
    assert (
        "broken/tracks/missing-module.yaml:9: TR030 module 'no-such-module' does not exist" in lines
    )
    assert re.search(
        r"\d+ modules \(\d+ with problems\) and \d+ tracks \(\d+ with problems\) checked, "
        r"\d+ problems",
        result.stderr,
    )
    assert "broken/addiction/bad-yaml.md: fix the problems above, then lint checks the version" in (
        result.stderr
    )


def test_lint_json_gives_the_same_problems_with_columns(monkeypatch):
    monkeypatch.chdir(CORPUS.parent)

    text = run("lint", "--content-dir", "broken").stdout.splitlines()
    problems = json.loads(run("lint", "--content-dir", "broken", "--format", "json").stdout)

    assert [f"{p['path']}:{p['line']}: {p['code']} {p['message']}" for p in problems] == text
    stigma = next(
        p for p in problems if p["path"].endswith("stigmatising-term.md") and p["line"] == 24
    )
    assert (stigma["code"], stigma["col"]) == ("LG001", 21)


def test_lint_paths_checks_only_those_files(monkeypatch):
    monkeypatch.chdir(CORPUS.parent)

    result = run(
        "lint",
        "--content-dir",
        "broken",
        "broken/addiction/h1-in-body.md",
        "broken/tracks/good-track.yaml",
    )

    assert result.stdout.splitlines() == [
        "broken/addiction/h1-in-body.md:22: HD001 the body must not have a '# ' heading: the title "
        "comes from 'title:' in the front matter; start sections with '## '"
    ]


def test_lint_a_clean_folder_exits_0_and_prints_nothing(content):
    result = run("lint", "--content-dir", str(content))

    assert (result.exit_code, result.stdout) == (0, "")
    assert "2 modules and 1 track checked, 0 problems" in result.stderr


def test_lint_counts_every_module_file_and_reports_a_missing_bump_in_the_first_round(content):
    # Walk 14: "55 modules ... checked" in a folder of 56; VB001 only after the rest was fixed.
    coping = content / "addiction" / "coping.md"
    coping.write_text(coping.read_text().replace("one slow breath", "one slow breath, an addict"))
    write(content, "addiction/broken.md", "---\nid: broken\nsummary: Remember: this\n---\n")

    result = run("lint", "--content-dir", str(content))

    assert result.exit_code == 1
    found = [line.split(" ")[:2] for line in result.stdout.splitlines()]
    assert found == [
        ["content/addiction/broken.md:3:", "FM002"],
        ["content/addiction/coping.md:4:", "VB001"],
        [found[2][0], "LG001"],
    ]
    assert result.stderr.splitlines() == [
        "content/addiction/broken.md: fix the problems above, then lint checks the version",
        "3 modules (2 with problems) and 1 track checked, 3 problems",
    ]


NOT_TEXT_KEYS = ["1", "~", "true", "2026-01-01", "1.5"]
# Where a key goes in module_text(), and the line it lands on.
KEY_PLACES = [
    ("locale: en\n", 8),  # a field
    ("    url: https://www.samhsa.gov/find-help/national-helpline\n", 16),  # of a reference
]


def with_key(path: Path, after: str, key: str) -> None:
    indent = after[: len(after) - len(after.lstrip())]
    path.write_text(path.read_text().replace(after, f"{after}{indent}{key}: oops\n", 1))


@pytest.mark.parametrize("key", NOT_TEXT_KEYS)
@pytest.mark.parametrize(("after", "line"), KEY_PLACES)
def test_lint_names_a_key_that_is_not_text_at_its_line(content, key, after, line):
    # It crashed in the hash of the module (json.dumps sorting mixed keys): a traceback.
    with_key(content / "addiction" / "coping.md", after, key)

    result = run("lint", "--content-dir", str(content))

    assert result.exit_code == 1
    # The version check runs beside it, as for any other problem: the text did change.
    assert result.stdout.splitlines() == [
        "content/addiction/coping.md:4: VB001 the text changed but version is still 1: "
        "bump the version and add a changelog",
        f"content/addiction/coping.md:{line}: FM015 '{key}' before the colon is read as "
        f"{READ_AS[key]}, not as a name: fields and keys are words, like title or question",
    ]


READ_AS = {
    "1": "a number",
    "1.5": "a number",
    "~": "nothing (null)",
    "true": "true or false",
    "2026-01-01": "a date",
}


def test_lint_names_a_key_that_is_not_text_in_a_question(content):
    path = content / "addiction" / "coping.md"
    path.write_text(
        path.read_text().replace(
            "changelog: First version.\n",
            "changelog: First version.\n"
            "knowledge_check:\n"
            "  - question: What can help on a hard day?\n"
            "    choices: [A slow breath., Nothing at all.]\n"
            "    answer: 0\n"
            "    explanation: A slow breath calms the body.\n"
            "    2026-01-01: oops\n",
        )
    )

    result = run("lint", "--content-dir", str(content))

    assert result.exit_code == 1
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [
        ["content/addiction/coping.md:4:", "VB001"],
        ["content/addiction/coping.md:18:", "FM015"],
    ]


@pytest.mark.parametrize("key", NOT_TEXT_KEYS)
def test_lock_refuses_a_key_that_is_not_text(content, key):
    with_key(content / "addiction" / "coping.md", *KEY_PLACES[0][:1], key)
    locked = (content / "modules.lock.json").read_text()

    result = run("lock", "--content-dir", str(content))

    assert result.exit_code == 1
    assert "content/addiction/coping.md:8: FM015 " in result.stderr
    assert (content / "modules.lock.json").read_text() == locked


# --- new -------------------------------------------------------------------------------------


def test_new_scaffolds_the_house_structure(content):
    result = run("new", "life-skills", "saying-no", "--content-dir", str(content))

    assert result.exit_code == 0, result.output
    path = content / "life-skills" / "saying-no.md"
    assert f"created {path}" in result.stdout
    text = path.read_text()
    source = pipeline.parse(path)[0]
    assert source is not None
    meta = source.meta
    assert (meta["id"], meta["topic"], meta["title"], meta["version"]) == (
        "saying-no",
        "life-skills",
        "Saying no",
        1,
    )
    assert meta["review"] == {"status": "draft", "reviewer": None, "date": None}
    assert meta["objectives"] and meta["knowledge_check"] and meta["references"]
    assert '!!! tip "Try this"' in text
    assert text.rstrip().splitlines()[-4] == "## Key points"


def test_a_new_module_fails_lint_only_on_its_placeholders_until_written(content):
    run("new", "life-skills", "saying-no", "--content-dir", str(content))
    path = content / "life-skills" / "saying-no.md"

    # Until the placeholders are gone the module does not load, so it cannot be locked either.
    assert {p.code for p in pipeline.lint(content).problems} == {"PH001"}
    # ... but it is counted (walk 14: "0 modules and 0 tracks checked, 19 problems").
    checked = run("lint", "--content-dir", str(content), str(path)).stderr.splitlines()[-1]
    assert re.fullmatch(r"1 module \(1 with problems\) and 0 tracks checked, \d+ problems", checked)

    path.write_text(path.read_text().replace("TODO ", ""))
    assert [p.code for p in pipeline.lint(content).problems] == ["VB003"]
    assert run("lock", "--content-dir", str(content)).exit_code == 0
    assert pipeline.lint(content).ok


def test_a_new_module_has_a_commented_worksheet_that_lints_once_uncommented(content):
    # Walk 14: the scaffold had an exercise but never showed the worksheet syntax.
    run("new", "life-skills", "saying-no", "--content-dir", str(content))
    path = content / "life-skills" / "saying-no.md"
    text = path.read_text().replace("TODO ", "")
    assert "<!--\n```worksheet\n" in text and "  plan: coping-skills" in text
    source = pipeline.parse(path)[0]
    assert source is not None and worksheets.parse(source).fields == ()  # commented out

    lines = text.splitlines(keepends=True)
    opening = lines.index("<!--\n")
    del lines[opening]
    del lines[lines.index("-->\n", opening)]
    path.write_text("".join(lines))

    source = pipeline.parse(path)[0]
    assert source is not None
    (field,) = worksheets.parse(source).fields
    assert (field.id, field.kind, field.plan) == ("what-helps-me", "list", "coping-skills")
    # The one worksheet of this small library cannot feed every plan section (WS040).
    problems = [p.code for p in pipeline.lint(content).problems if p.code != "WS040"]
    assert problems == ["VB003"]


@pytest.mark.parametrize(
    "title",
    [
        "Anger: what it tells you",  # a colon: the file failed its own lint (FM002)
        "Why step #2 matters",  # ' #' starts a YAML comment: the title became "Why step"
        "Yes",  # a boolean (FM011)
        "- first steps",  # a list
        "2026",  # a number
        'Say "no" & mean it',
        "It's {fine} [really] *now*",
        "Café: día 1 — sí",
        "   spaces around   ",
        "Two\nlines",
    ],
)
def test_new_writes_the_title_exactly_as_given(content, title):
    result = run("new", "life-skills", "saying-no", "--title", title, "--content-dir", str(content))

    assert result.exit_code == 0, result.output
    source = pipeline.parse(content / "life-skills" / "saying-no.md")[0]
    assert source is not None
    assert source.meta["title"] == title
    assert source.text.splitlines()[2].startswith("title: ")  # on its own line


def test_new_writes_a_plain_title_plainly(content):
    run("new", "life-skills", "saying-no", "--title", "Saying no", "--content-dir", str(content))

    assert "\ntitle: Saying no\n" in (content / "life-skills" / "saying-no.md").read_text()


@pytest.mark.parametrize("module_id", ["yes", "no", "null", "123", "2026-01-01", "0x1f"])
def test_new_keeps_an_id_yaml_would_read_as_something_else(content, module_id):
    run("new", "life-skills", module_id, "--content-dir", str(content))

    source = pipeline.parse(content / "life-skills" / f"{module_id}.md")[0]
    assert source is not None and source.meta["id"] == module_id
    assert {p.code for p in pipeline.lint(content).problems} == {"PH001"}


def test_new_refuses_an_id_longer_than_lint_allows(content):
    # 300 letters: an OSError (File name too long) traceback; 81 made a file lint refuses.
    for module_id in ("a" * 300, "a" * 81):
        result = run("new", "addiction", module_id, "--content-dir", str(content))

        assert result.exit_code == 1
        assert "is not a module id: use a lowercase slug of at most 80 characters" in (
            result.output
        )
        assert sorted(p.name for p in (content / "addiction").iterdir()) == [
            "coping.md",
            "cravings.md",
        ]

    assert run("new", "addiction", "a" * 80, "--content-dir", str(content)).exit_code == 0


@pytest.mark.parametrize("option", ["--title", "ID"])
def test_new_refuses_text_that_is_not_utf8(content, option):
    # Bytes that are not UTF-8 (bash $'\xff') reach Python as a lone surrogate: the title
    # gave a UnicodeEncodeError traceback when the file was written.
    odd = "caf\udcff"
    args = ["saying-no", "--title", odd] if option == "--title" else [odd]

    result = run("new", "life-skills", *args, "--content-dir", str(content))

    assert result.exit_code == 2
    assert f"Invalid value for '{option}': it is not UTF-8 text" in result.output
    assert not (content / "life-skills").exists()


def test_new_says_when_it_cannot_write_the_file(content):
    result = run("new", "addiction", "saying-no", "--content-dir", str(content / ("x" * 300)))

    assert result.exit_code == 1
    assert "Error: cannot write" in result.output and "File name too long" in result.output


def test_new_never_overwrites_a_module(content):
    before = (content / "addiction" / "coping.md").read_text()

    result = run("new", "addiction", "coping", "--content-dir", str(content))

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (content / "addiction" / "coping.md").read_text() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [(["addiction", "Saying_No"], "not a module id"), (["anger", "saying-no"], "Invalid value")],
)
def test_new_refuses_a_bad_id_or_topic(content, args, message):
    result = run("new", *args, "--content-dir", str(content))

    assert result.exit_code != 0
    assert message in result.output


def test_new_translation_starts_from_the_english_original(content):
    result = run("new", "addiction", "coping", "--locale", "es", "--content-dir", str(content))

    assert result.exit_code == 0, result.output
    source = pipeline.parse(content / "addiction" / "coping.es.md")[0]
    assert source is not None
    assert (source.meta["locale"], source.meta["version"], source.meta["review"]["status"]) == (
        "es",
        1,
        "draft",
    )
    assert source.meta["title"] == "Coping with hard days"
    spanish = [p for p in pipeline.lint(content).problems if "coping.es.md" in p.path]
    assert {p.code for p in spanish} == {"PH001", "TL003"}
    # Every text still in English is named at its line: the title first, the body last.
    untranslated = [p.line for p in spanish if p.code == "TL003"]
    assert untranslated[0] == 3
    assert len(untranslated) >= 4  # title, summary, objective, body


def test_new_translation_needs_the_original(content):
    result = run("new", "addiction", "missing", "--locale", "es", "--content-dir", str(content))

    assert result.exit_code == 1
    assert "needs its English original" in result.output


# --- lock ------------------------------------------------------------------------------------


def test_lock_refuses_an_edit_without_a_bump(content):
    path = content / "addiction" / "coping.md"
    path.write_text(path.read_text().replace("one slow breath", "two slow breaths"))

    result = run("lock", "--content-dir", str(content))

    assert result.exit_code == 1
    assert "VB001" in result.stderr


def test_lock_records_a_bump_per_locale(content):
    path = content / "addiction" / "coping.md"
    path.write_text(
        path.read_text()
        .replace("version: 1", "version: 2")
        .replace("First version.", "Two breaths.")
    )

    result = run("lock", "--content-dir", str(content))

    assert result.exit_code == 0, result.output
    assert lockfile.read(content)["coping"] == {
        "en": {"version": 2, "sha256": pipeline.lint(content).modules[0].sha256}
    }


# --- diff ------------------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway repository where coping went through versions 1, 2 and 3 (3 uncommitted)."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q")
    path = write(
        tmp_path / "content", "addiction/coping.md", module_text("Take one slow breath.\n")
    )
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "coping v1")
    path.write_text(
        module_text("Take two slow breaths.\n", version=2).replace(
            "First version.", "Two breaths, not one."
        )
    )
    git(tmp_path, "commit", "-q", "-am", "coping v2")
    path.write_text(
        module_text("Take two slow breaths.\n\nThen stretch.\n", version=3).replace(
            "First version.", "Added a stretch."
        )
    )
    return tmp_path


def test_a_bump_that_keeps_the_previous_changelog_is_vb004_and_lock_refuses_it(repo):
    # coping: version 2 committed ("Two breaths, not one."), version 3 in the working tree.
    content = repo / "content"
    path = content / "addiction" / "coping.md"
    third = path.read_text()
    path.write_text(
        module_text("Take two slow breaths.\n", version=2).replace(
            "First version.", "Two breaths, not one."
        )
    )
    relock(content)  # version 2 is the locked one
    path.write_text(third.replace("Added a stretch.", "Two breaths, not one."))

    lint = run("lint")
    lock = run("lock")

    assert lint.exit_code == 1
    assert lint.stdout.splitlines() == [
        "content/addiction/coping.md:4: VB003 version 3 is not in the version lock: "
        "run 'steady-content lock' and commit it",
        "content/addiction/coping.md:12: VB004 the changelog is still the one of version 2 "
        '("Two breaths, not one."): say in one line what changed in version 3',
    ]
    assert lock.exit_code == 1
    assert "VB004" in lock.stderr
    assert lockfile.read(content)["coping"]["en"]["version"] == 2

    path.write_text(third)  # "Added a stretch."

    assert [p.code for p in pipeline.lint(content).problems] == ["VB003"]
    assert run("lock").exit_code == 0


def test_a_bump_that_keeps_the_changelog_outside_git_is_only_unlocked(content):
    path = content / "addiction" / "coping.md"
    path.write_text(path.read_text().replace("version: 1", "version: 2"))

    result = run("lint", "--content-dir", str(content))

    assert result.exit_code == 1
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["VB003"]


def test_diff_defaults_to_the_last_two_versions_with_their_changelogs(repo):
    result = run("diff", "coping")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"^--- content/addiction/coping.md \(version 2, [0-9a-f]{7,}\)$", out, re.M)
    assert "+++ content/addiction/coping.md (version 3, working tree)" in out
    assert "-version: 2\n+version: 3\n" in out
    assert "+Then stretch.\n" in out
    assert out.endswith("Changelogs:\n  version 3: Added a stretch.\n")


def test_diff_between_two_named_versions_lists_every_changelog_in_between(repo):
    result = run("diff", "coping", "1", "3")

    assert result.exit_code == 0, result.output
    assert "--- content/addiction/coping.md (version 1," in result.stdout
    assert "-Take one slow breath.\n" in result.stdout
    assert result.stdout.endswith(
        "Changelogs:\n  version 2: Two breaths, not one.\n  version 3: Added a stretch.\n"
    )


def test_diff_reads_committed_versions_only_from_git(repo):
    git(repo, "commit", "-q", "-am", "coping v3")
    (repo / "content" / "addiction" / "coping.md").unlink()  # gone from the working tree...
    write(repo / "content", "addiction/coping.md", module_text("Rewritten.\n", version=4, extra=""))

    result = run("diff", "coping", "2", "3")  # ...but versions 2 and 3 are still in the history

    assert result.exit_code == 0, result.output
    assert "+Then stretch.\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["coping", "1", "7"], "version 7 is not in the history"),
        (["coping", "1"], "give two versions"),
        (["nothing-here"], "no module 'nothing-here'"),
    ],
)
def test_diff_explains_what_it_cannot_do(repo, args, message):
    result = run("diff", *args)

    assert result.exit_code != 0
    assert message in result.output


def test_diff_outside_git_says_so(content):
    result = run("diff", "coping", "--content-dir", str(content))

    assert result.exit_code == 1
    assert "git" in result.output.lower()


# --- publish ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    name: str
    s3: Any

    @property
    def env(self) -> dict[str, str]:
        return {"STEADY_CONTENT_BUCKET": self.name}

    def get_json(self, key: str) -> dict | None:
        try:
            return json.loads(self.s3.get_object(Bucket=self.name, Key=key)["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            return None

    def keys(self) -> int:
        return self.s3.list_objects_v2(Bucket=self.name).get("KeyCount", 0)


@pytest.fixture
def bucket(aws_env: None) -> Iterator[Bucket]:
    """Only the content bucket, in moto (the full stack is not needed to publish)."""
    with mock_aws():
        aws_clients.reset()
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="steady-test-content")
        yield Bucket("steady-test-content", s3)
        aws_clients.reset()


@pytest.fixture
def publisher(bucket: Bucket) -> Publisher:
    return Publisher(bucket.s3, bucket.name)


def test_publish_dev_writes_new_versions_and_tracks_with_a_progress_bar(content, bucket):
    result = run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == (
        "2 new, 0 unchanged, 0 refused; tracks: 1 new, 0 unchanged, 0 refused"
    )
    assert f"publishing 2 modules to {bucket.name}" in result.stderr
    assert bucket.get_json(version_key("coping", 1))["version"] == 1
    assert bucket.get_json(tracks_key("en")) == {
        "tracks": [
            {
                "id": "first-steps",
                "title": "First steps",
                "summary": "Two modules to start with.",
                "version": 1,
                "modules": ["coping", "cravings"],
            }
        ]
    }

    again = run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)

    assert again.stdout.strip().splitlines()[-1] == (
        "0 new, 2 unchanged, 0 refused; tracks: 0 new, 1 unchanged, 0 refused"
    )


def test_publish_dry_run_writes_nothing(content, bucket):
    result = run(
        "publish", "--stage", "dev", "--dry-run", "--content-dir", str(content), env=bucket.env
    )

    assert result.exit_code == 0, result.output
    assert "would publish module coping version 1 (en)" in result.stdout
    assert (
        result.stdout.strip().splitlines()[-1].startswith("dry run: 2 new, 0 unchanged, 0 refused")
    )
    assert bucket.keys() == 0


def test_publish_prod_refuses_modules_that_are_not_approved(content, bucket):
    result = run("publish", "--stage", "prod", "--content-dir", str(content), env=bucket.env)

    # Drafts are held back and listed, but they do not fail the run.
    assert result.exit_code == 0, result.output
    # Each refusal names its language, as "would publish" does.
    assert (
        "refused (en): module cravings version 1 is not approved (review status: draft)"
        in result.stderr
    )
    assert "1 new, 0 unchanged, 1 refused; tracks: 0 new, 0 unchanged, 1 refused" in result.stdout
    assert bucket.get_json(index_key("coping")) is not None
    assert bucket.get_json(index_key("cravings")) is None
    # The track lists the draft, so it is not published: no track points at nothing.
    assert bucket.get_json(tracks_key("en")) is None


def test_publish_refuses_changed_text_without_a_bump_and_exits_1(content, bucket):
    run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)
    path = content / "addiction" / "cravings.md"
    path.write_text(path.read_text().replace("one slow breath", "two slow breaths"))
    relock(content)  # as if the author relocked instead of bumping

    result = run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)

    assert result.exit_code == 1
    assert (
        "refused (en): module cravings version 1 is already published with different content"
        in result.stderr
    )
    assert "0 new, 1 unchanged, 1 refused" in result.stdout


@pytest.mark.parametrize("key", ["1", "2026-01-01"])
def test_publish_refuses_a_key_that_is_not_text(content, bucket, key):
    with_key(content / "addiction" / "coping.md", *KEY_PLACES[1][:1], key)

    result = run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)

    assert result.exit_code == 1
    assert "content/addiction/coping.md:16: FM015 " in result.stderr
    assert bucket.keys() == 0


def test_publish_refuses_content_with_lint_problems(content, bucket):
    write(content, "addiction/bad.md", "---\nid: [\n---\n")

    result = run("publish", "--stage", "dev", "--content-dir", str(content), env=bucket.env)

    assert result.exit_code == 1
    assert "FM002" in result.stderr
    assert bucket.keys() == 0


def test_a_track_change_republishes_the_tracks_and_keeps_the_others(content, publisher, bucket):
    write(
        content,
        "tracks/coping-only.yaml",
        TRACK.replace("first-steps", "coping-only").replace("  - cravings\n", ""),
    )
    result = pipeline.lint(content)
    publisher.publish(result.modules, tracks=result.tracks)
    write(
        content,
        "tracks/first-steps.yaml",
        TRACK.replace("version: 1", "version: 2").replace("  - cravings\n", ""),
    )
    result = pipeline.lint(content)

    report = publisher.publish(result.modules, tracks=result.tracks)

    assert [(o.item_id, o.status) for o in report.tracks] == [
        ("coping-only", UNCHANGED),
        ("first-steps", NEW),
    ]
    tracks = bucket.get_json(tracks_key("en"))["tracks"]
    assert [(t["id"], t["version"], t["modules"]) for t in tracks] == [
        ("coping-only", 1, ["coping"]),
        ("first-steps", 2, ["coping"]),
    ]


def test_a_track_whose_modules_are_not_published_keeps_its_previous_entry(
    content, publisher, bucket
):
    result = pipeline.lint(content)
    publisher.publish(result.modules, tracks=result.tracks)
    write(content, "addiction/new-one.md", module_text(module_id="new-one"))
    write(
        content,
        "tracks/first-steps.yaml",
        TRACK.replace("version: 1", "version: 2") + "  - new-one\n",
    )
    relock(content)
    result = pipeline.lint(content)
    without_new_one = [m for m in result.modules if m.module_id != "new-one"]

    report = publisher.publish(without_new_one, tracks=result.tracks)

    (outcome,) = report.tracks
    assert (outcome.status, outcome.blocking) == (REFUSED, True)
    assert "new-one" in outcome.message
    assert bucket.get_json(tracks_key("en"))["tracks"][0]["version"] == 1


# --- preview ---------------------------------------------------------------------------------


def fetch(url: str) -> str:
    with urlopen(url, timeout=5) as response:  # noqa: S310 (a local test server)
        return response.read().decode("utf-8")


def test_preview_shows_the_module_as_participants_see_it_with_the_crisis_resources(content):
    path = content / "addiction" / "coping.md"
    path.write_text(
        path.read_text().replace(
            "---\nTake one slow breath.\n",
            "knowledge_check:\n  - {question: 'What helps?', choices: [A breath., Nothing.], "
            "answer: 0, explanation: Breathing calms the body.}\n---\n"
            "## Breathe\n\nTake one slow breath. See [cravings](cravings.md).\n\n"
            '!!! tip "Try this"\n    Count to four.\n',
        )
    )
    relock(content)
    with running(content) as base:
        page = fetch(f"{base}/modules/coping")

    assert "<h1>Coping with hard days</h1>" in page
    assert '<h2 id="breathe">Breathe</h2>' in page
    assert '<a href="/modules/cravings" rel="noopener noreferrer">cravings</a>' in page
    assert '<p class="admonition-title">Try this</p>' in page
    assert "What helps?" in page and "A breath." in page
    assert "Breathing calms the body." not in page  # answers stay on the server
    assert "988 Suicide &amp; Crisis Lifeline" in page and 'href="tel:988"' in page
    assert "SAMHSA National Helpline" in page and "1-800-662-4357" in page
    assert "lint: no problems" in page


def test_preview_reloads_on_save(content):
    path = content / "addiction" / "coping.md"
    with running(content) as base:
        first = fetch(f"{base}/modules/coping/stamp")
        page = fetch(f"{base}/modules/coping")
        assert f'var seen = "{first}"' in page and "location.reload()" in page

        path.write_text(path.read_text().replace("one slow breath", "one slow, deep breath"))

        assert fetch(f"{base}/modules/coping/stamp") != first
        assert "one slow, deep breath" in fetch(f"{base}/modules/coping")


def test_preview_lists_problems_above_the_module(content):
    path = content / "addiction" / "coping.md"
    path.write_text(
        path.read_text().replace("Take one slow breath.", "# Big title\n\nTake one slow breath.")
    )

    with running(content) as base:
        page = fetch(f"{base}/modules/coping")

    assert "HD001" in page
    assert "<h1>Coping with hard days</h1>" in page  # still shown, as well as it can be


def test_preview_shows_images_beside_the_module_and_nothing_else(content):
    (content / "addiction" / "images").mkdir()
    (content / "addiction" / "images" / "lake.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    path = content / "addiction" / "coping.md"
    path.write_text(
        path.read_text().replace("Take one slow breath.", "![A calm lake](images/lake.png)")
    )

    with running(content) as base:
        page = fetch(f"{base}/modules/coping")
        image = urlopen(f"{base}/content/addiction/images/lake.png", timeout=5).read()  # noqa: S310
        refused = []
        for bad in (
            "/content/addiction/coping.md",
            "/content/addiction/../modules.lock.json",
            "/modules/nope",
        ):
            with pytest.raises(HTTPError) as error:
                fetch(base + bad)
            refused.append(error.value.code)

    # As published: the image travels inside the module (steady_content.images).
    embedded = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    assert f'<img alt="A calm lake" src="{embedded}">' in page
    assert image == b"\x89PNG\r\n\x1a\nfake"  # still served, for a draft that does not build
    assert refused == [404, 404, 404]


def test_preview_answers_the_browsers_icon_request_with_no_content(content):
    """A browser asks every site for /favicon.ico: the preview answers 204 as the web app does,
    not a 404 in the author's console."""
    with running(content) as base:
        answer = urlopen(f"{base}/favicon.ico", timeout=5)  # noqa: S310
        assert (answer.status, answer.read()) == (204, b"")


def test_preview_index_links_every_module(content):
    write(content, "addiction/coping.es.md", module_text("Respira.\n", locale="es"))

    with running(content) as base:
        page = fetch(f"{base}/")
        spanish = fetch(f"{base}/modules/coping?locale=es")

    assert 'href="/modules/coping"' in page and 'href="/modules/cravings"' in page
    assert 'href="/modules/coping?locale=es"' in page
    assert '<html lang="es">' in spanish and "¿Necesita ayuda ahora?" in spanish
