"""Builds the service objects once per container from settings and boto3 clients.

Tests replace them with ``use(...)``; nothing else constructs services.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib import aws
from chalicelib.accounts import Accounts
from chalicelib.clock import Clock
from chalicelib.groups import GroupService
from chalicelib.identity import TokenVerifier
from chalicelib.library import ModuleLibrary
from chalicelib.mfa import Authenticators
from chalicelib.records.audit import AuditRecords
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import GroupRecords
from chalicelib.settings import Settings
from chalicelib.settings import current as current_settings


@dataclass
class Services:
    settings: Settings
    library: ModuleLibrary
    completions: CompletionRecords
    verifier: TokenVerifier
    groups: GroupService
    audit: AuditRecords
    accounts: Accounts
    calendar: Clock
    authenticators: Authenticators

    @classmethod
    def build(
        cls,
        settings: Settings,
        verifier: TokenVerifier | None = None,
        clock: Callable[[], float] = time.monotonic,
        calendar: Clock | None = None,
    ) -> Services:
        s3 = aws.client("s3", settings.region)
        dynamodb = aws.client("dynamodb", settings.region)
        calendar = calendar or Clock(settings.program_timezone)
        library = ModuleLibrary(s3, settings.content_bucket, clock)
        completions = CompletionRecords(dynamodb, settings.records_table)
        audit = AuditRecords(dynamodb, settings.records_table)
        cognito = _LazyClient("cognito-idp", settings.region)
        accounts = Accounts(cognito, settings.user_pool_id)
        groups = GroupService(
            GroupRecords(dynamodb, settings.records_table), audit, completions, library, accounts, calendar
        )
        return cls(
            settings=settings,
            library=library,
            completions=completions,
            verifier=verifier or TokenVerifier(settings),
            groups=groups,
            audit=audit,
            accounts=accounts,
            calendar=calendar,
            authenticators=Authenticators(cognito, settings.user_pool_id, clock),
        )


class _LazyClient:
    """Builds the client on first use: participants' requests never pay for a Cognito client."""

    def __init__(self, service: str, region: str) -> None:
        self._service = service
        self._region = region

    def __getattr__(self, name: str) -> object:
        return getattr(aws.client(self._service, self._region), name)


_current: Services | None = None


def current() -> Services:
    global _current
    if _current is None:
        _current = Services.build(current_settings())
    return _current


def use(services: Services | None) -> None:
    """Install ``services`` for this process (``None`` rebuilds from the environment)."""
    global _current
    _current = services
