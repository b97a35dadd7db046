"""The data-key file: sealed under the backup key, refused when altered, written atomically."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.backups import key_file
from app.backups.format import BackupKey
from app.backups.key_file import KeyFile, KeyFileError, KeyRecord

KEY = BackupKey(bytes(range(32)))
OTHER = BackupKey(bytes(range(1, 33)))
CONTENT = KeyFile(
    written_at="2026-11-22T02:05:00+00:00",
    keys=(
        KeyRecord("k1", "c1", True, "d3JhcHBlZA==", "m1", "2026-11-01T00:00:00+00:00"),
        KeyRecord("k2", "c2", False, None, None, "2026-11-01T00:00:00+00:00", shredded_at="x"),
    ),
)


def test_a_sealed_file_opens_to_what_was_written_and_hides_the_keys() -> None:
    data = key_file.seal(CONTENT, KEY)
    assert key_file.unseal(data, KEY) == CONTENT
    assert b"d3JhcHBlZA" not in data and b"k1" not in data


def test_every_altered_byte_is_refused() -> None:
    data = key_file.seal(CONTENT, KEY)
    for index in range(len(data)):
        damaged = bytearray(data)
        damaged[index] ^= 0x01
        with pytest.raises(KeyFileError):
            key_file.unseal(bytes(damaged), KEY)


def test_a_file_under_another_backup_key_names_both_keys() -> None:
    with pytest.raises(KeyFileError) as caught:
        key_file.unseal(key_file.seal(CONTENT, OTHER), KEY)
    assert OTHER.key_id in str(caught.value) and KEY.key_id in str(caught.value)


def test_a_missing_file_says_what_it_means(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no data-key file"):
        key_file.read(tmp_path / key_file.FILE_NAME, KEY)


def test_writing_replaces_the_file_whole_owner_only_and_leaves_nothing_else(
    tmp_path: Path,
) -> None:
    path = tmp_path / key_file.FILE_NAME
    path.write_bytes(b"older content")
    with key_file.locked(tmp_path):
        key_file.write(path, key_file.seal(CONTENT, KEY))
    assert key_file.read(path, KEY) == CONTENT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [key_file.LOCK_NAME, key_file.FILE_NAME]
