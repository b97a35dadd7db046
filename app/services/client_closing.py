"""Closing a client's account: nobody of it signs in, books or subscribes any more.

Run from the command line by the platform's operator (`safeslot close-client`). In one
transaction the client is marked closed (its booking page, sign-in and API answer 404),
every one of its users is deactivated and signed out, and its calendar feeds and
support grants are revoked. A client with appointments still to come is not closed:
its customers must be told first, which cancelling them does. The last step, offered
separately because it cannot be undone, is crypto-shredding its keys
(`app.services.key_admin.shred_client`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeedToken,
    Client,
    SessionEndReason,
    SupportGrant,
    User,
    UserSession,
)
from app.services import audit
from app.services.unit_of_work import start_write

#: Appointments that still hold a customer's time.
_STILL_BOOKED = (AppointmentStatus.CONFIRMED, AppointmentStatus.REQUESTED)


@dataclass(frozen=True)
class ClosingReport:
    """What closing changed (all zero when the client was closed already)."""

    closed_at: datetime
    users: int
    sessions: int
    feeds: int
    support_grants: int
    already_closed: bool = False


def close_client(session: Session, slug: str, *, now: datetime) -> ClosingReport:
    """Close the client at `slug` and commit; `InvalidInput` while appointments are to come."""
    start_write(session)
    client = session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
    if client is None:
        raise NotFound(f"No client with slug {slug!r}.")
    if client.closed_at is not None:
        return ClosingReport(client.closed_at, 0, 0, 0, 0, already_closed=True)
    _require_nothing_booked(session, client, now)
    users = _deactivate_users(session, client)
    sessions = session.execute(
        update(UserSession)
        .where(UserSession.client_id == client.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=SessionEndReason.REVOKED)
    ).rowcount
    feeds = session.execute(
        update(CalendarFeedToken)
        .where(CalendarFeedToken.client_id == client.id, CalendarFeedToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    grants = session.execute(
        update(SupportGrant)
        .where(
            SupportGrant.client_id == client.id,
            SupportGrant.revoked_at.is_(None),
            SupportGrant.expires_at > now,
        )
        .values(revoked_at=now)
    ).rowcount
    client.closed_at = now
    audit.record(
        session,
        action="client.close",
        client_id=client.id,
        object_type="client",
        object_id=client.id,
        fields=("closed_at",),
    )
    session.commit()
    return ClosingReport(now, users, sessions, feeds, grants)


def _require_nothing_booked(session: Session, client: Client, now: datetime) -> None:
    upcoming = session.scalar(
        select(func.count()).where(
            Appointment.client_id == client.id,
            Appointment.status.in_(_STILL_BOOKED),
            Appointment.end_at > now,
        )
    )
    if upcoming:
        raise InvalidInput(
            f"{upcoming} appointment(s) of this client are still to come. Cancel them first "
            "(each customer is told), then close the account."
        )


def _deactivate_users(session: Session, client: Client) -> int:
    # A new session version also ends any session a signed-in browser still holds.
    return session.execute(
        update(User)
        .where(User.client_id == client.id, User.is_active.is_(True))
        .values(is_active=False, session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
