"""Booking on behalf of a customer: open times of a day, then a confirmed appointment."""

from sqlalchemy import select

from app.models import Appointment, AppointmentStatus
from tests.web.staff.helpers import MONDAY, count, post, sign_in, text


def search(team, day="2031-03-03", **overrides):
    values = {
        "customer": team.customer.id,
        "service": team.service.id,
        "schedule": team.schedule.id,
        "date": day,
    }
    values.update(overrides)
    return "/staff/appointments/new?" + "&".join(f"{k}={v}" for k, v in values.items())


def test_the_page_offers_the_clients_customers_services_and_schedules(client, team, make_user):
    make_user(display_name="Someone Elsewhere")  # a customer of another client
    sign_in(client, team.staff)
    html = text(client.get("/staff/appointments/new"))
    assert "Cara Customer" in html and team.service.name in html and team.schedule.name in html
    assert "Someone Elsewhere" not in html


def test_open_times_of_the_day_are_listed_in_the_schedules_zone(client, team, make_appointment):
    make_appointment(schedule=team.schedule, service=team.service, start_at=MONDAY.replace(hour=10))
    sign_in(client, team.staff)
    page = client.get(search(team))
    html = text(page)
    assert page.status_code == 200
    assert "Open times on Monday 3 March 2031 (Europe/London)" in html
    assert 'value="2031-03-03T09:00:00+00:00"' in html
    assert 'value="2031-03-03T10:00:00+00:00"' not in html  # taken


def test_booking_on_behalf_creates_a_confirmed_appointment_for_that_customer(
    client, db_session, team
):
    sign_in(client, team.staff)
    response = post(
        client, search(team), {"start": "2031-03-03T09:30:00+00:00", "notes": "Prefers mornings"}
    )
    assert response.status_code == 302
    (appointment,) = db_session.scalars(select(Appointment)).all()
    assert appointment.customer_id == team.customer.id
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.start_at == MONDAY.replace(hour=9, minute=30)
    assert appointment.notes == "Prefers mornings"
    (created,) = db_session.scalars(appointment.status_changes.select()).all()
    assert created.changed_by == team.staff.id
    assert response.headers["Location"].endswith(f"/staff/appointments/{appointment.id}")


def test_a_time_taken_meanwhile_is_refused_with_the_precise_reason(
    client, db_session, team, make_appointment
):
    sign_in(client, team.staff)
    listing = client.get(search(team))
    assert 'value="2031-03-03T10:00:00+00:00"' in text(listing)
    make_appointment(schedule=team.schedule, service=team.service, start_at=MONDAY.replace(hour=10))
    before = count(db_session, Appointment)
    response = post(client, search(team), {"start": "2031-03-03T10:00:00+00:00"})
    assert response.status_code == 409
    assert "That time overlaps another appointment." in text(response)
    assert count(db_session, Appointment) == before


def test_a_time_that_is_not_offered_is_refused_with_the_rule(client, db_session, team):
    sign_in(client, team.staff)
    response = post(client, search(team), {"start": "2031-03-03T10:07:00+00:00"})
    assert response.status_code == 409
    assert "Appointments start every 15 minutes." in text(response)
    assert count(db_session, Appointment) == 0


def test_no_time_chosen_is_a_400(client, db_session, team):
    sign_in(client, team.staff)
    response = post(client, search(team), {"start": "soon"})
    assert response.status_code == 400
    assert "Choose one of the times listed." in text(response)
    assert count(db_session, Appointment) == 0


def test_a_schedule_needing_approval_books_a_request(client, db_session, team, make_schedule):
    approval = make_schedule(client=team.client, services=[team.service], approval_required=True)
    sign_in(client, team.staff)
    response = post(
        client, search(team, schedule=approval.id), {"start": "2031-03-03T09:00:00+00:00"}
    )
    assert response.status_code == 302
    (appointment,) = db_session.scalars(select(Appointment)).all()
    assert appointment.status is AppointmentStatus.REQUESTED


def test_an_unreadable_day_is_a_400_saying_how_to_write_it(client, team):
    sign_in(client, team.staff)
    page = client.get(search(team, day="next monday"))
    assert page.status_code == 400
    assert "Date: enter a date like 2031-03-14." in text(page)
