"""What a client offers anyone who visits: its active services and the schedules offering them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Client, Schedule, Service, schedule_services
from app.scope import Scope


@dataclass(frozen=True)
class OfferedSchedule:
    id: uuid.UUID
    name: str
    timezone: str


@dataclass(frozen=True)
class OfferedService:
    id: uuid.UUID
    name: str
    description: str
    duration_minutes: int
    #: Active schedules offering the service, in "first available" order (by name).
    schedules: tuple[OfferedSchedule, ...]


def client_by_slug(session: Session, slug: str) -> tuple[uuid.UUID, str]:
    """The ID and time zone of the client at `slug`, else `NotFound`."""
    row = session.execute(
        select(Client.id, Client.timezone).where(Client.slug == slug, Client.closed_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFound
    return row[0], row[1]


def offered_services(session: Session, client_slug: str) -> list[OfferedService]:
    """The client's active services by name, each with the active schedules offering it."""
    client_id, _zone = client_by_slug(session, client_slug)
    scope = Scope(client_id)
    services = session.execute(
        scope.services()
        .where(Service.is_active.is_(True))
        .with_only_columns(Service.id, Service.name, Service.description, Service.duration_minutes)
        .order_by(Service.name, Service.id)
    ).all()
    offering: dict[uuid.UUID, list[OfferedSchedule]] = {}
    for service_id, *schedule in session.execute(
        scope.schedules()
        .join(schedule_services, schedule_services.c.schedule_id == Schedule.id)
        .where(Schedule.is_active.is_(True))
        .with_only_columns(
            schedule_services.c.service_id, Schedule.id, Schedule.name, Schedule.timezone
        )
        .order_by(Schedule.name, Schedule.id)
    ):
        offering.setdefault(service_id, []).append(OfferedSchedule(*schedule))
    return [
        OfferedService(*service, schedules=tuple(offering.get(service[0], ())))
        for service in services
    ]
