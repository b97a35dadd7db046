"""An administrator clears the second factor of someone who lost their authenticator.

Their own path out (a recovery code) needs the codes they may have lost too, so the
client's administrator is the way back in, as for a lost password. Clearing ends every
session of the person; if the client requires a second factor of their role, the next
sign-in leads straight to enrolling a new authenticator app.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import User
from app.scope import Scope
from app.services import audit, recovery_codes, sessions
from app.services.client_accounts import get_account
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write


def reset_second_factor(
    session: Session, scope: Scope, user_id: uuid.UUID, *, actor: User, now: datetime
) -> User:
    """Remove the person's authenticator app and recovery codes, sign them out; commit."""
    require_admin(actor, scope)
    if user_id == actor.id:
        # Signed in, the administrator can change their own on the two-step sign-in page,
        # where the password is asked again.
        raise InvalidInput("Change your own second factor on your two-step sign-in page.")
    start_write(session)
    try:
        user = get_account(session, scope, user_id, lock=True)
        if not user.has_second_factor and user.totp_pending_secret is None:
            raise InvalidInput(f"{user.display_name} has no second factor to reset.")
        user.totp_secret = user.totp_pending_secret = None
        user.totp_enabled_at = user.totp_last_step = None
        recovery_codes.remove_codes(session, user.id)
        sessions.end_all(session, user.id, now=now)
        user.session_version += 1
        audit.record(
            session,
            action="user.second_factor_reset",
            client_id=scope.client_id,
            object_type="user",
            object_id=user.id,
            fields=("totp_secret", "recovery_codes"),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return user
