"""`safeslot keys rotate`: re-wrap data keys, start new ones, move every row onto them.

Each step is a series of short transactions, so the application keeps serving:
a batch locks only its own rows (PostgreSQL) or the write lock for a moment
(SQLite). A row is rewritten only if it still holds the value the batch read
(compare-and-set), so a concurrent edit is never overwritten; such a row is
picked up by the next pass. Interrupting and running again is safe: keys are
re-wrapped idempotently and rows already on the active key are left alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.crypto.envelope import FieldContext, key_id_of, open_sealed, seal, wrap_key
from app.crypto.errors import TamperedCiphertext
from app.crypto.keyring import Keyring, OpenKey, data_keys_table
from app.crypto.registry import PrivateTable, private_tables
from app.services import audit
from app.services.unit_of_work import start_write

DEFAULT_BATCH = 500
#: A row edited during every pass is unusual; after this many the rest waits for a re-run.
MAX_PASSES = 3


@dataclass
class RotationReport:
    """What a rotation did (counts and key ids only)."""

    rewrapped: int = 0
    new_keys: list[uuid.UUID] = field(default_factory=list)
    rows_moved: int = 0
    rows_skipped: int = 0  #: changed by someone else meanwhile; a re-run moves them
    values_unreadable: int = 0  #: sealed by a shredded key: left as they are


def rotate(
    new_session: Callable[[], Session],
    keyring: Keyring,
    *,
    now: datetime,
    new_keys: bool = True,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> RotationReport:
    """Re-wrap under the current master key, start new data keys, re-encrypt every row."""
    report = RotationReport()
    report.rewrapped = rewrap_keys(new_session, keyring)
    if new_keys:
        report.new_keys = start_new_keys(new_session, keyring, now=now)
    for _ in range(MAX_PASSES):
        moved, skipped, unreadable = reencrypt(new_session, keyring, batch_size, progress)
        report.rows_moved += moved
        report.rows_skipped, report.values_unreadable = skipped, unreadable
        if not skipped:
            break
    return report


def rewrap_keys(new_session: Callable[[], Session], keyring: Keyring) -> int:
    """Wrap every live data key under the current master key; how many changed."""
    keys = data_keys_table()
    current = keyring.current_master_id
    with new_session() as session:
        start_write(session)
        connection = session.connection()
        stale = connection.execute(
            sa.select(keys.c.id, keys.c.client_id, keys.c.wrapped_key, keys.c.master_key_id)
            .where(keys.c.wrapped_key.is_not(None), keys.c.master_key_id != current)
            .with_for_update()
        ).all()
        for row in stale:
            key = keyring.unwrap(row.id, row.client_id, row.wrapped_key, row.master_key_id)
            wrapped = wrap_key(
                key, master_key=keyring.master_key, key_id=row.id, client_id=row.client_id
            )
            connection.execute(
                sa.update(keys)
                .where(keys.c.id == row.id)
                .values(wrapped_key=wrapped, master_key_id=current)
            )
        session.commit()
    return len(stale)


def start_new_keys(
    new_session: Callable[[], Session], keyring: Keyring, *, now: datetime
) -> list[uuid.UUID]:
    """Give every owner with an active key a new one (one transaction per owner)."""
    keys = data_keys_table()
    with new_session() as session:
        owners = session.execute(sa.select(keys.c.client_id).where(keys.c.is_active)).scalars()
        owners = list(owners)
    created = []
    for client_id in owners:
        with new_session() as session:
            start_write(session)
            connection = session.connection()
            owner = (
                keys.c.client_id.is_(None) if client_id is None else keys.c.client_id == client_id
            )
            # Superseding first: the unique index allows one active key per owner.
            connection.execute(
                sa.update(keys)
                .where(owner, keys.c.is_active)
                .values(is_active=False, superseded_at=now)
            )
            key = keyring.create_key(connection, client_id)
            audit.record(
                session,
                action="keys.rotate",
                client_id=client_id,
                object_type="data_key",
                object_id=key.key_id,
            )
            session.commit()
        created.append(key.key_id)
    return created


def reencrypt(
    new_session: Callable[[], Session],
    keyring: Keyring,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[int, int, int]:
    """One pass over every private table; (rows moved, rows skipped, values unreadable)."""
    totals = [0, 0, 0]
    for private in private_tables():
        last: uuid.UUID | None = None
        while True:
            with new_session() as session:
                start_write(session)
                last, counts = _batch(session.connection(), keyring, private, last, batch_size)
                session.commit()
            if last is None:
                break
            totals = [t + c for t, c in zip(totals, counts, strict=True)]
            if progress is not None:
                progress(private.name, counts[0])
    return totals[0], totals[1], totals[2]


def _batch(
    connection: sa.Connection,
    keyring: Keyring,
    private: PrivateTable,
    after: uuid.UUID | None,
    batch_size: int,
) -> tuple[uuid.UUID | None, tuple[int, int, int]]:
    """Move one batch of rows (ordered by id, after `after`); the last id seen and counts."""
    table = private.table
    stmt = sa.select(
        table.c.id, private.owner.label("owner"), *(table.c[c] for c in private.columns)
    )
    if after is not None:
        stmt = stmt.where(table.c.id > after)
    rows = connection.execute(stmt.order_by(table.c.id).limit(batch_size)).all()
    if not rows:
        return None, (0, 0, 0)
    moved = skipped = unreadable = 0
    active: dict[uuid.UUID | None, OpenKey] = {}

    def sealing(owner: uuid.UUID | None) -> OpenKey:
        if owner not in active:
            active[owner] = keyring.sealing_key(connection, owner)
        return active[owner]

    for row in rows:
        changes, lost = _moved_values(connection, keyring, private, row, sealing)
        unreadable += lost
        if not changes:
            continue
        # Compare-and-set: only if every value is still the one just read.
        same = [table.c[c] == row._mapping[c] for c in changes]
        result = connection.execute(
            sa.update(table).where(table.c.id == row.id, *same).values(changes)
        )
        if result.rowcount == 1:
            moved += 1
        else:
            skipped += 1
    return rows[-1].id, (moved, skipped, unreadable)


def _moved_values(
    connection: sa.Connection,
    keyring: Keyring,
    private: PrivateTable,
    row: sa.Row,
    sealing: Callable[[uuid.UUID | None], OpenKey],
) -> tuple[dict[str, str], int]:
    """The row's values re-sealed under its owner's active key; how many cannot be opened."""
    changes, unreadable = {}, 0
    for column in private.columns:
        value = row._mapping[column]
        if value is None:
            continue
        old = keyring.opening_key(connection, key_id_of(value))
        if old.key is None:
            unreadable += 1
            continue
        if old.client_id != row.owner:
            raise TamperedCiphertext(
                f"{private.name}.{column} of row {row.id} is sealed with another tenant's key"
            )
        target = sealing(row.owner)
        if old.key_id == target.key_id:
            continue
        plain = open_sealed(value, key=old.key, context=_context(old, private, column, row))
        context = _context(target, private, column, row)
        changes[column] = seal(plain, key=target.key, key_id=target.key_id, context=context)
    return changes, unreadable


def _context(key: OpenKey, private: PrivateTable, column: str, row: sa.Row) -> FieldContext:
    return FieldContext(key.client_id, private.name, column, row.id)
