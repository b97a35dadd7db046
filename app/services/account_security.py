"""What an administrator reads about sign-in security: locked accounts and one account's state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.crypto.ordering import sorted_by_name
from app.models import LoginAttempt, LoginOutcome, User
from app.scope import Scope
from app.services import login_log
from app.services.client_accounts import accounts, failure_state, get_account

#: Outcomes after which the person was in (an expired password still signs in, to change it).
SIGNED_IN = (LoginOutcome.SUCCESS, LoginOutcome.EXPIRED_PASSWORD)


@dataclass(frozen=True)
class LockedAccounts:
    users: list[User]  #: most recently locked first
    zone: ZoneInfo
    #: Customers whose records are locked against the viewer: listed, but not named.
    hidden: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class AccountOverview:
    user: User
    locked: bool
    last_signed_in_at: datetime | None  #: UTC
    recent: list[login_log.LogEntry]
    zone: ZoneInfo


def locked_accounts(session: Session, scope: Scope, *, now: datetime) -> LockedAccounts:
    """Accounts of the client whose lock is in force at `now`, and the client's zone."""
    # The same rule as auth.lockout.FailureState.is_locked, written as SQL.
    in_force = or_(User.locked_until.is_(None), User.locked_until > now)
    stmt = accounts(scope).where(User.locked_at.is_not(None), in_force)
    # Names are encrypted: by name in Python, then (stable) most recently locked first.
    users = sorted_by_name(session.scalars(stmt))
    users.sort(key=lambda user: user.locked_at, reverse=True)
    zone = login_log.client_zone(session, scope)
    return LockedAccounts(users, zone, scope.locked_customer_ids(session))


def account_overview(
    session: Session, scope: Scope, user_id: uuid.UUID, *, now: datetime
) -> AccountOverview:
    """One account of the client with its lock, last sign-in and latest attempts."""
    user = get_account(session, scope, user_id)
    last = session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.client_id == scope.client_id,
            LoginAttempt.user_id == user.id,
            LoginAttempt.outcome.in_(SIGNED_IN),
        )
    )
    return AccountOverview(
        user=user,
        locked=failure_state(user).is_locked(now),
        last_signed_in_at=last,
        recent=login_log.recent(session, scope, user.id),
        zone=login_log.client_zone(session, scope),
    )
