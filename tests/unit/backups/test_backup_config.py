"""Backup settings: a key of its own, required in production, validated numbers."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.settings import environ_for_tests
from tests.unit.test_config import PRODUCTION


def test_production_without_a_backup_key_fails_fast_naming_it(tmp_path: Path) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != "SAFESLOT_BACKUP_KEY"}
    with pytest.raises(ConfigError, match="SAFESLOT_BACKUP_KEY"):
        load_config(environ, instance_path=tmp_path)


def test_the_backup_key_is_its_own_and_random_in_tests(tmp_path: Path) -> None:
    first = load_config(environ_for_tests(), instance_path=tmp_path)
    second = load_config(environ_for_tests(), instance_path=tmp_path)
    assert len(first.backup_key) == 32
    assert first.backup_key != second.backup_key
    assert first.backup_key not in (first.master_key, first.blind_index_key)
    assert repr(first.backup_key) not in repr(first)


def test_an_older_secrets_file_gains_a_backup_key_and_keeps_the_rest(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    load_config({}, instance_path=instance)
    secrets_file = instance / "secrets.json"
    stored = json.loads(secrets_file.read_text())
    del stored["SAFESLOT_BACKUP_KEY"]
    secrets_file.write_text(json.dumps(stored))

    config = load_config({}, instance_path=instance)

    updated = json.loads(secrets_file.read_text())
    assert {k: updated[k] for k in stored} == stored
    assert base64.b64decode(updated["SAFESLOT_BACKUP_KEY"]) == config.backup_key
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert load_config({}, instance_path=instance).backup_key == config.backup_key


def test_backup_defaults(tmp_path: Path) -> None:
    config = load_config(environ_for_tests(), instance_path=tmp_path)
    assert config.backup_dir == (tmp_path / "backups").resolve()
    assert (config.backup_hour, config.backup_every_minutes) == (2, None)
    assert (config.backup_keep_daily, config.backup_keep_weekly, config.backup_keep_monthly) == (
        14,
        8,
        4,
    )


def test_backup_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    environ = environ_for_tests(
        SAFESLOT_BACKUP_DIR=str(tmp_path / "elsewhere"),
        SAFESLOT_BACKUP_HOUR="23",
        SAFESLOT_BACKUP_EVERY_MINUTES="10",
        SAFESLOT_BACKUP_KEEP_MONTHLY="12",
    )
    config = load_config(environ, instance_path=tmp_path)
    assert config.backup_dir == tmp_path / "elsewhere"
    assert (config.backup_hour, config.backup_every_minutes) == (23, 10)
    assert config.backup_keep_monthly == 12


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SAFESLOT_BACKUP_HOUR", "24"),
        ("SAFESLOT_BACKUP_HOUR", "two"),
        ("SAFESLOT_BACKUP_EVERY_MINUTES", "0"),
        ("SAFESLOT_BACKUP_KEEP_DAILY", "0"),
        ("SAFESLOT_BACKUP_KEEP_MONTHLY", "3"),
        ("SAFESLOT_BACKUP_KEY", base64.b64encode(b"short").decode()),
    ],
)
def test_bad_backup_settings_are_refused_naming_the_variable(
    variable: str, value: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_config(environ_for_tests(**{variable: value}), instance_path=tmp_path)
