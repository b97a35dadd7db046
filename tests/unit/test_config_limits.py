"""Rate-limit storage, the limits switch and trusted proxies, read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.unit.test_config import PRODUCTION


def test_production_refuses_in_memory_rate_limit_storage(tmp_path: Path) -> None:
    environ = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}
    with pytest.raises(ConfigError, match="shared rate-limit storage"):
        load_config(environ, instance_path=tmp_path)


def test_development_counts_in_memory_without_redis(tmp_path: Path) -> None:
    config = load_config({"SAFESLOT_ENV": "development"}, instance_path=tmp_path)
    assert config.ratelimit_storage_uri == "memory://" and config.ratelimit_enabled


@pytest.mark.parametrize(("value", "enabled"), [("off", False), ("on", True), ("", True)])
def test_rate_limits_can_be_switched_off_explicitly(tmp_path: Path, value, enabled) -> None:
    config = load_config({**PRODUCTION, "SAFESLOT_RATE_LIMITS": value}, instance_path=tmp_path)
    assert config.ratelimit_enabled is enabled


@pytest.mark.parametrize(
    ("name", "value"), [("SAFESLOT_RATE_LIMITS", "maybe"), ("SAFESLOT_TRUSTED_PROXIES", "-1")]
)
def test_bad_switches_name_the_variable(tmp_path: Path, name, value) -> None:
    with pytest.raises(ConfigError, match=name):
        load_config({**PRODUCTION, name: value}, instance_path=tmp_path)


def test_no_proxy_is_trusted_unless_configured(tmp_path: Path) -> None:
    assert load_config(PRODUCTION, instance_path=tmp_path).trusted_proxies == 0
    configured = load_config(
        {**PRODUCTION, "SAFESLOT_TRUSTED_PROXIES": "1"}, instance_path=tmp_path
    )
    assert configured.trusted_proxies == 1
