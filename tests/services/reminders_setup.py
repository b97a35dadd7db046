"""Shared set-up of the reminder and outbox tests: a client and its people, and helpers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus, Client, Role, Schedule, Service, User
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.scope import Scope
from app.services import changes
from app.services.booking import BookingRequest, book
from app.services.delivery import SendReport
from app.services.outbox_sending import send_due_messages
from app.services.reminders_sending import send_due_reminders

#: A Monday, 10:00 UTC (10:00 in London in winter).
START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
#: When the tests book: two days ahead.
BOOKED_AT = START - timedelta(days=2)


@dataclass
class World:
    client: Client
    service: Service
    schedule: Schedule
    customer: User
    staff: User

    @property
    def customer_scope(self) -> Scope:
        return Scope(self.client.id, self.customer.id)


def make_world(db_session, make_client, make_service, make_schedule, make_user) -> World:
    """A client in London with one 50-minute service, a schedule, its staff and a customer."""
    client = make_client(name="Riverside Counselling", timezone="Europe/London")
    service = make_service(client=client, name="Initial consultation", duration_minutes=50)
    staff = make_user(client=client, role=Role.STAFF, display_name="Dr Ada Byron")
    schedule = make_schedule(
        client=client, services=[service], min_notice_minutes=0, name="Harbour Street room"
    )
    schedule.staff.append(staff)
    db_session.commit()
    customer = make_user(client=client, email="pat@example.org", display_name="Pat Private")
    return World(client, service, schedule, customer, staff)


def book_at(
    session: Session,
    world: World,
    start: datetime = START,
    *,
    now: datetime = BOOKED_AT,
    notes: str = "",
) -> Appointment:
    """Book `start` as the customer, at the moment `now`."""
    return book(
        session,
        world.customer_scope,
        BookingRequest(
            service_id=world.service.id, start=start, schedule_id=world.schedule.id, notes=notes
        ),
        customer_id=world.customer.id,
        actor=world.customer,
        now=now,
    )


def move(
    session: Session,
    world: World,
    appointment: Appointment,
    new_start: datetime,
    *,
    now: datetime = BOOKED_AT,
    by_staff: bool = False,
) -> Appointment:
    """Move the appointment as the customer (or as staff, whom no cut-off binds)."""
    scope = Scope(world.client.id) if by_staff else world.customer_scope
    return changes.reschedule(
        session,
        scope,
        appointment.id,
        new_start=new_start,
        actor=world.staff if by_staff else world.customer,
        now=now,
    )


def cancel(
    session: Session, world: World, appointment: Appointment, *, now: datetime = BOOKED_AT
) -> Appointment:
    """Cancel the appointment as staff (no cut-off applies)."""
    return changes.cancel(
        session, Scope(world.client.id), appointment.id, actor=world.staff, now=now
    )


def clock(at: datetime) -> Callable[[], datetime]:
    """A clock that always reads `at`."""
    return lambda: at


def sweep_reminders(app: Flask, session: Session, at: datetime) -> SendReport:
    """Run the reminder sweep as if the time were `at`."""
    with app.app_context():
        return send_due_reminders(session, now=clock(at))


def sweep_messages(app: Flask, session: Session, at: datetime) -> SendReport:
    """Run the outgoing-mail sweep as if the time were `at`."""
    with app.app_context():
        return send_due_messages(session, now=clock(at))


def reminders_of(session: Session, appointment: Appointment) -> dict[int, Reminder]:
    """The appointment's reminder rows by lead time (read fresh)."""
    session.rollback()  # a fresh read, not the open transaction's snapshot
    rows = session.scalars(select(Reminder).where(Reminder.appointment_id == appointment.id))
    return {row.lead_minutes: row for row in rows}


def due_reminders(session: Session, world: World, count: int, *, due_at: datetime) -> list:
    """`count` confirmed appointments an hour apart from START, each with one reminder
    (the 24-hour one) already due at `due_at`; returns the reminder IDs."""
    appointments = [
        {
            "id": uuid.uuid4(),
            "client_id": world.client.id,
            "schedule_id": world.schedule.id,
            "service_id": world.service.id,
            "customer_id": world.customer.id,
            "start_at": START + timedelta(hours=i),
            "end_at": START + timedelta(hours=i, minutes=50),
            "status": AppointmentStatus.CONFIRMED,
        }
        for i in range(count)
    ]
    session.execute(insert(Appointment), appointments)
    reminders = [
        {
            "id": uuid.uuid4(),
            "client_id": world.client.id,
            "appointment_id": row["id"],
            "lead_minutes": 24 * 60,
            "for_start_at": row["start_at"],
            "due_at": due_at,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
        }
        for row in appointments
    ]
    session.execute(insert(Reminder), reminders)
    session.commit()
    return [row["id"] for row in reminders]
