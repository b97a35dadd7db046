"""SafeSlot: the Flask application factory. Nothing is wired at import time."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from app import access, crypto, db, log_redaction, login, rate_limits
from app.config import PROJECT_ROOT, Config, Environment, get_config, load_config
from app.errors import register_error_handlers
from app.extensions import csrf
from app.services import audit
from app.web import mfa_gate, password_gate, register_blueprints, session_guard
from app.web.slot_cache import init_slot_cache
from app.web.staff.record_locks import register_refusal_page

__all__ = ["create_app", "get_config"]

#: Browsers remember for a year to use HTTPS only.
HSTS = "max-age=31536000; includeSubDomains"

#: Sent with every response; pages load nothing from other origins.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(config: Config | None = None) -> Flask:
    """Build the application from `config` (default: read from the environment)."""
    config = config or load_config()
    app = Flask(
        __name__,
        instance_path=str(config.instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    log_redaction.install(app)  # first: nothing logged while wiring may carry private data
    app.config.update(
        SAFESLOT=config,
        SECRET_KEY=config.secret_key,
        TESTING=config.env is Environment.TEST,
        WTF_CSRF_ENABLED=config.csrf_enabled,
        RATELIMIT_STORAGE_URI=config.ratelimit_storage_uri,
        RATELIMIT_ENABLED=config.ratelimit_enabled,
        RATELIMIT_HEADERS_ENABLED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=config.is_production,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )

    db.init_app(app, config.database_url)
    crypto.init_app(app, config)
    audit.init_app(app)
    login.init_app(app)
    session_guard.init_app(app)
    password_gate.init_app(app)
    mfa_gate.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    register_error_handlers(app)
    register_refusal_page(app)
    init_slot_cache(app)
    register_blueprints(app)
    rate_limits.init_app(app)
    _trust_proxies(app, config.trusted_proxies)
    app.after_request(_add_security_headers)
    return app


def _trust_proxies(app: Flask, count: int) -> None:
    # Only the given number of proxies may set the client address and scheme; with none,
    # X-Forwarded-* headers are ignored (anyone can send them).
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # only over HTTPS: HSTS on plain HTTP would be ignored or worse
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
