"""Platform sign-in: the clients' password, lockout, login-log and two-step rules, no client."""

from __future__ import annotations

from sqlalchemy import select

from app.models import LoginAttempt, LoginOutcome
from tests.second_factor import app_code, enable_second_factor
from tests.services.staff_setup import fresh
from tests.web.forms import csrf_token, sign_in
from tests.web.platform.helpers import SIGN_IN, platform_sign_in
from tests.web.two_factor_pages import CLOCK_USERS, Clock


def attempts(db_session):
    fresh(db_session)
    return list(db_session.scalars(select(LoginAttempt).order_by(LoginAttempt.attempted_at)))


def test_support_signs_in_and_lands_on_the_platform_home(client, db_session, world):
    response = platform_sign_in(client, world.support)
    assert response.status_code == 302
    assert response.headers["Location"] == "/platform"
    assert client.get("/platform").status_code == 200
    (attempt,) = attempts(db_session)
    assert (attempt.client_id, attempt.user_id, attempt.outcome) == (
        None,
        world.support.id,
        LoginOutcome.SUCCESS,
    )


def test_a_wrong_password_is_refused_and_logged(client, db_session, world):
    response = platform_sign_in(client, world.platform_admin, password="not the password")
    assert response.status_code == 401
    assert client.get("/platform").status_code == 401
    (attempt,) = attempts(db_session)
    assert attempt.outcome is LoginOutcome.WRONG_PASSWORD and attempt.client_id is None


def test_repeated_failures_lock_a_platform_account(client, db_session, world):
    for _ in range(5):
        platform_sign_in(client, world.support, password="guess guess guess")
    assert platform_sign_in(client, world.support).status_code == 401
    assert attempts(db_session)[-1].outcome is LoginOutcome.LOCKED


def test_client_accounts_cannot_sign_in_on_the_platform_page(client, world):
    assert platform_sign_in(client, world.team.admin).status_code == 401


def test_platform_accounts_cannot_sign_in_on_a_clients_page(client, world):
    path = f"/c/{world.team.client.slug}/signin"
    token = csrf_token(client, path)
    data = {"email": world.support.email, "password": "x" * 12, "csrf_token": token}
    assert client.post(path, data=data).status_code == 401


def test_client_staff_cannot_open_platform_pages(client, world):
    sign_in(client, world.team.admin)
    assert client.get("/platform").status_code == 403
    assert client.get("/platform/emergency").status_code == 403


def test_support_cannot_open_emergency_access(client, world):
    platform_sign_in(client, world.support)
    assert client.get("/platform/emergency").status_code == 403


def test_a_platform_account_with_two_step_sign_in_needs_its_code(
    app, client, db_session, world, monkeypatch
):
    clock = Clock()
    for module in (*CLOCK_USERS, "app.web.platform.signin"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    enable_second_factor(db_session, app.config["SAFESLOT"], world.support)
    response = platform_sign_in(client, world.support)
    assert response.headers["Location"] == "/platform/sign-in/code"
    assert client.get("/platform").status_code == 401  # not signed in yet

    token = csrf_token(client, "/platform/sign-in/code")
    wrong = client.post("/platform/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    right = client.post(
        "/platform/sign-in/code", data={"code": app_code(clock.now), "csrf_token": token}
    )
    assert right.status_code == 302
    assert client.get("/platform").status_code == 200
    outcomes = [a.outcome for a in attempts(db_session)]
    assert outcomes == [LoginOutcome.MFA_FAILED, LoginOutcome.SUCCESS]


def test_the_sign_in_page_is_offered(client):
    page = client.get(SIGN_IN)
    assert page.status_code == 200
    assert "Sign in to the SafeSlot platform" in page.get_data(as_text=True)


def test_a_platform_user_signs_out(client, world):
    platform_sign_in(client, world.support)
    token = csrf_token(client, "/platform")
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/platform").status_code == 401


def test_an_idle_platform_session_ends_and_leads_back_to_the_platform_sign_in(
    client, world, monkeypatch
):
    clock = Clock()
    for module in (*CLOCK_USERS, "app.web.platform.signin"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    platform_sign_in(client, world.support)
    assert client.get("/platform").status_code == 200
    clock.advance(minutes=16)
    response = client.get("/platform")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/platform/sign-in")
