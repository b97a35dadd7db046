"""Booking through the public pages: service, day, time, sign-in, confirm, confirmation, .ics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Appointment, AppointmentStatus, Closure, DateOverride, Role
from tests.web.customer.conftest import MONDAY, MONDAY_10
from tests.web.customer.pages import csrf_token, hidden_fields, links, rows, sign_in


def book_at(client: FlaskClient, confirm_url: str, **fields: str):
    """Open the confirm page at `confirm_url` and send its form, as a browser would."""
    page = client.get(confirm_url)
    assert page.status_code == 200, page.text
    return client.post(confirm_url, data={**hidden_fields(page.text), **fields})


def only_appointment(db_session) -> Appointment:
    db_session.expire_all()
    return db_session.scalars(select(Appointment)).one()


def test_booking_page_lists_the_services_on_offer(client, shop, make_service):
    make_service(client=shop.client, name="Retired service", is_active=False)
    make_service(client=shop.client, name="Offered on no schedule")
    page = client.get(f"/c/{shop.slug}")
    assert page.status_code == 200
    assert "First consultation" in page.text
    assert "30 minutes" in page.text
    assert "Retired service" not in page.text
    assert "Offered on no schedule" not in page.text


def test_an_unknown_client_has_no_booking_page(client, shop):
    assert client.get("/c/no-such-client").status_code == 404
    assert client.get("/c/no-such-client/book?service=x").status_code == 404


def test_the_calendar_links_days_with_openings_and_not_closed_days(client, db_session, shop):
    shop.schedule.closures.append(
        Closure(first_date=date(2031, 3, 5), last_date=date(2031, 3, 5), reason="Training")
    )
    shop.schedule.date_overrides.append(DateOverride(date=date(2031, 3, 6)))
    db_session.commit()

    page = client.get(shop.book_url(month="2031-03", tz="Europe/London")).text

    assert "March 2031" in page
    day_links = links(page, "day=")
    linked_days = {link.split("day=")[1][:10] for link in day_links}
    assert "2031-03-03" in linked_days  # an open Monday
    assert "2031-03-04" in linked_days
    assert "2031-03-05" not in linked_days  # closure
    assert "2031-03-06" not in linked_days  # date override closing the day
    assert "2031-03-08" not in linked_days  # Saturday: no hours
    assert "2031-02-28" not in linked_days  # not this month, and past
    assert "Monday 3 March 2031, 31 times available" in page
    assert 'aria-current="date"' not in page  # no day chosen yet


def test_days_beyond_the_horizon_are_not_links(client, shop):
    # The default horizon is 60 days from 1 March: nothing in June.
    page = client.get(shop.book_url(month="2031-06", tz="Europe/London")).text
    assert links(page, "day=") == []
    assert "Next month" not in page


def test_choosing_a_day_lists_its_times_in_the_schedules_zone_named(client, shop):
    page = client.get(shop.book_url(day=MONDAY, tz="Europe/London")).text

    assert 'aria-current="date"' in page
    assert "Times on Monday 3 March 2031 (Europe/London)" in page
    confirm_links = links(page, "/book/confirm?")
    assert len(confirm_links) == 31  # 09:00 to 16:30, every 15 minutes
    assert "start=2031-03-03T09:00:00Z" in confirm_links[0]
    assert '<time datetime="2031-03-03T09:00+00:00">09:00</time>' in page


def test_times_are_shown_in_the_viewers_own_zone(client, shop):
    page = client.get(shop.book_url(day=MONDAY, tz="America/New_York")).text

    # London 09:00 (GMT) is 04:00 in New York (EST) that Monday.
    assert "Times on Monday 3 March 2031 (America/New_York)" in page
    assert '<time datetime="2031-03-03T04:00-05:00">04:00</time>' in page
    assert "Times are shown in <strong>America/New_York</strong>" in page
    assert "The schedule of Dr Adams is in Europe/London" in page


def test_the_viewer_zone_defaults_to_the_clients_and_is_remembered(client, shop):
    first = client.get(shop.book_url(day=MONDAY)).text
    assert "Times are shown in <strong>Europe/London</strong>" in first
    assert "data-viewer-tz=" in first  # booking.js may offer the browser's zone

    client.get(shop.book_url(day=MONDAY, tz="Asia/Tokyo"))
    later = client.get(shop.book_url(day=MONDAY)).text
    assert "Times are shown in <strong>Asia/Tokyo</strong>" in later
    assert "data-viewer-tz=" not in later  # a chosen zone is never replaced


def test_a_visitor_is_asked_to_sign_in_before_confirming_and_comes_back(client, shop):
    confirm_url = shop.confirm_url(tz="Europe/London")
    response = client.get(confirm_url)
    assert response.status_code == 302
    assert response.location.startswith(f"/c/{shop.slug}/signin?next=")

    signin = f"/c/{shop.slug}/signin?" + response.location.split("?", 1)[1]
    back = client.post(
        signin,
        data={
            "email": shop.customer.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(client, signin),
        },
    )
    assert back.status_code == 302
    assert back.location == confirm_url


def test_a_new_visitor_creates_an_account_on_the_way_and_comes_back_to_confirm(
    client, db_session, shop
):
    confirm_url = shop.confirm_url(tz="Europe/London")
    signin = client.get(confirm_url).location
    signin_page = client.get(signin).text
    register = next(u for u in links(signin_page, "/register"))

    response = client.post(
        register,
        data={
            "display_name": "Robin",
            "email": "robin@example.org",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "csrf_token": csrf_token(client, register),
        },
    )
    assert response.status_code == 302
    assert response.location == confirm_url

    booked = book_at(client, confirm_url)
    assert booked.status_code == 302
    assert only_appointment(db_session).customer.display_name == "Robin"


def test_a_customer_books_a_time_end_to_end(client, db_session, shop):
    sign_in(client, shop.customer)
    calendar = client.get(shop.book_url(day=MONDAY, tz="Europe/London"))
    confirm_url = next(u for u in links(calendar.text, "/book/confirm?") if "T10:00:00Z" in u)

    confirm = client.get(confirm_url)
    assert confirm.status_code == 200
    assert "Monday 3 March 2031, 10:00 (Europe/London)" in confirm.text

    response = client.post(
        confirm_url,
        data={
            **hidden_fields(confirm.text),
            "notes": "Second floor, please",
            "contact_phone": "+44 20 7946 0000",
        },
    )

    appointment = only_appointment(db_session)
    assert response.status_code == 302
    assert response.location == (f"/c/{shop.slug}/appointments/{appointment.id}?tz=Europe/London")
    assert appointment.start_at == MONDAY_10
    assert appointment.end_at == MONDAY_10 + timedelta(minutes=30)
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.customer_id == shop.customer.id
    assert appointment.schedule_id == shop.schedule.id
    assert appointment.notes == "Second floor, please"
    assert appointment.contact_phone == "+44 20 7946 0000"

    page = client.get(response.location).text
    assert "Your appointment is booked." in page
    assert "Monday 3 March 2031, 10:00 (Europe/London)" in page
    assert f"/c/{shop.slug}/appointments/{appointment.id}.ics" in page


def test_the_confirmation_page_shows_the_time_in_the_viewers_zone(client, db_session, shop):
    sign_in(client, shop.customer)
    response = book_at(client, shop.confirm_url(tz="America/New_York"))
    assert response.status_code == 302

    page = client.get(response.location).text
    assert "Monday 3 March 2031, 05:00 (America/New_York)" in page
    assert "Monday 3 March 2031, 10:00 (Europe/London)" in page  # their local time, named


def test_the_ics_file_has_the_utc_times_and_no_private_fields(client, db_session, shop):
    sign_in(client, shop.customer)
    book_at(client, shop.confirm_url(), notes="Private note", contact_phone="07700 900123")
    appointment = only_appointment(db_session)

    response = client.get(f"/c/{shop.slug}/appointments/{appointment.id}.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    assert b"Private note" not in response.data
    assert b"07700" not in response.data
    assert b"DTSTART:20310303T100000Z" in response.data
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{appointment.id}@safeslot"
    assert event.decoded("DTSTART") == MONDAY_10
    assert event.decoded("DTEND") == MONDAY_10 + timedelta(minutes=30)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["SUMMARY"]) == "First consultation – Riverside Clinic"
    assert int(event["SEQUENCE"]) == 0
    assert isinstance(event.decoded("DTSTAMP"), datetime)
    assert "DESCRIPTION" not in event


def test_first_available_books_the_first_schedule_with_room(
    client, db_session, shop, make_schedule, make_appointment, make_user
):
    # "Dr Adams" sorts first; give it a booking at 10:00 so only "Dr Brown" has room.
    brown = make_schedule(client=shop.client, name="Dr Brown", services=[shop.service])
    make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=make_user(client=shop.client),
        start_at=MONDAY_10,
    )
    sign_in(client, shop.customer)

    page = client.get(shop.book_url(day=MONDAY, tz="Europe/London")).text
    assert "First available" in page
    assert any("T10:00:00Z" in u for u in links(page, "/book/confirm?"))

    response = book_at(client, shop.confirm_url(schedule="any"))

    assert response.status_code == 302
    db_session.expire_all()
    mine = db_session.scalars(
        select(Appointment).where(Appointment.customer_id == shop.customer.id)
    ).one()
    assert mine.schedule_id == brown.id
    assert mine.start_at == MONDAY_10


def test_a_chosen_schedule_offers_only_its_own_times(
    client, shop, make_schedule, make_appointment, make_user
):
    make_schedule(client=shop.client, name="Dr Brown", services=[shop.service])
    make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=make_user(client=shop.client),
        start_at=MONDAY_10,
    )
    page = client.get(
        shop.book_url(schedule=str(shop.schedule.id), day=MONDAY, tz="Europe/London")
    ).text
    starts = links(page, "/book/confirm?")
    assert not any("T10:00:00Z" in u for u in starts)
    assert any("T10:30:00Z" in u for u in starts)


def test_a_schedule_needing_approval_creates_a_request_that_awaits_confirmation(
    client, db_session, shop, make_schedule
):
    schedule = make_schedule(
        client=shop.client, name="Intake", services=[shop.service], approval_required=True
    )
    sign_in(client, shop.customer)
    confirm_url = shop.confirm_url(schedule=str(schedule.id))
    assert "confirms each booking by hand" in client.get(confirm_url).text

    response = book_at(client, confirm_url)

    assert response.status_code == 302
    appointment = only_appointment(db_session)
    assert appointment.status is AppointmentStatus.REQUESTED
    page = client.get(response.location).text
    assert "awaits confirmation" in page
    assert "Awaiting confirmation" in page


def test_a_time_taken_meanwhile_is_refused_with_409_and_nothing_saved(
    client, db_session, shop, make_appointment, make_user
):
    sign_in(client, shop.customer)
    confirm_url = shop.confirm_url(schedule=str(shop.schedule.id))
    form = hidden_fields(client.get(confirm_url).text)
    make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=make_user(client=shop.client),
        start_at=MONDAY_10,
    )
    before = rows(db_session)

    response = client.post(confirm_url, data=form)

    assert response.status_code == 409
    assert "that time was just taken" in response.text
    assert "There is a problem" in response.text
    assert rows(db_session) == before


def test_staff_cannot_use_the_customer_booking_form(client, shop, make_user):
    staff = make_user(client=shop.client, role=Role.STAFF)
    sign_in(client, staff)
    assert client.get(shop.confirm_url()).status_code == 403
