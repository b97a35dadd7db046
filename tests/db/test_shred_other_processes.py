"""A key shredded by one process stops opening in another within RECHECK_SECONDS,
and a process serving from its key cache asks the database nothing between checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event

from app import create_app
from app.crypto.events import UNREADABLE
from app.crypto.keyring import RECHECK_SECONDS, Keyring, register_keyring
from app.db import get_db
from app.models import User
from tests.services.shredding_setup import make_tenants, shred
from tests.settings import TEST_MASTER_KEY


class Clock:
    """A monotonic clock the test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def other_process(app: Flask) -> Iterator[tuple[Flask, Clock, list[str]]]:
    """A second app on the same database, with its own key cache, clock and SQL log."""
    other = create_app(app.config["SAFESLOT"])
    clock, statements = Clock(), []
    engine = get_db(other).engine
    register_keyring(engine, Keyring(TEST_MASTER_KEY, clock=clock))
    event.listen(engine, "before_cursor_execute", _log(statements))
    yield other, clock, statements
    engine.dispose()


def _log(statements: list[str]):
    def before(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    return before


def _name(app: Flask, user_id) -> str:
    with get_db(app).session() as session:
        return session.get_one(User, user_id).display_name


def test_another_process_stops_opening_a_shredded_clients_fields_within_the_recheck_interval(
    app: Flask, other_process
) -> None:
    other, clock, _statements = other_process
    tenants = make_tenants(app)
    a, b = tenants["a"], tenants["b"]
    assert _name(other, a.customer_id) == a.name  # its key is now in the other's cache

    shred(app, a.slug)
    clock.now += RECHECK_SECONDS

    assert _name(other, a.customer_id) == UNREADABLE
    assert _name(other, b.customer_id) == b.name


def test_reading_from_the_key_cache_between_checks_costs_no_key_query(
    app: Flask, other_process
) -> None:
    other, clock, statements = other_process
    a = make_tenants(app)["a"]
    _name(other, a.customer_id)
    clock.now += RECHECK_SECONDS
    _name(other, a.customer_id)  # the check: one query for every cached key
    assert sum("data_keys" in s for s in statements) == 2  # the first read, the check

    statements.clear()
    clock.now += RECHECK_SECONDS / 2
    for _ in range(5):
        assert _name(other, a.customer_id) == a.name
    assert statements and not any("data_keys" in s for s in statements)
