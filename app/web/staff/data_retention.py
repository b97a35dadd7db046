"""The Data retention page: how long a client keeps past appointments and the login log."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services import retention
from app.web.forms.data_rights import RetentionForm
from app.web.staff import common


@login_required_role(Role.CLIENT_ADMIN)
def data_retention() -> ResponseReturnValue:
    """GET/POST: both periods at once; one bad value saves neither."""
    form = RetentionForm()
    if not form.is_submitted():
        current = retention.current_settings(get_session(), common.scope())
        form.process(
            data={
                "appointment_days": ""
                if current.appointment_days is None
                else str(current.appointment_days),
                "login_log_days": str(current.login_log_days),
            }
        )
        return render_template("staff/data_retention.html", form=form)
    if form.validate_on_submit():
        try:
            settings = retention.parse_settings(
                form.appointment_days.data or "", form.login_log_days.data or ""
            )
            retention.save_settings(get_session(), common.scope(), settings, actor=common.actor())
        except retention.RetentionInvalid as refused:
            for name, message in refused.errors.items():
                form[name].errors = [*form[name].errors, message]
        else:
            flash("Data retention saved. It applies from the next nightly clean-up.", "success")
            return redirect(url_for("staff.data_retention"))
    return render_template("staff/data_retention.html", form=form), 400
