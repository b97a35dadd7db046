"""Support sees a client only under a grant: read-only, masked, audited, never another client."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from app.access import PLATFORM_OWN_ACCOUNT_ENDPOINTS
from app.models import OutboxMessage, RecordLock, SupportGrant, SupportReveal
from tests.services.staff_setup import fresh, snapshot
from tests.web.forms import csrf_token
from tests.web.platform.helpers import events, grant, platform_sign_in
from tests.web.staff.helpers import NOW

PRIVATE = ("Cara Customer", "jane.private@example.com", "7946 0958", "Worried about", "900123")


def pages(world):
    base = f"/platform/clients/{world.team.client.id}"
    return (
        f"{base}/customers",
        f"{base}/customers/{world.team.customer.id}",
        f"{base}/appointments/{world.appointment.id}",
        f"{base}/agenda?date=2031-03-03",
    )


def test_support_sees_nothing_of_a_client_without_a_grant(client, world):
    platform_sign_in(client, world.support)
    for page in pages(world):
        assert client.get(page).status_code == 404, page


def test_with_a_grant_support_sees_masked_pages_without_private_values(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    for page in pages(world):
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.get_data(as_text=True)
        assert not [value for value in PRIVATE if value in text], page
    customer_page = client.get(pages(world)[1]).get_data(as_text=True)
    assert "C. C." in customer_page
    assert "j***@example.com" in customer_page
    assert "*** 58" in customer_page
    assert pages(world)[2] in customer_page  # the appointment, opened in the support view
    customers = client.get(pages(world)[0]).get_data(as_text=True)
    assert pages(world)[1] in customers  # the customer, opened in the support view


def test_every_support_view_is_in_the_clients_access_history(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    for page in pages(world):
        client.get(page)
    seen = events(db_session)
    views = [(e.action, e.object_id) for e in seen if e.actor_role == "support"]
    assert ("customer.view", str(world.team.customer.id)) in views
    assert ("appointment.view", str(world.appointment.id)) in views
    looks = [e for e in seen if e.actor_role == "support" and e.action.endswith((".view", ".list"))]
    assert {e.client_id for e in looks} == {world.team.client.id}
    assert not [e for e in seen if e.flagged]


def test_a_grant_past_its_expiry_answers_404_on_the_next_request(
    client, db_session, world, monkeypatch
):
    grant(db_session, world.team.client, world.team.admin, hours=1)
    platform_sign_in(client, world.support)
    page = pages(world)[1]
    assert client.get(page).status_code == 200
    monkeypatch.setattr("app.web.platform.common.now", lambda: NOW + timedelta(hours=1))
    assert client.get(page).status_code == 404


def test_a_revoked_grant_answers_404_on_the_next_request(client, db_session, world):
    row = grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    page = pages(world)[0]
    assert client.get(page).status_code == 200
    row.revoked_at = NOW
    db_session.commit()
    assert client.get(page).status_code == 404


def test_another_clients_ids_answer_404_even_under_a_grant(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    base = f"/platform/clients/{world.team.client.id}"
    assert client.get(f"{base}/customers/{world.other.customer.id}").status_code == 404
    assert client.get(f"{base}/appointments/{world.other_appointment.id}").status_code == 404
    other = f"/platform/clients/{world.other.client.id}"
    assert client.get(f"{other}/customers").status_code == 404


#: One URL parameter: <name>, <uuid:name> or <any(a, b):name>.
PARAMETER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def fill(rule: str, values: dict) -> str:
    """`rule` with every parameter filled: known records, else a well-formed stranger."""

    def one(match: re.Match) -> str:
        converter, options, name = match.groups()
        if name in values:
            return str(values[name])
        if converter == "any":
            return options.split(",")[0].strip()
        return str(uuid.uuid4())

    return PARAMETER.sub(one, rule)


def test_support_is_refused_every_write_and_nothing_changes(app, client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    token = csrf_token(client, pages(world)[1])
    before = snapshot(db_session)
    values = {
        "appointment_id": world.appointment.id,
        "schedule_id": world.team.schedule.id,
        "customer_id": world.team.customer.id,
        "service_id": world.team.service.id,
        "user_id": world.team.staff.id,
        "client_id": world.team.client.id,
        "slug": world.team.client.slug,
    }
    # Their own account and session only; revealing writes nothing but the audit.
    allowed = PLATFORM_OWN_ACCOUNT_ENDPOINTS | {
        "platform.customer_reveal",
        "platform.appointment_reveal",
        "platform.signin",
        "platform.signin_code",
    }
    tried = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in allowed:
            continue
        path = fill(rule.rule, values)
        data = {"csrf_token": token, "reason": "x", "decline_reason": "x", "cancel_reason": "x"}
        response = client.post(path, data=data, headers={"X-CSRFToken": token})
        tried.append((rule.endpoint, response.status_code))
    assert len(tried) > 30
    assert [t for t in tried if t[1] != 403] == []
    assert snapshot(db_session) == before


def test_revealing_a_field_needs_a_reason_and_is_audited_by_name_only(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    page = pages(world)[1]
    token = csrf_token(client, page)
    refused = client.post(f"{page}/reveal", data={"csrf_token": token, "field": "email"})
    assert refused.status_code == 400
    assert "jane.private@example.com" not in refused.get_data(as_text=True)
    assert events(db_session, "support.reveal") == []

    shown = client.post(
        f"{page}/reveal",
        data={"csrf_token": token, "field": "email", "reason": "Confirming the address"},
    )
    assert shown.status_code == 200
    assert "jane.private@example.com" in shown.get_data(as_text=True)
    (event,) = events(db_session, "support.reveal")
    assert event.fields == ["email"]
    assert event.object_id == str(world.team.customer.id)
    assert event.actor_role == "support"
    fresh(db_session)
    (reveal,) = db_session.scalars(select(SupportReveal)).all()
    assert (reveal.field, reveal.reason) == ("email", "Confirming the address")
    # The next look is masked again.
    assert "jane.private@example.com" not in client.get(page).get_data(as_text=True)


def test_appointment_notes_are_hidden_until_revealed(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    page = pages(world)[2]
    assert "(hidden)" in client.get(page).get_data(as_text=True)
    token = csrf_token(client, page)
    shown = client.post(
        f"{page}/reveal", data={"csrf_token": token, "field": "notes", "reason": "Ticket 42"}
    )
    assert "Worried about the test results" in shown.get_data(as_text=True)
    assert events(db_session, "support.reveal")[0].fields == ["notes"]


def test_platform_home_lists_the_grants_in_force(client, db_session, world):
    grant(db_session, world.team.client, world.team.admin, reason="Help with reminders")
    platform_sign_in(client, world.support)
    home = client.get("/platform").get_data(as_text=True)
    assert world.team.client.name in home
    assert world.other.client.name not in home


def test_an_emergency_grant_serves_only_the_admin_who_opened_it(client, db_session, world):
    fresh(db_session)
    assert db_session.scalars(select(SupportGrant)).all() == []
    platform_sign_in(client, world.platform_admin)
    page = "/platform/emergency"
    token = csrf_token(client, page)
    response = client.post(
        page,
        data={
            "csrf_token": token,
            "client": str(world.team.client.id),
            "reason": "Data corruption",
            "minutes": "30",
        },
    )
    assert response.status_code == 302
    assert client.get(pages(world)[1]).status_code == 200
    flagged = [e.action for e in events(db_session) if e.flagged]
    assert "support.emergency" in flagged and "customer.view" in flagged

    other = client.application.test_client()
    platform_sign_in(other, world.support)
    assert other.get(pages(world)[1]).status_code == 404


def test_support_is_refused_every_staff_page_and_export(app, client, db_session, world):
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    values = {"customer_id": world.team.customer.id, "appointment_id": world.appointment.id}
    refused = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "GET" in rule.methods:
            refused.append(client.get(fill(rule.rule, values)).status_code)
    assert len(refused) > 20
    assert set(refused) == {403}
    assert client.get("/staff/security/log.csv").status_code == 403


def test_a_locked_record_shows_support_nothing_and_the_attempt_is_audited(
    client, db_session, world
):
    lock = RecordLock(client_id=world.team.client.id, customer_id=world.team.customer.id)
    lock.members = [world.team.admin]
    db_session.add(lock)
    db_session.commit()
    grant(db_session, world.team.client, world.team.admin)
    platform_sign_in(client, world.support)
    listed = client.get(pages(world)[0]).get_data(as_text=True)
    assert "Locked record" in listed and "C. C." not in listed
    for page in pages(world)[1:3]:
        response = client.get(page)
        assert response.status_code == 403
        assert not [v for v in (*PRIVATE, "C. C.") if v in response.get_data(as_text=True)]
    denied = events(db_session, "record_lock.denied")
    assert [(e.object_type, e.actor_role) for e in denied] == [
        ("customer", "support"),
        ("appointment", "support"),
    ]
    token = csrf_token(client, pages(world)[0])
    reveal = client.post(
        f"{pages(world)[1]}/reveal", data={"csrf_token": token, "field": "email", "reason": "x"}
    )
    assert reveal.status_code == 403
    assert world.team.customer.email not in reveal.get_data(as_text=True)
    assert events(db_session, "support.reveal") == []


def test_emergency_access_over_an_hour_or_without_a_reason_is_refused(client, db_session, world):
    platform_sign_in(client, world.platform_admin)
    page = "/platform/emergency"
    token = csrf_token(client, page)
    for minutes, reason in (("61", "Outage"), ("0", "Outage"), ("30", ""), ("an hour", "x")):
        data = {
            "csrf_token": token,
            "client": str(world.team.client.id),
            "reason": reason,
            "minutes": minutes,
        }
        assert client.post(page, data=data).status_code == 400, (minutes, reason)
    fresh(db_session)
    assert db_session.scalars(select(SupportGrant)).all() == []
    assert db_session.scalars(select(OutboxMessage)).all() == []
    assert client.get(pages(world)[0]).status_code == 404


def test_opening_emergency_access_queues_an_email_to_each_client_admin(client, db_session, world):
    platform_sign_in(client, world.platform_admin)
    page = "/platform/emergency"
    data = {
        "csrf_token": csrf_token(client, page),
        "client": str(world.team.client.id),
        "reason": "Reminders stuck",
        "minutes": "60",
    }
    assert client.post(page, data=data).status_code == 302
    fresh(db_session)
    (mail,) = db_session.scalars(select(OutboxMessage)).all()
    assert (mail.to_user_id, mail.template) == (world.team.admin.id, "support_emergency")
    assert mail.context["reason"] == "Reminders stuck"
