"""steady_content.pipeline: lint a content folder (ids, version lock) and build documents."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from steady_content import lockfile, pipeline
from tests.fixtures.modules import write

ROOT = Path(__file__).resolve().parents[2]


def module_text(
    module_id: str = "coping",
    topic: str = "addiction",
    version: int = 1,
    title: str = "Coping with hard days",
    body: str = "## Try it\n\nTake one slow breath.\n",
    changelog: str | None = None,
    review: str = "  status: draft\n  reviewer: null\n  date: null\n",
) -> str:
    changelog_line = f"changelog: {changelog}\n" if changelog else ""
    return (
        "---\n"
        f"id: {module_id}\n"  # line 2
        f"title: {title}\n"  # line 3
        f"version: {version}\n"  # line 4
        f"topic: {topic}\n"
        "summary: Small steps can help you get through a hard day.\n"
        "objectives:\n"
        "  - Name one way to cope with a hard day.\n"
        "tags: [coping]\n"
        "review:\n" + review + "references:\n"
        "  - title: SAMHSA National Helpline\n"
        "    url: https://www.samhsa.gov/find-help/national-helpline\n" + changelog_line + "---\n"
        "\n" + body
    )


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty content folder; the working directory is it, so problems show 'topic/id.md'."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lock(content: Path) -> None:
    result = pipeline.lint(content)
    assert [p.code for p in result.problems if not p.code.startswith("VB")] == []
    lockfile.write(content, pipeline.lock_entries(result.modules))


def codes(content: Path) -> list[tuple[str, str, int]]:
    return [(p.path, p.code, p.line) for p in pipeline.lint(content).problems]


# --- Discovery and duplicate ids -------------------------------------------------------------


def test_discover_finds_modules_in_topic_folders_only(content):
    write(content, "addiction/coping.md", module_text())
    write(content, "addiction/coping.es.md", module_text())
    write(content, "drafts/idea.md", "not a module")
    write(content, "README.md", "not a module")
    write(content, "addiction/notes.txt", "not a module")

    found = pipeline.discover(content)

    assert found == [content / "addiction/coping.es.md", content / "addiction/coping.md"]


def test_duplicate_id_in_two_topic_folders_is_id001_at_the_id_line(content):
    write(content, "addiction/coping.md", module_text(topic="addiction"))
    write(content, "mental-health/coping.md", module_text(topic="mental-health"))

    problems = [p for p in pipeline.lint(content).problems if p.code == "ID001"]

    assert [(p.path, p.line) for p in problems] == [("mental-health/coping.md", 2)]
    assert problems[0].message == "id 'coping' is already used by addiction/coping.md"


def test_same_id_in_two_locales_is_not_a_duplicate(content):
    write(content, "addiction/coping.md", module_text())
    spanish = module_text().replace("version: 1\n", "version: 1\nlocale: es\n")
    write(content, "addiction/coping.es.md", spanish)

    assert [c for c in codes(content) if c[1] == "ID001"] == []


def test_problem_paths_are_relative_to_the_working_directory(content, monkeypatch):
    write(content, "addiction/coping.md", module_text())
    monkeypatch.chdir(content.parent)

    (problem,) = pipeline.lint(content).problems

    assert problem.path == f"{content.name}/addiction/coping.md"


def test_a_file_that_is_not_utf8_is_fm004(content):
    (content / "addiction").mkdir()
    (content / "addiction/coping.md").write_bytes(b"---\nid: caf\xe9\n---\n")

    assert codes(content) == [("addiction/coping.md", "FM004", 1)]


def test_per_file_problems_stop_the_module_from_loading(content):
    write(content, "addiction/coping.md", module_text(version=0))

    result = pipeline.lint(content)

    assert result.modules == []
    assert [(p.code, p.line) for p in result.problems] == [("FM011", 4)]
    assert not result.ok


# --- The version lock ------------------------------------------------------------------------


def test_a_module_missing_from_the_lock_is_vb003(content):
    write(content, "addiction/coping.md", module_text())

    assert codes(content) == [("addiction/coping.md", "VB003", 4)]


def test_a_locked_module_is_clean(content):
    write(content, "addiction/coping.md", module_text())
    lock(content)

    result = pipeline.lint(content)

    assert result.problems == []
    assert result.ok
    assert [(m.module_id, m.version, m.locale) for m in result.modules] == [("coping", 1, "en")]


def test_changed_text_at_the_same_version_is_vb001(content):
    write(content, "addiction/coping.md", module_text())
    lock(content)
    write(content, "addiction/coping.md", module_text(body="## Try it\n\nTake two slow breaths.\n"))

    problems = pipeline.lint(content).problems

    assert [(p.code, p.line) for p in problems] == [("VB001", 4)]
    assert "bump the version" in problems[0].message


def test_a_missing_bump_is_reported_in_the_same_round_as_the_other_problems(content):
    # Walk 14: the author fixed four problems, then met VB001, true from the start.
    write(content, "addiction/coping.md", module_text())
    lock(content)
    changed = "# A second title\n\n## Try it\n\nTake two slow breaths.\n"
    write(content, "addiction/coping.md", module_text(body=changed))

    assert {code for _, code, _ in codes(content)} == {"HD001", "VB001"}


def test_a_lowered_version_is_reported_with_the_other_problems(content):
    write(content, "addiction/coping.md", module_text(version=2, changelog="Shorter."))
    lock(content)
    write(content, "addiction/coping.md", module_text(body="# Title\n\n## Try it\n\nOne.\n"))

    assert {code for _, code, _ in codes(content)} == {"HD001", "VB002"}


def test_a_module_whose_version_cannot_be_read_is_named_as_not_version_checked(content):
    write(content, "addiction/coping.md", module_text())
    lock(content)
    write(content, "addiction/broken.md", "---\nid: broken\nsummary: Remember: this\n---\n")
    write(
        content,
        "addiction/wordy.md",
        module_text(module_id="wordy").replace("version: 1", "version: one"),
    )

    result = pipeline.lint(content)

    assert result.unversioned == ["addiction/broken.md", "addiction/wordy.md"]
    assert result.summary() == "3 modules (2 with problems) and 0 tracks checked, 2 problems"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (False, "1 module and 0 tracks checked, 0 problems"),
        # Walk 14: "55 modules" in a folder of 56, the broken one left out of the count.
        (True, "2 modules (1 with problems) and 0 tracks checked, 1 problem"),
    ],
)
def test_the_summary_counts_every_module_file_clean_or_not(content, broken, expected):
    write(content, "addiction/coping.md", module_text())
    lock(content)
    if broken:
        write(content, "addiction/broken.md", "--\nid: broken\n---\n")

    assert pipeline.lint(content).summary() == expected


def test_a_version_lower_than_the_lock_is_vb002(content):
    write(content, "addiction/coping.md", module_text(version=2, changelog="Clearer steps."))
    lock(content)
    write(content, "addiction/coping.md", module_text(version=1))

    problems = pipeline.lint(content).problems

    assert [(p.code, p.line) for p in problems] == [("VB002", 4)]
    assert problems[0].message == "version 1 is lower than the locked version 2"


def test_bumping_then_relocking_is_clean(content):
    write(content, "addiction/coping.md", module_text())
    lock(content)
    write(
        content,
        "addiction/coping.md",
        module_text(version=2, changelog="Two breaths.", body="Take two slow breaths.\n"),
    )

    assert codes(content) == [("addiction/coping.md", "VB003", 4)]  # bumped, not yet locked

    lock(content)

    assert codes(content) == []
    assert lockfile.read(content)["coping"]["en"]["version"] == 2


def test_approving_a_locked_module_needs_no_bump(content):
    write(content, "addiction/coping.md", module_text())
    lock(content)
    approved = "  status: approved\n  reviewer: Dr. Rivera\n  date: 2026-01-10\n"
    write(content, "addiction/coping.md", module_text(review=approved))

    assert codes(content) == []


# --- source_hash -----------------------------------------------------------------------------


META = {"id": "coping", "title": "Coping", "version": 1, "review": {"status": "draft"}}


def test_source_hash_is_a_sha256_hex_digest():
    assert re.fullmatch(r"[0-9a-f]{64}", pipeline.source_hash(META, "Body.\n"))


def test_source_hash_ignores_the_review_block():
    approved = {**META, "review": {"status": "approved", "reviewer": "Dr. Rivera"}}
    no_review = {k: v for k, v in META.items() if k != "review"}

    assert pipeline.source_hash(approved, "Body.\n") == pipeline.source_hash(META, "Body.\n")
    assert pipeline.source_hash(no_review, "Body.\n") == pipeline.source_hash(META, "Body.\n")


def test_source_hash_ignores_key_order():
    reordered = dict(reversed(list(META.items())))
    assert pipeline.source_hash(reordered, "Body.\n") == pipeline.source_hash(META, "Body.\n")


def test_source_hash_of_text_keys_is_as_it_always_was():
    # Every locked module's hash: the canonical JSON of the fields, then the body.
    assert pipeline.source_hash(META, "Body.\n") == (
        "ecf56726cba5cf70a8a5ca8c147c9e5f01ba407c719cd327a46294bb1a292305"
    )


def test_source_hash_takes_keys_that_are_not_text():
    # Lint reports them (FM015) beside the version checks, which hash the module first.
    odd = {**META, 2: "a", None: "b", True: "c", 1.5: "d", date(2026, 1, 1): "e"}
    nested = {**META, "references": [{"title": "T", "url": "https://x.org", 2: "f"}]}

    assert pipeline.source_hash(odd, "Body.\n") != pipeline.source_hash(META, "Body.\n")
    assert pipeline.source_hash(nested, "Body.\n") != pipeline.source_hash(META, "Body.\n")


@pytest.mark.parametrize(
    ("meta", "body"),
    [
        ({**META, "title": "Coping well"}, "Body.\n"),
        ({**META, "tags": ["coping"]}, "Body.\n"),
        (META, "Body!\n"),
        (META, "Body.\n\n"),
    ],
)
def test_source_hash_changes_with_what_participants_see(meta, body):
    assert pipeline.source_hash(meta, body) != pipeline.source_hash(META, "Body.\n")


# --- build -----------------------------------------------------------------------------------


def unchecked(path: Path) -> pipeline.Module:
    """A module that skipped lint: build must still be safe (defence in depth)."""
    source, problems = pipeline.parse(path)
    assert problems == [] and source is not None
    return pipeline.Module.of(source)


def test_build_makes_a_sanitised_version_document(content):
    body = textwrap.dedent(
        """\
        ## Know your triggers

        Some text <script>alert(1)</script> and [a link](javascript:alert(2)).

        <img src="https://example.org/a.png" onerror="alert(3)">

        ### Going deeper

        More text.
        """
    )
    approved = "  status: approved\n  reviewer: Dr. Rivera\n  date: 2026-01-10\n"
    path = write(content, "addiction/coping.md", module_text(body=body, review=approved))
    assert {"HT001", "LK002", "HT002"} <= {p.code for p in pipeline.lint(content).problems}
    module = unchecked(path)

    document = pipeline.build(module, published_at="2026-02-01T00:00:00Z")

    assert "<script" not in document["html"]
    assert "alert" not in document["html"]
    assert "javascript" not in document["html"]
    assert "onerror" not in document["html"]
    assert '<h2 id="know-your-triggers">Know your triggers</h2>' in document["html"]
    assert document["sections"] == [
        {"id": "know-your-triggers", "title": "Know your triggers", "level": 2},
        {"id": "going-deeper", "title": "Going deeper", "level": 3},
    ]
    assert document["sha256"] == module.sha256
    assert re.fullmatch(r"[0-9a-f]{64}", document["sha256"])
    assert document["reading_minutes"] == 1
    assert document["word_count"] > 0
    assert "reading_time" not in document
    assert document["review"] == {
        "status": "approved",
        "reviewer": "Dr. Rivera",
        "date": "2026-01-10",  # a YAML date, made JSON-safe
    }
    assert document["published_at"] == "2026-02-01T00:00:00Z"
    assert (document["id"], document["version"], document["locale"]) == ("coping", 1, "en")
    assert document["changelog"] == ""
    assert document["knowledge_check"] == []
    assert document["references"] == [
        {
            "title": "SAMHSA National Helpline",
            "url": "https://www.samhsa.gov/find-help/national-helpline",
        }
    ]


def test_build_reading_minutes_follow_the_body(content):
    module = unchecked(write(content, "addiction/coping.md", module_text(body="word " * 800)))

    document = pipeline.build(module, published_at="2026-02-01T00:00:00Z")

    assert document["word_count"] == 800
    assert document["reading_minutes"] == 5


def test_build_stamps_the_publish_time_in_utc(content):
    write(content, "addiction/coping.md", module_text())
    (module,) = pipeline.lint(content).modules

    stamp = pipeline.build(module)["published_at"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)


# --- The shipped content ---------------------------------------------------------------------


def test_the_shipped_content_lints_clean(monkeypatch):
    monkeypatch.chdir(ROOT)

    result = pipeline.lint(Path("content"))

    assert [str(p) for p in result.problems] == []
    assert len(result.modules) == len(pipeline.discover(Path("content"))) >= 4


# Single digits joined by hyphens ("5-4-3-2-1"), not part of a longer number: a phone number
# ("1-800-662-4357") keeps "-", which dialers and copy and paste expect.
DIGIT_SEQUENCE = re.compile(r"(?<![\d\-\u2011])\d(?:[-\u2011]\d)+(?![\d\-\u2011])")


def test_the_shipped_digit_sequences_never_break_across_lines(monkeypatch):
    """Walk 21: "Haga una vuelta de 5-4-3-2-" / "1." on a phone. Such a sequence is written
    with U+2011, the non-breaking hyphen (DejaVu, the PDF's font, has it; browsers never break
    at it), in every file and every place a reader sees: text, front matter, worksheets."""
    monkeypatch.chdir(ROOT)
    breakable = [
        f"{path}:{n}: {found}"
        for path in pipeline.discover(Path("content"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for found in DIGIT_SEQUENCE.findall(line)
        if "-" in found
    ]
    assert breakable == []


def test_the_shipped_lessons_with_5_4_3_2_1_are_found_by_it_typed_with_hyphens(monkeypatch):
    from chalicelib.library import TEXT_WORDS, Searchable, query_words
    from steady_content.search_words import text_words

    monkeypatch.chdir(ROOT)
    found = set()
    for path in pipeline.discover(Path("content")):
        if "5\u20114\u20113\u20112\u20111" not in path.read_text(encoding="utf-8"):
            continue
        module, problems = pipeline.load(path)
        assert module is not None, problems
        document = pipeline.build(module)
        entry = {"title": document["title"], "summary": "", "tags": []}
        entry[TEXT_WORDS] = text_words(document)
        if Searchable.of(entry).found_in(query_words("5-4-3-2-1")):
            found.add((module.module_id, module.locale))
    assert found == {
        ("breathing-and-grounding", "en"),
        ("breathing-and-grounding", "es"),
        ("trauma-and-ptsd-basics", "en"),
    }


# --- Regressions ------------------------------------------------------------------------------


def test_a_list_id_is_reported_not_a_crash(content):
    write(content, "addiction/coping.md", module_text(module_id="[coping]"))

    problems = pipeline.lint(content).problems

    assert ("addiction/coping.md", 2) in [(p.path, p.line) for p in problems]


def test_a_numeric_id_is_reported_at_its_line(content):
    write(content, "addiction/coping.md", module_text(module_id="123"))
    lockfile.write(content, pipeline.lock_entries(pipeline.lint(content).modules))

    problems = pipeline.lint(content).problems

    assert [(p.code, p.line) for p in problems if p.line == 2]
