"""SAFESLOT_RETIRED_MASTER_KEYS: earlier master keys, comma-separated base64."""

from __future__ import annotations

import base64

import pytest

from app.config import ConfigError, load_config
from tests.settings import environ_for_tests


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_retired_master_keys_are_read_in_order(tmp_path) -> None:
    one, two = bytes(range(1, 33)), bytes(range(2, 34))
    environ = environ_for_tests(SAFESLOT_RETIRED_MASTER_KEYS=f"{b64(one)}, {b64(two)}")
    assert load_config(environ, instance_path=tmp_path).retired_master_keys == (one, two)


def test_no_retired_master_keys_by_default(tmp_path) -> None:
    assert load_config(environ_for_tests(), instance_path=tmp_path).retired_master_keys == ()


@pytest.mark.parametrize("value", ["not base64!", b64(b"short")])
def test_a_malformed_retired_master_key_stops_the_start(tmp_path, value: str) -> None:
    with pytest.raises(ConfigError, match="SAFESLOT_RETIRED_MASTER_KEYS"):
        load_config(environ_for_tests(SAFESLOT_RETIRED_MASTER_KEYS=value), instance_path=tmp_path)


def test_retired_master_keys_never_appear_in_the_configs_repr(tmp_path) -> None:
    key = bytes(range(3, 35))
    environ = environ_for_tests(SAFESLOT_RETIRED_MASTER_KEYS=b64(key))
    text = repr(load_config(environ, instance_path=tmp_path))
    assert b64(key) not in text and repr(key) not in text
