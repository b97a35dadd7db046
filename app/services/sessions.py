"""Opening, checking and ending server-side sessions, with the client's timeouts.

`check` runs on every signed-in request: it ends a session that has been idle
too long or reached its absolute lifetime (recording why), and otherwise
notes the activity. Activity is written at most once every `TOUCH_EVERY`, so
a busy page does not write on every request; the idle clock is that coarse.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from app.models import Client, Role, SecurityPolicyRow, SessionEndReason, User, UserSession
from app.models.login_attempt import MAX_USER_AGENT
from app.services import audit
from app.services.client_policy import client_policy, remember_policy
from auth.session_rules import SessionRules, expires_at, session_end

#: Where the Flask session keeps the token of the server-side session.
SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(seconds=30)
STAFF_ROLES = frozenset({Role.STAFF, Role.CLIENT_ADMIN, Role.SUPPORT, Role.PLATFORM_ADMIN})


@dataclass(frozen=True)
class SessionCheck:
    ended: SessionEndReason | None  #: why it ended, or None while valid
    expires_at: datetime | None
    idle_limit: timedelta


#: `session.info` key of the open session row `load_signed_in` read along with the user.
_OPEN_ROW = "safeslot.open_session_row"
#: `session.info` key of the transaction `load_signed_in` ran in and the user's client.
_SIGNED_IN_CLIENT = "safeslot.signed_in_client"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rules_for(session: Session, user: User) -> SessionRules:
    if user.client_id is None:
        return SessionRules()
    return client_policy(session, user.client_id).sessions


def open_session(
    session: Session, user: User, *, now: datetime, ip_address: str, user_agent: str
) -> str:
    """Start a session for `user` and commit; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            client_id=user.client_id,
            started_at=now,
            last_seen_at=now,
            ip_address=ip_address[:45],
            user_agent=user_agent[:MAX_USER_AGENT],
        )
    )
    session.commit()
    return token


def check(session: Session, user: User, token: str | None, *, now: datetime) -> SessionCheck:
    """Whether the session behind `token` is still valid at `now` (ending it if not)."""
    rules = rules_for(session, user)
    is_staff = user.role in STAFF_ROLES
    idle = rules.idle_for(is_staff=is_staff)
    row = _open_row(session, user.id, token)
    if row is None:  # signed out elsewhere, revoked, or a cookie from before sessions
        return SessionCheck(SessionEndReason.REVOKED, None, idle)
    ended = session_end(
        started_at=row.started_at,
        last_seen_at=row.last_seen_at,
        now=now,
        rules=rules,
        is_staff=is_staff,
    )
    if ended is not None:
        row.ended_at, row.end_reason = now, SessionEndReason(ended.value)
        session.commit()
        return SessionCheck(row.end_reason, None, idle)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    # From the stored time, not `now`: the server ends the session by that clock.
    limit = expires_at(
        started_at=row.started_at, last_seen_at=row.last_seen_at, rules=rules, is_staff=is_staff
    )
    return SessionCheck(None, limit, idle)


def end(session: Session, token: str | None, reason: SessionEndReason, *, now: datetime) -> None:
    """End one session (sign-out) and commit."""
    if token:
        ended = session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
            .returning(UserSession.user_id, UserSession.client_id)
        ).first()
        if ended is not None and reason is SessionEndReason.SIGNED_OUT:
            _audit_sign_out(session, ended.user_id, ended.client_id)
        session.commit()


def _audit_sign_out(session: Session, user_id: uuid.UUID, client_id: uuid.UUID | None) -> None:
    user = session.get(User, user_id)
    audit.record(
        session,
        action="sign_out",
        client_id=client_id,
        object_type="user",
        object_id=user_id,
        actor_id=user_id,
        actor_role=user.role.value if user else None,
    )


def end_all(session: Session, user_id: uuid.UUID, *, now: datetime) -> int:
    """End every open session of a user (the caller commits with its own change)."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=SessionEndReason.REVOKED)
    )
    return result.rowcount


def load_signed_in(session: Session, user_id: uuid.UUID, token: str | None) -> User | None:
    """The user, with their client, its policy and the open session of `token`, in one query.

    Every signed-in request needs all of them (`check` runs next, most views then load
    the client of their URL): they are kept for the rest of the transaction instead of
    being read again.
    """
    token_hash = _hash(token) if token else ""
    row = session.execute(
        select(User, SecurityPolicyRow, UserSession, Client)
        .outerjoin(Client, Client.id == User.client_id)
        .outerjoin(SecurityPolicyRow, SecurityPolicyRow.client_id == User.client_id)
        .outerjoin(
            UserSession,
            and_(
                UserSession.user_id == User.id,
                UserSession.token_hash == token_hash,
                UserSession.ended_at.is_(None),
            ),
        )
        .where(User.id == user_id)
    ).one_or_none()
    if row is None:
        return None
    user, policy, open_row, client = row
    if client is not None:  # platform users belong to no client
        remember_policy(session, client.id, policy)
        session.info[_SIGNED_IN_CLIENT] = (session.get_transaction(), client)
    session.info[_OPEN_ROW] = (session.get_transaction(), token_hash, open_row)
    return user


def signed_in_client(session: Session, slug: str) -> Client | None:
    """The client `load_signed_in` read, if it is the open client at `slug`; else None.

    Only within the transaction it was read in: there the identity map would hand back
    this very object, so it is what a query by slug would return. After a commit or
    rollback the row may have changed (closed, renamed), so the caller queries again.
    """
    remembered = session.info.get(_SIGNED_IN_CLIENT)
    if remembered is None or remembered[0] is not session.get_transaction():
        return None
    client = remembered[1]
    # The query would not find an object taken out of the session or deleted in it, and
    # its autoflush would apply unsaved changes: so the checks read the object itself.
    if client not in session or client in session.deleted:
        return None
    return client if client.slug == slug and client.closed_at is None else None


def _open_row(session: Session, user_id: uuid.UUID, token: str | None) -> UserSession | None:
    if not token:
        return None
    remembered = session.info.pop(_OPEN_ROW, None)
    if remembered is not None:
        transaction, token_hash, row = remembered
        if transaction is session.get_transaction() and token_hash == _hash(token):
            return row if row is None or row.user_id == user_id else None
    return session.scalars(
        select(UserSession).where(
            UserSession.token_hash == _hash(token),
            UserSession.user_id == user_id,
            UserSession.ended_at.is_(None),
        )
    ).one_or_none()
