"""Erasure requests: a client's administrators approve or decline what customers asked."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import Conflict, InvalidInput
from app.models import Role
from app.services import erasure
from app.web.forms.data_rights import DeclineForm
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


def _page(status: int = 200, problem: str | None = None, decline: DeclineForm | None = None):
    pending = erasure.pending_requests(get_session(), common.scope(), actor=common.actor())
    return render_template(
        "staff/erasure_requests.html",
        pending=pending,
        confirm=ConfirmForm(),
        decline=decline or DeclineForm(formdata=None),
        problem=problem,
    ), status


@login_required_role(Role.CLIENT_ADMIN)
def erasure_requests() -> ResponseReturnValue:
    """GET: the pending requests, oldest first."""
    return _page()


@login_required_role(Role.CLIENT_ADMIN)
def erasure_request_approve(request_id: uuid.UUID) -> ResponseReturnValue:
    """POST: erase the customer's data now."""
    if not ConfirmForm().validate_on_submit():
        return _page(400, "This form has expired. Please try again.")
    try:
        erasure.approve(
            get_session(), common.scope(), request_id, actor=common.actor(), now=common.now()
        )
    except Conflict as refused:
        return _page(409, str(refused))
    flash(
        "The customer's data is erased; their appointments remain as anonymous figures.", "success"
    )
    return redirect(url_for("staff.erasure_requests"))


@login_required_role(Role.CLIENT_ADMIN)
def erasure_request_decline(request_id: uuid.UUID) -> ResponseReturnValue:
    """POST: decline with a reason the customer sees."""
    # Load first: another client's request is a 404, whatever the form holds.
    common.scope().get_erasure_request(get_session(), request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _page(400, "Please give a reason of at most 1,000 characters.", decline=form)
    try:
        erasure.decline(
            get_session(),
            common.scope(),
            request_id,
            actor=common.actor(),
            now=common.now(),
            reason=form.reason.data,
        )
    except (InvalidInput, Conflict) as refused:
        return _page(common.status_of(refused), common.refusal(refused), decline=form)
    flash("The request is declined; the customer sees your reason.", "success")
    return redirect(url_for("staff.erasure_requests"))
