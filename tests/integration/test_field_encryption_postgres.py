"""On PostgreSQL, a `pg_dump` of the database holds no private value in clear."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from flask import Flask

from app.db import get_db
from tests.db.crypto_helpers import insert_markers

pytestmark = pytest.mark.postgres


def test_a_pg_dump_of_the_database_holds_none_of_the_private_values(
    app: Flask, make_user, make_appointment
) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    markers = insert_markers(make_user, make_appointment)
    url = get_db(app).engine.url.set(drivername="postgresql")  # libpq spelling, for pg_dump
    libpq_url = url.render_as_string(hide_password=False)

    dump = subprocess.run(  # noqa: S603  (fixed program, URL of the test database)
        [pg_dump, "--no-owner", libpq_url], capture_output=True, text=True, check=True, timeout=120
    ).stdout

    assert "data_keys" in dump and "ss1." in dump
    for marker in markers:
        assert marker not in dump
