"""Field encryption: AES-256-GCM per private column, per-client data keys, master keys.

`envelope` is the pure format (no database); `types` and `events` make model
attributes transparent; `keyring` holds the keys; `registry` lists the private
columns; `ordering` sorts by private fields in Python, since SQL sees only
ciphertext. The `safeslot keys` use cases are app.services.key_rotation and
app.services.key_admin.
"""

from __future__ import annotations

from flask import Flask

from app.config import Config
from app.crypto.keyring import Keyring, register_keyring
from app.db import get_db


def keyring_from_config(config: Config) -> Keyring:
    """The keyring the configuration describes (current and retired master keys)."""
    return Keyring(config.master_key, tuple(config.retired_master_keys))


def init_app(app: Flask, config: Config) -> None:
    """Give the app's database engine its keyring."""
    register_keyring(get_db(app).engine, keyring_from_config(config))
