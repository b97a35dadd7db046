"""Pages of the platform's own people (support, platform administrators), under /platform.

This module is the URL table. Signing in follows the clients' rules (same service,
login log, lockout and second factor); a client's records are reached only through
a grant checked on every request, read-only and masked.
"""

from __future__ import annotations

from flask import Blueprint

from app.web.platform import client_views, emergency, home, signin

bp = Blueprint("platform", __name__, url_prefix="/platform")

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
CLIENT = "/clients/<uuid:client_id>"
CUSTOMER = f"{CLIENT}/customers/<uuid:customer_id>"
APPOINTMENT = f"{CLIENT}/appointments/<uuid:appointment_id>"

#: (rule, view, methods); the endpoint is "platform." + the view's name.
ROUTES = (
    ("/sign-in", signin.signin, BOTH),
    ("/sign-in/code", signin.signin_code, BOTH),
    ("", home.home, GET),
    ("/emergency", emergency.emergency, BOTH),
    (f"{CLIENT}/customers", client_views.customers, GET),
    (CUSTOMER, client_views.customer, GET),
    (f"{CUSTOMER}/reveal", client_views.customer_reveal, POST),
    (APPOINTMENT, client_views.appointment, GET),
    (f"{APPOINTMENT}/reveal", client_views.appointment_reveal, POST),
    (f"{CLIENT}/agenda", client_views.agenda, GET),
)

for _rule, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
