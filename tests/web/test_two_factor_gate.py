"""When a client requires two-step sign-in, its staff set it up before doing anything else."""

from __future__ import annotations

from app.models import Role, SecurityPolicyRow
from tests.factories import DEFAULT_PASSWORD
from tests.web.forms import csrf_token, sign_in, submit
from tests.web.test_two_factor_enrol import CONFIRM, ENROL, enrol_through_the_pages
from tests.web.two_factor_pages import clock

__all__ = ["clock"]  # the fixture, imported for these tests


def require_for_staff(db_session, client_id, **settings):
    db_session.rollback()  # a fresh snapshot: the app may have written meanwhile
    db_session.add(SecurityPolicyRow(client_id=client_id, mfa_required_for_staff=True, **settings))
    db_session.commit()


def test_staff_without_an_app_are_sent_to_set_one_up(client, make_user, db_session, clock):
    staff = make_user(role=Role.STAFF)
    require_for_staff(db_session, staff.client_id)
    sign_in(client, staff)
    for path in ("/staff/agenda", "/staff/customers", "/account/two-factor"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith(ENROL), path
    page = client.get(ENROL).get_data(as_text=True)
    assert "requires two-step sign-in" in page


def test_set_up_and_sign_out_stay_open_and_set_up_lifts_the_gate(
    client, make_user, db_session, clock
):
    admin = make_user(role=Role.CLIENT_ADMIN)
    require_for_staff(db_session, admin.client_id)
    sign_in(client, admin)
    assert client.get(ENROL).status_code == 200
    assert submit(client, ENROL, {"password": DEFAULT_PASSWORD}).status_code == 302
    assert client.get(CONFIRM).status_code == 200
    enrol_through_the_pages(client, clock)
    assert client.get("/staff/agenda").status_code == 200


def test_sign_out_works_behind_the_gate(client, make_user, db_session, clock):
    staff = make_user(role=Role.STAFF)
    require_for_staff(db_session, staff.client_id)
    sign_in(client, staff)
    token = csrf_token(client, ENROL)
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/agenda").status_code in (302, 401)


def test_the_api_answers_403_behind_the_gate(client, make_user, db_session, clock):
    staff = make_user(role=Role.STAFF)
    require_for_staff(db_session, staff.client_id)
    sign_in(client, staff)
    response = client.get(f"/api/v1/clients/{staff.client.slug}/services")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "second_factor_required"


def test_customers_are_not_held_by_the_staff_requirement(client, make_user, db_session, clock):
    customer = make_user()
    require_for_staff(db_session, customer.client_id)
    sign_in(client, customer)
    assert client.get(f"/c/{customer.client.slug}/appointments").status_code == 200


def test_a_requirement_switched_on_applies_to_staff_already_signed_in(
    client, make_user, db_session, clock
):
    staff = make_user(role=Role.STAFF)
    sign_in(client, staff)
    assert client.get("/staff/agenda").status_code == 200
    require_for_staff(db_session, staff.client_id)
    assert client.get("/staff/agenda").headers["Location"].endswith(ENROL)


def test_another_clients_requirement_does_not_apply(
    client, make_user, make_client, db_session, clock
):
    staff = make_user(role=Role.STAFF)
    require_for_staff(db_session, make_client().id)
    sign_in(client, staff)
    assert client.get("/staff/agenda").status_code == 200


def test_an_expired_password_is_changed_first_then_the_app_set_up(
    client, make_user, db_session, clock
):
    staff = make_user(role=Role.STAFF, must_change_password=True)
    require_for_staff(db_session, staff.client_id)
    sign_in(client, staff)
    first = client.get("/staff/agenda")
    assert first.status_code == 302 and "/account/password" in first.headers["Location"]
    assert client.get("/account/password").status_code == 200
    new_password = "a fresh and rather long passphrase"
    response = submit(
        client,
        "/account/password",
        {"current": DEFAULT_PASSWORD, "new": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert client.get("/staff/agenda").headers["Location"].endswith(ENROL)
    assert client.get(ENROL).status_code == 200
