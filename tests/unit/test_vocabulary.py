"""One vocabulary: topics, locales and the default locale are defined once, in
``chalicelib.vocabulary``, and the Lambda and the authoring pipeline use that one definition."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib import library, vocabulary

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("TOPICS", "LOCALES", "DEFAULT_LOCALE")


@pytest.mark.parametrize("name", NAMES)
def test_the_library_re_exports_the_one_definition(name):
    assert getattr(library, name) is getattr(vocabulary, name)


def test_the_default_locale_is_one_of_the_locales():
    assert vocabulary.DEFAULT_LOCALE in vocabulary.LOCALES


def test_every_content_topic_folder_is_a_topic():
    folders = {p.name for p in (ROOT / "content").iterdir() if p.is_dir()} - {"tracks"}
    assert folders == set(vocabulary.TOPICS)


def _assigned_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else ([node.target] if isinstance(node, ast.AnnAssign) else [])
        )
        found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "chalicelib").rglob("*.py")) + sorted((ROOT / "steady_content").rglob("*.py")),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_no_other_module_defines_the_vocabulary_again(path):
    if path == ROOT / "chalicelib" / "vocabulary.py":
        return
    assert not _assigned_names(path) & set(NAMES + ("PLAN_SECTIONS",))


def test_every_plan_section_has_a_title_in_every_locale():
    for locale in vocabulary.LOCALES:
        assert set(vocabulary.PLAN_SECTION_TITLES[locale]) == set(vocabulary.PLAN_SECTIONS)


def test_every_shipped_tag_has_its_words_in_each_other_language(shipped_modules):
    """The library search in Spanish finds a module not translated yet by the Spanish words of
    its tags (``vocabulary.TAG_WORDS``): a new tag needs its words, or that module is out of
    reach in Spanish."""
    tags = {tag for m in shipped_modules for tag in m.source.meta.get("tags", [])}
    assert len(tags) > 50
    for locale in vocabulary.LOCALES:
        if locale == vocabulary.DEFAULT_LOCALE:
            continue
        said = vocabulary.TAG_WORDS[locale]
        assert sorted(tags - set(said)) == [], locale
        for tag, words in said.items():
            # Searched as part of a word, like a word typed: "de" or "no" would be in everything.
            assert all(len(word) >= 3 for word in words.split()), (locale, tag)
