"""Erasure on request: a customer asks, the client's administrator approves or declines.

Approval erases the person, not the business's records: the account keeps its
row (so history pages still resolve) but every private field is cleared or
replaced, it can never sign in again, and its appointments stay only as
anonymised statistics (time, service, schedule, status). Locks are taken in the
order bookings take them (schedule, then the customer's row), so a booking
racing the approval either finishes first, and is erased with the rest, or
waits and is then refused.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from app.db_locks import lock_schedule
from app.errors import AccessDenied, Conflict, InvalidInput
from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    CalendarFeedToken,
    ErasureRequest,
    ErasureStatus,
    LoginAttempt,
    PasswordHistory,
    PasswordResetLink,
    RecoveryCode,
    Role,
    User,
    UserSession,
)
from app.models.erasure_request import MAX_DECLINE_REASON
from app.models.outbox import OutboxMessage
from app.scope import Scope
from app.services import audit
from app.services.booking import bump_availability
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write

#: The name an erased account shows wherever staff see customers.
PLACEHOLDER_NAME = "Erased customer"
#: Shown instead of the name of a customer whose record is locked against the viewer.
LOCKED_NAME = "Locked record"
#: Not a bcrypt hash, so no password ever verifies against it.
UNUSABLE_PASSWORD = "!erased"  # noqa: S105 (a marker, not a password)
#: The private fields an erasure clears, by name (the audit event lists these).
ERASED_FIELDS = (
    "user.display_name",
    "user.email",
    "user.phone",
    "user.password_hash",
    "user.totp_secret",
    "appointment.notes",
    "appointment.contact_phone",
    "appointment.cancel_reason",
    "status_change.reason",
)
#: Rows that only describe the person (secrets, devices, sign-ins): deleted outright.
_PERSONAL_ROWS = (
    UserSession,
    CalendarFeedToken,
    PasswordHistory,
    PasswordResetLink,
    RecoveryCode,
    LoginAttempt,
    OutboxMessage,
)


def request_erasure(
    session: Session, scope: Scope, *, actor: User, now: datetime
) -> ErasureRequest:
    """File the signed-in customer's request and commit; `Conflict` if one is pending."""
    if actor.role is not Role.CUSTOMER or scope.customer_id != actor.id:
        raise AccessDenied("only a customer may ask to erase their own account")
    start_write(session)
    try:
        if pending_request(session, scope, actor.id) is not None:
            raise Conflict("You have already asked for erasure; it awaits a decision.")
        request = ErasureRequest(client_id=scope.client_id, customer_id=actor.id, requested_at=now)
        session.add(request)
        session.flush()
        audit.record(
            session,
            action="erasure.request",
            client_id=scope.client_id,
            object_type="erasure_request",
            object_id=request.id,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return request


def pending_request(
    session: Session, scope: Scope, customer_id: uuid.UUID
) -> ErasureRequest | None:
    """The customer's pending request, if any."""
    return session.scalars(
        scope.erasure_requests().where(
            ErasureRequest.customer_id == customer_id,
            ErasureRequest.status == ErasureStatus.PENDING,
        )
    ).one_or_none()


def latest_request(session: Session, scope: Scope) -> ErasureRequest | None:
    """The scope's customer's most recent request (pending or decided), if any."""
    return session.scalars(
        scope.erasure_requests().order_by(ErasureRequest.requested_at.desc()).limit(1)
    ).one_or_none()


@dataclass(frozen=True)
class PendingRequest:
    """One request awaiting a decision, with the name the viewer may see."""

    request: ErasureRequest
    customer_id: uuid.UUID
    #: "Locked record" when the customer's record is locked against the viewer.
    customer_name: str
    locked: bool


def pending_requests(session: Session, scope: Scope, *, actor: User) -> list[PendingRequest]:
    """Every pending request of the client, oldest first (admins only)."""
    require_admin(actor, scope)
    stmt = (
        scope.erasure_requests()
        .where(ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at)
    )
    requests = session.scalars(stmt).all()
    ids = [r.customer_id for r in requests]
    names = {
        user.id: user.display_name
        for user in session.scalars(scope.customers().where(User.id.in_(ids)))
    }
    locked = scope.locked_customer_ids(session)
    return [
        PendingRequest(
            request=r,
            customer_id=r.customer_id,
            customer_name=LOCKED_NAME if r.customer_id in locked else names[r.customer_id],
            locked=r.customer_id in locked,
        )
        for r in requests
    ]


def decline(
    session: Session,
    scope: Scope,
    request_id: uuid.UUID,
    *,
    actor: User,
    now: datetime,
    reason: str,
) -> ErasureRequest:
    """Decline a pending request with a reason the customer sees; commit."""
    require_admin(actor, scope)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Please give a reason; the customer will see it.")
    if len(reason) > MAX_DECLINE_REASON:
        raise InvalidInput(f"A reason can be at most {MAX_DECLINE_REASON} characters.")
    start_write(session)
    try:
        request = _pending(session, scope, request_id)
        request.status, request.decided_at, request.decided_by = (
            ErasureStatus.DECLINED,
            now,
            actor.id,
        )
        request.decline_reason = reason
        audit.record(
            session,
            action="erasure.decline",
            client_id=scope.client_id,
            object_type="erasure_request",
            object_id=request.id,
            fields=("decline_reason",),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return request


def approve(
    session: Session, scope: Scope, request_id: uuid.UUID, *, actor: User, now: datetime
) -> ErasureRequest:
    """Erase the customer of a pending request and commit; `Conflict` if already decided."""
    require_admin(actor, scope)
    start_write(session)
    try:
        request = _pending(session, scope, request_id)
        customer_id, actor_id = request.customer_id, actor.id
        # Schedules first, then the customer: the order bookings lock in.
        for schedule_id in sorted(_upcoming_schedules(session, scope, customer_id, now)):
            lock_schedule(session, schedule_id)
        customer = session.scalars(
            scope.customers().where(User.id == customer_id).with_for_update()
        ).one()
        _cancel_upcoming(session, scope, customer_id, actor_id, now)
        _anonymise_appointments(session, scope, customer_id)
        _erase_account(session, customer)
        request.status, request.decided_at, request.decided_by = (
            ErasureStatus.APPROVED,
            now,
            actor_id,
        )
        audit.record(
            session,
            action="customer.erase",
            client_id=scope.client_id,
            object_type="user",
            object_id=customer_id,
            fields=ERASED_FIELDS,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return request


def _pending(session: Session, scope: Scope, request_id: uuid.UUID) -> ErasureRequest:
    """The request, locked; `Conflict` unless still pending (`NotFound` outside the scope)."""
    request = scope.get_erasure_request(session, request_id)
    session.refresh(request, with_for_update=True)
    if request.status is not ErasureStatus.PENDING:
        raise Conflict("This request has already been decided.")
    return request


def _upcoming_schedules(
    session: Session, scope: Scope, customer_id: uuid.UUID, now: datetime
) -> set[uuid.UUID]:
    stmt = _upcoming(scope, customer_id, now).with_only_columns(Appointment.schedule_id)
    return set(session.scalars(stmt))


def _upcoming(scope: Scope, customer_id: uuid.UUID, now: datetime):
    return scope.appointments().where(
        Appointment.customer_id == customer_id,
        Appointment.end_at > now,
        Appointment.status.in_((AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)),
    )


def _cancel_upcoming(
    session: Session, scope: Scope, customer_id: uuid.UUID, actor_id: uuid.UUID, now: datetime
) -> None:
    """Give back the time the erased person held; the statistics keep the cancellation."""
    for appointment in session.scalars(_upcoming(scope, customer_id, now)):
        appointment.change_status(AppointmentStatus.CANCELLED, at=now, by=actor_id)
        appointment.sequence += 1
        bump_availability(session, appointment.schedule_id)
    session.flush()


def _anonymise_appointments(session: Session, scope: Scope, customer_id: uuid.UUID) -> None:
    """Clear every private field of the customer's appointments and of their history."""
    ids = scope.appointments().where(Appointment.customer_id == customer_id)
    ids = ids.with_only_columns(Appointment.id)
    session.execute(
        update(Appointment)
        .where(Appointment.id.in_(ids))
        .values(notes=None, contact_phone=None, cancel_reason=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id.in_(ids))
        .values(reason=None)
        .execution_options(synchronize_session=False)
    )


def _erase_account(session: Session, customer: User) -> None:
    """Replace the account's private fields, end its sessions and feeds, deactivate it."""
    for model in _PERSONAL_ROWS:
        column = model.to_user_id if model is OutboxMessage else model.user_id
        session.execute(delete(model).where(column == customer.id))
    customer.display_name = PLACEHOLDER_NAME
    customer.email = ""
    # Random, so the old address can register again and nothing can find this row by it.
    customer.email_lookup = f"erased:{secrets.token_hex(28)}"
    customer.phone = None
    customer.password_hash = UNUSABLE_PASSWORD
    customer.totp_secret = customer.totp_pending_secret = None
    customer.totp_enabled_at = customer.totp_last_step = None
    customer.must_change_password = False
    customer.failed_attempts, customer.first_failure_at = 0, None
    customer.locked_at = customer.locked_until = None
    customer.is_active = False
    customer.session_version += 1


def is_erased(user: User) -> bool:
    """True for an account erased on request."""
    return user.email_lookup.startswith("erased:")
