"""Builds the service objects once per container from settings and boto3 clients.

Tests replace them with ``use(...)``; nothing else constructs services.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib import aws
from chalicelib.identity import TokenVerifier
from chalicelib.library import ModuleLibrary
from chalicelib.records.completions import CompletionRecords
from chalicelib.settings import Settings
from chalicelib.settings import current as current_settings


@dataclass
class Services:
    settings: Settings
    library: ModuleLibrary
    completions: CompletionRecords
    verifier: TokenVerifier

    @classmethod
    def build(
        cls,
        settings: Settings,
        verifier: TokenVerifier | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Services:
        s3 = aws.client("s3", settings.region)
        dynamodb = aws.client("dynamodb", settings.region)
        return cls(
            settings=settings,
            library=ModuleLibrary(s3, settings.content_bucket, clock),
            completions=CompletionRecords(dynamodb, settings.records_table),
            verifier=verifier or TokenVerifier(settings),
        )


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
