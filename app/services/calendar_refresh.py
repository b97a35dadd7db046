"""Telling subscribed calendars that appointments look different without having moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

from app.models import Appointment


def touch_appointments(session: Session, which: ColumnElement[bool], *, now: datetime) -> None:
    """Bump SEQUENCE and the change time of the appointments matching `which`.

    A feed's ETag follows its appointments' change times, and calendar apps update an
    event in place only when its SEQUENCE grows: renaming a service must move both, or
    subscribed calendars keep showing the old name.
    """
    session.execute(
        update(Appointment)
        .where(which)
        .values(sequence=Appointment.sequence + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
