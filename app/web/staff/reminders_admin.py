"""Reminder settings and undelivered mail, for a client's administrator."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role, Service
from app.services import outbox_failures
from app.services import reminders_settings as settings
from app.web.forms.reminders import ReminderSettingsForm, ServiceLeadsForm
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


@login_required_role(Role.CLIENT_ADMIN)
def reminder_settings() -> ResponseReturnValue:
    """GET/POST: the business's lead times and what messages may name; each service's own."""
    scope = common.scope()
    session = get_session()
    form = ReminderSettingsForm()
    if not form.is_submitted():
        row = settings.client_settings(session, scope.client_id)
        form.leads.data = settings.format_leads(settings.client_leads(session, scope.client_id))
        form.include_staff.data = row.include_staff
        form.include_schedule.data = row.include_schedule
        return _page(form)
    if form.validate_on_submit():
        try:
            settings.save_client_settings(
                session,
                scope.client_id,
                leads_text=form.leads.data or "",
                include_staff=form.include_staff.data,
                include_schedule=form.include_schedule.data,
            )
        except InvalidInput as refused:
            form.leads.errors.append(str(refused))
        else:
            flash(
                "Reminder settings saved. They apply to appointments booked or moved from now on.",
                "success",
            )
            return redirect(url_for("staff.reminder_settings"), 303)
    return _page(form), 400


@login_required_role(Role.CLIENT_ADMIN)
def reminder_service_leads(service_id: uuid.UUID) -> ResponseReturnValue:
    """POST: a service's own lead times (empty: the business's)."""
    scope = common.scope()
    service = scope.get_service(get_session(), service_id)
    form = ServiceLeadsForm(prefix=str(service.id))
    if not form.validate_on_submit():
        flash("Lead times can be at most 100 characters.", "error")
        return redirect(url_for("staff.reminder_settings"), 303)
    text = (form.leads.data or "").strip()
    try:
        settings.save_service_leads(
            get_session(), scope.client_id, service.id, leads_text=text or None
        )
    except InvalidInput as refused:
        flash(f"{service.name}: {refused}", "error")
    else:
        flash(f"Reminders for {service.name} saved.", "success")
    return redirect(url_for("staff.reminder_settings"), 303)


def _page(form: ReminderSettingsForm) -> str:
    scope = common.scope()
    session = get_session()
    services = session.scalars(scope.services().order_by(Service.name)).all()
    rows = []
    for service in services:
        own = settings.service_leads(session, service.id)
        service_form = ServiceLeadsForm(prefix=str(service.id), formdata=None)
        service_form.leads.data = settings.format_leads(own) if own is not None else ""
        rows.append((service, service_form))
    return render_template("staff/reminder_settings.html", form=form, services=rows)


@login_required_role(Role.CLIENT_ADMIN)
def mail_failures() -> ResponseReturnValue:
    """E-mails and reminders that failed or wait for another attempt, with their reasons."""
    items = outbox_failures.undelivered(get_session(), common.scope())
    return render_template("staff/mail_failures.html", items=items, form=ConfirmForm())


@login_required_role(Role.CLIENT_ADMIN)
def mail_failure_retry(kind: str, item_id: uuid.UUID) -> ResponseReturnValue:
    """POST: send a failed e-mail or reminder again at the next sweep (within a minute)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("staff.mail_failures"), 303)
    try:
        outbox_failures.retry(
            get_session(), common.scope(), kind, item_id, actor=common.actor(), now=common.now()
        )
    except InvalidInput as refused:
        flash(str(refused), "error")
    else:
        flash("It will be sent again within a minute.", "success")
    return redirect(url_for("staff.mail_failures"), 303)
