"""Setting up, renewing and turning off two-step sign-in through the account pages."""

from __future__ import annotations

from sqlalchemy import select

from app import SECURITY_HEADERS
from app.models import RecoveryCode, Role, SecurityPolicyRow, User
from tests.factories import DEFAULT_PASSWORD
from tests.second_factor import app_code, enable_second_factor
from tests.web.forms import csrf_token, sign_in, submit
from tests.web.two_factor_pages import (
    clock,
    code_step,
    password_step,
    recovery_codes_on,
    secret_on,
    sign_in_with_code,
)

__all__ = ["clock"]  # the fixture, imported for these tests

SETTINGS = "/account/two-factor"
ENROL = f"{SETTINGS}/enrol"
CONFIRM = f"{SETTINGS}/enrol/confirm"
NEW_CODES = f"{SETTINGS}/recovery-codes"
TURN_OFF = f"{SETTINGS}/turn-off"


def fresh(db_session, user) -> User:
    db_session.rollback()  # a fresh snapshot: the app wrote through its own sessions
    return db_session.get(User, user.id)


def enrol_through_the_pages(client, clock) -> tuple[str, list[str]]:
    """Re-enter the password, read the secret off the page, confirm; (secret, codes)."""
    assert (
        submit(client, ENROL, {"password": DEFAULT_PASSWORD}).headers["Location"].endswith(CONFIRM)
    )
    secret = secret_on(client.get(CONFIRM).get_data(as_text=True))
    response = submit(client, CONFIRM, {"code": app_code(clock.now, secret)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return secret, recovery_codes_on(response.get_data(as_text=True))


def test_enrolling_end_to_end_then_signing_in_with_the_app(client, make_user, db_session, clock):
    staff = make_user(role=Role.STAFF)
    sign_in(client, staff)
    assert "Off" in client.get(SETTINGS).get_data(as_text=True)
    secret, codes = enrol_through_the_pages(client, clock)
    assert len(codes) == 10 == len(set(codes))
    user = fresh(db_session, staff)
    assert user.has_second_factor and user.totp_secret == secret
    assert "On since 3 March 2031" in client.get(SETTINGS).get_data(as_text=True)

    client.post("/signout", data={"csrf_token": csrf_token(client, SETTINGS)})
    clock.advance(seconds=30)
    assert password_step(client, staff).headers["Location"].endswith("/signin/code")
    assert code_step(client, staff, app_code(clock.now, secret)).status_code == 302
    assert client.get("/staff/agenda").status_code == 200


def test_the_qr_code_is_inline_svg_under_the_unchanged_content_security_policy(
    client, make_user, clock
):
    sign_in(client, make_user())
    submit(client, ENROL, {"password": DEFAULT_PASSWORD})
    response = client.get(CONFIRM)
    page = response.get_data(as_text=True)
    assert '<svg width="' in page and 'class="qr-code"' in page
    assert "data:" not in page and "<img" not in page and "style=" not in page
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"] == policy


def test_the_secret_is_shown_only_after_the_password(client, make_user, clock):
    sign_in(client, make_user())
    response = client.get(CONFIRM)
    assert response.status_code == 302 and response.headers["Location"].endswith(ENROL)
    page = client.get(ENROL).get_data(as_text=True)
    assert "type your password again" in page.lower() and "<svg" not in page


def test_a_wrong_password_does_not_start_the_set_up(client, make_user, db_session, clock):
    user = make_user()
    sign_in(client, user)
    response = submit(client, ENROL, {"password": "not my password"})
    assert response.status_code == 400
    assert "That is not your password." in response.get_data(as_text=True)
    assert fresh(db_session, user).totp_pending_secret is None
    assert client.get(CONFIRM).status_code == 302


def test_a_wrong_first_code_leaves_it_off(client, make_user, db_session, clock):
    user = make_user()
    sign_in(client, user)
    submit(client, ENROL, {"password": DEFAULT_PASSWORD})
    response = submit(client, CONFIRM, {"code": "000000"})
    assert response.status_code == 400
    assert "That code did not match" in response.get_data(as_text=True)
    assert not fresh(db_session, user).has_second_factor


def test_the_password_counts_for_ten_minutes_of_set_up(client, make_user, db_session, clock):
    user = make_user()
    sign_in(client, user)
    submit(client, ENROL, {"password": DEFAULT_PASSWORD})
    token = csrf_token(client, CONFIRM)
    clock.advance(minutes=10)
    response = client.post(CONFIRM, data={"code": "123456", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(ENROL)
    assert not fresh(db_session, user).has_second_factor


def test_recovery_codes_are_shown_once_and_stored_hashed(client, make_user, db_session, clock):
    user = make_user()
    sign_in(client, user)
    _, codes = enrol_through_the_pages(client, clock)
    db_session.rollback()
    hashes = db_session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in hashes)
    assert recovery_codes_on(client.get(SETTINGS).get_data(as_text=True)) == []


def test_new_recovery_codes_need_the_password_and_replace_the_old(
    app, client, make_user, db_session, config, clock
):
    user = make_user()
    old = enable_second_factor(db_session, config, user)
    sign_in_with_code(client, user, clock)
    response = submit(client, NEW_CODES, {"password": "a guess"})
    assert response.status_code == 400 and recovery_codes_on(response.get_data(as_text=True)) == []
    response = submit(client, NEW_CODES, {"password": DEFAULT_PASSWORD})
    assert response.headers["Cache-Control"] == "no-store"
    new = recovery_codes_on(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    browser = app.test_client()
    password_step(browser, user)
    assert code_step(browser, user, old[0]).status_code == 401
    assert code_step(browser, user, new[0]).status_code == 302


def test_turning_it_off_needs_the_password(client, make_user, db_session, config, clock):
    user = make_user()
    enable_second_factor(db_session, config, user)
    sign_in_with_code(client, user, clock)
    assert submit(client, TURN_OFF, {"password": "a guess"}).status_code == 400
    assert fresh(db_session, user).has_second_factor
    response = submit(client, TURN_OFF, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(SETTINGS)
    assert not fresh(db_session, user).has_second_factor
    assert "Two-step sign-in is off." in client.get(SETTINGS).get_data(as_text=True)


def test_staff_cannot_turn_it_off_when_their_client_requires_it(
    client, make_user, db_session, config, clock
):
    staff = make_user(role=Role.STAFF)
    enable_second_factor(db_session, config, staff)
    db_session.add(SecurityPolicyRow(client_id=staff.client_id, mfa_required_for_staff=True))
    db_session.commit()
    sign_in_with_code(client, staff, clock)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "requires two-step sign-in" in page and TURN_OFF not in page
    assert "cannot be turned off" in client.get(TURN_OFF).get_data(as_text=True)
    token = csrf_token(client, SETTINGS)
    response = client.post(TURN_OFF, data={"password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 400
    assert fresh(db_session, staff).has_second_factor


def test_every_change_signs_out_the_other_browsers_but_not_this_one(
    app, make_user, db_session, config, clock
):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    enrol_through_the_pages(here, clock)
    assert elsewhere.get(SETTINGS).status_code in (302, 401)
    assert here.get(SETTINGS).status_code == 200

    password_step(elsewhere, user)
    clock.advance(seconds=30)
    secret = fresh(db_session, user).totp_secret
    assert code_step(elsewhere, user, app_code(clock.now, secret)).status_code == 302
    assert elsewhere.get(SETTINGS).status_code == 200
    submit(here, NEW_CODES, {"password": DEFAULT_PASSWORD})
    assert elsewhere.get(SETTINGS).status_code in (302, 401)
    assert here.get(SETTINGS).status_code == 200


def test_changes_refuse_a_post_without_a_csrf_token(client, make_user, db_session, config, clock):
    user = make_user()
    enable_second_factor(db_session, config, user)
    sign_in_with_code(client, user, clock)
    for path in (ENROL, NEW_CODES, TURN_OFF):
        assert client.post(path, data={"password": DEFAULT_PASSWORD}).status_code == 400, path
    after = fresh(db_session, user)
    assert after.has_second_factor and after.totp_pending_secret is None


def test_the_pages_need_a_signed_in_person(client, clock):
    for path in (SETTINGS, ENROL, CONFIRM, NEW_CODES, TURN_OFF):
        assert client.get(path).status_code == 401, path
