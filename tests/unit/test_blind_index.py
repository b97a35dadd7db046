"""The blind index finds an address however it was typed, and only under the right key."""

from __future__ import annotations

from app.blind_index import email_lookup, normalise_email

KEY = bytes(32)
OTHER_KEY = bytes([1]) * 32


def test_differently_typed_forms_of_an_address_share_one_lookup() -> None:
    assert email_lookup("  Sam.Taylor@Example.ORG ", KEY) == email_lookup(
        "sam.taylor@example.org", KEY
    )


def test_compatibility_characters_are_normalised() -> None:
    # A full-width "Ｓ" (U+FF33) is NFKC-equivalent to "S".
    assert normalise_email("\uff33am@example.org") == "sam@example.org"


def test_lookup_is_64_hex_digits_and_not_the_address() -> None:
    lookup = email_lookup("sam@example.org", KEY)
    assert len(lookup) == 64
    assert int(lookup, 16) >= 0
    assert "sam" not in lookup


def test_another_key_gives_another_lookup() -> None:
    assert email_lookup("sam@example.org", KEY) != email_lookup("sam@example.org", OTHER_KEY)


def test_different_addresses_give_different_lookups() -> None:
    assert email_lookup("sam@example.org", KEY) != email_lookup("pam@example.org", KEY)
