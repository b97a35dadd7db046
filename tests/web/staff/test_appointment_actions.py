"""Approve, decline, cancel, record the outcome and move: refusals say why and change nothing."""

from datetime import timedelta

import pytest

from app.models import Appointment, AppointmentStatus, AppointmentStatusChange
from tests.web.staff.helpers import MONDAY, NOW, count, fresh, post, sign_in, text

TEN = MONDAY.replace(hour=10)


@pytest.fixture
def request_at_ten(team, make_appointment):
    return make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=TEN,
        status=AppointmentStatus.REQUESTED,
    )


def reload(db_session, appointment) -> Appointment:
    fresh(db_session)
    return db_session.get(Appointment, appointment.id)


def test_approving_a_request_confirms_it_and_returns_to_the_agenda(
    client, db_session, team, request_at_ten
):
    sign_in(client, team.staff)
    back = "/staff/agenda?date=2031-03-03"
    response = post(client, f"/staff/appointments/{request_at_ten.id}/approve", {"next": back})
    assert response.status_code == 302
    assert response.headers["Location"] == back
    stored = reload(db_session, request_at_ten)
    assert stored.status is AppointmentStatus.CONFIRMED
    history = db_session.scalars(stored.status_changes.select()).all()
    approvals = [h for h in history if h.from_status is AppointmentStatus.REQUESTED]
    assert [(h.to_status, h.changed_by) for h in approvals] == [
        (AppointmentStatus.CONFIRMED, team.staff.id)
    ]


def test_approval_rechecks_the_schedule_and_refuses_an_overlap_with_the_reason(
    client, db_session, team, request_at_ten, make_appointment
):
    make_appointment(
        schedule=team.schedule, service=team.service, start_at=TEN + timedelta(minutes=15)
    )
    changes_before = count(db_session, AppointmentStatusChange)
    sign_in(client, team.staff)
    response = post(client, f"/staff/appointments/{request_at_ten.id}/approve")
    assert response.status_code == 409
    assert "That time overlaps another appointment." in text(response)
    assert reload(db_session, request_at_ten).status is AppointmentStatus.REQUESTED
    assert count(db_session, AppointmentStatusChange) == changes_before


def test_declining_needs_a_reason_and_changes_nothing_without_one(
    client, db_session, team, request_at_ten
):
    sign_in(client, team.staff)
    response = post(client, f"/staff/appointments/{request_at_ten.id}/decline", {})
    assert response.status_code == 400
    assert "Please give a reason; the customer will see it." in text(response)
    assert reload(db_session, request_at_ten).status is AppointmentStatus.REQUESTED


def test_declining_cancels_the_request_and_keeps_the_reason_for_the_customer(
    client, db_session, team, request_at_ten
):
    sign_in(client, team.staff)
    response = post(
        client,
        f"/staff/appointments/{request_at_ten.id}/decline",
        {"decline_reason": "The clinic is closed that morning."},
    )
    assert response.status_code == 302
    stored = reload(db_session, request_at_ten)
    assert stored.status is AppointmentStatus.CANCELLED
    assert stored.cancel_reason == "The clinic is closed that morning."


def test_a_confirmed_appointment_cannot_be_declined(client, db_session, team, make_appointment):
    confirmed = make_appointment(schedule=team.schedule, service=team.service, start_at=TEN)
    sign_in(client, team.staff)
    response = post(client, f"/staff/appointments/{confirmed.id}/decline", {"decline_reason": "No"})
    assert response.status_code == 409
    assert "cannot become declined" in text(response)
    assert reload(db_session, confirmed).status is AppointmentStatus.CONFIRMED


def test_cancelling_with_a_reason_cancels_inside_the_customers_cut_off(
    client, db_session, team, make_appointment
):
    # Starts 3 hours after the pages' clock: inside the customer's 24-hour cut-off.
    soon = make_appointment(
        schedule=team.schedule, service=team.service, start_at=NOW + timedelta(hours=3)
    )
    sign_in(client, team.admin)
    response = post(
        client, f"/staff/appointments/{soon.id}/cancel", {"cancel_reason": "Therapist is ill."}
    )
    assert response.status_code == 302
    stored = reload(db_session, soon)
    assert (stored.status, stored.cancel_reason) == (
        AppointmentStatus.CANCELLED,
        "Therapist is ill.",
    )


def test_cancelling_without_a_reason_is_refused(client, db_session, team, make_appointment):
    appointment = make_appointment(schedule=team.schedule, service=team.service, start_at=TEN)
    sign_in(client, team.staff)
    response = post(client, f"/staff/appointments/{appointment.id}/cancel", {"cancel_reason": " "})
    assert response.status_code == 400
    assert reload(db_session, appointment).status is AppointmentStatus.CONFIRMED


def test_an_appointment_that_has_started_can_be_marked_a_no_show(
    client, db_session, team, make_appointment
):
    started = make_appointment(
        schedule=team.schedule, service=team.service, start_at=NOW - timedelta(minutes=10)
    )
    sign_in(client, team.staff)
    assert "How did it go?" in text(client.get(f"/staff/appointments/{started.id}"))
    response = post(client, f"/staff/appointments/{started.id}/outcome", {"outcome": "no_show"})
    assert response.status_code == 302
    assert reload(db_session, started).status is AppointmentStatus.NO_SHOW


def test_completed_cannot_be_recorded_before_the_end(client, db_session, team, make_appointment):
    running = make_appointment(
        schedule=team.schedule, service=team.service, start_at=NOW - timedelta(minutes=10)
    )
    sign_in(client, team.staff)
    response = post(client, f"/staff/appointments/{running.id}/outcome", {"outcome": "completed"})
    assert response.status_code == 409
    assert "cannot become completed" in text(response)
    assert reload(db_session, running).status is AppointmentStatus.CONFIRMED


def test_the_appointment_page_shows_the_customer_time_zone_and_history(
    client, team, request_at_ten
):
    sign_in(client, team.staff)
    html = text(client.get(f"/staff/appointments/{request_at_ten.id}"))
    assert "Cara Customer" in html
    assert "Monday 3 March 2031, 10:00–10:30 (Europe/London time)" in html
    assert "created as requested" in html
    assert "Approve the request" in html and "Decline the request" in html


def test_moving_an_appointment_to_an_open_time(client, db_session, team, make_appointment):
    appointment = make_appointment(schedule=team.schedule, service=team.service, start_at=TEN)
    sign_in(client, team.staff)
    path = f"/staff/appointments/{appointment.id}/reschedule?date=2031-03-04"
    listing = client.get(path)
    assert listing.status_code == 200
    new_start = "2031-03-04T14:00:00+00:00"
    assert f'value="{new_start}"' in text(listing)
    response = post(client, path, {"start": new_start})
    assert response.status_code == 302
    assert reload(db_session, appointment).start_at == MONDAY.replace(day=4, hour=14)


def test_a_time_overlapping_the_appointments_own_is_offered_for_the_move(
    client, db_session, team, make_appointment
):
    appointment = make_appointment(schedule=team.schedule, service=team.service, start_at=TEN)
    sign_in(client, team.staff)
    path = f"/staff/appointments/{appointment.id}/reschedule?date=2031-03-03"
    assert 'value="2031-03-03T10:15:00+00:00"' in text(client.get(path))
    assert post(client, path, {"start": "2031-03-03T10:15:00+00:00"}).status_code == 302
    assert reload(db_session, appointment).start_at == TEN + timedelta(minutes=15)


def test_moving_to_a_closed_time_is_refused_with_the_reason(
    client, db_session, team, make_appointment
):
    appointment = make_appointment(schedule=team.schedule, service=team.service, start_at=TEN)
    sign_in(client, team.staff)
    path = f"/staff/appointments/{appointment.id}/reschedule?date=2031-03-04"
    response = post(client, path, {"start": "2031-03-04T20:00:00+00:00"})
    assert response.status_code == 409
    assert "outside opening hours" in text(response)
    assert reload(db_session, appointment).start_at == TEN
