"""Reminders a participant chooses: by email or text, at a time, on days, with quiet hours.

Plain use cases (no HTTP): read and change the choice, change the email or phone number with
a confirmation code sent to the new address, and stop reminders from a signed link. The
scheduled sending is in ``chalicelib.reminder_sending``; the records in
``chalicelib.records.reminders``.

What a participant receives never names treatment, a topic or a lesson: the wording below is
all there is ("You have something to read in <program>"). Contact details are shown back
masked and never logged; leaders have no route to any of this.

The participant's ``REMINDERS`` item is also where two page settings live: the time zone their
pages show times in (``zone_of``) and the language of their pages, kept with the account when
they switch it (``keep_language``) and read back at sign-in (``language_of``). That language is
not the messages' (``locale``, chosen on the account page on its own), but it is their default
until the participant chooses one.

Text messages go through Amazon SNS (``Publish`` to a phone number): SNS keeps the account's
opt-out list, so a reply of STOP is honoured by AWS itself, and the run also asks SNS
(``CheckIfPhoneNumberIsOptedOut``) and turns reminders off for a number that opted out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time as time_module
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email import policy as email_policy
from email.message import EmailMessage
from functools import lru_cache
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import logs
from chalicelib.access import AccessCheck, Closing
from chalicelib.aws import error_code
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, ServiceUnavailable, SteadyError
from chalicelib.identity import ADMINS, LEADERS, PARTICIPANTS, Caller
from chalicelib.library import LOCALES
from chalicelib.records.reminders import PAGE_LOCALE, ReminderRecords
from chalicelib.text import code_digits

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)
DAY_BEFORE = "day_before"
DAILY = "daily"
TRIGGERS = (DAY_BEFORE, DAILY)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The plan reminder ("time to look at your plan"): off (``None``), once a week on ``plan_day``,
# or once a month on the first ``plan_day`` of the month; at the choice's time, by its channel.
# It needs no reading due, so it is the one reminder a participant who left their groups gets.
WEEKLY = "weekly"
MONTHLY = "monthly"
PLAN_EVERY = (WEEKLY, MONTHLY)
SLOT_MINUTES = 15
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 5
# A second "Send a code" for the same address within this time (a double tap, or an
# impatient second tap) sends nothing: the first code stays the one that works, so the first
# message to arrive is never refused (messages can arrive out of order).
CODE_RESEND_SECONDS = 60
# [0-9], not \d (which takes any script's digits, "0٩:00", that time.fromisoformat refuses), and
# matched whole (``$`` lets a final newline through).
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
# The part before the @ as mail services take it (RFC 5322's dot-atom, in ASCII): SES refuses
# "a<b>@…", "a,b@…" or "jösé@…", and a refusal at sending was a 503, not "does not look like".
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(
    rf"^(?=[^@]{{1,64}}@){_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9](?:[A-Za-z0-9-]{{0,62}}\.)+[A-Za-z]{{2,63}}$"
)
_PHONE = re.compile(r"\+[1-9][0-9]{7,14}")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")

# The stored choice's note of a stop from a message (its UTC time), cleared by the next save.
STOPPED_FROM_MESSAGE = "stopped_from_message_at"

DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "channel": EMAIL,
    "time": "18:00",
    "days": list(DAYS),
    "trigger": DAY_BEFORE,
    "quiet_start": None,
    "quiet_end": None,
    "plan_every": None,
    "plan_day": "mon",
}


# -- what the participant sees -----------------------------------------------------------------


@dataclass(frozen=True)
class StopLink:
    """A stop link's answer: the reminder choice, and what still comes before the account
    closes (``None``: not known here), so its page does not promise silence. ``expired``: the
    link is ours but no longer works (``stop_link_works``): nothing was changed, and its page
    shows nothing of the choice, only how to turn reminders off after signing in."""

    choice: ReminderChoice
    closing: Closing | None = None
    expired: bool = False


@dataclass(frozen=True)
class ReminderChoice:
    enabled: bool
    channel: str
    time: str
    days: tuple[str, ...]
    trigger: str
    quiet_hours: tuple[str, str] | None
    timezone: str
    locale: str
    email: str | None  # masked
    phone: str | None  # masked
    pending: dict[str, Any] | None  # {"kind", "address" (masked), "expires_at"}
    last_sent_at: str | None
    # When a message's stop link (or a mail client's one-click stop) turned reminders off;
    # kept until the participant next saves their choice.
    stopped_from_message_at: str | None = None
    # The answer to asking for a code: a code for that address was sent moments ago
    # (``CODE_RESEND_SECONDS``), so none was sent now (not stored, not in the API's answer).
    code_sent_recently: bool = False
    # Whether the participant chose the messages' language (``locale`` is stored); until then
    # it follows their pages', and the account page offers the page's language.
    locale_chosen: bool = False
    # The plan reminder: ``None`` (off), ``weekly`` or ``monthly``, on ``plan_day``.
    plan_every: str | None = None
    plan_day: str = "mon"
    plan_last_sent_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "channel": self.channel,
            "time": self.time,
            "days": list(self.days),
            "trigger": self.trigger,
            "quiet_hours": {"start": self.quiet_hours[0], "end": self.quiet_hours[1]}
            if self.quiet_hours
            else None,
            "timezone": self.timezone,
            "locale": self.locale,
            "email": self.email,
            "phone": self.phone,
            "pending": self.pending,
            "last_sent_at": self.last_sent_at,
            "stopped_from_message_at": self.stopped_from_message_at,
            "plan_every": self.plan_every,
            "plan_day": self.plan_day,
            "plan_last_sent_at": self.plan_last_sent_at,
        }


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    name, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{name[:1]}***.{tld}"


def mask_phone(number: str) -> str:
    return f"{number[:2]}******{number[-2:]}"


def mask(kind: str, address: str) -> str:
    return mask_email(address) if kind == EMAIL else mask_phone(address)


# -- checking what comes in ----------------------------------------------------------------------


def check_time(value: Any, name: str, quarter: bool = False) -> str:
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if not match or (quarter and int(match.group(2)) % SLOT_MINUTES):
        every = " on the quarter hour (00, 15, 30 or 45 minutes)" if quarter else ""
        raise BadRequest(
            f"{name} is a time of day as HH:MM{every}, e.g. 18:30.", code="invalid_time"
        )
    return str(value)


def check_days(value: Any) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or len(value) > len(DAYS)
        or any(d not in DAYS for d in value)
        or len(set(value)) != len(value)
    ):
        raise BadRequest(
            f"days is a list of one or more of: {', '.join(DAYS)}.", code="invalid_days"
        )
    return [d for d in DAYS if d in value]


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def check_timezone(value: Any) -> str:
    if not isinstance(value, str) or value not in _zones():
        raise BadRequest(
            "timezone is an IANA time zone name, e.g. America/New_York.", code="invalid_timezone"
        )
    return value


def check_email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value.strip()):
        raise BadRequest("That does not look like an email address.", code="invalid_email")
    return value.strip()


def check_phone(value: Any) -> str:
    number = (
        _PHONE_PUNCTUATION.sub("", value) if isinstance(value, str) and len(value) <= 40 else ""
    )
    if (
        number
        and not number.startswith("+")
        and number.isascii()
        and number.isdigit()
        and len(number) == 10
    ):
        number = "+1" + number  # a US number written without its country code
    if not _PHONE.fullmatch(number):
        raise BadRequest(
            "Write the whole number with its area code, for example (555) 010-0123. Outside the US, "
            "start with + and the country code.",
            code="invalid_phone",
        )
    return number


def in_quiet_hours(moment: time, start: str | None, end: str | None) -> bool:
    """Quiet hours run from ``start`` up to ``end``, across midnight when ``end`` is earlier.
    A stored value that is not a time (saved before ``check_time`` took only ASCII digits) counts
    as none: one person's odd record never stops a run that sends everyone else's messages."""
    if not start or not end:
        return False
    try:
        begin, finish = time.fromisoformat(start), time.fromisoformat(end)
    except (TypeError, ValueError):
        return False
    if begin <= finish:
        return begin <= moment < finish
    return moment >= begin or moment < finish


def utc_slots(local_time: str, timezone: str, around: date) -> set[str]:
    """Every UTC quarter-hour slot (``HHMM``) that ``local_time`` in ``timezone`` falls in, across
    the UTC offsets the zone uses this year and next: one for most zones, two with daylight
    saving time."""
    zone = ZoneInfo(timezone)
    chosen = time.fromisoformat(local_time)
    slots = set()
    for year in (around.year, around.year + 1):
        for month in range(1, 13):
            for day in (1, 15):
                moment = datetime.combine(date(year, month, day), chosen, tzinfo=zone).astimezone(
                    UTC
                )
                slots.add(slot_of(moment))
    return slots


def zone_named(name: str | None) -> tzinfo:
    """The zone ``name`` (an IANA name, as a choice stores it); UTC for one this machine does
    not know, so a page is never an error for it."""
    try:
        return ZoneInfo(str(name or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def slot_of(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.hour:02d}{moment.minute - moment.minute % SLOT_MINUTES:02d}"


# -- signed stop links ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _stop_cipher(key: str) -> Any:
    # Deferred: only a reminder run and the stop page seal or open a link.
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    return AESSIV(hmac.new(key.encode(), b"steady stop link", hashlib.sha512).digest())


# A stop link works for this many days after the message that carries it (longer than the gap
# between two monthly plan reminders, so the newest message's link always works), and only while
# the address it was sent to is still one of the participant's contacts: after a change of email
# or phone number, a message left in the old mailbox no longer controls what goes to the new one.
STOP_LINK_DAYS = 60
# Links in messages sent before links carried their day (undated: sealed ids, and the signed
# ids before them) work until this day, then show the expired page.
UNDATED_STOP_LINKS_END = date(2027, 2, 1)
_STOP_EPOCH = date(2000, 1, 1)
_DATED = [b"stop", b"2"]  # the associated data of a dated link (an undated one: [b"stop"])


@dataclass(frozen=True)
class StopToken:
    """What a stop link says once opened: whose it is, and (a dated link) the UTC day its
    message was sent and a digest of the address it went to."""

    participant_id: str
    sent_on: date | None = None
    address_digest: bytes | None = None


def _address_digest(key: str, address: str) -> bytes:
    """6 bytes naming an address inside a sealed link (never the address, never logged)."""
    return hmac.new(key.encode(), f"stop link address:{address}".encode(), hashlib.sha256).digest()[
        :6
    ]


def stop_token(key: str, participant_id: str, sent_on: date, address: str) -> str:
    """The stop link's ``t`` for a message sent on ``sent_on`` (UTC) to ``address``: the
    participant's id, that day and a digest of the address, sealed with AES-SIV under a key
    derived from ``key``. Opaque to whoever reads the message (a partner reading the phone
    learns no id), cannot be made for someone else, and the same in every message of one day.
    54 characters for a UUID (an id of another form is sealed as text)."""
    day = (sent_on - _STOP_EPOCH).days.to_bytes(2, "big")
    try:
        compact = uuid.UUID(participant_id)
        packed = b"u" + compact.bytes if str(compact) == participant_id else b""
    except ValueError:
        packed = b""
    if not packed:
        packed = b"t" + participant_id.encode()
    sealed = _stop_cipher(key).encrypt(day + _address_digest(key, address) + packed, _DATED)
    return _b64(sealed)


def _undated_stop_token(key: str, participant_id: str) -> str:
    """The participant's id alone, sealed: the links sent from November 2026 until links
    carried their day (``UNDATED_STOP_LINKS_END``)."""
    return _b64(_stop_cipher(key).encrypt(participant_id.encode(), [b"stop"]))


def stop_link_works(
    token: StopToken, today: date, addresses: Iterable[str | None], key: str
) -> bool:
    """Whether a stop link of ours still works ``today`` (UTC) for a participant whose contact
    addresses are ``addresses``: ``STOP_LINK_DAYS`` after its message, while the address it
    went to is still theirs (or they have none); an undated link until
    ``UNDATED_STOP_LINKS_END``."""
    if token.sent_on is None:
        return today < UNDATED_STOP_LINKS_END
    if (today - token.sent_on).days > STOP_LINK_DAYS:
        return False
    current = [a for a in addresses if a]
    # No contact now: nothing goes anywhere, so the link controls nothing another could get.
    return not current or any(
        hmac.compare_digest(_address_digest(key, a), token.address_digest or b"") for a in current
    )


def _legacy_stop_token(key: str, participant_id: str) -> str:
    """``<participant id in base64>.<HMAC-SHA256>``: the links sent before November 2026."""
    signature = hmac.new(key.encode(), f"stop:{participant_id}".encode(), hashlib.sha256).digest()
    return f"{_b64(participant_id.encode())}.{_b64(signature)}"


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_stop_token(key: str, token: Any) -> StopToken | None:
    """What a stop link says, or ``None`` when it was not made with ``key`` (whether it still
    works is ``stop_link_works``)."""
    if not key or not isinstance(token, str) or not token or len(token) > 300:
        return None
    if "." in token:  # a link sent before the ids were sealed: undated
        if token.count(".") != 1:
            return None
        try:
            participant_id = _unb64(token.split(".", 1)[0]).decode("utf-8")
        except (ValueError, UnicodeError):
            return None
        if not participant_id or not hmac.compare_digest(
            _legacy_stop_token(key, participant_id), token
        ):
            return None
        return StopToken(participant_id)
    from cryptography.exceptions import InvalidTag

    try:
        sealed = _unb64(token)
    except ValueError:
        return None
    cipher = _stop_cipher(key)
    try:
        opened = cipher.decrypt(sealed, _DATED)
    except (ValueError, InvalidTag):
        try:
            participant_id = cipher.decrypt(sealed, [b"stop"]).decode("utf-8")
        except (ValueError, UnicodeError, InvalidTag):
            return None
        return StopToken(participant_id) if participant_id else None
    day, digest, kind, packed = opened[:2], opened[2:8], opened[8:9], opened[9:]
    try:
        if kind == b"u" and len(packed) == 16:
            participant_id = str(uuid.UUID(bytes=packed))
        elif kind == b"t":
            participant_id = packed.decode("utf-8")
        else:
            return None
    except (ValueError, UnicodeError):
        return None
    if not participant_id or len(day) != 2:
        return None
    sent_on = _STOP_EPOCH + timedelta(days=int.from_bytes(day, "big"))
    return StopToken(participant_id, sent_on, digest)


# -- wording ----------------------------------------------------------------------------------------

# Never a topic, a module title, a diagnosis or the word treatment: a message may be read on a
# lock screen or over a shoulder.
WORDS = {
    "en": {
        "subject": "{program}: a reminder",
        "reminder": "You have something to read in {program}.",
        # Named from the program, as a reading reminder is (walk 21, 13: a text from an unknown
        # number saying "look at your plan" and a link read like phishing).
        "plan": "{program}: a good time to look at your plan.",
        "open": "Open it: {link}",
        "stop": "Stop these reminders: {stop}",
        "sms_stop": "Reply STOP to stop.",
        "code_subject": "{program}: your code",
        "code": "Your {program} code is {code}. It works for {minutes} minutes. "
        "If you did not ask for it, you can ignore this message.",
        "closing_subject": "{program}: your account",
        "closing": "{program}: your account closes after {day}. Sign in before then to "
        "download anything you want to keep",
        # The second and last notice, 7 days ahead (walk 19, problem 7: it was the first again).
        "closing_last_subject": "{program}: your account (last notice)",
        "closing_last": "{program}, last notice: your account closes after {day}, a week from "
        "today. Sign in before then to download anything you want to keep",
        "closing_next": "We will send one more notice 7 days before.",
        # Whoever gave them the account (a group leader, the program's staff) can give a new
        # password; named without "group" or "program", which would say what it is for.
        "closing_password": "Forgot your password? Ask the person who gave you this account "
        "for a new one.",
        # A text says the same in fewer words: each 160 letters (70 with an accent) is billed.
        "sms_closing": "{program}: your account closes after {day}. Sign in before then to save "
        "what you want",
        "sms_closing_last": "{program}, last notice: your account closes after {day}, in a week. "
        "Sign in before then to save what you want",
        "sms_password": "Forgot your password? Ask whoever gave you this account.",
    },
    "es": {
        "subject": "{program}: un recordatorio",
        "reminder": "Tiene algo para leer en {program}.",
        "plan": "{program}: un buen momento para mirar su plan.",
        "open": "Ábralo: {link}",
        "stop": "Dejar de recibir estos recordatorios: {stop}",
        "sms_stop": "Responda STOP para dejar de recibirlos.",
        "code_subject": "{program}: su código",
        "code": "Su código de {program} es {code}. Sirve durante {minutes} minutos. "
        "Si no lo pidió, puede ignorar este mensaje.",
        "closing_subject": "{program}: su cuenta",
        "closing": "{program}: su cuenta se cierra después del {day}. Inicie sesión antes "
        "para descargar lo que quiera conservar",
        "closing_last_subject": "{program}: su cuenta (último aviso)",
        "closing_last": "{program}, último aviso: su cuenta se cierra después del {day}, dentro "
        "de una semana. Inicie sesión antes para descargar lo que quiera conservar",
        "closing_next": "Le enviaremos un aviso más 7 días antes.",
        "closing_password": "¿Olvidó su contraseña? Pídale una nueva a la persona que le dio "
        "esta cuenta.",
        "sms_closing": "{program}: su cuenta se cierra después del {day}. Inicie sesión antes "
        "para guardar lo que quiera",
        "sms_closing_last": "{program}, último aviso: su cuenta se cierra después del {day}, en "
        "una semana. Inicie sesión antes para guardar lo que quiera",
        "sms_password": "¿Olvidó su contraseña? Pregunte a quien le dio esta cuenta.",
    },
}
# The day an account closes, as the notice names it: "3 Dec 2026", "3 dic 2026" (with the year,
# as the pages give it: in December, "after 4 Jan" left the year to guess).
SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # A reminder email's stop link, also given to mail clients as its one-click stop
    # (RFC 8058: ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers).
    unsubscribe: str = ""


def reminder_message(channel: str, locale: str, program: str, link: str, stop_link: str) -> Message:
    words = WORDS.get(locale, WORDS["en"])
    lines = [words["reminder"].format(program=program)]
    if link:
        lines.append(words["open"].format(link=link))
    lines.append(words["stop"].format(stop=stop_link))
    if channel == SMS:
        lines.append(words["sms_stop"])
        return Message("", " ".join(lines))
    return Message(words["subject"].format(program=program), "\n\n".join(lines) + "\n", stop_link)


def plan_message(channel: str, locale: str, program: str, link: str, stop_link: str) -> Message:
    """The plan reminder: the same subject, stop link and one-click stop as a reading reminder,
    and one line that names nothing but "your plan"."""
    words = WORDS.get(locale, WORDS["en"])
    lines = [words["plan"].format(program=program)]
    if link:
        lines.append(words["open"].format(link=link))
    lines.append(words["stop"].format(stop=stop_link))
    if channel == SMS:
        lines.append(words["sms_stop"])
        return Message("", " ".join(lines))
    return Message(words["subject"].format(program=program), "\n\n".join(lines) + "\n", stop_link)


def access_notice_message(
    channel: str, locale: str, program: str, day: date, link: str, last: bool = False
) -> Message:
    """The notice before a participant's access ends (``chalicelib.access_notices``): when
    (``day``, their last full day, with its year), that signing in before then lets them
    download what they want to keep, and whom to ask for a new password. The first notice's
    email says one more will come; the ``last`` one says it is the last, a week ahead.
    Nothing about groups, lessons or treatment; no stop link (it is not a reminder: two such
    messages at most), but a text still says that STOP works."""
    words = WORDS.get(locale, WORDS["en"])
    months = SHORT_MONTHS.get(locale, SHORT_MONTHS["en"])
    shown = f"{day.day} {months[day.month - 1]} {day.year}"
    sms = "sms_" if channel == SMS else ""
    text = words[f"{sms}closing_last" if last else f"{sms}closing"].format(
        program=program, day=shown
    )
    text += f": {link}" if link else "."
    if channel == SMS:
        return Message("", f"{text} {words['sms_password']} {words['sms_stop']}")
    lines = [text, words["closing_password"]] + ([] if last else [words["closing_next"]])
    subject = words["closing_last_subject" if last else "closing_subject"]
    return Message(subject.format(program=program), "\n\n".join(lines) + "\n")


def code_message(locale: str, program: str, code: str) -> Message:
    words = WORDS.get(locale, WORDS["en"])
    return Message(
        words["code_subject"].format(program=program),
        words["code"].format(program=program, code=code, minutes=CODE_MINUTES),
    )


# -- sending ------------------------------------------------------------------------------------------

# Long enough that the stop link's header is never folded into encoded words (it must reach a
# mail client as the address it is), within RFC 5322's 998 characters a line.
_MAIL_POLICY = email_policy.SMTP.clone(max_line_length=998)


def raw_email(sender: str, to: str, message: Message) -> bytes:
    """``message`` as a MIME email (plain text, UTF-8, quoted-printable); with a stop link,
    the RFC 8058 one-click headers: a mail client's "Unsubscribe" posts
    ``List-Unsubscribe=One-Click`` to it (``reminders_stop``: the signed address suffices)."""
    mail = EmailMessage(policy=_MAIL_POLICY)
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = message.subject
    if message.unsubscribe:
        mail["List-Unsubscribe"] = f"<{message.unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(message.body, cte="quoted-printable")
    return mail.as_bytes()


class Messenger(Protocol):
    def email(self, to: str, message: Message) -> None: ...
    def text(self, to: str, message: Message) -> None: ...
    def opted_out(self, phone: str) -> bool: ...


class AwsMessenger:
    """SES for email, SNS for text messages. Clients are built on first use."""

    def __init__(
        self, ses: Callable[[], Any], sns: Callable[[], Any], sender: str, sms_sender_id: str = ""
    ) -> None:
        self._ses = ses
        self._sns = sns
        self._sender = sender
        self._sms_sender_id = sms_sender_id

    def email(self, to: str, message: Message) -> None:
        if message.unsubscribe:
            # SES SendEmail takes no headers of its own: a reminder, with its one-click stop
            # headers, goes as the raw message.
            self._ses().send_raw_email(
                Source=self._sender,
                Destinations=[to],
                RawMessage={"Data": raw_email(self._sender, to, message)},
            )
            return
        self._ses().send_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.body, "Charset": "UTF-8"}},
            },
        )

    def text(self, to: str, message: Message) -> None:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self._sms_sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {
                "DataType": "String",
                "StringValue": self._sms_sender_id,
            }
        self._sns().publish(PhoneNumber=to, Message=message.body, MessageAttributes=attributes)

    def opted_out(self, phone: str) -> bool:
        return bool(
            self._sns().check_if_phone_number_is_opted_out(phoneNumber=phone).get("isOptedOut")
        )


# -- at most once ------------------------------------------------------------------------------------
#
# Every message the scheduled runs send (reading reminders, plan reminders, the notices before
# access ends) goes at most once: to someone in treatment a second copy of a discreet message
# does more harm than a missed one (a reminder comes again the next day; a notice before access
# ends has a second one a few weeks later, and every page says it in the last month). So a send
# is claimed in DynamoDB before SES or SNS is called, a retried run finds the claim, and a send
# whose fate is unknown is never tried again. What a failed call means:

RETRY = "retry"  # SES or SNS certainly did not take it, and may soon: try again
REFUSED = "refused"  # it refused this message or address: trying again would not help
UNKNOWN = "unknown"  # the request may have been taken (no answer came back): never again

# What ``deliver`` returns.
SENT = "sent"
OPTED_OUT = "opted_out"  # a text to a number that replied STOP: nothing sent
NOT_SENT = "not_sent"  # certainly not sent (refused, or still failing after the tries)
SEND_ATTEMPTS = 3

T = TypeVar("T")

_TRY_AGAIN_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "KMSThrottlingException",
        "ServiceUnavailable",
    }
)


def send_failure(error: BaseException) -> str:
    """What a failed SES or SNS call means for the message: ``RETRY`` (no connection was made,
    or the service answered that it is throttling or unavailable), ``REFUSED`` (any other
    answer of a 4xx: the address or message refused) or ``UNKNOWN`` (the request left and no
    answer came back, a timeout or a connection closed mid-answer, or the service answered
    with an internal error: it may have been sent). Anything we cannot tell is ``UNKNOWN``."""
    from botocore.exceptions import ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as ConnectionNotMade

    if isinstance(error, SteadyError):
        return RETRY  # raised by our own code, before any request
    if isinstance(error, HTTPClientError):
        return UNKNOWN  # ReadTimeoutError, ConnectionClosedError: after the request left
    if isinstance(error, ConnectionNotMade):
        return RETRY  # EndpointConnectionError, ConnectTimeoutError: it never left
    if isinstance(error, ClientError):
        if error_code(error) in _TRY_AGAIN_CODES:
            return RETRY
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return UNKNOWN if int(status) >= 500 else REFUSED
    return UNKNOWN


def _tries(
    call: Callable[[], T],
    *,
    event: str,
    participant_id: str,
    sleep: Callable[[float], None],
    repeat_unknown: bool,
) -> tuple[T | None, str | None, Exception | None]:
    """``call()``, tried again (``SEND_ATTEMPTS`` in all, with pauses) after a failure
    ``send_failure`` calls ``RETRY``, and after an ``UNKNOWN`` one too where ``repeat_unknown``
    (a call that sends nothing); never after ``REFUSED``. ``(its answer, None, None)``, or
    ``(None, the last failure's verdict, its error)``. Each failed try is logged as ``event``
    with the participant's id, the error's type and code only."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return call(), None, None
        except Exception as error:  # noqa: BLE001 (a refused address must not stop the run)
            verdict = send_failure(error)
            logs.event(
                event,
                participant_id=participant_id,
                attempt=attempt + 1,
                error=type(error).__name__,
                code=error_code(error)[:60],
                verdict=verdict,
            )
            again = verdict == RETRY or (repeat_unknown and verdict == UNKNOWN)
            if not again or attempt + 1 >= SEND_ATTEMPTS:
                return None, verdict, error
            sleep(0.5 * 2**attempt)
    raise AssertionError("SEND_ATTEMPTS is at least 1")


def opted_out_after_tries(
    messenger: Messenger,
    phone: str,
    *,
    event: str,
    participant_id: str,
    sleep: Callable[[float], None],
) -> bool | None:
    """Whether ``phone`` replied STOP (SNS's opt-out list), or ``None`` when that cannot be
    told now. The lookup sends nothing, so a failed one is tried again (``_tries``) though the
    messenger's clients never repeat a request themselves (``aws._SEND_CONFIG``). Each failed
    try is logged as ``{event}.opt_out_unknown``."""
    answer, _verdict, _error = _tries(
        lambda: messenger.opted_out(phone),
        event=f"{event}.opt_out_unknown",
        participant_id=participant_id,
        sleep=sleep,
        repeat_unknown=True,
    )
    return answer


def send_tries(
    messenger: Messenger,
    channel: str,
    address: str,
    message: Message,
    *,
    event: str,
    participant_id: str,
    sleep: Callable[[float], None],
) -> tuple[str, Exception | None]:
    """Send ``message`` once at most, trying again only a call that certainly did not reach
    SES or SNS (``_tries``): ``(SENT, None)``, or ``NOT_SENT`` or ``UNKNOWN`` with the last
    error. Each failed try is logged as ``{event}.send_failed``."""
    send = messenger.text if channel == SMS else messenger.email
    _answer, verdict, error = _tries(
        lambda: send(address, message),
        event=f"{event}.send_failed",
        participant_id=participant_id,
        sleep=sleep,
        repeat_unknown=False,
    )
    if verdict is None:
        return SENT, None
    return (UNKNOWN if verdict == UNKNOWN else NOT_SENT), error


def deliver(
    messenger: Messenger,
    channel: str,
    address: str,
    message: Message,
    *,
    event: str,
    participant_id: str,
    sleep: Callable[[float], None],
    check_opt_out: bool = False,
) -> str:
    """Send ``message`` once at most: ``SENT``, ``OPTED_OUT`` (``check_opt_out``: a text to a
    number that replied STOP), ``NOT_SENT`` (also when whether it replied STOP cannot be told)
    or ``UNKNOWN``; the tries as ``opted_out_after_tries`` and ``send_tries`` make them. The
    caller keeps its claim on ``UNKNOWN``."""
    if check_opt_out and channel == SMS:
        opted_out = opted_out_after_tries(
            messenger, address, event=event, participant_id=participant_id, sleep=sleep
        )
        if opted_out is None:
            return NOT_SENT
        if opted_out:
            return OPTED_OUT
    outcome, _error = send_tries(
        messenger,
        channel,
        address,
        message,
        event=event,
        participant_id=participant_id,
        sleep=sleep,
    )
    return outcome


# -- the use cases ----------------------------------------------------------------------------------


class ReminderService:
    def __init__(
        self,
        records: ReminderRecords,
        clock: Clock,
        messenger: Messenger,
        key: str,
        program: str,
        default_timezone: str,
        groups_of: Callable[[str], list[str]],
        access: AccessCheck | None = None,
        sleep: Callable[[float], None] = time_module.sleep,
    ) -> None:
        self.records = records
        # The pause between tries of a confirmation code's send (tests pass one that returns).
        self.sleep = sleep
        # The stop link's page says what still comes before the account closes.
        self._access = access
        self.clock = clock
        self.messenger = messenger
        self._key = key
        self.program = program
        self._default_timezone = default_timezone
        self._groups_of = groups_of

    # reading

    def view(self, caller: Caller) -> ReminderChoice:
        item, sent = self.records.get(caller.id)
        return self._view(item, sent)

    def _view(self, item: dict[str, Any] | None, sent: dict[str, Any]) -> ReminderChoice:
        choice = self._with_defaults(item or {})
        pending = choice.get("pending")
        pending_view = None
        if pending and pending.get("expires_at", "") > self.clock.iso():
            pending_view = {
                "kind": pending["kind"],
                "address": mask(pending["kind"], pending["address"]),
                "expires_at": pending["expires_at"],
            }
        quiet = (choice["quiet_start"], choice["quiet_end"]) if choice.get("quiet_start") else None
        return ReminderChoice(
            enabled=bool(choice["enabled"]),
            channel=choice["channel"],
            time=choice["time"],
            days=tuple(choice["days"]),
            trigger=choice["trigger"],
            quiet_hours=quiet,
            timezone=choice["timezone"],
            locale=choice["locale"],
            email=mask_email(choice["email"]) if choice.get("email") else None,
            phone=mask_phone(choice["phone"]) if choice.get("phone") else None,
            pending=pending_view,
            last_sent_at=sent.get("last_sent_at"),
            stopped_from_message_at=choice.get(STOPPED_FROM_MESSAGE) or None,
            locale_chosen="locale" in (item or {}),
            plan_every=choice.get("plan_every") or None,
            plan_day=choice.get("plan_day") or "mon",
            plan_last_sent_at=sent.get("plan_last_sent_at"),
        )

    def language_of(self, caller: Caller) -> str | None:
        """The language a participant chose for their pages on any device (``None``: never, or
        not a participant: a leader's pages are English), for their browser at sign-in: one
        projected GetItem, none for anyone else."""
        if not keeps_language(caller):
            return None
        chosen = self.records.page_locale(caller.id)
        return chosen if chosen in LOCALES else None

    def keep_language(self, caller: Caller, locale: str) -> bool:
        """Keep ``locale`` as the language of a participant's pages, with their account, so
        the next sign-in on another device is in it (one UpdateItem); nothing for anyone else,
        or for a language the service does not have. Returns whether it was kept."""
        if not keeps_language(caller) or locale not in LOCALES:
            return False
        self.records.keep_page_locale(caller.id, locale)
        return True

    def zone_of(self, caller: Caller) -> tzinfo:
        """The time zone a participant's pages show clock times in: the one they chose on
        Account (one projected GetItem), else the program's. Anyone else: the program's, with
        no read. Only what is shown: due dates and "today" stay the program's calendar."""
        if PARTICIPANTS not in caller.roles:
            return zone_named(self._default_timezone)
        return zone_named(self.records.timezone(caller.id) or self._default_timezone)

    # changing the choice

    def update(self, caller: Caller, changes: dict[str, Any]) -> ReminderChoice:
        """Apply ``changes`` (any of enabled, channel, time, days, trigger, quiet_hours, timezone,
        locale, plan_every, plan_day) and rewrite the slot index. Raises ``BadRequest`` for a value that does not fit,
        ``Conflict`` for turning on a channel without a confirmed address."""
        return self._change(
            caller.id,
            lambda item: _apply(_without(item, STOPPED_FROM_MESSAGE), changes),
            refresh_groups=True,
            locale_chosen="locale" in changes,
        )

    def stop_link(self, token: Any) -> StopLink | None:
        """The reminder choice a stop link is for, read only (opening the link changes
        nothing: mail scanners and link previews open every link), with what still comes
        before the account closes; ``expired`` (and nothing more read) when the link no longer
        works (``stop_link_works``); ``None`` when the link is not signed by us."""
        opened = verify_stop_token(self._key, token)
        if opened is None:
            return None
        item, sent = self.records.get(opened.participant_id)
        if not self._works(opened, item):
            return StopLink(self._view(item, sent), expired=True)
        return StopLink(self._view(item, sent), self._closing(opened.participant_id))

    def _works(self, opened: StopToken, item: dict[str, Any] | None) -> bool:
        contact = item or {}
        return stop_link_works(
            opened,
            self.clock.now().astimezone(UTC).date(),
            (contact.get("email"), contact.get("phone")),
            self._key,
        )

    def _closing(self, participant_id: str) -> Closing | None:
        return self._access.closing(participant_id) if self._access is not None else None

    def stop(self, token: Any) -> StopLink | None:
        """Turn reminders off from a stop link (no sign-in: the signed link is the authority),
        posted by its page's button or by a mail client's one-click stop (RFC 8058), noting
        when, for the Account page, if they were on. Returns the choice (with what still comes
        before the account closes), or ``None`` when the link is not signed by us."""
        opened = verify_stop_token(self._key, token)
        if opened is None:
            return None
        participant_id = opened.participant_id
        now = self.clock.iso()

        def off(item: dict[str, Any]) -> dict[str, Any]:
            if not self._works(opened, item):
                raise _LinkExpired(item)  # nothing is written
            if not is_on(item):
                return item  # already off: nothing to note (the participant may have done it)
            # Every reminder stops: the link is in reading and plan reminders alike.
            return {**item, "enabled": False, "plan_every": None, STOPPED_FROM_MESSAGE: now}

        try:
            choice = self._change(participant_id, off, refresh_groups=False)
        except _LinkExpired as expired:
            logs.event("reminders.stop_link_expired", participant_id=participant_id)
            return StopLink(self._view(expired.item, {}), expired=True)
        logs.event("reminders.stopped", participant_id=participant_id, via="link")
        return StopLink(choice, self._closing(participant_id))

    def turn_off(self, participant_id: str, reason: str) -> None:
        """Used by the run when a number opted out of texts (a reply of STOP): noted as a stop
        from a message, as a stop link's is, so the Account page says why reminders are off."""
        now = self.clock.iso()

        def off(item: dict[str, Any]) -> dict[str, Any]:
            if not is_on(item):
                return item
            return {**item, "enabled": False, "plan_every": None, STOPPED_FROM_MESSAGE: now}

        self._change(participant_id, off, refresh_groups=False)
        logs.event("reminders.stopped", participant_id=participant_id, via=reason)

    def request_contact_change(
        self, caller: Caller, email: Any = None, phone: Any = None, locale: str | None = None
    ) -> ReminderChoice:
        """Send a confirmation code to a new email or phone number; nothing changes until it is
        confirmed. The code goes out in ``locale``, the language of the page that asked for it
        (a Spanish page's reader expects a Spanish text), else in the reminders' language."""
        if (email is None) == (phone is None):
            raise BadRequest("Send either email or phone.", code="invalid_contact")
        kind, address = (
            (EMAIL, check_email(email)) if email is not None else (SMS, check_phone(phone))
        )
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self.clock.now()
        hour = now.strftime("%Y-%m-%dT%H")

        hashed = self._code_hash(caller.id, kind, address, code)
        recent: dict[str, bool] = {}

        def with_pending(item: dict[str, Any]) -> dict[str, Any]:
            pending = item.get("pending") or {}
            if (pending.get("kind"), pending.get("address")) == (kind, address):
                # When the code waiting was sent: its expiry less its lifetime.
                sent_at = pending.get("expires_at", "") and _iso(
                    datetime.fromisoformat(pending["expires_at"]) - timedelta(minutes=CODE_MINUTES)
                )
                if sent_at and _iso(now - timedelta(seconds=CODE_RESEND_SECONDS)) < sent_at:
                    recent["held"] = True
                    return item
            recent.clear()  # (a retry of the write reads the item again)
            sent = item.get("codes_sent") or {}
            count = int(sent.get("count", 0)) if sent.get("hour") == hour else 0
            if count >= CODES_PER_HOUR:
                raise Conflict(
                    "Too many codes were sent this hour. Try again later.", code="too_many_codes"
                )
            return {
                **item,
                "codes_sent": {"hour": hour, "count": count + 1},
                "pending": {
                    "kind": kind,
                    "address": address,
                    "code": hashed,
                    "attempts": 0,
                    "expires_at": _iso(now + timedelta(minutes=CODE_MINUTES)),
                },
            }

        choice = self._change(caller.id, with_pending, refresh_groups=False)
        if recent.get("held"):
            logs.event("reminders.code_held", participant_id=caller.id, kind=kind)
            return replace(choice, code_sent_recently=True)
        message = code_message(locale if locale in LOCALES else choice.locale, self.program, code)
        # Tried again when it certainly did not go (throttled, unreachable): a second copy of
        # a code does no harm, unlike a reminder's.
        outcome, error = send_tries(
            self.messenger,
            kind,
            address,
            message,
            event="reminders.code",
            participant_id=caller.id,
            sleep=self.sleep,
        )
        if outcome != SENT:
            logs.event(
                "reminders.code_failed",
                participant_id=caller.id,
                kind=kind,
                error=type(error).__name__,
                outcome=outcome,
            )
            self._take_back_code(caller.id, hashed, hour, certainly_not_sent=outcome == NOT_SENT)
            if error is not None and _refused_address(error):
                # The service refuses this address itself: asking again would not help.
                if kind == EMAIL:
                    raise BadRequest(
                        "That does not look like an email address.", code="invalid_email"
                    ) from None
                raise BadRequest(
                    "That phone number cannot get text messages.", code="invalid_phone"
                ) from None
            raise ServiceUnavailable(
                "The code could not be sent right now. Try again shortly."
            ) from None
        logs.event("reminders.code_sent", participant_id=caller.id, kind=kind)
        return choice

    def _take_back_code(
        self, participant_id: str, hashed: str, hour: str, certainly_not_sent: bool
    ) -> None:
        """A code whose send failed is no longer waiting, so the participant's next request
        sends one instead of being told one was sent (``code_sent_recently``); one certainly
        not sent no longer counts in the hour's ``CODES_PER_HOUR`` either (one that may have
        gone, after a timeout, still does). Saved as every change is, on the version read: a
        code asked for since (another hash) is left as it is."""

        def take_back(item: dict[str, Any]) -> dict[str, Any]:
            if (item.get("pending") or {}).get("code") != hashed:
                return item
            updated = {k: v for k, v in item.items() if k != "pending"}
            sent = item.get("codes_sent") or {}
            if certainly_not_sent and sent.get("hour") == hour and int(sent.get("count", 0)) > 0:
                updated["codes_sent"] = {"hour": hour, "count": int(sent["count"]) - 1}
            return updated

        try:
            self._change(participant_id, take_back, refresh_groups=False)
        except SteadyError:
            # Still saved (concurrent saves, or DynamoDB failing): a retry within
            # CODE_RESEND_SECONDS is told a code was sent; after it, one is.
            logs.event("reminders.code_not_taken_back", participant_id=participant_id)

    def confirm_contact(self, caller: Caller, code: Any) -> ReminderChoice:
        """Confirm the pending address with its code; it replaces the old one."""
        # "846 078" and "846-078" are the code the person was sent (text.code_digits).
        given = code_digits(code)
        if given is None:
            raise BadRequest("The code is the 6 digits we sent.", code="invalid_contact_code")
        now = self.clock.iso()
        outcome: dict[str, str] = {}

        def confirm(item: dict[str, Any]) -> dict[str, Any]:
            pending = item.get("pending")
            if not pending or pending.get("expires_at", "") <= now:
                raise Conflict(
                    "There is no code waiting, or it has expired. Ask for a new one.",
                    code="no_pending_code",
                )
            expected = self._code_hash(caller.id, pending["kind"], pending["address"], given)
            if not hmac.compare_digest(expected, pending["code"]):
                attempts = int(pending.get("attempts", 0)) + 1
                outcome["result"] = "wrong" if attempts < CODE_ATTEMPTS else "locked"
                if attempts >= CODE_ATTEMPTS:
                    return {k: v for k, v in item.items() if k != "pending"}
                return {**item, "pending": {**pending, "attempts": attempts}}
            outcome["result"] = "confirmed"
            kind = "email" if pending["kind"] == EMAIL else "phone"
            rest = {k: v for k, v in item.items() if k != "pending"}
            return {**rest, kind: pending["address"]}

        choice = self._change(caller.id, confirm, refresh_groups=False)
        if outcome.get("result") == "wrong":
            raise BadRequest(
                "That code is not right. Check the latest message and try again.",
                code="wrong_contact_code",
            )
        if outcome.get("result") == "locked":
            raise Conflict("Too many wrong codes. Ask for a new one.", code="too_many_attempts")
        logs.event("reminders.contact_confirmed", participant_id=caller.id)
        return choice

    def delete_contact(self, caller: Caller) -> ReminderChoice:
        """Forget the participant's email and phone number (and any code waiting): reminders
        turn off, their time slots are removed. The other choices stay for next time."""
        forgotten = ("email", "phone", "pending")

        def forget(item: dict[str, Any]) -> dict[str, Any]:
            kept = {k: v for k, v in item.items() if k not in forgotten}
            return {**kept, "enabled": False, "plan_every": None}

        choice = self._change(caller.id, forget, refresh_groups=False)
        logs.event("reminders.contact_deleted", participant_id=caller.id)
        return choice

    # plumbing

    def _with_defaults(self, item: dict[str, Any]) -> dict[str, Any]:
        """The stored choice, with the defaults for what it does not say: the program's time
        zone, and messages in the language of the participant's pages until they choose the
        messages' own (a Spanish reader's first reminder, or code, is in Spanish)."""
        locale = item.get(PAGE_LOCALE) if item.get(PAGE_LOCALE) in LOCALES else "en"
        return {**DEFAULTS, "timezone": self._default_timezone, "locale": locale, **item}

    def _code_hash(self, participant_id: str, kind: str, address: str, code: str) -> str:
        message = f"code:{participant_id}:{kind}:{address}:{code}".encode()
        return hmac.new(self._key.encode(), message, hashlib.sha256).hexdigest()

    def _change(
        self,
        participant_id: str,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        refresh_groups: bool,
        locale_chosen: bool = False,
    ) -> ReminderChoice:
        """Read, ``change`` and save the choice (re-reading on a concurrent save). The messages'
        language is stored only once chosen (``locale_chosen``, or stored before): a change of
        anything else (a confirmed phone number, reminders turned on through the API) leaves
        it following the pages' language, as it was, rather than freezing today's default."""
        for _attempt in range(4):
            item, sent = self.records.get(participant_id)
            read_version = int(item["version"]) if item and "version" in item else None
            current = {k: v for k, v in (item or {}).items() if k not in ("PK", "SK", "version")}
            base = self._with_defaults(current)
            updated = change(base)
            if not locale_chosen and "locale" not in current:
                updated.pop("locale", None)
            _check_ready(updated)
            old_slots = set(current.get("slots") or [])
            new_slots = (
                utc_slots(updated["time"], updated["timezone"], self.clock.now().date())
                if is_on(updated)
                else set()
            )
            updated["slots"] = sorted(new_slots)
            updated["updated_at"] = self.clock.iso()
            groups = (
                self._groups_of(participant_id) if refresh_groups and updated["enabled"] else None
            )
            if self.records.save(
                participant_id,
                updated,
                read_version,
                new_slots,
                old_slots - new_slots,
                groups,
                self.clock.now().date().isoformat() if groups is not None else None,
            ):
                return self._view(updated, sent)
        raise Conflict(
            "Your reminder settings changed at the same time. Try again.", code="concurrent_change"
        )


class _LinkExpired(Exception):
    """A stop link that no longer works, found while changing the choice: nothing is saved."""

    def __init__(self, item: dict[str, Any]) -> None:
        super().__init__("stop link expired")
        self.item = item


def _apply(item: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    updated = dict(item)
    if "enabled" in changes:
        if not isinstance(changes["enabled"], bool):
            raise BadRequest("enabled is true or false.", code="invalid_field")
        updated["enabled"] = changes["enabled"]
    if "channel" in changes:
        if changes["channel"] not in CHANNELS:
            raise BadRequest("channel is email or sms.", code="invalid_channel")
        updated["channel"] = changes["channel"]
    if "time" in changes:
        updated["time"] = check_time(changes["time"], "time", quarter=True)
    if "days" in changes:
        updated["days"] = check_days(changes["days"])
    if "trigger" in changes:
        if changes["trigger"] not in TRIGGERS:
            raise BadRequest("trigger is day_before or daily.", code="invalid_trigger")
        updated["trigger"] = changes["trigger"]
    if "quiet_hours" in changes:
        quiet = changes["quiet_hours"]
        if quiet is None:
            updated["quiet_start"] = updated["quiet_end"] = None
        else:
            if not isinstance(quiet, dict) or set(quiet) != {"start", "end"}:
                raise BadRequest(
                    'quiet_hours is {"start": "HH:MM", "end": "HH:MM"} or null.',
                    code="invalid_quiet_hours",
                )
            start, end = (
                check_time(quiet["start"], "quiet_hours.start"),
                check_time(quiet["end"], "quiet_hours.end"),
            )
            if start == end:
                raise BadRequest(
                    "Quiet hours need a start and an end that differ.", code="invalid_quiet_hours"
                )
            updated["quiet_start"], updated["quiet_end"] = start, end
    if "plan_every" in changes:
        if changes["plan_every"] not in (None, *PLAN_EVERY):
            raise BadRequest("plan_every is weekly, monthly or null (off).", code="invalid_plan")
        updated["plan_every"] = changes["plan_every"]
    if "plan_day" in changes:
        if changes["plan_day"] not in DAYS:
            raise BadRequest(f"plan_day is one of: {', '.join(DAYS)}.", code="invalid_plan_day")
        updated["plan_day"] = changes["plan_day"]
    if "timezone" in changes:
        updated["timezone"] = check_timezone(changes["timezone"])
    if "locale" in changes:
        if changes["locale"] not in LOCALES:
            raise BadRequest(
                f"locale is the language of the messages: one of {', '.join(LOCALES)}.",
                code="invalid_locale",
            )
        updated["locale"] = changes["locale"]
    return updated


def keeps_language(caller: Caller) -> bool:
    """A participant's language is kept with their account; a group leader's or an
    administrator's is not (their pages are English)."""
    return PARTICIPANTS in caller.roles and not caller.has_any((LEADERS, ADMINS))


def _without(item: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != name}


def _refused_address(error: Exception) -> bool:
    """SES or SNS refused the address itself (not a passing failure)."""
    return error_code(error) in ("MessageRejected", "InvalidParameterValue", "InvalidParameter")


def is_on(choice: dict[str, Any]) -> bool:
    """Reading reminders or the plan reminder are on: the choice's time needs its slots."""
    return bool(choice.get("enabled") or choice.get("plan_every"))


def _check_ready(choice: dict[str, Any]) -> None:
    if not is_on(choice):
        return
    address = choice.get("email") if choice["channel"] == EMAIL else choice.get("phone")
    if not address:
        what = "an email address" if choice["channel"] == EMAIL else "a phone number"
        raise Conflict(
            f"Add and confirm {what} before turning these reminders on.",
            code="contact_not_confirmed",
        )
    if in_quiet_hours(
        time.fromisoformat(choice["time"]), choice.get("quiet_start"), choice.get("quiet_end")
    ):
        raise BadRequest(
            "The reminder time is inside your quiet hours. Pick another time or change them.",
            code="time_in_quiet_hours",
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
