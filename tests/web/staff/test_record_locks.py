"""A locked record, opened by an unnamed admin or staff member, shows nothing and is audited."""

from __future__ import annotations

import re

import icalendar
import pytest
from sqlalchemy import select

from app.models import AuditEvent, RecordLock, Role
from scheduling.ical import Privacy
from tests.services.staff_setup import fresh
from tests.web.forms import submit
from tests.web.staff.helpers import MONDAY, make_team, post, sign_in, text


@pytest.fixture
def locked(db_session, team, make_user, make_appointment):
    """Cara's record, locked by the admin to the admin and one therapist."""
    therapist = make_user(client=team.client, role=Role.STAFF, display_name="Theo Therapist")
    other_admin = make_user(client=team.client, role=Role.CLIENT_ADMIN, display_name="Olga")
    appointment = make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=MONDAY.replace(hour=10),
        notes="Private note",
    )
    return {"therapist": therapist, "other_admin": other_admin, "appointment": appointment}


def lock(client, team, member_ids):
    sign_in(client, team.admin)
    path = f"/staff/customers/{team.customer.id}/lock"
    response = post(client, path, {"members": [str(i) for i in member_ids]}, follow_redirects=True)
    assert response.status_code == 200
    return response


def denials(db_session):
    fresh(db_session)
    stmt = select(AuditEvent).where(AuditEvent.action == "record_lock.denied")
    return list(db_session.scalars(stmt))


@pytest.mark.parametrize("who", ["staff", "other_admin"])
def test_an_unnamed_person_sees_only_that_a_locked_record_exists(
    app, db_session, team, locked, who
):
    lock(app.test_client(), team, [team.admin.id, locked["therapist"].id])
    client = app.test_client()
    sign_in(client, team.staff if who == "staff" else locked["other_admin"])
    customers = text(client.get("/staff/customers"))
    assert "Locked record" in customers and "Cara Customer" not in customers
    agenda = text(client.get("/staff/agenda?date=2031-03-03"))
    assert "Locked record" in agenda and "Cara Customer" not in agenda

    for page in (
        f"/staff/customers/{team.customer.id}",
        f"/staff/appointments/{locked['appointment'].id}",
    ):
        response = client.get(page)
        assert response.status_code == 403, page
        body = text(response)
        assert "Locked record" in body
        for private in ("Cara Customer", team.customer.email, "Private note"):
            assert private not in body
    found = denials(db_session)
    assert {(e.object_type, e.client_id) for e in found} == {
        ("customer", team.client.id),
        ("appointment", team.client.id),
    }


def test_an_unnamed_person_cannot_act_on_a_locked_appointment(app, db_session, team, locked):
    lock(app.test_client(), team, [team.admin.id])
    client = app.test_client()
    sign_in(client, team.staff)
    path = f"/staff/appointments/{locked['appointment'].id}/cancel"
    assert post(client, path, {"cancel_reason": "x"}).status_code == 403
    fresh(db_session)
    assert db_session.get(type(locked["appointment"]), locked["appointment"].id).status.value == (
        "confirmed"
    )


def test_named_people_still_open_the_record(app, db_session, team, locked):
    lock(app.test_client(), team, [team.admin.id, locked["therapist"].id])
    client = app.test_client()
    sign_in(client, locked["therapist"])
    page = client.get(f"/staff/customers/{team.customer.id}")
    assert page.status_code == 200
    assert "Cara Customer" in text(page)
    appointment = client.get(f"/staff/appointments/{locked['appointment'].id}")
    assert "Private note" in text(appointment)
    assert denials(db_session) == []


def test_lifting_a_lock_opens_the_record_again(app, db_session, team, locked):
    lock(app.test_client(), team, [team.admin.id])
    client = app.test_client()
    sign_in(client, team.admin)
    assert "Cara Customer" in text(client.get("/staff/record-locks"))
    response = post(client, f"/staff/customers/{team.customer.id}/unlock")
    assert response.status_code == 302
    fresh(db_session)
    assert db_session.scalars(select(RecordLock)).all() == []


def test_only_administrators_manage_locks(client, team, locked):
    sign_in(client, team.staff)
    assert client.get("/staff/record-locks").status_code == 403
    assert client.get(f"/staff/customers/{team.customer.id}/lock").status_code == 403


def test_a_lock_must_name_someone(client, db_session, team, locked):
    sign_in(client, team.admin)
    response = post(client, f"/staff/customers/{team.customer.id}/lock", {})
    assert response.status_code == 400
    fresh(db_session)
    assert db_session.scalars(select(RecordLock)).all() == []


def test_a_calendar_feed_of_an_unnamed_person_shows_a_locked_record_only(
    app, db_session, team, locked
):
    team.client.feed_privacy = Privacy.FULL_DETAILS
    db_session.commit()
    browser = app.test_client()
    sign_in(browser, team.staff)
    page = submit(browser, "/account/calendar-feeds", {"name": "Phone", "schedule": ""})
    (path,) = set(re.findall(r"(/feeds/[A-Za-z0-9_-]+\.ics)", text(page)))
    calendar = app.test_client()
    (event,) = icalendar.Calendar.from_ical(calendar.get(path).data).walk("VEVENT")
    assert "Cara Customer" in str(event["SUMMARY"])

    lock(app.test_client(), team, [team.admin.id])
    body = calendar.get(path).get_data(as_text=True)
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Locked record"
    assert "Cara" not in body


def test_an_unnamed_admin_cannot_read_a_locked_customers_account_page(
    app, db_session, team, locked
):
    lock(app.test_client(), team, [team.admin.id])
    client = app.test_client()
    sign_in(client, locked["other_admin"])
    response = client.get(f"/staff/security/accounts/{team.customer.id}")
    assert response.status_code == 403
    assert team.customer.email not in text(response)
    assert [e.object_type for e in denials(db_session)] == ["customer"]


def test_another_clients_customer_cannot_be_locked_or_unlocked(
    client, db_session, team, make_client, make_user, make_service, make_schedule
):
    other = make_team(make_client, make_user, make_service, make_schedule)
    sign_in(client, team.admin)
    path = f"/staff/customers/{other.customer.id}/lock"
    assert client.get(path).status_code == 404
    assert post(client, path, {"members": [str(team.admin.id)]}).status_code == 404
    assert post(client, f"/staff/customers/{other.customer.id}/unlock").status_code == 404
    fresh(db_session)
    assert db_session.scalars(select(RecordLock)).all() == []


def test_the_login_log_and_locked_accounts_do_not_name_a_locked_customer(
    app, db_session, team, locked
):
    lock(app.test_client(), team, [team.admin.id, locked["therapist"].id])
    customer = team.customer
    wrong = {"email": customer.email, "password": "not the password at all"}
    for _ in range(2):
        submit(app.test_client(), f"/c/{team.client.slug}/signin", wrong)
    customer.locked_at, customer.locked_until = MONDAY, None  # until an admin unlocks
    db_session.commit()
    client = app.test_client()
    sign_in(client, locked["other_admin"])

    pages = [
        text(client.get("/staff/security/log")),
        client.get("/staff/security/log.csv").get_data(as_text=True),
        text(client.get("/staff/security/locked")),
    ]
    for page in pages:
        assert "Locked record" in page
        assert "Cara Customer" not in page and customer.email not in page

    listed = app.test_client()
    sign_in(listed, team.admin)
    assert "Cara Customer" in text(listed.get("/staff/security/locked"))
