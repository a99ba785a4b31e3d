"""The saved-worksheets item (``records/worksheets.py``): a group's grid and "needs attention"
read one item per participant instead of one per worksheet, so that item must say exactly what
the worksheets themselves say (which fields are answered and when, shared, last saved), after
any sequence of saves, emptied answers, sharing and deletion."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import upgrade
from chalicelib.errors import Conflict, NotFound
from chalicelib.records.keys import SAVED_WORKSHEETS_SK, participant_pk
from chalicelib.records.worksheets import Answer, WorksheetRecords, saved_worksheets
from steady_local import snapshot
from tests.conftest import REGION

MODULES = ("urge-surfing", "sleep-basics")
FIELDS = ("first", "second", "third")


def answer(field_id: str, value: str, at: str) -> Answer:
    return Answer(field_id, value, 1, "en", at, "text", field_id.title(), None, None)


def from_the_worksheets(records: WorksheetRecords, pid: str) -> dict[str, Any]:
    """What the worksheets themselves say, in the saved-worksheets item's terms."""
    return {
        s.module_id: (dict(s.answered_at), s.shared, s.updated_at)
        for s in records.all_of(pid)
        if s.answers
    }


def saved_of(records: WorksheetRecords, pid: str) -> dict[str, Any]:
    """The saved-worksheets item read back, as ``AttentionRecords.facts`` reads it."""
    item = records.get_one(participant_pk(pid), SAVED_WORKSHEETS_SK, consistent=True)
    return saved_worksheets(item) if item else {}


def from_the_saved_item(records: WorksheetRecords, pid: str) -> dict[str, Any]:
    return {
        m: (dict(s.answered_at), s.shared, s.updated_at) for m, s in saved_of(records, pid).items()
    }


@pytest.fixture
def records(stack) -> WorksheetRecords:  # type: ignore[no-untyped-def]
    return WorksheetRecords(boto3.client("dynamodb", region_name=REGION), stack.records_table)


# One step: save some fields of a module (None empties one), or share / unshare it.
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("save"),
            st.sampled_from(MODULES),
            st.dictionaries(st.sampled_from(FIELDS), st.none() | st.text(min_size=1, max_size=5)),
        ),
        st.tuples(st.just("share"), st.sampled_from(MODULES), st.booleans()),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_the_saved_item_says_what_the_worksheets_say_after_any_steps(records, steps):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())  # a new participant per example: the table is shared
    for n, (kind, module_id, what) in enumerate(steps):
        at = f"2026-11-26T10:{n:02d}:00+00:00"
        if kind == "save":
            saved = [answer(f, v, at) for f, v in what.items() if v is not None]
            emptied = [f for f, v in what.items() if v is None]
            records.save(pid, module_id, saved, emptied, at)
        else:
            try:
                records.set_shared(pid, module_id, what, at)
            except NotFound:
                assert module_id not in {s.module_id for s in records.all_of(pid)}
        assert from_the_saved_item(records, pid) == from_the_worksheets(records, pid)


def test_sharing_an_unsaved_worksheet_changes_neither_item(records):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())
    with pytest.raises(NotFound):
        records.set_shared(pid, MODULES[0], True, "2026-11-26T10:00:00+00:00")
    key = {"PK": {"S": participant_pk(pid)}, "SK": {"S": SAVED_WORKSHEETS_SK}}
    assert "Item" not in records._dynamodb.get_item(TableName=records._table, Key=key)
    assert saved_of(records, pid) == {}


def test_deleting_the_answers_deletes_the_saved_item_and_a_retry_is_harmless(records):  # type: ignore[no-untyped-def]
    pid, other = str(uuid.uuid4()), str(uuid.uuid4())
    at = "2026-11-26T10:00:00+00:00"
    for who in (pid, other):
        records.save(who, MODULES[0], [answer("first", "a", at)], [], at)
        records.save(who, MODULES[1], [answer("second", "b", at)], [], at)
    assert records.delete_all(pid) == 2
    assert records.delete_all(pid) == 0
    key = {"PK": {"S": participant_pk(pid)}, "SK": {"S": SAVED_WORKSHEETS_SK}}
    assert "Item" not in records._dynamodb.get_item(TableName=records._table, Key=key)
    assert saved_of(records, pid) == {}
    assert set(saved_of(records, other)) == set(MODULES)  # someone else's are untouched


def drop_saved_item(records: WorksheetRecords, pid: str) -> None:
    """As if the worksheets were saved before the saved-worksheets item existed."""
    key = {"PK": {"S": participant_pk(pid)}, "SK": {"S": SAVED_WORKSHEETS_SK}}
    records._dynamodb.delete_item(TableName=records._table, Key=key)


def test_the_upgrade_step_mends_worksheets_saved_before_the_item_and_later_saves(records):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())
    at = "2026-11-26T10:00:00+00:00"
    records.save(pid, MODULES[0], [answer("first", "a", at), answer("second", "b", at)], [], at)
    records.set_shared(pid, MODULES[0], True, at)
    records.save(pid, MODULES[1], [answer("third", "c", at)], [], at)
    drop_saved_item(records, pid)
    # A save after the release: the item knows only what that save wrote ...
    records.save(pid, MODULES[0], [answer("third", "d", at)], [], "2026-11-27T09:00:00+00:00")
    assert from_the_saved_item(records, pid) != from_the_worksheets(records, pid)
    # ... until the upgrade step, which is harmless to run again.
    assert upgrade.saved_worksheets(records, [pid]) == (1, 2, 0)
    assert from_the_saved_item(records, pid) == from_the_worksheets(records, pid)
    assert upgrade.saved_worksheets(records, [pid, str(uuid.uuid4())]) == (2, 2, 0)
    assert from_the_saved_item(records, pid) == from_the_worksheets(records, pid)


def remove_change_token(records: WorksheetRecords, pid: str) -> None:
    """As if the item were written without one (before the token existed)."""
    records._dynamodb.update_item(
        TableName=records._table,
        Key={"PK": {"S": participant_pk(pid)}, "SK": {"S": SAVED_WORKSHEETS_SK}},
        UpdateExpression="REMOVE #n",
        ExpressionAttributeNames={"#n": "change"},
    )


def in_between(
    records: WorksheetRecords, monkeypatch, meanwhile, method: str = "all_of"
) -> list[str]:  # type: ignore[no-untyped-def]
    """Run ``meanwhile`` once, right after the first read of the worksheets (``method``)."""
    read = getattr(records, method)
    calls: list[str] = []

    inside: list[bool] = []

    def all_of_then(participant_id: str) -> Any:
        found = read(participant_id)
        if inside:  # ``meanwhile``'s own reads are not counted
            return found
        calls.append(participant_id)
        if len(calls) == 1:
            inside.append(True)
            meanwhile()
            inside.clear()
        return found

    monkeypatch.setattr(records, method, all_of_then)
    return calls


AT = "2026-11-26T10:00:00+00:00"


@pytest.mark.parametrize("item", ["with its token", "without a token", "missing"])
@pytest.mark.parametrize("meanwhile", ["a save", "a share", "deleting everything", "delete, save"])
def test_a_rebuild_never_undoes_what_comes_in_meanwhile(records, monkeypatch, item, meanwhile):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())
    records.save(pid, MODULES[0], [answer("first", "a", AT)], [], AT)
    if item == "without a token":
        remove_change_token(records, pid)
    elif item == "missing":
        drop_saved_item(records, pid)

    def change() -> None:
        later = "2026-11-26T11:00:00+00:00"
        if meanwhile == "a save":
            records.save(pid, MODULES[1], [answer("second", "b", later)], [], later)
        elif meanwhile == "a share":
            records.set_shared(pid, MODULES[0], True, later)
        else:
            records.delete_all(pid)
            if meanwhile == "delete, save":
                records.save(pid, MODULES[1], [answer("second", "b", later)], [], later)

    calls = in_between(records, monkeypatch, change)
    records.rebuild_saved(pid)
    assert len(calls) == 2  # the first write was refused, and it read again
    monkeypatch.undo()
    assert from_the_saved_item(records, pid) == from_the_worksheets(records, pid)


def test_deleting_also_deletes_a_save_from_another_device_meanwhile(records, monkeypatch):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())
    records.save(pid, MODULES[0], [answer("first", "a", AT)], [], AT)
    in_between(
        records,
        monkeypatch,
        lambda: records.save(pid, MODULES[1], [answer("second", "b", AT)], [], AT),
        # Deleting reads the worksheets with their earlier saves (one Query of keys).
        "_family_keys",
    )
    assert records.delete_all(pid) == 2
    monkeypatch.undo()
    assert records.all_of(pid) == []
    assert saved_of(records, pid) == {}


def test_the_upgrade_command_reads_participants_from_cognito(  # type: ignore[no-untyped-def]
    service, participant, other_participant, stack, capsys, monkeypatch
):
    records = service.worksheets.records
    for who in (participant, other_participant):
        records.save(who.id, MODULES[0], [answer("first", "a", AT)], [], AT)
        drop_saved_item(records, who.id)
    environ = {
        "AWS_REGION": REGION,
        "STEADY_RECORDS_TABLE": stack.records_table,
        "STEADY_USER_POOL_ID": stack.user_pool_id,
    }
    assert upgrade.main(["saved-worksheets"], environ) == 0
    assert "2 participants, 2 worksheets, 0 not done" in capsys.readouterr().out
    for who in (participant, other_participant):
        assert from_the_saved_item(records, who.id) == from_the_worksheets(records, who.id)

    # One it cannot do now is counted, the others go on, and the exit status says so.
    rebuild = records.rebuild_saved

    def busy_for_one(participant_id: str) -> int:
        if participant_id == participant.id:
            raise Conflict("busy", code="worksheet_busy")
        return rebuild(participant_id)

    monkeypatch.setattr(records, "rebuild_saved", busy_for_one)
    assert upgrade.main(["saved-worksheets"], environ) == 1
    assert "1 participants, 1 worksheets, 1 not done" in capsys.readouterr().out
    # Without the stack's names it never falls back to another stage's table.
    assert upgrade.main(["saved-worksheets"], {**environ, "STEADY_RECORDS_TABLE": ""}) == 2
    assert "STEADY_RECORDS_TABLE" in capsys.readouterr().err
    assert upgrade.main([], environ) == 2


def test_a_snapshot_from_before_the_saved_item_gets_it_on_restore(stack, records, tmp_path: Path):  # type: ignore[no-untyped-def]
    pid = str(uuid.uuid4())
    records.save(pid, MODULES[0], [answer("first", "a", "2026-11-26T10:00:00+00:00")], [], "x")
    records.set_shared(pid, MODULES[0], True, "2026-11-26T10:01:00+00:00")
    records.save(pid, MODULES[1], [answer("third", "c", "2026-11-26T10:02:00+00:00")], [], "y")
    expected = from_the_saved_item(records, pid)
    assert set(expected) == set(MODULES)
    dynamodb = records._dynamodb
    items = dynamodb.query(
        TableName=records._table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": participant_pk(pid)}},
    )["Items"]
    # The snapshot as it was before: worksheets, no saved-worksheets item.
    old = [i for i in items if i["SK"]["S"] != SAVED_WORKSHEETS_SK]
    for item in items:
        dynamodb.delete_item(TableName=records._table, Key={"PK": item["PK"], "SK": item["SK"]})
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps({"items": old, "objects": [], "users": []}), encoding="utf-8")

    def clients(name: str) -> Any:
        return dynamodb if name == "dynamodb" else boto3.client(name, region_name=REGION)

    assert snapshot.restore(clients, stack, path) == len(old)
    assert from_the_saved_item(records, pid) == expected
