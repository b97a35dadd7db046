"""Forms of the services and team pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from app.models import Role
from app.services.accounts import MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH
from app.services.catalog import DURATION_MINUTES, MAX_DESCRIPTION, ServiceDetails
from app.web.forms.fields import WholeNumberField

#: Same bound as the sign-in form: a passphrase fits, bcrypt's input work stays bounded.
MAX_PASSWORD_LENGTH = 1024


class ServiceForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired("Give the service a name.")])
    description = TextAreaField(
        "Description (customers see it)", render_kw={"maxlength": MAX_DESCRIPTION, "rows": 3}
    )
    duration_minutes = WholeNumberField(
        "Duration (minutes)", render_kw={"min": DURATION_MINUTES[0], "max": DURATION_MINUTES[1]}
    )
    is_active = BooleanField("Can be booked")

    def details(self) -> ServiceDetails:
        """The submitted service as plain values for the use case."""
        return ServiceDetails(
            name=self.name.data,
            description=self.description.data or "",
            duration_minutes=self.duration_minutes.data,
            is_active=self.is_active.data,
        )


class TeamMemberForm(FlaskForm):
    display_name = StringField("Name", validators=[InputRequired("Give the person's name.")])
    email = EmailField(
        "E-mail address",
        validators=[InputRequired("Give their e-mail address."), Length(max=MAX_EMAIL_LENGTH)],
    )
    password = PasswordField(
        "Temporary password",
        validators=[
            InputRequired("Choose a temporary password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"A temporary password needs at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    role = RadioField(
        "Role",
        choices=[
            SelectChoice(Role.STAFF.value, "Staff: agenda, appointments and customers"),
            SelectChoice(
                Role.CLIENT_ADMIN.value, "Administrator: also schedules, services and the team"
            ),
        ],
        default=Role.STAFF.value,
        validators=[InputRequired("Choose a role.")],
    )
