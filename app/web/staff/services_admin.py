"""The client's services: everyone on the team sees them; administrators change them."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import Conflict, InvalidInput
from app.models import Role
from app.services import catalog
from app.web.forms.staff_catalog import ServiceForm
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common

REFUSALS = (InvalidInput, Conflict)


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def services() -> ResponseReturnValue:
    """GET: the services, with edit and delete controls for administrators."""
    listed = catalog.service_list(get_session(), common.scope())
    return render_template("staff/services.html", services=listed, confirm=ConfirmForm())


@login_required_role(Role.CLIENT_ADMIN)
def service_new() -> ResponseReturnValue:
    """GET/POST: create a service."""
    form = ServiceForm(data={"is_active": True, "duration_minutes": 30})
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            catalog.create_service(
                get_session(), common.scope(), form.details(), actor=common.actor()
            )
        except REFUSALS as refused:
            status = common.show_on_form(form, refused)
        else:
            flash(
                f"{form.name.data.strip()} added. Offer it on a schedule to make it bookable.",
                "success",
            )
            return redirect(url_for("staff.services"))
    return render_template("staff/service_form.html", form=form, service=None), status


@login_required_role(Role.CLIENT_ADMIN)
def service_edit(service_id: uuid.UUID) -> ResponseReturnValue:
    """GET/POST: change a service's name, description, duration or availability."""
    session, scope = get_session(), common.scope()
    service = scope.get_service(session, service_id)
    form = ServiceForm(obj=service)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            catalog.update_service(session, scope, service_id, form.details(), actor=common.actor())
        except REFUSALS as refused:
            status = common.show_on_form(form, refused)
        else:
            flash("Service saved.", "success")
            return redirect(url_for("staff.services"))
    return render_template("staff/service_form.html", form=form, service=service), status


@login_required_role(Role.CLIENT_ADMIN)
def service_delete(service_id: uuid.UUID) -> ResponseReturnValue:
    """POST: delete a service nobody has booked (others are switched off instead)."""
    session, scope = get_session(), common.scope()
    service = scope.get_service(session, service_id)
    name = service.name
    try:
        catalog.delete_service(session, scope, service_id, actor=common.actor())
    except Conflict as refused:
        listed = catalog.service_list(session, scope)
        return render_template(
            "staff/services.html", services=listed, confirm=ConfirmForm(), problem=str(refused)
        ), 409
    flash(f"{name} deleted.", "success")
    return redirect(url_for("staff.services"))
