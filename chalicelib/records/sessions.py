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
``chosen_language`` (in the ``challenge`` and ``code`` states: the language chosen by a
``?locale=`` link opened in this same sign-in, ``en`` or ``es``, kept with the account once the
sign-in is done; never a browser's long-lived cookie, which may be someone else's),
``setup_secret`` (an authenticator secret shown but not yet confirmed, so a reload shows the same
one), ``expires_at`` (epoch seconds, absolute end; the table's Time to Live attribute) and ``ttl``
(the same number, for a table whose TTL attribute is named so), ``last_seen`` (epoch seconds, for
the inactivity timeout), ``handouts`` and ``handouts_version`` (below). Reads check
``expires_at`` themselves: TTL deletion lags.

``handouts``: the sign-in details of participant accounts this group leader just created, or
just gave a new temporary password (a list of maps: ``group_id``, ``participant_id``,
``username``, ``display_name``, ``temporary_password``, ``expires_at``, ``new_account``),
kept so that the group page can be reloaded and still show them until the leader says they were
handed over, or 15 minutes pass, or the session ends (``chalicelib.sign_in``). An
administrator's session keeps the leader and author accounts it just created the same way
(``group_id`` ``admin-accounts``, ``participant_id`` the account's id, ``display_name`` its
role's words, ``temporary_password`` empty for an emailed invitation), for the same form sent
again (``chalicelib.web.admin_pages.create_account``). Never in a
cookie, an address or a log. ``handouts_version`` counts the writes to that list.
Conditional-write rules:

- adding one (``add_handout``) appends atomically (``list_append``), conditional only on the
  session existing: two tabs creating accounts at once both keep theirs, and a sign-out racing
  it never resurrects the session;
- removing (``set_handouts``: one handed over, or the expired ones) rewrites the list
  conditional on ``handouts_version`` being the one read: an account added meanwhile is never
  dropped by a rewrite made from an older read (the caller reads again and retries).

``form_keys``: the answers of this session's forms that carry a one-time ``key`` (a group
leader's enrol, assign, add-a-leader and new-temporary-password forms, an administrator's
"Create an account"), so that the same form
sent twice (a double click) gets the first one's answer instead of doing it again: a map of
a fingerprint of form and key (never the key's form input itself) to ``at`` (epoch seconds)
and ``location`` (the address the first answer redirected to; ``""`` while it is being done).
Never a password or anything typed: a new account's password stays in ``handouts``, and the
answer is the address of its panel (an administrator's new account: an address naming its
role and id, from which the same page is shown again). Conditional-write rules:

- claiming one (``claim_form``) is conditional on the fingerprint not being in the map: of two
  requests sent at once, one does the work, the other waits for its answer. The map itself is
  made on the first claim of a session, conditional on it not existing (two first claims at
  once never reset each other's). A claim also removes the entries older than the caller
  says (read from the session), so the map stays small;
- taking one over (``take_over_form``: a claim without an answer past its lease, left by a
  request that stopped half-way) is conditional on the claim being the one read (its ``at``,
  no answer): of two requests taking it over at once, one does;
- answering one (``settle_form``) or giving it up (``release_form``, the form was refused:
  nothing was done, the same key may try again) only needs the session to exist.

Every access is a GetItem, PutItem, UpdateItem or DeleteItem on that one key, except:

- a signed-in session (with a ``caller_id``) is also listed under its account:
  ``ACCOUNT#{caller_id}`` / ``SESSION#{sha256}`` (``expires_at``/``ttl`` as the session), put
  in the same transaction as the session, so that disabling an account ends its sessions
  (``end_all``: one Query of that partition, one DeleteItem per session) without a Scan.
  Sign-out leaves the listing to TTL; deleting a session that is already gone is harmless.
- a signed-in staff account (a group leader, author or administrator: never a participant)
  has its username by its id, ``ACCOUNT#{caller_id}`` / ``STAFF`` (``username`` only), put
  (unconditionally: a Cognito username never changes) in that same transaction, so it costs
  no call. The audit page names the actors of its entries with one BatchGetItem of these
  (``staff_usernames``) instead of listing Cognito's accounts. Participants stay ids only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.identity import ADMINS, AUTHORS, LEADERS
from chalicelib.records.keys import SESSION_PREFIX, STAFF_SK, account_pk, session_pk
from chalicelib.records.keys import SESSION_SK as SK
from chalicelib.records.table import (
    ConditionFailed,
    RecordTable,
    from_item,
    to_item,
)

STAFF_ROLES = frozenset({LEADERS, AUTHORS, ADMINS})
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
    chosen_language: str = ""  # a waiting session's: see the module doc
    handouts: tuple[Handout, ...] = field(default=(), repr=False)
    handouts_version: int = 0
    # ``form_keys``: fingerprint → (when claimed, epoch seconds; the answer's address, "" while
    # being done).
    form_keys: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)
    # Never stored: the language of the pages kept with a participant's account, read when
    # this session signed in (``chalicelib.sign_in``), for the browser's language cookie
    # (``""``: a participant with none kept; ``None``: anyone else, or not read).
    language: str | None = None

    def with_tokens(self, access_token: str, refresh_token: str | None = None) -> Session:
        return replace(
            self, access_token=access_token, refresh_token=refresh_token or self.refresh_token
        )


class SessionRecords(RecordTable):
    def put(self, session: Session, staff_username: str = "") -> None:
        """Write (or overwrite) the whole session; with ``staff_username`` (a signed-in staff
        account's), its ``STAFF`` item too, in the same transaction."""
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
        if session.chosen_language:
            item["chosen_language"] = session.chosen_language
        if not session.caller_id:
            self.call("put_item", Item=to_item(item))
            return
        listing = {
            "PK": account_pk(session.caller_id),
            "SK": item["PK"],
            "expires_at": session.expires_at,
            "ttl": session.expires_at,
        }
        puts = [item, listing]
        if staff_username and session.roles & STAFF_ROLES:
            puts.append({"PK": listing["PK"], "SK": STAFF_SK, "username": staff_username})
        self.transact(
            [{"Put": {"TableName": self._table, "Item": to_item(put)}} for put in puts], _BUSY
        )

    def staff_usernames(self, account_ids: Iterable[str]) -> dict[str, str]:
        """The usernames of those of ``account_ids`` that are staff accounts which have signed
        in on the web (one BatchGetItem per 100 ids); others are left out."""
        found = self.batch_get_pairs((account_pk(a), STAFF_SK) for a in account_ids)
        return {
            str(i["PK"]).removeprefix(account_pk("")): str(i["username"])
            for i in found
            if i.get("username")
        }

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
            chosen_language=str(item.get("chosen_language", "")),
            handouts=tuple(Handout.from_record(h) for h in item.get("handouts") or []),
            handouts_version=int(item.get("handouts_version", 0)),
            form_keys={
                str(name): (int(value.get("at", 0)), str(value.get("location", "")))
                for name, value in (item.get("form_keys") or {}).items()
            },
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

    def claim_form(
        self, session_id: str, fingerprint: str, now: int, stale: tuple[str, ...] = ()
    ) -> bool:
        """Claim a form's one-time key for this request (``form_keys``), removing the ``stale``
        entries; ``False`` if another request claimed it first (read its answer) or the
        session is gone."""
        names = {"#f": "form_keys", "#k": fingerprint}
        expression = "SET #f.#k = :claim"
        if stale := tuple(s for s in stale if s != fingerprint):
            names.update({f"#s{i}": name for i, name in enumerate(stale)})
            expression += " REMOVE " + ", ".join(f"#f.#s{i}" for i in range(len(stale)))
        for _ in range(2):
            if self._update(
                session_id,
                expression,
                names,
                {":claim": {"at": now, "location": ""}},
                "attribute_exists(PK) AND attribute_exists(#f) AND attribute_not_exists(#f.#k)",
            ):
                return True
            # The session's first claim: make the map, unless it exists (the key was claimed).
            if not self._update(
                session_id,
                "SET #f = :none",
                {"#f": "form_keys"},
                {":none": {}},
                "attribute_exists(PK) AND attribute_not_exists(#f)",
            ):
                return False
        return False

    def take_over_form(self, session_id: str, fingerprint: str, claimed_at: int, now: int) -> bool:
        """Take over a claim left without an answer by a request that stopped (its lease is
        over: ``chalicelib.sign_in.once``); ``False`` if it changed meanwhile (answered, given
        up, or taken over by another request)."""
        return self._update(
            session_id,
            "SET #f.#k = :claim",
            {"#f": "form_keys", "#k": fingerprint, "#at": "at", "#location": "location"},
            {":claim": {"at": now, "location": ""}, ":was": claimed_at, ":none": ""},
            "attribute_exists(PK) AND #f.#k.#at = :was AND #f.#k.#location = :none",
        )

    def settle_form(self, session_id: str, fingerprint: str, now: int, location: str) -> None:
        """The claimed form's answer: the address its first request redirected to."""
        self._update(
            session_id,
            "SET #f.#k = :done",
            {"#f": "form_keys", "#k": fingerprint},
            {":done": {"at": now, "location": location}},
            "attribute_exists(PK) AND attribute_exists(#f)",
        )

    def release_form(self, session_id: str, fingerprint: str) -> None:
        """Give a claim up (nothing was done): the same key may be sent again."""
        self._update(
            session_id,
            "REMOVE #f.#k",
            {"#f": "form_keys", "#k": fingerprint},
            {},
            "attribute_exists(PK) AND attribute_exists(#f)",
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
        more: dict[str, Any] = {"ExpressionAttributeValues": to_item(values)} if values else {}
        try:
            self.call(
                "update_item",
                Key=self._key(session_id),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                **more,
            )
        except ConditionFailed:
            return False
        return True

    def delete(self, session_id: str) -> None:
        self.call("delete_item", Key=self._key(session_id))

    def _key(self, session_id: str) -> dict[str, Any]:
        return {"PK": {"S": session_pk(session_id)}, "SK": {"S": SK}}
