"""Changing an appointment: cancel, move, approve or decline, and mark how it went.

Each use case locks the appointment's schedule first (the same lock bookings
take), re-reads the appointment under it, applies the engine's rules (status
life cycle, the client's cut-offs for customers, a full booking check for a
new time) and commits once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

import scheduling
from app.db_locks import lock_schedule
from app.errors import InvalidInput
from app.models import Appointment, AppointmentStatus, Client, Role, User
from app.scope import Scope
from app.services import audit, notices
from app.services.booking import bump_availability, check_on_schedule
from app.services.engine_values import change_policy
from app.services.unit_of_work import start_write

MAX_REASON = 500


def cancel(
    session: Session,
    scope: Scope,
    appointment_id: uuid.UUID,
    *,
    actor: User,
    now: datetime,
    reason: str = "",
) -> Appointment:
    """Cancel and commit; customers within the cut-off are refused with the rule."""
    reason = _reason(reason, required=False)
    appointment = _locked(session, scope, appointment_id)
    by_staff = actor.role is not Role.CUSTOMER
    _check_transition(appointment, AppointmentStatus.CANCELLED, now)
    policy = change_policy(session.get_one(Client, scope.client_id))
    # The cut-off protects the business's confirmed time; a mere request may be
    # withdrawn until it starts.
    bound = by_staff or appointment.status is AppointmentStatus.REQUESTED
    scheduling.check_can_cancel(appointment.start_at, now=now, policy=policy, by_staff=bound)
    appointment.cancel_reason = reason or None
    return _commit_change(
        session,
        appointment,
        AppointmentStatus.CANCELLED,
        now,
        actor,
        reason or None,
        action="appointment.cancel",
        fields=("status", "cancel_reason") if reason else ("status",),
    )


def reschedule(
    session: Session,
    scope: Scope,
    appointment_id: uuid.UUID,
    *,
    new_start: datetime,
    actor: User,
    now: datetime,
) -> Appointment:
    """Move to `new_start` on the same schedule and commit, or raise the reason."""
    appointment = _locked(session, scope, appointment_id)
    if not appointment.status.holds_time:
        raise scheduling.reasons.InvalidTransition(appointment.status.label, "moved")
    by_staff = actor.role is not Role.CUSTOMER
    policy = change_policy(session.get_one(Client, scope.client_id))
    scheduling.check_can_reschedule(appointment.start_at, now=now, policy=policy, by_staff=by_staff)
    schedule, service = appointment.schedule, appointment.service
    if not (schedule.is_active and service.is_active):
        raise scheduling.reasons.ServiceNotOffered()
    slot = check_on_schedule(session, schedule, service, new_start, now=now, exclude=appointment.id)
    moved_from = appointment.start_at
    appointment.start_at, appointment.end_at = slot.start, slot.end
    appointment.buffer_before_minutes = schedule.buffer_before_minutes
    appointment.buffer_after_minutes = schedule.buffer_after_minutes
    status = appointment.status
    if schedule.approval_required and not by_staff:
        status = AppointmentStatus.REQUESTED  # a customer's new time needs approval again
        _check_transition(appointment, status, now)
    moved = f"moved from {moved_from:%Y-%m-%d %H:%M} UTC"
    changed = ("start_at", "end_at") + (("status",) if status is not appointment.status else ())
    return _commit_change(
        session, appointment, status, now, actor, moved, action="appointment.change", fields=changed
    )


def approve(
    session: Session, scope: Scope, appointment_id: uuid.UUID, *, actor: User, now: datetime
) -> Appointment:
    """Confirm a requested appointment after re-checking that its time is still bookable.

    The minimum notice is not applied again: the customer asked in good time, and a
    request approved late should not be refused for the staff's own delay.
    """
    appointment = _locked(session, scope, appointment_id)
    _check_transition(appointment, AppointmentStatus.CONFIRMED, now)
    check_on_schedule(
        session,
        appointment.schedule,
        appointment.service,
        appointment.start_at,
        now=now,
        exclude=appointment.id,
        waive_notice=True,
    )
    return _commit_change(
        session,
        appointment,
        AppointmentStatus.CONFIRMED,
        now,
        actor,
        action="appointment.approve",
        fields=("status",),
    )


def decline(
    session: Session,
    scope: Scope,
    appointment_id: uuid.UUID,
    *,
    actor: User,
    now: datetime,
    reason: str,
) -> Appointment:
    """Decline a requested appointment, telling the customer why."""
    reason = _reason(reason, required=True)
    appointment = _locked(session, scope, appointment_id)
    if appointment.status is not AppointmentStatus.REQUESTED:
        raise scheduling.reasons.InvalidTransition(appointment.status.label, "declined")
    appointment.cancel_reason = reason
    return _commit_change(
        session,
        appointment,
        AppointmentStatus.CANCELLED,
        now,
        actor,
        reason,
        action="appointment.decline",
        fields=("status", "cancel_reason"),
    )


def mark_outcome(
    session: Session,
    scope: Scope,
    appointment_id: uuid.UUID,
    outcome: AppointmentStatus,
    *,
    actor: User,
    now: datetime,
) -> Appointment:
    """Record that a confirmed appointment was completed, or that the customer did not come."""
    if outcome not in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
        raise InvalidInput("An appointment ends as completed or no-show.")
    appointment = _locked(session, scope, appointment_id)
    _check_transition(appointment, outcome, now)
    appointment.change_status(outcome, at=now, by=actor.id)
    _audit(session, appointment, actor, "appointment.outcome", ("status",))
    session.commit()
    return appointment


def _commit_change(
    session: Session,
    appointment: Appointment,
    status: AppointmentStatus,
    now: datetime,
    actor: User,
    reason: str | None = None,
    *,
    action: str,
    fields: tuple[str, ...],
) -> Appointment:
    """Record the change, tell subscribed calendars (SEQUENCE) and cached availability, commit."""
    appointment.change_status(status, at=now, by=actor.id, reason=reason)
    appointment.sequence += 1
    bump_availability(session, appointment.schedule_id)
    _audit(session, appointment, actor, action, fields)
    notices.appointment_changed(session, appointment, action=action, now=now)
    session.commit()
    return appointment


def _audit(
    session: Session, appointment: Appointment, actor: User, action: str, fields: tuple[str, ...]
) -> None:
    audit.record(
        session,
        action=action,
        client_id=appointment.client_id,
        object_type="appointment",
        object_id=appointment.id,
        fields=fields,
        actor_id=actor.id,
        actor_role=actor.role.value,
    )


def _locked(session: Session, scope: Scope, appointment_id: uuid.UUID) -> Appointment:
    """The appointment, re-read under its schedule's lock; `NotFound` outside the scope."""
    start_write(session)
    appointment = scope.get_appointment(session, appointment_id)
    lock_schedule(session, appointment.schedule_id)
    session.refresh(appointment)
    return appointment


def _check_transition(appointment: Appointment, wanted: AppointmentStatus, now: datetime) -> None:
    scheduling.check_transition(
        appointment.status, wanted, start=appointment.start_at, end=appointment.end_at, now=now
    )


def _reason(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput("Please give a reason; the customer will see it.")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"A reason can be at most {MAX_REASON} characters.")
    return text
