"""`safeslot keys status | retire | shred`: looking at keys, retiring unused ones, shredding.

Shredding destroys a client's key material: every value sealed with it, in the
database and in every backup, can no longer be opened. Backups hold no keys; they
find them in the key file beside them (app.services.key_file), which shredding
rewrites at once. The key's row stays as a tombstone (no key material), so pages
show a placeholder for those values instead of failing as they would for an
unknown key.

Retiring follows one rule: a key no row uses any more is marked retired, not
deleted, because backups made before then still hold rows sealed with it; it is
deleted (and leaves the key file) once no kept backup started before it was
retired (plus `RETIRE_MARGIN`, for clocks of different machines), that is once
retention has pruned those backups.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.crypto.keyring import Keyring, data_keys_table
from app.crypto.registry import key_usage, private_tables
from app.errors import NotFound
from app.models import Backup, BackupStatus, Client
from app.services import audit
from app.services.key_file import KeyFileTarget, KeyFileUpdate, update_key_file
from app.services.unit_of_work import start_write

#: A retired key outlives every kept backup that started before this long after it.
RETIRE_MARGIN = timedelta(hours=1)


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
    retired_at: datetime | None
    shredded_at: datetime | None
    rows: dict[str, int]  #: rows using it, per table


@dataclass(frozen=True)
class RetireReport:
    """Keys deleted, keys retired but kept for older backups, keys rows still use,
    master keys now unneeded, and the key file's rewrite."""

    removed: list[uuid.UUID]
    kept_for_backups: list[uuid.UUID]
    still_used: dict[uuid.UUID, int]
    unneeded_master_keys: list[str]
    key_file: KeyFileUpdate


@dataclass(frozen=True)
class ShredReport:
    """How many keys were destroyed, and whether the key file beside the backups followed."""

    shredded: int
    key_file: KeyFileUpdate


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
            row.retired_at,
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


def retire(
    new_session: Callable[[], Session], keyring: Keyring, key_file: KeyFileTarget, *, now: datetime
) -> RetireReport:
    """Retire superseded keys no row uses, delete retired keys no kept backup needs,
    rewrite the key file, and list master keys no longer needed."""
    keys = data_keys_table()
    with new_session() as session:
        candidates = session.execute(
            sa.select(keys.c.id, keys.c.client_id).where(
                keys.c.is_active.is_(False),
                keys.c.wrapped_key.is_not(None),
                keys.c.retired_at.is_(None),
            )
        ).all()
    still_used = {}
    for key_id, client_id in candidates:
        used = _retire_one(new_session, key_id, client_id, now=now)
        if used:
            still_used[key_id] = used
    removed = delete_unneeded_retired(new_session, keyring)
    with new_session() as session:
        retired = (keys.c.retired_at.is_not(None), keys.c.wrapped_key.is_not(None))
        kept = list(session.scalars(sa.select(keys.c.id).where(*retired)))
    written = update_key_file(_engine(new_session), key_file)
    unneeded = []
    if written.ok:  # a master key may still wrap the keys in an old key file
        with new_session() as session:
            use = master_key_use(session, keyring)
        unneeded = [m for m, n in use.items() if n == 0 and m != keyring.current_master_id]
    return RetireReport(removed, kept, still_used, unneeded, written)


def _engine(new_session: Callable[[], Session]) -> sa.Engine:
    with new_session() as session:
        return session.get_bind().engine


def _retire_one(
    new_session: Callable[[], Session],
    key_id: uuid.UUID,
    client_id: uuid.UUID | None,
    *,
    now: datetime,
) -> int:
    """Mark one key retired if no row uses it; else how many rows do."""
    keys = data_keys_table()
    with new_session() as session:
        start_write(session)
        connection = session.connection()
        # Locked first, counted second: a writer holding it FOR SHARE commits before.
        connection.execute(sa.select(keys.c.id).where(keys.c.id == key_id).with_for_update())
        used = _rows_using(connection, key_id)
        if used:
            return used
        connection.execute(sa.update(keys).where(keys.c.id == key_id).values(retired_at=now))
        audit.record(
            session,
            action="keys.retire",
            client_id=client_id,
            object_type="data_key",
            object_id=key_id,
        )
        session.commit()
    return 0


def delete_unneeded_retired(
    new_session: Callable[[], Session], keyring: Keyring
) -> list[uuid.UUID]:
    """Delete retired keys that no kept backup can need (see the module's rule)."""
    keys = data_keys_table()
    with new_session() as session:
        start_write(session)
        oldest = session.scalar(
            sa.select(sa.func.min(Backup.started_at)).where(
                Backup.status != BackupStatus.FAILED, Backup.removed_at.is_(None)
            )
        )
        retired = session.execute(
            sa.select(keys.c.id, keys.c.client_id, keys.c.retired_at)
            .where(keys.c.retired_at.is_not(None), keys.c.wrapped_key.is_not(None))
            .with_for_update()
        ).all()
        due = [row for row in retired if oldest is None or oldest >= row.retired_at + RETIRE_MARGIN]
        gone = []
        for row in due:
            if _rows_using(session.connection(), row.id):
                # Rows use it again: a database restored from a backup older than the
                # retirement. It is an old key like any other until `keys retire` runs.
                session.execute(sa.update(keys).where(keys.c.id == row.id).values(retired_at=None))
                continue
            gone.append(row)
            session.execute(sa.delete(keys).where(keys.c.id == row.id))
            audit.record(
                session,
                action="keys.delete",
                client_id=row.client_id,
                object_type="data_key",
                object_id=row.id,
            )
        session.commit()
    keyring.forget(*(row.id for row in gone))
    return [row.id for row in gone]


def _rows_using(connection: sa.Connection, key_id: uuid.UUID) -> int:
    total = 0
    for private in private_tables():
        total += connection.scalar(
            sa.select(sa.func.count()).select_from(private.table).where(private.uses_key(key_id))
        )
    return total


def shred_client(
    session: Session, keyring: Keyring, slug: str, key_file: KeyFileTarget, *, now: datetime
) -> ShredReport:
    """Destroy every data key of the client `slug`, then rewrite the key file without them.

    The database part commits first; a key file that cannot be rewritten is reported
    (returned, logged, e-mailed to the platform administrators), and the next backup,
    or the beat within a minute, rewrites it.
    """
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
    written = update_key_file(session.get_bind().engine, key_file)
    if not written.ok:
        _alert_key_file_failure(session, written)
    return ShredReport(len(key_ids), written)


def _alert_key_file_failure(session: Session, written: KeyFileUpdate) -> None:
    from app.services.backups import notify_admins  # backups imports this module's users

    notify_admins(
        session,
        None,
        what="data-key file update after shredding",
        message=(
            f"{written.path} could not be rewritten ({written.error}); until it is, "
            "backups can still be restored with the shredded keys"
        ),
    )
    session.commit()
