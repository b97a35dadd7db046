"""The keyring: master keys from the configuration, data keys from the database.

Unwrapped data keys are cached per process (keyed by key id) for `CACHE_SECONDS`,
so opening a field costs AES only. A key shredded by another process must not go
on opening here for that long, so at most every `RECHECK_SECONDS` the first value
opened from the cache asks the database, in one primary-key query for every cached
key, which of them still have key material; the others leave the cache and read as
shredded from then on. A busy process pays one small query per interval, an idle
one nothing; no request pays a query of its own. Which key *seals* is asked of the
database once per transaction instead (see app.crypto.events): a rotation is then
followed at once, and no process keeps writing with a key that `keys retire` might
delete.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, Table, insert, select

from app.crypto.envelope import aead, master_key_id, new_key, unwrap_key, wrap_key
from app.crypto.errors import UnknownDataKey, UnknownMasterKey

#: How long an unwrapped data key stays in a process's memory.
CACHE_SECONDS = 300.0
#: How long a process may go on opening values with a key shredded elsewhere, at most.
RECHECK_SECONDS = 5.0
#: Key ids per re-check query (bound parameters stay well under every driver's limit).
RECHECK_BATCH = 500


def data_keys_table() -> Table:
    """The `data_keys` table (imported late: the models package imports this package)."""
    from app.models.data_key import DataKey

    return DataKey.__table__


@dataclass(frozen=True)
class OpenKey:
    """A data key as the opener needs it: its owner, and its cipher (None once shredded)."""

    key_id: uuid.UUID
    client_id: uuid.UUID | None
    raw: InitVar[bytes | None]
    #: A reusable AES-256-GCM cipher of the key (building one per value costs as much as AES).
    key: AESGCM | None = field(init=False, repr=False)

    def __post_init__(self, raw: bytes | None) -> None:
        object.__setattr__(self, "key", None if raw is None else aead(raw))


@dataclass
class Keyring:
    """Master keys (current first) and the process cache of unwrapped data keys."""

    master_key: bytes = field(repr=False)
    retired_master_keys: tuple[bytes, ...] = field(default=(), repr=False)
    cache_seconds: float = CACHE_SECONDS
    recheck_seconds: float = RECHECK_SECONDS
    #: Monotonic seconds; a parameter so that tests can move time on.
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _cache: dict[uuid.UUID, tuple[float, OpenKey]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checked_at: float | None = field(default=None, repr=False)

    @property
    def current_master_id(self) -> str:
        """Public id of the master key new data keys are wrapped with."""
        return master_key_id(self.master_key)

    def master_keys(self) -> dict[str, bytes]:
        """Every configured master key by its public id."""
        keys = {master_key_id(k): k for k in self.retired_master_keys}
        keys[self.current_master_id] = self.master_key
        return keys

    def unwrap(
        self, key_id: uuid.UUID, client_id: uuid.UUID | None, wrapped: bytes, mid: str
    ) -> bytes:
        """The data key bytes of one `data_keys` row."""
        master = self.master_keys().get(mid)
        if master is None:
            raise UnknownMasterKey(
                f"data key {key_id} is wrapped by master key {mid}, which is not configured "
                "(add it to SAFESLOT_RETIRED_MASTER_KEYS)"
            )
        return unwrap_key(wrapped, master_key=master, key_id=key_id, client_id=client_id)

    def cached_key(self, key_id: uuid.UUID) -> OpenKey | None:
        """The key from this process's cache, if it is there and fresh."""
        cached = self._cache.get(key_id)  # a dict read is atomic: no lock on the hot path
        if cached is not None and self.clock() - cached[0] < self.cache_seconds:
            return cached[1]
        return None

    def opening_key(
        self, connection: Connection | Callable[[], Connection], key_id: uuid.UUID
    ) -> OpenKey:
        """The key named by a ciphertext: from the cache, else read and unwrapped once.

        `connection` may be a function giving one, called only when the cache misses.
        """
        cached = self.cached_key(key_id)
        if cached is not None and (cached.key is None or not self._recheck_due()):
            return cached
        if callable(connection) and not isinstance(connection, Connection):
            connection = connection()
        if cached is not None:
            self.recheck(connection)
            cached = self.cached_key(key_id)
            if cached is not None:
                return cached
        keys = data_keys_table()
        row = connection.execute(
            select(keys.c.client_id, keys.c.wrapped_key, keys.c.master_key_id).where(
                keys.c.id == key_id
            )
        ).one_or_none()
        if row is None:
            raise UnknownDataKey(f"no data key {key_id} in this database")
        key = None
        if row.wrapped_key is not None:
            key = self.unwrap(key_id, row.client_id, row.wrapped_key, row.master_key_id)
        return self.remember(OpenKey(key_id, row.client_id, key))

    def _recheck_due(self) -> bool:
        checked_at = self._checked_at
        return checked_at is None or self.clock() - checked_at >= self.recheck_seconds

    def recheck(self, connection: Connection) -> None:
        """Drop every cached key that lost its key material (shredded) or its row."""
        with self._lock:
            self._checked_at = self.clock()  # first: concurrent openers skip the query
            held = [k for k, (_at, key) in self._cache.items() if key.key is not None]
        keys = data_keys_table()
        live: set[uuid.UUID] = set()
        for start in range(0, len(held), RECHECK_BATCH):
            batch = held[start : start + RECHECK_BATCH]
            live.update(
                connection.execute(
                    select(keys.c.id).where(keys.c.id.in_(batch), keys.c.wrapped_key.is_not(None))
                ).scalars()
            )
        self.forget(*(key_id for key_id in held if key_id not in live))

    def remember(self, key: OpenKey) -> OpenKey:
        """Cache an unwrapped key (shredded ones too: they stay unreadable)."""
        with self._lock:
            now = self.clock()
            self._cache[key.key_id] = (now, key)
            if self._checked_at is None:
                self._checked_at = now  # a key just read is live: the interval starts here
        return key

    def forget(self, *key_ids: uuid.UUID) -> None:
        """Drop keys from this process's cache (after shredding or retiring them)."""
        with self._lock:
            for key_id in key_ids:
                self._cache.pop(key_id, None)

    def sealing_key(self, connection: Connection, client_id: uuid.UUID | None) -> OpenKey:
        """The owner's active key, created (in the caller's transaction) if it has none."""
        keys = data_keys_table()
        owner = keys.c.client_id.is_(None) if client_id is None else keys.c.client_id == client_id
        # FOR SHARE (PostgreSQL): `keys retire` cannot delete it until this transaction ends.
        row = connection.execute(
            select(keys.c.id, keys.c.wrapped_key, keys.c.master_key_id)
            .where(owner, keys.c.is_active)
            .with_for_update(read=True)
        ).one_or_none()
        if row is None:
            return self.create_key(connection, client_id)
        with self._lock:
            cached = self._cache.get(row.id)
        if cached is not None and cached[1].key is not None:
            return cached[1]
        key = self.unwrap(row.id, client_id, row.wrapped_key, row.master_key_id)
        return self.remember(OpenKey(row.id, client_id, key))

    def create_key(
        self, connection: Connection, client_id: uuid.UUID | None, *, active: bool = True
    ) -> OpenKey:
        """Insert a new data key for the owner, wrapped under the current master key."""
        key_id, key = uuid.uuid4(), new_key()
        connection.execute(
            insert(data_keys_table()).values(
                id=key_id,
                client_id=client_id,
                is_active=active,
                wrapped_key=wrap_key(
                    key, master_key=self.master_key, key_id=key_id, client_id=client_id
                ),
                master_key_id=self.current_master_id,
            )
        )
        return self.remember(OpenKey(key_id, client_id, key))


_keyrings: weakref.WeakKeyDictionary[Engine, Keyring] = weakref.WeakKeyDictionary()


def register_keyring(engine: Engine, keyring: Keyring) -> None:
    """Use `keyring` for every session and connection of `engine`."""
    _keyrings[engine] = keyring


def keyring_for(bind: Engine | Connection) -> Keyring:
    """The keyring registered for the engine behind `bind`."""
    keyring = _keyrings.get(bind.engine)
    if keyring is None:
        raise UnknownMasterKey(
            "field encryption has no keys for this database (create it through create_app)"
        )
    return keyring
