"""Server-side sessions: sign-out is real, idle and absolute timeouts end sessions."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Role, SessionEndReason, UserSession
from app.services import sessions
from app.services.unit_of_work import start_write
from tests.web.forms import csrf_token, sign_in


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("app.web.session_guard.utcnow", clock)
    return clock


def rows(db_session):
    db_session.rollback()  # a fresh snapshot: the app wrote through its own sessions
    return db_session.scalars(select(UserSession)).all()


def my_appointments(user):
    return f"/c/{user.client.slug}/appointments"


def test_signing_in_opens_a_server_side_session_without_storing_its_token(
    client, make_user, db_session, clock
):
    customer = make_user()
    sign_in(client, customer)
    [row] = rows(db_session)
    assert row.user_id == customer.id and row.ended_at is None
    cookie = client.get_cookie("session").value
    assert row.token_hash not in cookie and len(row.token_hash) == 64


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(
    app, client, make_user, db_session, clock
):
    customer = make_user()
    sign_in(client, customer)
    stolen = client.get_cookie("session").value
    token = csrf_token(client, my_appointments(customer))
    client.post("/signout", data={"csrf_token": token})
    [row] = rows(db_session)
    assert row.end_reason is SessionEndReason.SIGNED_OUT
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get(my_appointments(customer)).status_code in (302, 401)


def test_a_customer_idle_for_thirty_minutes_is_signed_out_and_told_why(
    client, make_user, db_session, clock
):
    customer = make_user()
    sign_in(client, customer)
    clock.advance(minutes=29)
    assert client.get(my_appointments(customer)).status_code == 200
    clock.advance(minutes=30)
    response = client.get(my_appointments(customer))
    assert response.status_code == 302
    assert f"/c/{customer.client.slug}/signin" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes of inactivity" in page
    assert [r.end_reason for r in rows(db_session)] == [SessionEndReason.IDLE]


def test_staff_are_signed_out_after_fifteen_idle_minutes(client, make_user, clock):
    staff = make_user(role=Role.STAFF)
    sign_in(client, staff)
    clock.advance(minutes=16)
    response = client.get("/staff/agenda")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_activity_keeps_a_session_alive_until_its_absolute_lifetime(
    client, make_user, db_session, clock
):
    customer = make_user()
    sign_in(client, customer)
    for _ in range(23):  # every 25 minutes for 9.6 hours
        clock.advance(minutes=25)
        assert client.get(my_appointments(customer)).status_code == 200
    clock.advance(hours=3)
    assert client.get(my_appointments(customer)).status_code == 302
    assert rows(db_session)[0].end_reason in (SessionEndReason.ABSOLUTE, SessionEndReason.IDLE)


def test_the_absolute_lifetime_ends_even_a_busy_session(client, make_user, db_session, clock):
    customer = make_user()
    sign_in(client, customer)
    for _ in range(49):  # every 15 minutes for just over 12 hours
        clock.advance(minutes=15)
        client.get(my_appointments(customer))
    assert rows(db_session)[0].end_reason is SessionEndReason.ABSOLUTE


def test_ending_every_session_of_a_user_signs_out_each_browser(app, make_user, db_session, clock):
    customer = make_user()
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, customer)
    sign_in(laptop, customer)
    start_write(db_session)
    assert sessions.end_all(db_session, customer.id, now=clock.now) == 2
    db_session.commit()
    for browser in (phone, laptop):
        assert browser.get(my_appointments(customer)).status_code == 302


def test_signed_in_pages_are_never_cached(client, make_user, clock):
    customer = make_user()
    sign_in(client, customer)
    assert client.get(my_appointments(customer)).headers["Cache-Control"] == "no-store"


def test_the_page_carries_the_seconds_left_and_keepalive_renews_them(client, make_user, clock):
    customer = make_user()
    sign_in(client, customer)
    page = client.get(my_appointments(customer)).get_data(as_text=True)
    assert 'data-session-seconds-left="1800"' in page
    clock.advance(minutes=20)
    token = csrf_token(client, my_appointments(customer))
    response = client.post("/session/keepalive", headers={"X-CSRFToken": token})
    assert response.get_json() == {"seconds_left": 1800}
