"""The one settings object, read from the environment once per Lambda container."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    records_table: str
    content_bucket: str
    user_pool_id: str
    user_pool_client_ids: tuple[str, ...]
    # Set only where AWS is stood in for (moto server); production uses AWS's own endpoints.
    cognito_endpoint_url: str | None = None
    # Due dates are calendar days where the program runs.
    program_timezone: str = "America/New_York"
    # Participant reminders (chalicelib.reminders): the name messages use, the SES sender, the
    # key that signs stop links and confirmation codes, the web app's base address, an SMS sender id.
    program_name: str = "Steady"
    reminder_sender: str = ""
    reminder_key: str = ""
    web_url: str = ""  # the web app's base, e.g. https://steady.clinic.example/api
    sms_sender_id: str = ""
    # After a participant leaves every group: how long they keep signing in to their plan,
    # their answers and the library (then sign-in ends; docs/deploy.md, "Retention").
    alumni_days: int = 365

    @property
    def issuer(self) -> str:
        """The ``iss`` claim Cognito writes into every token of this pool."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        base = self.cognito_endpoint_url or f"https://cognito-idp.{self.region}.amazonaws.com"
        return f"{base.rstrip('/')}/{self.user_pool_id}/.well-known/jwks.json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        clients = tuple(c for c in env.get("STEADY_USER_POOL_CLIENT_IDS", "").split(",") if c)
        return cls(
            stage=env.get("STEADY_STAGE", "dev"),
            region=region,
            records_table=env.get("STEADY_RECORDS_TABLE", "steady-dev-records"),
            content_bucket=env.get("STEADY_CONTENT_BUCKET", "steady-dev-content"),
            user_pool_id=env.get("STEADY_USER_POOL_ID", ""),
            user_pool_client_ids=clients,
            program_timezone=env.get("STEADY_PROGRAM_TIMEZONE", "America/New_York"),
            program_name=env.get("STEADY_PROGRAM_NAME") or "Steady",
            reminder_sender=env.get("STEADY_REMINDER_SENDER", ""),
            reminder_key=env.get("STEADY_REMINDER_KEY", ""),
            web_url=env.get("STEADY_WEB_URL", ""),
            sms_sender_id=env.get("STEADY_SMS_SENDER_ID", ""),
            alumni_days=_days(env.get("STEADY_ALUMNI_DAYS"), 365),
            cognito_endpoint_url=(
                env.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or env.get("AWS_ENDPOINT_URL")
            ),
        )


@lru_cache(maxsize=1)
def current() -> Settings:
    """The settings of this process (cached: the environment does not change under a Lambda)."""
    return Settings.from_env()


def _days(value: str | None, default: int) -> int:
    """A whole number of days from the environment (1 to 3650), else ``default``."""
    if value and value.isascii() and value.isdigit() and 1 <= int(value) <= 3650:
        return int(value)
    return default
