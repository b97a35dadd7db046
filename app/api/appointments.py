"""A signed-in customer's own appointments: list them, and book one.

Both need the session cookie of a customer of the client in the URL; a customer of
another client is answered as if not signed in there (401), never with data. The POST
also needs the CSRF token in the `X-CSRFToken` header.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, request
from flask_login import current_user

from app.access import login_required_role
from app.api import bp, ok
from app.api.schemas import BookingPayload
from app.db import get_session, utcnow
from app.models import Appointment, Role
from app.services.appointment_list import AppointmentRow, appointments_in
from app.services.booking import BookingRequest, book
from app.web.accounts import load_client
from app.web.customer_gate import customer_scope


@bp.get("/clients/<slug>/appointments")
@login_required_role(Role.CUSTOMER)
def list_appointments(slug: str) -> Response:
    """The signed-in customer's appointments at this client, oldest first."""
    scope = customer_scope(load_client(slug))
    return ok([_row(row) for row in appointments_in(get_session(), scope)])


@bp.post("/clients/<slug>/appointments")
@login_required_role(Role.CUSTOMER)
def create_appointment(slug: str) -> Response:
    """Book `service` at `start` (on `schedule`, or the first with room): 201 or the reason."""
    payload = BookingPayload.model_validate_json(request.get_data(), strict=True)
    scope = customer_scope(load_client(slug))
    appointment = book(
        get_session(),
        scope,
        BookingRequest(
            service_id=payload.service,
            start=payload.start,
            schedule_id=payload.schedule,
            notes=payload.notes,
        ),
        customer_id=current_user.id,
        actor=current_user._get_current_object(),
        now=utcnow(),
    )
    return ok(_created(appointment), status=201)


def _created(appointment: Appointment) -> dict[str, str]:
    return {
        "id": str(appointment.id),
        "start": _iso_utc(appointment.start_at),
        "end": _iso_utc(appointment.end_at),
        "status": appointment.status.value,
    }


def _row(row: AppointmentRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "start": _iso_utc(row.start),
        "end": _iso_utc(row.end),
        "status": row.status.value,
        "service": {"id": str(row.service_id), "name": row.service_name},
        "schedule": {"id": str(row.schedule_id), "name": row.schedule_name},
    }


def _iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
