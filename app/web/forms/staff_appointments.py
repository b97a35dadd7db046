"""Forms of the agenda and appointment pages: approve, decline, cancel, outcome, booking."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.models import AppointmentStatus
from app.services.booking import MAX_NOTES
from app.services.changes import MAX_REASON
from app.web.forms.fields import DayField

CHOOSE_A_TIME = "Choose one of the times listed."


class ActionForm(FlaskForm):
    """Approve and similar one-button actions: only the CSRF token is checked."""


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _reason() -> TextAreaField:
    # Shown to the customer, so required; the limit is the one the use case enforces.
    return TextAreaField(
        "Reason (the customer sees it)",
        filters=[_strip],
        validators=[
            DataRequired("Please give a reason; the customer will see it."),
            Length(max=MAX_REASON, message=f"A reason can be at most {MAX_REASON} characters."),
        ],
        render_kw={"rows": 2, "maxlength": MAX_REASON},
    )


# Decline and cancel can share a page, so their fields have names (and ids) of their own.
class DeclineForm(FlaskForm):
    decline_reason = _reason()


class CancelForm(FlaskForm):
    cancel_reason = _reason()


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        "How did it go?",
        choices=[
            SelectChoice(AppointmentStatus.COMPLETED.value, "Completed"),
            SelectChoice(AppointmentStatus.NO_SHOW.value, "Did not come (no-show)"),
        ],
        validators=[InputRequired("Choose completed or no-show.")],
    )


class FindDayForm(FlaskForm):
    """The GET form that lists a day's open times; it changes nothing, so it has no token."""

    class Meta:
        csrf = False

    date = DayField("Date")


class FindTimesForm(FindDayForm):
    """Who, what and where, as well as the day."""

    # Choices are not checked here: an ID from another client must find nothing (404),
    # which the scoped look-ups answer.
    customer = SelectField(
        "Customer", validate_choice=False, validators=[InputRequired("Choose a customer.")]
    )
    service = SelectField(
        "Service", validate_choice=False, validators=[InputRequired("Choose a service.")]
    )
    schedule = SelectField(
        "Schedule", validate_choice=False, validators=[InputRequired("Choose a schedule.")]
    )

    def set_choices(self, choices) -> None:
        """Offer the client's customers, bookable services and open schedules."""
        self.customer.choices = [SelectChoice(str(c.id), c.display_name) for c in choices.customers]
        self.service.choices = [
            SelectChoice(str(s.id), f"{s.name} ({s.duration_minutes} min)")
            for s in choices.services
        ]
        self.schedule.choices = [SelectChoice(str(s.id), s.name) for s in choices.schedules]


class PickTimeForm(FlaskForm):
    """The chosen start (an instant in UTC, as listed) and, for bookings, private notes."""

    start = StringField("Time", validators=[InputRequired(CHOOSE_A_TIME)])
    #: The chosen start as an aware datetime, once the form validated.
    start_at: datetime | None = None
    notes = TextAreaField(
        "Notes (private)",
        validators=[Length(max=MAX_NOTES, message=f"At most {MAX_NOTES:,} characters, please.")],
        render_kw={"rows": 2},
    )

    def validate_start(self, field: StringField) -> None:
        """Only an instant with a zone, as the listed times are, is read."""
        self.start_at = _instant(field.data)
        if self.start_at is None:
            raise ValidationError(CHOOSE_A_TIME)


def _instant(text: str | None) -> datetime | None:
    try:
        start = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def as_uuid(value: str | None) -> uuid.UUID | None:
    """`value` as a UUID, or None when it is not one."""
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None
