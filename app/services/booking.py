"""Booking an appointment: re-check the engine under the schedule's lock, then write.

Concurrent bookings of one schedule are serialized (`lock_schedule`), and the
engine's check runs on the busy time read after the lock was granted, so two
requests for the last place cannot both succeed: the second sees the first's
appointment and is told the time was just taken.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, joinedload

import scheduling
from app.db_locks import lock_schedule_and_mark_changed
from app.errors import InvalidInput, NotFound
from app.models import Appointment, AppointmentStatus, Schedule, User
from app.scope import Scope, busy_intervals
from app.services import audit, notices
from app.services.booking_rules import BookingRules, keeper_for, rules_of
from app.services.engine_values import engine_busy, engine_service
from app.services.unit_of_work import start_write
from scheduling import reasons

MAX_NOTES = 2000
MAX_PHONE = 50

#: Refusals that mean "someone else got there first" when the time was offered.
TAKEN = (
    reasons.OverlapsAppointment,
    reasons.SlotFull,
    reasons.TimeBlocked,
    reasons.DailyCapReached,
    reasons.WeeklyCapReached,
)


class SlotTaken(scheduling.BookingRefused):
    """The time was free when offered but is not any more."""

    code = "slot_taken"

    def __init__(self, reason: scheduling.BookingRefused) -> None:
        super().__init__("Sorry, that time was just taken. Please choose another time.")
        #: The engine's own reason, precise enough for staff booking any time.
        self.reason = reason


class AccountClosed(scheduling.BookingRefused):
    """The customer's account was deactivated or erased; it books nothing more."""

    code = "account_closed"

    def __init__(self) -> None:
        super().__init__("This account is closed and cannot book appointments.")


@dataclass(frozen=True)
class BookingRequest:
    """What a booking form asks for: a service, a start, and optionally a schedule."""

    service_id: uuid.UUID
    start: datetime
    schedule_id: uuid.UUID | None = None  #: None books the first schedule with room
    notes: str = ""
    contact_phone: str = ""


def book(
    session: Session,
    scope: Scope,
    request: BookingRequest,
    *,
    customer_id: uuid.UUID,
    actor: User,
    now: datetime,
) -> Appointment:
    """Book and commit; raise `BookingRefused` (with its reason) or `NotFound`."""
    _validate(request)
    # IDs only from here on: each attempt starts by ending the read transaction, which
    # expires loaded objects, and reloading them would cost a query under the lock.
    customer_id = _customer_id(session, scope, customer_id, actor)
    actor_id = actor.id
    actor_role = actor.role.value
    candidates = _candidate_schedules(session, scope, request)
    refusal: scheduling.BookingRefused = scheduling.reasons.ServiceNotOffered()
    for schedule_id in candidates:
        try:
            return _book_on(
                session, scope, schedule_id, request, customer_id, (actor_id, actor_role), now
            )
        except scheduling.BookingRefused as refused:
            session.rollback()
            refusal = refused
    raise refusal


def _validate(request: BookingRequest) -> None:
    if len(request.notes) > MAX_NOTES:
        raise InvalidInput(f"Notes can be at most {MAX_NOTES} characters.")
    if len(request.contact_phone) > MAX_PHONE:
        raise InvalidInput(f"A phone number can be at most {MAX_PHONE} characters.")
    if request.start.tzinfo is None:
        raise InvalidInput("The start time needs a time zone.")


def _customer_id(session: Session, scope: Scope, customer_id: uuid.UUID, actor: User) -> uuid.UUID:
    """The customer's ID once the scope holds them, else `NotFound`."""
    if scope.is_customer and customer_id == actor.id:
        # The signed-in customer, whose scope is their own client: nothing to look up.
        return customer_id
    return scope.get_customer(session, customer_id).id


def _candidate_schedules(session, scope, request) -> list[uuid.UUID]:
    if request.schedule_id is not None:
        # Checked under the lock (scope, service offered), where it is read anyway.
        return [request.schedule_id]
    service = scope.get_service(session, request.service_id)
    if not service.is_active:
        raise scheduling.reasons.ServiceNotOffered()
    schedules = session.scalars(
        scope.schedules().where(Schedule.is_active.is_(True)).order_by(Schedule.name)
    ).all()
    return [s.id for s in schedules if service in s.services]


def _book_on(session, scope, schedule_id, request, customer_id, actor, now) -> Appointment:
    actor_id, actor_role = actor
    start_write(session)
    version, customer_active = lock_schedule_and_mark_changed(
        session, schedule_id, client_id=scope.client_id, customer_id=customer_id
    )
    if not customer_active:  # deactivated or erased: it books nothing more
        raise AccountClosed()
    rules = _rules(session, scope, schedule_id, version)
    # The rules were read under the lock: the service as it is now, if still offered.
    service = rules.services.get(request.service_id)
    if service is None:
        scope.get_service(session, request.service_id)  # an unknown one is `NotFound`
    if not rules.is_active or service is None or not service.is_active:
        raise scheduling.reasons.ServiceNotOffered()
    slot = check_on_rules(session, rules, service.engine, request.start, now=now)
    status = AppointmentStatus.REQUESTED if rules.approval_required else AppointmentStatus.CONFIRMED
    appointment = Appointment(
        id=uuid.uuid4(),  # known now: everything below is written in one flush, at the commit
        client_id=scope.client_id,
        schedule_id=schedule_id,
        service_id=request.service_id,
        customer_id=customer_id,
        start_at=slot.start,
        end_at=slot.end,
        buffer_before_minutes=rules.buffer_before_minutes,
        buffer_after_minutes=rules.buffer_after_minutes,
        status=status,
        notes=request.notes.strip() or None,
        contact_phone=request.contact_phone.strip() or None,
    )
    session.add(appointment)
    appointment.record_creation(at=now, by=actor_id)
    notices.appointment_booked(session, appointment, now=now)
    # Last before the commit: the client's audit chain stays locked from here to the
    # commit, and every audited change of the client waits for it.
    audit.record(
        session,
        action="appointment.create",
        client_id=scope.client_id,
        object_type="appointment",
        object_id=appointment.id,
        fields=_created_fields(appointment),
        actor_id=actor_id,
        actor_role=actor_role,
    )
    session.commit()
    return appointment


def _created_fields(appointment: Appointment) -> list[str]:
    """Names of the fields the booking set (private ones only when filled in)."""
    fields = ["schedule_id", "service_id", "customer_id", "start_at", "end_at", "status"]
    return fields + [name for name in ("notes", "contact_phone") if getattr(appointment, name)]


def _rules(session: Session, scope: Scope, schedule_id: uuid.UUID, version: int) -> BookingRules:
    """The schedule's rules at `version` (the one read under the lock): kept, or read."""
    keeper = keeper_for(session)
    rules = keeper.get(schedule_id, version)
    if rules is None:
        rules = rules_of(_with_rules(session, scope, schedule_id))
        keeper.put(rules)
    return rules


def _with_rules(session: Session, scope: Scope, schedule_id: uuid.UUID) -> Schedule:
    """The schedule, fresh, with its weekly hours and services in one query (they are read
    under the lock, where every round trip holds up the next booking)."""
    stmt = (
        scope.schedules()
        .where(Schedule.id == schedule_id)
        .options(joinedload(Schedule.weekly_hours), joinedload(Schedule.services))
        .execution_options(populate_existing=True)
    )
    schedule = session.scalars(stmt).unique().one_or_none()
    if schedule is None:
        raise NotFound
    return schedule


def check_on_schedule(
    session: Session,
    schedule: Schedule,
    service,
    start: datetime,
    *,
    now: datetime,
    exclude: uuid.UUID | None = None,
    waive_notice: bool = False,
) -> scheduling.Slot:
    """The engine's verdict on `start` for a loaded schedule and service (see `check_on_rules`)."""
    rules = rules_of(schedule)
    offered = rules.services.get(service.id)
    engine = offered.engine if offered else engine_service(service, [])
    return check_on_rules(
        session, rules, engine, start, now=now, exclude=exclude, waive_notice=waive_notice
    )


def check_on_rules(
    session: Session,
    rules: BookingRules,
    service: scheduling.Service,
    start: datetime,
    *,
    now: datetime,
    exclude: uuid.UUID | None = None,
    waive_notice: bool = False,
) -> scheduling.Slot:
    """The engine's verdict on `start`, on busy time read now (hold the lock first).

    `waive_notice` drops the minimum notice (staff approving a request the customer
    made in good time); every other rule, the past included, still applies.
    """
    engine = rules.engine
    if waive_notice:
        engine = replace(engine, min_notice=timedelta(0))
    margin = timedelta(days=8) if engine.daily_cap or engine.weekly_cap else timedelta(days=1)
    # The new appointment itself reaches its length and buffers past its start: a long
    # service's buffer can cover an appointment more than a day later.
    margin += service.duration + engine.buffer_before + engine.buffer_after
    rows = busy_intervals(
        session, rules.schedule_id, start - margin, start + margin, exclude=exclude
    )
    try:
        return scheduling.check_booking(engine, service, engine_busy(rows), now=now, start=start)
    except TAKEN as taken:
        raise SlotTaken(taken) from taken


def bump_availability(session: Session, schedule_id: uuid.UUID) -> None:
    """Mark cached availability of `schedule_id` stale (same transaction as the change)."""
    session.execute(
        update(Schedule)
        .where(Schedule.id == schedule_id)
        .values(availability_version=Schedule.availability_version + 1)
    )


def bump_rules(session: Session, schedule_id: uuid.UUID) -> None:
    """Mark the booking rules and cached availability of `schedule_id` stale (same
    transaction as the change to a service it offers)."""
    session.execute(
        update(Schedule)
        .where(Schedule.id == schedule_id)
        .values(
            availability_version=Schedule.availability_version + 1,
            rules_version=Schedule.rules_version + 1,
        )
    )
