"""An administrator's levers on accounts: unlock, require a new password, sign out everywhere.

Each one holds the account's row lock while it writes, like sign-in does, so an
unlock cannot interleave with a failed attempt counting towards a new lock.
Ending sessions is done twice over on purpose: the server-side session rows
end (so the record says why) and the session version is bumped (so every
cookie issued before stops loading, whatever state its row is in).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import User
from app.scope import Scope
from app.services import audit, sessions
from app.services.client_accounts import accounts, failure_state, get_account
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write
from auth.lockout import unlocked

#: What each control changes on the account, for the audit trail (names, never values).
UNLOCK_FIELDS = ("failed_attempts", "first_failure_at", "locked_at", "locked_until")
NEW_PASSWORD_FIELDS = ("must_change_password", "session_version")


def unlock(session: Session, scope: Scope, user_id: uuid.UUID, *, actor: User) -> User:
    """Lift the account's lock and clear its failure count; commit."""
    require_admin(actor, scope)
    with _transaction(session):
        user = get_account(session, scope, user_id, lock=True)
        state = unlocked(failure_state(user))
        user.failed_attempts, user.first_failure_at = state.failures, state.first_failure_at
        user.locked_at, user.locked_until = state.locked_at, state.locked_until
        _audit(session, scope, "user.unlock", user, actor, UNLOCK_FIELDS)
    return user


def require_new_password(
    session: Session, scope: Scope, user_id: uuid.UUID, *, actor: User, now: datetime
) -> User:
    """Make the account choose a new password at its next sign-in, signed out now; commit."""
    require_admin(actor, scope)
    with _transaction(session):
        user = get_account(session, scope, user_id, lock=True)
        user.must_change_password = True
        _sign_out(session, user, now)
        _audit(session, scope, "user.require_new_password", user, actor, NEW_PASSWORD_FIELDS)
    return user


def require_new_passwords_for_everyone(
    session: Session, scope: Scope, *, actor: User, now: datetime
) -> int:
    """Every account of the client, the actor's too, must choose a new password; commit.

    Returns how many accounts that is. Deactivated accounts are included, so
    one reactivated later cannot sign in with a password from before.
    """
    require_admin(actor, scope)
    with _transaction(session):
        users = session.scalars(accounts(scope).with_for_update()).all()
        for user in users:
            user.must_change_password = True
            _sign_out(session, user, now)
            _audit(session, scope, "user.require_new_password", user, actor, NEW_PASSWORD_FIELDS)
    return len(users)


def sign_out_everywhere(
    session: Session, scope: Scope, user_id: uuid.UUID, *, actor: User, now: datetime
) -> User:
    """End every session of the account, in every browser; commit."""
    require_admin(actor, scope)
    with _transaction(session):
        user = get_account(session, scope, user_id, lock=True)
        _sign_out(session, user, now)
        _audit(session, scope, "user.sign_out_everywhere", user, actor, ("session_version",))
    return user


def _sign_out(session: Session, user: User, now: datetime) -> None:
    sessions.end_all(session, user.id, now=now)
    user.session_version += 1


def _audit(session, scope, action, user, actor, fields: tuple[str, ...]) -> None:
    audit.record(
        session,
        action=action,
        client_id=scope.client_id,
        object_type="user",
        object_id=user.id,
        fields=fields,
        actor_id=actor.id,
        actor_role=actor.role.value,
    )


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """The use case's write transaction: committed if the block ends, else rolled back."""
    start_write(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
