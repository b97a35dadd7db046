"""Login attempts and open sessions made to order, for the security pages' tests."""

from __future__ import annotations

from datetime import UTC, datetime

from app.models import Client, LoginAttempt, LoginOutcome, User
from app.services import sessions

#: A winter Friday: London is on UTC, New York five hours behind.
WHEN = datetime(2031, 2, 28, 15, 0, tzinfo=UTC)


def make_attempt(
    session,
    client: Client,
    user: User | None = None,
    *,
    at: datetime = WHEN,
    outcome: LoginOutcome = LoginOutcome.SUCCESS,
    ip_address: str = "203.0.113.7",
    user_agent: str = "Mozilla/5.0 (test)",
) -> LoginAttempt:
    """One logged attempt on `client` (on no account when `user` is None); committed."""
    attempt = LoginAttempt(
        client_id=client.id,
        user_id=user.id if user else None,
        attempted_at=at,
        outcome=outcome if user else LoginOutcome.UNKNOWN_ACCOUNT,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    session.add(attempt)
    session.commit()
    return attempt


def open_session(session, user: User, *, at: datetime = WHEN) -> str:
    """A signed-in browser of `user` (its session row); returns the cookie's token."""
    return sessions.open_session(session, user, now=at, ip_address="203.0.113.7", user_agent="t")
