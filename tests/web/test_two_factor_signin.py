"""Signing in through the pages with a second factor: password, then a code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.db import get_db
from app.models import LoginAttempt, LoginOutcome, Role, UserSession
from tests.second_factor import app_code, enable_second_factor
from tests.web.forms import csrf_token
from tests.web.two_factor_pages import clock, code_path, code_step, password_step

__all__ = ["clock"]  # the fixture, imported for these tests


def outcomes(db_session):
    db_session.rollback()  # a fresh snapshot: the app wrote through its own sessions
    return list(
        db_session.scalars(select(LoginAttempt.outcome).order_by(LoginAttempt.attempted_at))
    )


def staff_with_app(make_user, db_session, config):
    staff = make_user(role=Role.STAFF)
    codes = enable_second_factor(db_session, config, staff)
    return staff, codes


def test_the_password_leads_to_the_code_page_without_signing_in(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    response = password_step(client, staff)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(code_path(staff))
    assert client.get("/staff/agenda").status_code in (302, 401)
    assert db_session.scalars(select(UserSession)).all() == []
    page = client.get(code_path(staff)).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page


def test_the_right_code_signs_in_opens_a_session_and_is_logged(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    response = code_step(client, staff, app_code(clock.now))
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/agenda")
    assert client.get("/staff/agenda").status_code == 200
    assert client.get(code_path(staff)).status_code == 302  # the half-way mark is gone
    db_session.rollback()
    [session_row] = db_session.scalars(select(UserSession)).all()
    assert session_row.user_id == staff.id
    assert outcomes(db_session) == [LoginOutcome.SUCCESS]


def test_the_page_asked_for_is_where_the_code_step_lands(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff, next_url="/staff/customers")
    response = code_step(client, staff, app_code(clock.now))
    assert response.headers["Location"].endswith("/staff/customers")


def test_a_wrong_code_is_refused_and_logged(client, make_user, db_session, config, clock):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    response = code_step(client, staff, "000 000")
    assert response.status_code == 401
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.get("/staff/agenda").status_code in (302, 401)
    assert outcomes(db_session) == [LoginOutcome.MFA_FAILED]


def test_wrong_codes_lock_the_account_after_the_threshold(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    statuses = [code_step(client, staff, "000 000").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 302]
    page = client.get(f"/c/{staff.client.slug}/signin").get_data(as_text=True)
    assert "Please sign in again." in page
    db_session.rollback()
    db_session.refresh(staff)
    assert staff.locked_at is not None
    # The right password and code get nowhere while locked.
    assert password_step(client, staff).status_code == 401
    assert outcomes(db_session) == [LoginOutcome.MFA_FAILED] * 5 + [LoginOutcome.LOCKED]


def test_a_recovery_code_works_once(app, make_user, db_session, config, clock):
    staff, codes = staff_with_app(make_user, db_session, config)
    browser = app.test_client()
    password_step(browser, staff)
    response = code_step(browser, staff, codes[0])
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "you have 9 recovery codes left" in page
    other = app.test_client()
    password_step(other, staff)
    assert code_step(other, staff, codes[0]).status_code == 401
    assert code_step(other, staff, codes[1]).status_code == 302


def test_the_same_app_code_cannot_sign_in_twice(app, make_user, db_session, config, clock):
    staff, _ = staff_with_app(make_user, db_session, config)
    seen = app_code(clock.now)
    first, second = app.test_client(), app.test_client()
    password_step(first, staff)
    assert code_step(first, staff, seen).status_code == 302
    clock.advance(seconds=5)
    password_step(second, staff)
    assert code_step(second, staff, seen).status_code == 401


def test_the_code_must_follow_the_password_within_five_minutes(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    token = csrf_token(client, code_path(staff))
    clock.advance(minutes=5)
    response = client.post(
        code_path(staff), data={"code": app_code(clock.now), "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{staff.client.slug}/signin")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "within 5 minutes" in page
    assert client.get("/staff/agenda").status_code in (302, 401)
    assert outcomes(db_session) == []


def test_the_code_page_without_a_password_first_sends_to_sign_in(client, make_user, clock):
    staff = make_user(role=Role.STAFF)
    response = client.get(code_path(staff))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{staff.client.slug}/signin")


def test_a_half_finished_sign_in_does_not_open_another_clients_code_page(
    client, make_user, make_client, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    elsewhere = make_client()
    password_step(client, staff)
    response = client.get(f"/c/{elsewhere.slug}/signin/code")
    assert response.status_code == 302 and elsewhere.slug in response.headers["Location"]


def test_the_code_page_refuses_a_post_without_a_csrf_token(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    response = client.post(code_path(staff), data={"code": app_code(clock.now)})
    assert response.status_code == 400
    assert outcomes(db_session) == []


def test_a_customer_with_a_second_factor_is_asked_for_the_code_too(
    client, make_user, db_session, config, clock
):
    customer = make_user()
    enable_second_factor(db_session, config, customer)
    assert password_step(client, customer).headers["Location"].endswith(code_path(customer))
    response = code_step(client, customer, app_code(clock.now))
    assert response.headers["Location"].endswith(f"/c/{customer.client.slug}/appointments")


def test_signing_out_after_a_code_sign_in_ends_the_session(
    client, make_user, db_session, config, clock
):
    staff, _ = staff_with_app(make_user, db_session, config)
    password_step(client, staff)
    code_step(client, staff, app_code(clock.now))
    token = csrf_token(client, "/staff/agenda")
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/agenda").status_code in (302, 401)


@pytest.fixture
def limited_app(config):
    application = create_app(config.with_overrides(ratelimit_enabled=True))
    yield application
    get_db(application).engine.dispose()


def test_the_code_page_is_rate_limited_per_address(limited_app, make_user):
    limited = limited_app.test_client()
    staff = make_user(role=Role.STAFF)
    token = csrf_token(limited, f"/c/{staff.client.slug}/signin")
    statuses = [
        limited.post(code_path(staff), data={"code": "000000", "csrf_token": token}).status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:10]
