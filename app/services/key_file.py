"""The data-key file beside the backups: written from the database, loaded into a restore.

Backups carry no `data_keys` rows (`KEY_TABLE` is dumped empty); `write_key_file`
keeps `data-keys.enc` in the backup directory equal to the table, and a restore
loads it into the restored database. So a key shredded in the database is gone from
every backup's reach at the next rewrite, which shredding does at once.
"""

from __future__ import annotations

import base64
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from app.backups import key_file
from app.backups.create import ensure_directory
from app.backups.format import BackupKey
from app.backups.key_file import KeyFile, KeyFileError, KeyRecord
from app.config import Config
from app.crypto.errors import FieldCryptoError
from app.crypto.keyring import Keyring, data_keys_table
from app.crypto.registry import key_owners
from app.db import create_db_engine, utcnow

log = logging.getLogger(__name__)

#: The table backups hold no rows of.
KEY_TABLE = "data_keys"
#: Key ids per statement when replacing an older backup's key rows.
_BATCH = 500


@dataclass(frozen=True)
class KeyFileTarget:
    """Where the key file lives and the backup key that seals it."""

    path: Path
    key: BackupKey


@dataclass(frozen=True)
class KeyFileUpdate:
    """The outcome of rewriting the key file: what it holds, or why it failed."""

    path: Path
    live: int = 0
    shredded: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file now matches the database."""
        return self.error is None


@dataclass(frozen=True)
class LoadedKeys:
    """What a restore put into `data_keys`: keys with material, tombstones, missing ones."""

    live: int
    shredded: int
    #: Keys the restored rows use that the key file does not know: they read as unavailable.
    missing: tuple[uuid.UUID, ...]
    #: Key rows of a backup made by an older release that the key file does not know.
    from_backup: int = 0


def target(config: Config) -> KeyFileTarget:
    """The deployment's key file: `data-keys.enc` in `SAFESLOT_BACKUP_DIR`."""
    return KeyFileTarget(config.backup_dir / key_file.FILE_NAME, BackupKey(config.backup_key))


def snapshot(connection: Connection, *, now: datetime) -> KeyFile:
    """Every data key of the database, as the key file holds them."""
    keys = data_keys_table()
    rows = connection.execute(sa.select(keys).order_by(keys.c.created_at, keys.c.id)).all()
    return KeyFile(written_at=now.isoformat(), keys=tuple(_record(row) for row in rows))


def _record(row: sa.Row) -> KeyRecord:
    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    wrapped = row.wrapped_key
    return KeyRecord(
        id=str(row.id),
        client_id=None if row.client_id is None else str(row.client_id),
        is_active=bool(row.is_active),
        wrapped_key=None if wrapped is None else base64.b64encode(wrapped).decode(),
        master_key_id=row.master_key_id,
        created_at=row.created_at.isoformat(),
        superseded_at=iso(row.superseded_at),
        retired_at=iso(row.retired_at),
        shredded_at=iso(row.shredded_at),
    )


def write_key_file(engine: Engine, where: KeyFileTarget) -> KeyFileUpdate:
    """Rewrite the key file from the database now; raises `OSError` if it cannot."""
    ensure_directory(where.path.parent)
    with key_file.locked(where.path.parent):
        # Read under the lock: a later writer always reads a later database.
        with engine.connect() as connection:
            content = snapshot(connection, now=utcnow())
        key_file.write(where.path, key_file.seal(content, where.key))
    shredded = sum(1 for record in content.keys if record.shredded)
    return KeyFileUpdate(where.path, len(content.keys) - shredded, shredded)


def update_key_file(engine: Engine, where: KeyFileTarget) -> KeyFileUpdate:
    """`write_key_file`, with a failure returned (and logged) instead of raised."""
    try:
        return write_key_file(engine, where)
    except OSError as exc:
        error = f"{exc.strerror or type(exc).__name__}"
        error += f": {exc.filename}" if exc.filename else ""
    except SQLAlchemyError as exc:  # its text may quote the wrapped keys: the kind only
        error = f"database error ({type(exc).__name__})"
    log.error("the data-key file %s could not be rewritten: %s", where.path, error)
    return KeyFileUpdate(where.path, error=error)


def refresh_if_stale(engine: Engine, where: KeyFileTarget) -> bool:
    """Rewrite the key file if it differs from the database (or is missing, or unsound).

    Cheap enough to run every minute: a small table read and a small file opened. It
    puts right a shred run where the backup directory was not at hand.
    """
    with engine.connect() as connection:
        current = snapshot(connection, now=utcnow()).keys
    try:
        if key_file.read(where.path, where.key).keys == current:
            return False
    except KeyFileError:
        pass
    write_key_file(engine, where)
    return True


def read_key_file(path: Path, key: BackupKey) -> KeyFile:
    """Open the key file for a restore; raises `KeyFileError` before anything is touched."""
    return key_file.read(path, key)


def check_unwraps(content: KeyFile, keyring: Keyring) -> None:
    """Raise `FieldCryptoError` unless every key with material unwraps with these masters."""
    for record in content.keys:
        wrapped = record.wrapped_bytes()
        if wrapped is None:
            continue
        owner = None if record.client_id is None else uuid.UUID(record.client_id)
        keyring.unwrap(uuid.UUID(record.id), owner, wrapped, record.master_key_id or "-")


def load_keys(url: str, content: KeyFile) -> LoadedKeys:
    """Put the key file's keys into the restored database at `url`, in one transaction.

    Rows a backup of an older release still carries are replaced: the file says which
    keys exist now, so a key shredded since stays shredded. A key the restored rows use
    but the file does not know gets a tombstone, so its values read as unavailable.
    """
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            return _load(connection, content)
    finally:
        engine.dispose()


def _load(connection: Connection, content: KeyFile) -> LoadedKeys:
    table = data_keys_table()
    # The backup may predate a column the current model has: `safeslot migrate` adds it.
    columns = {column["name"] for column in sa.inspect(connection).get_columns(KEY_TABLE)}
    rows = [_row(record) for record in content.keys]
    known = {row["id"] for row in rows}
    # A backup of an older release carries key rows: the file's word replaces them.
    for start in range(0, len(rows), _BATCH):
        batch = [row["id"] for row in rows[start : start + _BATCH]]
        connection.execute(sa.delete(table).where(table.c.id.in_(batch)))
    kept = set(connection.execute(sa.select(table.c.id)).scalars())
    clients_table = sa.table("clients", sa.column("id", sa.Uuid()))
    clients = set(connection.execute(sa.select(clients_table.c.id)).scalars())
    # A key whose client is not in this backup (made later) has nothing to open here.
    rows = [row for row in rows if row["client_id"] is None or row["client_id"] in clients]
    owners = key_owners(connection)
    missing = tuple(sorted(k for k in owners if k not in known and k not in kept))
    now = utcnow()
    rows += [_tombstone(key_id, owners[key_id], now) for key_id in missing]
    if rows:
        connection.execute(
            sa.insert(table), [{k: v for k, v in row.items() if k in columns} for row in rows]
        )
    shredded = sum(1 for row in rows if row["wrapped_key"] is None) - len(missing)
    return LoadedKeys(len(rows) - shredded - len(missing), shredded, missing, len(kept))


def _row(record: KeyRecord) -> dict[str, object]:
    def when(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    return {
        "id": uuid.UUID(record.id),
        "client_id": None if record.client_id is None else uuid.UUID(record.client_id),
        "is_active": record.is_active,
        "wrapped_key": record.wrapped_bytes(),
        "master_key_id": record.master_key_id,
        "created_at": datetime.fromisoformat(record.created_at),
        "superseded_at": when(record.superseded_at),
        "retired_at": when(record.retired_at),
        "shredded_at": when(record.shredded_at),
    }


def _tombstone(key_id: uuid.UUID, client_id: uuid.UUID | None, now: datetime) -> dict:
    return {
        "id": key_id,
        "client_id": client_id,
        "is_active": False,
        "wrapped_key": None,
        "master_key_id": None,
        "created_at": now,
        "superseded_at": None,
        "retired_at": None,
        "shredded_at": now,
    }


__all__ = ["FieldCryptoError", "KeyFileError", "KeyFileTarget", "KeyFileUpdate", "LoadedKeys"]
