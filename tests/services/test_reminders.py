"""Reminders: planned with the appointment, sent once at their moment, never for a time
that no longer holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.models.delivery import DeliveryStatus
from app.services import delivery_claims
from app.services.reminders_settings import save_preference, save_service_leads
from tests.mail_server import free_port, running_mail_server, with_mail_server
from tests.services.reminders_setup import (
    BOOKED_AT,
    START,
    book_at,
    cancel,
    make_world,
    move,
    reminders_of,
    sweep_reminders,
)

DAY = timedelta(hours=24)
TWO_HOURS = timedelta(hours=2)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    return with_mail_server(config, mail_server)


@pytest.fixture
def world(db_session, make_client, make_service, make_schedule, make_user):
    return make_world(db_session, make_client, make_service, make_schedule, make_user)


def test_booking_plans_a_reminder_a_day_and_two_hours_before(db_session, world):
    appointment = book_at(db_session, world)
    rows = reminders_of(db_session, appointment)
    assert sorted(rows) == [120, 1440]
    assert rows[1440].due_at == START - DAY
    assert rows[120].due_at == START - TWO_HOURS
    assert {row.status for row in rows.values()} == {DeliveryStatus.PENDING}


def test_nothing_is_sent_before_the_reminders_moment(app, db_session, world, mail_server):
    book_at(db_session, world)
    report = sweep_reminders(app, db_session, START - DAY - MINUTE)
    assert report.sent == 0
    assert mail_server.messages == []


def test_a_due_reminder_is_sent_once_however_often_the_sweep_runs(
    app, db_session, world, mail_server
):
    appointment = book_at(db_session, world)
    assert sweep_reminders(app, db_session, START - DAY).sent == 1
    assert sweep_reminders(app, db_session, START - DAY).sent == 0
    assert sweep_reminders(app, db_session, START - DAY + 5 * MINUTE).sent == 0
    assert len(mail_server.collector.to("pat@example.org")) == 1
    rows = reminders_of(db_session, appointment)
    assert rows[1440].status is DeliveryStatus.SENT
    assert rows[120].status is DeliveryStatus.PENDING
    assert sweep_reminders(app, db_session, START - TWO_HOURS).sent == 1
    assert len(mail_server.messages) == 2


def test_a_reminder_whose_moment_passed_before_booking_is_never_sent(
    app, db_session, world, mail_server
):
    appointment = book_at(db_session, world, now=START - timedelta(hours=3))
    rows = reminders_of(db_session, appointment)
    assert rows[1440].status is DeliveryStatus.SKIPPED
    assert rows[120].status is DeliveryStatus.PENDING
    assert sweep_reminders(app, db_session, START - TWO_HOURS).sent == 1
    assert len(mail_server.messages) == 1


def test_booked_an_hour_ahead_no_reminder_is_sent(app, db_session, world, mail_server):
    appointment = book_at(db_session, world, now=START - timedelta(hours=1))
    rows = reminders_of(db_session, appointment)
    assert {row.status for row in rows.values()} == {DeliveryStatus.SKIPPED}
    assert sweep_reminders(app, db_session, START - 30 * MINUTE).sent == 0
    assert mail_server.messages == []


def test_a_cancelled_appointment_is_not_reminded(app, db_session, world, mail_server):
    appointment = book_at(db_session, world)
    cancel(db_session, world, appointment)
    rows = reminders_of(db_session, appointment)
    assert {row.status for row in rows.values()} == {DeliveryStatus.CANCELLED}
    assert sweep_reminders(app, db_session, START - TWO_HOURS).sent == 0
    assert mail_server.messages == []


def test_a_moved_appointment_is_reminded_at_its_new_time_only(app, db_session, world, mail_server):
    appointment = book_at(db_session, world)
    new_start = START + timedelta(days=1, hours=2)
    move(db_session, world, appointment, new_start)

    # The old moments pass in silence ...
    assert sweep_reminders(app, db_session, START - DAY).sent == 0
    assert sweep_reminders(app, db_session, START - TWO_HOURS).sent == 0
    # ... and the new ones each send one reminder, of the new time.
    assert sweep_reminders(app, db_session, new_start - DAY).sent == 1
    assert sweep_reminders(app, db_session, new_start - TWO_HOURS).sent == 1
    messages = mail_server.messages
    assert len(messages) == 2
    assert all(
        "Tuesday 4 March 2031, 12:00" in m.get_body(("plain",)).get_content() for m in messages
    )


def test_a_reminder_already_sent_is_sent_again_for_the_new_time_after_a_move(
    app, db_session, world, mail_server
):
    appointment = book_at(db_session, world)
    assert sweep_reminders(app, db_session, START - DAY).sent == 1
    new_start = START + timedelta(days=2)
    move(db_session, world, appointment, new_start, now=START - DAY + MINUTE, by_staff=True)
    assert reminders_of(db_session, appointment)[1440].status is DeliveryStatus.PENDING
    assert sweep_reminders(app, db_session, new_start - DAY).sent == 1
    assert len(mail_server.messages) == 2


def test_a_customer_who_opted_out_of_email_gets_no_reminder(app, db_session, world, mail_server):
    appointment = book_at(db_session, world)
    save_preference(db_session, world.customer.id, email_opt_out=True, text_opt_out=False)
    assert sweep_reminders(app, db_session, START - DAY).sent == 0
    assert mail_server.messages == []
    row = reminders_of(db_session, appointment)[1440]
    assert row.status is DeliveryStatus.CANCELLED
    assert row.last_error == "customer opted out of e-mail reminders"


def test_a_service_with_its_own_lead_times_replaces_the_clients(db_session, world):
    save_service_leads(db_session, world.client.id, world.service.id, leads_text="48h, 30m")
    appointment = book_at(db_session, world)
    assert sorted(reminders_of(db_session, appointment)) == [30, 2880]


def test_a_temporary_smtp_failure_is_retried_after_the_back_off(
    app, db_session, world, mail_server
):
    appointment = book_at(db_session, world)
    mail_server.collector.fail_next = 1
    due = START - DAY
    report = sweep_reminders(app, db_session, due)
    assert (report.sent, report.retrying) == (0, 1)
    row = reminders_of(db_session, appointment)[1440]
    assert row.status is DeliveryStatus.PENDING
    assert row.due_at == due + delivery_claims.BACKOFF[0]
    assert row.last_error == "SMTPDataError"
    # Not before the back-off has passed.
    assert sweep_reminders(app, db_session, due + MINUTE / 2).sent == 0
    assert sweep_reminders(app, db_session, due + delivery_claims.BACKOFF[0]).sent == 1
    assert len(mail_server.messages) == 1


def test_a_reminder_the_server_refuses_for_good_ends_failed_and_visible(
    app, db_session, world, mail_server
):
    appointment = book_at(db_session, world)
    mail_server.collector.refuse_all = True
    report = sweep_reminders(app, db_session, START - DAY)
    assert report.failed == 1
    row = reminders_of(db_session, appointment)[1440]
    assert row.status is DeliveryStatus.FAILED
    assert row.last_error == "SMTP 550"


def test_a_worker_that_died_mid_send_leaves_a_claim_that_expires_and_is_retried(
    app, db_session, world, mail_server
):
    from app.models.reminder import Reminder

    appointment = book_at(db_session, world)
    due = START - DAY
    # A worker claims the reminder and dies before sending it.
    claim = delivery_claims.claim_due(db_session, Reminder, now=due, limit=10)
    assert len(claim.ids) == 1
    assert sweep_reminders(app, db_session, due + MINUTE).sent == 0
    after_lease = due + delivery_claims.LEASE + MINUTE
    assert sweep_reminders(app, db_session, after_lease).sent == 1
    assert sweep_reminders(app, db_session, after_lease + MINUTE).sent == 0
    assert len(mail_server.messages) == 1
    assert reminders_of(db_session, appointment)[1440].attempts == 2


def test_a_reminder_never_retried_past_the_appointments_start(app, db_session, world, mail_server):
    appointment = book_at(db_session, world)
    mail_server.collector.fail_next = 10
    # The two-hour reminder's later retries would come after the start: it fails instead.
    at = START - TWO_HOURS
    sweep_reminders(app, db_session, at)  # both reminders are due; both fail once
    for step in delivery_claims.BACKOFF[:3]:
        at += step
        sweep_reminders(app, db_session, at)
    rows = reminders_of(db_session, appointment)
    assert rows[120].status is DeliveryStatus.FAILED
    assert mail_server.messages == []


def test_booked_at_is_before_every_default_reminder():
    # Guards the other tests' premise: both default reminders lie after BOOKED_AT.
    assert START - DAY > BOOKED_AT


def test_a_reminder_the_mail_server_never_took_ends_failed_before_its_appointment(
    app, db_session, world
):
    config = app.config["SAFESLOT"]
    app.config["SAFESLOT"] = config.with_overrides(
        mail=replace(config.mail, smtp_port=free_port())  # nothing listens there
    )
    appointment = book_at(db_session, world, now=START - timedelta(hours=3))
    at = START - TWO_HOURS
    assert sweep_reminders(app, db_session, at).retrying == 1
    for step in delivery_claims.BACKOFF[:3]:
        at += step
        sweep_reminders(app, db_session, at)
    row = reminders_of(db_session, appointment)[120]
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "ConnectionRefusedError")
