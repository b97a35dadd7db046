"""Celery tasks. Each takes IDs or nothing, calls one service, and is idempotent."""

from __future__ import annotations

import uuid

from celery import shared_task

from app.config import get_config
from app.db import get_session, utcnow
from app.services import (
    backup_checks,
    backups,
    housekeeping,
    outbox_sending,
    reminders_sending,
    retention,
    sign_in_summary,
)


@shared_task(name="workers.tasks.complete_past_appointments")
def complete_past_appointments() -> int:
    """Mark confirmed appointments that have ended as completed."""
    return housekeeping.complete_past_appointments(get_session(), utcnow())


@shared_task(name="workers.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Delete appointments and login-log entries past each client's retention periods."""
    run = retention.apply_retention(get_session(), utcnow())
    return {"appointments": run.appointments, "login_attempts": run.login_attempts}


@shared_task(name="workers.tasks.send_due_mail")
def send_due_mail() -> dict[str, int]:
    """Send due reminders and queued e-mail; each row is claimed, so a repeat sends nothing."""
    reminders = reminders_sending.send_due_reminders(get_session())
    messages = outbox_sending.send_due_messages(get_session())
    outbox_sending.purge_delivered(get_session(), now=utcnow())
    return {"reminders_sent": reminders.sent, "messages_sent": messages.sent}


@shared_task(name="workers.tasks.send_outbox_messages")
def send_outbox_messages(message_ids: list[str]) -> int:
    """Send the named queued messages now (those already sent or claimed are left alone)."""
    ids = [uuid.UUID(value) for value in message_ids]
    return outbox_sending.send_due_messages(get_session(), only_ids=ids).sent


@shared_task(name="workers.tasks.run_scheduled_backup")
def run_scheduled_backup() -> dict[str, str] | None:
    """Back up the database when the nightly slot (or every-N-minutes slot) is due."""
    made = backups.run_scheduled_backup(get_session(), get_config(), now=utcnow())
    return None if made is None else {"backup_id": str(made.id), "status": made.status.value}


@shared_task(name="workers.tasks.verify_newest_backup")
def verify_newest_backup() -> dict[str, object] | None:
    """Once a week: restore the newest backup into a scratch database and record the result."""
    result = backup_checks.verify_newest_weekly(get_session(), get_config(), now=utcnow())
    return None if result is None else {"ok": result.ok, "message": result.message}


@shared_task(name="workers.tasks.clean_up_expired")
def clean_up_expired() -> dict[str, int]:
    """End expired sessions; delete old ended sessions, dead reset links, revoked feeds."""
    return vars(housekeeping.clean_up_expired(get_session(), utcnow())).copy()


@shared_task(name="workers.tasks.send_sign_in_summaries")
def send_sign_in_summaries() -> int:
    """Queue each client's summary of yesterday's failed sign-ins and lockouts (once a day)."""
    return sign_in_summary.send_summaries(get_session(), utcnow())
