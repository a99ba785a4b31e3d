"""The module library: published module versions, read from S3.

S3 layout (written by ``steady_content.publish``, read here; keys are built only by the
functions below so that both sides agree):

- ``modules/{id}/{locale}/v{version}.json``: one immutable version document (rendered HTML,
  metadata, sections, sha256 of the source). Written once, never overwritten.
- ``modules/{id}/{locale}/index.json``: the module pointer: the full latest document plus the
  list of versions with their changelogs. Rewritten after a new version document exists, so a
  reader never sees a pointer to a missing version.
- ``catalog/{locale}.json``: the latest version of every module, without HTML, each entry with
  the words of its text (``TEXT_WORDS``, see ``steady_content.search_words``) for the library
  search. Entries published before that field existed have none and are searched by title,
  summary and tags until the next publishing run rewrites them. Each entry also says how many
  fields its worksheet has (``WORKSHEET_FIELDS``), for the participant's home.
- ``tracks/{locale}.json``: every track (an ordered list of module ids), from
  ``content/tracks/*.yaml``: ``{"tracks": [{"id", "title", "summary", "version", "modules"}]}``.

Read costs: an exact version is served from the container's cache once seen, since versions
never change. The index and the catalog are cached for ``POINTER_TTL_SECONDS``, so a warm
container serves a latest read with no AWS call, and with one GetObject after that: a newly
published version reaches every container within that time.

What participants receive is encoded once per version (``Published.json``): knowledge-check
answers and explanations stay on the server, which checks answers itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, NotFound, ServiceUnavailable

# Re-exported: routes and pages import the vocabulary from here too.
from chalicelib.vocabulary import DEFAULT_LOCALE as DEFAULT_LOCALE
from chalicelib.vocabulary import LOCALES as LOCALES
from chalicelib.vocabulary import TAG_WORDS
from chalicelib.vocabulary import TOPICS as TOPICS

MODULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_MODULE_ID_LENGTH = 80
MAX_VERSION = 1_000_000
_CACHE_SIZE = 512
POINTER_TTL_SECONDS = 60.0


def version_key(module_id: str, version: int, locale: str = DEFAULT_LOCALE) -> str:
    return f"modules/{module_id}/{locale}/v{version}.json"


def index_key(module_id: str, locale: str = DEFAULT_LOCALE) -> str:
    return f"modules/{module_id}/{locale}/index.json"


def catalog_key(locale: str = DEFAULT_LOCALE) -> str:
    return f"catalog/{locale}.json"


def tracks_key(locale: str = DEFAULT_LOCALE) -> str:
    return f"tracks/{locale}.json"


def check_locale(locale: Any, of: str = "the module") -> str:
    """``locale`` if the service has it; else ``BadRequest`` (``invalid_locale``) naming what
    the language is ``of`` for the API client ("locale is the language of the module: one of
    en, es."). Web pages never show it: an unknown ``?locale=`` there is passed over
    (``http.Visit.language``, ``pages.reading_locale``)."""
    if locale not in LOCALES:
        raise BadRequest(
            f"locale is the language of {of}: one of {', '.join(LOCALES)}.", code="invalid_locale"
        )
    return str(locale)


def preferred_locale(query_locale: str | None, accept_language: str | None) -> str:
    """The participant's language: ``?locale=`` first, then Accept-Language, else English."""
    if query_locale is not None:
        return check_locale(query_locale)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


def check_module_id(module_id: Any) -> str:
    """Return ``module_id`` if it is a well-formed module id; raise ``BadRequest`` otherwise."""
    if (
        not isinstance(module_id, str)
        or len(module_id) > MAX_MODULE_ID_LENGTH
        or not MODULE_ID.fullmatch(module_id)
    ):
        raise BadRequest(
            "A module id is lowercase letters, digits and single hyphens.", code="invalid_module_id"
        )
    return module_id


@lru_cache(maxsize=4096)
def lesson_code(module_id: str) -> str:
    """The short opaque id in a lesson's web address (``/lesson/<code>``), so an address left in
    a shared phone's history names no topic. A hash of the module id: the same for every version
    and language, and no record to keep. 40 bits (8 characters of base32): a unit test checks
    the published modules never collide."""
    digest = hashlib.sha256(b"steady-lesson:" + module_id.encode()).digest()
    return base64.b32encode(digest[:5]).decode().lower()


LESSON_CODE = re.compile(r"^[a-z2-7]{8}$")


@lru_cache(maxsize=64)
def topic_code(topic: str) -> str:
    """The short opaque value of a topic in the library's web address
    (``/library?topic=<code>``), made the way ``lesson_code`` is, so a shared phone's history
    does not read "addiction" or "mental-health". A unit test checks the topics never
    collide."""
    digest = hashlib.sha256(b"steady-topic:" + topic.encode()).digest()
    return base64.b32encode(digest[:5]).decode().lower()


def topic_of(value: str) -> str | None:
    """The topic a ``topic`` value in an address names: its code, or its name (an address
    from before topic codes); ``None`` for anything else."""
    if value in TOPICS:
        return value
    return next((t for t in TOPICS if topic_code(t) == value), None)


MAX_QUERY_LENGTH = 100


# The catalog entry field with the words of a module's text: folded (``folded``), each once,
# sorted, separated by spaces. Only the library search reads it; ``catalog`` leaves it out.
TEXT_WORDS = "text_words"
# The catalog entry field with how many fields the version's worksheet has (0: none), so a
# participant's home can say "Worksheet: not started" without reading each version from S3.
# Only ``ModuleLibrary.worksheet_fields`` reads it; ``catalog`` leaves it out. An entry
# published before it existed has none (unknown) until the next publishing run.
WORKSHEET_FIELDS = "worksheet_fields"
_LEFT_OUT = (TEXT_WORDS, WORKSHEET_FIELDS)
# Where a search found the words of a query, best first (``Searchable.found_in``).
FOUND_IN = ("title", "summary", "text")
IN_TITLE, IN_SUMMARY, IN_TEXT = FOUND_IN


# The lessons write "5‑4‑3‑2‑1" with U+2011, the non-breaking hyphen, so a phone never breaks
# it across two lines; NFKD makes that U+2010, the hyphen. Both fold to the "-" a participant
# types, so the sequence stays one word (``WORD``) and "5-4-3-2-1" finds it. A phone's
# keyboard types the curly apostrophe (’, or ‘ or ʼ) where the lessons have "'": all fold to
# "'", so "don’t" typed finds "don't" written, and the other way round.
_PUNCTUATION = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u2019": "'", "\u2018": "'", "\u02bc": "'"}
)


def folded(text: str) -> str:
    """Lower case without accents, so "ansiedad" finds "Ansiedád" and "SLEEP" finds "sleep",
    with "-" for the (non-breaking) hyphen and "'" for a curly apostrophe (``_PUNCTUATION``).
    The library search folds what it looks in and what is typed the same way."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_PUNCTUATION)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# A word, with the hyphens and apostrophes inside it: "12-step", "don't", "1-800-662-4357".
# Publishing splits a module's text with it too (steady_content.search_words).
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def query_words(query: str) -> list[str]:
    """The words of a search, folded: a module matches when every one appears in it.
    Punctuation typed around a word ("craving," "(HALT)") is not part of it."""
    return WORD.findall(folded(query))


# "Did you mean": a word of the library's own (``vocabulary``) is offered for a word typed that
# is nowhere in it when they are this alike (``difflib``'s ratio: "cravngs" and "cravings" are
# 0.93, "sleep" and "sheep" 0.8); words shorter than SUGGEST_MIN_LENGTH are never offered
# ("of", "de" would be the nearest word to too many typos).
SUGGEST_CUTOFF = 0.75
SUGGEST_MIN_LENGTH = 3


def vocabulary(
    entries: Sequence[dict[str, Any]],
    tag_words: Mapping[str, str] | None = None,
    texts: Iterable[str] = (),
) -> dict[str, str]:
    """The words of the entries' titles, summaries and tags, the words a reader sees on the
    library's cards, and the words of their tags in the reader's language (``tag_words``,
    ``vocabulary.TAG_WORDS``): each folded (``folded``) to the word as written there, in lower
    case with its accents ("sueño" for "sueno"), so a suggestion reads right. Then the words of
    the modules' ``texts`` (``TEXT_WORDS``, folded already), so a word only in a module's text
    is offered too, as written there only if the cards have it."""
    words: dict[str, str] = {}
    for entry in entries:
        tags = entry.get("tags", [])
        said = [(tag_words or {}).get(tag, "") for tag in tags]
        for text in (entry.get("title", ""), entry.get("summary", ""), *tags, *said):
            for word in WORD.findall(unicodedata.normalize("NFC", str(text).casefold())):
                if len(word) >= SUGGEST_MIN_LENGTH and not word.isdigit():
                    words.setdefault(folded(word), word)
    for text in texts:
        for word in text.split():
            if len(word) >= SUGGEST_MIN_LENGTH and not word.isdigit():
                words.setdefault(word, word)
    return words


@dataclass(frozen=True)
class Searchable:
    """What the library search looks in for one catalog entry, folded once per catalog read
    rather than per search."""

    title: str
    summary: str  # the summary and the tags, the tags also in the reader's language
    text: str  # the words of the module's text ("" for an entry published without them)

    @classmethod
    def of(cls, entry: dict[str, Any], tag_words: Mapping[str, str] | None = None) -> Searchable:
        """What to look in for ``entry``; its tags also in ``tag_words`` (the reader's language,
        ``vocabulary.TAG_WORDS``), so a module not translated yet is found in that language."""
        tags = entry.get("tags", [])
        said = [(tag_words or {}).get(tag, "") for tag in tags]
        summary = " ".join([entry.get("summary", ""), *tags, *said])
        return cls(folded(entry.get("title", "")), folded(summary), entry.get(TEXT_WORDS) or "")

    def found_in(self, words: Sequence[str]) -> str | None:
        """Where every one of ``words`` (``query_words``) appears, as part of a word, the best
        place first: ``"title"`` if all are in the title; ``"summary"`` if all are in the title,
        summary or tags; ``"text"`` if the module's text holds the others; ``None`` if one is
        nowhere. No words match everything (in the title)."""
        places = (self.title, self.summary, self.text)
        worst = 0
        for word in words:
            place = next((i for i, text in enumerate(places) if word in text), None)
            if place is None:
                return None
            worst = max(worst, place)
        return FOUND_IN[worst]


@dataclass(frozen=True)
class Found:
    """A module a library search found: its catalog entry, and where (``FOUND_IN``)."""

    module: dict[str, Any]
    found_in: str


def parse_version(value: Any) -> int:
    """Accept an integer version (or its decimal string from a path); raise ``BadRequest``."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 7:
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_VERSION:
        raise BadRequest("A version is a whole number from 1 up.", code="invalid_version")
    return value


def summary_of(document: dict[str, Any]) -> dict[str, Any]:
    """The catalog entry for a version document."""
    return {
        "id": document["id"],
        "title": document["title"],
        "topic": document["topic"],
        "summary": document["summary"],
        "version": document["version"],
        "reading_minutes": document["reading_minutes"],
        "tags": document.get("tags", []),
    }


def participant_view(document: dict[str, Any]) -> dict[str, Any]:
    """The version document as participants receive it: no knowledge-check answers."""
    view = dict(document)
    view["knowledge_check"] = [
        {"question": q["question"], "choices": q["choices"]}
        for q in document.get("knowledge_check", [])
    ]
    return view


def curriculum_version(document: dict[str, Any]) -> int:
    """The English version a published document stands for: its own for English, the
    ``source_version`` it was published with for a translation (its own if not stamped)."""
    if document.get("locale", DEFAULT_LOCALE) != DEFAULT_LOCALE and document.get("source_version"):
        return int(document["source_version"])
    return int(document["version"])


@dataclass(frozen=True)
class Published:
    """One published version: the full document (server side) and its encoded participant view."""

    document: dict[str, Any]
    json: str

    @classmethod
    def of(cls, document: dict[str, Any]) -> Published:
        return cls(document, json.dumps(participant_view(document), separators=(",", ":")))

    @property
    def version(self) -> int:
        return int(self.document["version"])


@dataclass(frozen=True)
class _Catalog:
    """The catalog in one locale, as built from the catalog documents ``sources`` (the English
    one, and the translated one or None): its entries, their lesson codes, and what a search
    looks in for each module id."""

    sources: tuple[Any, Any]
    entries: tuple[dict[str, Any], ...]
    codes: dict[str, str]
    searchable: dict[str, Searchable]
    worksheet_fields: dict[str, int]  # the English entries' (absent: the entry does not say)
    vocabulary: dict[str, str]  # ``vocabulary`` of the entries, for "Did you mean"
    vocabulary_keys: tuple[str, ...]  # its folded words, sorted: what difflib compares

    @cached_property
    def by_pair(self) -> dict[str, tuple[str, ...]]:
        """Each pair of adjacent letters, and the vocabulary's words that have it: built on the
        first "Did you mean" of this catalog, not with it (most catalogs never need it)."""
        index: dict[str, list[str]] = {}
        for key in self.vocabulary_keys:
            for pair in _pairs(key):
                index.setdefault(pair, []).append(key)
        return {pair: tuple(keys) for pair, keys in index.items()}

    def closest(self, key: str) -> str | None:
        """The vocabulary's word closest to ``key`` (``SUGGEST_CUTOFF``), or None. difflib
        compares first the ``SHORTLIST`` words sharing the most letter pairs with it, and every
        word only when none of those is close: comparing every word of the texts (some 3,000)
        takes 5 to 12 ms, and a query may have 20 words (a suggestion stops at the first word
        with none close, so that is once a search at most)."""
        import difflib  # deferred: only a search that found nothing asks (cold start)
        from collections import Counter

        shared: Counter[str] = Counter()
        for pair in _pairs(key):
            shared.update(self.by_pair.get(pair, ()))
        shortlist = [word for word, _ in shared.most_common(SHORTLIST)]
        close = difflib.get_close_matches(key, shortlist, 1, SUGGEST_CUTOFF)
        if not close:
            close = difflib.get_close_matches(key, self.vocabulary_keys, 1, SUGGEST_CUTOFF)
        return close[0] if close else None


# How many words of the vocabulary "Did you mean" compares a typed word with first: those sharing
# the most letter pairs with it. A word as alike as SUGGEST_CUTOFF asks shares most of its pairs:
# over 572 one-letter typos of the texts' words, the word found differed from comparing every
# word in 9, all of 3 or 4 letters with another word about as close ("tlod": "told" or "loud").
SHORTLIST = 150


def _pairs(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class ModuleLibrary:
    """Reads published modules. ``s3`` is a boto3 S3 client (injected)."""

    def __init__(self, s3: Any, bucket: str, clock: Clock) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._clock = clock
        self._versions: OrderedDict[str, Published] = OrderedDict()
        self._pointers: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self._catalogs: dict[str, _Catalog] = {}
        self._lock = threading.Lock()

    def catalog(
        self, topic: str | None = None, tag: str | None = None, locale: str = DEFAULT_LOCALE
    ) -> list[dict[str, Any]]:
        """Latest version of every module, in ``locale`` where translated (else English),
        optionally filtered by topic and tag. The entries are shared: read them, never change them."""
        return [
            m
            for m in self._merged_catalog(locale).entries
            if (topic is None or m["topic"] == topic) and (tag is None or tag in m.get("tags", []))
        ]

    def worksheet_fields(self) -> dict[str, int]:
        """How many fields the worksheet of each module's latest English version has (0: it
        has none), by module id, from the cached catalog; a module whose catalog entry does not
        say (published before it did) is not there. Shared: read it, never change it."""
        return self._merged_catalog(DEFAULT_LOCALE).worksheet_fields

    def module_for_code(self, code: str) -> str:
        """The module id whose ``lesson_code`` is ``code``; raises ``NotFound``."""
        if isinstance(code, str) and LESSON_CODE.fullmatch(code):
            module_id = self._merged_catalog(DEFAULT_LOCALE).codes.get(code)
            if module_id is not None:
                return module_id
        raise NotFound("There is no such module.", code="module_not_found")

    def _merged_catalog(self, locale: str) -> _Catalog:
        """The catalog in ``locale``, its lesson codes and what a search looks in, rebuilt only
        when a catalog pointer was read again: every lesson page needs the codes, and building
        them costs more than the rest of the page's own work. A translated entry replaces the
        English one whole, so a translation is searched in its own words."""
        english = self._pointer(catalog_key())
        translated = self._pointer(catalog_key(locale)) if locale != DEFAULT_LOCALE else None
        with self._lock:
            cached = self._catalogs.get(locale)
        if cached is not None and cached.sources[0] is english and cached.sources[1] is translated:
            return cached
        modules = {m["id"]: (m, DEFAULT_LOCALE) for m in (english or {"modules": []})["modules"]}
        for m in (translated or {"modules": []})["modules"]:
            if m["id"] in modules:
                modules[m["id"]] = (m, locale)
        # The text's words and the worksheet's size stay here: pages and the API get the entry
        # without them.
        entries = tuple(
            {**{k: v for k, v in m.items() if k not in _LEFT_OUT}, "locale": in_locale}
            for m, in_locale in modules.values()
        )
        sizes = {
            str(m["id"]): m[WORKSHEET_FIELDS]
            for m in (english or {"modules": []})["modules"]
            if isinstance(m.get(WORKSHEET_FIELDS), int)
            and not isinstance(m.get(WORKSHEET_FIELDS), bool)
        }
        # The tags in the reader's language: an English module is found by a Spanish word.
        tag_words = TAG_WORDS.get(locale, {})
        words = vocabulary(
            entries, tag_words, (str(m.get(TEXT_WORDS) or "") for m, _ in modules.values())
        )
        merged = _Catalog(
            (english, translated),
            entries,
            {lesson_code(m["id"]): str(m["id"]) for m in entries},
            {module_id: Searchable.of(m, tag_words) for module_id, (m, _) in modules.items()},
            sizes,
            words,
            tuple(sorted(words)),
        )
        with self._lock:
            self._catalogs[locale] = merged
        return merged

    def search(
        self, locale: str = DEFAULT_LOCALE, topic: str | None = None, query: str = ""
    ) -> list[Found]:
        """The modules of the catalog in ``locale`` (see ``catalog``), in one topic or all, in
        which every word of ``query`` appears (``Searchable.found_in``): those with the words in
        the title first, then in the summary or tags, then in the text, each by title. An empty
        query finds every module, by title. In another language than English, the modules in
        that language come before those not translated yet (walk 21, 6: "estrés" listed three
        English modules above the Spanish one). Raises ``BadRequest`` for an unknown topic or a
        query longer than ``MAX_QUERY_LENGTH``."""
        if topic is not None and topic not in TOPICS:
            raise BadRequest(f"topic is one of: {', '.join(TOPICS)}.", code="invalid_topic")
        if len(query) > MAX_QUERY_LENGTH:
            raise BadRequest(
                f"Search for at most {MAX_QUERY_LENGTH} characters.", code="query_too_long"
            )
        catalog = self._merged_catalog(locale)
        words = query_words(query)
        found = []
        for module in catalog.entries:
            if topic is not None and module["topic"] != topic:
                continue
            place = catalog.searchable[module["id"]].found_in(words)
            if place is not None:
                found.append(Found(module, place))
        return sorted(
            found,
            key=lambda f: (
                f.module["locale"] != locale,
                FOUND_IN.index(f.found_in),
                catalog.searchable[f.module["id"]].title,
            ),
        )

    def suggest(
        self, locale: str = DEFAULT_LOCALE, topic: str | None = None, query: str = ""
    ) -> str | None:
        """For a search that found nothing: the same words with each one that is nowhere in
        the library (not even as part of a word, as ``search`` looks) replaced by the closest
        word of its titles, summaries, tags and texts in ``locale`` (``vocabulary``, built
        with the cached catalog), "cravngs" → "cravings"; ``None`` where a word has no close one, or
        the words so changed would still find nothing in ``topic``. In memory: no AWS call
        beyond the catalog's own."""
        typed = WORD.findall(unicodedata.normalize("NFC", query.casefold()))
        if not typed:
            return None
        catalog = self._merged_catalog(locale)
        places = [(s.title, s.summary, s.text) for s in catalog.searchable.values()]
        shown: list[str] = []
        for word in typed:
            key = folded(word)
            if any(key in text for texts in places for text in texts):
                shown.append(word)
                continue
            close = catalog.closest(key)
            if close is None:
                return None
            shown.append(catalog.vocabulary[close])
        suggestion = " ".join(shown)
        if suggestion == " ".join(typed) or len(suggestion) > MAX_QUERY_LENGTH:
            return None
        return suggestion if self.search(locale, topic, suggestion) else None

    def tracks(self) -> list[dict[str, Any]]:
        """Every published track: ``{"id", "title", "summary", "version", "modules": [ids]}``."""
        return list((self._pointer(tracks_key()) or {"tracks": []})["tracks"])

    def track_titles(self, locale: str = DEFAULT_LOCALE) -> dict[str, tuple[str, str]]:
        """Each published track's title and the language it is in, ``{id: (title, locale)}``:
        in ``locale`` where the track is published in it (``<id>.es.yaml``), else English.
        Only the title: what a track lists is always the English track's (one curriculum)."""
        titles = {t["id"]: (str(t.get("title", t["id"])), DEFAULT_LOCALE) for t in self.tracks()}
        if check_locale(locale) != DEFAULT_LOCALE:
            translated = self._pointer(tracks_key(locale)) or {"tracks": []}
            titles.update(
                (t["id"], (str(t["title"]), locale))
                for t in translated["tracks"]
                if t.get("id") in titles and t.get("title")
            )
        return titles

    def track(self, track_id: str) -> dict[str, Any]:
        """One track by id; raises ``NotFound``."""
        check_module_id(track_id)
        for track in self.tracks():
            if track["id"] == track_id:
                return track
        raise NotFound(f"There is no track {track_id}.", code="track_not_found")

    def latest(self, module_id: str, locale: str = DEFAULT_LOCALE) -> Published:
        """The latest version of a module in ``locale``, falling back to English (no AWS call
        while the index is fresh, else one per locale tried)."""
        index = self._index(module_id, locale)
        latest = index["latest"]
        key = version_key(module_id, latest["version"], latest.get("locale", DEFAULT_LOCALE))
        with self._lock:
            cached = self._versions.get(key)
        return cached if cached is not None else self._remember(key, latest)

    def versions(self, module_id: str, locale: str = DEFAULT_LOCALE) -> list[dict[str, Any]]:
        """Every published version, newest first, with changelogs."""
        return sorted(self._index(module_id, locale)["versions"], key=lambda v: -v["version"])

    def version(self, module_id: str, version: int, locale: str = DEFAULT_LOCALE) -> Published:
        """One exact version; cached for the life of the container (versions are immutable).
        Translations number their own versions, so there is no fallback here."""
        check_module_id(module_id)
        key = version_key(module_id, version, locale)
        with self._lock:
            cached = self._versions.get(key)
            if cached is not None:
                self._versions.move_to_end(key)
                return cached
        document = self._get_json(key)
        if document is None:
            raise NotFound(
                f"Module {module_id} has no version {version}.", code="version_not_found"
            )
        return self._remember(key, document)

    def _index(self, module_id: str, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
        check_module_id(module_id)
        index = self._pointer(index_key(module_id, locale)) if locale != DEFAULT_LOCALE else None
        if index is None:
            index = self._pointer(index_key(module_id))
        if index is None:
            raise NotFound(f"There is no module {module_id}.", code="module_not_found")
        return index

    def _pointer(self, key: str) -> dict[str, Any] | None:
        """A pointer document (index or catalog), cached briefly; absence is cached too."""
        now = self._clock.monotonic()
        with self._lock:
            cached = self._pointers.get(key)
        if cached is not None and now - cached[0] < POINTER_TTL_SECONDS:
            return cached[1]
        document = self._get_json(key)
        with self._lock:
            self._pointers[key] = (now, document)
            if len(self._pointers) > _CACHE_SIZE:
                self._pointers.pop(next(iter(self._pointers)))
        return document

    def _remember(self, key: str, document: dict[str, Any]) -> Published:
        published = Published.of(document)
        with self._lock:
            self._versions[key] = published
            self._versions.move_to_end(key)
            while len(self._versions) > _CACHE_SIZE:
                self._versions.popitem(last=False)
        return published

    def _get_json(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.aws import error_code

        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error_code(error) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise ServiceUnavailable(
                "The module library is unavailable. Try again shortly."
            ) from error
        except BotoCoreError as error:
            raise ServiceUnavailable(
                "The module library is unavailable. Try again shortly."
            ) from error
        document: dict[str, Any] = json.loads(body)
        return document
