"""One-off steps an operator runs after deploying a release that needs them (docs/deploy.md,
"Upgrade steps"), with the operator's own AWS credentials and the stack's names in the
environment (``AWS_REGION``, ``STEADY_RECORDS_TABLE``, ``STEADY_USER_POOL_ID``: all three must
be set, so a step never falls back to another stage's table):

    python -m chalicelib.upgrade saved-worksheets

``saved-worksheets`` writes each participant's saved-worksheets item (which worksheet fields
they answered, and when; ``records/worksheets.py``) from their worksheets: needed once for
worksheets saved before that item existed, and again after a rollback to such a release.
Participants come from Cognito's ``participants`` group (one ListUsersInGroup per 60), each
one's worksheets from one Query: no Scan. It is safe to run at any time, and again: a save,
share or deletion that comes in meanwhile is never undone (``WorksheetRecords.rebuild_saved``).
A participant it cannot do now (busy, or DynamoDB unavailable) is counted and the rest go on;
run it again for them. It prints counts only, never ids."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from chalicelib.errors import Conflict, ServiceUnavailable
from chalicelib.identity import PARTICIPANTS
from chalicelib.records.worksheets import WorksheetRecords

REQUIRED = ("AWS_REGION", "STEADY_RECORDS_TABLE", "STEADY_USER_POOL_ID")


def saved_worksheets(
    records: WorksheetRecords, participant_ids: Iterable[str]
) -> tuple[int, int, int]:
    """Rebuild the saved-worksheets item of each participant: (participants done, worksheets,
    participants not done)."""
    done = worksheets = failed = 0
    for participant_id in participant_ids:
        try:
            worksheets += records.rebuild_saved(participant_id)
        except (Conflict, ServiceUnavailable):
            failed += 1
            continue
        done += 1
    return done, worksheets, failed


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    env = os.environ if environ is None else environ
    if args != ["saved-worksheets"]:
        print("usage: python -m chalicelib.upgrade saved-worksheets", file=sys.stderr)
        return 2
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        print(f"set {', '.join(missing)} first (docs/deploy.md, Upgrade steps)", file=sys.stderr)
        return 2
    from chalicelib import services

    svc = services.current()
    ids = (account.id for account in svc.accounts.every_in_role(PARTICIPANTS))
    done, worksheets, failed = saved_worksheets(svc.worksheets.records, ids)
    print(f"saved-worksheets: {done} participants, {worksheets} worksheets, {failed} not done")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
