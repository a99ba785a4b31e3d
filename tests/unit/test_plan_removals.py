"""Answers a participant removed from My plan (chalicelib.plan.merge, ``dismissed``): removed
when their words are edited (walk 21, item 5), while another answer written in their place
(``plan_removals.same_answer``) and a new entry of the list are new; removals saved before
positions (a digest of the words) work as they did."""

from __future__ import annotations

import pytest

from chalicelib.plan import PlanItem, _digest, _dismissal, items_of, merge, words_of
from chalicelib.plan_removals import MAX_REMOVAL_WORDS, removal_words, same_answer
from chalicelib.records.plans import PlanVersion
from chalicelib.records.worksheets import Answer
from chalicelib.vocabulary import PLAN_SECTIONS

MODULE = "triggers-and-high-risk-situations"
FIELD = "trigger-people"


def assembled(*people: str) -> dict[str, list[PlanItem]]:
    """The plan's answers from one list answer of "Personas" with ``people`` in it."""
    answer = Answer(FIELD, list(people), 1, "es", "2026-11-27T10:00:00Z", "list", "Personas",
                    "triggers", "text")  # fmt: skip
    return {s: [] for s in PLAN_SECTIONS} | {"triggers": items_of(MODULE, answer)}


def source(position: int, words: str) -> str:
    return f"{MODULE}/{FIELD}/{position}/{_digest(words, '')}"


def saved(
    *held: tuple[int, str], dismissed: tuple[str, ...], removed: tuple[str, ...] = ()
) -> PlanVersion:
    """A version holding ``held`` (place, words), with the removals ``dismissed``; ``removed``:
    the words of each, kept as a save keeps them (none: saved before removals kept words)."""
    items = [{"text": w, "source": source(n, w)} for n, w in held]
    words = {s: removal_words(w) for s, w in zip(dismissed, removed, strict=False)}
    return PlanVersion("p", 2, "2026-11-27T10:05:00Z", "es", {"triggers": items}, dismissed, words)


def shown(plan: dict[str, list[PlanItem]]) -> list[tuple[str, bool]]:
    return [(i.text, i.new) for i in plan["triggers"]]


def test_a_removed_answer_stays_removed_when_its_words_change():
    plan = saved(
        (1, "Don Beto"), dismissed=(source(0, "Mi primo Toño"),), removed=("Mi primo Toño",)
    )
    assert shown(merge(plan, assembled("Mi primo Toño", "Don Beto"))) == [("Don Beto", False)]
    changed = assembled("Mi primo Toño y sus amigos", "Don Beto")
    assert shown(merge(plan, changed)) == [("Don Beto", False)]
    # A new entry of the list is a new answer.
    more = assembled("Mi primo Toño y sus amigos", "Don Beto", "Mi ex")
    assert shown(merge(plan, more)) == [("Don Beto", False), ("Mi ex", True)]


def test_a_new_entry_at_a_removed_answers_place_is_new_while_its_words_are_still_there():
    # An entry written first moves the others down: "Mi primo Toño" is still there (removed
    # by its words), so the entry now at its old place is another answer.
    plan = saved((1, "Don Beto"), dismissed=(source(0, "Mi primo Toño"),))
    moved = assembled("Ana", "Mi primo Toño", "Don Beto")
    assert shown(merge(plan, moved)) == [("Don Beto", False), ("Ana", True)]


def test_a_place_an_item_of_the_plan_holds_is_that_items_answer():
    # Removed at place 0, then an item saved with place 0 (the answer moved there): a change
    # of the answer at place 0 is that item's, followed, not held off as the removed one.
    plan = saved((0, "Don Beto"), dismissed=(source(0, "Mi primo Toño"),))
    now = merge(plan, assembled("Don Beto y su hermano"))
    assert [(i.text, i.updated, i.new) for i in now["triggers"]] == [
        ("Don Beto y su hermano", True, False)
    ]


def test_a_removal_saved_before_positions_keeps_its_words_out_as_then():
    legacy = words_of(source(0, "Mi primo Toño"))  # module/field/digest
    plan = saved((1, "Don Beto"), dismissed=(legacy,))
    assert shown(merge(plan, assembled("Mi primo Toño", "Don Beto"))) == [("Don Beto", False)]
    # Its place is not known: an answer with other words is new, as it was.
    changed = assembled("Mi primo Toño y sus amigos", "Don Beto")
    assert shown(merge(plan, changed)) == [
        ("Don Beto", False),
        ("Mi primo Toño y sus amigos", True),
    ]


def test_a_save_stores_the_removed_answers_source_with_its_place():
    current = {
        words_of(str(a.source)): a for a in assembled("Mi primo Toño", "Don Beto")["triggers"]
    }
    legacy = words_of(source(0, "Mi primo Toño"))
    cousin = source(0, "Mi primo Toño")
    # Saved before positions, its words still in the field: its answer's source, once, and
    # its words (as they are now).
    words = {cousin: removal_words("Mi primo Toño")}
    assert _dismissal((legacy,), {}, {}, [], current) == ((cousin,), words)
    assert _dismissal((legacy,), {}, {cousin: "Mi primo Toño"}, [], current) == ((cousin,), words)
    # Words gone from the field: kept as it was, with the words it kept (none: none kept).
    gone = source(0, "Mi tío")
    assert _dismissal((gone,), {}, {}, [], current) == ((gone,), {})
    uncle = {gone: removal_words("Mi tío")}
    assert _dismissal((gone,), uncle, {}, [], current) == ((gone,), uncle)
    # Kept in the plan again (its words): no longer removed.
    assert _dismissal((legacy,), {}, {}, [cousin], current) == ((), {})


# The rule (plan_removals.same_answer): the words a participant removed, and the words now at
# that answer's place in the worksheet's list.
SAME = [
    ("Mi primo Toño", "Mi primo Toño y sus amigos"),
    ("Mi primo Toño", "Toño"),
    ("Mi primo Toño", "TOÑO, mi primo"),  # case, accents, punctuation
    ("Mi primo Toño", "Mi primo"),  # shortened: every word of it was there
    ("Mi mamá", "Mi mamá y mi tía"),
    ("Fiestas del trabajo", "Las fiestas del trabajo los viernes"),
    ("Don Beto", "Don Beto, el de la tienda"),
    ("My cousin Tony", "My cousin Tony and his friends"),
    ("My cousin Tony", "Tony"),
    ("My ex", "My ex Carlos"),
    ("Cold water", "Splash cold water on my face"),
    ("Payday", "payday!"),
]
DIFFERENT = [
    ("Mi primo Toño", "Mi hermana Lucía"),
    ("Mi primo Toño", "Mi primo Carlos"),  # the same kind of person, another person
    ("Mi mamá", "Mi papá"),
    ("Don Beto", "Don Chuy"),
    ("My cousin Tony", "My sister Lucy"),
    ("My boss", "My neighbor"),
    ("Work parties", "Home alone at night"),
    ("Cold water", "Ice on my wrists"),
    ("Él", "El jefe"),  # nothing that counts in the removed words
    ("Mi primo Toño", "?!"),  # nothing that counts in the new words
]


@pytest.mark.parametrize(("removed", "now"), SAME)
def test_an_edit_of_the_removed_answer_is_the_same_answer(removed, now):
    assert same_answer(removal_words(removed), now)


@pytest.mark.parametrize(("removed", "now"), DIFFERENT)
def test_other_words_are_another_answer(removed, now):
    assert not same_answer(removal_words(removed), now)


def test_a_removal_that_kept_no_words_holds_no_answer_as_its_own():
    assert not same_answer((), "Mi primo Toño")


def test_a_removal_keeps_digests_of_its_words_not_the_words():
    kept = removal_words("Mi primo Toño, mi primo")
    assert len(kept) == 2 and all(len(w) == 8 and "ton" not in w for w in kept)
    assert removal_words("TOÑO") == removal_words("tono")
    many = " ".join(f"palabra{n}" for n in range(100))
    assert len(removal_words(many)) == MAX_REMOVAL_WORDS


# The rule in the plan (merge): "Toño" removed from the list's first box, in each language.
REMOVED = {"es": "Mi primo Toño", "en": "My cousin Tony"}
EDITED = {"es": "Toño y sus amigos", "en": "Tony and his friends"}
OTHER = {"es": "Mi hermana Lucía", "en": "My sister Lucy"}


def removed_first(locale: str) -> PlanVersion:
    return saved(
        (1, "Don Beto"), dismissed=(source(0, REMOVED[locale]),), removed=(REMOVED[locale],)
    )


@pytest.mark.parametrize("locale", ["es", "en"])
def test_the_removed_answer_edited_in_its_box_stays_removed(locale):
    plan = removed_first(locale)
    assert shown(merge(plan, assembled(EDITED[locale], "Don Beto"))) == [("Don Beto", False)]


@pytest.mark.parametrize("locale", ["es", "en"])
def test_another_answer_in_the_removed_answers_box_is_new(locale):
    plan = removed_first(locale)
    now = merge(plan, assembled(OTHER[locale], "Don Beto"))
    assert shown(now) == [("Don Beto", False), (OTHER[locale], True)]


def test_the_removed_answers_box_emptied_then_filled():
    plan = removed_first("es")
    assert shown(merge(plan, assembled("", "Don Beto"))) == [("Don Beto", False)]
    # Filled again with another person: new; with the removed words: still removed.
    now = merge(plan, assembled("Mi hermana Lucía", "Don Beto"))
    assert shown(now) == [("Don Beto", False), ("Mi hermana Lucía", True)]
    assert shown(merge(plan, assembled("Mi primo Toño", "Don Beto"))) == [("Don Beto", False)]


def test_the_removed_words_anywhere_in_the_list_are_still_removed():
    plan = removed_first("es")
    moved = assembled("Mi hermana Lucía", "Don Beto", "Mi primo Toño")
    assert shown(merge(plan, moved)) == [("Don Beto", False), ("Mi hermana Lucía", True)]


def test_a_removal_by_place_saved_without_its_words_holds_its_place_no_more():
    # Saved between walk 21's fix and this rule: its words unknown, what is at its place now
    # is offered as new (removing it again keeps its words); its own words stay removed.
    plan = saved((1, "Don Beto"), dismissed=(source(0, "Mi primo Toño"),))
    now = merge(plan, assembled("Mi hermana Lucía", "Don Beto"))
    assert shown(now) == [("Don Beto", False), ("Mi hermana Lucía", True)]
    assert shown(merge(plan, assembled("Mi primo Toño", "Don Beto"))) == [("Don Beto", False)]


def test_an_item_removed_after_its_answer_changed_keeps_the_words_at_its_place():
    # The plan held "Mi primo Toño" (edited, offered "Toño y sus amigos"); she removed it.
    current = {
        words_of(str(a.source)): a for a in assembled("Toño y sus amigos", "Don Beto")["triggers"]
    }
    old = source(0, "Mi primo Toño")
    dropped = {old: "Mi primo Toñito"}
    assert _dismissal((), {}, dropped, [], current) == (
        (old,),
        {old: removal_words("Toño y sus amigos")},
    )
    # Nothing at its place: its item's words.
    empty = {words_of(str(a.source)): a for a in assembled("", "Don Beto")["triggers"]}
    assert _dismissal((), {}, dropped, [], empty) == (
        (old,),
        {old: removal_words("Mi primo Toñito")},
    )
