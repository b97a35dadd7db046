"""Masked values let support recognise a record without ever showing the private value."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.services import support_masking as mask

TEXT = st.text(min_size=1, max_size=60).filter(lambda value: value.strip())


def test_names_become_initials():
    assert mask.initials("Cara Customer") == "C. C."
    assert mask.initials("amara") == "A."


def test_email_shows_first_letter_and_domain_only():
    assert mask.email("jane.doe@example.com") == "j***@example.com"


def test_phone_shows_last_two_digits_only():
    assert mask.phone("+44 20 7946 0958") == "*** 58"


def test_hidden_fields_say_only_that_there_is_something():
    assert mask.hidden("Allergic to latex") == "(hidden)"
    assert mask.hidden(None) == ""


@given(TEXT)
def test_a_masked_name_never_contains_the_whole_name(name):
    assert name.strip() not in mask.initials(name)


@given(TEXT, TEXT)
def test_a_masked_address_never_contains_the_whole_address(local, domain):
    address = f"{local}@{domain}"
    assert address not in mask.email(address)


@given(TEXT)
def test_a_masked_phone_never_contains_the_whole_number(number):
    assert number.strip() not in mask.phone(number)
