"""Bookings racing an erasure on PostgreSQL: none survives with private data or holds time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import Appointment, AppointmentStatus, User
from app.scope import Scope
from app.services import erasure
from app.services.booking import AccountClosed, BookingRequest, book
from tests.concurrency import run_at_once
from tests.data_rights_setup import MARK_NOTE, NOW, make_marked
from tests.services.staff_setup import fresh

pytestmark = pytest.mark.postgres
TUESDAY_9 = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)


def test_bookings_racing_an_approval_are_erased_or_refused(
    app, db_session, make_client, make_user, make_service, make_schedule, make_appointment
) -> None:
    world = make_marked(
        db_session, make_client, make_user, make_service, make_schedule, make_appointment
    )
    with app.app_context():
        request = erasure.request_erasure(
            db_session, Scope.for_user(world.customer), actor=world.customer, now=NOW
        )
    ids = (world.client.id, world.customer.id, world.service.id, request.id)
    admin = world.admin
    database = get_db(app)

    def attempt(i: int) -> None:
        client_id, customer_id, service_id, request_id = ids
        with app.app_context(), database.session() as session:
            if i == 0:
                erasure.approve(session, Scope(client_id), request_id, actor=admin, now=NOW)
                return
            wanted = BookingRequest(
                service_id=service_id,
                start=TUESDAY_9 + timedelta(minutes=30 * i),
                notes=MARK_NOTE,
            )
            book(session, Scope(client_id), wanted, customer_id=customer_id, actor=admin, now=NOW)

    run_at_once(8, attempt, expected=(AccountClosed,))

    fresh(db_session)
    theirs = db_session.scalars(
        select(Appointment).where(Appointment.customer_id == world.customer.id)
    ).all()
    assert not db_session.get(User, world.customer.id).is_active
    assert all(a.notes is None and a.contact_phone is None for a in theirs)
    assert all(a.status is AppointmentStatus.CANCELLED for a in theirs if a.start_at > NOW), (
        "an erased customer still holds time"
    )
