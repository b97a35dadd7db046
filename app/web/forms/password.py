"""The change-password form. The client's rules are checked by the service, not here."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from auth.password_rules import MAX_LENGTH


def _password(label: str, missing: str) -> PasswordField:
    # No minimum here: it is the client's to set, and the service says it in a sentence.
    return PasswordField(
        label,
        validators=[
            DataRequired(missing),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current = _password("Current password", "Type your current password.")
    new = _password("New password", "Choose a new password.")
    confirm = _password("Repeat the new password", "Type the new password again.")
