"""A participant's account page (``/account/reminders``): where reminders go and when, their
own password (``/account/reminders/password``), and the one-tap stop of reminders.

Kept apart from ``pages.py``: each handler parses the form, calls one use case in
``chalicelib.reminders`` and renders the page in the participant's language. A form that
cannot be saved comes back with what was typed and an error summary linking to each field;
a saved form redirects (so a reload does not post again).

Two languages, two preferences: the page's (``locale``, as on every page: the address, a
form's hidden field, else the browser's) and the messages' (``reminder_locale`` in the form,
the stored reminder choice). Choosing Spanish texts leaves the page in English, and a page
read in Spanish stays Spanish after a save.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalicelib import services
from chalicelib import sign_in as session
from chalicelib.access import Closing
from chalicelib.errors import BadRequest, SteadyError
from chalicelib.identity import PARTICIPANTS
from chalicelib.reminders import DAYS, SLOT_MINUTES, STOP_LINK_DAYS, ReminderChoice, zone_named
from chalicelib.web import words
from chalicelib.web.http import (
    SIGN_IN_PATH,
    Html,
    Redirect,
    Visit,
    access_ends,
    expired_session_cookie,
    language_link,
)
from chalicelib.web.pages import LEADER_ACCOUNT, PASSWORD_CHANGED
from chalicelib.web.words import WEEKDAYS as DAY_NAMES
from chalicelib.web.words import WORDS

PAGE = "/account/reminders"
# The address a person types after reading "Account" in the menu: the account page (a group
# leader's is ``/leader/account``).
HOME = "/account"
CONTACT = "/account/reminders/contact"
CONFIRM = "/account/reminders/contact/confirm"
FORGET = "/account/reminders/contact/delete"
PASSWORD = "/account/reminders/password"
# Where the password form was before it moved onto the account page: kept in bookmarks and
# browser history, so it leads to the form rather than to "Page not found".
OLD_PASSWORD = "/account/password"
STOP_PATH = "/reminders/stop"
TIMES = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, SLOT_MINUTES))
# The zones offered, in groups (their names in ``words.TIME_ZONES`` and ``clock.zone_city``):
# the United States first, then the common zones around the world; a zone saved through the
# API that is not among them is offered too, on its own, so the list shows what is saved.
ZONE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "us",
        (
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "Pacific/Honolulu",
            "America/Puerto_Rico",
        ),
    ),
    (
        "americas",
        (
            "America/Halifax",
            "America/Toronto",
            "America/Mexico_City",
            "America/Bogota",
            "America/Lima",
            "America/Santiago",
            "America/Sao_Paulo",
            "America/Argentina/Buenos_Aires",
        ),
    ),
    (
        "europe_africa",
        (
            "Europe/London",
            "Europe/Lisbon",
            "Europe/Madrid",
            "Europe/Paris",
            "Europe/Berlin",
            "Europe/Athens",
            "Europe/Moscow",
            "Africa/Lagos",
            "Africa/Cairo",
            "Africa/Johannesburg",
            "Africa/Nairobi",
        ),
    ),
    (
        "asia_pacific",
        (
            "Asia/Dubai",
            "Asia/Karachi",
            "Asia/Kolkata",
            "Asia/Bangkok",
            "Asia/Manila",
            "Asia/Shanghai",
            "Asia/Tokyo",
            "Australia/Perth",
            "Australia/Sydney",
            "Pacific/Auckland",
        ),
    ),
    ("other", ("UTC",)),
)
ZONES = tuple(zone for _, zones in ZONE_GROUPS for zone in zones)
# The password form's refusals (``sign_in.change_password``), here and on a group leader's
# account page (``leader_pages.change_password``): the box each one is about.
PASSWORD_FIELDS = {
    "current_password_missing": "current_password",
    "wrong_current_password": "current_password",
    "too_many_password_tries": "current_password",
    "password_mismatch": "confirm_password",
    "invalid_password": "new_password",
    "password_unchanged": "new_password",
}
# Which field an error belongs to (the summary links there).
FIELDS = {
    "invalid_time": "time",
    "time_in_quiet_hours": "time",
    "invalid_days": "day_mon",
    "invalid_quiet_hours": "quiet_start",
    "quiet_hours_incomplete": "quiet_start",
    "invalid_timezone": "timezone",
    "invalid_locale": "reminder_locale-en",
    "invalid_channel": "channel-email",
    "invalid_trigger": "trigger-day_before",
    "invalid_plan": "plan_every-off",
    "invalid_plan_day": "plan_day",
    "contact_not_confirmed": "enabled",
    "invalid_email": "email",
    "invalid_phone": "phone",
    "invalid_contact": "email",
    "too_many_codes": "email",
    "wrong_contact_code": "code",
    "invalid_contact_code": "code",
    "too_many_attempts": "email",
    "no_pending_code": "email",
    "forget_not_confirmed": "forget",
    **PASSWORD_FIELDS,
}
DONE = ("saved", "code_sent", "code_sent_recently", "confirmed", "contact_deleted")


def _form_of(choice: ReminderChoice, lang: str) -> dict[str, Any]:
    """The form as saved. The messages' language, until chosen, is the page's: a participant
    who reads in Spanish and turns reminders on without looking at it gets Spanish messages."""
    return {
        "enabled": choice.enabled,
        "channel": choice.channel,
        "time": choice.time,
        "days": list(choice.days),
        "trigger": choice.trigger,
        "quiet_start": choice.quiet_hours[0] if choice.quiet_hours else "",
        "quiet_end": choice.quiet_hours[1] if choice.quiet_hours else "",
        "timezone": choice.timezone,
        "locale": choice.locale if choice.locale_chosen else lang,
        "plan_every": choice.plan_every or "",
        "plan_day": choice.plan_day,
        "email": "",
        "phone": "",
        "code": "",
    }


def _page(
    visit: Visit, form: dict[str, Any] | None = None, error: SteadyError | None = None
) -> Html:
    caller = visit.signed_in()
    lang = visit.language()
    choice = services.current().reminders.view(caller)
    shown = {**_form_of(choice, lang), **(form or {})}
    # After leaving their last group: where the notices before the account closes go
    # (``chalicelib.access_notices``); the access end is in the request's cache, no extra read.
    closing_day = access_ends(caller, always=True)
    errors = []
    if error is not None:
        field = FIELDS.get(error.code, "enabled")
        if field == "code" and not choice.pending:
            field = "email"
        if field == "enabled" and (closing_day or not shown["enabled"]):
            # The plan reminder was being turned on (an alumnus's page has no "enabled" box).
            field = "plan_every-off"
        errors.append((field, words.message(error, lang)))
    zones = [
        (words.ZONE_GROUPS[lang][group], [(z, words.zone_name(z, lang)) for z in members])
        for group, members in ZONE_GROUPS
    ]
    saved = str(shown["timezone"] or "")
    # A zone saved through the API and not offered: its own option, first, named, selected.
    other = (saved, words.zone_name(saved, lang, offered=False)) if saved not in ZONES else None
    done = visit.query.get("done")
    first, second = (
        (choice.phone, choice.email) if choice.channel == "sms" else (choice.email, choice.phone)
    )
    return Html(
        "account_reminders.html",
        {
            "lang": lang,
            # The participant's own time zone (read with the choice: no extra read).
            "zone": zone_named(choice.timezone),
            "choice": choice.to_dict(),
            "form": shown,
            "errors": errors,
            "invalid": {field for field, _ in errors},
            "status": WORDS[lang][f"done_{done}"] if done in DONE and error is None else None,
            "times": TIMES,
            "days": list(zip(DAYS, DAY_NAMES[lang], strict=True)),
            "zones": zones,
            "other_zone": other,
            "closing_day": closing_day,
            "closing_contact": (first or second) if closing_day else None,
        },
        status=error.status if error is not None else 200,
    )


def account_reminders(visit: Visit) -> Html:
    return _page(visit)


def save_reminders(visit: Visit) -> Any:
    caller = visit.signed_in()
    f = visit.form
    form = {
        "enabled": f.get("enabled") == "on",
        "channel": f.get("channel", ""),
        "time": f.get("time", ""),
        "days": [d for d in DAYS if f.get(f"day_{d}") == "on"],
        "trigger": f.get("trigger", ""),
        "quiet_start": f.get("quiet_start", ""),
        "quiet_end": f.get("quiet_end", ""),
        "timezone": f.get("timezone", ""),
        "locale": f.get("reminder_locale", ""),  # the messages' language, not the page's
        "plan_every": f.get("plan_every", ""),
        "plan_day": f.get("plan_day", ""),
    }
    # A participant who left their groups is offered no reading reminders: the form has none
    # of those choices, and what was chosen before stays as it was.
    alumni = f.get("alumni") == "1"
    try:
        # Only one end chosen: the form's own refusal, with its own words (the service's
        # invalid_quiet_hours, as the form can send it, is a start and an end that are equal).
        if bool(form["quiet_start"]) != bool(form["quiet_end"]):
            raise BadRequest(
                "Choose when quiet hours start and when they end, or neither.",
                code="quiet_hours_incomplete",
            )
        quiet = (
            {"start": form["quiet_start"], "end": form["quiet_end"]}
            if form["quiet_start"]
            else None
        )
        changes = {
            "enabled": form["enabled"],
            "channel": form["channel"],
            "time": form["time"],
            "days": form["days"],
            "trigger": form["trigger"],
            "quiet_hours": quiet,
            "timezone": form["timezone"],
            "locale": form["locale"],
            "plan_every": form["plan_every"] or None,
            "plan_day": form["plan_day"],
        }
        if not form["plan_day"]:
            del changes["plan_day"]  # a form from before the plan reminder: the day it had
        if alumni:
            for reading in ("enabled", "days", "trigger"):
                del changes[reading]
        services.current().reminders.update(caller, changes)
    except SteadyError as error:
        return _page(visit, form, error)
    return _done(visit, "saved")


def _done(visit: Visit, what: str, anchor: str = "") -> Redirect:
    """Back to the page, which says ``what`` was done, in the language it was read in."""
    lang = visit.language()
    return Redirect(f"{PAGE}?done={what}" + (f"&locale={lang}" if lang != "en" else "") + anchor)


def change_contact(visit: Visit) -> Any:
    caller = visit.signed_in()
    email, phone = visit.form.get("email", "").strip(), visit.form.get("phone", "").strip()
    try:
        choice = services.current().reminders.request_contact_change(
            caller, email or None, phone or None, locale=visit.language()
        )
    except SteadyError as error:
        return _page(visit, {"email": email, "phone": phone}, error)
    # A second tap moments after the first sends no second code: the first one works.
    return _done(visit, "code_sent_recently" if choice.code_sent_recently else "code_sent", "#code")


def confirm_contact(visit: Visit) -> Any:
    caller = visit.signed_in()
    code = visit.form.get("code", "").strip()
    try:
        services.current().reminders.confirm_contact(caller, code)
    except SteadyError as error:
        return _page(visit, {"code": code}, error)
    return _done(visit, "confirmed")


def delete_contact(visit: Visit) -> Any:
    """Forget the email and phone number (reminders turn off), once the box is ticked;
    without it, the same page with an error summary and nothing deleted."""
    caller = visit.signed_in()
    if visit.form.get("forget") != "1":
        return _page(
            visit,
            None,
            BadRequest(
                "Tick the box to confirm, or leave this page to keep them.",
                code="forget_not_confirmed",
            ),
        )
    services.current().reminders.delete_contact(caller)
    return _done(visit, "contact_deleted")


def change_password(visit: Visit) -> Any:
    """The signed-in participant's own password: current, new, and new again. A refusal
    brings the page back with a summary linking to the field at fault (passwords are never
    sent back); done, they are signed out everywhere, here too, and the sign-in page says
    their password is changed (in the language the page was read in)."""
    refused = password_refused(visit)
    if refused is not None:
        return _page(visit, None, refused)
    return password_changed(visit.language())


def password_refused(visit: Visit) -> BadRequest | None:
    """The signed-in person's password form posted (participants', leaders', authors' and
    admins' alike) to the one use case: None once changed (every session ended), else why it
    was refused."""
    caller = visit.signed_in()
    assert visit.session is not None
    f = visit.form
    try:
        session.change_password(
            visit.session,
            caller,
            f.get("current_password", ""),
            f.get("new_password", ""),
            f.get("confirm_password", ""),
        )
    except BadRequest as error:
        return error
    return None


def password_changed(lang: str = "en") -> Redirect:
    """After a password change (signed out everywhere, this session too): the sign-in page,
    which says the password is changed, in ``lang``; this browser's cookie goes too."""
    return Redirect(
        f"{SIGN_IN_PATH}?done={PASSWORD_CHANGED}" + (f"&locale={lang}" if lang != "en" else ""),
        cookies=(expired_session_cookie(),),
    )


def reminders_stop_form(visit: Visit) -> Html:
    """GET of every reminder message's stop link: a page with a button that stops them.
    Opening it changes nothing, since mail scanners and link previews open every link. No
    sign-in: the link is signed. In the messages' language, unless the page's own was asked
    for (its language link)."""
    token = visit.query.get("t")
    link = services.current().reminders.stop_link(token)
    if link is None:
        return _stop_page(visit.language(), status=400)
    asked = visit.query.get("locale")
    lang = asked if asked in WORDS else link.choice.locale
    if link.expired:
        return _stop_page(lang, status=410, expired=True)
    # Off means both off: reading reminders and the plan reminder (the one someone who left
    # their groups may still get).
    if not (link.choice.enabled or link.choice.plan_every):
        return _stop_page(lang, already_off=True, closing=link.closing)
    kept = {"t": token, **({"locale": lang} if asked in WORDS else {})}
    return _stop_page(lang, stop_address=f"{STOP_PATH}?{urlencode(kept)}")


def reminders_stop(visit: Visit) -> Html:
    """POST of the stop link: its page's button, or a mail client's one-click stop (RFC 8058,
    ``List-Unsubscribe-Post``). The signed address is the authority (the person may not be
    signed in here), so the route reads no form and checks no CSRF token."""
    token = visit.query.get("t")
    link = services.current().reminders.stop(token)
    if link is None:
        return _stop_page(visit.language(), status=400)
    asked = visit.query.get("locale")
    lang = asked if asked in WORDS else link.choice.locale
    if link.expired:
        return _stop_page(lang, status=410, expired=True)  # nothing was changed
    stopped = _stop_page(lang, stopped=True, closing=link.closing)
    # The language link goes to the link's own page (it says they are off), not to the bare
    # path a post is shown at.
    choice_of_language = language_link(f"{STOP_PATH}?{urlencode({'t': token})}", lang)
    return Html(stopped.template, {**stopped.context, "language_choice": choice_of_language})


def _stop_page(
    lang: str,
    status: int = 200,
    stopped: bool = False,
    already_off: bool = False,
    stop_address: str | None = None,
    closing: Closing | None = None,
    expired: bool = False,
) -> Html:
    """The stop link's page: the button (``stop_address``), stopped, already off, a link of
    ours that no longer works (``expired``: how to turn reminders off after signing in, and
    nothing of the choice), or (none of them) a link that does not work. Stopped or off, it
    says what still comes before the account closes (``closing``: the notices are not
    reminders) and, once it has closed, no longer sends them to sign in (walk 19, problem 6)."""
    return Html(
        "reminders_stopped.html",
        {
            "lang": lang,
            "stopped": stopped,
            "already_off": already_off,
            "stop_address": stop_address,
            "closing": closing,
            "expired": expired,
            "link_days": STOP_LINK_DAYS,
        },
        status,
    )


def _kept_locale(visit: Visit) -> str:
    locale = visit.query.get("locale")
    return f"?locale={locale}" if locale in WORDS else ""


def account_home(visit: Visit) -> Redirect:
    """GET /account: the participant's account page; a group leader's, author's or
    administrator's own (its password)."""
    caller = visit.signed_in()
    if PARTICIPANTS not in caller.roles:
        return Redirect(LEADER_ACCOUNT)
    return Redirect(PAGE + _kept_locale(visit))


def old_password_address(visit: Visit) -> Redirect:
    """GET /account/password (the form's old address): the password form, on the person's own
    account page (a group leader's, author's or administrator's is ``/leader/account``)."""
    caller = visit.signed_in()
    if PARTICIPANTS not in caller.roles:
        return Redirect(LEADER_ACCOUNT)
    return Redirect(PAGE + _kept_locale(visit) + "#password-title")


def password_form(visit: Visit) -> Redirect:
    """GET /account/reminders/password: the address a refused change was shown at (opened again,
    or its language link): the form, on the account page."""
    visit.signed_in()
    return Redirect(PAGE + _kept_locale(visit) + "#password-title")
