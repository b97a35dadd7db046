"""Two-step sign-in: the code page of a sign-in, and each person's own settings.

This module is the URL table; the views live in `signin_code` and `account`.
"""

from __future__ import annotations

from flask import Blueprint

from app.web.two_factor import account, signin_code

bp = Blueprint("two_factor", __name__)

GET, BOTH = ["GET"], ["GET", "POST"]
SETTINGS = "/account/two-factor"

#: (rule, view, methods); the endpoint is "two_factor." + the view's name.
ROUTES = (
    ("/c/<slug>/signin/code", signin_code.signin_code, BOTH),
    (SETTINGS, account.status, GET),
    (f"{SETTINGS}/enrol", account.enrol, BOTH),
    (f"{SETTINGS}/enrol/confirm", account.enrol_confirm, BOTH),
    (f"{SETTINGS}/recovery-codes", account.recovery_codes, BOTH),
    (f"{SETTINGS}/turn-off", account.turn_off, BOTH),
)

for _rule, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
