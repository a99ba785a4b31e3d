"""Answers a participant removed from My plan (chalicelib.plan.merge, ``dismissed``): removed
when their words are edited (walk 21, item 5), while another answer written in their place
(``plan_removals.same_answer``) and a new entry of the list are new; removals saved before
positions (a digest of the words) work as they did."""

from __future__ import annotations

from chalicelib.plan import PlanItem, _digest, _dismissal, items_of, merge, words_of
from chalicelib.plan_removals import removal_words
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
