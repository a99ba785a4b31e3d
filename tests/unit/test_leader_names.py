"""A group page names its leaders from the group's records alone: a co-leader added before
usernames were kept with them has none until the upgrade step fills it in, and nobody is looked
up in Cognito by account id (that is ListUsers, which the API is not granted)."""

from __future__ import annotations

from typing import Any, cast

from chalicelib.clock import Clock
from chalicelib.groups import Groups
from chalicelib.identity import Caller
from chalicelib.records.groups import GroupLeader


class NoAccounts:
    """Any Cognito call from naming leaders fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Cognito asked: {name}")


def groups() -> Groups:
    return Groups(cast(Any, None), cast(Any, None), cast(Any, NoAccounts()), Clock())


CALLER = Caller(id="leader-a", username="leader-one", roles=frozenset({"leaders"}))


def test_a_stored_username_is_shown() -> None:
    named = groups()._named(CALLER, GroupLeader("leader-b", "leader-two"))
    assert named == GroupLeader("leader-b", "leader-two")


def test_the_callers_own_comes_with_their_sign_in() -> None:
    assert groups()._named(CALLER, GroupLeader("leader-a")) == GroupLeader("leader-a", "leader-one")


def test_an_older_co_leader_is_left_unnamed_not_looked_up() -> None:
    assert groups()._named(CALLER, GroupLeader("leader-b")) == GroupLeader("leader-b", "")
