"""The data-key file kept beside the backups: the only place backups find their keys.

Backups hold no `data_keys` rows. The keys live in one small file, rewritten whole
(temporary file, fsync, rename) from the database after every backup, shred, rotation
and retirement, so destroying a key in the database destroys it for every backup too:
no older copy of it is kept. Each entry is a data key as the database holds it,
already wrapped by the master key; a shredded key is kept as a tombstone (its ids and
dates, no key material), so a restored database shows its values as unavailable.

Layout::

    MAGIC (8) | version (1) | backup key id length (1) | backup key id | nonce (12)
    | AES-256-GCM(file key, JSON, associated data = everything before it)

The file key is derived with HKDF from the backup key, apart from the keys of the
backup files; the header is authenticated, so an altered, truncated or swapped file,
or one sealed under another backup key, is refused.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.backups.format import BackupFileError, BackupKey

FILE_NAME = "data-keys.enc"
LOCK_NAME = ".data-keys.lock"
MAGIC = b"SSDATKEY"
VERSION = 1
NONCE_BYTES = 12
#: A key file holds a few hundred bytes per data key; anything far larger is not one.
MAX_BYTES = 64 * 1024 * 1024
_FIXED = struct.Struct(">8sBB")


class KeyFileError(BackupFileError):
    """The data-key file is missing, damaged, or not openable with this backup key."""


@dataclass(frozen=True)
class KeyRecord:
    """One `data_keys` row as the file keeps it (times as ISO text, key as base64)."""

    id: str
    client_id: str | None
    is_active: bool
    wrapped_key: str | None  #: base64 of nonce | AES-GCM(master key, data key); None if shredded
    master_key_id: str | None
    created_at: str
    superseded_at: str | None = None
    retired_at: str | None = None
    shredded_at: str | None = None

    @property
    def shredded(self) -> bool:
        """True for a tombstone: the key material was destroyed."""
        return self.wrapped_key is None

    def wrapped_bytes(self) -> bytes | None:
        """The wrapped key as bytes."""
        return None if self.wrapped_key is None else base64.b64decode(self.wrapped_key)


@dataclass(frozen=True)
class KeyFile:
    """The file's content: when it was written and every data key."""

    written_at: str
    keys: tuple[KeyRecord, ...] = field(default_factory=tuple)
    format: int = VERSION


def _file_cipher(key: BackupKey) -> AESGCM:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"safeslot/data-key-file/v1/" + key.key_id.encode(),
    )
    return AESGCM(hkdf.derive(key.secret))


def _header(key: BackupKey, nonce: bytes) -> bytes:
    key_id = key.key_id.encode("ascii")
    return _FIXED.pack(MAGIC, VERSION, len(key_id)) + key_id + nonce


def seal(content: KeyFile, key: BackupKey) -> bytes:
    """The file's bytes for `content`, sealed under the backup key."""
    body = json.dumps(
        {
            "written_at": content.written_at,
            "format": content.format,
            "keys": [asdict(k) for k in content.keys],
        },
        sort_keys=True,
    ).encode()
    header = _header(key, os.urandom(NONCE_BYTES))
    return header + _file_cipher(key).encrypt(header[-NONCE_BYTES:], body, header)


def unseal(data: bytes, key: BackupKey) -> KeyFile:
    """The content of a sealed key file; raises `KeyFileError` saying what is wrong."""
    if len(data) < _FIXED.size or data[: len(MAGIC)] != MAGIC:
        raise KeyFileError("this is not a SafeSlot data-key file")
    _magic, version, id_length = _FIXED.unpack(data[: _FIXED.size])
    if version != VERSION:
        raise KeyFileError(f"data-key file version {version} is not supported")
    end = _FIXED.size + id_length + NONCE_BYTES
    if len(data) < end:
        raise KeyFileError("the data-key file is truncated")
    file_key_id = data[_FIXED.size : _FIXED.size + id_length].decode("ascii", "replace")
    if file_key_id != key.key_id:
        raise KeyFileError(
            f"the data-key file was sealed with backup key {file_key_id}, "
            f"but the configured SAFESLOT_BACKUP_KEY is {key.key_id}"
        )
    header = data[:end]
    try:
        body = _file_cipher(key).decrypt(header[-NONCE_BYTES:], data[end:], header)
    except InvalidTag:
        raise KeyFileError("the data-key file was altered or damaged") from None
    return _parse(body)


def _parse(body: bytes) -> KeyFile:
    try:
        raw = json.loads(body)
        keys = tuple(KeyRecord(**entry) for entry in raw["keys"])
        return KeyFile(written_at=raw["written_at"], keys=keys, format=raw["format"])
    except (ValueError, TypeError, KeyError):
        raise KeyFileError("the data-key file's content is damaged") from None


def read(path: Path, key: BackupKey) -> KeyFile:
    """Open the key file at `path`; raises `KeyFileError` if it is missing or unsound."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileError(
            f"no data-key file at {path}: without it the backups' private fields cannot be read"
        ) from None
    if len(data) > MAX_BYTES:
        raise KeyFileError("the data-key file is far too large to be one")
    return unseal(data, key)


def write(path: Path, data: bytes) -> None:
    """Replace the file at `path` with `data` atomically (owner-only), flushed to disk."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)  # left by a writer that died: we hold the lock
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        sync_directory(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise


def sync_directory(directory: Path) -> None:
    """fsync a directory, so that a rename in it survives a crash."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the key file's lock: writers take it before reading the database.

    Whoever takes it after a shred committed writes a file without the shredded key,
    and nobody who read the database earlier can write after them.
    """
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
