"""The agenda page: the day's appointments in the named zone, requests highlighted."""

from datetime import UTC, datetime

from app.models import AppointmentStatus
from tests.web.staff.helpers import MONDAY, sign_in, text


def test_the_agenda_shows_the_days_appointments_in_the_schedules_zone(
    client, team, make_schedule, make_appointment
):
    new_york = make_schedule(
        client=team.client, services=[team.service], timezone="America/New_York", name="NY desk"
    )
    # 15:00 UTC is 10:00 in New York in winter.
    make_appointment(
        schedule=new_york,
        service=team.service,
        customer=team.customer,
        start_at=datetime(2031, 3, 3, 15, tzinfo=UTC),
    )
    sign_in(client, team.staff)
    page = client.get(f"/staff/agenda?date=2031-03-03&schedule={new_york.id}")
    html = text(page)
    assert page.status_code == 200
    assert "Times are in <strong>America/New_York</strong>" in html
    assert "10:00–10:30" in html
    assert "Cara Customer" in html
    assert "Monday 3 March 2031" in html


def test_requests_are_highlighted_with_approve_and_decline_and_counted(
    client, team, make_appointment
):
    make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=MONDAY.replace(hour=11),
        status=AppointmentStatus.REQUESTED,
    )
    sign_in(client, team.staff)
    html = text(client.get("/staff/agenda?date=2031-03-03"))
    assert "Pending approval: 1" in html
    assert 'class="staff-row--requested"' in html
    assert ">Approve<" in html
    assert 'name="decline_reason"' in html


def test_the_week_view_lists_monday_to_sunday(client, team):
    sign_in(client, team.staff)
    html = text(client.get("/staff/agenda?view=week&date=2031-03-05"))
    assert "Monday 3 March 2031" in html and "Sunday 9 March 2031" in html


def test_an_unreadable_date_is_a_400_that_says_so_and_shows_today(client, team):
    sign_in(client, team.staff)
    page = client.get("/staff/agenda?date=31/02/2031")
    assert page.status_code == 400
    assert "“31/02/2031” is not a date we can read; showing today." in text(page)
    # The pages' clock is Friday 28 February 2031.
    assert "Friday 28 February 2031" in text(page)


def test_an_unknown_view_is_a_400(client, team):
    sign_in(client, team.staff)
    assert client.get("/staff/agenda?view=month").status_code == 400
