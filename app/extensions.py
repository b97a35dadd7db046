"""Flask extensions, created unbound; `create_app` attaches them with `init_app`."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
#: Storage comes from RATELIMIT_STORAGE_URI (Redis in production, memory when embedded).
limiter = Limiter(key_func=get_remote_address)
