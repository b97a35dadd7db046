"""Erasure on request: the customer asks, an administrator decides, private data goes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.config import get_config
from app.errors import AccessDenied, Conflict, InvalidInput
from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    CalendarFeedToken,
    ErasureStatus,
    LoginAttempt,
    Role,
    User,
    UserSession,
)
from app.models.audit import AuditEvent
from app.scope import Scope
from app.services import erasure
from app.services.booking import AccountClosed, BookingRequest, book
from app.services.calendar_feeds import create_feed
from app.services.registration import register_customer
from tests.data_rights_setup import MARK_EMAIL, NOW, leaked, make_marked, row_values
from tests.services.security_setup import make_attempt, open_session


@pytest.fixture
def world(app, db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    with app.app_context():
        yield make_marked(
            db_session, make_client, make_user, make_service, make_schedule, make_appointment
        )


def _customer_scope(world) -> Scope:
    return Scope.for_user(world.customer)


def _approved(db_session, world):
    request = erasure.request_erasure(
        db_session, _customer_scope(world), actor=world.customer, now=NOW
    )
    return erasure.approve(
        db_session, Scope(world.client.id), request.id, actor=world.admin, now=NOW
    )


def test_a_customer_files_one_pending_request_at_a_time(db_session, world) -> None:
    request = erasure.request_erasure(
        db_session, _customer_scope(world), actor=world.customer, now=NOW
    )
    assert request.status is ErasureStatus.PENDING

    with pytest.raises(Conflict):
        erasure.request_erasure(db_session, _customer_scope(world), actor=world.customer, now=NOW)
    pending = erasure.pending_requests(db_session, Scope(world.client.id), actor=world.admin)
    assert [(p.request.id, p.customer_id) for p in pending] == [(request.id, world.customer.id)]


def test_only_an_administrator_decides(db_session, world, make_user) -> None:
    request = erasure.request_erasure(
        db_session, _customer_scope(world), actor=world.customer, now=NOW
    )
    staff = make_user(client=world.client, role=Role.STAFF)
    with pytest.raises(AccessDenied):
        erasure.approve(db_session, Scope(world.client.id), request.id, actor=staff, now=NOW)
    with pytest.raises(AccessDenied):
        erasure.pending_requests(db_session, Scope(world.client.id), actor=staff)


def test_approval_leaves_no_marker_in_the_customers_rows(db_session, world) -> None:
    create_feed(db_session, world.customer, name=f"{MARK_EMAIL} phone", schedule_id=None, now=NOW)
    make_attempt(db_session, world.client, world.customer)
    open_session(db_session, world.customer)

    request = _approved(db_session, world)

    assert request.status is ErasureStatus.APPROVED
    appointment_ids = [world.past.id, world.cancelled.id, world.upcoming.id]
    texts = row_values(db_session, User, User.id == world.customer.id)
    texts += row_values(db_session, Appointment, Appointment.id.in_(appointment_ids))
    texts += row_values(
        db_session,
        AppointmentStatusChange,
        AppointmentStatusChange.appointment_id.in_(appointment_ids),
    )
    assert leaked(texts) == []
    for model in (CalendarFeedToken, LoginAttempt, UserSession):
        owned = select(func.count()).select_from(model).where(model.user_id == world.customer.id)
        assert db_session.scalar(owned) == 0, model.__name__


def test_the_account_is_closed_and_shows_a_placeholder(db_session, world) -> None:
    version = world.customer.session_version
    _approved(db_session, world)

    db_session.expire_all()
    customer = db_session.get(User, world.customer.id)
    assert customer.display_name == erasure.PLACEHOLDER_NAME
    assert customer.email == "" and customer.phone is None
    assert not customer.is_active
    assert customer.session_version == version + 1
    assert erasure.is_erased(customer)


def test_appointments_stay_as_anonymous_statistics(db_session, world) -> None:
    _approved(db_session, world)

    db_session.expire_all()
    past = db_session.get(Appointment, world.past.id)
    assert (past.start_at, past.service_id, past.status) == (
        world.past.start_at,
        world.service.id,
        AppointmentStatus.COMPLETED,
    )
    assert past.notes is None and past.contact_phone is None
    # The time the erased person held is given back.
    upcoming = db_session.get(Appointment, world.upcoming.id)
    assert upcoming.status is AppointmentStatus.CANCELLED


def test_other_customers_keep_their_data(db_session, world) -> None:
    _approved(db_session, world)

    db_session.expire_all()
    other = db_session.get(User, world.other.id)
    assert other.display_name == "Bea Bystander" and other.is_active
    kept = db_session.get(Appointment, world.others_appointment.id)
    assert kept.notes == "Bystander's own note"
    assert kept.status is AppointmentStatus.CONFIRMED


def test_the_address_can_register_again(app, db_session, world) -> None:
    _approved(db_session, world)

    with app.app_context():
        again = register_customer(
            db_session,
            get_config(),
            world.client,
            email=MARK_EMAIL,
            display_name="New start",
            password="a fresh long passphrase 42",
        )
    assert again.id != world.customer.id


def test_the_audit_event_names_fields_and_no_values(db_session, world) -> None:
    _approved(db_session, world)

    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "customer.erase")
    ).one()
    assert event.object_id == str(world.customer.id)
    assert "user.email" in event.fields
    texts = [str(getattr(event, c.key)) for c in AuditEvent.__mapper__.column_attrs]
    assert leaked(texts) == []


def test_a_booking_after_approval_is_refused(db_session, world) -> None:
    _approved(db_session, world)

    request = BookingRequest(
        service_id=world.service.id, start=world.upcoming.start_at + timedelta(hours=2)
    )
    with pytest.raises(AccountClosed):
        book(
            db_session,
            Scope(world.client.id),
            request,
            customer_id=world.customer.id,
            actor=world.admin,
            now=NOW,
        )
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.customer_id == world.customer.id)
        )
        == 3
    )


def test_a_decided_request_cannot_be_decided_again(db_session, world) -> None:
    request = _approved(db_session, world)
    with pytest.raises(Conflict):
        erasure.decline(
            db_session, Scope(world.client.id), request.id, actor=world.admin, now=NOW, reason="x"
        )


def test_declining_needs_a_reason_and_keeps_the_account(db_session, world) -> None:
    request = erasure.request_erasure(
        db_session, _customer_scope(world), actor=world.customer, now=NOW
    )
    with pytest.raises(InvalidInput):
        erasure.decline(
            db_session, Scope(world.client.id), request.id, actor=world.admin, now=NOW, reason=" "
        )

    declined = erasure.decline(
        db_session,
        Scope(world.client.id),
        request.id,
        actor=world.admin,
        now=NOW,
        reason="An open invoice must be settled first.",
    )

    assert declined.status is ErasureStatus.DECLINED
    db_session.expire_all()
    assert db_session.get(User, world.customer.id).email == MARK_EMAIL
    latest = erasure.latest_request(db_session, _customer_scope(world))
    assert latest.decline_reason == "An open invoice must be settled first."


def test_another_clients_request_is_not_found(db_session, world, make_client, make_user) -> None:
    request = erasure.request_erasure(
        db_session, _customer_scope(world), actor=world.customer, now=NOW
    )
    elsewhere = make_client()
    admin = make_user(client=elsewhere, role=Role.CLIENT_ADMIN)
    from app.errors import NotFound

    with pytest.raises(NotFound):
        erasure.approve(db_session, Scope(elsewhere.id), request.id, actor=admin, now=NOW)


def test_a_locked_record_is_listed_without_its_name(db_session, world, make_user) -> None:
    from app.models.record_lock import RecordLock

    erasure.request_erasure(db_session, _customer_scope(world), actor=world.customer, now=NOW)
    other_admin = make_user(client=world.client, role=Role.CLIENT_ADMIN)
    db_session.add(
        RecordLock(client_id=world.client.id, customer_id=world.customer.id, members=[world.admin])
    )
    db_session.commit()

    named = erasure.pending_requests(db_session, Scope.for_user(world.admin), actor=world.admin)
    hidden = erasure.pending_requests(db_session, Scope.for_user(other_admin), actor=other_admin)

    assert [p.customer_name for p in named] == [world.customer.display_name]
    assert [p.customer_name for p in hidden] == [erasure.LOCKED_NAME]
