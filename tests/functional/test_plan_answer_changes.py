"""My plan when a worksheet answer behind a saved item changes (API): one item per answer,
never a second near-identical one. An item the participant never edited follows the new
words; an edited one keeps their words and offers the new ones (use them, or keep mine);
a retried choice writes nothing more; versions saved before positions (sources with a digest
of the words) keep working."""

from __future__ import annotations

from chalicelib.plan import _digest
from tests.functional.test_plan import CRAVINGS, api, call, save_ws, section, texts

PART = "coping-skills"
FIELD = "urge-helpers"


def plan(client, participant) -> dict:  # type: ignore[no-untyped-def]
    status, body = api(client, "GET", "/me/plan", participant)
    assert status == 200, body
    return body


def save(client, participant, based_on, items, **extra) -> dict:  # type: ignore[no-untyped-def]
    body = {"based_on": based_on, "sections": {PART: items}, **extra}
    status, saved = api(client, "PUT", "/me/plan", participant, body)
    assert status == 200, saved
    return saved


def versions(client, participant) -> list[int]:  # type: ignore[no-untyped-def]
    _, found = api(client, "GET", "/me/plan/versions", participant)
    return [v["version"] for v in found["versions"]]


def saved_once(client, participant, answers, edit_first=None) -> list[dict]:  # type: ignore[no-untyped-def]
    """The worksheet answered with ``answers`` and the plan saved (version 1), its first item
    in the participant's own words ``edit_first`` if given."""
    save_ws(client, participant, CRAVINGS, {FIELD: answers})
    items = section(plan(client, participant), PART)
    if edit_first is not None:
        items = [{**items[0], "text": edit_first}, *items[1:]]
    assert save(client, participant, None, items)["version"] == 1
    return items


def test_an_item_never_edited_follows_the_changed_answer(client, published, participant):
    saved_once(client, participant, ["Cold water", "Text Marcus"])
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    now = plan(client, participant)
    # One item per answer: the first follows the new words, in its place; nothing is new.
    assert texts(now, PART) == ["Cold water on my face", "Text Marcus"]
    items = section(now, PART)
    assert [i["updated"] for i in items] == [True, False]
    assert all(i["update"] is None for i in items)
    assert (now["new_items"], now["updated_items"], now["offered_updates"]) == (0, 1, 0)
    # On paper too: the new words, said to be not saved in that version yet.
    paper = call(client, "GET", "/me/plan/download?format=txt", participant).body.decode()
    assert "- Cold water on my face\n" in paper and "- Cold water\n" not in paper
    assert "with 1 new answer from my worksheets not yet saved in my plan" in paper
    # Saved with the part's next save, as it is shown; then it is just an item again.
    saved = save(client, participant, 1, items)
    assert saved["version"] == 2 and texts(saved, PART) == ["Cold water on my face", "Text Marcus"]
    assert not any(i["updated"] for i in section(plan(client, participant), PART))


def test_an_edited_item_offers_the_new_words_once_and_adds_no_second_item(
    client, published, participant, aws_calls
):
    saved_once(client, participant, ["Cold water", "Text Marcus"], edit_first="Cold water, slowly")
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    aws_calls.reset()
    now = plan(client, participant)
    # Still the plan's 2 reads: the worksheets and the newest version.
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.") and n != "DynamoDB.GetItem"]
    assert dynamodb == ["DynamoDB.Query", "DynamoDB.Query"], aws_calls.names
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus"]
    first = section(now, PART)[0]
    assert first["update"]["text"] == "Cold water on my face"
    assert first["update"]["source"] != first["source"]
    assert not first["updated"] and not first["new"]
    assert (now["new_items"], now["updated_items"], now["offered_updates"]) == (0, 0, 1)


def test_use_the_new_words_and_its_retry_writes_one_version(client, published, participant):
    saved_once(client, participant, ["Cold water", "Text Marcus"], edit_first="Cold water, slowly")
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    first, second = section(plan(client, participant), PART)
    use = [{"text": first["update"]["text"], "source": first["update"]["source"]}, second]
    saved = save(client, participant, 1, use)
    assert saved["version"] == 2
    # The same save again (a retry after a lost answer): no second version, no second item.
    again = save(client, participant, 1, use)
    assert again["version"] == 2 and versions(client, participant) == [2, 1]
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water on my face", "Text Marcus"]
    assert now["offered_updates"] == 0 and now["new_items"] == 0
    # Not edited any more: the next change of that answer is followed.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water and a towel", "Text Marcus"]})
    assert texts(plan(client, participant), PART) == ["Cold water and a towel", "Text Marcus"]


def test_keep_my_words_stops_the_offer_until_the_answer_changes_again(
    client, published, participant
):
    saved_once(client, participant, ["Cold water", "Text Marcus"], edit_first="Cold water, slowly")
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    first, second = section(plan(client, participant), PART)
    keep = [{"text": first["text"], "source": first["update"]["source"]}, second]
    assert save(client, participant, 1, keep)["version"] == 2
    assert save(client, participant, 1, keep)["version"] == 2  # a retry: nothing more
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus"]
    assert now["offered_updates"] == 0 and now["new_items"] == 0
    # The answer changes again: offered again, still one item.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Ice on my wrists", "Text Marcus"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus"]
    assert section(now, PART)[0]["update"]["text"] == "Ice on my wrists"


def test_an_answer_added_or_moved_in_the_list_changes_no_item(client, published, participant):
    saved_once(client, participant, ["Cold water", "Text Marcus"], edit_first="Cold water, slowly")
    # A new entry first, the others moved down: they are the same answers; the new one is new.
    save_ws(client, participant, CRAVINGS, {FIELD: ["A walk", "Text Marcus", "Cold water"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus", "A walk"]
    assert [i["new"] for i in section(now, PART)] == [False, False, True]
    assert now["offered_updates"] == 0 and now["updated_items"] == 0


def test_a_removed_item_stays_removed_when_its_answer_is_edited(client, published, participant):
    """Walk 21, item 5: the answer removed stays removed when its words are edited; another
    answer written in its place (``plan_removals.same_answer``), like a new entry of the list,
    is a new answer, offered as new."""
    items = saved_once(client, participant, ["Cold water", "Text Marcus"])
    assert save(client, participant, 1, items[1:])["version"] == 2  # "Cold water" removed
    assert texts(plan(client, participant), PART) == ["Text Marcus"]
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Text Marcus"] and now["new_items"] == 0
    # Edited again: still that answer, still removed; a save of the part keeps it out.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Splash cold water", "Text Marcus"]})
    saved = save(client, participant, 2, [{**items[1], "text": "Text Marcus tonight"}])
    assert saved["version"] == 3 and texts(saved, PART) == ["Text Marcus tonight"]
    assert saved["new_items"] == 0
    # Another answer in its place: new.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Ice on my wrists", "Text Marcus"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Text Marcus tonight", "Ice on my wrists"]
    assert [i["new"] for i in section(now, PART)] == [False, True]
    # A new entry is another answer: new.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water", "Text Marcus", "A walk"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Text Marcus tonight", "A walk"]
    assert [i["new"] for i in section(now, PART)] == [False, True]


def legacy(text: str) -> str:
    """A source as versions saved before positions hold it: a digest of the words."""
    return f"{CRAVINGS}/{FIELD}/{_digest(text, '')}"


def test_items_saved_with_digest_sources_keep_working(client, published, participant):
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water", "Text Marcus", "A walk"]})
    old = [
        {"text": "Cold water, slowly", "source": legacy("Cold water")},
        {"text": "Text Marcus", "source": legacy("Text Marcus")},
    ]
    # "A walk" removed then: dismissed by its digest source.
    body = {"sections": {PART: old}, "shown": [legacy("A walk")]}
    status, saved = api(client, "PUT", "/me/plan", participant, body)
    assert status == 200 and saved["version"] == 1, saved
    _, stored = api(client, "GET", "/me/plan/versions/1", participant)
    assert [i["source"] for i in section(stored, PART)] == [
        legacy("Cold water"),
        legacy("Text Marcus"),
    ]
    # Held answers are not new, the removed one stays removed; shown with their answer's place.
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus"]
    assert now["new_items"] == 0 and now["offered_updates"] == 0
    assert [i["source"].split("/")[2] for i in section(now, PART)] == ["0", "1"]
    # One answer of the field changed: the old edited item is that answer, offered its words.
    save_ws(client, participant, CRAVINGS, {FIELD: ["Ice on my wrists", "Text Marcus", "A walk"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water, slowly", "Text Marcus"]
    assert section(now, PART)[0]["update"]["text"] == "Ice on my wrists"
    # Saving the part as shown keeps the offer (no choice made), stores positional sources.
    saved = save(client, participant, 1, section(now, PART))
    assert saved["version"] == 2 and saved["offered_updates"] == 1
    _, stored = api(client, "GET", "/me/plan/versions/2", participant)
    assert section(stored, PART)[1]["source"].startswith(f"{CRAVINGS}/{FIELD}/1/")


def test_an_unedited_item_with_a_digest_source_follows_its_changed_text_answer(
    client, published, participant
):
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water", "Text Marcus"]})
    old = [{"text": t, "source": legacy(t)} for t in ("Cold water", "Text Marcus")]
    status, saved = api(client, "PUT", "/me/plan", participant, {"sections": {PART: old}})
    assert status == 200, saved
    save_ws(client, participant, CRAVINGS, {FIELD: ["Cold water on my face", "Text Marcus"]})
    now = plan(client, participant)
    assert texts(now, PART) == ["Cold water on my face", "Text Marcus"]
    assert [i["updated"] for i in section(now, PART)] == [True, False]
    assert now["new_items"] == 0
