"""An administrator moves a team member between staff and administrator."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Role, User
from app.scope import Scope
from app.services import audit, sessions
from app.services.field_errors import InvalidField
from app.services.permissions import TEAM_ROLES, require_admin
from app.services.staff_accounts import get_member
from app.services.unit_of_work import start_write


def change_role(
    session: Session, scope: Scope, user_id: uuid.UUID, role: Role, *, actor: User, now: datetime
) -> User:
    """Give a member of the team a new role and sign them out everywhere; commit.

    Signing out makes the next sign-in apply the new role's rules from the start, such
    as a second factor the client requires of administrators only.
    """
    require_admin(actor, scope)
    if role not in TEAM_ROLES:
        raise InvalidField("role", "Choose staff or administrator.")
    if user_id == actor.id:
        # Another administrator must do it, so the client is never left without one.
        raise InvalidInput("You cannot change your own role.")
    start_write(session)
    try:
        member = get_member(session, scope, user_id)
        if member.role is role:
            raise InvalidField("role", f"{member.display_name} already has that role.")
        member.role = role
        member.session_version += 1
        sessions.end_all(session, member.id, now=now)
        audit.record(
            session,
            action="user.role_change",
            client_id=scope.client_id,
            object_type="user",
            object_id=member.id,
            fields=("role",),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return member
