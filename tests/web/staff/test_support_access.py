"""The "Support access" page: administrators grant (at most 72 h), list and revoke."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Role, SupportGrant
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import NOW, post, sign_in, text


def grants(db_session):
    fresh(db_session)
    return list(db_session.scalars(select(SupportGrant)))


def test_an_admin_grants_support_access_and_sees_it_listed(client, db_session, team):
    sign_in(client, team.admin)
    response = post(client, "/staff/support-access", {"reason": "Ticket 1234", "duration": "48"})
    assert response.status_code == 302
    (row,) = grants(db_session)
    assert row.reason == "Ticket 1234"
    assert (row.starts_at, (row.expires_at - row.starts_at).total_seconds()) == (NOW, 48 * 3600)
    assert "Ticket 1234" in text(client.get("/staff/support-access"))


def test_more_than_72_hours_or_no_reason_is_refused_and_nothing_is_granted(
    client, db_session, team
):
    sign_in(client, team.admin)
    for data in (
        {"reason": "Ticket", "duration": "73"},
        {"reason": "Ticket", "duration": "0"},
        {"reason": "Ticket", "duration": "a day"},
        {"reason": "", "duration": "24"},
    ):
        response = post(client, "/staff/support-access", data)
        assert response.status_code == 400, data
    assert "From 1 to 72 hours" in text(response) or "Say why" in text(response)
    assert grants(db_session) == []


def test_an_admin_revokes_a_grant_at_once(client, db_session, team):
    sign_in(client, team.admin)
    post(client, "/staff/support-access", {"reason": "Ticket", "duration": "24"})
    (row,) = grants(db_session)
    response = post(client, "/staff/support-access/revoke", {"grant": str(row.id)})
    assert response.status_code == 302
    (row,) = grants(db_session)
    assert row.revoked_at is not None
    page = text(client.get("/staff/support-access"))
    assert "Support has no access now." in page and "Revoked" in page


def test_staff_cannot_grant_or_revoke(client, team):
    sign_in(client, team.staff)
    assert client.get("/staff/support-access").status_code == 403
    assert post(client, "/staff/support-access/revoke", {"grant": "x"}).status_code == 403


def test_another_clients_grant_answers_404(client, db_session, team, make_client, make_user):
    other = make_client()
    other_admin = make_user(client=other, role=Role.CLIENT_ADMIN)
    row = SupportGrant(
        client_id=other.id,
        kind="client",
        reason="Theirs",
        granted_by_id=other_admin.id,
        starts_at=NOW,
        expires_at=NOW.replace(year=2032),
    )
    db_session.add(row)
    db_session.commit()
    sign_in(client, team.admin)
    assert post(client, "/staff/support-access/revoke", {"grant": str(row.id)}).status_code == 404
    assert grants(db_session)[0].revoked_at is None
