"""Support access: a client's administrators let platform support in, for a while, and out."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput, NotFound
from app.models import Role
from app.models.support_grant import MAX_REASON
from app.services import support_grants
from app.web.forms.fields import WholeNumberField
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


class GrantForm(FlaskForm):
    """Why support needs access, and for how many hours (1 to 72)."""

    reason = TextAreaField(
        "Why does support need access?",
        validators=[
            DataRequired("Say why support needs access."),
            Length(max=MAX_REASON, message=f"Use at most {MAX_REASON} characters."),
        ],
    )
    duration = WholeNumberField(
        "For how many hours",
        default=24,
        render_kw={"min": 1, "max": support_grants.MAX_GRANT_HOURS},
    )


def _page(form: GrantForm, status: int = 200) -> ResponseReturnValue:
    grants = support_grants.client_grants(
        get_session(), common.scope(), actor=common.actor(), now=common.now()
    )
    page = render_template(
        "staff/support_access.html",
        grants=grants,
        form=form,
        confirm=ConfirmForm(),
        limit=support_grants.MAX_GRANT_HOURS,
        now=common.now(),
    )
    return page, status


@login_required_role(Role.CLIENT_ADMIN)
def support_access() -> ResponseReturnValue:
    """GET: grants in force and past; POST: grant support access with a reason and a limit."""
    form = GrantForm()
    if not form.is_submitted():
        return _page(form)
    if form.validate():
        try:
            support_grants.grant_support(
                get_session(),
                common.scope(),
                actor=common.actor(),
                reason=form.reason.data,
                hours=form.duration.data,
                now=common.now(),
            )
        except InvalidInput as refused:
            return _page(form, common.show_on_form(form, refused))
        flash(
            "Support can now see your records, masked and read-only, until the time shown.",
            "success",
        )
        return redirect(url_for("staff.support_access"))
    return _page(form, 400)


@login_required_role(Role.CLIENT_ADMIN)
def support_access_revoke() -> ResponseReturnValue:
    """POST grant=<id>: end a grant now (an emergency one too); support loses access at once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _page(GrantForm(formdata=None), 400)
    try:
        grant_id = uuid.UUID(request.form.get("grant", ""))
    except ValueError:
        raise NotFound from None  # like a grant that does not exist
    try:
        support_grants.revoke(
            get_session(), common.scope(), grant_id, actor=common.actor(), now=common.now()
        )
    except InvalidInput as refused:
        flash(str(refused), "error")
        return redirect(url_for("staff.support_access"))
    flash("Support access ended.", "success")
    return redirect(url_for("staff.support_access"))
