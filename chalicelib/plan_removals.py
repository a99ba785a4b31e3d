"""Whether the worksheet answer now at a removed answer's place is that answer, edited, or
another answer (``chalicelib.plan``: what a removal from My plan keeps out).

A participant removed "Mi primo Toño" from My plan. Later the box it came from holds other
words. Two things may have happened, and the plan must tell them apart:

- she edited the same answer ("Mi primo Toño y sus amigos", "Toño", "Mi primo"): it stays
  removed, or it would come back as "New from a worksheet" each time she touched it (walk 21,
  item 5);
- she wrote someone or something else in that box ("Mi hermana Lucía"): a new answer, which
  must reach her plan, offered as new like any other. A plan that silently hides a new
  trigger or a new person to call is worse than one that offers an edit she removed once
  more: she can remove it again, and cannot see what was hidden.

The rule (``same_answer``), on the words after folding case, accents and punctuation
("Toño," is "tono") and leaving out the words that say little in English or Spanish ("my",
"the", "y", "de", "sus": ``_LITTLE``), and numbers and one-letter words:

1. the two share a telling word: any word but the common ones a list of people or places
   shares anyway ("primo", "sister", "amigos", "don", "work": ``_COMMON``), so "Mi primo
   Toño" and "Toño y sus amigos" share "tono"; "Mi primo Toño" and "Mi primo Carlos" share
   none; or
2. every word of one is among the other's: "Mi mamá" edited to "Mi mamá y mi tía"; "My ex"
   to "My ex Carlos"; "Mi primo Toño" shortened to "Mi primo".

Anything else is another answer. Where in doubt (a different word, plural or spelling: "bar"
and "bars") it is another answer: offered again, the safe way round (above). The rule is
deterministic and reads nothing: no DynamoDB call.

What a removal keeps of its words (``removal_words``): a short digest of each word that
counts, not the words, as its ``source`` keeps a digest of them: the plan version stores no
more of a removed answer's words than it did. Each word is folded before its digest, so the
rule can still tell the common words by theirs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

from chalicelib.library import folded

# A removal keeps at most this many words (a long text answer: its first ones), so that many
# removals never make a plan version large.
MAX_REMOVAL_WORDS = 24

_WORD = re.compile(r"[^\W_]+")


# Words that say little about which answer it is: articles, prepositions, conjunctions,
# pronouns and possessives, in English and Spanish (written as typed; folded below).
_LITTLE = frozenset(
    folded(w)
    for w in (
        "a an and are as at be been but by for from he her him his i if in into is it its me "
        "my no not of on or our she so than that the their them they this those to too up us "
        "was we were when who with you your "
        "al con cuando de del e el él ella ellas ellos en entre es esa esas ese esos esta "
        "está estas este estos la las le les lo los me mi mí mis muy ni no nos o para pero "
        "por que qué quien quién se si sí sin su sus te tu tú tus u un una unas uno unos y yo"
    ).split()
)

# Words a list of people or situations shares without being the same entry: who someone is
# to the participant, and the commonest places and times. They count for rule 2 ("Mi mamá"
# is in "Mi mamá y mi tía"), never as the shared telling word of rule 1 ("Mi primo Toño" and
# "Mi primo Carlos" are two people).
_COMMON = frozenset(
    folded(w)
    for w in (
        "aunt aunts boss boyfriend brother brothers cousin cousins coworker coworkers dad "
        "daughter ex family father friend friends girlfriend grandfather grandma grandmother "
        "grandpa guy guys husband kids man mom mother mum neighbor neighbors neighbour "
        "neighbours parents partner people sister sisters son uncle wife woman "
        "home house work job school night day weekend party parties "
        "abuela abuelas abuelo abuelos amiga amigas amigo amigos compañera compañeras "
        "compañero compañeros don doña esposa esposo familia gente hermana hermanas hermano "
        "hermanos hija hijas hijo hijos jefa jefe madre mamá novia novio padre padres papá "
        "pareja prima primas primo primos señor señora tía tías tío tíos vecina vecinas "
        "vecino vecinos "
        "casa trabajo escuela noche día fin semana fiesta fiestas"
    ).split()
)


def _words(text: str) -> list[str]:
    """The words of ``text`` that count, folded, each once, in order."""
    found = (w for w in _WORD.findall(folded(text)) if len(w) > 1 and not w.isdigit())
    return list(dict.fromkeys(w for w in found if w not in _LITTLE))


def _word_digest(word: str) -> str:
    return hashlib.sha256(word.encode("utf-8")).hexdigest()[:8]


_COMMON_DIGESTS = frozenset(_word_digest(w) for w in _COMMON)


def removal_words(text: str) -> tuple[str, ...]:
    """What a removal keeps of the words it removed: a digest of each word that counts
    (at most ``MAX_REMOVAL_WORDS``), for ``same_answer``."""
    return tuple(_word_digest(w) for w in _words(text)[:MAX_REMOVAL_WORDS])


def same_answer(removed: Collection[str], text: str) -> bool:
    """Whether ``text``, now at a removed answer's place, is that answer edited: the two share
    a telling word, or every word of one is among the other's (the module says why).
    ``removed``: the removal's ``removal_words``; none known (a removal saved before it kept
    them), or no word that counts on either side: another answer."""
    was = set(removed)
    now = {_word_digest(w) for w in _words(text)}
    if not was or not now:
        return False
    return bool((was & now) - _COMMON_DIGESTS) or was <= now or now <= was
