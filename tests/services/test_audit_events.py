"""The use cases leave the right audit events: who, what, which fields, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from app.errors import InvalidInput
from app.models import AuditEvent, Role
from app.services import catalog, opening_hours, security_settings, staff_accounts
from app.services.catalog import ServiceDetails
from tests.services.staff_setup import make_office
from tests.web.staff.helpers import post, sign_in

NOW = datetime(2031, 2, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def events(db_session, client_id):
    db_session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.client_id == client_id).order_by(AuditEvent.seq)
    return db_session.scalars(stmt).all()


def test_signing_in_and_out_is_recorded_with_the_account_and_address(client, db_session, office):
    sign_in(client, office.staff)
    post(client, "/signout")
    recorded = [
        (e.action, e.actor_id, e.actor_role, e.ip_address)
        for e in events(db_session, office.client.id)
    ]
    assert recorded[0] == ("sign_in", office.staff.id, "staff", "127.0.0.1")
    assert ("sign_out", office.staff.id, "staff", "127.0.0.1") in recorded


def test_a_settings_change_names_only_the_fields_that_changed(db_session, office):
    settings = security_settings.default_settings()
    security_settings.save_settings(db_session, office.scope, settings, actor=office.admin)
    security_settings.save_settings(
        db_session, office.scope, settings | {"min_length": 16}, actor=office.admin
    )
    *_, last = events(db_session, office.client.id)
    assert (last.action, last.object_type, last.fields) == (
        "settings.change",
        "security_policy",
        ["min_length"],
    )
    assert (last.actor_id, last.actor_role) == (office.admin.id, "client_admin")


def test_opening_hours_and_services_changes_name_their_fields(db_session, office, make_schedule):
    schedule = make_schedule(client=office.client, services=[office.service])
    opening_hours.set_weekly_hours(
        db_session, office.scope, schedule.id, {0: [(time(8), time(12))]}, actor=office.admin
    )
    catalog.update_service(
        db_session,
        office.scope,
        office.service.id,
        ServiceDetails(name="Longer consultation", duration_minutes=60),
        actor=office.admin,
    )
    hours, service = events(db_session, office.client.id)
    assert (hours.object_type, hours.object_id, hours.fields) == (
        "schedule",
        str(schedule.id),
        ["weekly_hours"],
    )
    assert service.object_type == "service"
    assert set(service.fields) == {"duration_minutes", "name"}


def test_deactivating_a_member_is_recorded_and_a_refusal_is_not(db_session, office):
    with pytest.raises(InvalidInput):
        staff_accounts.deactivate_member(
            db_session, office.scope, office.admin.id, actor=office.admin
        )
    assert events(db_session, office.client.id) == []
    staff_accounts.deactivate_member(db_session, office.scope, office.staff.id, actor=office.admin)
    [event] = events(db_session, office.client.id)
    assert (event.action, event.object_id, event.actor_id) == (
        "user.deactivate",
        str(office.staff.id),
        office.admin.id,
    )
    assert Role.STAFF.value not in event.fields
