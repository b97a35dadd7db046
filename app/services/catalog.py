"""The client's services: create, change, switch off, and delete the never-booked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict
from app.models import Appointment, Schedule, Service, User, schedule_services
from app.scope import Scope
from app.services import audit
from app.services.booking import bump_rules
from app.services.calendar_refresh import touch_appointments
from app.services.field_errors import FieldConflict, InvalidField
from app.services.permissions import require_admin
from app.services.schedule_writes import audit_setting, commit_or_conflict
from app.services.unit_of_work import start_write

MAX_NAME = 200
MAX_DESCRIPTION = 2000
DURATION_MINUTES = (5, 24 * 60)


@dataclass(frozen=True)
class ServiceDetails:
    """What the service form sets."""

    name: str
    duration_minutes: int
    description: str = ""
    is_active: bool = True


def checked_details(details: ServiceDetails) -> ServiceDetails:
    """`details` trimmed, or `InvalidField` for the first rule broken."""
    name, description = details.name.strip(), details.description.strip()
    if not name:
        raise InvalidField("name", "Give the service a name.")
    if len(name) > MAX_NAME:
        raise InvalidField("name", f"A name can be at most {MAX_NAME} characters.")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidField(
            "description", f"A description can be at most {MAX_DESCRIPTION:,} characters."
        )
    low, high = DURATION_MINUTES
    if not low <= details.duration_minutes <= high:
        raise InvalidField(
            "duration_minutes", f"A service lasts between {low} and {high:,} minutes (a day)."
        )
    return replace(details, name=name, description=description)


def service_list(session: Session, scope: Scope) -> list[Service]:
    """The client's services by name, switched-off ones included."""
    return list(session.scalars(scope.services().order_by(Service.name)))


def create_service(
    session: Session, scope: Scope, details: ServiceDetails, *, actor: User
) -> Service:
    """Create and commit a service; it is offered nowhere until a schedule lists it."""
    require_admin(actor, scope)
    details = checked_details(details)
    start_write(session)
    try:
        _refuse_taken_name(session, scope, details.name, None)
        service = Service(client_id=scope.client_id, id=uuid.uuid4())
        _apply(service, details)
        session.add(service)
        audit_setting(session, scope, "settings.create", service, actor)
        commit_or_conflict(session)
    except BaseException:
        session.rollback()
        raise
    return service


def update_service(
    session: Session, scope: Scope, service_id: uuid.UUID, details: ServiceDetails, *, actor: User
) -> Service:
    """Change a service and commit; the schedules offering it recompute their slots."""
    require_admin(actor, scope)
    details = checked_details(details)
    start_write(session)
    try:
        service = scope.get_service(session, service_id)
        _refuse_taken_name(session, scope, details.name, service.id)
        renamed = service.name != details.name
        _apply(service, details)
        changed = audit.changed_fields(service)  # before the reads below flush them
        if renamed:
            touch_appointments(session, Appointment.service_id == service.id, now=utcnow())
        # A new duration or an off switch changes what those schedules can offer.
        for schedule_id in _offering(session, scope, service.id):
            bump_rules(session, schedule_id)
        audit_setting(session, scope, "settings.change", service, actor, changed)
        commit_or_conflict(session)
    except BaseException:
        session.rollback()
        raise
    return service


def delete_service(session: Session, scope: Scope, service_id: uuid.UUID, *, actor: User) -> None:
    """Delete a service nobody ever booked; `Conflict` (switch it off instead) otherwise."""
    require_admin(actor, scope)
    start_write(session)
    try:
        service = scope.get_service(session, service_id)
        booked = session.scalar(
            select(func.count()).select_from(
                scope.appointments().where(Appointment.service_id == service.id).subquery()
            )
        )
        if booked:
            raise Conflict(
                f"{service.name} has appointments on record, so it cannot be deleted. "
                "Switch it off instead: it then cannot be booked."
            )
        for schedule_id in _offering(session, scope, service.id):
            bump_rules(session, schedule_id)
        audit_setting(session, scope, "settings.delete", service, actor)
        session.delete(service)
        commit_or_conflict(session)
    except BaseException:
        session.rollback()
        raise


def _apply(service: Service, details: ServiceDetails) -> None:
    service.name = details.name
    service.description = details.description
    service.duration_minutes = details.duration_minutes
    service.is_active = details.is_active


def _refuse_taken_name(
    session: Session, scope: Scope, name: str, service_id: uuid.UUID | None
) -> None:
    # Two services with one name would be indistinguishable on the booking page.
    stmt = scope.services().where(func.lower(Service.name) == name.lower())
    if service_id is not None:
        stmt = stmt.where(Service.id != service_id)
    if session.scalars(stmt).first() is not None:
        raise FieldConflict("name", "Another service already has that name.")


def _offering(session: Session, scope: Scope, service_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = (
        scope.schedules()
        .join(schedule_services, schedule_services.c.schedule_id == Schedule.id)
        .where(schedule_services.c.service_id == service_id)
        .with_only_columns(Schedule.id)
    )
    return list(session.scalars(stmt))
