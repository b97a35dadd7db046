"""What the platform views share: the signed-in person and the clock."""

from __future__ import annotations

from datetime import datetime

from flask_login import current_user

from app.db import utcnow
from app.models import User


def actor() -> User:
    """The signed-in platform user (the object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def now() -> datetime:
    """The current instant (one place, so tests can set the clock)."""
    return utcnow()
