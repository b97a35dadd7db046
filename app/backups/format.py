"""The encrypted backup file: AES-256-GCM over fixed-size chunks, streamed.

Layout (all integers big-endian)::

    header  = MAGIC (8) | version (1) | key id length (1) | key id | nonce prefix (8)
              | chunk size (4)
    record  = final flag (1) | ciphertext length (4) | ciphertext (plaintext + 16-byte tag)

The file's key is derived with HKDF from the backup key and the random nonce prefix, so
no two files share a key even if a prefix repeats. Chunk *i* is sealed with nonce
``prefix | i`` (4 bytes) and associated data ``header | i (8 bytes) | final flag``: a chunk
moved, dropped, flagged differently or taken from another file fails authentication,
a file without a final chunk is truncated, and bytes after it are refused. Memory stays
at about one chunk whatever the size of the file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SSBACKUP"
VERSION = 1
PREFIX_BYTES = 8
TAG_BYTES = 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
#: A reader never allocates more than this per chunk, whatever a header claims.
MAX_CHUNK_SIZE = 16 * 1024 * 1024
MAX_CHUNKS = 2**32
_RECORD = struct.Struct(">BI")
_FIXED = struct.Struct(">8sBB")


class BackupFileError(Exception):
    """The file is not a backup this key can open intact; the message says why."""


class NotABackupFile(BackupFileError):
    """The file does not start like a SafeSlot backup."""


class WrongBackupKey(BackupFileError):
    """The file was encrypted with another key than the configured one."""


class TamperedBackup(BackupFileError):
    """A chunk failed authentication: the file was altered, truncated or reordered."""


@dataclass(frozen=True)
class BackupKey:
    """The backup key and its public identifier (a keyed hash, never the key)."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) != 32:
            raise ValueError("a backup key is 32 bytes")

    def __repr__(self) -> str:
        return f"BackupKey({self.key_id})"

    @property
    def key_id(self) -> str:
        """A short name for the key, written in each file and in the backup table."""
        digest = hmac.new(self.secret, b"safeslot/backup-key-id/v1", hashlib.sha256)
        return "bk-" + digest.hexdigest()[:12]

    def file_cipher(self, prefix: bytes) -> AESGCM:
        """The AES-256-GCM cipher of the file with nonce prefix `prefix`."""
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=prefix,
            info=b"safeslot/backup-file/v1/" + self.key_id.encode(),
        )
        return AESGCM(hkdf.derive(self.secret))


@dataclass(frozen=True)
class Header:
    """What the header of a backup file says."""

    version: int
    key_id: str
    prefix: bytes
    chunk_size: int

    def to_bytes(self) -> bytes:
        """The header as written at the start of the file."""
        key_id = self.key_id.encode("ascii")
        return (
            _FIXED.pack(MAGIC, self.version, len(key_id))
            + key_id
            + self.prefix
            + struct.pack(">I", self.chunk_size)
        )


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _associated_data(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, int(final))


class EncryptingWriter:
    """A write-only stream that seals what it is given, chunk by chunk, into `dest`.

    `close()` writes the final chunk; until then the file is incomplete (and a reader
    refuses it as truncated). Counts and hashes the bytes written to `dest`.
    """

    def __init__(
        self, dest: BinaryIO, key: BackupKey, *, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError("chunk size out of range")
        self._dest = dest
        self._chunk_size = chunk_size
        self._header = Header(VERSION, key.key_id, os.urandom(PREFIX_BYTES), chunk_size)
        self._header_bytes = self._header.to_bytes()
        self._cipher = key.file_cipher(self._header.prefix)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._emit(self._header_bytes)

    def write(self, data: bytes) -> int:
        """Take `data`; whole chunks are sealed and written as soon as they are full."""
        if self._closed:
            raise ValueError("write to a closed backup writer")
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            # Strictly more than one chunk: the last one is kept back so that close()
            # always has a (possibly empty) final chunk to flag.
            self._seal(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def close(self) -> None:
        """Seal the rest as the final chunk."""
        if self._closed:
            return
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._closed = True

    def _seal(self, plaintext: bytes, *, final: bool) -> None:
        if self._index >= MAX_CHUNKS:
            raise ValueError("backup too large for one file")
        ad = _associated_data(self._header_bytes, self._index, final)
        ciphertext = self._cipher.encrypt(_nonce(self._header.prefix, self._index), plaintext, ad)
        self._emit(_RECORD.pack(int(final), len(ciphertext)) + ciphertext)
        self._index += 1

    def _emit(self, data: bytes) -> None:
        self._dest.write(data)
        self.sha256.update(data)
        self.size += len(data)


def read_header(source: BinaryIO) -> tuple[Header, bytes]:
    """Read and check the header at the start of `source`; returns it and its bytes."""
    fixed = source.read(_FIXED.size)
    if len(fixed) < _FIXED.size or fixed[: len(MAGIC)] != MAGIC:
        raise NotABackupFile("this is not a SafeSlot backup file")
    _magic, version, key_id_length = _FIXED.unpack(fixed)
    if version != VERSION:
        raise NotABackupFile(f"backup format version {version} is not supported")
    rest = source.read(key_id_length + PREFIX_BYTES + 4)
    if len(rest) < key_id_length + PREFIX_BYTES + 4:
        raise TamperedBackup("the backup file is truncated (incomplete header)")
    try:
        key_id = rest[:key_id_length].decode("ascii")
    except UnicodeDecodeError:
        raise NotABackupFile("the backup file's header is damaged") from None
    prefix = rest[key_id_length : key_id_length + PREFIX_BYTES]
    (chunk_size,) = struct.unpack(">I", rest[key_id_length + PREFIX_BYTES :])
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise NotABackupFile("the backup file's header is damaged (chunk size)")
    return Header(version, key_id, prefix, chunk_size), fixed + rest


def decrypt_chunks(source: BinaryIO, key: BackupKey) -> Iterator[bytes]:
    """Yield the plaintext of `source` chunk by chunk, each authenticated before it is yielded.

    Raises a `BackupFileError` on the first problem; a caller that must not act on a
    partly authenticated file reads it through once before using it (see `authenticate`).
    """
    header, header_bytes = read_header(source)
    if header.key_id != key.key_id:
        raise WrongBackupKey(
            f"this backup was encrypted with key {header.key_id}, "
            f"but the configured SAFESLOT_BACKUP_KEY is {key.key_id}"
        )
    cipher = key.file_cipher(header.prefix)
    index = 0
    while True:
        record = source.read(_RECORD.size)
        if len(record) < _RECORD.size:
            raise TamperedBackup("the backup file is truncated (its final chunk is missing)")
        flag, length = _RECORD.unpack(record)
        if flag not in (0, 1) or not TAG_BYTES <= length <= header.chunk_size + TAG_BYTES:
            raise TamperedBackup(f"the backup file is damaged at chunk {index}")
        ciphertext = source.read(length)
        if len(ciphertext) < length:
            raise TamperedBackup("the backup file is truncated (its final chunk is missing)")
        final = flag == 1
        try:
            plaintext = cipher.decrypt(
                _nonce(header.prefix, index),
                ciphertext,
                _associated_data(header_bytes, index, final),
            )
        except InvalidTag:
            raise TamperedBackup(
                f"the backup file was altered or damaged (chunk {index} failed authentication)"
            ) from None
        yield plaintext
        if final:
            break
        index += 1
    if source.read(1):
        raise TamperedBackup("the backup file has unexpected data after its final chunk")


def authenticate(source: BinaryIO, key: BackupKey) -> int:
    """Read all of `source`, checking every chunk; returns the plaintext size."""
    return sum(len(chunk) for chunk in decrypt_chunks(source, key))


class DecryptingReader:
    """A read-only file-like view of a backup's plaintext (for `read(n)` and copying)."""

    def __init__(self, source: BinaryIO, key: BackupKey) -> None:
        self._chunks = decrypt_chunks(source, key)
        self._buffer = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes of plaintext (all the rest when negative)."""
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
