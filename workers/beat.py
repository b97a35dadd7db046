"""The beat schedule: every periodic task, in one table."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # name                         task                                          every
    "complete-past-appointments": {
        "task": "workers.tasks.complete_past_appointments",
        "schedule": timedelta(minutes=5),
    },
    "send-due-mail": {
        "task": "workers.tasks.send_due_mail",
        "schedule": timedelta(minutes=1),  # reminders and the outbox backstop
    },
    "apply-retention": {
        "task": "workers.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=17),  # nightly, away from the hour's rush
    },
    # Each of these checks often and acts once per period (a claim row makes it single
    # and idempotent); the service decides what is due from SAFESLOT_BACKUP_HOUR (in
    # SAFESLOT_TIMEZONE) or SAFESLOT_BACKUP_EVERY_MINUTES.
    "backup": {
        "task": "workers.tasks.run_scheduled_backup",
        "schedule": timedelta(minutes=1),
    },
    "verify-newest-backup": {
        "task": "workers.tasks.verify_newest_backup",
        "schedule": crontab(minute=40),  # hourly check; verifies once per ISO week
    },
    "clean-up-expired": {
        "task": "workers.tasks.clean_up_expired",
        "schedule": timedelta(hours=1),
    },
    "sign-in-summaries": {
        "task": "workers.tasks.send_sign_in_summaries",
        "schedule": crontab(minute=10),  # hourly; each client's once its day has ended
    },
}
