"""Every account of a client, reached through the scope's own filters.

`Scope` offers the team and the customers separately; the security pages act
on either kind, so their statements are combined here rather than written a
third time with a filter of their own.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Role, User
from app.scope import Scope
from auth.lockout import FailureState


def accounts(scope: Scope) -> Select[tuple[User]]:
    """Staff, administrators and customers of the scope's client."""
    ids = (
        scope.team().with_only_columns(User.id).union(scope.customers().with_only_columns(User.id))
    )
    return select(User).where(User.id.in_(ids))


def get_account(session: Session, scope: Scope, user_id: uuid.UUID, *, lock: bool = False) -> User:
    """One account of the client, else `NotFound`; `lock` holds its row until the commit."""
    stmt = accounts(scope).where(User.id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    user = session.scalars(stmt).one_or_none()
    if user is None:
        raise NotFound
    if user.role is Role.CUSTOMER:  # a locked record's account is the named people's too
        scope.check_open(session, user.id)
    return user


def failure_state(user: User) -> FailureState:
    """The account's failed sign-ins and lock, as auth.lockout reads them."""
    return FailureState(
        user.failed_attempts, user.first_failure_at, user.locked_at, user.locked_until
    )
