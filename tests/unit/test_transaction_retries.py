"""``RecordTable.transact``: a write that meets another request's write to the same items (a
form sent twice, two devices) is retried after a growing random pause, and only that."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import Conflict
from chalicelib.records import table
from chalicelib.records.table import RecordTable, TransactionCancelled


def cancelled(*codes: str) -> ClientError:
    error = ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
        "TransactWriteItems",
    )
    error.response["CancellationReasons"] = [{"Code": c} for c in codes]
    return error


class Client:
    """Answers each TransactWriteItems with the next outcome (an error, or success)."""

    def __init__(self, outcomes: list[ClientError | None]) -> None:
        self.outcomes = outcomes
        self.calls = 0

    def transact_write_items(self, **_: Any) -> dict[str, Any]:
        outcome = self.outcomes[self.calls]
        self.calls += 1
        if outcome is not None:
            raise outcome
        return {}


BUSY = Conflict("busy", code="busy")


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(table, "pause", waited.append)
    return waited


def test_a_conflict_is_retried_after_a_growing_random_pause(pauses: list[float]) -> None:
    conflict = cancelled("None", "TransactionConflict")
    client = Client([conflict, conflict, conflict, None])
    RecordTable(client, "t").transact([{}], BUSY)
    assert client.calls == 4
    assert len(pauses) == 3
    for attempt, waited in enumerate(pauses):
        assert 0 <= waited <= table._CONFLICT_PAUSE * 2**attempt


def test_the_longest_pauses_double(pauses: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table.random, "uniform", lambda low, high: high)
    conflict = cancelled("TransactionConflict")
    RecordTable(Client([conflict, conflict, conflict, None]), "t").transact([{}], BUSY)
    assert pauses == pytest.approx([0.01, 0.02, 0.04])


def test_a_conflict_that_keeps_happening_is_busy_without_a_last_useless_pause(
    pauses: list[float],
) -> None:
    client = Client([cancelled("TransactionConflict")] * table._TRANSACTION_ATTEMPTS)
    with pytest.raises(Conflict) as raised:
        RecordTable(client, "t").transact([{}], BUSY)
    assert raised.value is BUSY
    assert client.calls == table._TRANSACTION_ATTEMPTS
    assert len(pauses) == table._TRANSACTION_ATTEMPTS - 1
    # The longest it can wait in all, as the docstring says.
    assert sum(table._CONFLICT_PAUSE * 2**a for a in range(len(pauses))) == pytest.approx(0.15)


def test_a_failed_condition_is_not_retried(pauses: list[float]) -> None:
    client = Client([cancelled("ConditionalCheckFailed", "None")])
    with pytest.raises(TransactionCancelled):
        RecordTable(client, "t").transact([{}], BUSY)
    assert client.calls == 1
    assert pauses == []
