"""Forms of the calendar feed pages. Lengths and choices are checked again by the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.services.calendar_feeds import MAX_NAME
from scheduling.ical import Privacy


def _name() -> StringField:
    return StringField(
        "Name",
        validators=[
            InputRequired("Give the feed a name, such as the device it is for."),
            Length(max=MAX_NAME, message=f"A name can be at most {MAX_NAME} characters."),
        ],
        render_kw={"maxlength": MAX_NAME},
    )


class FeedForm(FlaskForm):
    name = _name()
    #: Choices are set by the view: the schedules this person may follow.
    schedule = SelectField("Appointments of", choices=[])


class RenameFeedForm(FlaskForm):
    name = _name()


#: What each level shows, in the words administrators choose between.
PRIVACY_CHOICES = [
    SelectChoice(
        Privacy.BUSY_ONLY.value, "Busy only: every appointment reads “Appointment”, nothing more"
    ),
    SelectChoice(Privacy.SERVICE_AND_INITIALS.value, "The service and the customer's initials"),
    SelectChoice(Privacy.FULL_DETAILS.value, "Full details: the service and the customer's name"),
]


class FeedPrivacyForm(FlaskForm):
    privacy = RadioField("What staff calendar feeds show", choices=PRIVACY_CHOICES)
