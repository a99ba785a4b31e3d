"""Web sign-in sessions: one item per browser session, deleted on sign-out, expired by TTL.

Keys (see ``chalicelib.records``): ``SESSION#{sha256 of the session id}`` / ``SESSION``.
The browser's cookie holds the random session id (32 bytes, urlsafe); the table holds only
its SHA-256, so someone who can read the table cannot use it to impersonate a participant.

Attributes: ``state`` (``active``; ``challenge`` while a first-login password change is pending;
``code`` while Cognito waits for an authenticator code), ``caller_id``, ``roles``, ``access_token``,
``refresh_token``, ``csrf`` (the synchronizer token of every form of this session), ``username`` and
``challenge`` (Cognito's challenge session, in the ``challenge`` and ``code`` states),
``given_password`` (in the ``challenge`` state: a keyed hash of the temporary password typed at
sign-in, never the password, so that it is refused as the new one: ``chalicelib.sign_in``),
``setup_secret`` (an authenticator secret shown but not yet confirmed, so a reload shows the same
one), ``expires_at`` (epoch seconds, absolute end; the table's Time to Live attribute) and ``ttl``
(the same number, for a table whose TTL attribute is named so), ``last_seen`` (epoch seconds, for
the inactivity timeout), ``handouts`` and ``handouts_version`` (below). Reads check
``expires_at`` themselves: TTL deletion lags.

``handouts``: the sign-in details of participant accounts this group leader just created, or
just gave a new temporary password (a list of maps: ``group_id``, ``participant_id``,
``username``, ``display_name``, ``temporary_password``, ``expires_at``, ``new_account``),
kept so that the group page can be reloaded and still show them until the leader says they were
handed over, or 15 minutes pass, or the session ends (``chalicelib.sign_in``). Never in a
cookie, an address or a log. ``handouts_version`` counts the writes to that list.
Conditional-write rules:

- adding one (``add_handout``) appends atomically (``list_append``), conditional only on the
  session existing: two tabs creating accounts at once both keep theirs, and a sign-out racing
  it never resurrects the session;
- removing (``set_handouts``: one handed over, or the expired ones) rewrites the list
  conditional on ``handouts_version`` being the one read: an account added meanwhile is never
  dropped by a rewrite made from an older read (the caller reads again and retries).

Every access is a GetItem, PutItem, UpdateItem or DeleteItem on that one key, except:

- a signed-in session (with a ``caller_id``) is also listed under its account:
  ``ACCOUNT#{caller_id}`` / ``SESSION#{sha256}`` (``expires_at``/``ttl`` as the session), put
  in the same transaction as the session, so that disabling an account ends its sessions
  (``end_all``: one Query of that partition, one DeleteItem per session) without a Scan.
  Sign-out leaves the listing to TTL; deleting a session that is already gone is harmless.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.keys import SESSION_PREFIX, account_pk, session_pk
from chalicelib.records.keys import SESSION_SK as SK
from chalicelib.records.table import (
    ConditionFailed,
    RecordTable,
    from_item,
    to_item,
)

_BUSY = Conflict("This sign-in is being recorded by another request. Try again.", code="busy")
ACTIVE = "active"
CHALLENGE = "challenge"
CODE = "code"


@dataclass(frozen=True)
class Handout:
    """A participant account's sign-in details (a new account, or a new temporary password),
    waiting in its group leader's session to be handed over (``Session.handouts``)."""

    group_id: str
    participant_id: str
    username: str
    display_name: str
    expires_at: int  # epoch seconds
    temporary_password: str = field(repr=False)
    new_account: bool = True  # False: a new temporary password for an existing account

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Handout:
        return cls(
            group_id=str(record.get("group_id", "")),
            participant_id=str(record.get("participant_id", "")),
            username=str(record.get("username", "")),
            display_name=str(record.get("display_name", "")),
            expires_at=int(record.get("expires_at", 0)),
            temporary_password=str(record.get("temporary_password", "")),
            new_account=bool(record.get("new_account", True)),
        )


@dataclass(frozen=True)
class Session:
    session_id: str
    state: str
    csrf: str
    expires_at: int
    last_seen: int
    caller_id: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    access_token: str = ""
    refresh_token: str = ""
    username: str = ""
    challenge: str = ""
    setup_secret: str = ""
    given_password: str = field(default="", repr=False)  # a keyed hash: see the module doc
    handouts: tuple[Handout, ...] = field(default=(), repr=False)
    handouts_version: int = 0
    # Never stored: the language of the pages kept with a participant's account, read when
    # this session signed in (``chalicelib.sign_in``), for the browser's language cookie.
    language: str | None = None

    def with_tokens(self, access_token: str, refresh_token: str | None = None) -> Session:
        return replace(
            self, access_token=access_token, refresh_token=refresh_token or self.refresh_token
        )


class SessionRecords(RecordTable):
    def put(self, session: Session) -> None:
        """Write (or overwrite) the whole session."""
        item = {
            "PK": session_pk(session.session_id),
            "SK": SK,
            "state": session.state,
            "csrf": session.csrf,
            "expires_at": session.expires_at,
            "ttl": session.expires_at,
            "last_seen": session.last_seen,
            "caller_id": session.caller_id,
            "roles": ",".join(sorted(session.roles)),
            "access_token": session.access_token,
            "refresh_token": session.refresh_token,
            "username": session.username,
            "challenge": session.challenge,
            "setup_secret": session.setup_secret,
        }
        if session.given_password:
            item["given_password"] = session.given_password
        if not session.caller_id:
            self.call("put_item", Item=to_item(item))
            return
        listing = {
            "PK": account_pk(session.caller_id),
            "SK": item["PK"],
            "expires_at": session.expires_at,
            "ttl": session.expires_at,
        }
        self.transact(
            [
                {"Put": {"TableName": self._table, "Item": to_item(item)}},
                {"Put": {"TableName": self._table, "Item": to_item(listing)}},
            ],
            _BUSY,
        )

    def end_all(self, account_id: str) -> int:
        """Delete every web session of the account (a disable); returns how many were listed."""
        pk = account_pk(account_id)
        ended = 0
        token = None
        while True:
            listed, token = self.query_page(pk, SESSION_PREFIX, token, 100)
            for entry in listed:
                self.call("delete_item", Key={"PK": {"S": entry["SK"]}, "SK": {"S": SK}})
                self.call("delete_item", Key={"PK": {"S": pk}, "SK": {"S": entry["SK"]}})
                ended += 1
            if not token:
                return ended

    def get(self, session_id: str) -> Session | None:
        """The stored session, or ``None`` (never stored, signed out, or removed by TTL)."""
        response = self.call("get_item", Key=self._key(session_id), ConsistentRead=True)
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return Session(
            session_id=session_id,
            state=str(item.get("state", "")),
            csrf=str(item.get("csrf", "")),
            expires_at=int(item.get("expires_at", 0)),
            last_seen=int(item.get("last_seen", 0)),
            caller_id=str(item.get("caller_id", "")),
            roles=frozenset(r for r in str(item.get("roles", "")).split(",") if r),
            access_token=str(item.get("access_token", "")),
            refresh_token=str(item.get("refresh_token", "")),
            username=str(item.get("username", "")),
            challenge=str(item.get("challenge", "")),
            setup_secret=str(item.get("setup_secret", "")),
            given_password=str(item.get("given_password", "")),
            handouts=tuple(Handout.from_record(h) for h in item.get("handouts") or []),
            handouts_version=int(item.get("handouts_version", 0)),
        )

    def touch(self, session_id: str, last_seen: int, access_token: str | None = None) -> None:
        """Record activity (and a refreshed access token). Conditional on the item existing,
        so a touch racing a sign-out never resurrects the session."""
        names = {"#l": "last_seen"}
        values: dict[str, Any] = {":l": last_seen}
        expression = "SET #l = :l"
        if access_token is not None:
            names["#a"] = "access_token"
            values[":a"] = access_token
            expression += ", #a = :a"
        self._update(session_id, expression, names, values)

    def set_setup_secret(self, session_id: str, secret: str) -> None:
        """Keep (or, with ``""``, forget) the authenticator secret being set up. Conditional on
        the item existing, like ``touch``."""
        self._update(session_id, "SET #s = :s", {"#s": "setup_secret"}, {":s": secret})

    def add_handout(self, session_id: str, handout: Handout) -> bool:
        """Append a handout to the session's list (atomically: nothing added at the same time
        is lost). ``False`` if the session is gone (signed out meanwhile)."""
        return self._update(
            session_id,
            "SET #h = list_append(if_not_exists(#h, :none), :one) ADD #v :step",
            {"#h": "handouts", "#v": "handouts_version"},
            {":none": [], ":one": [handout.to_record()], ":step": 1},
        )

    def set_handouts(self, session_id: str, handouts: tuple[Handout, ...], version: int) -> bool:
        """Replace the list (removing one, or the expired ones) if it is still the one read at
        ``version``; ``False`` if it changed since (read again) or the session is gone."""
        values: dict[str, Any] = {":v": version, ":step": 1}
        if handouts:
            values[":h"] = [h.to_record() for h in handouts]
            expression = "SET #h = :h ADD #v :step"
        else:
            expression = "REMOVE #h ADD #v :step"
        return self._update(
            session_id,
            expression,
            {"#h": "handouts", "#v": "handouts_version"},
            values,
            "attribute_exists(PK) AND #v = :v",
        )

    def _update(
        self,
        session_id: str,
        expression: str,
        names: dict[str, str],
        values: dict[str, Any],
        condition: str = "attribute_exists(PK)",
    ) -> bool:
        """One UpdateItem of the session under ``condition`` (at least: the session exists, so
        a write racing a sign-out never resurrects it); ``False`` where the condition failed."""
        try:
            self.call(
                "update_item",
                Key=self._key(session_id),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(values),
            )
        except ConditionFailed:
            return False
        return True

    def delete(self, session_id: str) -> None:
        self.call("delete_item", Key=self._key(session_id))

    def _key(self, session_id: str) -> dict[str, Any]:
        return {"PK": {"S": session_pk(session_id)}, "SK": {"S": SK}}
