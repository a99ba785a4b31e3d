"""A co-leader added before usernames were kept with them is looked up by id; when Cognito
cannot answer, the group page still opens (only a name is missing), never a 503."""

from __future__ import annotations

from typing import Any, cast

from chalicelib.clock import Clock
from chalicelib.errors import ServiceUnavailable
from chalicelib.groups import Groups
from chalicelib.identity import Caller
from chalicelib.records.groups import GroupLeader


class Accounts:
    def __init__(self, answer: str | None = None, fails: bool = False) -> None:
        self.answer, self.fails, self.asked = answer, fails, 0

    def username_of(self, account_id: str) -> str | None:
        self.asked += 1
        if self.fails:
            raise ServiceUnavailable("Accounts are unavailable right now.")
        return self.answer


def groups(accounts: Accounts) -> Groups:
    return Groups(cast(Any, None), cast(Any, None), cast(Any, accounts), Clock())


CALLER = Caller(id="leader-a", username="leader-one", roles=frozenset({"leaders"}))


def test_a_stored_username_costs_no_lookup() -> None:
    accounts = Accounts(fails=True)
    named = groups(accounts)._named(CALLER, GroupLeader("leader-b", "leader-two"))
    assert named.username == "leader-two" and accounts.asked == 0


def test_an_older_co_leader_is_looked_up() -> None:
    named = groups(Accounts("leader-two"))._named(CALLER, GroupLeader("leader-b"))
    assert named == GroupLeader("leader-b", "leader-two")


def test_cognito_unavailable_leaves_the_name_blank_not_the_page() -> None:
    accounts = Accounts(fails=True)
    named = groups(accounts)._named(CALLER, GroupLeader("leader-b"))
    assert named == GroupLeader("leader-b", "") and accounts.asked == 1
