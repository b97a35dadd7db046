"""The Data retention page: both periods, checked against their bounds, audited."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Client, Role
from app.models.audit import AuditEvent
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import post, sign_in, text


def _client(db_session, client_id) -> Client:
    fresh(db_session)
    return db_session.get(Client, client_id)


def test_the_page_shows_the_defaults(client, team) -> None:
    sign_in(client, team.admin)
    page = text(client.get("/staff/data-retention"))
    assert 'value="365"' in page
    assert "kept while the customer&#39;s account is active" in page


def test_saving_valid_periods_stores_and_audits_them(client, team, db_session) -> None:
    sign_in(client, team.admin)

    response = post(
        client, "/staff/data-retention", {"appointment_days": "730", "login_log_days": "90"}
    )

    assert response.status_code == 302
    saved = _client(db_session, team.client.id)
    assert (saved.appointment_retention_days, saved.login_log_retention_days) == (730, 90)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.change")
    ).one()
    assert event.fields == ["appointment_retention_days", "login_log_retention_days"]


def test_one_bad_value_saves_neither(client, team, db_session) -> None:
    sign_in(client, team.admin)

    response = post(
        client, "/staff/data-retention", {"appointment_days": "730", "login_log_days": "5"}
    )

    assert response.status_code == 400
    assert "from 30 to 3650" in text(response)
    saved = _client(db_session, team.client.id)
    assert (saved.appointment_retention_days, saved.login_log_retention_days) == (None, 365)


def test_staff_may_not_change_retention(client, team) -> None:
    assert team.staff.role is Role.STAFF
    sign_in(client, team.staff)
    assert client.get("/staff/data-retention").status_code == 403
