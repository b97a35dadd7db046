"""What every staff view shares: the actor, their scope, the clock, and error wording."""

from __future__ import annotations

from datetime import datetime

from flask import redirect, request
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.db import utcnow
from app.errors import Conflict, InvalidInput
from app.models import User
from app.scope import Scope
from app.services.booking import SlotTaken
from app.web.navigation import safe_next
from scheduling import SchedulingError


def actor() -> User:
    """The signed-in user (the object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def scope() -> Scope:
    """What the signed-in staff member may see: their client's records."""
    return Scope.for_user(actor())


def now() -> datetime:
    """The current instant (one place, so tests can set the clock)."""
    return utcnow()


def go_back(default: str) -> Response:
    """Redirect to the form's `next` if it is a path on this site, else to `default`."""
    return redirect(safe_next(request.form.get("next")) or default)


def refusal(error: Exception) -> str:
    """The sentence staff read for a refusal: the engine's precise reason where there is one."""
    if isinstance(error, SlotTaken):
        return error.reason.message
    if isinstance(error, SchedulingError):
        return error.message
    return str(error)


def status_of(error: Exception) -> int:
    """400 for input that breaks a rule; 409 for a clash with what exists or has happened."""
    return 409 if isinstance(error, Conflict | SchedulingError) else 400


def show_on_form(form: FlaskForm, error: Exception, field_name: str = "") -> int:
    """Show `error` beside the field it names (bad input without a name: `field_name`),
    else above the form; return the status to answer with."""
    fallback = field_name if isinstance(error, InvalidInput) else ""
    named = getattr(error, "field", "") or fallback
    if named and named in form:
        form[named].errors = [*form[named].errors, refusal(error)]
    else:
        form.form_errors.append(refusal(error))
    return status_of(error)
