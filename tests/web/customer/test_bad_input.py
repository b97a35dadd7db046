"""Bad input gets a clear message and a 4xx, and writes nothing."""

from __future__ import annotations

import uuid

import pytest

from tests.web.customer.pages import hidden_fields, rows, sign_in


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"service": "not-an-id"}, 400, "The service in this link is not valid"),
        ({"schedule": "12345"}, 400, "The schedule in this link is not valid"),
        ({"month": "2031-13"}, 400, "A month is written YYYY-MM"),
        ({"month": "March"}, 400, "A month is written YYYY-MM"),
        ({"month": "9999-01"}, 400, "too far from today"),
        ({"day": "2031-02-30"}, 400, "A day is written YYYY-MM-DD"),
        ({"day": "3/3/2031"}, 400, "A day is written YYYY-MM-DD"),
        ({"tz": "Mars/Olympus_Mons"}, 400, "We do not know the time zone"),
        ({"tz": "America"}, 400, "We do not know the time zone"),
        ({"tz": "x" * 65}, 400, "too long"),
        ({"day": "2" * 65}, 400, "too long"),
    ],
)
def test_malformed_calendar_links_get_a_clear_400(client, shop, params, status, message):
    response = client.get(shop.book_url(**params))
    assert response.status_code == status
    assert message in response.text


def test_an_unknown_service_is_not_found(client, shop):
    assert client.get(shop.book_url(service=str(uuid.uuid4()))).status_code == 404


def test_another_clients_service_and_schedule_are_not_found(
    client, shop, make_service, make_schedule
):
    other_service = make_service(name="Elsewhere")
    other_schedule = make_schedule(client=None, services=[other_service])
    assert client.get(shop.book_url(service=str(other_service.id))).status_code == 404
    assert client.get(shop.book_url(schedule=str(other_schedule.id))).status_code == 404


def test_a_retired_service_is_not_found(client, db_session, shop):
    shop.service.is_active = False
    db_session.commit()
    assert client.get(shop.book_url()).status_code == 404


def test_a_service_not_offered_on_the_chosen_schedule_is_refused(client, shop, make_schedule):
    bare = make_schedule(client=shop.client, name="Other room", services=[])
    response = client.get(shop.book_url(schedule=str(bare.id)))
    assert response.status_code == 400
    assert "That service is not offered on this schedule." in response.text


def test_the_booking_page_without_a_service_goes_back_to_the_list(client, shop):
    response = client.get(f"/c/{shop.slug}/book")
    assert response.status_code == 302
    assert response.location == f"/c/{shop.slug}"


# -- the confirm form, with hidden fields edited by hand --------------------------------


@pytest.fixture
def confirm_form(client, shop):
    """The signed-in customer's confirm URL and the fields its form would send."""
    sign_in(client, shop.customer)
    url = shop.confirm_url(schedule=str(shop.schedule.id))
    page = client.get(url)
    assert page.status_code == 200
    return url, hidden_fields(page.text)


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"start": "2031-02-28T10:00:00Z"}, 422, "That time has already passed"),
        ({"start": "2031-03-03T10:07:00Z"}, 422, "Appointments start every 15 minutes"),
        ({"start": "2031-03-03T10:00:30Z"}, 422, "Appointments start every 15 minutes"),
        ({"start": "2031-03-03T07:00:00Z"}, 422, "That time is outside opening hours."),
        ({"start": "2031-03-03T16:45:00Z"}, 422, "would run past closing time"),
        ({"start": "2031-03-08T10:00:00Z"}, 422, "We are closed on Saturday 8 March 2031"),
        ({"start": "2031-03-01T12:30:00Z"}, 422, "need at least 2 hours notice"),
        ({"start": "2031-09-01T10:00:00Z"}, 422, "Bookings open at most 60 days ahead"),
        ({"start": "tomorrow at ten"}, 400, "The time in this link is not valid"),
        ({"start": "2031-03-03T10:00:00"}, 400, "has no time zone"),
        ({"start": ""}, 400, "Please choose a time first."),
        ({"service": "not-an-id"}, 400, "The service in this link is not valid"),
        ({"service": ""}, 400, "Please choose a service."),
        ({"schedule": "nope"}, 400, "The schedule in this link is not valid"),
        ({"tz": "Nowhere/Special"}, 400, "We do not know the time zone"),
        ({"notes": "x" * 2001}, 400, "Notes can be at most 2000 characters."),
        ({"contact_phone": "0" * 51}, 400, "A phone number can be at most 50 characters."),
        ({"contact_phone": "call me maybe"}, 400, "A phone number uses digits"),
    ],
)
def test_a_rejected_booking_says_why_and_writes_nothing(
    client, db_session, confirm_form, changes, status, message
):
    url, fields = confirm_form
    before = rows(db_session)

    response = client.post(url, data={**fields, **changes})

    assert response.status_code == status
    assert message in response.text
    assert rows(db_session) == before


def test_an_unknown_service_in_the_form_is_not_found_and_writes_nothing(
    client, db_session, confirm_form
):
    url, fields = confirm_form
    before = rows(db_session)
    response = client.post(url, data={**fields, "service": str(uuid.uuid4())})
    assert response.status_code == 404
    assert rows(db_session) == before


def test_another_clients_schedule_in_the_form_is_not_found_and_writes_nothing(
    client, db_session, confirm_form, make_schedule, make_service
):
    url, fields = confirm_form
    elsewhere = make_schedule(services=[make_service()])
    before = rows(db_session)
    response = client.post(url, data={**fields, "schedule": str(elsewhere.id)})
    assert response.status_code == 404
    assert rows(db_session) == before


def test_a_schedule_not_offering_the_service_in_the_form_is_refused(
    client, db_session, shop, confirm_form, make_schedule
):
    url, fields = confirm_form
    bare = make_schedule(client=shop.client, name="Other room", services=[])
    before = rows(db_session)
    response = client.post(url, data={**fields, "schedule": str(bare.id)})
    assert response.status_code == 400
    assert "That service is not offered on this schedule." in response.text
    assert rows(db_session) == before


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
    client, db_session, confirm_form
):
    url, fields = confirm_form
    fields.pop("csrf_token")
    before = rows(db_session)

    response = client.post(url, data=fields)

    assert response.status_code == 400
    assert "nothing was saved" in response.text
    assert rows(db_session) == before


def test_a_form_with_a_forged_csrf_token_is_refused_and_writes_nothing(
    client, db_session, confirm_form
):
    url, fields = confirm_form
    before = rows(db_session)
    response = client.post(url, data={**fields, "csrf_token": "forged"})
    assert response.status_code == 400
    assert rows(db_session) == before


def test_an_oversized_request_body_is_refused(client, db_session, confirm_form):
    url, fields = confirm_form
    before = rows(db_session)
    response = client.post(url, data={**fields, "notes": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert rows(db_session) == before


def test_a_rejected_form_keeps_what_was_typed_and_links_errors_to_fields(client, confirm_form):
    url, fields = confirm_form
    response = client.post(url, data={**fields, "notes": "y" * 2001, "contact_phone": "0123"})
    assert response.status_code == 400
    assert '<a href="#notes">Notes can be at most 2000 characters.</a>' in response.text
    assert 'value="0123"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_the_calendar_day_in_the_past_offers_no_times(client, shop):
    page = client.get(shop.book_url(day="2031-02-28", tz="Europe/London"))
    assert page.status_code == 200
    assert "There are no free times on that day." in page.text
