"""Scheduled functions (no HTTP): the daily leader digest. The work is in ``chalicelib.digests``.

The handler is defined at module level: Lambda finds a blueprint's function as
``chalicelib.schedules.send_digests``.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron

from chalicelib import aws, digests, services

# 11:00 UTC every day: 06:00/07:00 in New York, before most programs' morning sessions.
DAILY = Cron(0, 11, "*", "*", "?", "*")

_bp = Blueprint(__name__)


@_bp.schedule(DAILY, name="send_digests", description="Daily overdue-reading digest for group leaders")
def send_digests(event: Any) -> dict:
    svc = services.current()
    return digests.run_daily(svc, aws.client("ses", svc.settings.region)).to_dict()


def blueprint() -> Blueprint:
    return _bp
