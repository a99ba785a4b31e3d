"""The "needs attention" rule (chalicelib.attention), on plain values: each reason, its
threshold, the visibility rule, and marks as seen that hold until the situation changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.assignments import AssignedModule
from chalicelib.attention import (
    CHECK_MISSED,
    NO_ACTIVITY,
    OVERDUE_MODULES,
    WORKSHEET_HALF_DONE,
    Facts,
    GroupAttention,
    group_attention,
)
from chalicelib.records.completions import CheckResult, CompletedVersions
from chalicelib.records.groups import EnrolledParticipant, Group, Seen
from chalicelib.records.worksheets import Answer, Worksheet

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
P = "p1"


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def days_ago(n: float) -> str:
    return iso(NOW - timedelta(days=n))


def module(module_id: str, due: str | None = None, version: int = 1) -> AssignedModule:
    return AssignedModule(
        module_id, module_id.title(), version, version, due, None, ("a-" + module_id,), None
    )


def group(
    joined: str = "",
    shares: bool = False,
    inactive_days: int | None = None,
    seen: tuple[Seen, ...] = (),
) -> Group:
    member = EnrolledParticipant(P, "Sam", joined or days_ago(30), shares)
    return Group(
        "g" * 32, "Group", False, days_ago(40), ("leader",), (member,), (), inactive_days, seen
    )


def sheet(module_id: str, fields: list[str], saved: str) -> Worksheet:
    answers = {f: Answer(f, "text", 1, "en", saved, "short-text", f, None, None) for f in fields}
    return Worksheet(P, module_id, answers, False, saved)


def run(
    g: Group,
    modules: list[AssignedModule],
    completed: CompletedVersions | None = None,
    sheets: dict[tuple[str, str], Worksheet] | None = None,
    fields: dict[tuple[str, int], tuple[str, ...]] | None = None,
) -> GroupAttention:
    facts = Facts({P: completed or CompletedVersions(P, {})}, sheets or {}, fields or {})
    return group_attention(g, modules, facts, NOW, TODAY, UTC)


def codes(result: GroupAttention) -> set[str]:
    row = result.of(P)
    assert row is not None
    return {r.code for r in row.open}


def test_no_activity_counts_from_joining_or_the_last_completion():
    modules = [module("a"), module("b")]
    assert NO_ACTIVITY in codes(run(group(joined=days_ago(5)), modules))
    assert NO_ACTIVITY not in codes(run(group(joined=days_ago(4.9)), modules))
    recent = CompletedVersions(P, {"a": {1: days_ago(2)}})
    assert NO_ACTIVITY not in codes(run(group(), modules, recent))
    old = CompletedVersions(P, {"a": {1: days_ago(6)}})
    result = run(group(), modules, old)
    assert NO_ACTIVITY in codes(result)
    row = result.of(P)
    assert row is not None and row.reasons[0].days == 6


def test_no_activity_uses_the_groups_own_number_of_days():
    modules = [module("a")]
    assert NO_ACTIVITY not in codes(run(group(joined=days_ago(8), inactive_days=10), modules))
    assert NO_ACTIVITY in codes(run(group(joined=days_ago(8), inactive_days=7), modules))


def test_no_activity_needs_something_left_to_do():
    done = CompletedVersions(P, {"a": {1: days_ago(20)}})
    assert codes(run(group(), [module("a")], done)) == set()
    assert codes(run(group(), [], None)) == set()


def test_a_worksheet_saved_recently_is_activity():
    modules = [module("a")]
    saved = {(P, "a"): sheet("a", ["x", "y"], days_ago(1))}
    assert NO_ACTIVITY not in codes(
        run(group(), modules, sheets=saved, fields={("a", 1): ("x", "y")})
    )


def test_two_overdue_not_one():
    yesterday = "2026-11-24"
    assert OVERDUE_MODULES not in codes(run(group(), [module("a", yesterday), module("b")]))
    result = run(
        group(), [module("a", yesterday), module("b", "2026-11-01"), module("c", "2026-12-01")]
    )
    assert OVERDUE_MODULES in codes(result)
    row = result.of(P)
    assert row is not None
    assert next(r for r in row.reasons if r.code == OVERDUE_MODULES).module_ids == ("a", "b")


def test_a_completion_from_before_joining_does_not_count_unless_shared():
    """The visibility rule: done before joining, it is not visible, so it stays overdue (due
    after they joined: a date that passed before does not apply to them)."""
    before = CompletedVersions(P, {"a": {1: days_ago(10)}, "b": {1: days_ago(10)}})
    modules = [module("a", "2026-11-23"), module("b", "2026-11-23")]
    assert OVERDUE_MODULES in codes(run(group(joined=days_ago(3)), modules, before))
    assert OVERDUE_MODULES not in codes(
        run(group(joined=days_ago(3), shares=True), modules, before)
    )


def check(correct: int, total: int = 3, at: str = "", attempt: int = 1) -> CheckResult:
    return CheckResult(at or days_ago(1), correct, total, attempt)


def test_the_knowledge_check_missed_twice_on_the_same_module():
    versions = {"a": {1: days_ago(3), 2: days_ago(1)}}
    twice = CompletedVersions(P, versions, {"a": {1: (check(1),), 2: (check(0),)}})
    assert CHECK_MISSED in codes(run(group(), [module("a", version=2)], twice))
    once = CompletedVersions(P, versions, {"a": {1: (check(1),), 2: (check(2),)}})  # 2 of 3 passes
    assert CHECK_MISSED not in codes(run(group(), [module("a", version=2)], once))
    spread = CompletedVersions(
        P,
        {"a": {1: days_ago(3)}, "b": {1: days_ago(1)}},
        {"a": {1: (check(0),)}, "b": {1: (check(0),)}},
    )
    assert CHECK_MISSED not in codes(run(group(), [module("a"), module("b")], spread))


def test_a_first_try_pass_on_a_later_version_after_two_misses_clears_it():
    versions = {"a": {1: days_ago(5), 2: days_ago(3), 3: days_ago(1)}}
    passed = CompletedVersions(P, versions, {"a": {1: (check(0),), 2: (check(1),), 3: (check(3),)}})
    assert CHECK_MISSED not in codes(run(group(), [module("a", version=3)], passed))


def test_misses_before_joining_are_not_shown():
    versions = {"a": {1: days_ago(9), 2: days_ago(8)}}
    checks = {"a": {1: (check(0, at=days_ago(9)),), 2: (check(0, at=days_ago(8)),)}}
    missed = CompletedVersions(P, versions, checks)
    assert CHECK_MISSED not in codes(
        run(group(joined=days_ago(7)), [module("a", version=2)], missed)
    )
    assert CHECK_MISSED in codes(
        run(group(joined=days_ago(7), shares=True), [module("a", version=2)], missed)
    )


def test_a_worksheet_left_half_done():
    fields = {("a", 1): ("x", "y", "z")}
    half = {(P, "a"): sheet("a", ["x"], days_ago(3))}
    assert WORKSHEET_HALF_DONE in codes(run(group(), [module("a")], sheets=half, fields=fields))
    fresh = {(P, "a"): sheet("a", ["x"], days_ago(1))}  # may still be writing
    assert WORKSHEET_HALF_DONE not in codes(
        run(group(), [module("a")], sheets=fresh, fields=fields)
    )
    full = {(P, "a"): sheet("a", ["x", "y", "z"], days_ago(3))}
    assert WORKSHEET_HALF_DONE not in codes(run(group(), [module("a")], sheets=full, fields=fields))
    before_joining = {(P, "a"): sheet("a", ["x"], days_ago(9))}
    assert WORKSHEET_HALF_DONE not in codes(
        run(group(joined=days_ago(7)), [module("a")], sheets=before_joining, fields=fields)
    )


def test_a_worksheet_left_half_done_in_an_earlier_time_in_the_group():
    """Enrolled again: a worksheet half done in their earlier time in the group is seen as
    the grid sees it (``worksheet_mark`` with their earlier times); one written while they
    were out of the group is not."""
    fields = {("a", 1): ("x", "y", "z")}
    g = group(joined=days_ago(7))
    again = replace(g.participants[0], earlier=((days_ago(20), days_ago(10)),))
    g = replace(g, participants=(again,))
    then = {(P, "a"): sheet("a", ["x"], days_ago(12))}
    assert WORKSHEET_HALF_DONE in codes(run(g, [module("a")], sheets=then, fields=fields))
    away = {(P, "a"): sheet("a", ["x"], days_ago(9))}
    assert WORKSHEET_HALF_DONE not in codes(run(g, [module("a")], sheets=away, fields=fields))


def test_marked_as_seen_holds_until_the_situation_changes():
    modules = [module("a", "2026-11-01"), module("b", "2026-11-02"), module("c", "2026-12-30")]
    first = run(group(), modules)
    row = first.of(P)
    assert row is not None
    overdue = next(r for r in row.reasons if r.code == OVERDUE_MODULES)
    mark = Seen(P, OVERDUE_MODULES, overdue.fingerprint, "leader", days_ago(0))
    quiet = run(group(seen=(mark,)), modules)
    quiet_row = quiet.of(P)
    assert quiet_row is not None
    assert OVERDUE_MODULES not in {r.code for r in quiet_row.open}
    assert any(r.code == OVERDUE_MODULES and r.seen for r in quiet_row.reasons)
    # A third module becomes overdue: the situation changed, the reason is back.
    changed = [module("a", "2026-11-01"), module("b", "2026-11-02"), module("c", "2026-11-20")]
    assert OVERDUE_MODULES in codes(run(group(seen=(mark,)), changed))
    # Another participant's mark, or another reason's, silences nothing.
    other = Seen("p2", OVERDUE_MODULES, overdue.fingerprint, "leader", days_ago(0))
    assert OVERDUE_MODULES in codes(run(group(seen=(other,)), modules))


def test_fingerprints_hold_no_module_ids():
    result = run(group(), [module("secret-topic", "2026-11-01"), module("b", "2026-11-02")])
    row = result.of(P)
    assert row is not None
    assert all("secret" not in r.fingerprint for r in row.reasons)
    assert all(len(r.fingerprint) == 20 for r in row.reasons)


def retakes(*results: tuple[int, float]) -> CompletedVersions:
    """Version 1 of "a" completed 9 days ago, then each (right answers, days ago) an attempt."""
    attempts = tuple(
        check(correct, at=days_ago(ago), attempt=n) for n, (correct, ago) in enumerate(results, 1)
    )
    return CompletedVersions(P, {"a": {1: days_ago(9)}}, {"a": {1: attempts}})


def missed_reason(result: GroupAttention) -> str | None:
    row = result.of(P)
    assert row is not None
    return next((r.fingerprint for r in row.open if r.code == CHECK_MISSED), None)


def test_retakes_of_one_version_count_and_a_retakes_pass_does_not_clear_it():
    """A retake comes after the feedback that names the right answers (walk 15, problem 10): its
    pass leaves "missed twice" as it was, the same fingerprint (a leader's "seen" holds)."""
    modules = [module("a")]
    assert missed_reason(run(group(), modules, retakes((0, 9)))) is None
    twice = missed_reason(run(group(), modules, retakes((0, 9), (1, 8))))
    assert twice is not None
    assert missed_reason(run(group(), modules, retakes((0, 9), (1, 8), (3, 7)))) == twice
    seen_twice = Seen(P, CHECK_MISSED, twice, "leader", days_ago(7))
    after_pass = run(group(seen=(seen_twice,)), modules, retakes((0, 9), (1, 8), (3, 7)))
    assert missed_reason(after_pass) is None
    # Missed again after the pass: another fingerprint (three misses now).
    thrice = missed_reason(run(group(), modules, retakes((0, 9), (1, 8), (3, 7), (0, 6))))
    assert thrice is not None and thrice != twice
    # Marked as seen, then a fourth miss: back again.
    seen = Seen(P, CHECK_MISSED, thrice, "leader", days_ago(5))
    quiet = run(group(seen=(seen,)), modules, retakes((0, 9), (1, 8), (3, 7), (0, 6)))
    assert missed_reason(quiet) is None
    later = retakes((0, 9), (1, 8), (3, 7), (0, 6), (1, 5))
    assert missed_reason(run(group(seen=(seen,)), modules, later)) not in (None, thrice)


def test_only_attempts_made_since_joining_count_unless_shared():
    modules = [module("a")]
    history = retakes((0, 9), (0, 8), (0, 2))
    assert missed_reason(run(group(joined=days_ago(7)), modules, history)) is None
    assert missed_reason(run(group(joined=days_ago(7), shares=True), modules, history))
    more = retakes((0, 9), (0, 8), (0, 2), (1, 1))
    assert missed_reason(run(group(joined=days_ago(7)), modules, more))


def test_a_retake_is_activity():
    modules = [module("a"), module("b")]
    assert NO_ACTIVITY in codes(run(group(joined=days_ago(20)), modules, retakes((0, 9))))
    assert NO_ACTIVITY not in codes(
        run(group(joined=days_ago(20)), modules, retakes((0, 9), (3, 1)))
    )


def test_a_reading_due_before_someone_joined_is_not_overdue_for_them():
    modules = [module("a", "2026-11-20"), module("b", "2026-11-20")]  # two: see above
    assert OVERDUE_MODULES in codes(run(group(joined=days_ago(30)), modules))
    assert OVERDUE_MODULES not in codes(run(group(joined=days_ago(3)), modules))
