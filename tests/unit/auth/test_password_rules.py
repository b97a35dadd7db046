"""Password rules: length, common passwords, personal words, character kinds."""

import pytest

from auth.password_rules import MAX_LENGTH, CharClass, PasswordRules, password_problems

RULES = PasswordRules(min_length=12)


def problems(password, rules=RULES, **kwargs):
    return password_problems(password, rules, **kwargs)


def test_a_long_passphrase_is_accepted():
    assert problems("purple walrus juggles teacups") == []


def test_too_short_says_the_minimum():
    assert problems("short one") == ["Use at least 12 characters: a few unrelated words work well."]


@pytest.mark.parametrize("length", [128, 500, MAX_LENGTH])
def test_long_passwords_are_accepted_whole(length):
    assert problems("correct horse " * (length // 14) + "x" * (length % 14)) == []


def test_absurdly_long_passwords_are_refused_with_the_limit():
    assert problems("x" * (MAX_LENGTH + 1))[-1] == f"Use at most {MAX_LENGTH} characters."


@pytest.mark.parametrize("common", ["password1", "PassWord1", "trustno1", "ILOVEYOU"])
def test_common_passwords_are_refused_whatever_the_case(common):
    # Each is in the shipped list of the 10,000 most common passwords.
    rules = PasswordRules(min_length=8)
    assert "one of the most common passwords" in " ".join(problems(common, rules))


def test_the_common_list_holds_ten_thousand_entries():
    from auth.password_rules import common_passwords

    assert len(common_passwords()) == 10_000
    assert {"123456", "password", "iloveyou"} <= common_passwords()


def test_unicode_is_allowed_and_normalised_before_counting():
    # Twelve full-width letters normalise (NFKC) to twelve ASCII letters.
    assert problems("ｐａｓｓｐｈｒａｓｅｘｙｚ") == []
    assert problems("naïve café rendezvous") == []


def test_lone_surrogates_are_refused_clearly():
    assert "cannot be stored" in problems("abc\ud800defghijklmn")[0]


def test_the_email_address_and_its_local_part_are_refused():
    found = problems("ada.lovelace-secret-key", email="Ada.Lovelace@example.org")
    assert found == ["Do not use your e-mail address or its first part in your password."]


def test_the_business_name_is_refused_whatever_the_spacing_and_case():
    found = problems("my riversidecounselling pw", business_name="Riverside Counselling")
    assert found == ["Do not use the name of the business in your password."]


def test_short_names_do_not_refuse_unrelated_passwords():
    assert problems("a perfectly fine phrase", email="al@example.org", business_name="A&B") == []


def test_required_character_kinds_are_named():
    rules = PasswordRules(
        min_length=8, required_classes=frozenset({CharClass.UPPER, CharClass.DIGIT})
    )
    assert problems("lowercase words only", rules) == ["Include an upper-case letter and a digit."]
    assert problems("Lowercase words 4 you", rules) == []


def test_every_problem_is_reported_at_once():
    rules = PasswordRules(min_length=20, required_classes=frozenset({CharClass.SYMBOL}))
    assert len(problems("password", rules)) == 3
