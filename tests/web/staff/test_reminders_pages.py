"""The Reminders settings page, the undelivered-mail page with its retry button, and a
customer's own reminder choices."""

from __future__ import annotations

from datetime import timedelta

from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder, ReminderPreference, ReminderSettings
from app.services.reminders_settings import service_leads
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import csrf_token, post, sign_in, text

PAGE = "/staff/reminders"
FAILURES = "/staff/mail-failures"


def test_the_page_shows_the_default_lead_times(client, team):
    sign_in(client, team.admin)
    page = text(client.get(PAGE))
    assert 'value="24h, 2h"' in page
    assert "E-mail is not a private channel" in page


def test_an_admin_saves_lead_times_and_detail(client, team, db_session):
    sign_in(client, team.admin)
    response = post(client, PAGE, {"leads": "48h, 90m", "include_staff": "y"})
    assert response.status_code == 303
    fresh(db_session)
    row = db_session.get(ReminderSettings, team.client.id)
    assert (row.lead_minutes, row.include_staff, row.include_schedule) == ("2880,90", True, False)


def test_lead_times_that_make_no_sense_are_refused_and_nothing_is_saved(client, team, db_session):
    sign_in(client, team.admin)
    for bad in ("soon", "24h, 2h, 1h, 30m", "5m", "400h"):
        response = post(client, PAGE, {"leads": bad})
        assert response.status_code == 400
        assert 'class="field-error"' in text(response)
    fresh(db_session)
    assert db_session.get(ReminderSettings, team.client.id) is None


def test_a_service_gets_its_own_lead_times_and_can_go_back(client, team, db_session):
    sign_in(client, team.admin)
    path = f"/staff/reminders/services/{team.service.id}"
    field = f"{team.service.id}-leads"
    assert post(client, path, {field: "3h"}).status_code == 303
    fresh(db_session)
    assert service_leads(db_session, team.service.id) == (180,)
    assert post(client, path, {field: ""}).status_code == 303
    fresh(db_session)
    assert service_leads(db_session, team.service.id) is None


def test_another_clients_service_answers_404(client, team, make_service):
    other = make_service()
    sign_in(client, team.admin)
    response = post(client, f"/staff/reminders/services/{other.id}", {f"{other.id}-leads": "3h"})
    assert response.status_code == 404


def test_staff_who_are_not_admins_may_not_use_these_pages(client, team):
    sign_in(client, team.staff)
    for path in (PAGE, FAILURES):
        assert client.get(path).status_code == 403


def failed_reminder(db_session, team, make_appointment):
    appointment = make_appointment(
        schedule=team.schedule, service=team.service, customer=team.customer
    )
    row = Reminder(
        client_id=team.client.id,
        appointment_id=appointment.id,
        lead_minutes=120,
        for_start_at=appointment.start_at,
        due_at=appointment.start_at - timedelta(hours=2),
        status=DeliveryStatus.FAILED,
        attempts=5,
        last_error="SMTP 550",
    )
    db_session.add(row)
    db_session.commit()
    return row


def test_a_failed_reminder_is_listed_with_its_reason_and_can_be_sent_again(
    client, team, db_session, make_appointment
):
    row = failed_reminder(db_session, team, make_appointment)
    sign_in(client, team.admin)
    page = text(client.get(FAILURES))
    assert "Reminder 2 h before" in page
    assert "SMTP 550" in page
    assert team.customer.email not in page

    response = post(client, f"/staff/mail-failures/reminder/{row.id}/retry")
    assert response.status_code == 303
    fresh(db_session)
    again = db_session.get(Reminder, row.id)
    assert (again.status, again.attempts) == (DeliveryStatus.PENDING, 0)


def test_another_clients_failure_answers_404(
    client, team, db_session, make_appointment, make_client, make_user, make_service, make_schedule
):
    from tests.web.staff.helpers import make_team

    other_team = make_team(make_client, make_user, make_service, make_schedule)
    row = failed_reminder(db_session, other_team, make_appointment)
    sign_in(client, team.admin)
    assert "SMTP 550" not in text(client.get(FAILURES))
    response = post(client, f"/staff/mail-failures/reminder/{row.id}/retry")
    assert response.status_code == 404
    fresh(db_session)
    assert db_session.get(Reminder, row.id).status is DeliveryStatus.FAILED


def test_a_customer_turns_email_reminders_off(client, team, db_session):
    sign_in(client, team.customer)
    path = f"/c/{team.client.slug}/account/reminders"
    page = text(client.get(path))
    assert "E-mail me reminders" in page
    token = csrf_token(client, path)
    response = client.post(path, data={"text": "y", "csrf_token": token})
    assert response.status_code == 303
    fresh(db_session)
    saved = db_session.get(ReminderPreference, team.customer.id)
    assert (saved.email_opt_out, saved.text_opt_out) == (True, False)


def test_a_customer_cannot_open_another_clients_reminders_page(client, team, make_client):
    other = make_client()
    sign_in(client, team.customer)
    response = client.get(f"/c/{other.slug}/account/reminders")
    assert response.status_code in (302, 401)
