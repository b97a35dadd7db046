"""Signing in, registering and signing out on a client's pages."""

from sqlalchemy import func, select

from app.models import Role, User
from auth import passwords
from tests.web.forms import csrf_token, sign_in, submit


def test_a_customer_signs_in_and_lands_on_their_appointments(client, make_user):
    customer = make_user()
    response = sign_in(client, customer)
    assert response.headers["Location"].endswith(f"/c/{customer.client.slug}/appointments")


def test_staff_sign_in_lands_on_the_agenda(client, make_user):
    staff = make_user(role=Role.STAFF)
    assert sign_in(client, staff).headers["Location"].endswith("/staff/agenda")


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, make_user):
    customer = make_user()
    path = f"/c/{customer.client.slug}/signin"
    wrong = submit(client, path, {"email": customer.email, "password": "not the password"})
    unknown = submit(client, path, {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "do not match an account here" in response.get_data(as_text=True)


def test_an_unknown_address_still_costs_one_password_check(client, make_user, monkeypatch):
    customer = make_user()
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(
        "app.services.signin.verify_password",
        lambda *args: calls.append(1) or real(*args),
    )
    path = f"/c/{customer.client.slug}/signin"
    submit(client, path, {"email": "nobody@example.org", "password": "whatever it is"})
    submit(client, path, {"email": customer.email, "password": "whatever it is"})
    assert len(calls) == 2


def test_a_user_of_another_client_cannot_sign_in_here(client, make_user, make_client):
    customer = make_user()
    elsewhere = make_client()
    response = submit(
        client,
        f"/c/{elsewhere.slug}/signin",
        {"email": customer.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 401


def test_a_deactivated_account_cannot_sign_in(client, make_user):
    customer = make_user(is_active=False)
    path = f"/c/{customer.client.slug}/signin"
    response = submit(
        client, path, {"email": customer.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 401


def test_sign_in_without_a_csrf_token_is_refused(client, make_user):
    customer = make_user()
    response = client.post(
        f"/c/{customer.client.slug}/signin",
        data={"email": customer.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 400


def test_an_unknown_client_has_no_sign_in_page(client):
    assert client.get("/c/no-such-client/signin").status_code == 404


def test_a_return_address_on_another_site_is_ignored(client, make_user):
    customer = make_user()
    path = f"/c/{customer.client.slug}/signin?next=https://evil.example/steal"
    response = submit(
        client, path, {"email": customer.email, "password": "correct horse battery staple"}
    )
    assert "evil.example" not in response.headers["Location"]


def test_a_customer_registers_and_is_signed_in(client, make_client, db_session):
    business = make_client()
    response = submit(
        client,
        f"/c/{business.slug}/register",
        {
            "display_name": "Ada Lovelace",
            "email": "ada@example.org",
            "password": "analytical engine notes",
            "confirm": "analytical engine notes",
        },
    )
    assert response.status_code == 302
    user = db_session.scalars(select(User).where(User.client_id == business.id)).one()
    assert (user.role, user.display_name) == (Role.CUSTOMER, "Ada Lovelace")
    assert client.get(f"/c/{business.slug}/appointments").status_code == 200


def test_registration_errors_say_what_is_wrong_and_save_nothing(client, make_client, db_session):
    business = make_client()
    cases = [
        ({"password": "short", "confirm": "short"}, "at least 12 characters"),
        ({"confirm": "something else entirely"}, "passwords differ"),
        ({"email": "not-an-address"}, "does not look like an e-mail address"),
        ({"display_name": "x" * 201}, "Field cannot be longer than 200 characters"),
    ]
    for change, message in cases:
        data = {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "analytical engine notes",
            "confirm": "analytical engine notes",
        } | change
        response = submit(client, f"/c/{business.slug}/register", data)
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_registering_an_address_twice_is_refused(client, make_user):
    customer = make_user()
    response = submit(
        client,
        f"/c/{customer.client.slug}/register",
        {
            "display_name": "Again",
            "email": customer.email,
            "password": "analytical engine notes",
            "confirm": "analytical engine notes",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_sign_out_is_a_post_and_ends_the_session(client, make_user):
    customer = make_user()
    sign_in(client, customer)
    token = csrf_token(client, f"/c/{customer.client.slug}/appointments")
    assert client.get("/signout").status_code == 405
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/c/{customer.client.slug}/appointments").status_code in (302, 401)


def test_registration_follows_the_clients_own_minimum_length(client, make_client, db_session):
    from app.models import SecurityPolicyRow

    business = make_client()
    db_session.add(SecurityPolicyRow(client_id=business.id, min_length=8))
    db_session.commit()
    page = client.get(f"/c/{business.slug}/register").get_data(as_text=True)
    assert "At least 8 characters" in page
    response = submit(
        client,
        f"/c/{business.slug}/register",
        {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "quiet fox",
            "confirm": "quiet fox",
        },
    )
    assert response.status_code == 302
