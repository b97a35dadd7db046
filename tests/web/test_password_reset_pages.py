"""The forgotten-password pages: asking for a link, following it, choosing a new password."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.db import get_db, utcnow
from app.log_redaction import RedactPrivateData
from app.models import (
    AuditEvent,
    OutboxMessage,
    PasswordResetLink,
    Role,
    SecurityPolicyRow,
    User,
)
from app.services import password_reset as reset
from app.services.outbox_sending import send_due_messages
from auth.passwords import verify_password
from auth.policy import BOUNDS
from tests.factories import DEFAULT_PASSWORD
from tests.mail_server import running_mail_server, with_mail_server
from tests.web.forms import csrf_token, sign_in, submit

NEW = "purple walrus juggles teacups"
EMAIL = "robin@example.org"
SAME_ANSWER = "If an account at Harbour Clinic signs in with that address"
DEAD = "This link has expired or was already used. Ask for a new one."
DONE = "Your password is changed; sign in with it."
LINK = re.compile(r"https?://[^/\s]+(/c/[\w-]+/reset-password/[\w-]+)")


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    return with_mail_server(config, mail_server)


@pytest.fixture
def business(db_session, make_client):
    client = make_client(name="Harbour Clinic")
    db_session.add(SecurityPolicyRow(client_id=client.id, self_service_reset=True))
    db_session.commit()
    return client


@pytest.fixture
def person(make_user, business):
    return make_user(client=business, email=EMAIL)


def forgot(business):
    return f"/c/{business.slug}/forgot-password"


def ask(browser, business, email=EMAIL, address="198.51.100.1"):
    path = forgot(business)
    token = csrf_token(browser, path)
    return browser.post(
        path, data={"email": email, "csrf_token": token}, environ_base={"REMOTE_ADDR": address}
    )


def mailed_path(app, db_session, mail_server):
    """Send the queued e-mail over SMTP; the reset path in the newest message."""
    with app.app_context():
        send_due_messages(db_session)
    message = mail_server.messages[-1]
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def choose(browser, business, new=NEW, confirm=None, address="198.51.100.1"):
    path = f"/c/{business.slug}/reset-password"
    data = {"new": new, "confirm": new if confirm is None else confirm}
    return browser.post(
        path,
        # The token of a page always there: the form itself is missing when the link is dead.
        data={**data, "csrf_token": csrf_token(browser, forgot(business))},
        environ_base={"REMOTE_ADDR": address},
    )


def password_is(db_session, config, user, password):
    db_session.rollback()  # a fresh snapshot: the app wrote through its own sessions
    stored = db_session.get(User, user.id).password_hash
    return verify_password(password, stored, config.password_pepper)


def issued_token(db_session, config, business, *, now):
    """A link issued at `now` through the service (the clock of the pages is the real one)."""
    reset.request_link(db_session, config, business, EMAIL, now=now)
    link_id = db_session.scalars(
        select(PasswordResetLink.id).order_by(PasswordResetLink.created_at.desc())
    ).first()
    return reset.link_token(config, link_id)


def test_the_whole_journey_from_forgotten_to_signed_in_with_the_new_password(
    app, client, db_session, config, business, person, mail_server
):
    elsewhere = app.test_client()
    sign_in(elsewhere, person)
    signin_page = client.get(f"/c/{business.slug}/signin").get_data(as_text=True)
    assert f'href="/c/{business.slug}/forgot-password"' in signin_page
    assert "Forgot your password?" in signin_page

    answer = ask(client, business)
    assert answer.status_code == 200 and SAME_ANSWER in answer.get_data(as_text=True)
    path = mailed_path(app, db_session, mail_server)
    assert mail_server.messages[-1]["To"] == EMAIL

    opened = client.get(path)
    assert opened.status_code == 303
    assert opened.headers["Location"] == f"/c/{business.slug}/reset-password"
    form = client.get(opened.headers["Location"])
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "Choose a new password" in page
    assert 'data-password-strength="new-strength"' in page and "js/password-strength.js" in page
    assert path.rsplit("/", 1)[1] not in page

    done = choose(client, business)
    assert done.status_code == 303
    assert done.headers["Location"] == f"/c/{business.slug}/signin"
    assert DONE in client.get(done.headers["Location"]).get_data(as_text=True)
    assert password_is(db_session, config, person, NEW)
    # The browser signed in before the reset is signed out.
    assert "/signin" in elsewhere.get(f"/c/{business.slug}/appointments").headers["Location"]
    sign_in(client, person, password=NEW)
    assert client.get(f"/c/{business.slug}/appointments").status_code == 200


def test_every_page_of_the_reset_is_private_and_sends_no_referrer(
    app, client, db_session, config, business, person, mail_server
):
    ask(client, business)
    path = mailed_path(app, db_session, mail_server)
    responses = [client.get(forgot(business)), client.get(path)]
    responses.append(client.get(responses[-1].headers["Location"]))
    responses.append(client.get(path))  # opened once more: still fine until used
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("email", ["nobody@example.org", "inactive@example.org"])
def test_unknown_and_inactive_addresses_get_the_same_answer_and_no_email(
    client, db_session, business, person, make_user, email
):
    make_user(client=business, email="inactive@example.org", is_active=False)
    for_person = ask(client, business)
    other = ask(client, business, email=email)
    assert other.status_code == for_person.status_code == 200
    assert _without_csrf(other.get_data(as_text=True)) == _without_csrf(
        for_person.get_data(as_text=True)
    )
    queued = db_session.scalars(select(OutboxMessage.to_user_id)).all()
    assert queued == [person.id]


def _without_csrf(page: str) -> str:
    # The CSRF token (a form field and a meta tag) carries a timestamp: it may differ.
    return re.sub(r'name="csrf[-_]token"[^>]*>', "", page)


def test_with_the_option_off_the_pages_are_missing_and_sign_in_offers_no_link(
    client, db_session, make_client, make_user
):
    business = make_client()
    make_user(client=business, email=EMAIL)
    signin_page = client.get(f"/c/{business.slug}/signin").get_data(as_text=True)
    assert "Forgot your password?" not in signin_page
    assert client.get(forgot(business)).status_code == 404
    token = csrf_token(client, f"/c/{business.slug}/signin")
    asked = client.post(forgot(business), data={"email": EMAIL, "csrf_token": token})
    assert asked.status_code == 404
    assert client.get(f"/c/{business.slug}/reset-password/{'A' * 43}").status_code == 404
    assert client.get(f"/c/{business.slug}/reset-password").status_code == 404
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_link_works_once(app, client, db_session, config, business, person, mail_server):
    ask(client, business)
    path = mailed_path(app, db_session, mail_server)
    client.get(path)
    assert choose(client, business).status_code == 303
    again = app.test_client().get(path)
    assert again.status_code == 410 and DEAD in again.get_data(as_text=True)
    # The browser that used it cannot submit a second password either.
    second = choose(client, business, new="another fresh passphrase")
    assert second.status_code == 404 and DEAD in second.get_data(as_text=True)
    assert password_is(db_session, config, person, NEW)


def test_asking_again_voids_the_older_link(app, client, db_session, business, person, mail_server):
    ask(client, business)
    older = mailed_path(app, db_session, mail_server)
    ask(client, business)
    newer = mailed_path(app, db_session, mail_server)
    assert older != newer
    response = client.get(older)
    assert response.status_code == 410 and DEAD in response.get_data(as_text=True)
    assert client.get(newer).status_code == 303


def test_a_link_expires_after_30_minutes(client, db_session, config, business, person):
    token = issued_token(db_session, config, business, now=utcnow() - timedelta(minutes=31))
    response = client.get(f"/c/{business.slug}/reset-password/{token}")
    assert response.status_code == 410 and DEAD in response.get_data(as_text=True)
    fresh = issued_token(db_session, config, business, now=utcnow() - timedelta(minutes=29))
    assert client.get(f"/c/{business.slug}/reset-password/{fresh}").status_code == 303


def test_a_link_that_expires_while_the_form_is_open_changes_nothing(
    client, db_session, config, business, person
):
    token = issued_token(db_session, config, business, now=utcnow() - timedelta(minutes=29))
    client.get(f"/c/{business.slug}/reset-password/{token}")
    path = f"/c/{business.slug}/reset-password"
    form_token = csrf_token(client, path)
    db_session.execute(
        PasswordResetLink.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    response = client.post(path, data={"new": NEW, "confirm": NEW, "csrf_token": form_token})
    assert response.status_code == 410
    assert password_is(db_session, config, person, DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("short", "at least 12 characters"),
        ("leavemealone", "one of the most common passwords"),
        (DEFAULT_PASSWORD, "That is your current password"),
    ],
)
def test_a_weak_or_reused_password_is_refused_and_the_link_stays_usable(
    client, db_session, config, business, person, new, reason
):
    token = issued_token(db_session, config, business, now=utcnow())
    client.get(f"/c/{business.slug}/reset-password/{token}")
    refused = choose(client, business, new=new)
    assert refused.status_code == 400 and reason in refused.get_data(as_text=True)
    assert password_is(db_session, config, person, DEFAULT_PASSWORD)
    assert choose(client, business).status_code == 303
    assert password_is(db_session, config, person, NEW)


def test_a_link_of_one_client_is_refused_under_another_clients_slug(
    client, db_session, config, business, person, make_client
):
    token = issued_token(db_session, config, business, now=utcnow())
    elsewhere = make_client()
    db_session.add(SecurityPolicyRow(client_id=elsewhere.id, self_service_reset=True))
    db_session.commit()
    response = client.get(f"/c/{elsewhere.slug}/reset-password/{token}")
    assert response.status_code == 404 and DEAD in response.get_data(as_text=True)
    # Opened under its own client, it still cannot be spent under the other one.
    client.get(f"/c/{business.slug}/reset-password/{token}")
    assert choose(client, elsewhere).status_code == 404
    assert password_is(db_session, config, person, DEFAULT_PASSWORD)
    assert client.get(f"/c/{business.slug}/reset-password").status_code == 200


def test_an_unknown_token_gets_the_same_clear_page(client, business):
    response = client.get(f"/c/{business.slug}/reset-password/{'A' * 43}")
    assert response.status_code == 404 and DEAD in response.get_data(as_text=True)
    assert client.get(f"/c/{business.slug}/reset-password").status_code == 404


# -- rate limits ---------------------------------------------------------------------------


@pytest.fixture
def limited_app(config):
    app = create_app(config.with_overrides(ratelimit_enabled=True))
    yield app
    get_db(app).engine.dispose()


def test_asking_too_often_from_one_address_is_refused_with_429(
    limited_app, db_session, business, person
):
    browser = limited_app.test_client()
    codes = [ask(browser, business, email=f"p{i}@example.org").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert "Retry-After" in ask(browser, business).headers


def test_asking_too_often_for_one_address_is_refused_from_any_address(
    limited_app, db_session, business, person
):
    browser = limited_app.test_client()
    codes = [ask(browser, business, address=f"198.51.100.{i}").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 5


def test_submitting_new_passwords_too_often_from_one_address_is_refused_with_429(
    limited_app, db_session, config, business, person
):
    browser = limited_app.test_client()
    token = issued_token(db_session, config, business, now=utcnow())
    browser.get(f"/c/{business.slug}/reset-password/{token}")
    codes = [choose(browser, business, new="short").status_code for _ in range(11)]
    assert codes == [400] * 10 + [429]


# -- the setting and the logs --------------------------------------------------------------


def test_an_admin_turns_the_option_on_audited_and_sign_in_then_offers_the_link(
    client, db_session, make_client, make_user
):
    business = make_client()
    admin = make_user(client=business, role=Role.CLIENT_ADMIN)
    sign_in(client, admin)
    page = client.get("/staff/security").get_data(as_text=True)
    assert "Let people reset a forgotten password by e-mail" in page
    form = {name: str(bound.default or "") for name, bound in BOUNDS.items()}
    response = submit(client, "/staff/security", {**form, "self_service_reset": "y"})
    assert response.status_code == 302
    db_session.rollback()
    assert db_session.get(SecurityPolicyRow, business.id).self_service_reset
    changes = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.change")
    ).all()
    assert [event.actor_id for event in changes] == [admin.id]
    assert "self_service_reset" in changes[0].fields
    anonymous = client.application.test_client()
    signin_page = anonymous.get(f"/c/{business.slug}/signin").get_data(as_text=True)
    assert "Forgot your password?" in signin_page


def test_the_token_is_never_in_a_log_line(
    app, client, db_session, config, business, person, mail_server, caplog
):
    caplog.set_level(logging.DEBUG)
    ask(client, business)
    path = mailed_path(app, db_session, mail_server)
    token = path.rsplit("/", 1)[1]
    client.get(path)
    choose(client, business, new="short")
    choose(client, business)
    assert caplog.records and token not in caplog.text
    # A server's access log line for the link (werkzeug's format) loses the token too.
    line = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        0,
        '127.0.0.1 - - "GET %s HTTP/1.1" 303 -',
        (path,),
        None,
    )
    RedactPrivateData().filter(line)
    assert token not in line.getMessage()
    assert "/reset-password/[token removed]" in line.getMessage()
