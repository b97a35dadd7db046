"""Forms of the platform pages: revealing one field, and opening emergency access."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.models.support_grant import MAX_REASON
from app.services.support_grants import MAX_EMERGENCY_MINUTES
from app.web.forms.fields import WholeNumberField

REASON_HINT = "Recorded in the client's access history."


class RevealForm(FlaskForm):
    """One field of one record, and why it must be seen in full."""

    field = SelectField("Field", choices=[], validate_choice=True)
    reason = TextAreaField(
        "Why do you need to see it?",
        validators=[
            DataRequired("Say why you need to see it."),
            Length(max=MAX_REASON, message=f"Use at most {MAX_REASON} characters."),
        ],
    )


class EmergencyForm(FlaskForm):
    """Break-glass access to one client, for at most an hour."""

    client = SelectField("Client", choices=[], validate_choice=False)
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Say why emergency access is needed."),
            Length(max=MAX_REASON, message=f"Use at most {MAX_REASON} characters."),
        ],
    )
    minutes = WholeNumberField(
        "Minutes", default=30, render_kw={"min": 1, "max": MAX_EMERGENCY_MINUTES}
    )
