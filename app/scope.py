"""The scoped query layer: every tenant query is built here, filtered by client (and customer).

A view or service asks a `Scope` for statements and records instead of writing its own
`select()`, so the isolation rules ("each customer sees only their own appointments;
schedules are shared only with their client") are enforced, and tested, in one place.
A record outside the scope is indistinguishable from one that does not exist: `NotFound`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, exists, select, true
from sqlalchemy.orm import Session

from app.errors import AccessDenied, NotFound
from app.models import (
    Appointment,
    AppointmentStatus,
    ErasureRequest,
    Role,
    Schedule,
    Service,
    User,
)
from app.models.record_lock import RecordLock, record_lock_members
from app.models.schedule import MAX_BUFFER_MINUTES, schedule_staff
from app.models.service import MAX_DURATION_MINUTES

__all__ = ["BusyInterval", "NotFound", "RecordLocked", "Scope", "busy_intervals"]

T = TypeVar("T")

#: (start_at, end_at, buffer_before_minutes, buffer_after_minutes) of one appointment.
BusyInterval = tuple[datetime, datetime, int, int]


class RecordLocked(AccessDenied):
    """The customer's record is locked and the viewer is not among those named (403).

    Carries IDs only, so the refusal can be audited without naming anyone.
    """

    def __init__(self, client_id: uuid.UUID, customer_id: uuid.UUID, object_type: str, object_id):
        super().__init__("this record is locked")
        self.client_id = client_id
        self.customer_id = customer_id
        self.object_type = object_type
        self.object_id = object_id


@dataclass(frozen=True)
class Scope:
    """What one actor may see: a client's rows, and only their own when a customer."""

    client_id: uuid.UUID
    #: Set when the actor is a customer: appointments and customers narrow to this user.
    customer_id: uuid.UUID | None = None
    #: Who is looking (staff, admin, support): record locks apply to them. None is the
    #: system itself (booking pages, reminders), to which no lock applies.
    viewer_id: uuid.UUID | None = None
    #: Set for a staff member limited to the schedules they work on: schedules and
    #: appointments narrow to those (customers stay visible, so they can be booked).
    limited_to_staff_id: uuid.UUID | None = None

    @classmethod
    def for_user(cls, user: User) -> Scope:
        """The scope of a signed-in user of a client; platform roles have none of their own."""
        if user.client_id is None:
            raise AccessDenied("platform users reach client data only through a support grant")
        if user.role is Role.CUSTOMER:
            return cls(client_id=user.client_id, customer_id=user.id)
        limited = user.role is Role.STAFF and user.sees_own_schedules_only
        return cls(
            client_id=user.client_id,
            viewer_id=user.id,
            limited_to_staff_id=user.id if limited else None,
        )

    @property
    def is_customer(self) -> bool:
        """True when this scope is narrowed to one customer."""
        return self.customer_id is not None

    # -- statements ---------------------------------------------------------------------

    def appointments(self) -> Select[tuple[Appointment]]:
        """Appointments of the client; a customer's own only."""
        stmt = select(Appointment).where(Appointment.client_id == self.client_id)
        if self.customer_id is not None:
            stmt = stmt.where(Appointment.customer_id == self.customer_id)
        if self.limited_to_staff_id is not None:
            stmt = stmt.where(Appointment.schedule_id.in_(self._own_schedule_ids()))
        return stmt

    def schedules(self) -> Select[tuple[Schedule]]:
        """Schedules of the client (active or not; callers filter for booking)."""
        stmt = select(Schedule).where(Schedule.client_id == self.client_id)
        if self.limited_to_staff_id is not None:
            stmt = stmt.where(Schedule.id.in_(self._own_schedule_ids()))
        return stmt

    def _own_schedule_ids(self) -> Select[tuple[uuid.UUID]]:
        return select(schedule_staff.c.schedule_id).where(
            schedule_staff.c.user_id == self.limited_to_staff_id
        )

    def services(self) -> Select[tuple[Service]]:
        """Services of the client."""
        return select(Service).where(Service.client_id == self.client_id)

    def team(self) -> Select[tuple[User]]:
        """Staff and administrators of the client; a customer's scope has no team."""
        if self.customer_id is not None:
            raise NotFound
        return select(User).where(
            User.client_id == self.client_id, User.role.in_((Role.STAFF, Role.CLIENT_ADMIN))
        )

    def customers(self) -> Select[tuple[User]]:
        """Customer accounts of the client; a customer sees only their own."""
        stmt = select(User).where(User.client_id == self.client_id, User.role == Role.CUSTOMER)
        if self.customer_id is not None:
            stmt = stmt.where(User.id == self.customer_id)
        return stmt

    def erasure_requests(self) -> Select[tuple[ErasureRequest]]:
        """Erasure requests filed with the client; a customer's own only."""
        stmt = select(ErasureRequest).where(ErasureRequest.client_id == self.client_id)
        if self.customer_id is not None:
            stmt = stmt.where(ErasureRequest.customer_id == self.customer_id)
        return stmt

    def deliveries(self, model: type[T]) -> Select[tuple[T]]:
        """Outgoing messages or reminders (`model`) of the client; none for a customer."""
        if self.customer_id is not None:
            raise NotFound
        return select(model).where(model.client_id == self.client_id)  # type: ignore[attr-defined]

    # -- record locks -------------------------------------------------------------------

    @property
    def _locks_apply(self) -> bool:
        # A customer's own records are always open to them; every record to the system.
        return self.customer_id is None and self.viewer_id is not None

    def _locked_against_viewer(self) -> ColumnElement[bool]:
        """SQL over `RecordLock`: the lock does not name the viewer."""
        return ~exists().where(
            record_lock_members.c.lock_id == RecordLock.id,
            record_lock_members.c.user_id == self.viewer_id,
        )

    def record_open(self, customer_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
        """SQL: the record of the customer in `customer_id` is not locked against the viewer."""
        if not self._locks_apply:
            return true()
        return ~exists().where(RecordLock.customer_id == customer_id, self._locked_against_viewer())

    def locked_customer_ids(self, session: Session) -> frozenset[uuid.UUID]:
        """IDs of the client's customers whose records are locked against the viewer."""
        if not self._locks_apply:
            return frozenset()
        stmt = select(RecordLock.customer_id).where(
            RecordLock.client_id == self.client_id, self._locked_against_viewer()
        )
        return frozenset(session.scalars(stmt))

    def check_open(
        self,
        session: Session,
        customer_id: uuid.UUID,
        object_type: str = "customer",
        object_id: uuid.UUID | None = None,
    ) -> None:
        """Raise `RecordLocked` if the customer's record is locked against the viewer."""
        if not self._locks_apply:
            return
        stmt = select(RecordLock.id).where(
            RecordLock.customer_id == customer_id, self._locked_against_viewer()
        )
        if session.scalar(stmt) is not None:
            raise RecordLocked(self.client_id, customer_id, object_type, object_id or customer_id)

    # -- single records (NotFound outside the scope) -------------------------------------

    def get_appointment(self, session: Session, appointment_id: uuid.UUID) -> Appointment:
        """The appointment with this ID inside the scope, else `NotFound` (or `RecordLocked`)."""
        appointment = _one(session, self.appointments().where(Appointment.id == appointment_id))
        self.check_open(session, appointment.customer_id, "appointment", appointment.id)
        return appointment

    def get_schedule(self, session: Session, schedule_id: uuid.UUID) -> Schedule:
        """The schedule with this ID inside the scope, else `NotFound`."""
        return _one(session, self.schedules().where(Schedule.id == schedule_id))

    def get_schedule_by_slug(self, session: Session, slug: str) -> Schedule:
        """The schedule with this slug inside the scope, else `NotFound`."""
        return _one(session, self.schedules().where(Schedule.slug == slug))

    def get_service(self, session: Session, service_id: uuid.UUID) -> Service:
        """The service with this ID inside the scope, else `NotFound`."""
        return _one(session, self.services().where(Service.id == service_id))

    def get_customer(self, session: Session, user_id: uuid.UUID) -> User:
        """The customer with this ID inside the scope, else `NotFound` (or `RecordLocked`)."""
        customer = _one(session, self.customers().where(User.id == user_id))
        self.check_open(session, customer.id, "customer", customer.id)
        return customer

    def get_erasure_request(self, session: Session, request_id: uuid.UUID) -> ErasureRequest:
        """The erasure request with this ID inside the scope, else `NotFound`."""
        return _one(session, self.erasure_requests().where(ErasureRequest.id == request_id))


def _one(session: Session, stmt: Select[tuple[T]]) -> T:
    record = session.scalars(stmt).one_or_none()
    if record is None:
        raise NotFound
    return record


#: How far outside the asked range an appointment can start and still matter: its own
#: length plus its buffers. Both are bounded by check constraints, so the scan is bounded.
_SCAN_MARGIN = timedelta(minutes=MAX_DURATION_MINUTES + 2 * MAX_BUFFER_MINUTES)


def busy_intervals(
    session: Session,
    schedule_id: uuid.UUID,
    start: datetime,
    end: datetime,
    *,
    exclude: uuid.UUID | None = None,
) -> list[BusyInterval]:
    """Plain tuples of the non-cancelled appointments whose time, buffers included,
    overlaps [start, end).

    The caller must have loaded the schedule through a `Scope`. Only times are returned,
    never who booked: a customer's availability view may count other people's bookings.
    `exclude` leaves out one appointment (the one being moved or approved).
    """
    stmt = (
        select(
            Appointment.start_at,
            Appointment.end_at,
            Appointment.buffer_before_minutes,
            Appointment.buffer_after_minutes,
        )
        .where(
            Appointment.schedule_id == schedule_id,
            Appointment.status != AppointmentStatus.CANCELLED,
            # Index-friendly bounds on start_at; the exact buffer test follows in Python.
            Appointment.start_at > start - _SCAN_MARGIN,
            Appointment.start_at < end + timedelta(minutes=MAX_BUFFER_MINUTES),
            # Necessary for any overlap; keeps the long look-back from returning rows.
            Appointment.end_at > start - timedelta(minutes=MAX_BUFFER_MINUTES),
        )
        .order_by(Appointment.start_at)
    )
    if exclude is not None:
        stmt = stmt.where(Appointment.id != exclude)
    intervals: list[BusyInterval] = []
    for start_at, end_at, before, after in session.execute(stmt):
        if start_at - timedelta(minutes=before) < end and end_at + timedelta(minutes=after) > start:
            intervals.append((start_at, end_at, before, after))
    return intervals
