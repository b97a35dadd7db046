"""Forms of an administrator's team levers: a member's role and the schedules they see."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from app.models import Role


class RoleForm(FlaskForm):
    role = RadioField(
        "New role",
        choices=[
            SelectChoice(Role.STAFF.value, "Staff: agenda, appointments and customers"),
            SelectChoice(
                Role.CLIENT_ADMIN.value, "Administrator: also schedules, services and the team"
            ),
        ],
        validators=[InputRequired("Choose a role.")],
    )


class ScheduleAccessForm(FlaskForm):
    access = RadioField(
        "Schedules this person sees",
        choices=[
            SelectChoice("all", "Every schedule of the business"),
            SelectChoice("own", "Only the schedules they work on"),
        ],
        validators=[InputRequired("Choose which schedules they see.")],
    )
