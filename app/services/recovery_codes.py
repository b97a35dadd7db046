"""A user's recovery codes in the database: replace the set, use one, count what is left.

These run inside a caller's write transaction (under the user's row lock), so two
browsers cannot both use the same code; the caller commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.config import Config
from app.models import RecoveryCode
from auth import totp


def replace_codes(
    session: Session, config: Config, user_id: uuid.UUID, *, now: datetime
) -> list[str]:
    """Drop every old code of the user and store fresh ones; returns them, in clear, once."""
    remove_codes(session, user_id)
    codes = totp.new_recovery_codes()
    key = totp.recovery_key(config.password_pepper)
    session.add_all(
        RecoveryCode(user_id=user_id, code_hash=totp.hash_recovery_code(code, key), created_at=now)
        for code in codes
    )
    return codes


def remove_codes(session: Session, user_id: uuid.UUID) -> None:
    """Drop every code of the user (second factor turned off, or a new set)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def use_code(
    session: Session, config: Config, user_id: uuid.UUID, entered: str, *, now: datetime
) -> bool:
    """Mark the unused code `entered` is as used; False if it matches none."""
    unused = {
        row.code_hash: row
        for row in session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
    }
    found = totp.redeem_recovery_code(entered, unused, totp.recovery_key(config.password_pepper))
    if found is None:
        return False
    unused[found].used_at = now
    return True


def codes_left(session: Session, user_id: uuid.UUID) -> int:
    """How many of the user's recovery codes are still unused."""
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
