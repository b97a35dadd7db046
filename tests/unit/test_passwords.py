"""Password hashes verify the right password only, under the right pepper."""

from __future__ import annotations

import pytest

from auth.passwords import hash_cost, hash_password, needs_rehash, verify_password

PEPPER = b"p" * 32
COST = 4


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse battery staple", PEPPER, COST)


def test_the_right_password_verifies(stored: str) -> None:
    assert verify_password("correct horse battery staple", stored, PEPPER)


def test_a_wrong_password_does_not_verify(stored: str) -> None:
    assert not verify_password("correct horse battery stapler", stored, PEPPER)


def test_a_wrong_pepper_does_not_verify(stored: str) -> None:
    assert not verify_password("correct horse battery staple", stored, b"q" * 32)


def test_hashes_are_salted() -> None:
    assert hash_password("same", PEPPER, COST) != hash_password("same", PEPPER, COST)


def test_the_hash_records_its_cost_and_asks_for_rehash_at_another(stored: str) -> None:
    assert hash_cost(stored) == COST
    assert not needs_rehash(stored, COST)
    assert needs_rehash(stored, 12)


def test_unicode_forms_of_the_same_password_match() -> None:
    composed = "caf\u00e9-password"  # é as one code point
    decomposed = "cafe\u0301-password"  # e + combining acute accent
    assert verify_password(decomposed, hash_password(composed, PEPPER, COST), PEPPER)


def test_passwords_differing_after_72_bytes_are_told_apart() -> None:
    # Plain bcrypt ignores everything past 72 bytes; the HMAC pre-hash does not.
    base = "x" * 80
    assert not verify_password(base + "b", hash_password(base + "a", PEPPER, COST), PEPPER)


@pytest.mark.parametrize("malformed", ["", "not-a-hash", "$2b$04$short", "\u00e9"])
def test_a_malformed_stored_hash_never_verifies(malformed: str) -> None:
    assert not verify_password("anything", malformed, PEPPER)
