"""A customer's copy of their data at one client: a JSON file and an .ics, in one zip.

Everything is read through the customer's own `Scope`, so the download can hold
nothing of another person: staff appear only as "staff", never by name, and no
internal secret (password or token hashes, second-factor secrets, blind
indexes) is ever read into it. The download itself is recorded in the audit
trail (which fields were exported, never their values).
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, selectinload

from app.errors import AccessDenied
from app.models import Appointment, AppointmentStatusChange, Client, Role, User
from app.scope import Scope
from app.services import audit
from app.services.unit_of_work import start_write
from scheduling.ical import EventValues, event_uid, render_calendar

#: Version of the JSON layout, so a reader can tell future changes apart.
FORMAT_VERSION = 1
#: What the audit event says was exported (names only).
EXPORTED_FIELDS = (
    "user.display_name",
    "user.email",
    "user.phone",
    "appointment.notes",
    "appointment.contact_phone",
    "appointment.cancel_reason",
    "status_change.reason",
)
JSON_NAME = "my-data.json"
ICS_NAME = "my-appointments.ics"


@dataclass(frozen=True)
class Export:
    """The download: a zip holding the JSON file and the calendar file."""

    filename: str
    content: bytes


def export_customer_data(session: Session, scope: Scope, *, actor: User, now: datetime) -> Export:
    """Build the signed-in customer's download and record it in the audit trail; commit."""
    if actor.role is not Role.CUSTOMER or scope.customer_id != actor.id:
        raise AccessDenied("only a customer may download their own data")
    client = session.get_one(Client, scope.client_id)
    appointments = _appointments(session, scope)
    document = {
        "format": FORMAT_VERSION,
        "exported_at": _iso(now),
        "client": {"name": client.name, "slug": client.slug},
        "profile": _profile(actor),
        "appointments": [_appointment(session, a, actor.id) for a in appointments],
    }
    calendar = render_calendar(
        [_event(a, client.name, now) for a in appointments],
        name=f"My appointments – {client.name}",
        method="PUBLISH",
        cache=False,
    )
    content = _zip(
        {JSON_NAME: json.dumps(document, indent=2, ensure_ascii=False).encode(), ICS_NAME: calendar}
    )
    _record(session, scope, actor)
    return Export(filename=f"{client.slug}-my-data.zip", content=content)


def _appointments(session: Session, scope: Scope) -> list[Appointment]:
    stmt = (
        scope.appointments()
        .options(selectinload(Appointment.schedule), selectinload(Appointment.service))
        .order_by(Appointment.start_at, Appointment.id)
    )
    return list(session.scalars(stmt))


def _profile(user: User) -> dict[str, object]:
    return {
        "id": str(user.id),
        "name": user.display_name,
        "email": user.email,
        "phone": user.phone,
        "account_created_at": _iso(user.created_at),
        "password_changed_at": _iso(user.password_changed_at),
        "two_step_sign_in": user.has_second_factor,
    }


def _appointment(session: Session, appointment: Appointment, me: uuid.UUID) -> dict[str, object]:
    zone = ZoneInfo(appointment.schedule.timezone)
    changes = session.scalars(
        appointment.status_changes.select().order_by(AppointmentStatusChange.changed_at)
    )
    return {
        "id": str(appointment.id),
        "service": appointment.service.name,
        "duration_minutes": appointment.service.duration_minutes,
        "schedule": appointment.schedule.name,
        "timezone": zone.key,
        "start_utc": _iso(appointment.start_at),
        "end_utc": _iso(appointment.end_at),
        "start_local": appointment.start_at.astimezone(zone).isoformat(),
        "end_local": appointment.end_at.astimezone(zone).isoformat(),
        "status": appointment.status.value,
        "notes": appointment.notes,
        "contact_phone": appointment.contact_phone,
        "cancel_reason": appointment.cancel_reason,
        "booked_at": _iso(appointment.created_at),
        "status_history": [_change(change, me) for change in changes],
    }


def _change(change: AppointmentStatusChange, me: uuid.UUID) -> dict[str, object]:
    # Who made a change is told by role only: a staff member's name is their data.
    by = "system" if change.changed_by is None else "you" if change.changed_by == me else "staff"
    return {
        "at": _iso(change.changed_at),
        "from": change.from_status.value if change.from_status else None,
        "to": change.to_status.value,
        "by": by,
        "reason": change.reason,
    }


def _event(appointment: Appointment, client_name: str, now: datetime) -> EventValues:
    return EventValues(
        uid=event_uid(appointment.id),
        start=appointment.start_at,
        end=appointment.end_at,
        stamp=now,
        last_modified=appointment.updated_at,
        sequence=appointment.sequence,
        status=appointment.status,
        summary=f"{appointment.service.name} – {client_name}",
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _record(session: Session, scope: Scope, actor: User) -> None:
    """The audit event, in a write transaction of its own after every read is done."""
    actor_id, client_id = actor.id, scope.client_id
    start_write(session)
    try:
        audit.record(
            session,
            action="customer.export",
            client_id=client_id,
            object_type="user",
            object_id=actor_id,
            fields=EXPORTED_FIELDS,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
