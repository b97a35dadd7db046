"""Flask-Login glue: turn a session cookie's user ID back into a user."""

from __future__ import annotations

import uuid

from flask import Flask, session

from app.db import get_session
from app.extensions import login_manager
from app.models import User
from app.services.sessions import SESSION_KEY, load_signed_in


def load_user(session_id: str) -> User | None:
    """The active user named by a session ID ("<uuid>:<session_version>"), else None.

    A session issued before the user's session version was bumped no longer loads,
    which signs that user out everywhere.
    """
    user_part, _, version_part = session_id.partition(":")
    try:
        user_id = uuid.UUID(user_part)
        version = int(version_part)
    except ValueError:
        return None
    user = load_signed_in(get_session(), user_id, session.get(SESSION_KEY))
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def init_app(app: Flask) -> None:
    """Wire Flask-Login into `app`."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.session_protection = "strong"
