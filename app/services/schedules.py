"""Creating a schedule and changing its settings, services offered and staff assigned."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Schedule, Service, User
from app.scope import Scope
from app.services.field_errors import FieldConflict
from app.services.permissions import require_admin
from app.services.schedule_rules import ScheduleSettings, checked_settings
from app.services.schedule_writes import audit_setting, commit_or_conflict, schedule_write
from app.services.staff_accounts import team
from app.services.unit_of_work import start_write

SLUG_TAKEN = "Another schedule already uses that web address name."


def create_schedule(
    session: Session, scope: Scope, settings: ScheduleSettings, *, actor: User
) -> Schedule:
    """Create and commit a schedule (no opening hours yet); `InvalidField` or `FieldConflict`."""
    require_admin(actor, scope)
    settings = checked_settings(settings)
    start_write(session)
    try:
        _refuse_taken_slug(session, scope, settings.slug, None)
        schedule = Schedule(client_id=scope.client_id)
        _apply(session, scope, schedule, settings)
        session.add(schedule)
        schedule.id = uuid.uuid4()  # known before the INSERT, for the audit event
        audit_setting(session, scope, "settings.create", schedule, actor)
        commit_or_conflict(session, SLUG_TAKEN)
    except BaseException:
        session.rollback()
        raise
    return schedule


def update_schedule(
    session: Session,
    scope: Scope,
    schedule_id: uuid.UUID,
    settings: ScheduleSettings,
    *,
    actor: User,
) -> Schedule:
    """Change a schedule's settings, services and staff, and commit; nothing on refusal."""
    require_admin(actor, scope)
    settings = checked_settings(settings)
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        _refuse_taken_slug(session, scope, settings.slug, schedule.id)
        _apply(session, scope, schedule, settings)
    return schedule


def _apply(session: Session, scope: Scope, schedule: Schedule, settings: ScheduleSettings) -> None:
    # Look everything up before changing anything: a refusal leaves the schedule untouched.
    # A switched-off service may stay offered (booking refuses it) and a deactivated
    # member stay assigned (assignment is informational), so old choices never block a save.
    services = _services(session, scope, settings.service_ids)
    staff = _staff(session, scope, settings.staff_ids)
    schedule.name = settings.name
    schedule.slug = settings.slug
    schedule.timezone = settings.timezone
    schedule.slot_step_minutes = settings.slot_step_minutes
    schedule.buffer_before_minutes = settings.buffer_before_minutes
    schedule.buffer_after_minutes = settings.buffer_after_minutes
    schedule.min_notice_minutes = settings.min_notice_minutes
    schedule.horizon_days = settings.horizon_days
    schedule.capacity = settings.capacity
    schedule.daily_cap = settings.daily_cap
    schedule.weekly_cap = settings.weekly_cap
    schedule.approval_required = settings.approval_required
    schedule.is_active = settings.is_active
    schedule.services = services
    schedule.staff = staff


def _refuse_taken_slug(
    session: Session, scope: Scope, slug: str, schedule_id: uuid.UUID | None
) -> None:
    stmt = scope.schedules().where(Schedule.slug == slug)
    if schedule_id is not None:
        stmt = stmt.where(Schedule.id != schedule_id)
    if session.scalars(stmt).first() is not None:
        raise FieldConflict("slug", SLUG_TAKEN)


def _services(session: Session, scope: Scope, ids: Sequence[uuid.UUID]) -> list[Service]:
    wanted = set(ids)
    found = session.scalars(scope.services().where(Service.id.in_(wanted))).all() if wanted else []
    if len(found) != len(wanted):
        raise NotFound  # an ID from outside the client: as if it did not exist
    return sorted(found, key=lambda service: service.name)


def _staff(session: Session, scope: Scope, ids: Sequence[uuid.UUID]) -> list[User]:
    wanted = set(ids)
    if not wanted:
        return []
    members = {member.id: member for member in team(session, scope)}
    if not wanted <= members.keys():
        raise NotFound
    return sorted((members[user_id] for user_id in wanted), key=lambda m: m.display_name)


def schedule_list(session: Session, scope: Scope) -> list[Schedule]:
    """The client's schedules by name, active and inactive."""
    return list(session.scalars(scope.schedules().order_by(Schedule.name)))
