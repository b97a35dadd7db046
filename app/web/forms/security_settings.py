"""The Security settings form: every number of `auth.policy.BOUNDS`, with its range and default.

The numbers arrive as the text that was typed and are checked only by
`auth.policy.policy_from_settings`, so the page, the bounds and their
messages can never disagree.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, StringField

from app.web.forms.staff_schedules import CheckboxesField
from auth.password_rules import CharClass
from auth.policy import BOUNDS

#: Said next to the maximum password age, where an administrator might switch rotation on.
ROTATION_NOTE = (
    "Off by default: current NIST (SP 800-63B) and OWASP guidance advise against periodic "
    "rotation; it pushes people to predictable passwords."
)
#: What leaving an optional setting empty means, in the administrator's words.
EMPTY_MEANS = {
    "max_age_days": "passwords never expire",
    "lockout_minutes": "locked until an administrator unlocks the account",
}
#: Extra words after a field's range and default.
NOTES = {
    "max_age_days": ROTATION_NOTE,
    "lockout_minutes": "Not used while the box above is ticked.",
    "lockout_window_minutes": "Failures further apart than this start the count again.",
}


def range_and_default(name: str) -> str:
    """'From 8 to 64. Default: 12.', saying what empty means for an optional setting."""
    bound = BOUNDS[name]
    text = f"From {bound.low} to {bound.high}."
    if bound.optional:
        text += f" Empty: {EMPTY_MEANS[name]}."
    text += f" Default: {'empty' if bound.default is None else bound.default}."
    return f"{text} {NOTES[name]}" if name in NOTES else text


def _number(name: str) -> StringField:
    bound = BOUNDS[name]
    return StringField(
        bound.label,
        description=range_and_default(name),
        render_kw={"type": "number", "min": bound.low, "max": bound.high, "step": 1},
    )


class SecuritySettingsForm(FlaskForm):
    min_length = _number("min_length")
    required_classes = CheckboxesField(
        "Every password must include",
        choices=[SelectChoice(kind.value, kind.described) for kind in CharClass],
        # Unknown values go on to the policy, which refuses them in its own words.
        validate_choice=False,
        description="None by default: length protects better than required kinds.",
    )
    history_depth = _number("history_depth")
    max_age_days = _number("max_age_days")
    lockout_threshold = _number("lockout_threshold")
    lockout_window_minutes = _number("lockout_window_minutes")
    lock_until_unlocked = BooleanField(
        "Keep a locked account locked until an administrator unlocks it"
    )
    lockout_minutes = _number("lockout_minutes")
    staff_idle_minutes = _number("staff_idle_minutes")
    customer_idle_minutes = _number("customer_idle_minutes")
    absolute_hours = _number("absolute_hours")
    mfa_required_for_staff = BooleanField(
        "Staff and administrators must use a second factor (MFA) to sign in"
    )
    self_service_reset = BooleanField(
        "Let people reset a forgotten password by e-mail",
        description=(
            'Off by default. When on, the sign-in page offers "Forgot your password?": a '
            "link sent to the account's address works once, within 30 minutes. Whoever "
            "reads that mailbox can take over the account, so leave it off where an e-mail "
            "account is a weaker guard than the password. When off, an administrator hands "
            "out a temporary password."
        ),
    )

    def fill_from(self, settings: dict[str, object]) -> None:
        """Start from the client's current settings (a GET of the page)."""
        text = {name: _text(settings[name]) for name in BOUNDS}
        until_unlocked = not text["lockout_minutes"]
        if until_unlocked:
            # The ticked box says it all; unticking it then offers the default duration.
            text["lockout_minutes"] = _text(BOUNDS["lockout_minutes"].default)
        self.process(
            data={
                **text,
                "lock_until_unlocked": until_unlocked,
                "required_classes": list(settings["required_classes"]),
                "mfa_required_for_staff": settings["mfa_required_for_staff"],
                "self_service_reset": settings["self_service_reset"],
            }
        )

    def settings(self) -> dict[str, object]:
        """What was submitted, in the shape `policy_from_settings` reads."""
        values: dict[str, object] = {name: self[name].data or "" for name in BOUNDS}
        if self.lock_until_unlocked.data:
            values["lockout_minutes"] = ""  # empty is "until an administrator unlocks"
        values["required_classes"] = list(self.required_classes.data or [])
        values["mfa_required_for_staff"] = self.mfa_required_for_staff.data
        values["self_service_reset"] = self.self_service_reset.data
        return values

    def show(self, errors: dict[str, str]) -> None:
        """Put each refusal next to the field it is about."""
        for name, message in errors.items():
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)


def _text(value: object) -> str:
    return "" if value is None else str(value)
