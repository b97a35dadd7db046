"""Access history: administrators read who opened and changed what; openings are recorded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.db import get_db
from app.models import AuditEvent
from app.services import audit
from tests.web.staff.helpers import MONDAY, NOW, make_team, sign_in, text

HISTORY, CSV = "/staff/access-history", "/staff/access-history.csv"


def add_event(app, db_session, monkeypatch, client, action, *, at=NOW, actor=None, **values):
    """One audit event of `client` recorded at `at` (UTC)."""
    monkeypatch.setattr("app.services.audit.utcnow", lambda: at)
    with app.app_context():
        audit.record(
            db_session,
            action=action,
            client_id=client.id,
            actor_id=actor.id if actor else None,
            actor_role=actor.role.value if actor else None,
            **values,
        )
        db_session.commit()
    monkeypatch.undo()


def events(db_session, client, action):
    db_session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.client_id == client.id, AuditEvent.action == action)
    return db_session.scalars(stmt).all()


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_opening_a_customer_is_recorded_and_shown_on_their_page(client, db_session, team):
    sign_in(client, team.staff)
    # The list of customers leads to the record in the staff view.
    assert f"/staff/customers/{team.customer.id}" in text(client.get("/staff/customers"))
    first = client.get(f"/staff/customers/{team.customer.id}")
    assert first.status_code == 200
    page = text(client.get(f"/staff/customers/{team.customer.id}"))
    assert "Who opened this record" in page
    assert page.count("Sol Staff") == 2  # both openings, by name
    [one, two] = events(db_session, team.client, "customer.view")
    assert {one.object_id, two.object_id} == {str(team.customer.id)}
    assert (one.actor_id, one.actor_role) == (team.staff.id, "staff")
    assert one.ip_address == "127.0.0.1"


def test_opening_an_appointment_is_recorded(client, db_session, team, make_appointment):
    appointment = make_appointment(schedule=team.schedule, customer=team.customer, start_at=MONDAY)
    sign_in(client, team.staff)
    assert client.get(f"/staff/appointments/{appointment.id}").status_code == 200
    [event] = events(db_session, team.client, "appointment.view")
    assert (event.object_type, event.object_id) == ("appointment", str(appointment.id))


def test_the_page_for_moving_an_appointment_counts_as_opening_it(
    client, db_session, team, make_appointment
):
    appointment = make_appointment(schedule=team.schedule, customer=team.customer, start_at=MONDAY)
    sign_in(client, team.staff)
    assert client.get(f"/staff/appointments/{appointment.id}/reschedule").status_code == 200
    [event] = events(db_session, team.client, "appointment.view")
    assert event.object_id == str(appointment.id)


def test_a_record_outside_the_client_is_not_found_and_not_recorded(
    client, db_session, team, make_client, make_user
):
    stranger = make_user(client=make_client())
    sign_in(client, team.staff)
    assert client.get(f"/staff/customers/{stranger.id}").status_code == 404
    assert events(db_session, team.client, "customer.view") == []


def test_administrators_read_their_clients_history_by_name_newest_first(
    app, client, db_session, team, monkeypatch, make_client, make_user
):
    other = make_client()
    add_event(app, db_session, monkeypatch, other, "customer.view", actor=make_user(client=other))
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "settings.change",
        actor=team.admin,
        fields=["min_length"],
        object_type="security_policy",
        at=NOW - timedelta(hours=2),
    )
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "customer.view",
        actor=team.staff,
        object_type="customer",
        object_id=team.customer.id,
        at=NOW - timedelta(hours=1),
        flagged=True,
    )
    sign_in(client, team.admin)
    page = text(client.get(HISTORY))
    assert page.index("Opened a customer&#39;s record") < page.index("Changed settings")
    assert "Sol Staff" in page and "min_length" in page and "Emergency access" in page
    assert page.count("Opened a customer&#39;s record</td>") == 1  # not the other client's
    assert "Signed in" in page  # the administrator's own sign-in is on record too


def test_staff_who_are_not_administrators_are_refused(client, team):
    sign_in(client, team.staff)
    assert client.get(HISTORY).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_navigation_links_the_history_for_administrators(client, team):
    sign_in(client, team.admin)
    assert f'href="{HISTORY}"' in text(client.get("/staff/agenda"))


def test_the_history_narrows_by_person_customer_record_action_and_dates(
    app, client, db_session, team, monkeypatch, make_appointment, make_user
):
    appointment = make_appointment(schedule=team.schedule, customer=team.customer, start_at=MONDAY)
    someone_else = make_user(client=team.client, display_name="Bo Other")
    record = {"actor": team.staff, "at": NOW - timedelta(days=5)}
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "customer.view",
        **record,
        object_type="customer",
        object_id=team.customer.id,
    )
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "appointment.cancel",
        actor=team.admin,
        object_type="appointment",
        object_id=appointment.id,
        fields=["status"],
    )
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "customer.view",
        actor=team.admin,
        object_type="customer",
        object_id=someone_else.id,
    )
    sign_in(client, team.admin)

    def count(query: str) -> int:
        response = client.get(f"{HISTORY}?{query}")
        assert response.status_code == 200, query
        return int(text(response).split(" event")[0].rsplit(">", 1)[-1].strip().replace(",", ""))

    assert count(f"user={team.staff.id}") == 1
    assert count(f"customer={team.customer.id}") == 2  # their record and their appointment
    assert count(f"record={appointment.id}") == 1
    assert count(f"record={str(appointment.id).upper()}") == 1
    assert count("action=customer.view") == 2
    day = (NOW - timedelta(days=5)).date().isoformat()
    assert count(f"from={day}&to={day}") == 1


def test_unreadable_filters_are_named_and_ignored(client, team):
    sign_in(client, team.admin)
    response = client.get(f"{HISTORY}?action=DROP%20TABLE&from=yesterday&record=%3Cscript%3E")
    assert response.status_code == 400
    page = text(response)
    assert "Choose an action from the list" in page
    assert "“yesterday” is not a date we can read" in page
    assert "<script>" not in page


def test_a_person_or_customer_of_another_client_is_not_found(client, team, make_client, make_user):
    stranger = make_user(client=make_client())
    sign_in(client, team.admin)
    assert client.get(f"{HISTORY}?user={stranger.id}").status_code == 404
    assert client.get(f"{HISTORY}?customer={stranger.id}").status_code == 404
    assert client.get(f"{HISTORY}?customer=not-an-id").status_code == 404
    assert client.get(f"{CSV}?user={stranger.id}").status_code == 404


def test_the_history_comes_fifty_to_a_page_with_links_that_keep_the_filters(
    app, client, db_session, team, monkeypatch
):
    for minutes in range(51):
        add_event(
            app,
            db_session,
            monkeypatch,
            team.client,
            "appointment.view",
            actor=team.staff,
            at=NOW - timedelta(minutes=minutes),
        )
    sign_in(client, team.admin)
    first = text(client.get(f"{HISTORY}?action=appointment.view"))
    assert first.count("Opened an appointment</td>") == 50 and "Page 1 of 2" in first
    assert f"{HISTORY}?page=2&amp;action=appointment.view" in first
    second = text(client.get(f"{HISTORY}?action=appointment.view&page=2"))
    assert second.count("Opened an appointment</td>") == 1


def test_the_export_lists_the_events_in_utc_and_is_itself_recorded(
    app, client, db_session, team, monkeypatch
):
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "settings.change",
        actor=team.admin,
        object_type="schedule",
        object_id=team.schedule.id,
        fields=["name", "capacity"],
    )
    sign_in(client, team.admin)
    response = client.get(f"{CSV}?action=settings.change")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="access-history.csv"'
    header, *rows = rows_of(response)
    assert header[:3] == ["time_utc", "sequence", "action"]
    [row] = rows
    assert row[0] == NOW.isoformat()
    assert row[2:][:1] == ["settings.change"]
    assert "Ada Admin" in row and "capacity name" in row
    [export] = events(db_session, team.client, "access_history.export")
    assert (export.actor_id, export.fields) == (team.admin.id, ["action"])


def test_downloading_the_login_log_is_recorded(client, db_session, team):
    sign_in(client, team.admin)
    response = client.get("/staff/security/log.csv")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("time_utc")
    [export] = events(db_session, team.client, "login_log.export")
    assert export.actor_id == team.admin.id


@pytest.mark.parametrize("path", [HISTORY, CSV])
def test_anonymous_visitors_are_asked_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code in (302, 401)


def test_the_customers_record_page_lists_support_access_by_name(
    app, client, db_session, monkeypatch, make_client, make_user, make_service, make_schedule
):
    from app.models import Role

    team = make_team(make_client, make_user, make_service, make_schedule)
    helper = make_user(role=Role.SUPPORT, display_name="Pat Support")
    add_event(
        app,
        db_session,
        monkeypatch,
        team.client,
        "customer.view",
        actor=helper,
        object_type="customer",
        object_id=team.customer.id,
        flagged=True,
        at=NOW - timedelta(hours=1),
    )
    sign_in(client, team.admin)
    page = text(client.get(f"/staff/customers/{team.customer.id}"))
    assert "Pat Support" in page and "Platform support" in page and "Emergency access" in page
    assert "Ada Admin" in page


def test_the_address_recorded_is_the_one_a_trusted_proxy_reports(
    app, client, config, db_session, team
):
    behind_proxy = create_app(config.with_overrides(trusted_proxies=1))
    try:
        proxied = behind_proxy.test_client()
        proxied.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
        sign_in(proxied, team.staff)
        assert proxied.get(f"/staff/customers/{team.customer.id}").status_code == 200
    finally:
        get_db(behind_proxy).engine.dispose()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.6"  # no proxy trusted: ignored
    sign_in(client, team.staff)
    assert client.get(f"/staff/customers/{team.customer.id}").status_code == 200
    addresses = [event.ip_address for event in events(db_session, team.client, "customer.view")]
    assert sorted(addresses) == ["127.0.0.1", "203.0.113.5"]
