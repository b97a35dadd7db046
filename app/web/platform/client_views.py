"""A client's records as support sees them under a grant: read-only and masked.

Every view checks the grant again (through the service), so an expired or revoked
grant answers 404 on the very next request, exactly like a client never shared.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import render_template, request
from flask.typing import ResponseReturnValue

from app.access import login_required_role, platform_write
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role
from app.services import support_views
from app.services.support_views import REVEALABLE
from app.web.platform import common
from app.web.platform.forms import RevealForm

PLATFORM = (Role.SUPPORT, Role.PLATFORM_ADMIN)
LABELS = {
    "name": "Name",
    "email": "E-mail address",
    "phone": "Phone",
    "notes": "Notes",
    "contact_phone": "Contact phone",
}


def _reveal_form(kind: str) -> RevealForm:
    form = RevealForm()
    form.field.choices = [(name, LABELS[name]) for name in REVEALABLE[kind]]
    return form


@login_required_role(*PLATFORM)
def customers(client_id: uuid.UUID) -> ResponseReturnValue:
    """GET: the client's customers, names as initials and addresses masked."""
    access, rows = support_views.customers(
        get_session(), common.actor(), client_id, now=common.now()
    )
    return render_template("platform/customers.html", access=access, customers=rows)


@login_required_role(*PLATFORM)
def customer(client_id: uuid.UUID, customer_id: uuid.UUID) -> ResponseReturnValue:
    """GET: one customer, masked, with their appointments."""
    access, record = support_views.customer(
        get_session(), common.actor(), client_id, customer_id, now=common.now()
    )
    return _customer_page(access, record, _reveal_form("customer"))


@login_required_role(*PLATFORM)
@platform_write
def customer_reveal(client_id: uuid.UUID, customer_id: uuid.UUID) -> ResponseReturnValue:
    """POST: show one field of this customer in full, for a reason (audited)."""
    return _reveal("customer", client_id, customer_id)


@login_required_role(*PLATFORM)
def appointment(client_id: uuid.UUID, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """GET: one appointment, masked; notes hidden."""
    access, record = support_views.appointment(
        get_session(), common.actor(), client_id, appointment_id, now=common.now()
    )
    return _appointment_page(access, record, _reveal_form("appointment"))


@login_required_role(*PLATFORM)
@platform_write
def appointment_reveal(client_id: uuid.UUID, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """POST: show one field of this appointment in full, for a reason (audited)."""
    return _reveal("appointment", client_id, appointment_id)


@login_required_role(*PLATFORM)
def agenda(client_id: uuid.UUID) -> ResponseReturnValue:
    """GET ?view=day|week&date=YYYY-MM-DD: the client's agenda, names as initials."""
    week = request.args.get("view") == "week"
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = None
    access, shown = support_views.agenda(
        get_session(), common.actor(), client_id, day=day, week=week, now=common.now()
    )
    step = timedelta(days=7 if week else 1)
    return render_template(
        "platform/agenda.html",
        access=access,
        agenda=shown,
        week=week,
        previous_day=shown.first_day - step,
        next_day=shown.first_day + step,
    )


def _reveal(kind: str, client_id: uuid.UUID, object_id: uuid.UUID) -> ResponseReturnValue:
    form = _reveal_form(kind)
    session, user, now = get_session(), common.actor(), common.now()
    if form.validate_on_submit():
        try:
            access, record = support_views.reveal(
                session,
                user,
                client_id,
                kind,
                object_id,
                field=form.field.data,
                reason=form.reason.data,
                now=now,
            )
        except InvalidInput as refused:
            form.reason.errors = [*form.reason.errors, str(refused)]
        else:
            page = _customer_page if kind == "customer" else _appointment_page
            return page(access, record, _reveal_form(kind))
    # Refused input: the page again, masked, with the reason beside the form (nothing shown).
    load = support_views.customer if kind == "customer" else support_views.appointment
    access, record = load(session, user, client_id, object_id, now=now)
    page = _customer_page if kind == "customer" else _appointment_page
    return page(access, record, form, status=400)


def _customer_page(access, record, form, status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "platform/customer.html", access=access, record=record, form=form, labels=LABELS
    )
    return page, status


def _appointment_page(access, record, form, status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "platform/appointment.html", access=access, record=record, form=form, labels=LABELS
    )
    return page, status
