"""Factories with defaults: `make_x(session, **overrides)` builds, commits and returns a row.

Anything not given is made up (a client, a schedule, a customer ...), so a test states
only what it is about. Conftest exposes each one as a fixture bound to `db_session`,
so tests call `make_appointment(status=...)`.
"""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    Client,
    Role,
    Schedule,
    Service,
    User,
    WeeklyHours,
)
from auth.passwords import hash_password
from tests.settings import TEST_BCRYPT_COST, TEST_BLIND_INDEX_KEY, make_test_config

DEFAULT_PASSWORD = "correct horse battery staple"
#: A Monday, far enough ahead that nothing about it is in the past.
DEFAULT_START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
#: Mon-Fri 09:00-17:00.
DEFAULT_HOURS = tuple((weekday, time(9, 0), time(17, 0)) for weekday in range(5))

_sequence = itertools.count(1)
#: The pepper the test configuration derives from its SECRET_KEY, so factory-made users
#: can sign in through the app.
_PEPPER = make_test_config(
    instance_path=Path(tempfile.gettempdir()), database_url="sqlite://"
).password_pepper


def _n() -> int:
    return next(_sequence)


def _save(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.commit()
    return obj


def make_client(session: Session, **overrides: Any) -> Client:
    """A client in Europe/London with a unique slug."""
    n = _n()
    values: dict[str, Any] = {
        "slug": f"client-{n}",
        "name": f"Client {n}",
        "timezone": "Europe/London",
    }
    values.update(overrides)
    return _save(session, Client(**values))


def make_user(
    session: Session,
    *,
    client: Client | None = None,
    role: Role = Role.CUSTOMER,
    password: str = DEFAULT_PASSWORD,
    **overrides: Any,
) -> User:
    """A user (customer by default) of `client` (a new one unless given or platform role)."""
    if client is None and not role.is_platform:
        client = make_client(session)
    n = _n()
    email = overrides.pop("email", f"user{n}@example.org")
    values: dict[str, Any] = {
        "client_id": client.id if client else None,
        "role": role,
        "email": email,
        "email_lookup": email_lookup(email, TEST_BLIND_INDEX_KEY),
        "display_name": f"User {n}",
        "password_hash": hash_password(password, _PEPPER, TEST_BCRYPT_COST),
    }
    values.update(overrides)
    return _save(session, User(**values))


def make_service(session: Session, *, client: Client | None = None, **overrides: Any) -> Service:
    """A 30-minute service of `client` (a new one unless given)."""
    client = client or make_client(session)
    values: dict[str, Any] = {
        "client_id": client.id,
        "name": f"Service {_n()}",
        "duration_minutes": 30,
    }
    values.update(overrides)
    return _save(session, Service(**values))


def make_schedule(
    session: Session,
    *,
    client: Client | None = None,
    hours: tuple[tuple[int, time, time], ...] = DEFAULT_HOURS,
    services: list[Service] | None = None,
    **overrides: Any,
) -> Schedule:
    """A schedule open Mon-Fri 09:00-17:00 in the client's zone, offering `services`."""
    client = client or make_client(session)
    n = _n()
    values: dict[str, Any] = {
        "client_id": client.id,
        "name": f"Schedule {n}",
        "slug": f"schedule-{n}",
        "timezone": client.timezone,
        "weekly_hours": [
            WeeklyHours(weekday=weekday, start_time=start, end_time=end)
            for weekday, start, end in hours
        ],
        "services": list(services or []),
    }
    values.update(overrides)
    return _save(session, Schedule(**values))


def make_appointment(
    session: Session,
    *,
    schedule: Schedule | None = None,
    service: Service | None = None,
    customer: User | None = None,
    start_at: datetime = DEFAULT_START,
    status: AppointmentStatus = AppointmentStatus.CONFIRMED,
    **overrides: Any,
) -> Appointment:
    """A confirmed appointment; schedule, service and customer share one client."""
    if schedule is None:
        owner_id = service.client_id if service else customer.client_id if customer else None
        schedule = make_schedule(
            session, client=session.get(Client, owner_id) if owner_id else make_client(session)
        )
    client = session.get(Client, schedule.client_id)
    service = service or make_service(session, client=client)
    customer = customer or make_user(session, client=client)
    values: dict[str, Any] = {
        "client_id": schedule.client_id,
        "schedule_id": schedule.id,
        "service_id": service.id,
        "customer_id": customer.id,
        "start_at": start_at,
        "end_at": start_at + timedelta(minutes=service.duration_minutes),
        "buffer_before_minutes": schedule.buffer_before_minutes,
        "buffer_after_minutes": schedule.buffer_after_minutes,
        "status": status,
    }
    values.update(overrides)
    appointment = Appointment(**values)
    appointment.status_changes.add(
        AppointmentStatusChange(
            from_status=None,
            to_status=values["status"],
            changed_at=values["start_at"] - timedelta(days=1),
        )
    )
    return _save(session, appointment)
