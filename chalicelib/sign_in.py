"""Signing in to the web app: Cognito username and password through the service, and a
server-side session (the use case behind the sign-in pages in ``chalicelib/web/pages.py``).

- ``sign_in`` calls Cognito ``InitiateAuth`` (``USER_PASSWORD_AUTH``) with the pool's app
  client. An account created by a group leader must choose a password on first sign-in
  (``NEW_PASSWORD_REQUIRED``): the session is then stored in the ``challenge`` state and
  ``choose_password`` answers the challenge (``RespondToAuthChallenge``). An account with an
  authenticator app is asked for a code (``SOFTWARE_TOKEN_MFA``): the session waits in the
  ``code`` state and ``enter_code`` answers.
- ``setup_secret`` and ``confirm_authenticator`` set up an authenticator for a signed-in
  account (``chalicelib.mfa``; required for leaders and admins, optional for others).
- ``change_password``: a signed-in person changes their own password (``ChangePassword``,
  authorised by the session's own access token and the current password); then the account
  is signed out everywhere (Cognito, the API's tokens, every web session, this one too) and
  signs in again with the new password. Audit-logged.
- ``resume`` finds the session for a cookie, ends it after ``INACTIVITY_SECONDS`` without a
  page view or at ``expires_at``, verifies the stored access token with the same
  ``TokenVerifier`` the API uses, and refreshes it (``REFRESH_TOKEN_AUTH``) when it expired.
- A participant's sign-in also reads the language they chose for their pages, kept with their
  account (``ReminderService.language_of``), so the web edge can set the browser's language
  cookie to it: the first page after sign-in, on any device, is in that language. With none
  kept yet, a language chosen in this same sign-in (a ``?locale=`` link: the sign-in form
  carries it, and a waiting session keeps it as ``chosen_language``) is kept with the account
  then; never the browser's long-lived cookie, which may be the last person's on a shared phone.
- ``sign_out`` deletes the session and signs the tokens out of Cognito (``GlobalSignOut``).
- ``keep_handout``, ``handouts`` and ``hand_over``: a participant account's temporary
  password (a new account's, or a new one for a lost password) waits in its group leader's
  own session (never in a cookie, an address or a log) until the leader says they handed it
  over, until the participant has chosen their own password (``choose_password`` records it
  on their enrolments, which the group page reads anyway), for ``HANDOUT_SECONDS`` at most,
  or until the session ends; after that it cannot be shown again (a new one can be given).
  ``resume`` drops the expired ones. ``kept_handout``: one of them, read afresh (an
  administrator's "Create an account" form sent again shows its new account's from there).
- ``once``: a form with a one-time key (a group leader's enrol, assign, add-a-leader and
  new-temporary-password forms, an administrator's "Create an account") sent twice, by a
  double click, is done once, and the second request answers as the first did (the same
  redirect: to a new account's panel, whose password stays only in ``handouts``; the
  administrator's form: the same page, its password read again from ``handouts``). The
  answers are kept in the session for ``FORM_KEY_SECONDS`` (``records/sessions.py``,
  ``form_keys``).

Every Cognito call goes through ``chalicelib.accounts.Accounts`` (built in ``services``), and
the sessions through the ``SessionRecords`` built there too. Disabling an account deletes its
sessions (``SessionRecords.end_all``).

A new session id is issued whenever the authentication state changes (sign-in, password
chosen, code accepted), so an id seen before sign-in is never the id of a signed-in session.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from chalicelib import logs, mfa, services
from chalicelib.accounts import (
    Accounts,
    ChallengeRefused,
    PasswordRefused,
    SignInStep,
    check_username,
)
from chalicelib.clock import iso_of_epoch
from chalicelib.errors import BadRequest, Conflict, ServiceUnavailable, Unauthenticated
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.records.audit import new_entry
from chalicelib.records.sessions import (
    ACTIVE,
    CHALLENGE,
    CODE,
    Handout,
    Session,
    SessionRecords,
)
from chalicelib.reminders import keeps_language

# The session states and types the pages use.
__all__ = ["ACTIVE", "CHALLENGE", "CODE", "Handout", "Session"]

COOKIE = "steady_session"
INACTIVITY_SECONDS = 15 * 60
LIFETIME_SECONDS = 12 * 60 * 60
CHALLENGE_SECONDS = 5 * 60  # Cognito's challenge session lasts 3 minutes; a little slack
HANDOUT_SECONDS = 15 * 60  # how long a new account's temporary password can still be shown
HANDOUT_RETRIES = 3  # rewrites of the handouts list raced by another request before "busy"
FORM_KEY_SECONDS = 10 * 60  # how long a form's answer is kept for the same form sent again
# How long the second request waits for the first one's answer: well within the web Lambda's
# own 10 s timeout (.chalice/config.json), so the waiting request still answers itself.
FORM_WAIT_SECONDS = 5.0
# A claim with no answer this long after it was made is a stopped request's (longer than the
# web Lambda's timeout, so no request is still doing it): the form sent again takes it over.
FORM_LEASE_SECONDS = 15
TOUCH_EVERY_SECONDS = 60  # record activity at most once a minute: one write, not one per page
_BAD_CREDENTIALS = "That username and password do not match. Try again."
CHALLENGE_LOST = "That sign-in expired before it was finished. Sign in again."
T = TypeVar("T")


class SignInFailed(BadRequest):
    code = "wrong_credentials"


def records() -> SessionRecords:
    return services.current().sessions


def _accounts() -> Accounts:
    return services.current().accounts


def _now() -> int:
    """Epoch seconds on the services' clock."""
    return int(services.current().clock.epoch())


def new_csrf_token() -> str:
    """The synchronizer token every form of a session carries (``chalicelib/web/csrf.py`` checks it)."""
    return secrets.token_urlsafe(32)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def sign_in(username: str, password: str, chosen_language: str | None = None) -> Session:
    """Start a session: ``active``, or waiting for a new password (``challenge``) or a code.
    ``chosen_language``: the language chosen by a ``?locale=`` link opened in this sign-in
    (the sign-in form carries it), kept with the account if none is (``_language_of``).

    Raises ``SignInFailed`` for a wrong username or password (one message for both). The
    username is folded to lower case (``check_username``): "Jordan.k" is ``jordan.k``."""
    if not username or not password or len(username) > 128 or len(password) > 256:
        raise SignInFailed(_BAD_CREDENTIALS)
    try:
        username = check_username(username)
    except BadRequest:  # no account has such a name: the same words as a wrong password
        raise SignInFailed(_BAD_CREDENTIALS) from None
    try:
        step = _accounts().sign_in(username, password)
    except Unauthenticated as refused:
        if refused.code == "password_reset_required":
            raise SignInFailed(
                "Your password must be reset. Ask your group leader.",
                code="password_reset_required",
            ) from None
        logs.event("web_sign_in_refused", logging.INFO)
        raise SignInFailed(_BAD_CREDENTIALS) from None
    return _next_step(step, username, password, chosen_language)


def _next_step(
    step: SignInStep, username: str, given: str = "", chosen_language: str | None = None
) -> Session:
    """The session for Cognito's answer: signed in, or waiting for a password or a code.
    ``given``: the password just typed at sign-in; when Cognito asks for a new one, only its
    keyed hash is kept with the waiting session (``_given_password_mac``), so that
    ``choose_password`` can refuse it as the new one."""
    states = {"NEW_PASSWORD_REQUIRED": CHALLENGE, "SOFTWARE_TOKEN_MFA": CODE}
    state = states.get(step.challenge)
    if state is not None:
        now = _now()
        session_id = new_session_id()
        session = Session(
            session_id=session_id,
            state=state,
            csrf=new_csrf_token(),
            expires_at=now + CHALLENGE_SECONDS,
            last_seen=now,
            username=username,
            challenge=step.challenge_session,
            given_password=(
                _given_password_mac(session_id, given) if state == CHALLENGE and given else ""
            ),
            chosen_language=chosen_language or "",
        )
        records().put(session)
        return session
    if not step.access_token:
        raise SignInFailed(
            "This account cannot sign in here. Ask your group leader.", code="cannot_sign_in_here"
        )
    return _activate(step, chosen_language)


def _given_password_mac(session_id: str, password: str) -> str:
    """The keyed hash (HMAC-SHA256) of the temporary password typed at sign-in, kept with the
    waiting session instead of the password itself. Its key is the session id, which only the
    browser's cookie holds (the table keeps its SHA-256): whoever reads the table cannot even
    test a guess against it. It goes with the waiting session, deleted when the password is
    chosen (``_answer``), at sign-out, or by the table's TTL after ``CHALLENGE_SECONDS``."""
    message = b"temporary-password:" + password.encode()
    return hmac.new(session_id.encode(), message, hashlib.sha256).hexdigest()


def choose_password(pending: Session, new_password: str, confirm: str) -> Session:
    """Answer the first-login challenge; returns the next session (the old one is deleted).
    The password given to them (typed at sign-in) is refused as their own: it was handed out
    on paper or read aloud, and the handout says it stops working."""
    if pending.state != CHALLENGE:
        raise Unauthenticated("Sign in to continue.")
    if new_password != confirm:
        raise _password_mismatch()
    if pending.given_password and hmac.compare_digest(
        pending.given_password, _given_password_mac(pending.session_id, new_password)
    ):
        raise BadRequest(
            "That is the password you were given. Choose a new one that only you know.",
            code="password_is_temporary",
        )
    weak = BadRequest(
        "Choose a password of 12 or more characters with upper- and lowercase letters and a number.",
        code="invalid_password",
    )
    chosen = _answer(
        pending,
        "NEW_PASSWORD_REQUIRED",
        {"NEW_PASSWORD": new_password},
        refused={"InvalidPasswordException": weak},
    )
    _password_chosen(chosen, pending.username)
    return chosen


def _password_chosen(chosen: Session, username: str) -> None:
    """Record that the account chose its own password, so its group leaders no longer see the
    temporary one (``handouts``). Best effort: the password is chosen either way, and a
    temporary password still shown goes when the leader presses Done or after
    ``HANDOUT_SECONDS``. An account with an authenticator is not signed in yet (``code``
    state): its id is looked up, once."""
    try:
        account_id = chosen.caller_id or _accounts().find(username).id
        services.current().temporary_passwords.chosen(account_id)
    except Exception:  # noqa: BLE001 - see docstring
        logs.event("web_password_chosen_not_recorded", logging.WARNING)


def enter_code(pending: Session, code: str) -> Session:
    """Answer Cognito's authenticator challenge. A wrong code may be tried again (Cognito
    counts failures and locks the account after too many); an expired challenge may not."""
    if pending.state != CODE:
        raise Unauthenticated("Sign in to continue.")
    return _answer(
        pending,
        "SOFTWARE_TOKEN_MFA",
        {"SOFTWARE_TOKEN_MFA_CODE": mfa.check_code(code)},
        refused={"CodeMismatchException": BadRequest(mfa.WRONG_CODE, code="wrong_code")},
    )


def _answer(
    pending: Session,
    challenge: str,
    responses: dict[str, str],
    refused: dict[str, BadRequest],
) -> Session:
    """Answer a Cognito challenge for a waiting session: a ``refused`` answer keeps the session
    (try again); any other refusal means the challenge expired or was lost, which ends the
    session (``challenge_lost``); an accepted answer is replaced by the next step, which
    carries on the language chosen in this sign-in (``Session.chosen_language``)."""
    try:
        step = _accounts().answer_challenge(
            challenge, pending.challenge, pending.username, responses
        )
    except ChallengeRefused as error:
        if error.code in refused:
            logs.event("web_challenge_refused", logging.INFO, challenge=challenge)
            raise refused[error.code] from None
        # Expired, or lost (the local stack restarted between the password and this step, or
        # Cognito no longer knows the challenge): sign-in starts over, never a 500.
        records().delete(pending.session_id)
        logs.event(
            "web_challenge_lost", logging.INFO, challenge=challenge, cognito_code=error.code[:60]
        )
        raise Unauthenticated(CHALLENGE_LOST, code="challenge_lost") from None
    records().delete(pending.session_id)
    return _next_step(step, pending.username, chosen_language=pending.chosen_language or None)


def setup_secret(active: Session) -> str:
    """The authenticator secret to show this session: the one shown before, or a new one."""
    if active.setup_secret:
        return active.setup_secret
    secret = services.current().authenticators.begin_setup(active.access_token)
    records().set_setup_secret(active.session_id, secret)
    return secret


def confirm_authenticator(active: Session, caller: Caller, code: str) -> None:
    """Turn the authenticator on with a code from it; the session forgets the secret."""
    services.current().authenticators.finish_setup(active.access_token, caller.username, code)
    records().set_setup_secret(active.session_id, "")
    logs.event("web_authenticator_added", logging.INFO, caller=caller.id)


# Cognito's refusals of a password change, as the form's errors (the page names the field).
# Made anew for each refusal: a raised exception keeps its traceback, and so the frames of
# ``change_password`` with the passwords typed; one kept at module level would hold them on.
def _weak_password() -> BadRequest:
    return BadRequest(
        "Choose a password of 12 or more characters with upper- and lowercase letters and a "
        "number.",
        code="invalid_password",
    )


def _password_mismatch() -> BadRequest:
    """The new password and the one typed again differ: the same words on the first sign-in
    and on the account pages."""
    return BadRequest(
        "The new password and the one typed again are not the same.", code="password_mismatch"
    )


def _password_refused(code: str) -> BadRequest:
    if code in ("InvalidPasswordException", "InvalidParameterException"):
        return _weak_password()
    if code in ("LimitExceededException", "TooManyRequestsException"):
        return BadRequest(
            "Too many tries. Wait a few minutes, then try again.", code="too_many_password_tries"
        )
    return BadRequest(  # NotAuthorizedException
        "That is not your current password. Type it again.", code="wrong_current_password"
    )


def change_password(
    active: Session, caller: Caller, current: str, new_password: str, confirm: str
) -> None:
    """The signed-in person changes their own password (Cognito ``ChangePassword`` with this
    session's access token, which checks the current password), then is signed out
    everywhere, this session included (``_sign_out_everywhere``): a phone that was lost,
    shared or seen keeps nothing that works, and this one signs in again with the new
    password. Audit-logged before the change. Raises ``BadRequest`` naming what to fix
    (nothing changed; the current password is refused as the new one, which Cognito would
    take), or ``Unauthenticated`` when Cognito refuses the session's token (the session
    ends)."""
    if active.state != ACTIVE or not active.access_token:
        raise Unauthenticated("Sign in to continue.")
    if not current:
        raise BadRequest("Type your current password.", code="current_password_missing")
    if new_password != confirm:
        raise _password_mismatch()
    if not new_password or len(new_password) > 256:
        raise _weak_password()
    if hmac.compare_digest(new_password.encode(), current.encode()):
        # Nothing would change: what someone else may know would still work. (The local
        # stand-in takes it, and a pool without a password history need not refuse it.)
        raise BadRequest(
            "The new password is the same as your current one. Choose a different one.",
            code="password_unchanged",
        )
    # Recorded before the change, as a new temporary password is (``temporary_passwords``): a
    # change to someone's sign-in is never left unrecorded (a refusal after it leaves the
    # record of an attempt).
    svc = services.current()
    svc.audit.record(
        new_entry(
            caller.id,
            caller.roles,
            "account.password_change",
            svc.clock.iso(),
            participant_ids=[caller.id] if PARTICIPANTS in caller.roles else [],
            detail={"account_id": caller.id},
        )
    )
    try:
        _accounts().change_password(active.access_token, current[:256], new_password)
    except PasswordRefused as refused:
        logs.event("web_password_change_refused", logging.INFO, cognito_code=refused.code)
        raise _password_refused(refused.code) from None
    except Unauthenticated:
        # Cognito refused the session's token (revoked by a sign-out everywhere, or expired):
        # the session is over, and the page sends them to sign in.
        records().delete(active.session_id)
        logs.event("web_password_change_signed_out", logging.INFO, caller=caller.id)
        raise
    _sign_out_everywhere(active, caller)
    logs.event("web_password_changed", logging.INFO, caller=caller.id)


def _sign_out_everywhere(active: Session, caller: Caller) -> None:
    """After a password change, what was signed in with the old one stops working, as after a
    new temporary password (``temporary_passwords``): Cognito's refresh tokens
    (``GlobalSignOut`` with the account's own access token), the API's bearer tokens issued
    up to now (``AccessCheck.end``; a token refreshed later keeps its sign-in time, so is
    refused too) and every web session, this one included (its token is among those ended).
    The password is already changed: each step is tried even if one before it failed (a
    DynamoDB or Cognito error), and the first failure is raised after the last step."""
    svc = services.current()
    steps: tuple[tuple[str, Callable[[], object]], ...] = (
        ("cognito", lambda: _accounts().sign_out(active.access_token)),
        ("api_tokens", lambda: svc.access.end(caller.id)),
        ("web_sessions", lambda: records().end_all(caller.id)),
    )
    failed: Exception | None = None
    for name, step in steps:
        try:
            step()
        except Exception as error:  # noqa: BLE001 - the other steps run; raised below
            logs.event("web_sign_out_everywhere_failed", logging.ERROR, step=name)
            failed = failed or error
    if failed is not None:
        raise failed


def _activate(step: SignInStep, chosen_language: str | None) -> Session:
    caller = services.current().verifier.verify(step.access_token)
    try:
        services.current().access.check(caller)
    except Unauthenticated as error:
        if error.code == "access_ended":  # an alumni period that is over: say so at sign-in
            raise SignInFailed(error.message, code="access_ended") from None
    now = _now()
    session = Session(
        session_id=new_session_id(),
        state=ACTIVE,
        csrf=new_csrf_token(),
        expires_at=now + LIFETIME_SECONDS,
        last_seen=now,
        caller_id=caller.id,
        roles=caller.roles,
        access_token=step.access_token,
        refresh_token=step.refresh_token,
    )
    # A staff account's username is kept by its id (the audit page names actors with it).
    records().put(session, staff_username=caller.username)
    logs.event("web_sign_in", logging.INFO, caller=caller.id)
    return replace(session, language=_language_of(caller, chosen_language))


def _language_of(caller: Caller, chosen_language: str | None) -> str | None:
    """The language a participant chose for their pages, on this device or another (one
    GetItem; none for a leader), for the browser's cookie: ``None`` for anyone else or when
    it could not be read, ``""`` for a participant with none kept (their pages follow their
    own browser's language). Best effort: the sign-in is done, and a page in the browser's
    language is no reason to refuse it.

    With none kept yet, a language chosen in this same sign-in (``chosen_language``: a
    ``?locale=`` link such as ``/sign-in?locale=es`` opened before it, carried by the sign-in
    form and a waiting session) is kept with the account now (one UpdateItem, this once) and
    returned: a participant who started on a Spanish link and never pressed "Español" gets
    Spanish on their next device and in their reminders. The browser's language cookie is no
    choice of theirs (a shared phone keeps the last person's), nor is its Accept-Language (a
    shared clinic computer would decide for everyone)."""
    if not keeps_language(caller):
        return None
    reminders = services.current().reminders
    try:
        kept = reminders.language_of(caller)
        if kept is None and chosen_language is not None:
            if reminders.keep_language(caller, chosen_language):
                return chosen_language
        return kept or ""
    except ServiceUnavailable:
        logs.event("web_sign_in_language_not_read", logging.WARNING)
        return None


# Why a signed-in session ended by time (``resume``'s ``on_end``).
ENDED_INACTIVE = "inactive"
ENDED_EXPIRED = "expired"


def resume(
    session_id: str | None, on_end: Callable[[Session, str], None] | None = None
) -> tuple[Session, Caller | None] | None:
    """The session for a cookie value and, if it is signed in, its caller; ``None`` if it ended.

    ``on_end``: called with a signed-in session this request finds ended by time (and deletes)
    and why (``ENDED_INACTIVE``, ``ENDED_EXPIRED``), so the edge can keep the form it brought
    (``chalicelib.kept_forms``). It costs nothing more: the session was read anyway."""
    if not session_id or len(session_id) > 100:
        return None
    store = records()
    session = store.get(session_id)
    if session is None:
        return None
    now = _now()
    if now >= session.expires_at or now - session.last_seen > INACTIVITY_SECONDS:
        store.delete(session_id)
        if on_end is not None and session.state == ACTIVE and session.caller_id:
            on_end(session, ENDED_EXPIRED if now >= session.expires_at else ENDED_INACTIVE)
        return None
    if session.state != ACTIVE:
        return session, None
    verifier = services.current().verifier
    refreshed = None
    try:
        caller = verifier.verify(session.access_token)
    except Unauthenticated as error:
        if error.code != "token_expired" or not session.refresh_token:
            store.delete(session_id)
            return None
        refreshed = _refresh(session)
        if refreshed is None:
            store.delete(session_id)
            return None
        caller = verifier.verify(refreshed)
    if caller.id != session.caller_id:
        store.delete(session_id)
        return None
    if refreshed is not None or now - session.last_seen >= TOUCH_EVERY_SECONDS:
        store.touch(session_id, now, refreshed)
    if any(h.expires_at <= now for h in session.handouts):
        # Out of the table as soon as they expire (``handouts`` never shows them anyway, so a
        # rewrite raced by another request may wait for the next page).
        with contextlib.suppress(Conflict):
            session = _drop_handouts(session, lambda h: h.expires_at <= now)
    return session.with_tokens(refreshed or session.access_token), caller


def keep_handout(active: Session, handout: Handout) -> bool:
    """Keep an account's sign-in details in the leader's session for ``HANDOUT_SECONDS``
    (from now, whatever ``handout.expires_at`` says), so the group page can show them again on
    a reload; ``False`` if the session ended meanwhile (nothing kept: show them on this
    response only)."""
    kept = replace(handout, expires_at=_now() + HANDOUT_SECONDS)
    return records().add_handout(active.session_id, kept)


def handouts(
    active: Session | None, group_id: str, chosen: Mapping[str, str] | None = None
) -> tuple[tuple[Handout, ...], tuple[Handout, ...]]:
    """The sign-in details still to hand over for this group, newest first: one per
    participant (a newer temporary password replaced the one before); and those no longer
    needed because their participant has since chosen their own password (``chosen``:
    participant id → when, ISO, as the group's enrolments record it), which leave the session
    now, as if the leader had pressed Done."""
    if active is None:
        return (), ()
    now = _now()
    newest: dict[str, Handout] = {}
    for h in reversed(active.handouts):
        if h.group_id == group_id and h.expires_at > now:
            newest.setdefault(h.participant_id, h)
    chosen = chosen or {}

    def used(h: Handout) -> bool:
        # Chosen after this password was given (same second included: it was given first).
        at = chosen.get(h.participant_id, "")
        return bool(at) and at >= iso_of_epoch(h.expires_at - HANDOUT_SECONDS)

    gone = tuple(h for h in newest.values() if used(h))
    if gone:
        with contextlib.suppress(Conflict):  # a rewrite raced by another request: next page
            _drop_handouts(
                active,
                lambda h: (
                    h.group_id == group_id and h.participant_id in {g.participant_id for g in gone}
                ),
            )
    return tuple(h for h in newest.values() if not used(h)), gone


def kept_handout(active: Session | None, group_id: str, participant_id: str) -> Handout | None:
    """The newest unexpired handout for this account kept in the session as it is now (read
    again: the request that kept it may have been another, sent at the same time); ``None``
    if there is none (expired, handed over, or the session ended)."""
    if active is None:
        return None
    current = records().get(active.session_id)
    if current is None:
        return None
    now = _now()
    return next(
        (
            h
            for h in reversed(current.handouts)
            if h.group_id == group_id and h.participant_id == participant_id and h.expires_at > now
        ),
        None,
    )


def hand_over(active: Session, group_id: str, participant_id: str) -> None:
    """The leader handed these details over: they are gone for good (with any expired ones).
    Harmless if they are already gone."""
    now = _now()
    _drop_handouts(
        active,
        lambda h: (
            h.expires_at <= now or (h.group_id == group_id and h.participant_id == participant_id)
        ),
    )


def _drop_handouts(session: Session, drop: Callable[[Handout], bool]) -> Session:
    """Rewrite the session's handouts without those ``drop`` picks, conditional on the list not
    having changed since it was read (else read again and retry); the session as it now is."""
    store = records()
    for _ in range(HANDOUT_RETRIES):
        kept = tuple(h for h in session.handouts if not drop(h))
        if len(kept) == len(session.handouts):
            return session
        if store.set_handouts(session.session_id, kept, session.handouts_version):
            return replace(session, handouts=kept, handouts_version=session.handouts_version + 1)
        current = store.get(session.session_id)
        if current is None:
            return replace(session, handouts=())
        session = replace(
            session, handouts=current.handouts, handouts_version=current.handouts_version
        )
    raise Conflict("This page is being changed by another request. Try again.", code="busy")


def _refresh(session: Session) -> str | None:
    return _accounts().refresh(session.refresh_token)


def sign_out(session: Session) -> None:
    """Delete the session, then sign its tokens out of Cognito (best effort: the session is
    already gone, so a Cognito error must not keep anyone signed in)."""
    records().delete(session.session_id)
    if session.state == ACTIVE and session.access_token:
        try:
            _accounts().sign_out(session.access_token)
        except Exception:  # noqa: BLE001 - see docstring
            logs.event("web_sign_out_cognito_failed", logging.WARNING)
    logs.event("web_sign_out", logging.INFO, caller=session.caller_id or None)


class StillBeingDone(Conflict):
    """The same form was sent again while its first request may still be under way (its claim
    is younger than ``FORM_LEASE_SECONDS``): its answer is not known yet. ``retry_after``: the
    seconds until the claim's lease ends, when the form sent again finishes the work itself."""

    code = "form_still_being_done"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "You sent this form a moment ago and it is still being done. "
            f"Wait {retry_after} seconds, then send it again: it will not be done twice."
        )
        self.retry_after = retry_after


def pause(seconds: float) -> None:
    """How a second request waits for the first one's answer (tests move the clock instead)."""
    time.sleep(seconds)


def once(
    active: Session | None,
    fingerprint: str,
    action: Callable[[], T],
    location: Callable[[T], str | None],
    resume: Callable[[int], T] | None = None,
) -> T | str:
    """Do ``action`` once for a form's one-time key (``fingerprint``: the form and its key, made
    by the caller): the first request claims the key, does it and keeps its answer (``location``
    of the result: the address it redirects to; ``None``, a refusal shown on the form, gives
    the claim up, so the same form may be sent again). A second request with the same key
    gets that address instead, waiting up to ``FORM_WAIT_SECONDS`` for a first request still
    under way.

    A claim without an answer after ``FORM_LEASE_SECONDS`` (longer than a web request may run)
    belongs to a request that stopped half-way (a crash, a timeout): the form sent again takes
    the claim over and does the work with ``resume`` (given when the stopped request claimed
    it; ``action`` by default), which must finish what that request may have started without
    doing it twice (``Enrolment.enrol``'s ``created_since``). A claim still within its lease
    past the wait: ``StillBeingDone`` with the seconds left. Without a session (signed out
    meanwhile), just ``action``."""
    if active is None:
        return action()
    store = records()
    clock = services.current().clock
    deadline = clock.monotonic() + FORM_WAIT_SECONDS
    now = _now()
    stale = tuple(k for k, (at, _) in active.form_keys.items() if at <= now - FORM_KEY_SECONDS)
    run: Callable[[], T] = action
    while not store.claim_form(active.session_id, fingerprint, now, stale):
        current = store.get(active.session_id)
        if current is None:
            return action()  # signed out meanwhile: nothing to keep the answer in
        claimed_at, answer = current.form_keys.get(fingerprint, (0, ""))
        if answer:
            return answer
        if fingerprint in current.form_keys:
            if claimed_at <= now - FORM_LEASE_SECONDS:
                # Abandoned: take it over (conditional on that same claim: of two retries at
                # once, one does it, the other waits for its answer).
                if store.take_over_form(active.session_id, fingerprint, claimed_at, now):
                    logs.event("web_form_taken_over", logging.WARNING)
                    if resume is not None:
                        run = functools.partial(resume, claimed_at)
                    break
            elif clock.monotonic() >= deadline:
                raise StillBeingDone(max(1, claimed_at + FORM_LEASE_SECONDS - now))
            else:
                pause(0.2)
        # else given up meanwhile (refused): this request tries it
        now = _now()
    try:
        result = run()
    except BaseException:
        with contextlib.suppress(Exception):
            store.release_form(active.session_id, fingerprint)
        raise
    address = location(result)
    if address is None:
        store.release_form(active.session_id, fingerprint)
    else:
        store.settle_form(active.session_id, fingerprint, _now(), address)
    return result
