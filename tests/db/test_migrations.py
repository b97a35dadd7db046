"""The migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, make_url, text

from app.db import Base, create_db_engine
from app.schema import alembic_config, current_revision, head_revision, upgrade_database
from tests.settings import postgres_url


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def assert_migrations_match_models(engine: Engine) -> None:
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    upgrade_database(engine)
    assert schema_differences(engine) == []


def test_sqlite_migrations_match_the_models(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    try:
        assert_migrations_match_models(engine)
    finally:
        engine.dispose()


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    url = make_url(postgres_url())
    name = f"safeslot_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(
        url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_migrations_match_the_models(empty_postgres_database: str) -> None:
    engine = create_db_engine(empty_postgres_database)
    try:
        assert_migrations_match_models(engine)
    finally:
        engine.dispose()
