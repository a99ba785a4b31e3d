"""Builds every service object once per container from settings, one clock and the boto3
clients of ``chalicelib.aws``: the use cases, the records, the library, the token verifier,
the access check, the web sessions' records and the one Cognito adapter (``Accounts``).

Tests replace them with ``use(...)``; nothing else constructs services.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import aws
from chalicelib.access import AccessCheck
from chalicelib.access_log import AccessLog
from chalicelib.accounts import Accounts
from chalicelib.administration import Administration
from chalicelib.assignments import Assignments
from chalicelib.attention import Attention
from chalicelib.clock import Clock
from chalicelib.dashboard import Dashboard
from chalicelib.enrolment import Enrolment
from chalicelib.groups import Groups
from chalicelib.identity import Caller, TokenVerifier
from chalicelib.library import ModuleLibrary
from chalicelib.mfa import Authenticators
from chalicelib.my_data import MyDataService
from chalicelib.plan import Plans
from chalicelib.reading import Reading
from chalicelib.records.access import AccessRecords
from chalicelib.records.attention import AttentionRecords
from chalicelib.records.audit import AuditRecords
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import GroupRecords
from chalicelib.records.kept_forms import KeptFormRecords
from chalicelib.records.plans import PlanRecords
from chalicelib.records.reminders import ReminderRecords
from chalicelib.records.sessions import SessionRecords
from chalicelib.records.worksheets import WorksheetRecords
from chalicelib.reminders import AwsMessenger, ReminderService
from chalicelib.settings import Settings
from chalicelib.settings import current as current_settings
from chalicelib.sharing import Sharing
from chalicelib.temporary_passwords import TemporaryPasswords
from chalicelib.worksheets import Worksheets


@dataclass
class Services:
    settings: Settings
    clock: Clock
    verifier: TokenVerifier
    # use cases
    groups: Groups
    enrolment: Enrolment
    assignments: Assignments
    dashboard: Dashboard
    reading: Reading
    worksheets: Worksheets
    plans: Plans
    my_data: MyDataService
    access_log: AccessLog
    sharing: Sharing
    attention: Attention
    administration: Administration
    reminders: ReminderService
    temporary_passwords: TemporaryPasswords
    # what the use cases are built from (also used by the digest, admin routes and web sessions)
    library: ModuleLibrary
    accounts: Accounts
    authenticators: Authenticators
    access: AccessCheck
    audit: AuditRecords
    completions: CompletionRecords
    group_records: GroupRecords
    sessions: SessionRecords
    kept_forms: KeptFormRecords

    def admit(self, caller: Caller) -> Caller:
        """The per-request check after the token's signature: access not ended by a disable
        (every role, no Cognito call), then two-step sign-in for leaders and admins."""
        return self.authenticators.admit(self.access.check(caller))

    @classmethod
    def build(
        cls, settings: Settings, verifier: TokenVerifier | None = None, clock: Clock | None = None
    ) -> Services:
        """Everything, wired; ``verifier`` and ``clock`` are for tests (fixed keys, fixed time)."""
        s3 = aws.client("s3", settings.region)
        dynamodb = aws.client("dynamodb", settings.region)
        table = settings.records_table
        clock = clock or Clock(settings.program_timezone)
        library = ModuleLibrary(s3, settings.content_bucket, clock)
        completions = CompletionRecords(dynamodb, table, clock)
        audit = AuditRecords(dynamodb, table, clock)
        group_records = GroupRecords(dynamodb, table)
        worksheet_records = WorksheetRecords(dynamodb, table)
        plan_records = PlanRecords(dynamodb, table)
        access = AccessCheck(AccessRecords(dynamodb, table), clock)
        cognito = _LazyClient("cognito-idp", settings.region)
        client_ids = settings.user_pool_client_ids
        accounts = Accounts(cognito, settings.user_pool_id, client_ids[0] if client_ids else "")
        messenger = AwsMessenger(
            # Clients that never repeat a request: a repeat could send a message twice.
            lambda: aws.client("ses", settings.region, sends=True),
            lambda: aws.client("sns", settings.region, sends=True),
            settings.reminder_sender,
            settings.sms_sender_id,
        )
        reminder_records = ReminderRecords(dynamodb, table)
        kept_forms = KeptFormRecords(dynamodb, table)
        authenticators = Authenticators(accounts, clock)
        sessions = SessionRecords(dynamodb, table)
        reminders = ReminderService(
            reminder_records,
            clock,
            messenger,
            settings.reminder_key,
            settings.program_name,
            settings.program_timezone,
            group_records.groups_of_participant,
            access,
        )
        attention = Attention(
            group_records, AttentionRecords(dynamodb, table), audit, library, clock
        )
        dashboard = Dashboard(group_records, completions, audit, library, clock, attention)
        enrolment = Enrolment(
            group_records,
            accounts,
            clock,
            reminder_records.groups_changed,
            access=access,
            alumni_days=settings.alumni_days,
            totals=dashboard.totals,
        )
        return cls(
            settings=settings,
            clock=clock,
            verifier=verifier or TokenVerifier(settings, clock=clock),
            groups=Groups(group_records, audit, accounts, clock, enrolment.group_archived, access),
            enrolment=enrolment,
            assignments=Assignments(group_records, library, clock),
            dashboard=dashboard,
            reading=Reading(library, completions, group_records, clock),
            worksheets=Worksheets(library, worksheet_records, group_records, audit, clock),
            plans=Plans(worksheet_records, plan_records, audit, clock, access),
            my_data=MyDataService(
                worksheet_records,
                plan_records,
                completions,
                audit,
                clock,
                library,
                reminder_records,
                group_records,
                kept_forms,
            ),
            access_log=AccessLog(audit, group_records),
            sharing=Sharing(group_records, clock, access),
            attention=attention,
            administration=Administration(
                accounts,
                access,
                sessions,
                authenticators,
                audit,
                clock,
                group_records,
                reminder_records,
            ),
            library=library,
            accounts=accounts,
            authenticators=authenticators,
            access=access,
            audit=audit,
            completions=completions,
            group_records=group_records,
            sessions=sessions,
            kept_forms=kept_forms,
            reminders=reminders,
            temporary_passwords=TemporaryPasswords(
                group_records, accounts, sessions, audit, clock, access
            ),
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
