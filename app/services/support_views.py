"""What platform support sees of a client under a grant: read-only, masked, audited.

Each function checks the grant afresh (`support_grants.active_grant`), reads
through a `Scope` of the grant's client with the support person as viewer (so
record locks apply to them as to anyone), masks every private field, records
what was seen in the client's access history, and commits. Everything seen under
an emergency grant is flagged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.models import AppointmentStatus, Client, SupportGrant, SupportReveal, User
from app.scope import Scope
from app.services import audit
from app.services import support_masking as mask
from app.services.agenda import Agenda, AgendaItem, load_agenda
from app.services.appointment_records import (
    appointment_record,
    customer_history,
    customer_list,
)
from app.services.field_errors import InvalidField
from app.services.support_grants import active_grant, check_reason
from app.services.unit_of_work import start_write

#: Fields of each kind of record that support may reveal, one at a time, with a reason.
REVEALABLE = {
    "customer": ("name", "email", "phone"),
    "appointment": ("notes", "contact_phone"),
}


@dataclass(frozen=True)
class Access:
    """One request's look into a client: the grant in force and the scope it opens."""

    grant: SupportGrant
    client: Client
    scope: Scope

    @property
    def flagged(self) -> bool:
        """Everything seen under an emergency grant is flagged."""
        return self.grant.is_emergency


@dataclass(frozen=True)
class MaskedCustomer:
    id: uuid.UUID
    name: str
    email: str
    appointment_count: int
    locked: bool


@dataclass(frozen=True)
class MaskedCustomerRecord:
    id: uuid.UUID
    name: str
    email: str
    phone: str
    upcoming: list[tuple[AgendaItem, str]]
    past: list[tuple[AgendaItem, str]]
    #: The one field revealed on this page, if any: (field, value).
    revealed: tuple[str, str] | None = None


@dataclass(frozen=True)
class MaskedHistoryEntry:
    at: datetime
    from_status: AppointmentStatus | None
    to_status: AppointmentStatus
    by: str
    reason: str


@dataclass(frozen=True)
class MaskedAppointment:
    id: uuid.UUID
    customer_id: uuid.UUID
    zone: str
    item: AgendaItem
    contact_phone: str
    notes: str
    history: list[MaskedHistoryEntry]
    revealed: tuple[str, str] | None = None


def open_access(session: Session, user: User, client_id: uuid.UUID, *, now: datetime) -> Access:
    """The grant letting `user` into the client now, else `NotFound` (checked every request)."""
    grant = active_grant(session, user, client_id, now=now)
    client = session.get_one(Client, grant.client_id)
    return Access(grant, client, Scope(client_id=client.id, viewer_id=user.id))


def customers(
    session: Session, user: User, client_id: uuid.UUID, *, now: datetime
) -> tuple[Access, list[MaskedCustomer]]:
    """The client's customers, masked; the look is audited (`customer.list`)."""
    start_write(session)
    access = open_access(session, user, client_id, now=now)
    rows = [
        MaskedCustomer(
            row.id,
            row.name if row.locked else mask.initials(row.name),
            "" if row.locked else mask.email(row.email),
            row.appointment_count,
            row.locked,
        )
        for row in customer_list(session, access.scope)
    ]
    _seen(session, access, "customer.list", "customer", None)
    return access, rows


def customer(
    session: Session,
    user: User,
    client_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    now: datetime,
) -> tuple[Access, MaskedCustomerRecord]:
    """One customer, masked, with their appointments; audited (`customer.view`)."""
    start_write(session)
    access = open_access(session, user, client_id, now=now)
    record = _masked_customer(session, access, customer_id, now)
    _seen(session, access, "customer.view", "customer", customer_id)
    return access, record


def appointment(
    session: Session,
    user: User,
    client_id: uuid.UUID,
    appointment_id: uuid.UUID,
    *,
    now: datetime,
) -> tuple[Access, MaskedAppointment]:
    """One appointment, masked; audited (`appointment.view`)."""
    start_write(session)
    access = open_access(session, user, client_id, now=now)
    record = _masked_appointment(session, access, appointment_id)
    _seen(session, access, "appointment.view", "appointment", appointment_id)
    return access, record


def agenda(
    session: Session,
    user: User,
    client_id: uuid.UUID,
    *,
    day: date | None,
    week: bool,
    now: datetime,
) -> tuple[Access, Agenda]:
    """A day or week of the client's appointments, names as initials; audited."""
    start_write(session)
    access = open_access(session, user, client_id, now=now)
    shown = load_agenda(session, access.scope, schedule_id=None, day=day, week=week, now=now)
    shown = replace(
        shown,
        days=[replace(d, items=[_masked_item(i) for i in d.items]) for d in shown.days],
        pending=[_masked_item(i) for i in shown.pending],
    )
    _seen(session, access, "appointment.list", "appointment", None)
    return access, shown


def reveal(
    session: Session,
    user: User,
    client_id: uuid.UUID,
    object_type: str,
    object_id: uuid.UUID,
    *,
    field: str,
    reason: str,
    now: datetime,
) -> tuple[Access, MaskedCustomerRecord | MaskedAppointment]:
    """Show one field of one record in full, for a typed reason; audited (`support.reveal`).

    The audit event names the field only; the reason is kept with the grant's reveals.
    """
    if field not in REVEALABLE.get(object_type, ()):
        raise InvalidField("field", "Choose a field to reveal.")
    reason = check_reason(reason)
    start_write(session)
    access = open_access(session, user, client_id, now=now)
    if object_type == "customer":
        record = _masked_customer(session, access, object_id, now)
        value = _customer_field(session.get_one(User, object_id), field)
    else:
        record = _masked_appointment(session, access, object_id)
        value = _appointment_field(access, session, object_id, field)
    session.add(
        SupportReveal(
            grant_id=access.grant.id,
            user_id=user.id,
            object_type=object_type,
            object_id=object_id,
            field=field,
            reason=reason,
            revealed_at=now,
        )
    )
    audit.record(
        session,
        action="support.reveal",
        client_id=access.client.id,
        object_type=object_type,
        object_id=object_id,
        fields=[field],
        flagged=access.flagged,
    )
    session.commit()
    return access, replace(record, revealed=(field, value or ""))


def _seen(session: Session, access: Access, action: str, kind: str, object_id) -> None:
    audit.record(
        session,
        action=action,
        client_id=access.client.id,
        object_type=kind,
        object_id=object_id,
        flagged=access.flagged,
    )
    session.commit()


def _masked_item(item: AgendaItem) -> AgendaItem:
    return item if item.locked else replace(item, customer_name=mask.initials(item.customer_name))


def _masked_customer(session, access, customer_id, now) -> MaskedCustomerRecord:
    history = customer_history(session, access.scope, customer_id, now=now)
    person = history.customer
    return MaskedCustomerRecord(
        id=person.id,
        name=mask.initials(person.display_name),
        email=mask.email(person.email),
        phone=mask.phone(person.phone),
        upcoming=[(_masked_item(item), zone) for item, zone in history.upcoming],
        past=[(_masked_item(item), zone) for item, zone in history.past],
    )


def _masked_appointment(session, access, appointment_id) -> MaskedAppointment:
    record = appointment_record(session, access.scope, appointment_id)
    a = record.appointment
    return MaskedAppointment(
        id=a.id,
        customer_id=a.customer_id,
        zone=record.zone,
        item=_masked_item(record.item),
        contact_phone=mask.phone(a.contact_phone),
        notes=mask.hidden(a.notes),
        history=[
            MaskedHistoryEntry(e.at, e.from_status, e.to_status, e.by, mask.hidden(e.reason))
            for e in record.history
        ],
    )


def _customer_field(person: User, field: str) -> str | None:
    return {"name": person.display_name, "email": person.email, "phone": person.phone}[field]


def _appointment_field(access: Access, session: Session, appointment_id, field: str):
    appointment = access.scope.get_appointment(session, appointment_id)
    return {"notes": appointment.notes, "contact_phone": appointment.contact_phone}[field]
