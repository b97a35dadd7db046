"""A sign-in halfway through: the password was right, the code is still to come.

Kept in the browser's signed session cookie (so it cannot be forged), for one
client, bound to the account's session version (a lock or a sign-out
everywhere voids it) and valid for `PENDING_SIGN_IN_LIMIT` only. It signs
nobody in: only the code page, on a right code, does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import session

from app.models import Client
from app.services.signin import SecondFactorNeeded
from auth.mfa_rules import PENDING_SIGN_IN_LIMIT, still_valid

KEY = "second_factor_pending"


@dataclass(frozen=True)
class PendingSignIn:
    needed: SecondFactorNeeded
    #: Where the person was going when asked to sign in (checked again before use).
    next_url: str | None


def _owner(client: Client | None) -> str:
    # Platform accounts (support, platform administrators) sign in without a client.
    return "platform" if client is None else str(client.id)


def remember(
    needed: SecondFactorNeeded, client: Client | None, *, next_url: str | None, now: datetime
) -> None:
    """Note that `needed`'s password was right at `now`; the code page takes it from here."""
    session[KEY] = {
        "user": str(needed.user_id),
        "version": needed.session_version,
        "client": _owner(client),
        "started": now.isoformat(),
        "next": next_url,
    }


def load(client: Client | None, *, now: datetime) -> PendingSignIn | None:
    """The half-finished sign-in at `client` (None: the platform), unless absent, elsewhere
    or too old."""
    saved = session.get(KEY)
    try:
        if saved["client"] != _owner(client):
            return None
        started = datetime.fromisoformat(saved["started"])
        needed = SecondFactorNeeded(uuid.UUID(saved["user"]), int(saved["version"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not still_valid(started, now=now, limit=PENDING_SIGN_IN_LIMIT):
        forget()
        return None
    return PendingSignIn(needed, saved.get("next"))


def forget() -> None:
    """Drop the half-finished sign-in (done, refused for good, or expired)."""
    session.pop(KEY, None)
