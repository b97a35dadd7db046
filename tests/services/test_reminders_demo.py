"""The demo shows a reminder by itself: one lands in the local mail sink minutes after loading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.services.demo import load_demo
from tests.services.reminders_setup import sweep_reminders

NOW = datetime(2031, 3, 4, 8, 17, 30, tzinfo=UTC)


def test_a_reminder_of_the_demo_reaches_the_mail_sink_within_minutes(app, db_session, config):
    assert config.mail.uses_sink
    load_demo(db_session, config, now=NOW)
    due = db_session.scalars(
        select(Reminder.due_at).where(Reminder.status == DeliveryStatus.PENDING)
    ).all()
    assert min(due) - NOW <= timedelta(minutes=5)

    report = sweep_reminders(app, db_session, NOW + timedelta(minutes=5))
    assert report.sent == 1
    [eml] = list(config.mail.sink_dir.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "sam.taylor@example.org"
    assert message["Subject"] == "Reminder: your appointment with Riverside Counselling"


def test_the_demos_other_appointments_have_their_reminders_planned(db_session, config):
    load_demo(db_session, config, now=NOW)
    statuses = set(db_session.scalars(select(Reminder.status)))
    assert DeliveryStatus.PENDING in statuses
