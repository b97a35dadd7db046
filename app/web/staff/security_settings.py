"""The Security settings page: a client's password, lockout and session rules."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services import security_settings as settings_service
from app.web.forms.security_settings import SecuritySettingsForm
from app.web.staff import common
from auth.policy import PolicyInvalid


@login_required_role(Role.CLIENT_ADMIN)
def security_settings() -> ResponseReturnValue:
    """GET/POST: every setting at once; one bad value saves none of them."""
    form = SecuritySettingsForm()
    if not form.is_submitted():
        form.fill_from(settings_service.current_settings(get_session(), common.scope()))
        return render_template("staff/security_settings.html", form=form)
    if form.validate_on_submit():
        try:
            settings_service.save_settings(
                get_session(), common.scope(), form.settings(), actor=common.actor()
            )
        except PolicyInvalid as refused:
            form.show(refused.errors)
        else:
            flash("Security settings saved. They apply from each person's next request.", "success")
            return redirect(url_for("staff.security_settings"))
    return render_template("staff/security_settings.html", form=form), 400
