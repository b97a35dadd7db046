"""An administrator limits a staff member to the schedules they work on.

Which schedules someone works on is set on each schedule's settings page (its staff);
this switch decides whether that list also bounds what they see. Administrators always
see every schedule: they are the ones who set these limits.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Role, Schedule, User, schedule_staff
from app.scope import Scope
from app.services import audit
from app.services.permissions import require_admin
from app.services.staff_accounts import get_member
from app.services.unit_of_work import start_write


def schedules_worked_on(session: Session, scope: Scope, user_id: uuid.UUID) -> list[Schedule]:
    """The client's schedules that list this person among their staff, by name."""
    stmt = (
        scope.schedules()
        .join(schedule_staff, schedule_staff.c.schedule_id == Schedule.id)
        .where(schedule_staff.c.user_id == user_id)
        .order_by(Schedule.name)
    )
    return list(session.scalars(stmt))


def limit_to_own_schedules(
    session: Session, scope: Scope, user_id: uuid.UUID, own_only: bool, *, actor: User
) -> User:
    """Switch whether a staff member sees only the schedules they work on; commit."""
    require_admin(actor, scope)
    start_write(session)
    try:
        member = get_member(session, scope, user_id)
        if member.role is not Role.STAFF:
            raise InvalidInput("Administrators always see every schedule.")
        if member.sees_own_schedules_only != own_only:
            member.sees_own_schedules_only = own_only
            audit.record(
                session,
                action="user.schedule_access_change",
                client_id=scope.client_id,
                object_type="user",
                object_id=member.id,
                fields=("sees_own_schedules_only",),
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return member
