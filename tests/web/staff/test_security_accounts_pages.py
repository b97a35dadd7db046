"""Locked accounts and one account's levers: unlock, a new password, sign out everywhere."""

from datetime import timedelta

from app.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.services.security_setup import WHEN, make_attempt
from tests.services.staff_setup import fresh
from tests.web.forms import submit
from tests.web.staff.helpers import NOW, post, sign_in, text


def account(user) -> str:
    return f"/staff/security/accounts/{user.id}"


def signed_in_browser(client, user):
    """Another browser with `user` signed in and using the staff pages."""
    browser = client.application.test_client()
    sign_in(browser, user)
    assert browser.get("/staff/agenda").status_code == 200
    return browser


def reload(db_session, user) -> User:
    fresh(db_session)
    return db_session.get(User, user.id)


def lock(db_session, user, until=None) -> None:
    user.locked_at, user.locked_until, user.failed_attempts = NOW, until, 5
    db_session.commit()


def test_a_locked_account_is_listed_and_unlocking_lets_its_owner_sign_in(client, db_session, team):
    lock(db_session, team.staff)
    signin = f"/c/{team.client.slug}/signin"
    owner = client.application.test_client()
    details = {"email": team.staff.email, "password": DEFAULT_PASSWORD}
    assert submit(owner, signin, details).status_code == 401

    sign_in(client, team.admin)
    listed = text(client.get("/staff/security/locked"))
    assert "Sol Staff" in listed and "An administrator unlocks it" in listed
    response = post(client, f"{account(team.staff)}/unlock", {"next": "/staff/security/locked"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/security/locked")
    assert "No account is locked." in text(client.get("/staff/security/locked"))

    assert submit(owner, signin, details).status_code == 302
    assert owner.get("/staff/agenda").status_code == 200


def test_an_expired_lock_is_not_listed(client, db_session, team):
    lock(db_session, team.customer, until=NOW - timedelta(minutes=1))
    sign_in(client, team.admin)
    assert "No account is locked." in text(client.get("/staff/security/locked"))


def test_the_account_page_shows_the_state_and_the_latest_attempts(client, db_session, team):
    lock(db_session, team.customer)
    make_attempt(db_session, team.client, team.customer, at=WHEN - timedelta(days=1))
    sign_in(client, team.admin)
    page = text(client.get(account(team.customer)))
    assert "Cara Customer" in page and "<dt>Role</dt><dd>Customer</dd>" in page
    assert "until an administrator unlocks it" in page
    assert "27 Feb 2031, 15:00:00" in page  # last signed in, London = UTC in winter
    assert f"/staff/security/log?account={team.customer.id}" in page
    assert 'action="/staff/security/accounts/' in page and "Unlock" in page


def test_requiring_a_new_password_signs_the_person_out_at_once(client, db_session, team):
    browser = signed_in_browser(client, team.staff)
    sign_in(client, team.admin)
    response = post(client, f"{account(team.staff)}/new-password")
    assert response.headers["Location"].endswith(account(team.staff))
    assert reload(db_session, team.staff).must_change_password
    assert browser.get("/staff/agenda").status_code == 401
    assert "New password required</dt><dd>Yes" in text(client.get(account(team.staff)))


def test_signing_out_everywhere_ends_both_browsers(client, db_session, team):
    phone, laptop = (signed_in_browser(client, team.staff) for _ in range(2))
    sign_in(client, team.admin)
    assert post(client, f"{account(team.staff)}/sign-out").status_code == 302
    assert phone.get("/staff/agenda").status_code == 401
    assert laptop.get("/staff/agenda").status_code == 401
    assert not reload(db_session, team.staff).must_change_password
    assert client.get("/staff/agenda").status_code == 200  # the administrator stays in


def test_signing_yourself_out_everywhere_leads_to_the_sign_in_page(client, team):
    sign_in(client, team.admin)
    response = post(client, f"{account(team.admin)}/sign-out")
    assert response.headers["Location"].endswith(f"/c/{team.client.slug}/signin")
    assert client.get("/staff/agenda").status_code == 401


def test_new_passwords_for_everyone_is_confirmed_first_then_reaches_everyone_here(
    client, db_session, team, make_client, make_user
):
    stranger = make_user(client=make_client())
    browser = signed_in_browser(client, team.staff)
    sign_in(client, team.admin)
    confirm = text(client.get("/staff/security/new-passwords"))
    assert "you included" in confirm
    assert not reload(db_session, team.staff).must_change_password  # looking changes nothing
    response = post(client, "/staff/security/new-passwords")
    assert response.headers["Location"].endswith(f"/c/{team.client.slug}/signin")
    for user in (team.admin, team.staff, team.customer):
        assert reload(db_session, user).must_change_password
    assert not reload(db_session, stranger).must_change_password
    assert browser.get("/staff/agenda").status_code == 401


def test_another_clients_account_is_not_found(client, db_session, team, make_client, make_user):
    stranger = make_user(client=make_client(), display_name="Olu Elsewhere")
    lock(db_session, stranger)
    sign_in(client, team.admin)
    assert client.get(account(stranger)).status_code == 404
    for action in ("unlock", "new-password", "sign-out"):
        assert post(client, f"{account(stranger)}/{action}").status_code == 404, action
    after = reload(db_session, stranger)
    assert after.locked_at is not None and not after.must_change_password
    assert after.session_version == 1
    assert "Olu Elsewhere" not in text(client.get("/staff/security/locked"))


def test_the_levers_need_their_csrf_token(client, db_session, team):
    lock(db_session, team.staff)
    sign_in(client, team.admin)
    for action in ("unlock", "new-password", "sign-out"):
        assert client.post(f"{account(team.staff)}/{action}").status_code == 400, action
    assert client.post("/staff/security/new-passwords").status_code == 400
    after = reload(db_session, team.staff)
    assert after.locked_at is not None and not after.must_change_password


def test_staff_cannot_pull_the_levers(client, db_session, team):
    sign_in(client, team.staff)
    assert client.get(account(team.customer)).status_code == 403
    for action in ("unlock", "new-password", "sign-out"):
        assert post(client, f"{account(team.customer)}/{action}").status_code == 403, action
    assert not reload(db_session, team.customer).must_change_password
