"""`safeslot keys status | retire | shred`: looking at keys, removing unused ones, shredding.

Shredding destroys a client's key material: every value sealed with it, in the
database and in any copy of it, can no longer be opened. The key's row stays
as a tombstone (no key material), so pages show a placeholder for those values
instead of failing as they would for an unknown key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.crypto.keyring import Keyring, data_keys_table
from app.crypto.registry import key_usage, private_tables
from app.errors import NotFound
from app.models import Client
from app.services import audit
from app.services.unit_of_work import start_write


@dataclass(frozen=True)
class KeyStatus:
    """One data key as `keys status` shows it."""

    key_id: uuid.UUID
    client_id: uuid.UUID | None
    client_slug: str | None  #: None for the platform's keys
    is_active: bool
    master_key_id: str | None
    created_at: datetime
    superseded_at: datetime | None
    shredded_at: datetime | None
    rows: dict[str, int]  #: rows using it, per table


@dataclass(frozen=True)
class RetireReport:
    """Keys removed, keys kept because rows still use them, master keys now unneeded."""

    removed: list[uuid.UUID]
    still_used: dict[uuid.UUID, int]
    unneeded_master_keys: list[str]


def key_status(session: Session) -> list[KeyStatus]:
    """Every data key with its owner and the rows using it (full scans: an admin command)."""
    keys = data_keys_table()
    usage = key_usage(session.connection())
    stmt = (
        sa.select(keys, Client.slug)
        .outerjoin(Client, Client.id == keys.c.client_id)
        .order_by(Client.slug.nulls_first(), keys.c.created_at)
    )
    return [
        KeyStatus(
            row.id,
            row.client_id,
            row.slug,
            row.is_active,
            row.master_key_id,
            row.created_at,
            row.superseded_at,
            row.shredded_at,
            usage.get(row.id, {}),
        )
        for row in session.execute(stmt)
    ]


def master_key_use(session: Session, keyring: Keyring) -> dict[str, int]:
    """Each configured master key's id and how many data keys it wraps."""
    keys = data_keys_table()
    counts = dict(
        session.execute(
            sa.select(keys.c.master_key_id, sa.func.count())
            .where(keys.c.master_key_id.is_not(None))
            .group_by(keys.c.master_key_id)
        ).all()
    )
    configured = {mid: counts.pop(mid, 0) for mid in keyring.master_keys()}
    return configured | counts  # what is left: wrapped by a key that is not configured


def retire(new_session: Callable[[], Session], keyring: Keyring) -> RetireReport:
    """Delete superseded keys no row uses (each after locking it), list unneeded master keys."""
    keys = data_keys_table()
    with new_session() as session:
        candidates = session.execute(
            sa.select(keys.c.id, keys.c.client_id).where(
                keys.c.is_active.is_(False), keys.c.wrapped_key.is_not(None)
            )
        ).all()
    removed, still_used = [], {}
    for key_id, client_id in candidates:
        with new_session() as session:
            start_write(session)
            connection = session.connection()
            # Locked first, counted second: a writer holding it FOR SHARE commits before.
            connection.execute(sa.select(keys.c.id).where(keys.c.id == key_id).with_for_update())
            used = _rows_using(connection, key_id)
            if used:
                still_used[key_id] = used
                continue
            connection.execute(sa.delete(keys).where(keys.c.id == key_id))
            audit.record(
                session,
                action="keys.retire",
                client_id=client_id,
                object_type="data_key",
                object_id=key_id,
            )
            session.commit()
        keyring.forget(key_id)
        removed.append(key_id)
    with new_session() as session:
        use = master_key_use(session, keyring)
    unneeded = [mid for mid, n in use.items() if n == 0 and mid != keyring.current_master_id]
    return RetireReport(removed, still_used, unneeded)


def _rows_using(connection: sa.Connection, key_id: uuid.UUID) -> int:
    total = 0
    for private in private_tables():
        total += connection.scalar(
            sa.select(sa.func.count()).select_from(private.table).where(private.uses_key(key_id))
        )
    return total


def shred_client(session: Session, keyring: Keyring, slug: str, *, now: datetime) -> int:
    """Destroy every data key of the client `slug`; how many were destroyed. Commits."""
    start_write(session)
    client = session.scalars(sa.select(Client).where(Client.slug == slug)).one_or_none()
    if client is None:
        raise NotFound(f"No client with slug {slug!r}.")
    keys = data_keys_table()
    live = (keys.c.client_id == client.id, keys.c.shredded_at.is_(None))
    key_ids = list(session.execute(sa.select(keys.c.id).where(*live).with_for_update()).scalars())
    session.execute(
        sa.update(keys)
        .where(*live)
        .values(wrapped_key=None, master_key_id=None, is_active=False, shredded_at=now)
    )
    audit.record(
        session, action="keys.shred", client_id=client.id, object_type="client", object_id=client.id
    )
    session.commit()
    keyring.forget(*key_ids)
    return len(key_ids)
