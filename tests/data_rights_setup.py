"""A customer whose every private field holds a unique marker, with appointments and history.

The markers are strings that appear nowhere else, so a test can search rows, logs and
pages for them and know that a hit is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    Client,
    Role,
    Schedule,
    Service,
    User,
)

MARK_NAME = "Quorrelby Vantwhistle"
MARK_EMAIL = "quorrelby.vantwhistle91@example.net"
MARK_PHONE = "+44 7700 900461"
MARK_NOTE = "nightshade-ledger-8841 allergy note"
MARK_CONTACT = "07700 900873"
MARK_REASON = "vantwhistle-cancel-reason-5512"
MARKERS = (MARK_NAME, MARK_EMAIL, MARK_PHONE, MARK_NOTE, MARK_CONTACT, MARK_REASON)

#: The clock of these tests: the Saturday before the factories' default Monday.
NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Marked:
    """A client, its admin, the marked customer with three appointments, and a bystander."""

    client: Client
    admin: User
    customer: User
    other: User
    service: Service
    schedule: Schedule
    past: Appointment
    cancelled: Appointment
    upcoming: Appointment
    others_appointment: Appointment


def make_marked(session, make_client, make_user, make_service, make_schedule, make_appointment):
    """Build the marked customer's world (everything committed)."""
    client = make_client(name="Harbour Clinic")
    service = make_service(client=client, name="Consultation")
    schedule = make_schedule(client=client, name="Dr Adams", services=[service])
    admin = make_user(client=client, role=Role.CLIENT_ADMIN, display_name="Ada Admin")
    customer = make_user(client=client, display_name=MARK_NAME, email=MARK_EMAIL, phone=MARK_PHONE)
    other = make_user(client=client, display_name="Bea Bystander", phone="+44 7700 900999")

    def booked(start: datetime, who: User, status=AppointmentStatus.CONFIRMED, **extra):
        return make_appointment(
            schedule=schedule, service=service, customer=who, start_at=start, status=status, **extra
        )

    past = booked(
        NOW - timedelta(days=40),
        customer,
        AppointmentStatus.COMPLETED,
        notes=MARK_NOTE,
        contact_phone=MARK_CONTACT,
    )
    cancelled = booked(
        NOW - timedelta(days=10),
        customer,
        AppointmentStatus.CANCELLED,
        cancel_reason=MARK_REASON,
        notes=MARK_NOTE,
    )
    cancelled.status_changes.add(
        AppointmentStatusChange(
            from_status=AppointmentStatus.CONFIRMED,
            to_status=AppointmentStatus.CANCELLED,
            changed_at=NOW - timedelta(days=11),
            changed_by=customer.id,
            reason=MARK_REASON,
        )
    )
    session.commit()
    upcoming = booked(
        datetime(2031, 3, 3, 10, 0, tzinfo=UTC),
        customer,
        notes=MARK_NOTE,
        contact_phone=MARK_CONTACT,
    )
    others = booked(datetime(2031, 3, 3, 11, 0, tzinfo=UTC), other, notes="Bystander's own note")
    return Marked(
        client, admin, customer, other, service, schedule, past, cancelled, upcoming, others
    )


def row_values(session, model, *conditions) -> list[str]:
    """Every column value of the matching rows, as text (read fresh from the database)."""
    session.rollback()
    session.expire_all()
    values = []
    for row in session.scalars(select(model).where(*conditions)):
        values += [str(getattr(row, column.key)) for column in model.__mapper__.column_attrs]
    return values


def leaked(texts, markers=MARKERS) -> list[str]:
    """The markers found in any of `texts`."""
    return sorted({marker for marker in markers for text in texts if marker in text})
