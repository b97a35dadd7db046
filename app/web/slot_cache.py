"""The application's one `SlotCache`, shared by every page that shows open slots."""

from __future__ import annotations

from flask import Flask, current_app

from app.services.availability import SlotCache

_EXTENSION_KEY = "safeslot.slot_cache"


def init_slot_cache(app: Flask) -> None:
    """Give `app` its own cache (per process: each app, and each test, starts empty)."""
    app.extensions[_EXTENSION_KEY] = SlotCache()


def get_slot_cache() -> SlotCache:
    """The slot cache of the current app."""
    return current_app.extensions[_EXTENSION_KEY]
