"""The library search rule (chalicelib.library): every word typed appears in a module's title,
summary, tags or text (accents and case folded); title matches first. Over a catalog held in
memory: no AWS."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from chalicelib.clock import Clock
from chalicelib.errors import BadRequest
from chalicelib.library import (
    IN_SUMMARY,
    IN_TEXT,
    IN_TITLE,
    MAX_QUERY_LENGTH,
    TEXT_WORDS,
    ModuleLibrary,
    Searchable,
    catalog_key,
    query_words,
)

HALT = {
    "id": "halt",
    "title": "HALT: hungry, angry, lonely, tired",
    "topic": "addiction",
    "summary": "A quick check-in before a craving grows.",
    "version": 1,
    "reading_minutes": 5,
    "tags": ["self-care"],
    TEXT_WORDS: "breathe eat nap snack",
}


def found_in(entry: dict[str, Any], query: str) -> str | None:
    return Searchable.of(entry).found_in(query_words(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", IN_TITLE),  # no words: everything
        ("halt", IN_TITLE),
        ("LONELY Hungry", IN_TITLE),
        ("hung", IN_TITLE),  # part of a word
        ("craving", IN_SUMMARY),
        ("self-care", IN_SUMMARY),  # a tag
        ("halt craving", IN_SUMMARY),
        ("snack", IN_TEXT),
        ("breathe", IN_TEXT),
        ("halt nap", IN_TEXT),  # every word somewhere
        ("zebra", None),
        ("halt zebra", None),  # one word nowhere
        ("snack,", IN_TEXT),  # punctuation typed around a word is not part of it
        ("(HALT)", IN_TITLE),
        ("nap. zebra?", None),
    ],
)
def test_where_every_word_is_found(query: str, expected: str | None) -> None:
    assert found_in(HALT, query) == expected


def test_accents_and_case_are_folded_in_title_summary_and_text() -> None:
    spanish = {
        "title": "Ansiedád",
        "summary": "Cómo RESPIRAR",
        "tags": [],
        TEXT_WORDS: "animo respiracion",
    }
    assert found_in(spanish, "ANSIEDAD") == IN_TITLE
    assert found_in(spanish, "respirar") == IN_SUMMARY
    assert found_in(spanish, "RESPIRACIÓN ánimo") == IN_TEXT


def test_an_entry_published_before_the_text_words_is_searched_by_title_and_summary() -> None:
    old = {k: v for k, v in HALT.items() if k != TEXT_WORDS}
    assert found_in(old, "halt") == IN_TITLE
    assert found_in(old, "craving") == IN_SUMMARY
    assert found_in(old, "snack") is None
    assert found_in({}, "anything") is None and found_in({}, "") == IN_TITLE


class CatalogS3:
    """Just enough of an S3 client to serve catalog documents."""

    def __init__(self, catalogs: dict[str, list[dict[str, Any]]]) -> None:
        self.objects = {catalog_key(k): json.dumps({"modules": v}) for k, v in catalogs.items()}

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        from botocore.exceptions import ClientError

        if Key not in self.objects:
            raise ClientError({"Error": {"Code": "NoSuchKey"}}, "GetObject")
        return {"Body": io.BytesIO(self.objects[Key].encode())}


def entry(module_id: str, title: str, topic: str = "addiction", **more: Any) -> dict[str, Any]:
    return {
        "id": module_id,
        "title": title,
        "topic": topic,
        "summary": more.pop("summary", ""),
        "version": 1,
        "reading_minutes": 3,
        "tags": [],
        **more,
    }


def library(**catalogs: list[dict[str, Any]]) -> ModuleLibrary:
    return ModuleLibrary(CatalogS3(catalogs), "content", Clock())


def titles(found: list[Any]) -> list[str]:
    return [f.module["title"] for f in found]


def test_title_matches_come_first_then_summary_then_text_each_by_title() -> None:
    catalog = [
        entry("a", "Sleep", text_words="cravings rest"),
        entry("b", "Refusal skills", text_words="cravings say"),
        entry("c", "Cravings and urge surfing", text_words="urges"),
        entry("d", "Triggers", summary="What sets off cravings."),
        entry("e", "All about cravings", text_words=""),
    ]
    found = library(en=catalog).search(query="craving")
    assert titles(found) == [
        "All about cravings",
        "Cravings and urge surfing",
        "Triggers",
        "Refusal skills",
        "Sleep",
    ]
    assert [f.found_in for f in found] == [IN_TITLE, IN_TITLE, IN_SUMMARY, IN_TEXT, IN_TEXT]
    # Without words: every module, by title.
    assert titles(library(en=catalog).search()) == sorted(titles(found))


def test_the_text_words_stay_out_of_the_catalog_pages_and_the_api_read() -> None:
    shelf = library(en=[entry("a", "Sleep", text_words="rest")])
    assert shelf.search(query="rest")[0].module == shelf.catalog()[0]
    assert TEXT_WORDS not in shelf.catalog()[0]
    assert shelf.catalog()[0]["locale"] == "en"


def test_a_translation_is_searched_in_its_words_and_an_english_fallback_in_english() -> None:
    shelf = library(
        en=[
            entry("a", "Sleep", text_words="rest"),
            entry("b", "Cravings", text_words="bottle surfing"),
        ],
        es=[entry("b", "Los antojos", text_words="botella"), entry("x", "Solo", text_words="x")],
    )
    assert [(f.module["id"], f.module["locale"]) for f in shelf.search("es", query="botella")] == [
        ("b", "es")
    ]
    assert shelf.search("es", query="bottle") == []  # the Spanish lesson is not the English one
    assert [(f.module["id"], f.module["locale"]) for f in shelf.search("es", query="rest")] == [
        ("a", "en")
    ]
    assert [f.module["id"] for f in shelf.search("es")] == ["b", "a"]  # no "x": no original
    assert [f.module["id"] for f in shelf.search("en", query="bottle")] == ["b"]


def test_a_catalog_published_before_the_text_words_still_searches() -> None:
    shelf = library(en=[entry("a", "Sleep and recovery", summary="Rest well.")])
    assert titles(shelf.search(query="rest")) == ["Sleep and recovery"]
    assert shelf.search(query="nap") == []


def test_the_topic_filter_and_the_limits_hold() -> None:
    shelf = library(
        en=[
            entry("a", "Sleep", "mental-health", text_words="rest"),
            entry("b", "Rest stops", "life-skills"),
        ]
    )
    assert titles(shelf.search(topic="mental-health", query="rest")) == ["Sleep"]
    with pytest.raises(BadRequest) as unknown:
        shelf.search(topic="astrology")
    assert unknown.value.code == "invalid_topic"
    assert shelf.search(query="x" * MAX_QUERY_LENGTH) == []
    with pytest.raises(BadRequest) as long:
        shelf.search(query="x" * (MAX_QUERY_LENGTH + 1))
    assert long.value.code == "query_too_long"


def test_topic_codes_are_opaque_distinct_and_old_names_still_work() -> None:
    from chalicelib.library import TOPICS, topic_code, topic_of

    codes = [topic_code(t) for t in TOPICS]
    assert len(set(codes)) == len(TOPICS)
    for topic, code in zip(TOPICS, codes, strict=True):
        assert re.fullmatch(r"[a-z2-7]{8}", code)
        assert topic_of(code) == topic and topic_of(topic) == topic  # an old address
    assert topic_of("astrology") is None and topic_of("") is None


def test_a_search_that_finds_nothing_is_offered_the_librarys_nearest_words() -> None:
    """Walk 18, item 9: "cravngs" found nothing and said nothing more. The words are the
    library's own (titles, summaries, tags), in the searched language, accents kept."""
    shelf = library(
        en=[
            entry("a", "Cravings and urge surfing", summary="Ride the wave.", tags=["coping"]),
            entry("b", "Sleep", "mental-health", text_words="rest bedtime"),
        ],
        es=[entry("b", "El sueño", "mental-health", summary="Descansar mejor.")],
    )
    assert shelf.search(query="cravngs") == []
    assert shelf.suggest(query="cravngs") == "cravings"
    assert shelf.suggest(query="CRAVNGS surfing") == "cravings surfing"  # found words stay
    assert shelf.suggest(query="urge copign") == "urge coping"  # a tag
    assert shelf.suggest(query="sueno") is None  # not an English word of the library
    assert shelf.suggest("es", query="suenio") == "sueño"  # its words as written
    assert shelf.suggest(query="zebra") is None  # nothing near
    assert shelf.suggest(query="cravngs zebra") is None
    assert shelf.suggest(query="cravings") is None  # nothing to change
    assert shelf.suggest(query="") is None
    # Only where the changed words would find something: not in a topic without them.
    assert shelf.suggest(topic="mental-health", query="cravngs") is None
    assert shelf.suggest(topic="addiction", query="cravngs") == "cravings"
    # A part of a word is already found ("crav" finds "Cravings"): nothing to suggest.
    assert titles(shelf.search(query="crav")) == ["Cravings and urge surfing"]
    assert shelf.suggest(query="crav") is None


def test_the_words_to_suggest_are_built_with_the_cached_catalog_not_per_search() -> None:
    shelf = library(en=[entry("a", "Cravings and urge surfing", summary="Ride it out, 24 h.")])
    words = shelf._merged_catalog("en").vocabulary
    assert shelf._merged_catalog("en").vocabulary is words
    # Short words and numbers are never offered.
    assert sorted(words) == ["and", "cravings", "out", "ride", "surfing", "urge"]


def test_a_search_in_spanish_also_finds_a_module_by_the_spanish_words_of_its_tags() -> None:
    shelf = library(
        en=[
            entry("a", "Anxiety basics", "mental-health", tags=["anxiety"]),
            entry("b", "Sleep", "mental-health", tags=["sleep"], text_words="anxious"),
        ],
        es=[entry("b", "El sueño", "mental-health", tags=["sleep"], text_words="descansar")],
    )
    found = shelf.search("es", query="ANSIEDAD")
    assert titles(found) == ["Anxiety basics"] and found[0].found_in == IN_SUMMARY
    assert titles(shelf.search("es", query="sueno")) == ["El sueño"]  # translated: its own too
    assert shelf.search(query="ansiedad") == []  # the English library: English words only
    # Offered as written in the vocabulary, accent and all.
    assert shelf.suggest("es", query="ansiedat") == "ansiedad"
    assert shelf.suggest(query="ansiedat") is None


def test_the_words_of_the_texts_are_offered_after_the_cards_words() -> None:
    shelf = library(
        es=[],
        en=[entry("a", "Respiración", text_words="respiracion respirar heartbeat")],
    )
    words = shelf._merged_catalog("en").vocabulary
    # A card's word keeps its accents; a word of the text alone is as the text has it, folded.
    assert words["respiracion"] == "respiración" and words["heartbeat"] == "heartbeat"
    assert shelf.suggest(query="hearbeat") == "heartbeat"


def _with_words(*words: str) -> Any:
    from chalicelib.library import _Catalog

    return _Catalog((None, None), (), {}, {}, {}, {w: w for w in words}, tuple(sorted(words)))


def test_did_you_mean_compares_the_words_sharing_most_letter_pairs_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chalicelib.library as library

    catalog = _with_words("relapse", "release", "cravings", "sleep")
    assert catalog.closest("relapsse") == "relapse"
    assert catalog.closest("cravngs") == "cravings"
    assert catalog.closest("zzzz") is None
    # The shortlist holds only the word sharing the most pairs, which is not close: every word
    # is compared then, and the close one is still found.
    monkeypatch.setattr(library, "SHORTLIST", 1)
    catalog = _with_words("relapse", "ssseeerrrelalapsps")
    assert catalog.closest("relapsse") == "relapse"


def test_in_spanish_the_modules_in_spanish_come_before_those_not_translated_yet() -> None:
    """Walk 21, 6: "estres" listed three English-only modules (found by a tag's Spanish word,
    in the summary) above the one Spanish module (found in its text)."""
    shelf = library(
        en=[
            entry("a", "Budgeting and money stress", tags=["stress"]),
            entry("b", "Breathing", tags=["breathing"]),
        ],
        es=[entry("b", "Respirar despacio", text_words="estres calma")],
    )
    found = shelf.search("es", query="estres")
    assert [(f.module["id"], f.module["locale"]) for f in found] == [("b", "es"), ("a", "en")]
    assert [f.found_in for f in found] == [IN_TEXT, IN_SUMMARY]
    # In English nothing is put first: the place the words were found, then the title.
    assert titles(shelf.search(query="b")) == ["Breathing", "Budgeting and money stress"]


def test_antojos_finds_the_cravings_module() -> None:
    """Walk 21, 7: "antojos", the everyday word for cravings, found nothing and was offered
    "enojos" (anger)."""
    shelf = library(en=[entry("c", "Cravings and urge surfing", tags=["cravings"])], es=[])
    assert titles(shelf.search("es", query="antojos")) == ["Cravings and urge surfing"]
