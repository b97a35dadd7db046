"""Configuration comes from the environment only, and fails fast when production lacks it."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from app.config import ConfigError, Environment, load_config
from tests.settings import TEST_BCRYPT_COST, environ_for_tests

KEY = base64.b64encode(b"k" * 32).decode()
PRODUCTION = {
    "SAFESLOT_ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://safeslot@db/safeslot",
    "REDIS_URL": "redis://redis:6379/0",
    "SAFESLOT_BASE_URL": "https://book.example.org",
    "SECRET_KEY": "s" * 40,
    "SAFESLOT_BLIND_INDEX_KEY": KEY,
    "SAFESLOT_MASTER_KEY": KEY,
    "SAFESLOT_AUDIT_KEY": KEY,
    "SAFESLOT_BACKUP_KEY": KEY,
}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "SAFESLOT_BLIND_INDEX_KEY", "SAFESLOT_MASTER_KEY", "REDIS_URL", "DATABASE_URL"],
)
def test_production_without_a_required_variable_fails_fast_naming_it(
    missing: str, tmp_path: Path
) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(environ, instance_path=tmp_path)


def test_production_never_writes_a_secrets_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config({"SAFESLOT_ENV": "production"}, instance_path=tmp_path)
    assert not (tmp_path / "secrets.json").exists()


def test_production_default_bcrypt_cost_is_12(tmp_path: Path) -> None:
    config = load_config(PRODUCTION, instance_path=tmp_path)
    assert config.env is Environment.PRODUCTION
    assert config.bcrypt_cost == 12


def test_production_uses_redis_for_celery_and_rate_limits(tmp_path: Path) -> None:
    config = load_config(PRODUCTION, instance_path=tmp_path)
    assert config.celery_broker_url == "redis://redis:6379/0"
    assert config.celery_result_backend == "redis://redis:6379/0"
    assert config.ratelimit_storage_uri == "redis://redis:6379/0"


def test_test_configuration_uses_bcrypt_cost_4(config) -> None:
    assert config.bcrypt_cost == TEST_BCRYPT_COST == 4


def test_development_generates_secrets_once_into_an_owner_only_file(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = load_config({}, instance_path=instance)
    second = load_config({}, instance_path=instance)

    secrets_file = instance / "secrets.json"
    assert mode(secrets_file) == 0o600
    assert mode(instance) == 0o700
    assert set(json.loads(secrets_file.read_text())) == {
        "SECRET_KEY",
        "SAFESLOT_BLIND_INDEX_KEY",
        "SAFESLOT_MASTER_KEY",
        "SAFESLOT_AUDIT_KEY",
        "SAFESLOT_BACKUP_KEY",
    }
    assert first.secret_key == second.secret_key
    assert first.master_key == second.master_key
    assert len(first.master_key) == 32


def test_environment_variables_override_generated_secrets(tmp_path: Path) -> None:
    config = load_config({"SECRET_KEY": "e" * 40}, instance_path=tmp_path)
    assert config.secret_key == "e" * 40


def test_development_defaults_to_embedded_sqlite_and_broker_under_instance(tmp_path: Path) -> None:
    config = load_config({}, instance_path=tmp_path)
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'safeslot.sqlite3'}"
    assert config.celery_broker_url.startswith(f"sqla+sqlite:///{tmp_path.resolve()}/")
    assert config.celery_result_backend.startswith(f"db+sqlite:///{tmp_path.resolve()}/")
    assert config.redis_url is None
    assert config.ratelimit_storage_uri == "memory://"
    assert config.bcrypt_cost == 12
    assert config.timezone == "UTC"


def test_test_environment_does_not_touch_the_instance_directory(tmp_path: Path) -> None:
    load_config({"SAFESLOT_ENV": "test"}, instance_path=tmp_path / "instance")
    assert not (tmp_path / "instance").exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SAFESLOT_MASTER_KEY", "not base64!"),
        ("SAFESLOT_MASTER_KEY", base64.b64encode(b"short").decode()),
        ("SAFESLOT_BLIND_INDEX_KEY", base64.b64encode(b"x" * 31).decode()),
        ("SECRET_KEY", "too-short"),
        ("SAFESLOT_BCRYPT_COST", "3"),
        ("SAFESLOT_BCRYPT_COST", "twelve"),
        ("SAFESLOT_TIMEZONE", "Mars/Olympus_Mons"),
        ("SAFESLOT_ENV", "staging"),
    ],
)
def test_invalid_values_are_rejected_with_the_variable_named(
    variable: str, value: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_config(environ_for_tests(**{variable: value}), instance_path=tmp_path)


def test_secrets_are_not_shown_in_the_config_repr(tmp_path: Path) -> None:
    config = load_config(PRODUCTION, instance_path=tmp_path)
    assert "s" * 40 not in repr(config)
    assert repr(b"k" * 32) not in repr(config)
