"""The beat schedule: every periodic task, in one table."""

from __future__ import annotations

from datetime import timedelta

BEAT_SCHEDULE = {
    # name                         task                                          every
    "complete-past-appointments": {
        "task": "workers.tasks.complete_past_appointments",
        "schedule": timedelta(minutes=5),
    },
}
