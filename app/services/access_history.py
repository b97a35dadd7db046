"""The audit trail as a client's administrators read it: filtered, newest first, by page.

Every statement starts from the client's own events. People are named by
loading their accounts by ID (names are encrypted at rest, so never matched
in SQL); an account is named only when it belongs to the client or to the
platform (support staff who were granted access). Times stay in UTC here;
the page shows them in the client's zone and the export in UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Appointment, AuditEvent, Client, User
from app.scope import Scope

PAGE_SIZE = 50
#: Rows fetched at a time while an export streams.
EXPORT_BATCH = 500
#: Openings of a customer's record shown on its page.
RECENT_VIEWS = 10
#: What each action is called on the page; an action without a label shows as recorded.
ACTION_LABELS = {
    "sign_in": "Signed in",
    "sign_in.failed": "Sign-in failed",
    "sign_out": "Signed out",
    "customer.view": "Opened a customer's record",
    "appointment.view": "Opened an appointment",
    "appointment.create": "Booked an appointment",
    "appointment.change": "Moved an appointment",
    "appointment.cancel": "Cancelled an appointment",
    "appointment.approve": "Approved a request",
    "appointment.decline": "Declined a request",
    "appointment.outcome": "Recorded how an appointment went",
    "settings.create": "Created a setting",
    "settings.change": "Changed settings",
    "settings.delete": "Deleted a setting",
    "user.create": "Created an account",
    "user.deactivate": "Deactivated an account",
    "user.role_change": "Changed a role",
    "user.unlock": "Unlocked an account",
    "user.require_new_password": "Required a new password",
    "user.sign_out_everywhere": "Signed an account out everywhere",
    "support.grant": "Granted support access",
    "support.reveal": "Support opened a record",
    "keys.rotate": "Rotated encryption keys",
    "support.emergency": "Opened emergency access",
    "support.revoke": "Revoked support access",
    "customer.list": "Listed customers",
    "appointment.list": "Listed appointments",
    "customer.export": "Customer downloaded their data",
    "customer.erase": "Erased a customer's data",
    "erasure.request": "Customer asked for erasure",
    "erasure.decline": "Declined an erasure request",
    "client.close": "Closed the client's account",
    "keys.retire": "Retired an encryption key",
    "keys.delete": "Deleted a retired encryption key",
    "keys.shred": "Destroyed an encryption key",
    "record_lock.set": "Locked a record",
    "record_lock.change": "Changed a record lock",
    "record_lock.remove": "Removed a record lock",
    "record_lock.denied": "Refused: record locked",
    "user.password_reset": "Reset a password",
    "user.second_factor_reset": "Reset two-step sign-in",
    "login_log.export": "Downloaded the login log",
    "access_history.export": "Downloaded the access history",
}
#: Object types whose ID is a customer's own account.
_CUSTOMER_OBJECTS = ("customer", "user")


@dataclass(frozen=True)
class HistoryFilter:
    """What the administrator narrowed the history to; empty values do not narrow."""

    actor_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    record_id: str = ""
    action: str = ""
    first_day: date | None = None  #: in the client's zone, inclusive
    last_day: date | None = None  #: in the client's zone, inclusive

    def applied(self) -> list[str]:
        """Names of the filters in use (for the audit event of an export)."""
        return [name for name, value in vars(self).items() if value]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  #: UTC
    action: str
    actor_id: uuid.UUID | None
    actor_name: str | None  #: None when nobody signed in acted, or the account is gone
    actor_role: str | None
    object_type: str | None
    object_id: str | None
    ip_address: str | None
    fields: list[str]
    flagged: bool
    seq: int


@dataclass(frozen=True)
class RecordView:
    at: datetime  #: UTC
    actor_id: uuid.UUID | None
    actor_name: str | None
    actor_role: str | None
    flagged: bool


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    zone: ZoneInfo
    number: int
    total: int
    actor: User | None  #: the person the history is narrowed to, if any
    customer: User | None  #: the customer the history is narrowed to, if any
    actions: list[str]  #: every action recorded for the client, for the filter

    @property
    def pages(self) -> int:
        return _pages(self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page(session: Session, scope: Scope, filters: HistoryFilter, *, number: int = 1) -> HistoryPage:
    """One page of the client's events, newest first; a page past the end shows the last."""
    zone = client_zone(session, scope)
    stmt, actor, customer = _filtered(session, scope, filters, zone)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = max(1, min(number, _pages(total)))
    events = session.scalars(stmt.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    entries = _entries(session, scope, events)
    return HistoryPage(entries, zone, number, total, actor, customer, actions(session, scope))


def export_statement(session: Session, scope: Scope, filters: HistoryFilter) -> Select:
    """The query of every matching event, newest first; a person or customer who is not
    the client's is `NotFound` here, before a download starts."""
    stmt, _actor, _customer = _filtered(session, scope, filters, client_zone(session, scope))
    return stmt


def export_entries(session: Session, scope: Scope, statement: Select) -> Iterator[HistoryEntry]:
    """The events of `export_statement`, fetched in batches as the caller reads them."""
    result = session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))
    try:
        for batch in result.partitions():
            yield from _entries(session, scope, batch)
    finally:
        result.close()  # a download cut short must not leave its server-side cursor open


def recent_views(
    session: Session, scope: Scope, customer_id: uuid.UUID, *, limit: int = RECENT_VIEWS
) -> list[RecordView]:
    """Who opened this customer's record lately, newest first."""
    stmt = (
        _statement(scope)
        .where(
            AuditEvent.action == "customer.view",
            AuditEvent.object_type == "customer",
            AuditEvent.object_id == str(customer_id),
        )
        .limit(limit)
    )
    events = session.scalars(stmt).all()
    names = _names(session, scope, (event.actor_id for event in events))
    return [
        RecordView(e.at, e.actor_id, names.get(e.actor_id), e.actor_role, e.flagged) for e in events
    ]


def actions(session: Session, scope: Scope) -> list[str]:
    """Every action recorded for the client, in alphabetical order."""
    stmt = select(AuditEvent.action).where(AuditEvent.client_id == scope.client_id).distinct()
    return sorted(session.scalars(stmt))


def client_zone(session: Session, scope: Scope) -> ZoneInfo:
    """The zone the client's staff think in."""
    return ZoneInfo(session.get_one(Client, scope.client_id).timezone)


def _statement(scope: Scope) -> Select:
    return (
        select(AuditEvent)
        .where(AuditEvent.client_id == scope.client_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.seq.desc())
    )


def _filtered(
    session: Session, scope: Scope, filters: HistoryFilter, zone: ZoneInfo
) -> tuple[Select, User | None, User | None]:
    stmt, actor, customer = _statement(scope), None, None
    if filters.actor_id is not None:
        actor = _person(session, scope, filters.actor_id)
        stmt = stmt.where(AuditEvent.actor_id == actor.id)
    if filters.customer_id is not None:
        customer = session.scalars(
            scope.customers().where(User.id == filters.customer_id)
        ).one_or_none()
        if customer is None:
            raise NotFound
        stmt = stmt.where(_about_customer(session, scope, customer.id))
    if filters.record_id:
        stmt = stmt.where(AuditEvent.object_id == filters.record_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.first_day is not None:
        stmt = stmt.where(AuditEvent.at >= _start_of(filters.first_day, zone))
    if filters.last_day is not None:
        stmt = stmt.where(AuditEvent.at < _start_of(filters.last_day + timedelta(days=1), zone))
    return stmt, actor, customer


def _about_customer(session: Session, scope: Scope, customer_id: uuid.UUID) -> ColumnElement[bool]:
    """SQL: the event concerns the customer's account, record or one of their appointments."""
    # object_id is text (it also names objects that are not UUIDs), and a UUID's text form
    # differs between databases, so the appointment IDs are listed as `record` wrote them.
    appointment_ids = session.scalars(
        select(Appointment.id).where(
            Appointment.client_id == scope.client_id, Appointment.customer_id == customer_id
        )
    )
    return or_(
        and_(
            AuditEvent.object_type.in_(_CUSTOMER_OBJECTS),
            AuditEvent.object_id == str(customer_id),
        ),
        and_(
            AuditEvent.object_type == "appointment",
            AuditEvent.object_id.in_([str(appointment_id) for appointment_id in appointment_ids]),
        ),
    )


def _person(session: Session, scope: Scope, user_id: uuid.UUID) -> User:
    """An account of the client, or a platform account (support); else `NotFound`."""
    person = session.scalars(
        select(User).where(
            User.id == user_id, or_(User.client_id == scope.client_id, User.client_id.is_(None))
        )
    ).one_or_none()
    if person is None:
        raise NotFound
    return person


def _entries(session: Session, scope: Scope, events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    events = list(events)
    names = _names(session, scope, (event.actor_id for event in events))
    return [
        HistoryEntry(
            at=event.at,
            action=event.action,
            actor_id=event.actor_id,
            actor_name=names.get(event.actor_id),
            actor_role=event.actor_role,
            object_type=event.object_type,
            object_id=event.object_id,
            ip_address=event.ip_address,
            fields=list(event.fields or ()),
            flagged=event.flagged,
            seq=event.seq,
        )
        for event in events
    ]


def _names(session: Session, scope: Scope, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Display names by ID, loaded as accounts (the name is decrypted on load)."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    people = session.scalars(
        select(User).where(
            User.id.in_(wanted), or_(User.client_id == scope.client_id, User.client_id.is_(None))
        )
    )
    return {person.id: person.display_name for person in people}


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))  # ceiling division; an empty history has one page
