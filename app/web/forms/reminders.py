"""Forms of the reminder pages. Lead times are checked again by the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

LEADS_HINT = (
    "Hours (24h) or minutes (30m) before the start, separated by commas; at most three. "
    "Empty: no reminders. Default: 24h, 2h."
)


class ReminderSettingsForm(FlaskForm):
    leads = StringField(
        "When reminders go out", description=LEADS_HINT, validators=[Length(max=100)]
    )
    include_staff = BooleanField(
        "Name the staff in reminders and notices",
        description="E-mail is not a private channel: by default a message names only your "
        "business, the service and the time.",
    )
    include_schedule = BooleanField("Name the schedule (for example the room or place)")


class ServiceLeadsForm(FlaskForm):
    leads = StringField(
        "Reminders for this service",
        description="Empty: as set for the whole business above.",
        validators=[Length(max=100)],
    )


class ReminderPreferenceForm(FlaskForm):
    email = BooleanField("E-mail me reminders before my appointments")
    text = BooleanField("Text me reminders (not available yet: your choice is kept)")
