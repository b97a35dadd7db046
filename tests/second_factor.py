"""Accounts with two-step sign-in made to order, and the codes their app would show."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp

from app.config import Config
from app.models import User
from app.services import recovery_codes

#: A fixed authenticator secret, so a test can compute the codes.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#: The first second of a 30-second step (2031-03-03 09:00:00 UTC).
START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


def app_code(when: datetime, secret: str = SECRET) -> str:
    """The code an authenticator app with `secret` shows at `when`."""
    return pyotp.TOTP(secret).at(when)


def enable_second_factor(session, config: Config, user: User, *, at: datetime = START) -> list[str]:
    """Turn two-step sign-in on for `user` with `SECRET`; returns their recovery codes."""
    user.totp_secret = SECRET
    user.totp_enabled_at = at
    codes = recovery_codes.replace_codes(session, config, user.id, now=at)
    session.commit()
    return codes
