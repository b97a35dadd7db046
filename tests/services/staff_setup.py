"""A client with an administrator, a staff member and a service, for the staff use cases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import (
    Appointment,
    AppointmentStatusChange,
    Client,
    Closure,
    DateOverride,
    Role,
    Schedule,
    Service,
    User,
    WeeklyHours,
    schedule_services,
    schedule_staff,
)
from app.scope import Scope

#: Every table a staff use case may write, counted to prove a refusal wrote nothing.
TABLES = (
    Schedule,
    WeeklyHours,
    DateOverride,
    Closure,
    Service,
    User,
    Appointment,
    AppointmentStatusChange,
    schedule_services,
    schedule_staff,
)


@dataclass
class Office:
    client: Client
    admin: User
    staff: User
    service: Service
    scope: Scope


def make_office(make_client, make_user, make_service) -> Office:
    """A fresh client with its team and one 30-minute service."""
    client = make_client()
    return Office(
        client=client,
        admin=make_user(client=client, role=Role.CLIENT_ADMIN),
        staff=make_user(client=client, role=Role.STAFF),
        service=make_service(client=client),
        scope=Scope(client.id),
    )


def fresh(session) -> None:
    """Read what is committed now: end the session's snapshot and forget what it loaded.

    SQLite (WAL) and PostgreSQL both read from the snapshot a transaction started with,
    so a session that read before a request committed would not see the request's rows.
    """
    session.rollback()
    session.expire_all()


def snapshot(session) -> dict:
    """Row counts of every table, and each schedule's settings and version."""
    fresh(session)
    counts = {str(t): session.scalar(select(func.count()).select_from(t)) for t in TABLES}
    schedules = session.execute(
        select(Schedule.id, Schedule.name, Schedule.slug, Schedule.availability_version)
    ).all()
    services = session.execute(select(Service.id, Service.name, Service.duration_minutes)).all()
    return {"counts": counts, "schedules": sorted(schedules), "services": sorted(services)}
