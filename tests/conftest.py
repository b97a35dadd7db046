"""Shared fixtures: `app`, `client`, `db_session`, `config`, and the bound factories.

Database: a temporary SQLite file by default. With DATABASE_URL set, every database test
runs against that database instead (schema dropped and created once per session), and
tests marked `postgres` run too; without it they are skipped. REDIS_URL and the `redis`
marker work the same way; `e2e` tests skip when /usr/bin/chromium is missing.
SAFESLOT_STRICT_SERVICES=1 turns those skips into failures, so CI cannot pass by quietly
skipping what it meant to test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import create_app
from app.config import Config
from app.db import Base, create_db_engine, get_db
from tests import factories
from tests.settings import make_test_config, postgres_url, redis_url

STRICT_SERVICES = os.environ.get("SAFESLOT_STRICT_SERVICES") == "1"
SERVICE_MARKERS = ("postgres", "redis", "e2e")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and postgres_url() is None:
        if os.environ.get("DATABASE_URL"):
            pytest.skip("DATABASE_URL is not a PostgreSQL URL")
        pytest.skip("DATABASE_URL not set")
    if item.get_closest_marker("redis") and redis_url() is None:
        pytest.skip("REDIS_URL not set")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if (
        STRICT_SERVICES
        and report.skipped
        and any(item.get_closest_marker(name) for name in SERVICE_MARKERS)
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"SAFESLOT_STRICT_SERVICES=1 forbids skipping this test: {reason}"
    return report


def delete_all_rows(engine: Engine) -> None:
    """Empty every table (children first)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database, with a fresh schema for this session."""
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'safeslot-test.sqlite3'}"
    )
    engine = create_db_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield url
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Config:
    """The test configuration (bcrypt cost 4, fixed keys, CSRF on)."""
    return make_test_config(instance_path=tmp_path / "instance", database_url=database_url)


@pytest.fixture
def app(config: Config) -> Iterator[Flask]:
    """The application; every table is emptied after the test."""
    application = create_app(config)
    yield application
    engine = get_db(application).engine
    delete_all_rows(engine)
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session on the app's database (closed afterwards)."""
    session = get_db(app).session()
    yield session
    session.close()


def _bound(factory: Callable[..., Any]) -> Any:
    @pytest.fixture(name=factory.__name__)
    def fixture(db_session: Session) -> Callable[..., Any]:
        return functools.partial(factory, db_session)

    fixture.__doc__ = f"`{factory.__name__}(**overrides)` bound to `db_session`."
    return fixture


make_client = _bound(factories.make_client)
make_user = _bound(factories.make_user)
make_service = _bound(factories.make_service)
make_schedule = _bound(factories.make_schedule)
make_appointment = _bound(factories.make_appointment)
