"""Forms of the schedule pages: settings, weekly hours, date overrides and closures."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import Schedule
from app.services import schedule_rules as rules
from app.services.schedule_rules import WEEKDAYS, ScheduleSettings
from app.web.forms.fields import DayField, HoursField, WholeNumberField


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (rendered inside a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _range(bounds: tuple[int, int]) -> dict[str, int]:
    # The same limits the rules enforce, as hints for browsers and assistive technology.
    return {"min": bounds[0], "max": bounds[1]}


class ScheduleForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired("Give the schedule a name.")])
    slug = StringField("Web address name", validators=[InputRequired("Choose a web address name.")])
    timezone = StringField("Time zone", validators=[InputRequired("Choose a time zone.")])
    slot_step_minutes = WholeNumberField(
        "Slot step (minutes)", render_kw=_range(rules.STEP_MINUTES)
    )
    buffer_before_minutes = WholeNumberField(
        "Buffer before (minutes)", render_kw=_range(rules.BUFFER_MINUTES)
    )
    buffer_after_minutes = WholeNumberField(
        "Buffer after (minutes)", render_kw=_range(rules.BUFFER_MINUTES)
    )
    min_notice_minutes = WholeNumberField(
        "Minimum notice (minutes)", render_kw=_range(rules.NOTICE_MINUTES)
    )
    horizon_days = WholeNumberField("Booking horizon (days)", render_kw=_range(rules.HORIZON_DAYS))
    capacity = WholeNumberField("Capacity (people at a time)", render_kw=_range(rules.CAPACITY))
    daily_cap = WholeNumberField("Most bookings a day", optional=True, render_kw=_range(rules.CAP))
    weekly_cap = WholeNumberField(
        "Most bookings a week", optional=True, render_kw=_range(rules.CAP)
    )
    approval_required = BooleanField("Bookings wait for staff approval")
    is_active = BooleanField("Open for booking")
    service_ids = CheckboxesField("Services offered", coerce=uuid.UUID)
    staff_ids = CheckboxesField("Staff working on it", coerce=uuid.UUID)

    def set_choices(self, services, members) -> None:
        """Offer the client's services and team as checkboxes."""
        self.service_ids.choices = [
            SelectChoice(str(s.id), s.name if s.is_active else f"{s.name} (switched off)")
            for s in services
        ]
        self.staff_ids.choices = [
            SelectChoice(
                str(m.id), m.display_name if m.is_active else f"{m.display_name} (deactivated)"
            )
            for m in members
        ]

    def fill_from(self, schedule: Schedule) -> None:
        """Start from the schedule's current settings (a GET of the edit page)."""
        self.process(obj=schedule)
        self.service_ids.data = [s.id for s in schedule.services]
        self.staff_ids.data = [m.id for m in schedule.staff]

    def settings(self) -> ScheduleSettings:
        """The submitted settings as plain values for the use case."""
        return ScheduleSettings(
            name=self.name.data,
            slug=self.slug.data,
            timezone=self.timezone.data.strip(),
            slot_step_minutes=self.slot_step_minutes.data,
            buffer_before_minutes=self.buffer_before_minutes.data,
            buffer_after_minutes=self.buffer_after_minutes.data,
            min_notice_minutes=self.min_notice_minutes.data,
            horizon_days=self.horizon_days.data,
            capacity=self.capacity.data,
            daily_cap=self.daily_cap.data,
            weekly_cap=self.weekly_cap.data,
            approval_required=self.approval_required.data,
            is_active=self.is_active.data,
            service_ids=tuple(self.service_ids.data or ()),
            staff_ids=tuple(self.staff_ids.data or ()),
        )


class WeeklyHoursForm(FlaskForm):
    """One text field per weekday: '09:00-12:30, 13:30-17:00', blank when closed."""

    day_0 = HoursField(WEEKDAYS[0])
    day_1 = HoursField(WEEKDAYS[1])
    day_2 = HoursField(WEEKDAYS[2])
    day_3 = HoursField(WEEKDAYS[3])
    day_4 = HoursField(WEEKDAYS[4])
    day_5 = HoursField(WEEKDAYS[5])
    day_6 = HoursField(WEEKDAYS[6])

    def days(self) -> list[HoursField]:
        """The seven fields, Monday first."""
        return [self[f"day_{weekday}"] for weekday in range(7)]

    def fill_from(self, schedule: Schedule) -> None:
        """Start from the schedule's weekly hours."""
        by_day: dict[int, list] = {weekday: [] for weekday in range(7)}
        for row in schedule.weekly_hours:
            by_day[row.weekday].append((row.start_time, row.end_time))
        for weekday, field in enumerate(self.days()):
            field.process_data(by_day[weekday])

    def hours(self) -> dict[int, list]:
        """Intervals per weekday (0 = Monday) as submitted."""
        return {weekday: field.intervals for weekday, field in enumerate(self.days())}


class OverrideForm(FlaskForm):
    date = DayField("Date")
    hours = HoursField("Hours")


class ClosureForm(FlaskForm):
    first_date = DayField("First day")
    last_date = DayField("Last day")
    reason = StringField("Reason (customers see it)")


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""
