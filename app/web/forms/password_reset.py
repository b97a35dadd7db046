"""The forgotten-password forms: the address to send a link to, and the new password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from app.services.accounts import MAX_EMAIL_LENGTH
from app.web.forms.password import ChangePasswordForm


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Type the e-mail address you sign in with."),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )


class ResetPasswordForm(FlaskForm):
    # The same fields and messages as changing a password, without the current one.
    new = ChangePasswordForm.new
    confirm = ChangePasswordForm.confirm
