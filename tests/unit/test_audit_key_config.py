"""SAFESLOT_AUDIT_KEY: required in production, generated once in development, random in tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.unit.test_config import PRODUCTION


def test_production_without_the_audit_key_fails_fast_naming_it(tmp_path: Path) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != "SAFESLOT_AUDIT_KEY"}
    with pytest.raises(ConfigError, match="SAFESLOT_AUDIT_KEY"):
        load_config(environ, instance_path=tmp_path)


def test_tests_get_a_random_audit_key_and_write_nothing(tmp_path: Path) -> None:
    first = load_config({"SAFESLOT_ENV": "test"}, instance_path=tmp_path)
    second = load_config({"SAFESLOT_ENV": "test"}, instance_path=tmp_path)
    assert len(first.audit_key) == 32 and first.audit_key != second.audit_key
    assert not (tmp_path / "secrets.json").exists()


def test_an_older_development_secrets_file_gains_an_audit_key_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    first = load_config({"SAFESLOT_ENV": "development"}, instance_path=tmp_path)
    path = tmp_path / "secrets.json"
    older = json.loads(path.read_text())
    del older["SAFESLOT_AUDIT_KEY"]
    path.write_text(json.dumps(older))
    upgraded = load_config({"SAFESLOT_ENV": "development"}, instance_path=tmp_path)
    again = load_config({"SAFESLOT_ENV": "development"}, instance_path=tmp_path)
    assert upgraded.master_key == first.master_key
    assert len(upgraded.audit_key) == 32 and upgraded.audit_key == again.audit_key
    assert "SAFESLOT_AUDIT_KEY" in json.loads(path.read_text())


def test_the_audit_key_is_not_shown_in_the_config_repr(tmp_path: Path) -> None:
    config = load_config(PRODUCTION, instance_path=tmp_path)
    shown = repr(config)
    assert "audit_key=" not in shown and repr(config.audit_key) not in shown
