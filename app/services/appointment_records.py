"""Read-only records for staff: one appointment with its history, and customers with theirs.

Each appointment is shown in its own schedule's zone, named on the page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.crypto.ordering import name_key
from app.models import Appointment, AppointmentStatus, AppointmentStatusChange, User
from app.scope import Scope
from app.services.agenda import LOCKED_LABEL, AgendaItem, agenda_item, with_names


@dataclass(frozen=True)
class HistoryEntry:
    """One status change, at a local time, by a named person (or the system)."""

    at: datetime
    from_status: AppointmentStatus | None
    to_status: AppointmentStatus
    by: str
    reason: str | None


@dataclass(frozen=True)
class AppointmentRecord:
    """What the appointment page shows."""

    appointment: Appointment
    zone: str
    item: AgendaItem
    history: list[HistoryEntry]


@dataclass(frozen=True)
class CustomerRow:
    id: uuid.UUID
    name: str
    email: str
    appointment_count: int
    #: Locked against the viewer: the name and address are not shown.
    locked: bool = False


@dataclass(frozen=True)
class CustomerHistory:
    customer: User
    upcoming: list[tuple[AgendaItem, str]]  #: (item, zone name), soonest first
    past: list[tuple[AgendaItem, str]]  #: most recent first


def appointment_record(
    session: Session, scope: Scope, appointment_id: uuid.UUID
) -> AppointmentRecord:
    """One appointment of the client with its status history; `NotFound` otherwise."""
    appointment = scope.get_appointment(session, appointment_id)
    zone = ZoneInfo(appointment.schedule.timezone)
    changes = session.scalars(
        appointment.status_changes.select().order_by(AppointmentStatusChange.changed_at)
    ).all()
    names = _names(session, scope, {c.changed_by for c in changes if c.changed_by})
    history = [
        HistoryEntry(
            at=change.changed_at.astimezone(zone),
            from_status=change.from_status,
            to_status=change.to_status,
            by=names.get(change.changed_by, "SafeSlot") if change.changed_by else "SafeSlot",
            reason=change.reason,
        )
        for change in changes
    ]
    return AppointmentRecord(appointment, zone.key, agenda_item(appointment, zone), history)


def _names(session: Session, scope: Scope, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    # Only people of this client are named; anyone else (platform support) is "SafeSlot".
    if not ids:
        return {}
    # Whole users, not columns: private fields are opened as the entity loads.
    people = session.scalars(
        select(User).where(User.client_id == scope.client_id, User.id.in_(ids))
    )
    return {person.id: person.display_name for person in people}


def customer_list(session: Session, scope: Scope) -> list[CustomerRow]:
    """The client's customers by name, with how many appointments each has had."""
    counts = (
        scope.appointments()
        .with_only_columns(Appointment.customer_id, func.count(Appointment.id).label("n"))
        .group_by(Appointment.customer_id)
        .subquery()
    )
    stmt = (
        scope.customers()
        .outerjoin(counts, counts.c.customer_id == User.id)
        .add_columns(func.coalesce(counts.c.n, 0))
    )
    locked = scope.locked_customer_ids(session)
    # Names are encrypted, so the list is ordered here rather than in SQL.
    rows = sorted(session.execute(stmt), key=lambda row: name_key(row[0]))
    return [
        CustomerRow(user.id, LOCKED_LABEL, "", count, locked=True)
        if user.id in locked
        else CustomerRow(user.id, user.display_name, user.email, count)
        for user, count in rows
    ]


def customer_history(
    session: Session, scope: Scope, customer_id: uuid.UUID, *, now: datetime
) -> CustomerHistory:
    """A customer of the client with every appointment; `NotFound` otherwise."""
    customer = scope.get_customer(session, customer_id)
    stmt = scope.appointments().where(Appointment.customer_id == customer.id)
    upcoming, past = [], []
    for appointment in with_names(session, stmt.order_by(Appointment.start_at)):
        zone = ZoneInfo(appointment.schedule.timezone)
        entry = (agenda_item(appointment, zone), zone.key)
        (upcoming if appointment.end_at > now else past).append(entry)
    past.reverse()
    return CustomerHistory(customer, upcoming, past)
