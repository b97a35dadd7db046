"""Who may use a client's customer pages, and what the pages answer when something is wrong.

A customer account belongs to one client. Someone signed in at client A who
opens client B's customer pages is asked to sign in at B, like a visitor who
is not signed in at all: they never see A's data there, and B's pages never
say whether anything of theirs exists.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Unauthorized

import scheduling
from app.errors import InvalidInput, render_error
from app.models import Client, Role
from app.scope import Scope
from app.services.booking import SlotTaken
from scheduling.reasons import InvalidTransition


def customer_scope(client: Client) -> Scope:
    """The signed-in customer's scope at `client`; otherwise ask them to sign in there."""
    if current_user.role is not Role.CUSTOMER or current_user.client_id != client.id:
        raise Unauthorized
    return Scope.for_user(current_user)


def refusal_status(refused: scheduling.SchedulingError) -> int:
    """The status of a page explaining an engine refusal.

    409 when the state of things forbids it (the time was just taken, the appointment
    is already cancelled), 422 when a rule does (the cut-off, the opening hours).
    """
    return 409 if isinstance(refused, SlotTaken | InvalidTransition) else 422


def register_page_errors(bp: Blueprint) -> None:
    """Answer `bp`'s errors with pages that say what to do next."""
    bp.register_error_handler(InvalidInput, _invalid_input)
    bp.register_error_handler(CSRFError, _form_expired)
    bp.register_error_handler(Unauthorized, _sign_in_first)


def _invalid_input(error: InvalidInput) -> ResponseReturnValue:
    # InvalidInput messages are written for people and never echo private fields.
    return render_template("booking/problem.html", message=str(error)), 400


def _form_expired(_error: CSRFError) -> ResponseReturnValue:
    message = (
        "This form has expired or did not come from this site, so nothing was saved. "
        "Please go back, reload the page and try again."
    )
    return render_template("booking/problem.html", message=message), 400


def _sign_in_first(_error: Unauthorized) -> ResponseReturnValue:
    slug = (request.view_args or {}).get("slug")
    if not isinstance(slug, str):
        return render_error(401)
    flash("Please sign in, or create an account, to continue.", "info")
    here = request.full_path.rstrip("?")
    return redirect(url_for("accounts.signin", slug=slug, next=here))
