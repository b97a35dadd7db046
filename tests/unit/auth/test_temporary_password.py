"""Temporary passwords: random, easy to read aloud, and within the client's rules."""

import itertools

import pytest

from auth.password_rules import CharClass, PasswordRules, password_problems
from auth.temporary_password import ALPHABET, temporary_password

ALL_KINDS = frozenset(CharClass)


@pytest.mark.parametrize("min_length", [8, 12, 24, 64])
@pytest.mark.parametrize("kinds", [frozenset(), ALL_KINDS])
def test_it_meets_the_clients_rules(min_length, kinds):
    rules = PasswordRules(min_length=min_length, required_classes=kinds)
    for _ in range(20):
        password = temporary_password(rules, email="ada@example.org", business_name="Riverside")
        assert password_problems(password, rules, email="ada@example.org") == []


def test_it_has_no_characters_that_are_confused_when_read_aloud():
    password = temporary_password(PasswordRules())
    assert set(password) <= set(ALPHABET) | {"-"}
    assert not set(password) & set("l1io0")


def test_it_has_at_least_about_a_hundred_bits():
    # Five groups of four from a 31-character alphabet: 20 * log2(31) is about 99 bits.
    assert temporary_password(PasswordRules(min_length=8)).count("-") == 4


def test_every_draw_is_different():
    assert len({temporary_password(PasswordRules()) for _ in range(50)}) == 50


def test_a_draw_that_contains_the_persons_address_is_drawn_again():
    # The first draw spells the e-mail's first part; the next does not.
    letters = itertools.chain("adaa" * 5, itertools.cycle("k7pm"))
    password = temporary_password(
        PasswordRules(), email="adaa@example.org", choice=lambda _alphabet: next(letters)
    )
    assert "adaa" not in password
