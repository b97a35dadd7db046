"""The team page: administrators only; new members can sign in, deactivated ones cannot."""

from sqlalchemy import select

from app.models import Role, User
from tests.services.staff_setup import snapshot
from tests.web.staff.helpers import csrf_token, fresh, post, sign_in, text

NEW_MEMBER = {
    "display_name": "Noor Haddad",
    "email": "noor@example.org",
    "password": "a long temporary passphrase",
    "role": "staff",
}


def test_an_administrator_adds_a_staff_member_who_can_then_sign_in(client, db_session, team):
    sign_in(client, team.admin)
    response = post(client, "/staff/team/new", NEW_MEMBER)
    assert response.status_code == 302
    (member,) = [u for u in db_session.scalars(select(User)) if u.display_name == "Noor Haddad"]
    assert (member.client_id, member.role) == (team.client.id, Role.STAFF)
    assert "Noor Haddad" in text(client.get("/staff/team"))

    other = client.application.test_client()
    path = f"/c/{team.client.slug}/signin"
    signed_in = other.post(
        path,
        data={
            "email": NEW_MEMBER["email"],
            "password": NEW_MEMBER["password"],
            "csrf_token": csrf_token(other, path),
        },
    )
    assert signed_in.headers["Location"].endswith("/staff/agenda")


def test_a_used_address_is_a_409_with_the_reason_and_adds_nobody(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, "/staff/team/new", {**NEW_MEMBER, "email": team.customer.email})
    assert response.status_code == 409
    assert "An account with that e-mail address already exists here." in text(response)
    assert snapshot(db_session) == before


def test_a_short_temporary_password_is_a_400(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, "/staff/team/new", {**NEW_MEMBER, "password": "short"})
    assert response.status_code == 400
    assert "A temporary password needs at least 12 characters." in text(response)
    assert snapshot(db_session) == before


def test_deactivating_a_member_stops_them_at_once(client, db_session, team):
    staff_client = client.application.test_client()
    sign_in(staff_client, team.staff)
    assert staff_client.get("/staff/agenda").status_code == 200
    sign_in(client, team.admin)
    assert post(client, f"/staff/team/{team.staff.id}/deactivate").status_code == 302
    fresh(db_session)
    assert not db_session.get(User, team.staff.id).is_active
    assert staff_client.get("/staff/agenda").status_code == 401


def test_an_administrator_cannot_deactivate_themselves(client, db_session, team):
    sign_in(client, team.admin)
    response = post(client, f"/staff/team/{team.admin.id}/deactivate")
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in text(response)
    fresh(db_session)
    assert db_session.get(User, team.admin.id).is_active


def test_staff_cannot_reach_the_team_pages(client, db_session, team):
    sign_in(client, team.staff)
    before = snapshot(db_session)
    assert client.get("/staff/team").status_code == 403
    assert client.get("/staff/team/new").status_code == 403
    assert post(client, "/staff/team/new", NEW_MEMBER).status_code == 403
    assert post(client, f"/staff/team/{team.admin.id}/deactivate").status_code == 403
    assert snapshot(db_session) == before
