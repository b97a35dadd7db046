"""My appointments: the list, the detail page, cancelling and moving within the cut-offs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Appointment, AppointmentStatus, Role
from tests.web.customer.conftest import MONDAY_10, NOW
from tests.web.customer.pages import csrf_token, hidden_fields, links, rows, sign_in


def appointments_url(shop) -> str:
    return f"/c/{shop.slug}/appointments"


def detail_url(shop, appointment) -> str:
    return f"/c/{shop.slug}/appointments/{appointment.id}"


def reload(db_session, appointment) -> Appointment:
    db_session.expire_all()
    return db_session.get(Appointment, appointment.id)


@pytest.fixture
def booked(make_appointment, shop) -> Appointment:
    """The customer's confirmed appointment on Monday 3 March 2031, 10:00 London time."""
    return make_appointment(
        schedule=shop.schedule, service=shop.service, customer=shop.customer, start_at=MONDAY_10
    )


def test_the_list_shows_upcoming_soonest_first_and_past_latest_first(
    customer_client, shop, make_appointment
):
    def at(day: int, month: int = 3, **kwargs) -> Appointment:
        start = datetime(2031, month, day, 10, 0, tzinfo=UTC)
        return make_appointment(
            schedule=shop.schedule,
            service=shop.service,
            customer=shop.customer,
            start_at=start,
            **kwargs,
        )

    at(5, status=AppointmentStatus.CANCELLED, cancel_reason="The counsellor is unwell")
    at(4, status=AppointmentStatus.REQUESTED)
    at(3)
    at(20, month=2, status=AppointmentStatus.COMPLETED)
    at(25, month=2)

    page = customer_client.get(appointments_url(shop) + "?tz=Europe/London").text

    upcoming, past = page.split('id="upcoming-title"')[1].split('id="past-title"')
    order = [
        upcoming.index(f"{day} March 2031") for day in ("Monday 3", "Tuesday 4", "Wednesday 5")
    ]
    assert order == sorted(order)
    assert past.index("Tuesday 25 February 2031") < past.index("Thursday 20 February 2031")
    assert "Awaiting confirmation" in upcoming
    assert "Cancelled" in upcoming
    assert "Reason given: The counsellor is unwell" in upcoming
    assert "Completed" in past
    assert "Reschedule" not in past and "Cancel<" not in past


def test_the_list_shows_only_the_customers_own_appointments(
    customer_client, shop, booked, make_appointment, make_user
):
    someone_else = make_user(client=shop.client)
    theirs = make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=someone_else,
        start_at=MONDAY_10 + timedelta(hours=2),
    )
    page = customer_client.get(appointments_url(shop)).text
    assert str(booked.id) in page
    assert str(theirs.id) not in page
    assert "12:00" not in page


def test_a_visitor_is_asked_to_sign_in_to_see_appointments(client, shop):
    response = client.get(appointments_url(shop))
    assert response.status_code == 302
    assert response.location == f"/c/{shop.slug}/signin?next=/c/{shop.slug}/appointments"


def test_the_detail_page_names_the_zone_and_offers_the_calendar_file(customer_client, shop, booked):
    page = customer_client.get(detail_url(shop, booked) + "?tz=Asia/Tokyo").text
    assert "Monday 3 March 2031, 19:00 (Asia/Tokyo)" in page
    assert "Monday 3 March 2031, 10:00 (Europe/London)" in page
    assert f"{detail_url(shop, booked)}.ics" in page
    assert "Reschedule" in page and "Cancel" in page


# -- cancelling ---------------------------------------------------------------------------


def test_a_customer_cancels_before_the_cut_off(customer_client, db_session, shop, booked):
    url = detail_url(shop, booked) + "/cancel"
    page = customer_client.get(url)
    assert page.status_code == 200
    assert "Cancel this appointment?" in page.text

    response = customer_client.post(url, data=hidden_fields(page.text))

    assert response.status_code == 302
    assert response.location == detail_url(shop, booked) + "?tz=Europe/London"
    cancelled = reload(db_session, booked)
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.sequence == 1
    follow = customer_client.get(response.location).text
    assert "Your appointment on Monday 3 March 2031, 10:00 (Europe/London) is cancelled." in follow


def test_a_customer_cannot_cancel_after_the_cut_off_and_is_told_why(
    customer_client, db_session, shop, make_appointment
):
    soon = make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=shop.customer,
        start_at=NOW + timedelta(hours=5),
    )
    url = detail_url(shop, soon) + "/cancel"
    page = customer_client.get(url)
    assert page.status_code == 422
    assert "Appointments can be cancelled up to 1 day before they start." in page.text
    assert "Yes, cancel it" not in page.text
    before = rows(db_session)

    response = customer_client.post(url, data={"csrf_token": csrf_token(customer_client, url)})

    assert response.status_code == 422
    assert "Appointments can be cancelled up to 1 day before they start." in response.text
    assert reload(db_session, soon).status is AppointmentStatus.CONFIRMED
    assert rows(db_session) == before


def test_the_cut_off_follows_the_clients_setting(
    customer_client, db_session, shop, make_appointment
):
    shop.client.cancel_cutoff_minutes = 60
    db_session.commit()
    soon = make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=shop.customer,
        start_at=NOW + timedelta(hours=5),
    )
    url = detail_url(shop, soon) + "/cancel"
    response = customer_client.post(url, data={"csrf_token": csrf_token(customer_client, url)})
    assert response.status_code == 302
    assert reload(db_session, soon).status is AppointmentStatus.CANCELLED


def test_a_cancelled_appointment_cannot_be_cancelled_again(
    customer_client, db_session, shop, make_appointment
):
    gone = make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=shop.customer,
        start_at=MONDAY_10,
        status=AppointmentStatus.CANCELLED,
    )
    url = detail_url(shop, gone) + "/cancel"
    assert customer_client.get(url).status_code == 409
    before = rows(db_session)
    response = customer_client.post(url, data={"csrf_token": csrf_token(customer_client, url)})
    assert response.status_code == 409
    assert "An appointment that is cancelled cannot become cancelled." in response.text
    assert rows(db_session) == before


def test_cancelling_without_the_csrf_token_is_refused(customer_client, db_session, shop, booked):
    response = customer_client.post(detail_url(shop, booked) + "/cancel", data={})
    assert response.status_code == 400
    assert reload(db_session, booked).status is AppointmentStatus.CONFIRMED


# -- rescheduling -------------------------------------------------------------------------


def test_a_customer_moves_an_appointment_to_another_open_time(
    customer_client, db_session, shop, booked
):
    calendar = customer_client.get(
        detail_url(shop, booked) + "/reschedule?day=2031-03-04&tz=Europe/London"
    )
    assert calendar.status_code == 200
    assert "Times on Tuesday 4 March 2031 (Europe/London)" in calendar.text
    confirm_url = next(u for u in links(calendar.text, "/reschedule/confirm?") if "T11:00" in u)

    confirm = customer_client.get(confirm_url)
    assert confirm.status_code == 200
    assert "Tuesday 4 March 2031, 11:00 (Europe/London)" in confirm.text
    response = customer_client.post(confirm_url, data=hidden_fields(confirm.text))

    assert response.status_code == 302
    moved = reload(db_session, booked)
    assert moved.start_at == datetime(2031, 3, 4, 11, 0, tzinfo=UTC)
    assert moved.end_at == datetime(2031, 3, 4, 11, 30, tzinfo=UTC)
    assert moved.status is AppointmentStatus.CONFIRMED
    assert moved.sequence == 1
    page = customer_client.get(response.location).text
    assert "Your appointment is moved from Monday 3 March 2031, 10:00 (Europe/London)" in page


def test_moving_on_a_schedule_needing_approval_makes_it_a_request_again(
    customer_client, db_session, shop, make_schedule, make_appointment
):
    intake = make_schedule(
        client=shop.client, name="Intake", services=[shop.service], approval_required=True
    )
    booked = make_appointment(
        schedule=intake, service=shop.service, customer=shop.customer, start_at=MONDAY_10
    )
    url = detail_url(shop, booked) + "/reschedule/confirm?start=2031-03-04T11:00:00Z"
    page = customer_client.get(url)
    assert "the new time will be a request" in page.text

    response = customer_client.post(url, data=hidden_fields(page.text))

    assert response.status_code == 302
    assert reload(db_session, booked).status is AppointmentStatus.REQUESTED
    assert "awaits confirmation" in customer_client.get(response.location).text


def test_a_customer_cannot_move_after_the_cut_off_and_is_told_why(
    customer_client, db_session, shop, make_appointment
):
    soon = make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=shop.customer,
        start_at=NOW + timedelta(hours=5),
    )
    calendar = customer_client.get(detail_url(shop, soon) + "/reschedule")
    assert calendar.status_code == 422
    assert "Appointments can be moved up to 1 day before they start." in calendar.text
    assert "Choose a new day" not in calendar.text

    url = detail_url(shop, soon) + "/reschedule/confirm?start=2031-03-04T11:00:00Z"
    before = rows(db_session)
    response = customer_client.post(
        url, data={"start": "2031-03-04T11:00:00Z", "csrf_token": csrf_token(customer_client, url)}
    )
    assert response.status_code == 422
    assert "Appointments can be moved up to 1 day before they start." in response.text
    assert reload(db_session, soon).start_at == NOW + timedelta(hours=5)
    assert rows(db_session) == before


@pytest.mark.parametrize(
    ("start", "status", "message"),
    [
        ("2031-03-04T11:05:00Z", 422, "Appointments start every 15 minutes"),
        ("2031-03-08T11:00:00Z", 422, "We are closed on Saturday 8 March 2031"),
        ("2031-03-04T11:00:00Z+junk", 400, "The time in this link is not valid"),
        ("", 400, "Please choose a new time first."),
    ],
)
def test_moving_to_a_time_that_cannot_be_booked_is_refused(
    customer_client, db_session, shop, booked, start, status, message
):
    url = detail_url(shop, booked) + "/reschedule/confirm"
    token = csrf_token(customer_client, detail_url(shop, booked))
    before = rows(db_session)

    response = customer_client.post(url, data={"start": start, "csrf_token": token})

    assert response.status_code == status
    assert message in response.text
    assert reload(db_session, booked).start_at == MONDAY_10
    assert rows(db_session) == before


def test_moving_to_a_time_someone_else_took_is_refused_with_409(
    customer_client, db_session, shop, booked, make_appointment, make_user
):
    taken = datetime(2031, 3, 4, 11, 0, tzinfo=UTC)
    make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=make_user(client=shop.client),
        start_at=taken,
    )
    url = detail_url(shop, booked) + "/reschedule/confirm"
    before = rows(db_session)
    response = customer_client.post(
        url,
        data={"start": "2031-03-04T11:00:00Z", "csrf_token": csrf_token(customer_client, url)},
    )
    assert response.status_code == 409
    assert "that time was just taken" in response.text
    assert rows(db_session) == before


# -- isolation ----------------------------------------------------------------------------


@pytest.fixture
def theirs(shop, make_appointment, make_user) -> Appointment:
    """Another customer's appointment with the same client."""
    return make_appointment(
        schedule=shop.schedule,
        service=shop.service,
        customer=make_user(client=shop.client),
        start_at=MONDAY_10,
    )


@pytest.mark.parametrize(
    "suffix",
    ["", ".ics", "/cancel", "/reschedule", "/reschedule/confirm?start=2031-03-04T11:00:00Z"],
)
def test_customer_cannot_see_another_customers_appointment(customer_client, shop, theirs, suffix):
    response = customer_client.get(detail_url(shop, theirs) + suffix)
    assert response.status_code == 404
    assert str(theirs.id) not in response.text


def test_customer_cannot_cancel_another_customers_appointment(
    customer_client, db_session, shop, theirs
):
    token = csrf_token(customer_client, appointments_url(shop))
    response = customer_client.post(
        detail_url(shop, theirs) + "/cancel", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert reload(db_session, theirs).status is AppointmentStatus.CONFIRMED


def test_customer_cannot_reschedule_another_customers_appointment(
    customer_client, db_session, shop, theirs
):
    token = csrf_token(customer_client, appointments_url(shop))
    response = customer_client.post(
        detail_url(shop, theirs) + "/reschedule/confirm",
        data={"start": "2031-03-04T11:00:00Z", "csrf_token": token},
    )
    assert response.status_code == 404
    assert reload(db_session, theirs).start_at == MONDAY_10


@pytest.mark.parametrize("suffix", ["", ".ics", "/cancel", "/reschedule"])
def test_a_guessed_appointment_id_is_not_found(customer_client, shop, suffix):
    response = customer_client.get(f"/c/{shop.slug}/appointments/{uuid.uuid4()}{suffix}")
    assert response.status_code == 404


def test_a_malformed_appointment_id_is_not_found(customer_client, shop):
    assert customer_client.get(f"/c/{shop.slug}/appointments/12345").status_code == 404


def test_a_customer_of_another_client_is_sent_to_sign_in_there(
    client, shop, booked, make_client, make_user
):
    elsewhere = make_user(client=make_client())
    sign_in(client, elsewhere)

    for path in (
        appointments_url(shop),
        detail_url(shop, booked),
        detail_url(shop, booked) + ".ics",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith(f"/c/{shop.slug}/signin?next=")
        signin = client.get(response.location).text
        assert "Please sign in" in signin
        assert "First consultation" not in signin


def test_a_customer_cannot_reach_another_clients_appointment_through_their_own_client(
    customer_client, shop, make_appointment
):
    elsewhere = make_appointment(start_at=MONDAY_10)
    response = customer_client.get(detail_url(shop, elsewhere))
    assert response.status_code == 404


def test_staff_cannot_use_customer_pages(client, shop, make_user):
    staff = make_user(client=shop.client, role=Role.STAFF)
    sign_in(client, staff)
    assert client.get(appointments_url(shop)).status_code == 403
