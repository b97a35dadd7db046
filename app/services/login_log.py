"""The login log as a client's administrators read it: filtered, newest first, by page.

Every statement starts from the client's own attempts; an account is named
only when it belongs to that client too. Times stay in UTC here; the page
shows them in the client's zone and the export in UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, false, func, select
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.models import Client, LoginAttempt, LoginOutcome, User
from app.scope import Scope
from app.services.agenda import LOCKED_LABEL
from app.services.client_accounts import accounts, get_account

PAGE_SIZE = 50
#: Rows fetched at a time while an export streams, so a long log never sits in memory.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class LogFilter:
    """What the administrator narrowed the log to; empty values do not narrow."""

    outcome: LoginOutcome | None = None
    account_id: uuid.UUID | None = None
    #: An address typed on the page, matched through the blind index like sign-in does.
    email: str = ""
    first_day: date | None = None  #: in the client's zone, inclusive
    last_day: date | None = None  #: in the client's zone, inclusive
    ip_address: str = ""


@dataclass(frozen=True)
class LogEntry:
    at: datetime  #: UTC
    outcome: LoginOutcome
    user_id: uuid.UUID | None
    #: None when the address had no account here (or the account was since deleted).
    account_name: str | None
    account_email: str | None
    ip_address: str
    user_agent: str


@dataclass(frozen=True)
class LogPage:
    entries: list[LogEntry]
    zone: ZoneInfo
    number: int
    total: int
    account: User | None  #: the account the log is narrowed to, if any

    @property
    def pages(self) -> int:
        return _pages(self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page(
    session: Session, scope: Scope, filters: LogFilter, *, lookup_key: bytes, number: int = 1
) -> LogPage:
    """One page of the client's attempts, newest first; a page past the end shows the last."""
    zone = client_zone(session, scope)
    stmt, account = _filtered(session, scope, filters, zone, lookup_key)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, min(number, _pages(total)))
    rows = session.execute(stmt.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE))
    locked = scope.locked_customer_ids(session)
    return LogPage([_entry(*row, locked) for row in rows], zone, number, total, account)


def export_statement(
    session: Session, scope: Scope, filters: LogFilter, *, lookup_key: bytes
) -> Select:
    """The query of every matching attempt, newest first; an account of another client is
    `NotFound` here, before a download starts."""
    stmt, _account = _filtered(session, scope, filters, client_zone(session, scope), lookup_key)
    return stmt


def export_entries(session: Session, scope: Scope, statement: Select) -> Iterator[LogEntry]:
    """The rows of `export_statement`, fetched in batches as the caller reads them."""
    locked = scope.locked_customer_ids(session)
    rows = session.execute(statement.execution_options(yield_per=EXPORT_BATCH))
    return (_entry(*row, locked) for row in rows)


def recent(
    session: Session, scope: Scope, user_id: uuid.UUID, *, limit: int = 10
) -> list[LogEntry]:
    """The latest attempts on one account of the client."""
    stmt = _statement(scope).where(LoginAttempt.user_id == user_id).limit(limit)
    locked = scope.locked_customer_ids(session)
    return [_entry(*row, locked) for row in session.execute(stmt)]


def client_zone(session: Session, scope: Scope) -> ZoneInfo:
    """The zone the client's staff think in."""
    return ZoneInfo(session.get_one(Client, scope.client_id).timezone)


def _statement(scope: Scope) -> Select:
    named = and_(User.id == LoginAttempt.user_id, User.client_id == scope.client_id)
    return (
        select(LoginAttempt, User)
        .outerjoin(User, named)
        .where(LoginAttempt.client_id == scope.client_id)
        .order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id.desc())
    )


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))  # ceiling division; an empty log has one page


def _filtered(
    session: Session, scope: Scope, filters: LogFilter, zone: ZoneInfo, lookup_key: bytes
) -> tuple[Select, User | None]:
    stmt, account = _statement(scope), None
    if filters.account_id is not None:
        account = get_account(session, scope, filters.account_id)
        stmt = stmt.where(LoginAttempt.user_id == account.id)
    if filters.email.strip():
        lookup = email_lookup(filters.email, lookup_key)
        match = session.scalars(accounts(scope).where(User.email_lookup == lookup)).one_or_none()
        # Attempts on an address without an account are logged without the address,
        # so an address that is no account here matches nothing.
        stmt = stmt.where(LoginAttempt.user_id == match.id if match else false())
    if filters.outcome is not None:
        stmt = stmt.where(LoginAttempt.outcome == filters.outcome)
    if filters.first_day is not None:
        stmt = stmt.where(LoginAttempt.attempted_at >= _start_of(filters.first_day, zone))
    if filters.last_day is not None:
        next_day = filters.last_day + timedelta(days=1)
        stmt = stmt.where(LoginAttempt.attempted_at < _start_of(next_day, zone))
    if filters.ip_address:
        stmt = stmt.where(LoginAttempt.ip_address == filters.ip_address)
    return stmt, account


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _entry(attempt: LoginAttempt, user: User | None, locked: frozenset[uuid.UUID]) -> LogEntry:
    # The account as an entity, not its columns: private fields are opened on load.
    # A customer whose record is locked against the viewer stays nameless here too.
    hidden = user is not None and user.id in locked
    return LogEntry(
        at=attempt.attempted_at,
        outcome=attempt.outcome,
        user_id=attempt.user_id,
        account_name=LOCKED_LABEL if hidden else user.display_name if user else None,
        account_email=None if hidden or user is None else user.email,
        ip_address=attempt.ip_address,
        user_agent=attempt.user_agent,
    )
