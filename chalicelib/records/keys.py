"""Every key string of the records table, built here and nowhere else (the table of keys is
in ``chalicelib.records``)."""

from __future__ import annotations

import hashlib

GROUP_SK = "GROUP"
# A group's assignments (due dates) and member ids in one item, kept in step with them in
# every change's transaction: the reminder run reads many groups with one BatchGetItem.
DUE_SK = "DUE"
COMPLETED_VERSIONS_SK = "COMPLETED_VERSIONS"
AUDIT_PREFIX = "AUDIT#"
ACCESS_PREFIX = "ACCESS#"
SESSION_SK = "SESSION"
# A staff account's username, by account id (``records/sessions.py``: the audit page names actors).
STAFF_SK = "STAFF"
COMPLETION_PREFIX = "COMPLETION#"
ATTEMPT_PREFIX = "ATTEMPT#"
GROUP_PREFIX = "GROUP#"
LEADER_PREFIX = "LEADER#"
PARTICIPANT_PREFIX = "PARTICIPANT#"
ASSIGNMENT_PREFIX = "ASSIGNMENT#"
ACCOUNT_PREFIX = "ACCOUNT#"
NOT_VALID_BEFORE_SK = "NOT_VALID_BEFORE"
SESSION_PREFIX = "SESSION#"
REMINDERS_SK = "REMINDERS"
REMINDER_SENT_SK = "REMINDER_SENT"
REMINDER_PREFIX = "REMINDER"  # both SKs above: one Query reads them together
WORKSHEET_PREFIX = "WORKSHEET#"
# What the worksheets of one participant say to a leader's count (which fields are answered
# and when, shared or not; no answer text), kept in step with them in every save's
# transaction: a group's grid reads one item per participant, not one per worksheet.
SAVED_WORKSHEETS_SK = "SAVED_WORKSHEETS"
# An earlier save of a worksheet, kept when a later save replaced some of its answers. Not
# under ``WORKSHEET#`` (the plan's Query of the worksheets never reads them), but under
# ``WORKSHEET`` with them: the participant's download and deletion read both in one Query.
EARLIER_SAVE_PREFIX = "WORKSHEET_SAVE#"
WORKSHEET_FAMILY_PREFIX = "WORKSHEET"
ATTENTION_SEEN_PREFIX = "ATTENTION_SEEN#"
PLAN_PREFIX = "PLAN#"
KEPT_FORM_PREFIX = "KEPT_FORM#"
KEPT_FORM_SK = "KEPT_FORM"
FORMER_PREFIX = "FORMER#"
# A leader's daily digest claimed for one program day (``records/groups.py``), in their partition.
DIGEST_SENT_PREFIX = "DIGEST_SENT#"


def participant_pk(participant_id: str) -> str:
    """A participant's own partition (completions, completed versions, group pointers)."""
    return f"{PARTICIPANT_PREFIX}{participant_id}"


def participant_id_of(pk: str) -> str:
    return pk.removeprefix(PARTICIPANT_PREFIX)


def leader_pk(leader_id: str) -> str:
    """A group leader's partition (pointers to the groups they lead)."""
    return f"{LEADER_PREFIX}{leader_id}"


def digest_sent_sk(day: str) -> str:
    """A leader's digest of one program day (``YYYY-MM-DD``) claimed before it is sent, in the
    leader's partition (``chalicelib.records.groups``)."""
    return f"{DIGEST_SENT_PREFIX}{day}"


def group_pk(group_id: str) -> str:
    """A group's partition; also the SK of the pointers to it from leaders and participants."""
    return f"{GROUP_PREFIX}{group_id}"


def leader_sk(leader_id: str) -> str:
    """A group leader inside a group's partition."""
    return f"{LEADER_PREFIX}{leader_id}"


def participant_sk(participant_id: str) -> str:
    """An enrolled participant inside a group's partition."""
    return f"{PARTICIPANT_PREFIX}{participant_id}"


def former_sk(participant_id: str) -> str:
    """A participant who left the group (removed by a group leader), inside the group's
    partition: their times in the group, so the group Query that every leader page makes reads
    them too."""
    return f"{FORMER_PREFIX}{participant_id}"


def assignment_sk(assignment_id: str) -> str:
    return f"{ASSIGNMENT_PREFIX}{assignment_id}"


def completion_sk(module_id: str, version: int) -> str:
    """Zero-padded so a Query returns completions in module, then version, order."""
    return f"{COMPLETION_PREFIX}{module_id}#{version:07d}"


def attempt_sk(module_id: str, version: int, attempt: int) -> str:
    """One knowledge-check attempt on a completed version (attempt 2 on: a retake)."""
    return f"{ATTEMPT_PREFIX}{module_id}#{version:07d}#{attempt:04d}"


def worksheet_sk(module_id: str) -> str:
    """A participant's answers to one module's worksheet (every version's fields)."""
    return f"{WORKSHEET_PREFIX}{module_id}"


def earlier_saves_prefix(module_id: str) -> str:
    """Every kept earlier save of one module's worksheet (the ``#`` ends the slug)."""
    return f"{EARLIER_SAVE_PREFIX}{module_id}#"


def earlier_save_sk(module_id: str, slot: int) -> str:
    """One of the slots kept for earlier saves of a worksheet (``slot``: the save's number
    modulo how many are kept, so the oldest is written over)."""
    return f"{earlier_saves_prefix(module_id)}{slot:02d}"


def plan_sk(version: int) -> str:
    """One saved version of a participant's plan; zero-padded so the newest sorts last."""
    return f"{PLAN_PREFIX}{version:07d}"


def audit_pk(day: str) -> str:
    """One audit partition per UTC day (``YYYY-MM-DD``): no single hot partition."""
    return f"{AUDIT_PREFIX}{day}"


def audit_sk(at: str, entry_id: str) -> str:
    return f"{at}#{entry_id}"


def access_sk(at: str, entry_id: str) -> str:
    """An audit entry's copy in a participant's partition ("who has seen my records")."""
    return f"{ACCESS_PREFIX}{at}#{entry_id}"


def session_pk(session_id: str) -> str:
    """The SHA-256 of the cookie's session id, never the id itself."""
    return SESSION_PREFIX + hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def kept_form_pk(kept_id: str) -> str:
    """A form kept across a sign-out: the SHA-256 of the cookie's id, never the id itself."""
    return KEPT_FORM_PREFIX + hashlib.sha256(kept_id.encode("utf-8")).hexdigest()


def account_pk(account_id: str) -> str:
    """An account's partition (the Cognito ``sub``): its not-valid-before time and the
    listing of its web sessions (SK: the session's PK)."""
    return f"{ACCOUNT_PREFIX}{account_id}"


def reminder_slot_pk(slot: str) -> str:
    """The reminder slot index: one partition per UTC quarter hour (``HHMM``)."""
    return f"REMINDER_SLOT#{slot}"


def access_notice_pk(day: str) -> str:
    """The access-ending notice index: one partition per program day (``YYYY-MM-DD``) on which
    notices are due (``chalicelib.records.access``)."""
    return f"ACCESS_NOTICE#{day}"


def reminder_run_pk(utc_date: str) -> str:
    """The reminder runs of one UTC day (counts only)."""
    return f"REMINDER_RUN#{utc_date}"


def attention_seen_sk(participant_id: str, reason: str) -> str:
    """A group leader marked one "needs attention" reason of a participant as seen (in the
    group's partition, so the group Query that every leader page makes reads it too)."""
    return f"{ATTENTION_SEEN_PREFIX}{participant_id}#{reason}"
