"""An administrator changes a member's role and clears a lost second factor."""

from sqlalchemy import select

from app.models import RecoveryCode, Role, User
from app.models.audit import AuditEvent
from tests.second_factor import enable_second_factor
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import post, sign_in, text


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


def codes_of(db_session, user) -> list[RecoveryCode]:
    fresh(db_session)
    return list(db_session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)))


def test_removing_a_lost_second_factor_signs_the_person_out_and_lets_them_in_with_a_password(
    client, db_session, config, team
):
    phone_lost = signed_in_browser(client, team.staff)
    enable_second_factor(db_session, config, team.staff)
    sign_in(client, team.admin)
    assert "On, with an authenticator app" in text(client.get(account(team.staff)))

    response = post(client, f"{account(team.staff)}/second-factor/reset")

    assert response.status_code == 302
    staff = reload(db_session, team.staff)
    assert staff.totp_secret is None and not staff.has_second_factor
    assert codes_of(db_session, staff) == []
    assert phone_lost.get("/staff/agenda").status_code == 401  # signed out
    sign_in(phone_lost, team.staff)  # the password alone is enough again
    assert phone_lost.get("/staff/agenda").status_code == 200
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(staff.id)))
    assert "user.second_factor_reset" in {event.action for event in events}


def test_an_administrator_cannot_remove_their_own_second_factor_here(
    client, db_session, config, team
):
    sign_in(client, team.admin)
    enable_second_factor(db_session, config, team.admin)
    assert "Remove their second factor" not in text(client.get(account(team.admin)))

    post(client, f"{account(team.admin)}/second-factor/reset")

    assert reload(db_session, team.admin).has_second_factor
    assert len(codes_of(db_session, team.admin)) == 10


def test_removing_a_second_factor_nobody_set_up_says_so_and_changes_nothing(
    client, db_session, team
):
    version = team.staff.session_version
    sign_in(client, team.admin)

    response = post(client, f"{account(team.staff)}/second-factor/reset", follow_redirects=True)

    assert "has no second factor to reset" in text(response)
    assert reload(db_session, team.staff).session_version == version


def test_staff_may_not_remove_anyones_second_factor(client, db_session, config, team):
    enable_second_factor(db_session, config, team.admin)
    sign_in(client, team.staff)

    response = post(client, f"{account(team.admin)}/second-factor/reset")

    assert response.status_code == 403
    assert reload(db_session, team.admin).has_second_factor


def test_a_staff_member_made_administrator_signs_in_again_and_can_open_the_admin_pages(
    client, db_session, team
):
    before = signed_in_browser(client, team.staff)
    assert before.get("/staff/security").status_code == 403
    sign_in(client, team.admin)

    response = post(client, f"{account(team.staff)}/role", {"role": Role.CLIENT_ADMIN.value})

    assert response.status_code == 302
    assert reload(db_session, team.staff).role is Role.CLIENT_ADMIN
    assert before.get("/staff/agenda").status_code == 401  # signed out everywhere
    sign_in(before, team.staff)
    assert before.get("/staff/security").status_code == 200
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_change")
    ).one()
    assert event.object_id == str(team.staff.id) and event.fields == ["role"]
    assert event.actor_id == team.admin.id


def test_an_administrator_made_staff_loses_the_admin_pages(client, db_session, make_user, team):
    other_admin = make_user(client=team.client, role=Role.CLIENT_ADMIN, display_name="Al Other")
    sign_in(client, team.admin)

    post(client, f"{account(other_admin)}/role", {"role": Role.STAFF.value})

    assert reload(db_session, other_admin).role is Role.STAFF
    browser = client.application.test_client()
    sign_in(browser, other_admin)
    assert browser.get("/staff/security").status_code == 403


def test_nobody_changes_their_own_role_or_gives_a_role_outside_the_team(client, db_session, team):
    sign_in(client, team.admin)

    own = post(client, f"{account(team.admin)}/role", {"role": Role.STAFF.value})
    platform = post(client, f"{account(team.staff)}/role", {"role": Role.PLATFORM_ADMIN.value})
    customer = post(client, f"{account(team.staff)}/role", {"role": Role.CUSTOMER.value})
    empty = post(client, f"{account(team.staff)}/role", {"role": ""})

    assert own.status_code == 400 and "cannot change your own role" in text(own)
    assert {platform.status_code, customer.status_code, empty.status_code} == {400}
    assert reload(db_session, team.admin).role is Role.CLIENT_ADMIN
    assert reload(db_session, team.staff).role is Role.STAFF


def test_a_customer_or_another_clients_member_has_no_role_to_change(
    client, db_session, make_client, make_user, team
):
    elsewhere = make_user(client=make_client(), role=Role.STAFF)
    sign_in(client, team.admin)

    customer = post(client, f"{account(team.customer)}/role", {"role": Role.STAFF.value})
    stranger = post(client, f"{account(elsewhere)}/role", {"role": Role.CLIENT_ADMIN.value})

    assert customer.status_code == 404 and stranger.status_code == 404
    assert reload(db_session, team.customer).role is Role.CUSTOMER
    assert reload(db_session, elsewhere).role is Role.STAFF
