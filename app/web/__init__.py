"""HTTP blueprints, one per feature."""

from __future__ import annotations

from flask import Flask

from app import api
from app.web import (
    accounts,
    booking,
    calendar_feeds,
    customer,
    customer_data,
    main,
    password,
    password_reset,
    platform,
    platform_backups,
    reminder_preferences,
    staff,
    two_factor,
)


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to `app`."""
    app.register_blueprint(main.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(password.bp)
    app.register_blueprint(password_reset.bp)
    app.register_blueprint(two_factor.bp)
    app.register_blueprint(booking.bp)
    app.register_blueprint(customer.bp)
    app.register_blueprint(customer_data.bp)
    app.register_blueprint(reminder_preferences.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(platform.bp)
    app.register_blueprint(platform_backups.bp)
    app.register_blueprint(calendar_feeds.bp)
    app.register_blueprint(api.bp)
