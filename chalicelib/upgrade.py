"""One-off steps an operator runs after deploying a release that needs them (docs/deploy.md,
"Upgrade steps"), with the operator's own AWS credentials and the stack's names in the
environment (``STEADY_RECORDS_TABLE``, ``STEADY_USER_POOL_ID``, ``AWS_REGION``):

    python -m chalicelib.upgrade saved-worksheets

``saved-worksheets`` writes each participant's saved-worksheets item (which worksheet fields
they answered, and when; ``records/worksheets.py``) from their worksheets: needed once for
worksheets saved before that item existed, and again after a rollback to such a release.
Participants come from Cognito's ``participants`` group (one ListUsersInGroup per 60), each
one's worksheets from one Query: no Scan. It is safe to run at any time, and again: a save that
comes in meanwhile is never undone. It prints counts only, never ids."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from chalicelib.identity import PARTICIPANTS
from chalicelib.records.worksheets import WorksheetRecords


def saved_worksheets(records: WorksheetRecords, participant_ids: Iterable[str]) -> tuple[int, int]:
    """Rebuild the saved-worksheets item of each participant: (participants, worksheets)."""
    participants = worksheets = 0
    for participant_id in participant_ids:
        worksheets += records.rebuild_saved(participant_id)
        participants += 1
    return participants, worksheets


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["saved-worksheets"]:
        print("usage: python -m chalicelib.upgrade saved-worksheets", file=sys.stderr)
        return 2
    from chalicelib import services

    svc = services.current()
    ids = (account.id for account in svc.accounts.every_in_role(PARTICIPANTS))
    participants, worksheets = saved_worksheets(svc.worksheets.records, ids)
    print(f"saved-worksheets: {participants} participants, {worksheets} worksheets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
