"""The change-password page, the expired-password gate, the expiry banner, temporary passwords."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.models import Role, SecurityPolicyRow, User, UserSession
from auth.passwords import verify_password
from tests.factories import DEFAULT_PASSWORD
from tests.web.forms import csrf_token, sign_in, submit

PAGE = "/account/password"
NEW = "purple walrus juggles teacups"
EXPIRED = "Your password has expired. Please choose a new one."


def set_policy(db_session, client, **settings):
    db_session.add(SecurityPolicyRow(client_id=client.id, **settings))
    db_session.commit()


def change(browser, new=NEW, current=DEFAULT_PASSWORD, confirm=None, path=PAGE):
    data = {"current": current, "new": new, "confirm": new if confirm is None else confirm}
    return submit(browser, path, data)


def password_is(db_session, config, user, password):
    db_session.rollback()  # a fresh snapshot: the app wrote through its own sessions
    stored = db_session.get(User, user.id).password_hash
    return verify_password(password, stored, config.password_pepper)


def appointments(user):
    return f"/c/{user.client.slug}/appointments"


@pytest.fixture
def expired_customer(db_session, make_client, make_user):
    business = make_client()
    set_policy(db_session, business, max_age_days=30)
    return make_user(client=business, password_changed_at=utcnow() - timedelta(days=40))


# -- the page -----------------------------------------------------------------------------


def test_the_page_lists_the_clients_rules_as_text(client, db_session, make_client, make_user):
    business = make_client(name="Harbour Physio")
    set_policy(db_session, business, min_length=14, required_classes="digit", history_depth=3)
    sign_in(client, make_user(client=business))
    page = client.get(PAGE).get_data(as_text=True)
    assert "At least 14 characters" in page
    assert "Not one of the most common passwords" in page
    assert "or the name Harbour Physio" in page
    assert "Including a digit" in page
    assert "Not your current password or one of the 2 before it" in page
    assert 'data-password-strength="new-strength"' in page and 'data-min-length="14"' in page
    assert 'aria-live="polite"' in page and "js/password-strength.js" in page
    assert "<script>" not in page  # the strength meter is a file: the CSP allows no inline code


def test_changing_the_password_keeps_this_browser_signed_in_and_signs_out_the_others(
    app, db_session, config, make_user
):
    customer = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, customer)
    sign_in(elsewhere, customer)
    response = change(here)
    assert response.status_code == 302
    assert password_is(db_session, config, customer, NEW)
    page = here.get(appointments(customer))
    assert page.status_code == 200
    assert "signed out everywhere else" in page.get_data(as_text=True)
    assert "/signin" in elsewhere.get(appointments(customer)).headers["Location"]
    # Both sessions from before the change ended; this browser carries on in a new one.
    rows = db_session.scalars(select(UserSession).order_by(UserSession.started_at)).all()
    assert [row.ended_at is None for row in rows] == [False, False, True]


def test_a_wrong_current_password_is_shown_beside_the_field_and_changes_nothing(
    client, db_session, config, make_user
):
    customer = make_user()
    sign_in(client, customer)
    response = change(client, current="not my password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<p class="field-error" id="current-error">That is not your current password.' in page
    assert password_is(db_session, config, customer, DEFAULT_PASSWORD)
    assert client.get(appointments(customer)).status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("new", "field", "sentence"),
    [
        ("leavemealone", "new", "That is one of the most common passwords."),
        ("", "new", "Choose a new password."),
        ("x" * 1025, "new", "Use at most 1024 characters."),
        (DEFAULT_PASSWORD, "new", "Please choose one you have not used recently."),
    ],
)
def test_a_refused_new_password_says_why_beside_the_field(
    client, db_session, config, make_user, new, field, sentence
):
    customer = make_user()
    sign_in(client, customer)
    response = change(client, new=new)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and sentence in page
    assert password_is(db_session, config, customer, DEFAULT_PASSWORD)


def test_characters_the_browser_could_not_send_are_refused_clearly(
    client, db_session, config, make_user
):
    customer = make_user()
    sign_in(client, customer)
    # A browser sends a lone surrogate (invalid Unicode) as U+FFFD, the replacement
    # character: what arrives is no longer what was typed.
    response = change(client, new="purple walrus \ufffd teacups")
    assert response.status_code == 400
    assert "characters that cannot be stored" in response.get_data(as_text=True)
    assert password_is(db_session, config, customer, DEFAULT_PASSWORD)


def test_a_wrong_csrf_token_is_refused_and_changes_nothing(client, db_session, config, make_user):
    customer = make_user()
    sign_in(client, customer)
    data = {"current": DEFAULT_PASSWORD, "new": NEW, "confirm": NEW, "csrf_token": "forged"}
    assert client.post(PAGE, data=data).status_code == 400
    assert password_is(db_session, config, customer, DEFAULT_PASSWORD)


def test_the_page_needs_a_signed_in_person(client):
    assert client.get(PAGE).status_code == 401


# -- the expired-password gate ------------------------------------------------------------


def test_signing_in_with_an_expired_password_leads_to_the_page_with_one_message(
    client, expired_customer
):
    response = sign_in(client, expired_customer)
    response = client.get(response.headers["Location"])
    assert response.status_code == 302 and response.headers["Location"].startswith(PAGE)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count(EXPIRED) == 1


def test_the_gate_redirects_every_page_but_the_allowed_ones(client, expired_customer):
    sign_in(client, expired_customer)
    slug = expired_customer.client.slug
    for path in (appointments(expired_customer), f"/c/{slug}", f"/c/{slug}/book", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"{PAGE}?next="), path
    assert client.get(PAGE).status_code == 200
    with client.get("/static/css/safeslot.css") as stylesheet:
        assert stylesheet.status_code == 200
    token = csrf_token(client, PAGE)
    assert client.post("/session/keepalive", headers={"X-CSRFToken": token}).status_code == 200
    api = client.get(f"/api/v1/clients/{slug}/appointments")
    assert api.status_code == 403
    assert api.get_json()["error"] == {"code": "password_expired", "message": EXPIRED}
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302


def test_a_form_posted_with_an_expired_password_does_nothing_and_goes_to_the_page(
    client, expired_customer
):
    sign_in(client, expired_customer)
    token = csrf_token(client, PAGE)
    path = f"/c/{expired_customer.client.slug}/book/confirm"
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == PAGE


def test_the_gate_lifts_after_a_change_and_returns_to_the_page_asked_for(client, expired_customer):
    sign_in(client, expired_customer)
    wanted = appointments(expired_customer)
    redirect_to = client.get(wanted).headers["Location"]
    response = change(client, path=redirect_to)
    assert response.status_code == 302 and response.headers["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_change_forced_by_an_administrator_is_gated_too(client, make_user):
    staff = make_user(role=Role.STAFF, must_change_password=True)
    sign_in(client, staff)
    response = client.get("/staff/agenda")
    assert response.status_code == 302 and response.headers["Location"].startswith(PAGE)
    assert change(client).status_code == 302
    assert client.get("/staff/agenda").status_code == 200


# -- the banner in the last week ----------------------------------------------------------


@pytest.mark.parametrize(("age_days", "warned"), [(25, True), (20, False)])
def test_the_last_week_before_expiry_shows_a_banner_on_every_page(
    client, db_session, make_client, make_user, age_days, warned
):
    business = make_client()
    set_policy(db_session, business, max_age_days=30)
    customer = make_user(client=business, password_changed_at=utcnow() - timedelta(days=age_days))
    sign_in(client, customer)
    client.get("/")  # the sign-in page's own warning is shown and gone
    page = client.get(appointments(customer)).get_data(as_text=True)
    assert ('class="flash flash--warning password-expiry"' in page) is warned
    if warned:
        assert f'href="{PAGE}?next=' in page


# -- temporary passwords ------------------------------------------------------------------


def temporary_path(user):
    return f"/staff/users/{user.id}/temporary-password"


@pytest.fixture
def business(make_client, make_user):
    client = make_client()
    return {
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "staff": make_user(client=client, role=Role.STAFF),
        "customer": make_user(client=client, display_name="Cara Customer"),
    }


def test_an_administrator_sets_a_temporary_password_shown_once(
    app, client, db_session, config, business
):
    admin, customer = business["admin"], business["customer"]
    sign_in(client, admin)
    confirm = client.get(temporary_path(customer))
    assert confirm.status_code == 200
    assert "Give Cara Customer a temporary password?" in confirm.get_data(as_text=True)
    shown = submit(client, temporary_path(customer), {}).get_data(as_text=True)
    temporary = shown.split('<p class="temporary-password"><code>')[1].split("</code>")[0]
    assert password_is(db_session, config, customer, temporary)
    assert temporary not in client.get("/staff/team").get_data(as_text=True)

    browser = app.test_client()
    sign_in(browser, customer, temporary)
    assert browser.get(appointments(customer)).headers["Location"].startswith(PAGE)
    assert change(browser, current=temporary).status_code == 302
    assert browser.get(appointments(customer)).status_code == 200


def test_only_an_administrator_may_set_temporary_passwords(app, business):
    for role in ("staff", "customer"):
        browser = app.test_client()
        sign_in(browser, business[role])
        assert browser.get(temporary_path(business["customer"])).status_code == 403, role


def test_another_clients_account_is_not_found(client, db_session, config, business, make_user):
    stranger = make_user()
    sign_in(client, business["admin"])
    assert client.get(temporary_path(stranger)).status_code == 404
    token = csrf_token(client, temporary_path(business["customer"]))
    response = client.post(temporary_path(stranger), data={"csrf_token": token})
    assert response.status_code == 404
    assert password_is(db_session, config, stranger, DEFAULT_PASSWORD)


def test_a_temporary_password_post_without_a_valid_token_changes_nothing(
    client, db_session, config, business
):
    sign_in(client, business["admin"])
    response = client.post(temporary_path(business["customer"]), data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert password_is(db_session, config, business["customer"], DEFAULT_PASSWORD)


# -- registration -------------------------------------------------------------------------


def test_registration_refuses_a_common_password_with_the_sentence(client, db_session, make_client):
    business = make_client()
    response = submit(
        client,
        f"/c/{business.slug}/register",
        {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "leavemealone",
            "confirm": "leavemealone",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="password-error">That is one of the most common passwords.' in page
    assert db_session.scalars(select(User)).all() == []
