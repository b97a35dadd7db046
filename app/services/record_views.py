"""Opening a protected record or exporting: the audit trail notes who, before it happens.

Each function checks the record is inside the actor's scope (`NotFound`, or
`RecordLocked`, otherwise: nothing is recorded for a record never shown),
commits one `*.view` event, then loads what the page shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.models import User
from app.scope import Scope
from app.services import audit
from app.services.access_history import RecordView, client_zone, recent_views
from app.services.appointment_records import (
    AppointmentRecord,
    CustomerHistory,
    appointment_record,
    customer_history,
)
from app.services.unit_of_work import start_write


@dataclass(frozen=True)
class OpenedCustomer:
    history: CustomerHistory
    #: Who opened this customer's record lately (this opening included), newest first.
    recent_views: list[RecordView]
    zone: ZoneInfo  #: the client's, for the times of those openings


def open_customer(
    session: Session, scope: Scope, customer_id: uuid.UUID, *, actor: User, now: datetime
) -> OpenedCustomer:
    """Audit that `actor` opened the customer's record; the record and its recent views."""
    customer_id = scope.get_customer(session, customer_id).id
    _record_view(session, scope, "customer", customer_id, actor)
    return OpenedCustomer(
        customer_history(session, scope, customer_id, now=now),
        recent_views(session, scope, customer_id),
        client_zone(session, scope),
    )


def open_appointment(
    session: Session, scope: Scope, appointment_id: uuid.UUID, *, actor: User
) -> AppointmentRecord:
    """Audit that `actor` opened the appointment; the appointment with its history."""
    appointment_id = scope.get_appointment(session, appointment_id).id
    _record_view(session, scope, "appointment", appointment_id, actor)
    return appointment_record(session, scope, appointment_id)


def record_export(
    session: Session, scope: Scope, export: str, *, filters: Iterable[str], actor: User
) -> None:
    """Audit (and commit) that `actor` downloaded `export`, naming the filters applied."""
    _commit_event(
        session,
        scope,
        actor,
        action=f"{export}.export",
        object_type=export,
        object_id=None,
        fields=list(filters),
    )


def _record_view(
    session: Session, scope: Scope, object_type: str, object_id: uuid.UUID, actor: User
) -> None:
    _commit_event(
        session,
        scope,
        actor,
        action=f"{object_type}.view",
        object_type=object_type,
        object_id=object_id,
        fields=[],
    )


def _commit_event(
    session: Session,
    scope: Scope,
    actor: User,
    *,
    action: str,
    object_type: str,
    object_id: uuid.UUID | None,
    fields: list[str],
) -> None:
    actor_id, actor_role = actor.id, actor.role.value  # read before the transaction ends
    start_write(session)
    try:
        audit.record(
            session,
            action=action,
            client_id=scope.client_id,
            object_type=object_type,
            object_id=object_id,
            fields=fields,
            actor_id=actor_id,
            actor_role=actor_role,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
