"""The client's customers, and one customer's appointment history."""

from __future__ import annotations

import uuid

from flask import render_template
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services.appointment_records import customer_list
from app.services.record_views import open_customer
from app.web.staff import common


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def customers() -> ResponseReturnValue:
    """GET: every customer with their number of appointments."""
    rows = customer_list(get_session(), common.scope())
    return render_template("staff/customers.html", customers=rows)


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def customer(customer_id: uuid.UUID) -> ResponseReturnValue:
    """GET: one customer's upcoming and past appointments (the opening is audited)."""
    opened = open_customer(
        get_session(), common.scope(), customer_id, actor=common.actor(), now=common.now()
    )
    return render_template(
        "staff/customer.html",
        history=opened.history,
        recent_views=opened.recent_views,
        zone=opened.zone,
    )
