"""What a reminder says: little by default (e-mail is not private), more by the client's
choice, never a private field; and the appointment's calendar file."""

from __future__ import annotations

from datetime import timedelta

import pytest
import vobject
from sqlalchemy import select

from app.models.reminder import Reminder
from app.services.reminders_settings import save_client_settings
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import (
    START,
    book_at,
    make_world,
    sweep_reminders,
)


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


def reminder_for_lead(db_session, appointment, lead):
    return db_session.scalar(
        select(Reminder.id).where(
            Reminder.appointment_id == appointment.id, Reminder.lead_minutes == lead
        )
    )


def reminder_id(db_session, appointment):
    return reminder_for_lead(db_session, appointment, 24 * 60)


def reminder_for(app, db_session, world, mail_server, **booking):
    appointment = book_at(db_session, world, **booking)
    sweep_reminders(app, db_session, START - timedelta(hours=24))
    [message] = mail_server.messages
    return appointment, message


def test_a_reminder_names_the_business_service_and_local_time_with_a_link(
    app, db_session, world, mail_server
):
    appointment, message = reminder_for(app, db_session, world, mail_server)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == "Reminder: your appointment with Riverside Counselling"
    assert message["To"] == "pat@example.org"
    assert message["From"] == "SafeSlot <no-reply@safeslot.test>"
    for body in (text, html):
        assert "Initial consultation" in body
        # 10:00 UTC is 10:00 in London in March before the clocks change; the zone is named.
        assert "Monday 3 March 2031, 10:00 (Europe/London)" in body
        assert f"/c/{world.client.slug}/appointments/{appointment.id}" in body


def test_a_reminder_by_default_names_no_staff_no_room_and_nothing_private(
    app, db_session, world, mail_server
):
    _, message = reminder_for(app, db_session, world, mail_server, notes="anxiety, 2nd visit")
    raw = message.as_string()
    for private in ("Dr Ada Byron", "Harbour Street room", "Pat Private", "anxiety"):
        assert private not in raw


def test_a_client_may_add_the_staff_and_the_room(app, db_session, world, mail_server):
    save_client_settings(
        db_session,
        world.client.id,
        leads_text="24h, 2h",
        include_staff=True,
        include_schedule=True,
    )
    _, message = reminder_for(app, db_session, world, mail_server)
    text = message.get_body(("plain",)).get_content()
    assert "Dr Ada Byron" in text
    assert "Harbour Street room" in text


def test_a_reminder_carries_the_appointment_as_a_published_calendar_event(
    app, db_session, world, mail_server
):
    appointment, message = reminder_for(app, db_session, world, mail_server)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "appointment.ics"
    calendar = vobject.readOne(attachment.get_content())
    assert calendar.method.value == "PUBLISH"
    assert calendar.vevent.uid.value == f"{appointment.id}@safeslot"
    assert calendar.vevent.dtstart.value == START
    assert "Initial consultation" in calendar.vevent.summary.value


def test_the_message_id_is_stable_for_one_reminder_and_its_time(
    app, db_session, world, mail_server
):
    appointment, message = reminder_for(app, db_session, world, mail_server)
    message_id = str(message["Message-ID"]).strip()
    assert (
        message_id
        == f"<reminder-{reminder_id(db_session, appointment)}.20310303T100000Z@127.0.0.1>"
    )
