"""A customer's Reminders page: which reminder channels they want."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services import reminders_settings
from app.web.accounts import load_client
from app.web.customer_gate import customer_scope
from app.web.forms.reminders import ReminderPreferenceForm

bp = Blueprint("reminder_preferences", __name__)


@bp.route("/c/<slug>/account/reminders", methods=["GET", "POST"])
@login_required_role(Role.CUSTOMER)
def preferences(slug: str) -> ResponseReturnValue:
    """GET: the customer's reminder choices. POST: save them."""
    client = load_client(slug)
    scope = customer_scope(client)
    session = get_session()
    form = ReminderPreferenceForm()
    if not form.is_submitted():
        saved = reminders_settings.preference(session, scope.customer_id)
        form.email.data = not saved.email_opt_out
        form.text.data = not saved.text_opt_out
        return render_template("customer/reminder_preferences.html", client=client, form=form)
    if not form.validate_on_submit():
        return render_template("customer/reminder_preferences.html", client=client, form=form), 400
    reminders_settings.save_preference(
        session,
        scope.customer_id,
        email_opt_out=not form.email.data,
        text_opt_out=not form.text.data,
    )
    flash("Your reminder choices are saved.", "success")
    return redirect(url_for("reminder_preferences.preferences", slug=client.slug), 303)
