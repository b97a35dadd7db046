"""Who reaches the staff pages: another client's records answer 404, other roles 401/403,
and a form without its CSRF token is refused before anything is written."""

import uuid
from datetime import date

import pytest
from flask import url_for

from app.models import (
    AppointmentStatus,
    CalendarFeedToken,
    Closure,
    DateOverride,
    ErasureRequest,
    FeedScope,
)
from app.services.feed_tokens import new_token, token_hash
from tests.services.staff_setup import snapshot
from tests.web.staff.helpers import MONDAY, csrf_token, make_team, sign_in

#: The value given to each URL parameter, by parameter name, from `records_of`.
PARAMETERS = {
    "appointment_id": lambda world: world["appointment"].id,
    "schedule_id": lambda world: world["team"].schedule.id,
    "customer_id": lambda world: world["team"].customer.id,
    "service_id": lambda world: world["team"].service.id,
    "user_id": lambda world: world["team"].staff.id,
    "closure_id": lambda world: world["closure"].id,
    "feed_id": lambda world: world["feed"].id,
    "request_id": lambda world: world["erasure_request"].id,
    "day": lambda world: "2031-03-05",
    # Undelivered e-mail: a reminder's ID (another client's is tested in test_reminders_pages).
    "kind": lambda world: "reminder",
    "item_id": lambda world: world["appointment"].id,
}


def records_of(db_session, team, make_appointment) -> dict:
    """A request, a closure and an override on `team`'s schedule: records to go looking for."""
    appointment = make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=MONDAY.replace(hour=10),
        status=AppointmentStatus.REQUESTED,
    )
    closure = Closure(
        schedule_id=team.schedule.id, first_date=date(2031, 4, 1), last_date=date(2031, 4, 2)
    )
    override = DateOverride(schedule_id=team.schedule.id, date=date(2031, 3, 5))
    feed = CalendarFeedToken(
        client_id=team.client.id,
        user_id=team.customer.id,
        name="Phone",
        token_hash=token_hash(new_token()),
        scope=FeedScope.CUSTOMER,
    )
    erasure_request = ErasureRequest(client_id=team.client.id, customer_id=team.customer.id)
    db_session.add_all([closure, override, feed, erasure_request])
    db_session.commit()
    return {
        "team": team,
        "appointment": appointment,
        "closure": closure,
        "feed": feed,
        "erasure_request": erasure_request,
    }


@pytest.fixture
def world_a(db_session, team, make_appointment):
    """The signed-in user's own client, with records."""
    return records_of(db_session, team, make_appointment)


@pytest.fixture
def world_b(db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    """Another client, with records."""
    other = make_team(make_client, make_user, make_service, make_schedule)
    return records_of(db_session, other, make_appointment)


def staff_urls(app, values):
    """(method, url, names a record) of every staff endpoint, parameters from `values`."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff."):
                continue
            url = url_for(rule.endpoint, **{name: values(name) for name in rule.arguments})
            for method in sorted(rule.methods & {"GET", "POST"}):
                yield method, url, bool(rule.arguments)


def request(client, method, url, token):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "decline_reason": "x", "cancel_reason": "x"})


def test_staff_of_one_client_find_nothing_of_another_client(app, client, db_session, team, world_b):
    sign_in(client, team.admin)  # an administrator: no page is closed by role alone
    token = csrf_token(client)
    before = snapshot(db_session)
    answers = [
        (method, url, request(client, method, url, token).status_code)
        for method, url, names_a_record in staff_urls(app, lambda n: PARAMETERS[n](world_b))
        if names_a_record
    ]
    assert len(answers) > 20
    assert [a for a in answers if a[2] != 404] == []
    assert snapshot(db_session) == before


def test_another_clients_ids_in_the_query_string_find_nothing(client, team, world_b):
    other = world_b["team"]
    sign_in(client, team.staff)
    assert client.get(f"/staff/agenda?schedule={other.schedule.id}").status_code == 404
    for customer, service, schedule in (
        (other.customer, team.service, team.schedule),
        (team.customer, other.service, team.schedule),
        (team.customer, team.service, other.schedule),
    ):
        booking = (
            f"/staff/appointments/new?customer={customer.id}&service={service.id}"
            f"&schedule={schedule.id}&date=2031-03-03"
        )
        assert client.get(booking).status_code == 404, booking


def test_random_and_malformed_ids_find_nothing(app, client, team):
    sign_in(client, team.admin)
    token = csrf_token(client)
    for method, url, names_a_record in staff_urls(
        app, lambda name: "2031-03-05" if name == "day" else uuid.uuid4()
    ):
        if names_a_record:
            assert request(client, method, url, token).status_code == 404, (method, url)
    assert client.get("/staff/appointments/12345").status_code == 404
    assert client.get("/staff/agenda?schedule=12345").status_code == 404


def test_customers_are_refused_every_staff_page(app, client, team, world_a):
    sign_in(client, team.customer)
    token = csrf_token(client, f"/c/{team.client.slug}/signin")
    for method, url, _ in staff_urls(app, lambda name: PARAMETERS[name](world_a)):
        assert request(client, method, url, token).status_code == 403, (method, url)


def test_anonymous_visitors_are_asked_to_sign_in(app, client, world_a):
    for method, url, _ in staff_urls(app, lambda name: PARAMETERS[name](world_a)):
        if method == "GET":
            assert client.get(url).status_code == 401, url


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
    app, client, db_session, team, world_a
):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    for method, url, _ in staff_urls(app, lambda name: PARAMETERS[name](world_a)):
        if method == "POST":
            response = client.post(url, data={"decline_reason": "x", "name": "x", "start": "x"})
            assert response.status_code == 400, url
    assert snapshot(db_session) == before
