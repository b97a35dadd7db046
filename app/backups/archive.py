"""What is inside the encryption: a small manifest, then the database dump.

Plaintext layout: manifest length (4 bytes, big-endian) | manifest (JSON) | dump. The
manifest names the engine and holds the row counts taken with the dump, so a file can be
verified (and a restore checked) with nothing but the file and the key.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass, field
from typing import BinaryIO, Protocol

from app.backups.format import TamperedBackup

MANIFEST_FORMAT = 1
MAX_MANIFEST_BYTES = 1024 * 1024
_LENGTH = struct.Struct(">I")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class Writable(Protocol):
    def write(self, data: bytes) -> int: ...


@dataclass(frozen=True)
class Manifest:
    """What the dump holds: engine, when, which backup, and rows per table."""

    engine: str
    created_at: str
    backup_id: str
    tables: dict[str, int] = field(default_factory=dict)
    schema_revision: str | None = None
    #: Tables backed up without their rows (their schema is there): the data keys.
    excluded_tables: list[str] = field(default_factory=list)
    format: int = MANIFEST_FORMAT


def write_manifest(dest: Writable, manifest: Manifest) -> None:
    """Write `manifest` at the start of the plaintext."""
    data = json.dumps(asdict(manifest), sort_keys=True).encode()
    dest.write(_LENGTH.pack(len(data)) + data)


def read_manifest(source: BinaryIO) -> Manifest:
    """Read the manifest at the start of the plaintext `source`."""
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise TamperedBackup("the backup holds no manifest")
    (length,) = _LENGTH.unpack(head)
    if length > MAX_MANIFEST_BYTES:
        raise TamperedBackup("the backup's manifest is damaged")
    try:
        data = json.loads(source.read(length))
        manifest = Manifest(**data)
    except (ValueError, TypeError):
        raise TamperedBackup("the backup's manifest is damaged") from None
    if manifest.format != MANIFEST_FORMAT or manifest.engine not in (SQLITE, POSTGRESQL):
        raise TamperedBackup("the backup's manifest is of an unknown kind")
    return manifest
