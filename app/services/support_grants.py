"""Granting platform support a look at a client: opening, revoking, and checking grants.

A client administrator grants support access with a reason for up to 72 hours and
may revoke it at any time. A platform administrator may open an emergency
("break-glass") grant without the client, with a reason, for up to an hour; the
client's administrators are e-mailed in the same transaction. The grant is read
from the database on every request (`active_grant`), never remembered in a session,
so expiry and revocation take effect on the very next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.config import get_config
from app.errors import AccessDenied, InvalidInput, NotFound
from app.models import Client, GrantKind, Role, SupportGrant, User
from app.models.support_grant import MAX_REASON
from app.scope import Scope
from app.services import audit, outbox
from app.services.field_errors import InvalidField
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write

#: The longest a client administrator's grant may last.
MAX_GRANT_HOURS = 72
#: The longest an emergency grant may last.
MAX_EMERGENCY_MINUTES = 60
#: Listed on the client's page: the most recent past grants.
PAST_LISTED = 50
#: The e-mail the client's administrators receive when an emergency grant opens.
EMERGENCY_TEMPLATE = "support_emergency"


@dataclass(frozen=True)
class ClientGrants:
    """What the client's "Support access" page lists."""

    active: list[SupportGrant]
    past: list[SupportGrant]
    names: dict[uuid.UUID, str]  #: who granted or revoked, by user ID


def actor_of(user: User) -> dict[str, object]:
    """The audit event's actor: `user`, whether or not there is a request."""
    return {"actor_id": user.id, "actor_role": user.role.value}


def check_reason(reason: str) -> str:
    """The reason, stripped; `InvalidField` when empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", "Say why support needs access.")
    if len(reason) > MAX_REASON:
        raise InvalidField("reason", f"A reason can be at most {MAX_REASON} characters.")
    return reason


def check_duration(value: int | None, *, maximum: int, unit: str) -> timedelta:
    """A whole number of `unit` ("hours" or "minutes") from 1 to `maximum`, else refused."""
    if value is None or isinstance(value, bool) or not 1 <= value <= maximum:
        raise InvalidField("duration", f"Choose from 1 to {maximum} {unit}.")
    return timedelta(**{unit: value})


def grant_support(
    session: Session, scope: Scope, *, actor: User, reason: str, hours: int | None, now: datetime
) -> SupportGrant:
    """A client administrator lets support in for `hours` (at most 72); committed and audited."""
    require_admin(actor, scope)
    reason = check_reason(reason)
    length = check_duration(hours, maximum=MAX_GRANT_HOURS, unit="hours")
    start_write(session)
    grant = SupportGrant(
        client_id=scope.client_id,
        kind=GrantKind.CLIENT,
        reason=reason,
        granted_by_id=actor.id,
        starts_at=now,
        expires_at=now + length,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        action="support.grant",
        client_id=scope.client_id,
        object_type="support_grant",
        object_id=grant.id,
        **actor_of(actor),
    )
    session.commit()
    return grant


def revoke(
    session: Session, scope: Scope, grant_id: uuid.UUID, *, actor: User, now: datetime
) -> SupportGrant:
    """A client administrator ends a grant now (an emergency one too); audited."""
    require_admin(actor, scope)
    start_write(session)
    grant = _client_grant(session, scope.client_id, grant_id)
    if not grant.is_active(now):
        session.rollback()
        raise InvalidInput("That access has already ended.")
    grant.revoked_at, grant.revoked_by_id = now, actor.id
    audit.record(
        session,
        action="support.revoke",
        client_id=scope.client_id,
        object_type="support_grant",
        object_id=grant.id,
        flagged=grant.is_emergency,
        **actor_of(actor),
    )
    session.commit()
    return grant


def open_emergency(
    session: Session,
    *,
    actor: User,
    client_id: uuid.UUID | None,
    reason: str,
    minutes: int | None,
    now: datetime,
) -> SupportGrant:
    """A platform administrator opens break-glass access (at most 60 minutes) for themselves.

    The client's active administrators are e-mailed in the same transaction, and the
    opening is flagged in the client's access history.
    """
    if actor.role is not Role.PLATFORM_ADMIN:
        raise AccessDenied("only platform administrators open emergency access")
    if client_id is None:
        raise InvalidField("client", "Choose the client.")
    reason = check_reason(reason)
    length = check_duration(minutes, maximum=MAX_EMERGENCY_MINUTES, unit="minutes")
    start_write(session)
    client = session.get(Client, client_id)
    if client is None:
        session.rollback()
        raise InvalidField("client", "Choose the client.")
    grant = SupportGrant(
        client_id=client.id,
        kind=GrantKind.EMERGENCY,
        reason=reason,
        granted_by_id=actor.id,
        grantee_id=actor.id,
        starts_at=now,
        expires_at=now + length,
    )
    session.add(grant)
    session.flush()
    _tell_admins(session, client, grant, actor)
    audit.record(
        session,
        action="support.emergency",
        client_id=client.id,
        object_type="support_grant",
        object_id=grant.id,
        flagged=True,
        **actor_of(actor),
    )
    session.commit()
    return grant


def _tell_admins(session: Session, client: Client, grant: SupportGrant, actor: User) -> None:
    admins = session.scalars(
        select(User.id).where(
            User.client_id == client.id, User.role == Role.CLIENT_ADMIN, User.is_active
        )
    )
    zone = ZoneInfo(client.timezone)
    context = {
        "business": client.name,
        "grant_id": grant.id,
        "opened_by": actor.display_name,
        "reason": grant.reason,
        "starts_at": _local(grant.starts_at, zone),
        "expires_at": _local(grant.expires_at, zone),
        "support_access_url": get_config().base_url.rstrip("/") + "/staff/support-access",
    }
    for admin_id in admins:
        outbox.enqueue_email(
            session,
            client_id=client.id,
            template=EMERGENCY_TEMPLATE,
            context=context,
            to_user_id=admin_id,
            kind="support_emergency",
        )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %B %Y %H:%M ") + zone.key


def active_grant(
    session: Session, user: User, client_id: uuid.UUID, *, now: datetime
) -> SupportGrant:
    """The grant that lets platform `user` into the client at `now`, else `NotFound`.

    Read afresh on every request. A client administrator's grant is preferred to an
    emergency one, so nothing is flagged that the client had allowed anyway.
    """
    if not user.role.is_platform:
        raise NotFound
    stmt = (
        _usable_by(user, now)
        .where(SupportGrant.client_id == client_id)
        .order_by(SupportGrant.kind, SupportGrant.expires_at.desc())
    )
    grant = session.scalars(stmt).first()
    if grant is None:
        raise NotFound  # like a client that does not exist: support learns nothing
    return grant


def grants_in_force(session: Session, user: User, *, now: datetime) -> list[SupportGrant]:
    """The grants a platform user may use now, soonest to expire first."""
    if not user.role.is_platform:
        return []
    stmt = _usable_by(user, now).order_by(SupportGrant.expires_at)
    return list(session.scalars(stmt))


def _usable_by(user: User, now: datetime):
    return select(SupportGrant).where(
        SupportGrant.revoked_at.is_(None),
        SupportGrant.starts_at <= now,
        SupportGrant.expires_at > now,
        or_(SupportGrant.grantee_id.is_(None), SupportGrant.grantee_id == user.id),
    )


def client_grants(session: Session, scope: Scope, *, actor: User, now: datetime) -> ClientGrants:
    """The client's grants in force and the most recent past ones, for its administrators."""
    require_admin(actor, scope)
    stmt = select(SupportGrant).where(SupportGrant.client_id == scope.client_id)
    grants = list(session.scalars(stmt.order_by(SupportGrant.starts_at.desc())))
    active = [grant for grant in grants if grant.is_active(now)]
    past = [grant for grant in grants if not grant.is_active(now)][:PAST_LISTED]
    people = {g.granted_by_id for g in grants} | {g.revoked_by_id for g in grants}
    people.discard(None)
    # Whole users, not columns: private fields are opened as the entity loads.
    users = session.scalars(select(User).where(User.id.in_(people))) if people else ()
    names = {user.id: user.display_name for user in users}
    return ClientGrants(active, past, names)


def _client_grant(session: Session, client_id: uuid.UUID, grant_id: uuid.UUID) -> SupportGrant:
    grant = session.scalars(
        select(SupportGrant)
        .where(SupportGrant.id == grant_id, SupportGrant.client_id == client_id)
        .with_for_update()
    ).one_or_none()
    if grant is None:
        session.rollback()
        raise NotFound
    return grant


def clients_to_choose(session: Session) -> list[Client]:
    """Every client by name, for a platform administrator opening emergency access."""
    return list(session.scalars(select(Client).order_by(Client.name)))
