"""Rate limits: who may try how often, in one table.

Sign-in is limited per IP address and per account (so neither many accounts
from one address nor one account from many addresses can be hammered; the
lockout then handles what gets through), registration per IP address,
password-reset requests per IP address and per submitted address (each sends
an e-mail), booking per signed-in person. The account key is the e-mail's blind index,
so no address is ever written into the limit storage (Redis in production).
Only the requests that act (POST) count; reading a form never does. Calendar
feeds are the exception: a feed is only ever read, so its reads count, per token hash.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user

from app.blind_index import email_lookup
from app.config import get_config
from app.services.feed_tokens import token_hash


def by_address() -> str:
    """The client's IP address (after the trusted proxies, see SAFESLOT_TRUSTED_PROXIES)."""
    return f"ip:{request.remote_addr or 'unknown'}"


def by_account() -> str:
    """The account being signed in to: client and blind index of the typed address."""
    slug = (request.view_args or {}).get("slug", "")
    email = request.form.get("email", "")[:320]
    return f"account:{slug}:{email_lookup(email, get_config().blind_index_key)[:32]}"


def by_feed() -> str:
    """The feed being fetched, by its token's hash: the token itself is never stored."""
    token = (request.view_args or {}).get("token", "")
    return f"feed:{token_hash(token)}"


def by_person() -> str:
    """The signed-in person, or their address when anonymous."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return by_address()


#: endpoint -> [(limits, key)]. Sign-in numbers sit above the lockout threshold, so a
#: person who mistypes is locked out by policy, never by the limiter.
LIMITS: dict[str, list[tuple[str, Callable[[], str]]]] = {
    "accounts.signin": [
        ("10 per minute;100 per hour", by_address),
        ("10 per 15 minutes", by_account),
    ],
    "accounts.register": [("10 per hour", by_address)],
    # Each request sends an e-mail: bound the mail one address can cause, and one inbox gets.
    "password_reset.forgot": [
        ("5 per minute;20 per hour", by_address),
        ("5 per hour", by_account),
    ],
    # A link's token is unguessable; this bounds the bcrypt work one address can cause.
    "password_reset.choose": [("10 per 15 minutes", by_address)],
    # The lockout counts wrong codes per account; this bounds one address across many.
    "two_factor.signin_code": [("10 per minute;100 per hour", by_address)],
    # Re-entered passwords are not failed sign-ins (app.services.two_factor): bound them here.
    "two_factor.enrol": [("10 per 15 minutes", by_person)],
    "two_factor.recovery_codes": [("10 per 15 minutes", by_person)],
    "two_factor.turn_off": [("10 per 15 minutes", by_person)],
    # A wrong current password is not a failed sign-in (no lockout): bound guesses here.
    "password.change": [("10 per 15 minutes", by_person)],
    "booking.confirm": [("30 per hour", by_person)],
    "api.create_appointment": [("30 per hour", by_person)],
    # Calendar apps poll every few minutes at most; more is a leaked URL or a broken client.
    "calendar_feeds.feed": [("60 per minute", by_feed)],
}

#: Endpoints whose reads (GET) count; every other limit counts only POST.
READ_LIMITED = frozenset({"calendar_feeds.feed"})


_EXTENSION_KEY = "safeslot.limiter"


def init_app(app: Flask) -> Limiter:
    """Attach the limits of `LIMITS` to the registered views, and the 429 answer.

    Each application gets its own `Limiter`: Flask-Limiter keeps its storage and its
    on/off switch on the limiter object, which two apps in one process would share.
    Storage and switch come from RATELIMIT_STORAGE_URI and RATELIMIT_ENABLED.
    """
    limiter = Limiter(key_func=by_address, app=app)
    app.extensions[_EXTENSION_KEY] = limiter
    for endpoint, rules in LIMITS.items():
        view = app.view_functions[endpoint]
        for limits, key in rules:
            methods = ["GET"] if endpoint in READ_LIMITED else ["POST"]
            view = limiter.limit(limits, key_func=key, methods=methods)(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter


def too_many_requests(error: RateLimitExceeded) -> ResponseReturnValue:
    """429 with how long to wait, as a page or as JSON for the API."""
    wait = _seconds_to_wait()
    message = f"Too many attempts. Please wait {_describe(wait)} and try again."
    headers = {"Retry-After": str(wait)}
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "rate_limited", "message": message}), 429, headers
    page = render_template(
        "errors/error.html", status=429, title="Too many requests", message=message
    )
    return page, 429, headers


def _seconds_to_wait() -> int:
    current = current_app.extensions[_EXTENSION_KEY].current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _describe(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
