"""Helpers for the platform pages: signing in without a client, grants, audit events."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import AuditEvent, GrantKind, SupportGrant, User
from tests.factories import DEFAULT_PASSWORD
from tests.services.staff_setup import fresh
from tests.web.forms import csrf_token
from tests.web.staff.helpers import NOW

SIGN_IN = "/platform/sign-in"


def platform_sign_in(client: FlaskClient, user: User, password: str = DEFAULT_PASSWORD):
    """Sign a support person or platform administrator in through the platform page."""
    token = csrf_token(client, SIGN_IN)
    return client.post(
        SIGN_IN, data={"email": user.email, "password": password, "csrf_token": token}
    )


def grant(session, client, admin, *, hours: int = 24, start=NOW, **overrides) -> SupportGrant:
    """A client administrator's grant in force from `start` for `hours`."""
    values = {
        "client_id": client.id,
        "kind": GrantKind.CLIENT,
        "reason": "Customer cannot book",
        "granted_by_id": admin.id,
        "starts_at": start,
        "expires_at": start + timedelta(hours=hours),
    }
    values.update(overrides)
    row = SupportGrant(**values)
    session.add(row)
    session.commit()
    return row


def events(session, action: str | None = None) -> list[AuditEvent]:
    """Audit events (fresh from the database), oldest first, of one action if given."""
    fresh(session)
    stmt = select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.scalars(stmt))
