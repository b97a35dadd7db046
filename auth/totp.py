"""Time-based one-time codes (RFC 6238) and single-use recovery codes. Plain functions, no Flask.

A code is accepted for the current 30-second step and one step either side (phone
clocks drift, and people type slowly), but each step only once: the caller
stores the step a code was accepted for and passes it back, and no code of that
step or an earlier one is accepted again, so a code seen over someone's
shoulder or replayed from a log is useless (RFC 6238, section 5.2).

Recovery codes are random (50 bits each) and are stored as HMAC-SHA256 under a
key derived from the password pepper, not with bcrypt: they are not chosen by
people, so a slow hash adds nothing against guessing, while bcrypt would cost one
slow check per stored code on every attempt. The key lives outside the
database, so a stolen table alone reveals no code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
#: Steps accepted either side of the current one.
TOLERANCE = 1
ISSUER = "SafeSlot"

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8 to misread
_RECOVERY_GROUP = 5
_RECOVERY_LENGTH = 10

#: ASCII digits only: `\d` would also match other scripts' digits.
_CODE = re.compile(rf"[0-9]{{{DIGITS}}}")
_SEPARATORS = re.compile(r"[\s-]+")


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (the length RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, email: str, client_name: str | None) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code.

    The issuer names the business (platform accounts have none), so someone with
    accounts at two businesses can tell the entries in their app apart.
    """
    # The label is "issuer:account", so neither part may hold a colon; a slash would
    # end the URI's path early in some apps.
    issuer = _label_part(f"{ISSUER} – {client_name}" if client_name else ISSUER)
    return pyotp.TOTP(secret).provisioning_uri(name=_label_part(email), issuer_name=issuer)


def time_step(now: datetime) -> int:
    """The RFC 6238 time step `now` falls in."""
    if now.tzinfo is None:
        raise ValueError("time_step needs an aware datetime")
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code of `secret` for one time step."""
    return pyotp.TOTP(secret).generate_otp(step)


def looks_like_code(entered: str) -> bool:
    """True if `entered` has the shape of a one-time code (six digits, spaces allowed)."""
    return _CODE.fullmatch(_SEPARATORS.sub("", entered)) is not None


def matching_step(secret: str, entered: str, *, now: datetime, last_step: int | None) -> int | None:
    """The step `entered` is the code of, within tolerance and after `last_step`; else None.

    Store the returned step as the new `last_step`: it is what refuses a replay.
    """
    code = _SEPARATORS.sub("", entered)
    if _CODE.fullmatch(code) is None:
        return None
    current = time_step(now)
    for step in range(current - TOLERANCE, current + TOLERANCE + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code, code_at(secret, step)):
            return step
    return None


def recovery_key(pepper: bytes) -> bytes:
    """The HMAC key of recovery codes, derived from the password pepper."""
    return hmac.new(pepper, b"safeslot/recovery-codes/v1", hashlib.sha256).digest()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """`count` fresh codes, written in two groups of five: 'K7QXM-3HPRA'."""
    return [_recovery_code() for _ in range(count)]


def hash_recovery_code(code: str, key: bytes) -> str:
    """The stored form of a recovery code (hex HMAC-SHA256 of its normalised text)."""
    return hmac.new(key, _normalise_recovery(code).encode("ascii"), hashlib.sha256).hexdigest()


def redeem_recovery_code(entered: str, unused_hashes: Collection[str], key: bytes) -> str | None:
    """The stored hash among `unused_hashes` that `entered` matches (to be marked used), or None.

    The caller marks that hash used in the same transaction, which is what makes each
    code single-use.
    """
    normalised = _normalise_recovery(entered)
    if len(normalised) != _RECOVERY_LENGTH or not set(normalised) <= set(_RECOVERY_ALPHABET):
        return None
    candidate = hash_recovery_code(normalised, key)
    found = None
    for stored in unused_hashes:  # compare with every one, so timing tells nothing
        if hmac.compare_digest(candidate, stored):
            found = stored
    return found


def _recovery_code() -> str:
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{chars[:_RECOVERY_GROUP]}-{chars[_RECOVERY_GROUP:]}"


def _normalise_recovery(code: str) -> str:
    # People copy codes with or without the dash, in either case, with stray spaces.
    return _SEPARATORS.sub("", code).upper()


def _label_part(text: str) -> str:
    return re.sub(r"[:/]", " ", text).strip()
