"""Locking a customer's record to named members of the team, and auditing refusals.

The lock itself is enforced in the scoped query layer (`Scope.get_customer`,
`Scope.get_appointment`, `Scope.locked_customer_ids`); this module lets a client
administrator set, change and lift locks, and records each refused attempt to
open a locked record (`record_lock.denied`) in the client's access history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.crypto.ordering import sorted_by_name
from app.errors import NotFound
from app.models import RecordLock, User
from app.scope import RecordLocked, Scope
from app.services import audit
from app.services.agenda import LOCKED_LABEL
from app.services.field_errors import InvalidField
from app.services.permissions import require_admin
from app.services.support_grants import active_grant, actor_of
from app.services.unit_of_work import start_write


@dataclass(frozen=True)
class LockRow:
    """One lock as the administrators' list shows it."""

    id: uuid.UUID
    customer_id: uuid.UUID
    #: The customer's name for an administrator named on the lock, else `LOCKED_LABEL`.
    label: str
    members: list[str]


@dataclass(frozen=True)
class LockForm:
    """What the lock page of one customer offers."""

    customer_id: uuid.UUID
    label: str
    team: list[User]
    member_ids: frozenset[uuid.UUID]
    locked: bool


def locks(session: Session, scope: Scope, *, actor: User) -> list[LockRow]:
    """The client's locks, for its administrators (names only where the viewer is named)."""
    require_admin(actor, scope)
    stmt = (
        select(RecordLock)
        .where(RecordLock.client_id == scope.client_id)
        .options(selectinload(RecordLock.members))
        .order_by(RecordLock.created_at)
    )
    hidden = scope.locked_customer_ids(session)
    rows = []
    for lock in session.scalars(stmt):
        customer = session.get(User, lock.customer_id)
        label = LOCKED_LABEL if lock.customer_id in hidden else customer.display_name
        rows.append(
            LockRow(lock.id, lock.customer_id, label, sorted(m.display_name for m in lock.members))
        )
    return rows


def lock_form(session: Session, scope: Scope, customer_id: uuid.UUID, *, actor: User) -> LockForm:
    """The team to choose from and who is named now; the name only if the viewer may read it."""
    require_admin(actor, scope)
    customer = _customer(session, scope, customer_id)
    lock = _lock_of(session, customer.id)
    hidden = customer.id in scope.locked_customer_ids(session)
    team = sorted_by_name(session.scalars(scope.team().where(User.is_active)))
    members = frozenset(m.id for m in lock.members) if lock else frozenset({actor.id})
    label = LOCKED_LABEL if hidden else customer.display_name
    return LockForm(customer.id, label, team, members, lock is not None)


def set_lock(
    session: Session,
    scope: Scope,
    customer_id: uuid.UUID,
    *,
    actor: User,
    member_ids: list[uuid.UUID],
) -> RecordLock:
    """Lock the customer's record to `member_ids` (members of the client's team); audited."""
    require_admin(actor, scope)
    if not member_ids:
        raise InvalidField("members", "Name at least one person who may open the record.")
    start_write(session)
    customer = _customer(session, scope, customer_id)
    members = list(session.scalars(scope.team().where(User.id.in_(set(member_ids)))))
    if len(members) != len(set(member_ids)):
        session.rollback()
        raise InvalidField("members", "Choose people of your team only.")
    lock = _lock_of(session, customer.id)
    action = "record_lock.change"
    if lock is None:
        lock = RecordLock(client_id=scope.client_id, customer_id=customer.id, locked_by_id=actor.id)
        session.add(lock)
        action = "record_lock.set"
    lock.members = members
    session.flush()
    audit.record(
        session,
        action=action,
        client_id=scope.client_id,
        object_type="customer",
        object_id=customer.id,
        fields=["members"],
        **actor_of(actor),
    )
    session.commit()
    return lock


def remove_lock(session: Session, scope: Scope, customer_id: uuid.UUID, *, actor: User) -> None:
    """Lift the lock on a customer's record: open to the whole team again; audited."""
    require_admin(actor, scope)
    start_write(session)
    lock = session.scalars(
        select(RecordLock).where(
            RecordLock.customer_id == customer_id, RecordLock.client_id == scope.client_id
        )
    ).one_or_none()
    if lock is None:
        session.rollback()
        raise NotFound
    customer_id = lock.customer_id
    session.delete(lock)
    audit.record(
        session,
        action="record_lock.remove",
        client_id=scope.client_id,
        object_type="customer",
        object_id=customer_id,
        **actor_of(actor),
    )
    session.commit()


def record_denial(
    session: Session, refused: RecordLocked, *, viewer: User | None, now: datetime
) -> None:
    """Audit one refused attempt to open a locked record (`record_lock.denied`) and commit.

    Whatever the refused request had started is rolled back first: it changes nothing.
    A refusal under an emergency support grant is flagged like everything under it.
    """
    session.rollback()
    start_write(session)
    flagged = False
    if viewer is not None and viewer.role.is_platform:
        try:
            flagged = active_grant(session, viewer, refused.client_id, now=now).is_emergency
        except NotFound:
            flagged = True  # no grant in force at all: worth a second look
    audit.record(
        session,
        action="record_lock.denied",
        client_id=refused.client_id,
        object_type=refused.object_type,
        object_id=refused.object_id,
        flagged=flagged,
    )
    session.commit()


def _customer(session: Session, scope: Scope, customer_id: uuid.UUID) -> User:
    # Administrators manage locks on records they may not open: the lock check is skipped
    # here on purpose, and nothing but the ID (and the name, if named) is shown.
    customer = session.scalars(scope.customers().where(User.id == customer_id)).one_or_none()
    if customer is None:
        session.rollback()
        raise NotFound
    return customer


def _lock_of(session: Session, customer_id: uuid.UUID) -> RecordLock | None:
    return session.scalars(
        select(RecordLock)
        .where(RecordLock.customer_id == customer_id)
        .options(selectinload(RecordLock.members))
    ).one_or_none()
