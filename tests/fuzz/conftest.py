"""``make fuzz`` runs on two pytest-xdist workers, each with its own ``chalice local`` and moto
server: one process fuzzing one server used one core of two. The count of cases sent is
therefore summed here, after every worker is done, and the run fails if too few were sent
(a schema or a setting that quietly stops generating cases must not pass)."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

MIN_CASES = 2000
CASES: Counter[str] = Counter()  # by role, from every process
STATUSES: Counter[str] = Counter()
GENERATED = [0]
FUZZ_TESTS_RUN = [0]
WORKERS_DONE = [0]
SUMMARY: list[str] = []


def _counts() -> dict[str, Any]:
    from tests.fuzz import test_api_fuzz as fuzz

    return {
        "cases": dict(fuzz.CASES),
        "statuses": {str(k): v for k, v in fuzz.STATUSES.items()},
        "generated": sum(fuzz.SEEN.values()),
    }


def _add(counts: dict[str, Any]) -> None:
    CASES.update(counts["cases"])
    STATUSES.update(counts["statuses"])
    GENERATED[0] += counts["generated"]


# An item's operation and role, from its id: test_...[GET /groups/{group_id}][leader].
_OPERATION_AND_ROLE = re.compile(r"\[([A-Z]+) (/[^\]]*)\]\[(\w+)\]$")


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """A role an operation refuses is sent its first ``REFUSED_CASES`` cases only (the test
    returns at once after that), yet hypothesis went on to generate ``EXAMPLES`` cases for it
    after the coverage phase's explicit ones: 6,600 of the run's 10,600 cases were generated
    only to be dropped, most of the workers' time. For such an item, hypothesis generates at
    most ``REFUSED_CASES`` beyond the explicit examples, which still come first: the cases
    sent are the same. The test function is one per operation, shared by its four roles, so
    its settings are put back after the item."""
    from hypothesis import settings

    from tests.fuzz import test_api_fuzz as fuzz

    test = pyfuncitem.obj
    kept = getattr(test, "_hypothesis_internal_use_settings", None)
    found = _OPERATION_AND_ROLE.search(pyfuncitem.name)
    if kept is None or found is None:
        return (yield)
    method, path, role = found.groups()
    if role in fuzz.ALLOWED.get((method, path), ()):
        return (yield)
    test._hypothesis_internal_use_settings = settings(kept, max_examples=fuzz.REFUSED_CASES)
    try:
        return (yield)
    finally:
        test._hypothesis_internal_use_settings = kept


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Setup: every selected test has one, even one skipped before it sent anything.
    if report.when == "setup" and "fuzz" in report.keywords:
        FUZZ_TESTS_RUN[0] += 1


def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the controller: a worker's counts (xdist hands over its ``workeroutput``)."""
    counts = getattr(node, "workeroutput", {}).get("fuzz_counts")
    if counts:
        WORKERS_DONE[0] += 1
        _add(json.loads(counts))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):  # a worker: hand the counts to the controller
        config.workeroutput["fuzz_counts"] = json.dumps(_counts())  # type: ignore[attr-defined]
        return
    if not FUZZ_TESTS_RUN[0]:
        return  # `make test` collects this folder but runs none of it
    if not WORKERS_DONE[0]:  # no workers: this process sent the cases itself
        _add(_counts())
    total = sum(CASES.values())
    SUMMARY.append(
        f"fuzz cases sent by role: {dict(sorted(CASES.items()))}; total {total}; statuses: "
        f"{dict(sorted(STATUSES.items()))}; generated in all: {GENERATED[0]}"
    )
    if total < MIN_CASES and not config.option.keyword:  # -k: a chosen few, not the run
        SUMMARY.append(f"FAILED: only {total} fuzz cases were sent (want {MIN_CASES})")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line, red=line.startswith("FAILED"), bold=True)
