"""Self-service password reset: asking for a link, the e-mail, and using the link once."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from app.errors import NotFound
from app.models import (
    AuditEvent,
    OutboxMessage,
    PasswordResetLink,
    Role,
    SecurityPolicyRow,
    User,
    UserSession,
)
from app.scope import Scope
from app.services import erasure, sessions
from app.services import password_reset as reset
from app.services.feed_tokens import token_hash
from app.services.outbox_sending import send_due_messages
from app.services.passwords import PasswordRefused
from app.services.signin import Attempt, SignInFailed, sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.mail_server import running_mail_server, with_mail_server

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
NEW = "purple walrus juggles teacups"
LINK = re.compile(r"(https?://\S+/c/([\w-]+)/reset-password/([\w-]+))")


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
    return make_user(client=business, email="robin@example.org")


def ask(db_session, config, client, email="robin@example.org", now=NOW):
    reset.request_link(db_session, config, client, email, now=now)


def sent_link(app, db_session, mail_server):
    """Send what is queued through the real SMTP server; the one link it carried."""
    with app.app_context():
        send_due_messages(db_session)
    [message] = mail_server.messages
    [found] = LINK.findall(message.get_body(("plain",)).get_content())
    return message, found[2]


def link_of(db_session, config, client, **kwargs):
    """Ask for a link and return its token, read back from the queued e-mail's link ID."""
    ask(db_session, config, client, **kwargs)
    row = db_session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc())
    ).first()
    return reset.link_token(config, uuid.UUID(row.context["link_id"]))


def use(db_session, config, client, token, new=NEW, confirm=None, now=NOW):
    link_id = reset.open_link(db_session, client, token, now=now)
    return reset.reset_password(
        db_session, config, client, link_id, new, new if confirm is None else confirm, now=now
    )


def signs_in(db_session, config, client, email, password) -> bool:
    try:
        sign_in(db_session, config, client, Attempt(email, password, "203.0.113.9", "t"), now=NOW)
    except SignInFailed:
        return False
    return True


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_an_active_account_is_mailed_a_link_that_works_once_for_30_minutes(
    app, db_session, config, business, person, mail_server
):
    ask(db_session, config, business)
    message, token = sent_link(app, db_session, mail_server)
    assert message["To"] == "robin@example.org"
    assert "Harbour Clinic" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "expires in 30 minutes" in text and "works only once" in text
    assert "If you did not ask for this, you need not do anything" in text
    assert f"/c/{business.slug}/reset-password/{token}" in text
    html = message.get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:8000/c/{business.slug}/reset-password/{token}"' in html
    # 256 bits, URL-safe, and only its hash is stored.
    assert len(token) == 43
    link = db_session.scalars(select(PasswordResetLink)).one()
    assert link.token_hash == token_hash(token) and link.user_id == person.id
    assert link.expires_at == NOW + timedelta(minutes=30)


def test_the_queued_email_holds_the_link_id_not_the_token(db_session, config, business, person):
    ask(db_session, config, business)
    queued = db_session.scalars(select(OutboxMessage)).one()
    assert queued.to_user_id == person.id and queued.to_address is None
    assert set(queued.context) == {"link_id", "minutes"}
    token = reset.link_token(config, uuid.UUID(queued.context["link_id"]))
    assert token not in str(queued.context)


@pytest.mark.parametrize("email", ["nobody@example.org", "inactive@example.org", "other@x.org"])
def test_other_addresses_get_no_link_and_no_email(
    db_session, config, business, make_user, make_client, email
):
    make_user(client=business, email="inactive@example.org", is_active=False)
    make_user(client=make_client(), email="other@x.org")  # another client's person
    ask(db_session, config, business, email=email)
    assert count(db_session, PasswordResetLink) == 0
    assert count(db_session, OutboxMessage) == 0


def test_an_unknown_address_runs_the_same_queries_as_a_known_one_but_the_writes(
    app, db_session, config, business, person
):
    def statements_of(email):
        seen: list[str] = []
        engine = db_session.get_bind()
        note = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", note)
        try:
            ask(db_session, config, business, email=email)
        finally:
            event.remove(engine, "before_cursor_execute", note)
        return seen

    statements_of("robin@example.org")  # the first round loads what later rounds reuse
    unknown = statements_of("nobody@example.org")
    known = statements_of("robin@example.org")
    assert [s for s in known if not s.startswith("INSERT")] == unknown
    assert len(known) - len(unknown) == 2  # the link and the e-mail


def test_the_option_off_issues_nothing(db_session, config, make_client, make_user):
    business = make_client()
    make_user(client=business, email="robin@example.org")
    with pytest.raises(NotFound):
        ask(db_session, config, business)
    assert count(db_session, PasswordResetLink) == 0


def test_a_new_link_voids_the_older_unused_one(db_session, config, business, person):
    first = link_of(db_session, config, business)
    second = link_of(db_session, config, business, now=NOW + timedelta(minutes=1))
    with pytest.raises(reset.LinkUnusable) as refused:
        reset.open_link(db_session, business, first, now=NOW + timedelta(minutes=2))
    assert refused.value.gone
    assert reset.open_link(db_session, business, second, now=NOW + timedelta(minutes=2))


def test_a_reset_replaces_the_password_ends_sessions_lifts_the_lock_and_is_audited(
    db_session, config, business, person
):
    old_cookie = sessions.open_session(
        db_session, person, now=NOW, ip_address="203.0.113.7", user_agent="t"
    )
    person.must_change_password = True
    person.failed_attempts, person.locked_at = 5, NOW
    person.locked_until = NOW + timedelta(minutes=15)
    version = person.session_version
    db_session.commit()
    token = link_of(db_session, config, business)

    use(db_session, config, business, token)

    user = db_session.get(User, person.id)
    db_session.refresh(user)
    assert user.session_version == version + 1
    assert not user.must_change_password
    assert user.failed_attempts == 0 and user.locked_at is None and user.locked_until is None
    ended = db_session.scalars(select(UserSession.ended_at)).all()
    assert ended and all(at is not None for at in ended)
    assert old_cookie
    assert signs_in(db_session, config, business, "robin@example.org", NEW)
    assert not signs_in(db_session, config, business, "robin@example.org", DEFAULT_PASSWORD)
    event_row = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    ).one()
    assert event_row.object_id == str(person.id) and event_row.fields == []
    assert event_row.actor_id == person.id and event_row.client_id == business.id


def test_a_link_works_only_once(db_session, config, business, person):
    token = link_of(db_session, config, business)
    use(db_session, config, business, token)
    with pytest.raises(reset.LinkUnusable) as refused:
        use(db_session, config, business, token, new="another fresh passphrase here")
    assert refused.value.gone
    assert signs_in(db_session, config, business, "robin@example.org", NEW)


def test_a_link_opened_in_time_is_refused_once_it_expired_on_submit(
    db_session, config, business, person
):
    token = link_of(db_session, config, business)
    link_id = reset.open_link(db_session, business, token, now=NOW + timedelta(minutes=29))
    with pytest.raises(reset.LinkUnusable):
        reset.reset_password(
            db_session, config, business, link_id, NEW, NEW, now=NOW + timedelta(minutes=30)
        )
    assert signs_in(db_session, config, business, "robin@example.org", DEFAULT_PASSWORD)


def test_a_link_expires_after_30_minutes(db_session, config, business, person):
    token = link_of(db_session, config, business)
    assert reset.open_link(db_session, business, token, now=NOW + timedelta(seconds=1799))
    with pytest.raises(reset.LinkUnusable) as refused:
        reset.open_link(db_session, business, token, now=NOW + timedelta(minutes=30))
    assert refused.value.gone


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("short", "at least 12 characters"),
        ("leavemealone", "most common"),
        (DEFAULT_PASSWORD, "current password"),
    ],
)
def test_a_weak_or_reused_password_is_refused_and_the_link_stays_usable(
    db_session, config, business, person, new, reason
):
    token = link_of(db_session, config, business)
    with pytest.raises(PasswordRefused) as refused:
        use(db_session, config, business, token, new=new)
    assert refused.value.field == "new" and reason in " ".join(refused.value.problems)
    assert db_session.scalars(select(PasswordResetLink.used_at)).one() is None
    use(db_session, config, business, token)
    assert signs_in(db_session, config, business, "robin@example.org", NEW)


def test_differing_confirmation_is_refused(db_session, config, business, person):
    token = link_of(db_session, config, business)
    with pytest.raises(PasswordRefused) as refused:
        use(db_session, config, business, token, confirm=NEW + "!")
    assert refused.value.field == "confirm"


def test_a_link_is_refused_under_another_clients_slug(
    db_session, config, business, person, make_client
):
    token = link_of(db_session, config, business)
    elsewhere = make_client()
    db_session.add(SecurityPolicyRow(client_id=elsewhere.id, self_service_reset=True))
    db_session.commit()
    with pytest.raises(reset.LinkUnusable) as refused:
        reset.open_link(db_session, elsewhere, token, now=NOW)
    assert not refused.value.gone
    link_id = db_session.scalars(select(PasswordResetLink.id)).one()
    with pytest.raises(reset.LinkUnusable):
        reset.reset_password(db_session, config, elsewhere, link_id, NEW, NEW, now=NOW)
    assert signs_in(db_session, config, business, "robin@example.org", DEFAULT_PASSWORD)


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 5000])
def test_unknown_tokens_are_refused(db_session, business, token):
    with pytest.raises(reset.LinkUnusable) as refused:
        reset.open_link(db_session, business, token, now=NOW)
    assert not refused.value.gone


def test_a_deactivated_persons_link_stops_working(db_session, config, business, person):
    token = link_of(db_session, config, business)
    person.is_active = False
    db_session.commit()
    with pytest.raises(reset.LinkUnusable):
        reset.open_link(db_session, business, token, now=NOW)


def test_turning_the_option_off_stops_issued_links(db_session, config, business, person):
    token = link_of(db_session, config, business)
    db_session.get(SecurityPolicyRow, business.id).self_service_reset = False
    db_session.commit()
    with pytest.raises(NotFound):
        reset.open_link(db_session, business, token, now=NOW)


def test_erasing_a_customer_removes_their_links(db_session, config, business, person, make_user):
    link_of(db_session, config, business)
    admin = make_user(client=business, role=Role.CLIENT_ADMIN)
    scope = Scope(business.id, customer_id=person.id)
    request = erasure.request_erasure(db_session, scope, actor=person, now=NOW)
    erasure.approve(db_session, Scope(business.id), request.id, actor=admin, now=NOW)
    assert count(db_session, PasswordResetLink) == 0
