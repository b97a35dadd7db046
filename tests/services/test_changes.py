"""Cancel, move, approve, decline and outcomes: the engine's rules through the service."""

from datetime import UTC, datetime, timedelta

import pytest

import scheduling
from app.errors import InvalidInput, NotFound
from app.models import AppointmentStatus, Role
from app.scope import Scope
from app.services import changes
from app.services.booking import SlotTaken

START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC (London, winter)
DAY_BEFORE = START - timedelta(days=1)


@pytest.fixture
def world(make_client, make_service, make_schedule, make_user, make_appointment):
    client = make_client(cancel_cutoff_minutes=24 * 60, reschedule_cutoff_minutes=12 * 60)
    service = make_service(client=client)
    schedule = make_schedule(client=client, services=[service], min_notice_minutes=0)
    customer = make_user(client=client)
    staff = make_user(client=client, role=Role.STAFF)
    appointment = make_appointment(schedule=schedule, service=service, customer=customer)
    return client, schedule, service, customer, staff, appointment


def customer_scope(world):
    client, _, _, customer, _, _ = world
    return Scope(client.id, customer.id)


def history(db_session, appointment):
    return db_session.scalars(appointment.status_changes.select()).all()


def test_a_customer_cancels_before_the_cutoff(db_session, world):
    *_, customer, _, appointment = world
    cancelled = changes.cancel(
        db_session,
        customer_scope(world),
        appointment.id,
        actor=customer,
        now=START - timedelta(days=2),
    )
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.sequence == 1
    change = next(
        h for h in history(db_session, cancelled) if h.to_status is AppointmentStatus.CANCELLED
    )
    assert change.changed_by == customer.id


def test_a_customer_inside_the_cutoff_is_told_the_rule_and_nothing_changes(db_session, world):
    *_, customer, _, appointment = world
    with pytest.raises(scheduling.reasons.TooLateToCancel, match="up to 1 day before"):
        changes.cancel(
            db_session,
            customer_scope(world),
            appointment.id,
            actor=customer,
            now=START - timedelta(hours=2),
        )
    db_session.rollback()
    db_session.refresh(appointment)
    assert appointment.status is AppointmentStatus.CONFIRMED


def test_staff_cancel_late_with_a_reason_the_customer_can_read(db_session, world):
    client, *_, staff, appointment = world
    cancelled = changes.cancel(
        db_session,
        Scope(client.id),
        appointment.id,
        actor=staff,
        now=START - timedelta(hours=1),
        reason="The counsellor is ill today",
    )
    assert cancelled.cancel_reason == "The counsellor is ill today"


def test_a_customer_cannot_cancel_another_customers_appointment(db_session, world, make_user):
    client, *_, appointment = world
    stranger = make_user(client=client)
    with pytest.raises(NotFound):
        changes.cancel(
            db_session,
            Scope(client.id, stranger.id),
            appointment.id,
            actor=stranger,
            now=DAY_BEFORE,
        )


def test_cancelling_twice_is_refused(db_session, world):
    client, *_, staff, appointment = world
    changes.cancel(db_session, Scope(client.id), appointment.id, actor=staff, now=DAY_BEFORE)
    with pytest.raises(scheduling.reasons.InvalidTransition, match="is cancelled"):
        changes.cancel(db_session, Scope(client.id), appointment.id, actor=staff, now=DAY_BEFORE)


def test_a_customer_moves_an_appointment_to_a_free_time(db_session, world):
    *_, customer, _, appointment = world
    moved = changes.reschedule(
        db_session,
        customer_scope(world),
        appointment.id,
        new_start=START + timedelta(days=1, hours=2),
        actor=customer,
        now=START - timedelta(days=2),
    )
    assert moved.start_at == START + timedelta(days=1, hours=2)
    assert moved.end_at - moved.start_at == timedelta(minutes=30)
    assert moved.sequence == 1
    reasons = [h.reason for h in history(db_session, moved) if h.reason]
    assert reasons == ["moved from 2031-03-03 10:00 UTC"]


def test_moving_to_a_slightly_later_overlapping_time_ignores_the_appointment_itself(
    db_session, world
):
    client, *_, staff, appointment = world
    moved = changes.reschedule(
        db_session,
        Scope(client.id),
        appointment.id,
        new_start=START + timedelta(minutes=15),
        actor=staff,
        now=DAY_BEFORE,
    )
    assert moved.start_at == START + timedelta(minutes=15)


def test_moving_onto_someone_elses_appointment_is_refused_and_nothing_moves(
    db_session, world, make_appointment
):
    client, schedule, service, _, staff, appointment = world
    make_appointment(schedule=schedule, service=service, start_at=START + timedelta(hours=2))
    with pytest.raises(SlotTaken):
        changes.reschedule(
            db_session,
            Scope(client.id),
            appointment.id,
            new_start=START + timedelta(hours=2),
            actor=staff,
            now=DAY_BEFORE,
        )
    db_session.rollback()
    db_session.refresh(appointment)
    assert appointment.start_at == START


def test_a_customer_cannot_move_inside_the_reschedule_cutoff(db_session, world):
    *_, customer, _, appointment = world
    with pytest.raises(scheduling.reasons.TooLateToReschedule, match="12 hours"):
        changes.reschedule(
            db_session,
            customer_scope(world),
            appointment.id,
            new_start=START + timedelta(days=1),
            actor=customer,
            now=START - timedelta(hours=6),
        )


def test_approving_confirms_a_request_after_rechecking(db_session, world, make_appointment):
    client, schedule, service, customer, staff, _ = world
    requested = make_appointment(
        schedule=schedule,
        service=service,
        customer=customer,
        start_at=START + timedelta(hours=3),
        status=AppointmentStatus.REQUESTED,
    )
    approved = changes.approve(
        db_session, Scope(client.id), requested.id, actor=staff, now=DAY_BEFORE
    )
    assert approved.status is AppointmentStatus.CONFIRMED


def test_approval_is_refused_when_the_time_is_no_longer_bookable(
    db_session, world, make_appointment
):
    client, schedule, service, customer, staff, _ = world
    # A request whose time now overlaps a confirmed appointment (e.g. booked by staff meanwhile).
    requested = make_appointment(
        schedule=schedule,
        service=service,
        customer=customer,
        start_at=START + timedelta(minutes=15),
        status=AppointmentStatus.REQUESTED,
    )
    with pytest.raises(SlotTaken):
        changes.approve(db_session, Scope(client.id), requested.id, actor=staff, now=DAY_BEFORE)
    db_session.rollback()
    db_session.refresh(requested)
    assert requested.status is AppointmentStatus.REQUESTED


def test_declining_needs_a_reason(db_session, world, make_appointment):
    client, schedule, service, customer, staff, _ = world
    requested = make_appointment(
        schedule=schedule,
        service=service,
        customer=customer,
        status=AppointmentStatus.REQUESTED,
        start_at=START + timedelta(hours=4),
    )
    with pytest.raises(InvalidInput, match="reason"):
        changes.decline(
            db_session, Scope(client.id), requested.id, actor=staff, now=DAY_BEFORE, reason=" "
        )
    declined = changes.decline(
        db_session,
        Scope(client.id),
        requested.id,
        actor=staff,
        now=DAY_BEFORE,
        reason="Fully booked",
    )
    assert (declined.status, declined.cancel_reason) == (
        AppointmentStatus.CANCELLED,
        "Fully booked",
    )


def test_outcomes_are_recorded_only_after_the_appointment(db_session, world):
    client, *_, staff, appointment = world
    with pytest.raises(scheduling.reasons.InvalidTransition):
        changes.mark_outcome(
            db_session,
            Scope(client.id),
            appointment.id,
            AppointmentStatus.COMPLETED,
            actor=staff,
            now=DAY_BEFORE,
        )
    done = changes.mark_outcome(
        db_session,
        Scope(client.id),
        appointment.id,
        AppointmentStatus.NO_SHOW,
        actor=staff,
        now=START + timedelta(minutes=10),
    )
    assert done.status is AppointmentStatus.NO_SHOW


def test_a_request_may_be_withdrawn_inside_the_cutoff_but_not_once_started(
    db_session, world, make_appointment
):
    client, schedule, service, customer, _, _ = world
    requested = make_appointment(
        schedule=schedule,
        service=service,
        customer=customer,
        start_at=START + timedelta(hours=5),
        status=AppointmentStatus.REQUESTED,
    )
    scope = Scope(client.id, customer.id)
    with pytest.raises(scheduling.reasons.AlreadyStarted):
        changes.cancel(
            db_session, scope, requested.id, actor=customer, now=START + timedelta(hours=5)
        )
    withdrawn = changes.cancel(
        db_session, scope, requested.id, actor=customer, now=START + timedelta(hours=4)
    )
    assert withdrawn.status is AppointmentStatus.CANCELLED


def test_an_appointment_of_a_withdrawn_service_cannot_be_moved(db_session, world):
    client, _, service, _, staff, appointment = world
    service.is_active = False
    db_session.commit()
    with pytest.raises(scheduling.reasons.ServiceNotOffered):
        changes.reschedule(
            db_session,
            Scope(client.id),
            appointment.id,
            new_start=START + timedelta(hours=2),
            actor=staff,
            now=DAY_BEFORE,
        )


def test_a_customers_move_on_a_schedule_needing_approval_awaits_approval_again(db_session, world):
    _, schedule, _, customer, _, appointment = world
    schedule.approval_required = True
    db_session.commit()
    moved = changes.reschedule(
        db_session,
        customer_scope(world),
        appointment.id,
        new_start=START + timedelta(days=1),
        actor=customer,
        now=START - timedelta(days=2),
    )
    assert moved.status is AppointmentStatus.REQUESTED


def test_staff_may_approve_a_request_inside_the_minimum_notice(db_session, world, make_appointment):
    client, schedule, service, customer, staff, _ = world
    schedule.min_notice_minutes = 24 * 60
    db_session.commit()
    requested = make_appointment(
        schedule=schedule,
        service=service,
        customer=customer,
        start_at=START + timedelta(hours=3),
        status=AppointmentStatus.REQUESTED,
    )
    approved = changes.approve(
        db_session, Scope(client.id), requested.id, actor=staff, now=START - timedelta(hours=1)
    )
    assert approved.status is AppointmentStatus.CONFIRMED
