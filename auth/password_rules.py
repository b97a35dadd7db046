"""Which passwords a client accepts: length, common passwords, personal words, classes.

Plain functions over plain values: the client's policy, the person's e-mail and
the business's name come in as parameters. Every refusal is a sentence the
sign-up or change-password form shows as it is.

Passwords are compared after NFKC normalisation (what `auth.passwords` hashes),
so the same characters typed differently count the same; they are never
truncated, and anything up to `MAX_LENGTH` characters is accepted.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: Far above what anyone types; bounds the work a request can ask of the hash.
MAX_LENGTH = 1024
#: Names and addresses shorter than this match too many passwords by accident.
MIN_PERSONAL_WORD = 4


class CharClass(enum.StrEnum):
    LOWER = "lower"
    UPPER = "upper"
    DIGIT = "digit"
    SYMBOL = "symbol"

    @property
    def described(self) -> str:
        return {
            CharClass.LOWER: "a lower-case letter",
            CharClass.UPPER: "an upper-case letter",
            CharClass.DIGIT: "a digit",
            CharClass.SYMBOL: "a symbol or space",
        }[self]

    def found_in(self, text: str) -> bool:
        tests = {
            CharClass.LOWER: str.islower,
            CharClass.UPPER: str.isupper,
            CharClass.DIGIT: str.isdigit,
            CharClass.SYMBOL: lambda c: not c.isalnum(),
        }
        return any(tests[self](character) for character in text)


@dataclass(frozen=True, slots=True)
class PasswordRules:
    """A client's password rules (see auth.policy for the bounds of each number)."""

    min_length: int = 12
    required_classes: frozenset[CharClass] = frozenset()


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, lower-cased (see auth/data/SOURCE.txt)."""
    text = resources.files("auth").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(
    password: str, rules: PasswordRules, *, email: str = "", business_name: str = ""
) -> list[str]:
    """Every reason `password` is refused, as sentences; empty when it is acceptable."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        return ["The password contains characters that cannot be stored. Please retype it."]
    password = normalise(password)
    problems = []
    if len(password) < rules.min_length:
        problems.append(
            f"Use at least {rules.min_length} characters: a few unrelated words work well."
        )
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in common_passwords():
        problems.append("That is one of the most common passwords. Please choose another.")
    problems.extend(_personal_problems(password, email, business_name))
    missing = [c for c in CharClass if c in rules.required_classes and not c.found_in(password)]
    if missing:
        problems.append("Include " + _and_list([c.described for c in missing]) + ".")
    return problems


def _personal_problems(password: str, email: str, business_name: str) -> list[str]:
    compact = _compact(password)
    problems = []
    local_part = email.partition("@")[0]
    if any(_contains(compact, word) for word in (email, local_part)):
        problems.append("Do not use your e-mail address or its first part in your password.")
    if _contains(compact, business_name):
        problems.append("Do not use the name of the business in your password.")
    return problems


def _contains(compact_password: str, word: str) -> bool:
    word = _compact(word)
    return len(word) >= MIN_PERSONAL_WORD and word in compact_password


def _compact(text: str) -> str:
    return "".join(c for c in normalise(text).casefold() if c.isalnum())


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
