"""Rate limits on sign-in, registration and booking, with a clear 429."""

from contextlib import contextmanager

import pytest

from app import create_app
from app.db import get_db
from app.models import LoginAttempt
from tests.web.forms import csrf_token

WRONG = {"email": "someone@example.org", "password": "not the password"}


@contextmanager
def app_with(config):
    """An extra app for one test; its connection pool is closed afterwards."""
    app = create_app(config)
    try:
        yield app
    finally:
        get_db(app).engine.dispose()


@pytest.fixture
def limited_app(config):
    with app_with(config.with_overrides(ratelimit_enabled=True)) as app:
        yield app


def post_signin(client, slug, data, address="198.51.100.1"):
    token = csrf_token(client, f"/c/{slug}/signin")
    return client.post(
        f"/c/{slug}/signin",
        data={**data, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_eleventh_sign_in_from_one_address_in_a_minute_is_refused_with_retry_after(
    limited_app, make_client
):
    client = limited_app.test_client()
    business = make_client()
    codes = [
        post_signin(client, business.slug, {**WRONG, "email": f"p{i}@example.org"}).status_code
        for i in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    response = post_signin(client, business.slug, WRONG)
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60
    assert "Too many attempts. Please wait" in response.get_data(as_text=True)


def test_reading_the_sign_in_form_never_counts(limited_app, make_client):
    client = limited_app.test_client()
    business = make_client()
    for _ in range(30):
        assert client.get(f"/c/{business.slug}/signin").status_code == 200


def test_one_account_tried_from_many_addresses_is_limited(limited_app, make_client):
    client = limited_app.test_client()
    business = make_client()
    codes = [
        post_signin(client, business.slug, WRONG, address=f"203.0.113.{i}").status_code
        for i in range(11)
    ]
    assert codes[-1] == 429 and codes[:10] == [401] * 10


def test_a_refused_attempt_is_not_even_logged_as_a_sign_in(limited_app, make_client, db_session):
    client = limited_app.test_client()
    business = make_client()
    for i in range(12):
        post_signin(client, business.slug, {**WRONG, "email": f"q{i}@example.org"})
    db_session.rollback()
    assert db_session.query(LoginAttempt).count() == 10


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(limited_app, make_client):
    client = limited_app.test_client()
    business = make_client()
    token = csrf_token(client, f"/c/{business.slug}/signin")
    codes = []
    for i in range(11):
        response = client.post(
            f"/c/{business.slug}/signin",
            data={**WRONG, "email": f"r{i}@example.org", "csrf_token": token},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        )
        codes.append(response.status_code)
    assert codes[-1] == 429  # the spoofed addresses did not reset the count


def test_with_one_trusted_proxy_the_forwarded_address_is_logged(config, make_client, db_session):
    with app_with(config.with_overrides(trusted_proxies=1)) as app:
        client = app.test_client()
        business = make_client()
        token = csrf_token(client, f"/c/{business.slug}/signin")
        client.post(
            f"/c/{business.slug}/signin",
            data={**WRONG, "csrf_token": token},
            headers={"X-Forwarded-For": "192.0.2.44"},
        )
        db_session.rollback()
        assert db_session.query(LoginAttempt).one().ip_address == "192.0.2.44"


def test_the_api_answers_429_as_json(limited_app, make_user):
    from tests.web.forms import sign_in

    customer = make_user()
    client = limited_app.test_client()
    sign_in(client, customer)
    token = csrf_token(client, f"/c/{customer.client.slug}/appointments")
    response = None
    for _ in range(31):
        response = client.post(
            f"/api/v1/clients/{customer.client.slug}/appointments",
            json={"service": "not-a-uuid", "start": "2031-03-03T10:00:00Z"},
            headers={"X-CSRFToken": token},
        )
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers
