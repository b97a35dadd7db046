"""Forms of the data pages: download, erasure request and decision, retention settings.

Numbers arrive as typed text and are checked only by `app.services.retention`, so
the page, the bounds and their messages can never disagree.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.models.client import (
    APPOINTMENT_RETENTION_DAYS,
    DEFAULT_LOGIN_LOG_RETENTION_DAYS,
    LOGIN_LOG_RETENTION_DAYS,
)
from app.models.erasure_request import MAX_DECLINE_REASON


class DownloadForm(FlaskForm):
    """Only the CSRF token: downloading is recorded, so it is a POST."""


class ErasureForm(FlaskForm):
    confirm = BooleanField(
        "I understand that my account and my personal details will be erased for good",
        validators=[InputRequired("Tick the box to confirm that you want your data erased.")],
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the customer sees it)",
        validators=[
            InputRequired("Please give a reason; the customer will see it."),
            Length(
                max=MAX_DECLINE_REASON,
                message=f"A reason can be at most {MAX_DECLINE_REASON} characters.",
            ),
        ],
    )


def _days(label: str, bounds: tuple[int, int], description: str) -> StringField:
    low, high = bounds
    return StringField(
        label,
        description=f"From {low} to {high} days. {description}",
        render_kw={"type": "number", "min": low, "max": high, "step": 1, "inputmode": "numeric"},
    )


class RetentionForm(FlaskForm):
    appointment_days = _days(
        "Delete past appointments and their notes after (days)",
        APPOINTMENT_RETENTION_DAYS,
        "Counted from the end of each appointment. "
        "Empty (the default): kept while the customer's account is active.",
    )
    login_log_days = _days(
        "Delete login-log entries after (days)",
        LOGIN_LOG_RETENTION_DAYS,
        f"Default: {DEFAULT_LOGIN_LOG_RETENTION_DAYS}.",
    )
