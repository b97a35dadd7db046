"""Refusals that name the form field they are about, so a page can show them in place."""

from __future__ import annotations

from app.errors import Conflict, InvalidInput


class InvalidField(InvalidInput):
    """`InvalidInput` about one field (answered 400); `field` is the form field's name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FieldConflict(Conflict):
    """`Conflict` about one field (answered 409), e.g. a slug or address already taken."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
