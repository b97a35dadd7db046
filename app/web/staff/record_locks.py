"""Record locks: administrators name who may open a customer's record; refusals are audited.

`register_refusal_page` answers every `RecordLocked` raised anywhere (pages and the
JSON API) in one place: the refusal is audited and the person sees only that a
locked record exists.
"""

from __future__ import annotations

import uuid

from flask import Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app.access import login_required_role
from app.db import get_session, utcnow
from app.errors import InvalidInput
from app.models import Role
from app.scope import RecordLocked
from app.services import record_locks
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common

LOCKED_MESSAGE = "This record is locked. Only the people its administrators named may open it."


class LockMembersForm(FlaskForm):
    """Who may open the record: members of the team, as checkboxes."""

    members = SelectMultipleField(
        "Who may open this record",
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


@login_required_role(Role.CLIENT_ADMIN)
def record_locks_list() -> ResponseReturnValue:
    """GET: every locked record of the client and who may open it."""
    rows = record_locks.locks(get_session(), common.scope(), actor=common.actor())
    return render_template("staff/record_locks.html", locks=rows, confirm=ConfirmForm())


@login_required_role(Role.CLIENT_ADMIN)
def record_lock(customer_id: uuid.UUID) -> ResponseReturnValue:
    """GET/POST: lock a customer's record to named people, or change who they are."""
    session, scope, actor = get_session(), common.scope(), common.actor()
    shown = record_locks.lock_form(session, scope, customer_id, actor=actor)
    form = LockMembersForm()
    form.members.choices = [(str(m.id), m.display_name) for m in shown.team]
    if not form.is_submitted():
        form.members.data = [str(i) for i in shown.member_ids]
    elif form.validate():
        try:
            record_locks.set_lock(
                session,
                scope,
                customer_id,
                actor=actor,
                member_ids=[uuid.UUID(value) for value in form.members.data],
            )
        except InvalidInput as refused:
            form.members.errors = [*form.members.errors, str(refused)]
        else:
            flash("The record is locked to the people you named.", "success")
            return redirect(url_for("staff.record_locks_list"))
    status = 400 if form.errors else 200
    return render_template("staff/record_lock.html", shown=shown, form=form), status


@login_required_role(Role.CLIENT_ADMIN)
def record_lock_remove(customer_id: uuid.UUID) -> ResponseReturnValue:
    """POST: lift the lock on a customer's record; the whole team may open it again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record_locks.remove_lock(get_session(), common.scope(), customer_id, actor=common.actor())
    flash("The lock is lifted.", "success")
    return redirect(url_for("staff.record_locks_list"))


def _refused(error: RecordLocked) -> ResponseReturnValue:
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    record_locks.record_denial(get_session(), error, viewer=viewer, now=utcnow())
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "record_locked", "message": LOCKED_MESSAGE}), 403
    return render_template("staff/record_locked.html", message=LOCKED_MESSAGE), 403


def register_refusal_page(app: Flask) -> None:
    """Answer `RecordLocked` everywhere with an audited refusal that shows nothing private."""
    app.register_error_handler(RecordLocked, _refused)
