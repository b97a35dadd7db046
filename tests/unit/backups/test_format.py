"""The backup file format: what was written comes back, and any tampering is refused."""

from __future__ import annotations

import io
import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.backups.format import (
    BackupKey,
    DecryptingReader,
    EncryptingWriter,
    NotABackupFile,
    TamperedBackup,
    WrongBackupKey,
    authenticate,
    read_header,
)

KEY = BackupKey(bytes(range(32)))
OTHER_KEY = BackupKey(bytes(range(1, 33)))
CHUNK = 64
RECORD = struct.Struct(">BI")


def seal(plaintext: bytes, *, key: BackupKey = KEY, chunk_size: int = CHUNK) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, chunk_size=chunk_size)
    writer.write(plaintext)
    writer.close()
    return out.getvalue()


def open_all(data: bytes, key: BackupKey = KEY) -> bytes:
    return DecryptingReader(io.BytesIO(data), key).read()


def records(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split a file into its header and its chunk records."""
    header_length = len(read_header(io.BytesIO(data))[1])
    header, rest, chunks = data[:header_length], data[header_length:], []
    while rest:
        _flag, length = RECORD.unpack(rest[: RECORD.size])
        chunks.append(rest[: RECORD.size + length])
        rest = rest[RECORD.size + length :]
    return header, chunks


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=1000), st.integers(min_value=1, max_value=300))
def test_what_is_written_reads_back_whatever_the_size_and_chunking(
    plaintext: bytes, chunk_size: int
) -> None:
    assert open_all(seal(plaintext, chunk_size=chunk_size)) == plaintext


def test_writes_in_pieces_give_the_same_plaintext() -> None:
    out = io.BytesIO()
    writer = EncryptingWriter(out, KEY, chunk_size=CHUNK)
    pieces = [os.urandom(n) for n in (1, 63, 64, 65, 200, 0, 7)]
    for piece in pieces:
        writer.write(piece)
    writer.close()
    assert open_all(out.getvalue()) == b"".join(pieces)


def test_the_file_names_its_key_but_never_contains_it() -> None:
    data = seal(b"x" * 10)
    header, _ = read_header(io.BytesIO(data))
    assert header.key_id == KEY.key_id
    assert KEY.secret not in data
    assert KEY.key_id != OTHER_KEY.key_id


def test_same_plaintext_encrypts_differently_each_time() -> None:
    assert seal(b"same") != seal(b"same")


def test_writer_reports_size_and_digest_of_what_it_wrote() -> None:
    import hashlib

    out = io.BytesIO()
    writer = EncryptingWriter(out, KEY, chunk_size=CHUNK)
    writer.write(b"a" * 500)
    writer.close()
    assert writer.size == len(out.getvalue())
    assert writer.sha256.hexdigest() == hashlib.sha256(out.getvalue()).hexdigest()


def test_a_wrong_key_is_refused_naming_both_keys() -> None:
    with pytest.raises(WrongBackupKey) as caught:
        open_all(seal(b"secret rows"), OTHER_KEY)
    assert KEY.key_id in str(caught.value)
    assert OTHER_KEY.key_id in str(caught.value)


def test_a_file_without_its_final_chunk_is_refused_as_truncated() -> None:
    header, chunks = records(seal(b"z" * 300))
    assert len(chunks) > 2
    with pytest.raises(TamperedBackup, match="truncated"):
        open_all(header + b"".join(chunks[:-1]))


@pytest.mark.parametrize("cut", [1, 5, 17, 40])
def test_a_file_cut_anywhere_is_refused(cut: int) -> None:
    data = seal(b"z" * 300)
    with pytest.raises(TamperedBackup):
        authenticate(io.BytesIO(data[:-cut]), KEY)


def test_reordered_chunks_are_refused() -> None:
    header, chunks = records(seal(b"".join(bytes([i]) * CHUNK for i in range(4))))
    swapped = [chunks[1], chunks[0], *chunks[2:]]
    with pytest.raises(TamperedBackup, match="authentication"):
        open_all(header + b"".join(swapped))


def test_a_chunk_from_another_file_is_refused() -> None:
    header, chunks = records(seal(b"a" * 200))
    _, foreign = records(seal(b"a" * 200))
    with pytest.raises(TamperedBackup):
        open_all(header + foreign[0] + b"".join(chunks[1:]))


def test_an_early_chunk_flagged_final_is_refused() -> None:
    header, chunks = records(seal(b"q" * 200))
    first = bytearray(chunks[0])
    first[0] = 1  # claim the first chunk is the last: the file would end early
    with pytest.raises(TamperedBackup):
        open_all(header + bytes(first))


def test_appended_bytes_are_refused() -> None:
    with pytest.raises(TamperedBackup, match="after its final chunk"):
        open_all(seal(b"rows") + b"more")


def test_an_appended_chunk_is_refused() -> None:
    data = seal(b"rows" * 40)
    _, chunks = records(data)
    with pytest.raises(TamperedBackup):
        open_all(data + chunks[0])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_single_altered_byte_is_refused(data: st.DataObject) -> None:
    sealed = bytearray(seal(b"appointment rows " * 20))
    position = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    sealed[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    with pytest.raises((TamperedBackup, NotABackupFile, WrongBackupKey)):
        authenticate(io.BytesIO(bytes(sealed)), KEY)


def test_something_else_is_not_a_backup() -> None:
    with pytest.raises(NotABackupFile):
        open_all(b"SQLite format 3\x00" + b"\x00" * 100)
