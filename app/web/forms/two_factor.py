"""Forms of two-step sign-in: the password again before a change, and a code."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from auth.password_rules import MAX_LENGTH

#: Room for a recovery code typed with spaces; anything longer is not a code.
MAX_CODE_LENGTH = 40


class ConfirmPasswordForm(FlaskForm):
    """Re-authentication: the current password, asked again before a security change."""

    password = PasswordField(
        "Your password",
        validators=[
            DataRequired("Type your password."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
    )


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app (or, when signing in, a recovery code)."""

    code = StringField(
        "Code",
        validators=[
            DataRequired("Type the code."),
            Length(max=MAX_CODE_LENGTH, message="That is too long to be a code."),
        ],
    )
