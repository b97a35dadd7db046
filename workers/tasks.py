"""Celery tasks. Each takes IDs or nothing, calls one service, and is idempotent."""

from __future__ import annotations

from celery import shared_task

from app.db import get_session, utcnow
from app.services import housekeeping


@shared_task(name="workers.tasks.complete_past_appointments")
def complete_past_appointments() -> int:
    """Mark confirmed appointments that have ended as completed."""
    return housekeeping.complete_past_appointments(get_session(), utcnow())
