"""Domain errors of field encryption. None of them ever carries a plaintext value."""

from __future__ import annotations


class FieldCryptoError(Exception):
    """A private field could not be sealed or opened; the message names only IDs."""


class MalformedCiphertext(FieldCryptoError):
    """The stored value is not a ciphertext of a known format version."""


class TamperedCiphertext(FieldCryptoError):
    """Authentication failed: altered, or copied from another row, column or tenant."""


class UnknownDataKey(FieldCryptoError):
    """The ciphertext names a data key this database does not hold."""


class UnknownMasterKey(FieldCryptoError):
    """A data key is wrapped by a master key that is not configured."""


class UnsealedValue(FieldCryptoError):
    """A private column was about to be written without encryption."""


class FieldTooLong(FieldCryptoError, ValueError):
    """A private value exceeds its column's maximum length."""
