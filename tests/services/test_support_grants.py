"""Support grants: limits, revocation, emergency access and the e-mail it sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.errors import AccessDenied, NotFound
from app.mail.messages import render
from app.models import AuditEvent, OutboxMessage, Role, SupportGrant
from app.scope import Scope
from app.services import support_grants
from app.services.field_errors import InvalidField
from tests.services.staff_setup import fresh

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def app_context(app):
    """Audit events are chained with the application's key."""
    with app.app_context():
        yield


@pytest.fixture
def office(make_client, make_user):
    client = make_client()
    return {
        "client": client,
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "admin2": make_user(client=client, role=Role.CLIENT_ADMIN),
        "staff": make_user(client=client, role=Role.STAFF),
        "support": make_user(role=Role.SUPPORT),
        "platform_admin": make_user(role=Role.PLATFORM_ADMIN),
        "scope": Scope(client.id),
    }


def grant(db_session, office, hours=24, reason="Customer cannot book"):
    return support_grants.grant_support(
        db_session, office["scope"], actor=office["admin"], reason=reason, hours=hours, now=NOW
    )


@pytest.mark.parametrize("hours", [0, -1, 73, 1000, None])
def test_a_grant_longer_than_72_hours_or_shorter_than_one_is_refused(db_session, office, hours):
    with pytest.raises(InvalidField) as refused:
        grant(db_session, office, hours=hours)
    assert refused.value.field == "duration"
    fresh(db_session)
    assert db_session.scalars(select(SupportGrant)).all() == []


def test_a_grant_needs_a_reason(db_session, office):
    with pytest.raises(InvalidField):
        grant(db_session, office, reason="   ")


def test_only_the_clients_administrators_grant(db_session, office):
    with pytest.raises(AccessDenied):
        support_grants.grant_support(
            db_session, office["scope"], actor=office["staff"], reason="x", hours=1, now=NOW
        )


def test_a_grant_lets_support_in_until_it_expires(db_session, office):
    made = grant(db_session, office, hours=72)
    support, client_id = office["support"], office["client"].id
    assert support_grants.active_grant(db_session, support, client_id, now=NOW).id == made.id
    last_moment = NOW + timedelta(hours=72) - timedelta(seconds=1)
    assert support_grants.active_grant(db_session, support, client_id, now=last_moment)
    with pytest.raises(NotFound):
        support_grants.active_grant(db_session, support, client_id, now=NOW + timedelta(hours=72))


def test_a_revoked_grant_no_longer_lets_support_in(db_session, office):
    made = grant(db_session, office)
    support_grants.revoke(db_session, office["scope"], made.id, actor=office["admin"], now=NOW)
    with pytest.raises(NotFound):
        support_grants.active_grant(db_session, office["support"], office["client"].id, now=NOW)
    actions = [e.action for e in db_session.scalars(select(AuditEvent))]
    assert actions.count("support.grant") == 1 and actions.count("support.revoke") == 1


def test_another_clients_grant_cannot_be_revoked(db_session, office, make_user):
    made = grant(db_session, office)
    stranger = make_user(role=Role.CLIENT_ADMIN)
    with pytest.raises(NotFound):
        support_grants.revoke(
            db_session, Scope(stranger.client_id), made.id, actor=stranger, now=NOW
        )
    assert made.revoked_at is None


def test_client_users_never_use_a_grant(db_session, office):
    grant(db_session, office)
    with pytest.raises(NotFound):
        support_grants.active_grant(db_session, office["staff"], office["client"].id, now=NOW)


def open_emergency(db_session, office, minutes=30, actor=None):
    return support_grants.open_emergency(
        db_session,
        actor=actor or office["platform_admin"],
        client_id=office["client"].id,
        reason="Bookings failing for everyone",
        minutes=minutes,
        now=NOW,
    )


@pytest.mark.parametrize("minutes", [61, 120, 0, None])
def test_emergency_access_over_60_minutes_is_refused_and_nobody_is_told(
    db_session, office, minutes
):
    with pytest.raises(InvalidField):
        open_emergency(db_session, office, minutes=minutes)
    fresh(db_session)
    assert db_session.scalars(select(SupportGrant)).all() == []
    assert db_session.scalars(select(OutboxMessage)).all() == []


def test_only_platform_administrators_open_emergency_access(db_session, office):
    with pytest.raises(AccessDenied):
        open_emergency(db_session, office, actor=office["support"])


def test_emergency_access_emails_every_admin_of_the_client_and_is_flagged(db_session, office):
    made = open_emergency(db_session, office, minutes=60)
    fresh(db_session)
    mails = db_session.scalars(select(OutboxMessage)).all()
    assert {m.to_user_id for m in mails} == {office["admin"].id, office["admin2"].id}
    assert {m.template for m in mails} == {"support_emergency"}
    assert {m.client_id for m in mails} == {office["client"].id}
    (event,) = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "support.emergency")
    )
    assert event.flagged and event.client_id == office["client"].id
    assert made.expires_at - made.starts_at == timedelta(minutes=60)


def test_an_emergency_grant_serves_only_its_opener(db_session, office):
    open_emergency(db_session, office)
    opener, client_id = office["platform_admin"], office["client"].id
    assert support_grants.active_grant(db_session, opener, client_id, now=NOW).is_emergency
    with pytest.raises(NotFound):
        support_grants.active_grant(db_session, office["support"], client_id, now=NOW)


def test_the_clients_own_grant_is_preferred_to_an_emergency_one(db_session, office):
    open_emergency(db_session, office)
    grant(db_session, office)
    opener = office["platform_admin"]
    found = support_grants.active_grant(db_session, opener, office["client"].id, now=NOW)
    assert not found.is_emergency


def test_the_client_page_lists_active_and_past_grants(db_session, office):
    ended = grant(db_session, office, reason="Old ticket")
    support_grants.revoke(db_session, office["scope"], ended.id, actor=office["admin"], now=NOW)
    grant(db_session, office, reason="New ticket")
    listed = support_grants.client_grants(
        db_session, office["scope"], actor=office["admin"], now=NOW
    )
    assert [g.reason for g in listed.active] == ["New ticket"]
    assert [g.reason for g in listed.past] == ["Old ticket"]


def test_the_emergency_email_names_the_business_reason_and_end(db_session, office):
    open_emergency(db_session, office, minutes=45)
    fresh(db_session)
    mail = db_session.scalars(select(OutboxMessage)).first()
    rendered = render(mail.template, mail.context)
    assert rendered.subject == f"Emergency support access to {office['client'].name}"
    assert "Bookings failing for everyone" in rendered.text
    assert "01 March 2031 12:45 Europe/London" in rendered.text
    assert "/staff/support-access" in rendered.html
