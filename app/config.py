"""Configuration: one typed, frozen object built from environment variables only."""

from __future__ import annotations

import base64
import binascii
import contextlib
import enum
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from app.mail.settings import MailSettings, mail_settings_from_env

#: The repository (or installed source tree) root: `templates/`, `migrations/`, `instance/`.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

SECRETS_FILENAME = "secrets.json"
#: Secrets the embedded (development) deployment generates once into `instance/secrets.json`.
SECRET_VARIABLES = (
    "SECRET_KEY",
    "SAFESLOT_BLIND_INDEX_KEY",
    "SAFESLOT_MASTER_KEY",
    "SAFESLOT_AUDIT_KEY",
    "SAFESLOT_BACKUP_KEY",
)
#: Secrets added after the first release: an older `secrets.json` gains them on next start.
ADDED_SECRET_VARIABLES = ("SAFESLOT_AUDIT_KEY", "SAFESLOT_BACKUP_KEY")
DEFAULT_BCRYPT_COST = 12
MIN_BCRYPT_COST, MAX_BCRYPT_COST = 4, 31


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


@dataclass(frozen=True, kw_only=True)
class Config:
    """Everything the application reads from its environment, validated once."""

    env: Environment
    instance_path: Path
    database_url: str
    redis_url: str | None
    celery_broker_url: str
    celery_result_backend: str
    secret_key: str = field(repr=False)
    #: Key of the HMAC blind index used to look up encrypted e-mail addresses.
    blind_index_key: bytes = field(repr=False)
    #: 32-byte key from which field-encryption keys are derived.
    master_key: bytes = field(repr=False)
    #: Earlier master keys, still able to unwrap data keys until `safeslot keys rotate`.
    retired_master_keys: tuple[bytes, ...] = field(default=(), repr=False)
    #: Key of the HMAC chain that makes the audit trail tamper-evident.
    audit_key: bytes = field(repr=False)
    base_url: str
    bcrypt_cost: int
    #: IANA zone of the deployment: the default for new clients and for log output.
    timezone: str
    ratelimit_storage_uri: str
    #: Off only for load tests of the booking path (and most tests); on by default.
    ratelimit_enabled: bool = True
    #: Reverse proxies in front of the app whose X-Forwarded-For may be believed.
    trusted_proxies: int = 0
    #: Off only in tests that post forms without a token.
    csrf_enabled: bool = True
    #: 32-byte key of the encrypted backups, separate from the database's keys.
    backup_key: bytes = field(repr=False)
    #: Where backup files are written (owner-only permissions).
    backup_dir: Path
    #: Hour of the nightly backup (0-23) in the deployment's time zone (`timezone`).
    backup_hour: int = 2
    #: When set, a backup every this many minutes instead of nightly (for trying it out).
    backup_every_minutes: int | None = None
    #: Retention tiers: the newest backup of each of the last N days, weeks and months.
    backup_keep_daily: int = 14
    backup_keep_weekly: int = 8
    backup_keep_monthly: int = 4
    #: SMTP server, sender address, and how queued mail is dispatched (app.mail.settings).
    mail: MailSettings = field(default_factory=MailSettings)

    @property
    def is_production(self) -> bool:
        """True when running with production settings."""
        return self.env is Environment.PRODUCTION

    @property
    def password_pepper(self) -> bytes:
        """Key mixed into every password hash, derived from SECRET_KEY."""
        return hmac.new(
            self.secret_key.encode(), b"safeslot/password-pepper/v1", hashlib.sha256
        ).digest()

    def with_overrides(self, **changes: object) -> Config:
        """Return a copy with some fields replaced (tests use this)."""
        return replace(self, **changes)


def load_config(
    environ: Mapping[str, str] | None = None, *, instance_path: Path | None = None
) -> Config:
    """Build the configuration from `environ` (default: `os.environ`)."""
    env_vars = dict(os.environ if environ is None else environ)
    env = _parse_env(env_vars.get("SAFESLOT_ENV", "development"))
    instance = Path(instance_path or DEFAULT_INSTANCE_PATH).resolve()
    production = env is Environment.PRODUCTION

    if production:
        missing = [
            name
            for name in ("DATABASE_URL", "REDIS_URL", "SAFESLOT_BASE_URL", *SECRET_VARIABLES)
            if not env_vars.get(name)
        ]
        if missing:
            raise ConfigError(
                "SAFESLOT_ENV=production needs these environment variables: " + ", ".join(missing)
            )
        secret_values = {name: env_vars[name] for name in SECRET_VARIABLES}
    elif env is Environment.TEST:
        # Tests never write to instance/: unset secrets are random for this process.
        generated = generate_secrets()
        secret_values = {name: env_vars.get(name) or generated[name] for name in SECRET_VARIABLES}
    else:
        stored = {} if _all_set(env_vars) else load_or_create_dev_secrets(instance)
        secret_values = {name: env_vars.get(name) or stored[name] for name in SECRET_VARIABLES}

    database_url = database_url_from_env(env_vars, instance_path=instance)
    redis_url = env_vars.get("REDIS_URL") or None
    broker_default = redis_url or f"sqla+sqlite:///{instance / 'celery-broker.sqlite3'}"
    backend_default = redis_url or f"db+sqlite:///{instance / 'celery-results.sqlite3'}"

    return Config(
        env=env,
        instance_path=instance,
        database_url=database_url,
        redis_url=redis_url,
        celery_broker_url=env_vars.get("CELERY_BROKER_URL") or broker_default,
        celery_result_backend=env_vars.get("CELERY_RESULT_BACKEND") or backend_default,
        secret_key=_parse_secret_key(secret_values["SECRET_KEY"]),
        blind_index_key=_parse_key("SAFESLOT_BLIND_INDEX_KEY", secret_values),
        master_key=_parse_key("SAFESLOT_MASTER_KEY", secret_values),
        retired_master_keys=_parse_retired_keys(env_vars.get("SAFESLOT_RETIRED_MASTER_KEYS")),
        audit_key=_parse_key("SAFESLOT_AUDIT_KEY", secret_values),
        base_url=(env_vars.get("SAFESLOT_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        bcrypt_cost=_parse_bcrypt_cost(env_vars.get("SAFESLOT_BCRYPT_COST")),
        timezone=_parse_timezone(env_vars.get("SAFESLOT_TIMEZONE") or "UTC"),
        ratelimit_storage_uri=_ratelimit_storage(env_vars, redis_url, production),
        ratelimit_enabled=_parse_switch(
            "SAFESLOT_RATE_LIMITS", env_vars.get("SAFESLOT_RATE_LIMITS")
        ),
        trusted_proxies=_parse_proxies(env_vars.get("SAFESLOT_TRUSTED_PROXIES")),
        backup_key=_parse_key("SAFESLOT_BACKUP_KEY", secret_values),
        backup_dir=Path(env_vars.get("SAFESLOT_BACKUP_DIR") or instance / "backups").resolve(),
        **_backup_numbers(env_vars),
        mail=mail_settings_from_env(
            env_vars,
            instance_path=instance,
            base_url=env_vars.get("SAFESLOT_BASE_URL") or "http://127.0.0.1:8000",
            testing=env is Environment.TEST,
        ),
    )


#: Whole-number backup settings: variable, Config field, default, lowest, highest.
_BACKUP_NUMBERS = (
    ("SAFESLOT_BACKUP_HOUR", "backup_hour", 2, 0, 23),
    ("SAFESLOT_BACKUP_KEEP_DAILY", "backup_keep_daily", 14, 1, 366),
    ("SAFESLOT_BACKUP_KEEP_WEEKLY", "backup_keep_weekly", 8, 0, 520),
    ("SAFESLOT_BACKUP_KEEP_MONTHLY", "backup_keep_monthly", 4, 4, 1200),
)


def _backup_numbers(env_vars: Mapping[str, str]) -> dict[str, int | None]:
    values: dict[str, int | None] = {
        attribute: _parse_whole(name, env_vars.get(name), default, lowest, highest)
        for name, attribute, default, lowest, highest in _BACKUP_NUMBERS
    }
    every = env_vars.get("SAFESLOT_BACKUP_EVERY_MINUTES")
    values["backup_every_minutes"] = (
        _parse_whole("SAFESLOT_BACKUP_EVERY_MINUTES", every, 0, 1, 10080) if every else None
    )
    return values


def _parse_whole(name: str, value: str | None, default: int, lowest: int, highest: int) -> int:
    if not value:
        return default
    if not value.strip().isdigit() or not lowest <= int(value) <= highest:
        raise ConfigError(
            f"{name} must be a whole number from {lowest} to {highest}, not {value!r}"
        )
    return int(value)


def _ratelimit_storage(env_vars: Mapping[str, str], redis_url: str | None, production: bool) -> str:
    uri = env_vars.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://"
    if production and uri.startswith("memory://"):
        # Each process would count on its own: limits would multiply by the worker count.
        raise ConfigError(
            "SAFESLOT_ENV=production needs shared rate-limit storage: set RATELIMIT_STORAGE_URI "
            "(or REDIS_URL) to a Redis URL, not memory://"
        )
    return uri


def _parse_switch(name: str, value: str | None) -> bool:
    if value is None or value.strip().lower() in ("", "on", "1", "true", "yes"):
        return True
    if value.strip().lower() in ("off", "0", "false", "no"):
        return False
    raise ConfigError(f"{name} must be on or off, not {value!r}")


def _parse_proxies(value: str | None) -> int:
    if not value:
        return 0
    if not value.isdigit() or int(value) > 5:
        raise ConfigError(
            f"SAFESLOT_TRUSTED_PROXIES must be a whole number from 0 to 5, not {value!r}"
        )
    return int(value)


def database_url_from_env(
    environ: Mapping[str, str] | None = None, *, instance_path: Path | None = None
) -> str:
    """DATABASE_URL, or the embedded SQLite file under the instance directory."""
    env_vars = os.environ if environ is None else environ
    instance = Path(instance_path or DEFAULT_INSTANCE_PATH).resolve()
    return env_vars.get("DATABASE_URL") or f"sqlite:///{instance / 'safeslot.sqlite3'}"


def generate_secrets() -> dict[str, str]:
    """Fresh random values for every secret variable."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SAFESLOT_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SAFESLOT_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SAFESLOT_AUDIT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SAFESLOT_BACKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def load_or_create_dev_secrets(instance_path: Path) -> dict[str, str]:
    """Read `instance/secrets.json`, creating it (mode 0600, directory 0700) on first use."""
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = instance_path / SECRETS_FILENAME
    if not path.exists():
        # Write a private temporary file, then link it into place: of several processes
        # starting at once, exactly one wins and the others read its complete file.
        tmp = instance_path / f".{SECRETS_FILENAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(generate_secrets(), handle, indent=2)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink()
    stored = json.loads(path.read_text())
    if any(not stored.get(name) for name in ADDED_SECRET_VARIABLES):
        stored = _add_new_secrets(instance_path, path)
    missing = [name for name in SECRET_VARIABLES if not stored.get(name)]
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)}; delete it to generate new secrets")
    return stored


def _add_new_secrets(instance_path: Path, path: Path) -> dict[str, str]:
    """Give an older `secrets.json` the secrets added since, keeping every existing value."""
    # Under an exclusive lock, re-read and replace the whole file: concurrent starts all
    # end up with one generated value, and a reader never sees a half-written file.
    with open(instance_path / f".{SECRETS_FILENAME}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = json.loads(path.read_text())
        fresh = generate_secrets()
        for name in ADDED_SECRET_VARIABLES:
            stored[name] = stored.get(name) or fresh[name]
        tmp = instance_path / f".{SECRETS_FILENAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle, indent=2)
        os.replace(tmp, path)
    return stored


def _all_set(env_vars: Mapping[str, str]) -> bool:
    return all(env_vars.get(name) for name in SECRET_VARIABLES)


def _parse_env(value: str) -> Environment:
    try:
        return Environment(value)
    except ValueError:
        allowed = ", ".join(e.value for e in Environment)
        raise ConfigError(f"SAFESLOT_ENV must be one of {allowed}, not {value!r}") from None


def _parse_secret_key(value: str) -> str:
    if len(value) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters long")
    return value


def _parse_key(name: str, values: Mapping[str, str]) -> bytes:
    try:
        key = base64.b64decode(values[name], validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{name} must be base64 (32 random bytes)") from None
    if len(key) != 32:
        raise ConfigError(f"{name} must decode to exactly 32 bytes, not {len(key)}")
    return key


def _parse_retired_keys(value: str | None) -> tuple[bytes, ...]:
    """Comma-separated base64 keys, each 32 bytes (empty: none)."""
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    name = "SAFESLOT_RETIRED_MASTER_KEYS"
    return tuple(_parse_key(name, {name: part}) for part in parts)


def _parse_bcrypt_cost(value: str | None) -> int:
    if not value:
        return DEFAULT_BCRYPT_COST
    try:
        cost = int(value)
    except ValueError:
        raise ConfigError(f"SAFESLOT_BCRYPT_COST must be an integer, not {value!r}") from None
    if not MIN_BCRYPT_COST <= cost <= MAX_BCRYPT_COST:
        raise ConfigError(
            f"SAFESLOT_BCRYPT_COST must be between {MIN_BCRYPT_COST} and {MAX_BCRYPT_COST}"
        )
    return cost


def _parse_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SAFESLOT_TIMEZONE must be an IANA zone name, not {value!r}") from None
    return value


def get_config() -> Config:
    """The `Config` of the current app (inside an app or request context)."""
    return current_app.config["SAFESLOT"]
