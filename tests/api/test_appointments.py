"""A customer's appointments through the API: book, list, and every refusal writes nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.models import Appointment, AppointmentStatus, Role
from tests.api.conftest import MONDAY_10
from tests.api.helpers import api_sign_in, error_of, post_json
from tests.web.forms import csrf_token

START = "2031-03-03T10:00:00Z"


def count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Appointment))


def booking(world, **changes):
    return {"service": str(world.service.id), "start": START, **changes}


@pytest.fixture
def signed_in(client, world):
    """The world's customer, signed in; the CSRF token to send."""
    return api_sign_in(client, world.customer)


def test_booking_an_open_slot_answers_201_with_the_appointment(
    client, db_session, world, signed_in
):
    response = post_json(
        client, f"{world.base}/appointments", booking(world, notes="Ramp access, please"), signed_in
    )

    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["start"] == START
    assert data["end"] == "2031-03-03T10:30:00Z"
    assert data["status"] == "confirmed"
    assert response.headers["Cache-Control"] == "no-store"
    stored = db_session.get(Appointment, uuid.UUID(data["id"]))
    assert stored.customer_id == world.customer.id
    assert stored.schedule_id == world.schedule.id
    assert stored.notes == "Ramp access, please"


def test_a_start_with_another_offset_books_the_same_instant(client, world, signed_in):
    response = post_json(
        client,
        f"{world.base}/appointments",
        booking(world, start="2031-03-03T05:00:00-05:00", schedule=str(world.schedule.id)),
        signed_in,
    )
    assert response.status_code == 201
    assert response.get_json()["data"]["start"] == START


def test_the_list_holds_the_customers_own_appointments_only(
    client, world, signed_in, make_user, make_appointment
):
    mine = make_appointment(schedule=world.schedule, service=world.service, customer=world.customer)
    other = make_user(client=world.client)
    theirs = make_appointment(
        schedule=world.schedule,
        service=world.service,
        customer=other,
        start_at=MONDAY_10.replace(hour=14),
    )

    response = client.get(f"{world.base}/appointments")

    assert response.status_code == 200
    listed = response.get_json()["data"]
    assert [item["id"] for item in listed] == [str(mine.id)]
    assert listed[0]["service"] == {"id": str(world.service.id), "name": world.service.name}
    assert str(theirs.id) not in response.get_data(as_text=True)


def test_not_signed_in_is_a_json_401(client, db_session, world):
    token_less = post_json(client, f"{world.base}/appointments", booking(world), None)
    listed = client.get(f"{world.base}/appointments")

    assert listed.status_code == 401
    assert error_of(listed)["code"] == "sign_in_required"
    # The CSRF check comes first for a POST; either way nothing is written.
    assert token_less.status_code in (400, 401)
    error_of(token_less)
    assert count(db_session) == 0


def test_a_signed_out_post_with_a_token_is_a_json_401(client, db_session, world):
    token = csrf_token(client, f"/c/{world.client.slug}/signin")
    response = post_json(client, f"{world.base}/appointments", booking(world), token)
    assert response.status_code == 401
    assert error_of(response)["code"] == "sign_in_required"
    assert count(db_session) == 0


def test_a_missing_csrf_header_is_a_json_400_and_writes_nothing(
    client, db_session, world, signed_in
):
    response = post_json(client, f"{world.base}/appointments", booking(world), None)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "csrf_failed"
    assert "CSRF" in error["message"]
    assert count(db_session) == 0


def test_a_wrong_csrf_token_is_refused(client, db_session, world, signed_in):
    response = post_json(client, f"{world.base}/appointments", booking(world), "forged")
    assert response.status_code == 400
    assert error_of(response)["code"] == "csrf_failed"
    assert count(db_session) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "42"}, "service"),
        ({"schedule": "main-room"}, "schedule"),
        ({"start": "2031-03-03T10:00:00"}, "start"),
        ({"start": "next Monday"}, "start"),
        ({"start": 1962000000}, "start"),
        ({"notes": "x" * 2001}, "notes"),
        ({"notes": 5}, "notes"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_malformed_bodies_are_a_400_naming_the_field_and_write_nothing(
    client, db_session, world, signed_in, body, field
):
    response = post_json(client, f"{world.base}/appointments", booking(world, **body), signed_in)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == {field}
    assert "x" * 50 not in error["message"]  # input is never echoed
    assert count(db_session) == 0


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"service": '])
def test_a_body_that_is_not_a_json_object_is_a_400(client, db_session, world, signed_in, raw):
    response = post_json(client, f"{world.base}/appointments", raw, signed_in)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_input"
    assert count(db_session) == 0


def test_a_missing_start_is_a_400(client, world, signed_in):
    body = {"service": str(world.service.id)}
    response = post_json(client, f"{world.base}/appointments", body, signed_in)
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"start"}


def test_an_unknown_service_is_a_404_and_writes_nothing(client, db_session, world, signed_in):
    body = booking(world, service="00000000-0000-4000-8000-000000000000")
    response = post_json(client, f"{world.base}/appointments", body, signed_in)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert count(db_session) == 0


def test_a_service_not_on_the_schedule_is_a_422(
    client, db_session, world, signed_in, make_schedule
):
    other = make_schedule(client=world.client)
    body = booking(world, schedule=str(other.id))
    response = post_json(client, f"{world.base}/appointments", body, signed_in)
    assert response.status_code == 422
    assert error_of(response)["code"] == "service_not_offered"
    assert count(db_session) == 0


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("2031-03-03T20:00:00Z", "outside_opening_hours"),
        ("2031-03-03T10:05:00Z", "not_on_slot_grid"),
        ("2031-03-01T09:00:00Z", "too_soon"),
        ("2031-03-08T10:00:00Z", "closed_that_day"),
    ],
)
def test_engine_refusals_are_a_422_with_the_reason(
    client, db_session, world, signed_in, start, code
):
    response = post_json(
        client, f"{world.base}/appointments", booking(world, start=start), signed_in
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code
    assert error["message"]
    assert count(db_session) == 0


def test_a_taken_slot_is_a_409_saying_it_was_just_taken(
    client, db_session, world, signed_in, make_appointment
):
    make_appointment(schedule=world.schedule, service=world.service, start_at=MONDAY_10)
    body = booking(world, schedule=str(world.schedule.id))
    response = post_json(client, f"{world.base}/appointments", body, signed_in)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "slot_taken"
    assert "just taken" in error["message"]
    assert count(db_session) == 1


def test_a_customer_of_another_client_gets_no_data_there(
    app, db_session, world, make_client, make_service, make_schedule, make_user, make_appointment
):
    elsewhere = make_client()
    service = make_service(client=elsewhere)
    make_schedule(client=elsewhere, services=[service])
    make_appointment(service=service, customer=make_user(client=elsewhere))
    client = app.test_client()
    token = api_sign_in(client, world.customer)
    base = f"/api/v1/clients/{elsewhere.slug}"

    listed = client.get(f"{base}/appointments")
    booked = post_json(
        client, f"{base}/appointments", {"service": str(service.id), "start": START}, token
    )

    for response in (listed, booked):
        assert response.status_code in (401, 404)
        assert set(response.get_json()) == {"error"}
    assert count(db_session) == 1


def test_staff_cannot_use_the_customer_endpoints(client, db_session, world, make_user):
    staff = make_user(client=world.client, role=Role.STAFF)
    token = api_sign_in(client, staff)
    response = post_json(client, f"{world.base}/appointments", booking(world), token)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert count(db_session) == 0


def test_a_schedule_needing_approval_answers_requested(client, world, signed_in, make_schedule):
    approval = make_schedule(client=world.client, services=[world.service], approval_required=True)
    body = booking(world, schedule=str(approval.id))
    response = post_json(client, f"{world.base}/appointments", body, signed_in)
    assert response.status_code == 201
    assert response.get_json()["data"]["status"] == AppointmentStatus.REQUESTED.value
