"""Who has seen your records: alike entries in a row are one line, never across a day of the
program's calendar, a role, a group or a kind of record (the group's list and progress, seen
together while a leader moves between the group's pages, are one line naming both)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from chalicelib.access_log import AccessEntry
from chalicelib.web.privacy_pages import ROWS_PER_PAGE, rows_on_page, seen_rows
from chalicelib.web.words import WORDS

NEW_YORK = ZoneInfo("America/New_York")


def entry(
    at: str, action: str = "group.read", role: str = "group_leader", group: str = "A", name=None
):
    return AccessEntry(at=at, action=action, role=role, group_id=group, group_name=name or group)


def test_a_run_of_alike_entries_is_one_row_from_the_oldest_to_the_newest() -> None:
    rows = seen_rows(
        [
            entry("2026-11-27T03:40:00Z", "group.progress.read"),
            entry("2026-11-27T03:20:00Z", "group.attention.read"),  # the same: their progress
            entry("2026-11-27T03:10:00Z", "group.progress.read"),
        ],
        NEW_YORK,
    )
    assert [(r.last, r.first, r.times, r.kinds) for r in rows] == [
        ("2026-11-27T03:40:00Z", "2026-11-27T03:10:00Z", 3, ("progress",))
    ]


def test_the_group_page_shows_the_list_not_progress_and_a_run_of_views_names_both() -> None:
    # One view of the group page reads the list (names, joined) and the attention flags.
    rows = seen_rows(
        [
            entry("2026-11-27T03:41:00Z", "group.attention.read"),
            entry("2026-11-27T03:41:00Z", "group.read"),
            entry("2026-11-27T03:40:00Z", "group.attention.read"),
            entry("2026-11-27T03:40:00Z", "group.read"),
            entry("2026-11-27T03:30:00Z", "group.read"),  # a confirmation page: the list only
        ],
        NEW_YORK,
    )
    assert [(r.kinds, r.times) for r in rows] == [(("list", "progress"), 5)]
    assert seen_rows([entry("2026-11-27T03:30:00Z", "group.read")], NEW_YORK)[0].kinds == ("list",)


def test_a_row_never_spans_two_program_days_roles_groups_or_kinds() -> None:
    rows = seen_rows(
        [
            entry("2026-11-27T05:10:00Z"),  # Fri 00:10 in New York
            entry("2026-11-27T04:50:00Z"),  # Thu 23:50: another day
            entry("2026-11-27T04:40:00Z", role="administrator"),
            entry("2026-11-27T04:30:00Z", role="administrator", group="B"),
            entry("2026-11-27T04:20:00Z", "group.progress.export", "administrator", "B"),
            entry("2026-11-27T04:10:00Z", "assignment.put", "administrator", "B"),
        ],
        NEW_YORK,
    )
    assert [r.times for r in rows] == [1, 1, 1, 1, 1, 1]
    assert [r.kinds for r in rows][-2:] == [("download",), ("reading",)]


def test_alike_entries_apart_are_apart() -> None:
    rows = seen_rows(
        [
            entry("2026-11-27T03:40:00Z"),
            entry("2026-11-27T03:30:00Z", "worksheets.before_session"),
            entry("2026-11-27T03:20:00Z"),
        ],
        NEW_YORK,
    )
    assert [(r.kinds, r.times) for r in rows] == [
        (("list",), 1),
        (("worksheets",), 1),
        (("list",), 1),
    ]


def test_a_download_or_a_read_of_shared_answers_never_folds_into_looks() -> None:
    rows = seen_rows(
        [
            entry("2026-11-27T03:40:00Z"),
            entry("2026-11-27T03:39:00Z", "group.progress.export"),
            entry("2026-11-27T03:38:00Z", "worksheets.before_session"),
            entry("2026-11-27T03:37:00Z", "worksheets.before_session"),
            entry("2026-11-27T03:36:00Z", "group.progress.read"),
        ],
        NEW_YORK,
    )
    assert [(r.kinds, r.times) for r in rows] == [
        (("list",), 1),
        (("download",), 1),
        (("worksheets",), 2),
        (("progress",), 1),
    ]


def test_two_groups_of_the_same_name_are_two_rows() -> None:
    rows = seen_rows(
        [
            entry("2026-11-27T03:40:00Z", group="g1", name="Tuesday evening"),
            entry("2026-11-27T03:30:00Z", group="g2", name="Tuesday evening"),
        ],
        NEW_YORK,
    )
    assert [(r.group_id, r.times) for r in rows] == [("g1", 1), ("g2", 1)]


def test_a_new_temporary_password_says_so() -> None:
    rows = seen_rows([entry("2026-11-27T03:40:00Z", "account.temporary_password")], NEW_YORK)
    assert rows[0].kinds == ("password",)


def test_a_page_shows_a_screenful_of_rows_and_leaves_a_run_that_may_go_on_for_the_next() -> None:
    many = [entry(f"2026-11-27T03:{m:02d}:00Z", group=f"g{m}") for m in range(30)]
    rows = seen_rows(many, NEW_YORK)
    assert len(rows_on_page(rows, more=False)) == ROWS_PER_PAGE
    few = rows[:3]
    assert rows_on_page(few, more=False) == few
    assert rows_on_page(few, more=True) == few[:2]  # the last may go on among older entries
    assert rows_on_page(few[:1], more=True) == few[:1]  # but a page is never empty


# Every action whose audit entry is copied to a participant ("who has seen my records"):
# grep chalicelib for new_entry( and audit_read( with participant_ids.
CONCERNING_A_PARTICIPANT = (
    "group.read",
    "group.overview.read",
    "group.progress.read",
    "group.progress.export",
    "group.attention.read",
    "group.former.read",
    "group.attention.seen",
    "digest.sent",
    "worksheets.before_session",
    "worksheets.before_session.marks",
    "worksheets.export",
    "worksheets.delete",
    "data.export",
    "data.delete",
    "plan.delete",
    "account.temporary_password",
    "account.disable",
    "account.enable",
    "enrolment.add",
    "enrolment.remove",
    "sharing.history.allow",
    "sharing.history.revoke",
    "assignment.put",
    "assignment.delete",
    "enrolment.rename",
)


def test_every_entry_about_a_participant_says_what_happened_in_both_languages() -> None:
    for action in CONCERNING_A_PARTICIPANT:
        (row,) = seen_rows([entry("2026-11-27T03:40:00Z", action)], NEW_YORK)
        assert row.kinds != ("records",), action
        for lang in ("en", "es"):
            assert WORDS[lang]["privacy_what_" + "_".join(row.kinds)], (action, lang)
