"""The field-encryption envelope: format, binding to row/column/tenant, key wrapping."""

from __future__ import annotations

import uuid

import pytest

from app.crypto.envelope import (
    FieldContext,
    is_ciphertext,
    key_id_of,
    master_key_id,
    new_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from app.crypto.errors import MalformedCiphertext, TamperedCiphertext, UnknownMasterKey

KEY, KEY_ID = new_key(), uuid.uuid4()
CLIENT, OTHER_CLIENT = uuid.uuid4(), uuid.uuid4()
ROW = uuid.uuid4()
CONTEXT = FieldContext(CLIENT, "users", "display_name", ROW)
SECRET = "Zoë O'Brien-Łukasiewicz 🙂"


def sealed(value: str = SECRET, context: FieldContext = CONTEXT) -> str:
    return seal(value, key=KEY, key_id=KEY_ID, context=context)


def test_a_sealed_value_opens_to_the_same_unicode_text() -> None:
    assert open_sealed(sealed(), key=KEY, context=CONTEXT) == SECRET


@pytest.mark.parametrize("length", [0, 1, 50, 200, 320, 5000])
def test_values_of_every_length_round_trip(length: int) -> None:
    value = ("ß🙂a" * length)[:length]
    assert open_sealed(sealed(value), key=KEY, context=CONTEXT) == value


def test_the_ciphertext_names_its_version_and_key_and_hides_the_value() -> None:
    text = sealed()
    assert text.startswith(f"ss1.{KEY_ID.hex}.")
    assert key_id_of(text) == KEY_ID
    assert is_ciphertext(text)
    # Whole words: a two-letter fragment turns up in random base64 now and then.
    assert "Zoë" not in text and "O'Brien" not in text and "Łukasiewicz" not in text
    assert "Brien-" not in text


def test_each_encryption_uses_a_fresh_nonce() -> None:
    assert sealed() != sealed()


@pytest.mark.parametrize(
    "elsewhere",
    [
        FieldContext(CLIENT, "users", "display_name", uuid.uuid4()),  # another row
        FieldContext(CLIENT, "users", "email", ROW),  # another column
        FieldContext(CLIENT, "appointments", "display_name", ROW),  # another table
        FieldContext(OTHER_CLIENT, "users", "display_name", ROW),  # another tenant
        FieldContext(None, "users", "display_name", ROW),  # the platform
    ],
)
def test_a_ciphertext_copied_anywhere_else_fails_to_open(elsewhere: FieldContext) -> None:
    with pytest.raises(TamperedCiphertext) as raised:
        open_sealed(sealed(), key=KEY, context=elsewhere)
    assert SECRET not in str(raised.value)


def test_a_tampered_ciphertext_fails_to_open() -> None:
    text = sealed()
    # Not the last character: some of its bits can be padding a decoder ignores.
    at = len(text) - 5
    tampered = text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]
    with pytest.raises(TamperedCiphertext):
        open_sealed(tampered, key=KEY, context=CONTEXT)


def test_a_ciphertext_relabelled_with_another_key_id_fails_to_open() -> None:
    text = sealed()
    relabelled = text.replace(KEY_ID.hex, uuid.uuid4().hex)
    with pytest.raises(TamperedCiphertext):
        open_sealed(relabelled, key=KEY, context=CONTEXT)


def test_the_wrong_key_fails_to_open() -> None:
    with pytest.raises(TamperedCiphertext):
        open_sealed(sealed(), key=new_key(), context=CONTEXT)


@pytest.mark.parametrize("value", ["plain text", "ss1.nothex.AAAA", "ss2." + "0" * 32 + ".AAAA"])
def test_anything_but_a_version_1_ciphertext_is_refused_as_malformed(value: str) -> None:
    assert not is_ciphertext(value)
    with pytest.raises(MalformedCiphertext):
        open_sealed(value, key=KEY, context=CONTEXT)


def test_a_truncated_ciphertext_is_malformed() -> None:
    with pytest.raises(MalformedCiphertext):
        open_sealed(sealed()[:50], key=KEY, context=CONTEXT)


def test_a_wrapped_data_key_unwraps_only_with_its_master_key_id_and_owner() -> None:
    master, data_key, key_id = new_key(), new_key(), uuid.uuid4()
    wrapped = wrap_key(data_key, master_key=master, key_id=key_id, client_id=CLIENT)
    assert data_key not in wrapped
    assert unwrap_key(wrapped, master_key=master, key_id=key_id, client_id=CLIENT) == data_key
    for master_, key_id_, client in [
        (new_key(), key_id, CLIENT),
        (master, uuid.uuid4(), CLIENT),
        (master, key_id, OTHER_CLIENT),
    ]:
        with pytest.raises(UnknownMasterKey):
            unwrap_key(wrapped, master_key=master_, key_id=key_id_, client_id=client)


def test_a_master_key_id_is_stable_distinct_and_reveals_nothing() -> None:
    one, two = new_key(), new_key()
    assert master_key_id(one) == master_key_id(one)
    assert master_key_id(one) != master_key_id(two)
    assert len(master_key_id(one)) == 16
    assert one.hex()[:16] != master_key_id(one)
