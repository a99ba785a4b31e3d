"""The administrator's pages: accounts (list by role, create, turn off and on again, reset
two-step sign-in) and the audit trail. The same use cases as the API's ``/admin/…`` routes
(``chalicelib.administration``), which write the audit entries; this edge parses the form,
calls one of them and formats the answer, like ``leader_pages``.

The pages live under ``/leader/admin`` (``/admin/…`` is the API's, answered with JSON), beside
the account page every member of staff shares (``/leader/account``). A username is never put
in an address by these pages: the buttons that act on an account post it, and turning an
account off or resetting its two-step sign-in posts twice, first to a confirmation page of its
own (no ``confirm`` field), then from it (``confirm=yes``). A refusal (an unknown or invalid
username, a taken one, one's own account) brings the same form back with the input kept and
an error summary (``leader_forms.error_summary``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from chalicelib import logs, services
from chalicelib import sign_in as session
from chalicelib.accounts import check_username
from chalicelib.administration import LISTED_ROLES, MANAGED_ROLES, OWN_ACCOUNT
from chalicelib.errors import BadRequest, SteadyError
from chalicelib.identity import ADMINS, AUTHORS, LEADERS
from chalicelib.sign_in import Handout
from chalicelib.web.http import Html, Redirect, Visit
from chalicelib.web.leader_pages import (
    FORM_KEY,
    FieldError,
    error_context,
    error_status,
    field_error,
    form_fingerprint,
    form_key,
    is_refusal,
    sign_in_address,
)

ADMIN = "/leader/admin"
ACCOUNTS = ADMIN + "/accounts"
TURN_OFF = ACCOUNTS + "/turn-off"
TURN_ON = ACCOUNTS + "/turn-on"
RESET = ACCOUNTS + "/reset-two-step"
AUDIT = ADMIN + "/audit"

# The role tabs, in the words staff use (the API's values are Cognito's group names).
ROLE_NAMES = {LEADERS: "Group leaders", AUTHORS: "Authors", ADMINS: "Administrators"}
ROLE_ONE = {LEADERS: "Group leader", AUTHORS: "Author", ADMINS: "Administrator"}
AUDIT_LIMIT = 50

NOTICES = {
    "off": "Account turned off. It is signed out everywhere and cannot sign in.",
    "on": "Account turned on again. It can sign in with its password.",
    "reset": "Two-step sign-in reset. At their next sign-in they set up a new authenticator.",
}

CREATE_FIELDS = {
    "invalid_username": "username",
    "username_taken": "username",
    "account_not_found": "username",
    "invalid_role": "role",
    "invalid_email": "email",
    "invalid_account": "email",
    "invalid_text": "username",
}
OWN_ACCOUNT_WORDS = "You cannot turn off your own account: another administrator can."
OFF_FIELDS = {"invalid_username": "off_username", "account_not_found": "off_username"}


def _role(value: str | None) -> str:
    """The tab asked for (``?role=`` or the form's ``role``), else group leaders: a value not
    offered shows the first tab, not an error page (the use case refuses it for the API)."""
    return value if value in LISTED_ROLES else LEADERS


def _accounts_address(role: str, done: str | None = None) -> str:
    query = {"role": role, **({"done": done} if done else {})}
    return f"{ACCOUNTS}?{urlencode(query)}"


def accounts_page(
    visit: Visit,
    errors: list[FieldError] | None = None,
    form: str | None = None,
    created: dict[str, Any] | None = None,
    role: str | None = None,
) -> Html:
    """One page of the accounts of one role (``?role=``, ``?page=`` Cognito's token), the form
    to create a leader or author account and the one to turn any account off by username.
    ``form``: which form ``errors`` are about (its input is shown again); ``created``: the
    account just made, shown once (its temporary password is in this response only)."""
    caller = visit.signed_in()
    administration = services.current().administration
    shown_role = _role(role or visit.query.get("role"))
    # A form's answer (``role`` given) shows the first page of its role's list.
    page_token = (visit.query.get("page") or None) if role is None else None
    errors = list(errors or [])
    try:
        accounts, next_token = administration.list_accounts(shown_role, page_token)
    except SteadyError as error:
        if not is_refusal(error):
            raise
        # A page token that is not one (an old or hand-made address): the first page.
        errors.append(
            FieldError("accounts", "That page of the list is out of date: this is the first page.")
        )
        accounts, next_token = administration.list_accounts(shown_role, None)
    return Html(
        "admin_accounts.html",
        {
            "role": shown_role,
            "tabs": [
                {"role": r, "name": ROLE_NAMES[r], "href": _accounts_address(r)}
                for r in LISTED_ROLES
            ],
            "role_name": ROLE_NAMES[shown_role],
            "accounts": [
                {
                    "username": a.username,
                    "role": ROLE_ONE[shown_role],
                    "enabled": a.enabled,
                    "you": a.id == caller.id,
                }
                for a in accounts
            ],
            "next_page": (
                f"{ACCOUNTS}?{urlencode({'role': shown_role, 'page': next_token})}"
                if next_token
                else None
            ),
            "first_page": _accounts_address(shown_role) if page_token else None,
            "managed": [(r, ROLE_ONE[r]) for r in MANAGED_ROLES],
            "notice": NOTICES.get(visit.query.get("done", "")),
            "created": created,
            "sign_in_address": sign_in_address(visit) if created else "",
            **error_context(errors),
            "form": form,
            "values": visit.form if errors else {},
            # The create form's one-time key (``create_account``): new on every page, kept by
            # a form that came back refused (sent again, it is the same form).
            "key": (
                sent_key
                if form == "create"
                and errors
                and FORM_KEY.fullmatch(sent_key := visit.form.get("key", ""))
                else form_key()
            ),
        },
        status=error_status(errors),
    )


def accounts(visit: Visit) -> Html:
    return accounts_page(visit)


def create_account(visit: Visit) -> Html:
    """A group leader or author account, once per one-time key (``sign_in.once``, as the
    group page's enrol form). Its temporary password (none when an email address is given:
    Cognito emails the invitation) is kept only in the admin's own session, with the
    participants' ones their leaders hand out (``sign_in.keep_handout``: never logged, never
    in an address or a cookie, gone after ``HANDOUT_SECONDS``), so the same form sent again (a
    double click, the browser sending it again) shows the same page with the same password
    instead of "already has an account", the account made once and its entry written once.
    Sent again after a request that stopped half-way: an account it created gets a new
    temporary password (``Administration.create_account``'s ``created_since``)."""
    caller = visit.signed_in()
    role = visit.form.get("role", "")
    created_since: int | None = None

    def create() -> tuple[Html, str | None]:
        """The page, and the answer kept with the key (``None``: a refusal, the key given up)."""
        try:
            made = services.current().administration.create_account(
                caller,
                visit.form.get("username", "").strip(),
                role,
                visit.form.get("email", "").strip() or None,
                created_since=created_since,
            )
        except SteadyError as error:
            if not is_refusal(error):
                raise
            refused = [_create_refusal(error, visit.form)]
            return accounts_page(visit, refused, "create", role=_role(role)), None
        handout = Handout(
            ACCOUNT_HANDOUTS,
            made.account.id,
            made.account.username,
            ROLE_ONE.get(role, role),
            0,  # keep_handout sets when it expires
            made.temporary_password or "",
        )
        if visit.session is not None:
            session.keep_handout(visit.session, handout)  # else: on this response only
        page = accounts_page(visit, created=_created(handout), role=role)
        return page, _answer_address(role, made.account.id)

    def resume(claimed_at: int) -> tuple[Html, str | None]:
        nonlocal created_since
        created_since = claimed_at
        return create()

    fingerprint = form_fingerprint(visit, "create")
    if fingerprint is None:
        return create()[0]
    try:
        done = session.once(visit.session, fingerprint, create, lambda made: made[1], resume)
    except session.StillBeingDone as error:
        return accounts_page(
            visit, [FieldError("username", error.message, 409)], "create", role=_role(role)
        )
    if not isinstance(done, str):
        return done[0]
    return _created_again(visit, done)


# Where the accounts an admin created wait in their session (``Handout.group_id``: never a
# group's id, so no group page shows them).
ACCOUNT_HANDOUTS = "admin-accounts"


def _answer_address(role: str, account_id: str) -> str:
    """The create form's answer kept with its one-time key (``sign_in.once``): the role's list
    and the new account's id (never its username nor its password), to show it again."""
    return f"{ACCOUNTS}?{urlencode({'role': role, 'created': account_id})}"


def _created(handout: Handout) -> dict[str, Any]:
    return {
        "username": handout.username,
        "role": handout.display_name,
        "temporary_password": handout.temporary_password or None,
    }


def _created_again(visit: Visit, answer: str) -> Html:
    """The same form sent again: the page the first request showed, the account read from the
    session's handouts (as that request left it)."""
    query = parse_qs(urlsplit(answer).query)
    role = _role(query.get("role", [""])[0])
    handout = session.kept_handout(visit.session, ACCOUNT_HANDOUTS, query.get("created", [""])[0])
    if handout is None:
        gone = FieldError(
            "username",
            "This form was sent before and the account was created then; its temporary "
            "password can no longer be shown here.",
            409,
        )
        return accounts_page(visit, [gone], "create", role=role)
    return accounts_page(visit, created=_created(handout), role=role)


def _create_refusal(error: SteadyError, form: dict[str, str]) -> FieldError:
    """The create form's words for what the use case refused (the API's name its values)."""
    field = CREATE_FIELDS.get(error.code, "username")
    status = error.status if 400 <= error.status < 500 else 400
    if error.code == "invalid_role":
        return FieldError("role", "Choose group leader or author.", status)
    if error.code == "username_taken":
        username = check_username(form.get("username", "").strip())
        return FieldError(
            field, f"{username} already has an account: choose another username.", status
        )
    if error.code in ("invalid_email", "invalid_account"):
        return FieldError(
            "email", "Enter an email address like name@example.org, or leave it empty.", status
        )
    return field_error(error, CREATE_FIELDS, "username")


# -- turning an account off and on, resetting two-step sign-in ------------------------------


def _username(visit: Visit) -> str:
    """The account a form names: a row's button (``username``) or the typed one."""
    return (visit.form.get("username") or visit.form.get("off_username") or "").strip()


def _off_refused(visit: Visit, error: SteadyError) -> Html:
    """The accounts page again, the "Turn off an account" form showing what was typed."""
    found = field_error(error, OFF_FIELDS, "off_username")
    said = OWN_ACCOUNT_WORDS if error.code == "own_account" else found.message
    field = FieldError("off_username", said, found.status)
    values = {**visit.form, "off_username": _username(visit)}
    return accounts_page(
        replace(visit, form=values), [field], "off", role=_role(visit.form.get("role"))
    )


def turn_off(visit: Visit) -> Any:
    """First the confirmation page (what happens), then, from it (``confirm=yes``), the use
    case: signed out everywhere, tokens and sessions ended, audit entry. One's own account is
    refused before the confirmation (the use case refuses it too)."""
    caller = visit.signed_in()
    role = _role(visit.form.get("role"))
    administration = services.current().administration
    try:
        if visit.form.get("confirm") != "yes":
            target = administration.find_account(_username(visit))
            if target.id == caller.id:
                raise BadRequest(OWN_ACCOUNT, code="own_account")
            username = target.username
            return _confirm(
                visit,
                TURN_OFF,
                username,
                role,
                f"Turn off the account {username}?",
                (
                    "They are signed out at once on every phone and computer, and cannot sign "
                    "in until an administrator turns the account on again.",
                    "Nothing is deleted: what they wrote and completed stays. A participant "
                    "stays in their groups, marked “Account turned off by an administrator” on "
                    "the group page; a group leader’s groups stay with their other leaders.",
                ),
                "Turn off the account",
            )
        administration.disable(caller, _username(visit))
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return _off_refused(visit, error)
    return Redirect(_accounts_address(role, "off"))


def to_accounts(visit: Visit) -> Redirect:
    """GET of a form's own address (a confirmation or a refusal shown there, opened again):
    the accounts page, where those forms are."""
    visit.signed_in()
    return Redirect(ACCOUNTS)


def turn_on(visit: Visit) -> Any:
    caller = visit.signed_in()
    try:
        services.current().administration.enable(caller, _username(visit))
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return _off_refused(visit, error)
    return Redirect(_accounts_address(_role(visit.form.get("role")), "on"))


def reset_two_step(visit: Visit) -> Any:
    caller = visit.signed_in()
    role = _role(visit.form.get("role"))
    administration = services.current().administration
    try:
        if visit.form.get("confirm") != "yes":
            username = administration.find_account(_username(visit)).username
            return _confirm(
                visit,
                RESET,
                username,
                role,
                f"Reset two-step sign-in for {username}?",
                (
                    "For a lost or replaced phone. Their authenticator app stops working for "
                    "Steady and they are signed out everywhere. At their next sign-in, with "
                    "their password, they set up an authenticator again (group leaders and "
                    "administrators must).",
                ),
                "Reset two-step sign-in",
            )
        administration.reset_authenticator(caller, _username(visit))
    except SteadyError as error:
        if not is_refusal(error):
            raise
        return _off_refused(visit, error)
    return Redirect(_accounts_address(role, "reset"))


def _confirm(
    visit: Visit,
    action: str,
    username: str,
    role: str,
    heading: str,
    explanation: tuple[str, ...],
    button: str,
) -> Html:
    return Html(
        "admin_confirm.html",
        {
            "action": action,
            "username": username,
            "role": role,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "back": _accounts_address(role),
        },
    )


# -- the audit trail ------------------------------------------------------------------------

FILTERS = ("participant", "actor", "until", "action")


def _audit_field(error: SteadyError, asked: dict[str, str]) -> FieldError:
    """The filter a refusal is about: the use case names it at the start of its message
    (``until is…``, ``action is…``), or by its code (a username: the one given)."""
    status = error.status if 400 <= error.status < 500 else 400
    if error.code == "not_a_participant":
        return FieldError("participant", error.message, status)
    if error.code in ("account_not_found", "invalid_username"):
        which = "participant" if asked.get("participant") else "actor"
        return FieldError(which, error.message, status)
    if error.message.startswith("until"):
        return FieldError("until", "Enter a day like 2026-10-31, or leave it empty.", status)
    if error.message.startswith("action"):
        return FieldError(
            "action",
            "Enter an action or the start of one, like “account.” or “group.progress.read”: "
            "small letters, dots and underscores.",
            status,
        )
    if error.message.startswith("Give participant or actor"):
        return FieldError(
            "actor",
            "Fill in the participant or the account that acted, not both: entries about a "
            "participant already say who acted.",
            status,
        )
    return FieldError("participant", error.message, status)


def audit_page(visit: Visit) -> Html:
    """The audit trail, newest first, 50 entries a page (``?page=``), narrowed by the filter
    form (a GET form: reading changes nothing, except that a look at one participant's entries
    is itself an entry about them, written by the use case). Actors are named by the username
    of a staff account kept at its web sign-in (one BatchGetItem of the page's distinct actors,
    no Cognito call); otherwise, like participants, by id. Groups by their name, with the
    start of the id (one BatchGetItem of the page's distinct groups)."""
    caller = visit.signed_in()
    administration = services.current().administration
    asked = {k: visit.query.get(k, "").strip() for k in FILTERS}
    errors: list[FieldError] = []
    entries: list[dict[str, Any]] = []
    next_token = None
    try:
        found = administration.audit_trail(
            caller,
            visit.query.get("page") or None,
            AUDIT_LIMIT,
            participant=asked["participant"] or None,
            until=asked["until"] or None,
            action=asked["action"] or None,
            actor=asked["actor"] or None,
        )
        entries, next_token = found.entries, found.next_page_token
    except SteadyError as error:
        if not is_refusal(error):
            raise
        errors = [_audit_field(error, asked)]
    filtered = {k: v for k, v in asked.items() if v}
    names = _names(caller, entries) if entries else {}
    groups = _group_names(entries) if entries else {}
    return Html(
        "admin_audit.html",
        {
            "values": asked,
            "entries": [_entry(e, names, groups) for e in entries],
            "filtered": bool(filtered),
            "next_page": (
                f"{AUDIT}?{urlencode({**filtered, 'page': next_token})}" if next_token else None
            ),
            "first_page": f"{AUDIT}?{urlencode(filtered)}" if visit.query.get("page") else None,
            **error_context(errors),
        },
        status=error_status(errors),
    )


def _names(caller: Any, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Staff usernames by account id, for the page's distinct actors (best effort: a trail
    without names is still the trail)."""
    names = {caller.id: f"{caller.username} (you)"}
    actors = {str(e.get("actor_id", "")) for e in entries} - {caller.id, ""}
    if actors:
        try:
            names.update(services.current().administration.staff_usernames(sorted(actors)))
        except SteadyError:
            logs.event("audit_names_not_read", logging.WARNING)
    return names


def _group_names(entries: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the page's distinct groups by id (one BatchGetItem; best effort, as
    ``_names``): an administrator tells a group by its name, not its id."""
    ids = sorted({str(e["group_id"]) for e in entries if e.get("group_id")})
    if not ids:
        return {}
    try:
        return services.current().administration.group_names(ids)
    except SteadyError:
        logs.event("audit_group_names_not_read", logging.WARNING)
        return {}


def _entry(entry: dict[str, Any], names: dict[str, str], groups: dict[str, str]) -> dict[str, Any]:
    actor = str(entry.get("actor_id", ""))
    group = entry.get("group_id")
    return {
        "at": entry.get("at", ""),
        "action": entry.get("action", ""),
        "actor_id": actor,
        "actor_name": names.get(actor),
        "actor_roles": ", ".join(entry.get("actor_roles", [])),
        "participant_ids": entry.get("participant_ids", []),
        "group_id": group,
        "group_name": groups.get(str(group)) if group else None,
    }
