"""Crypto-shredding reaches PostgreSQL backups: `pg_dump` carries no data keys, the
key file does, and a restore of an old backup leaves a shredded client unreadable."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 (pg_restore with fixed arguments, to read a dump as SQL)
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.backups.archive import read_manifest
from app.backups.format import BackupKey, DecryptingReader
from app.backups.postgres_dump import libpq_environment
from app.crypto.envelope import key_id_of
from app.crypto.events import UNREADABLE
from app.crypto.keyring import keyring_for
from app.db import get_db, utcnow
from app.services import backup_checks, backups, key_admin, key_file, key_rotation
from tests.db.crypto_helpers import stored
from tests.integration.test_backup_postgres import _create, _drop, postgres_app, scratch_name
from tests.services.backup_setup import BACKUP_KEY
from tests.services.shredding_setup import (
    keys_of,
    make_tenants,
    private_values,
    shred,
    wrapped_keys,
)
from tests.settings import postgres_url

pytestmark = pytest.mark.postgres
__all__ = ["scratch_name"]  # the fixture, used by name


def _backed_up(app, *, now=None) -> Path:
    config = app.config["SAFESLOT"]
    with get_db(app).session() as session:
        made = backups.run_backup(session, config, now=now or utcnow())
    assert made.status.value == "succeeded", made.message
    return config.backup_dir / made.file_name


def _empty_database(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    name = f"{make_url(postgres_url()).database}_rs_{uuid.uuid4().hex[:12]}"
    _create(name)
    request.addfinalizer(lambda: _drop(name))
    return name


def test_a_shredded_client_stays_unreadable_in_a_postgres_backup_made_before_the_shred(
    tmp_path: Path, scratch_name: str, request: pytest.FixtureRequest
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        tenants = make_tenants(app)
        a, b = tenants["a"], tenants["b"]
        path = _backed_up(app)
        [a_key] = keys_of(app, a.client_id)
        assert shred(app, a.slug).key_file.ok

    target = _empty_database(tmp_path, request)
    with postgres_app(tmp_path, target, schema=False) as fresh:
        restored = backup_checks.restore(fresh.config["SAFESLOT"], path)
        assert restored.differences == []
        assert (restored.keys.shredded, restored.keys.missing) == (1, ())
        assert private_values(fresh, b) == (b.name, b.phone, b.notes)
        assert private_values(fresh, a) == (UNREADABLE,) * 3
        sealed = stored(fresh, "users", "display_name", a.customer_id)
        assert key_id_of(sealed) == a_key.id
        page = a.signed_in(fresh).get("/staff/customers")
        assert page.status_code == 200 and a.name not in page.get_data(as_text=True)


def test_a_postgres_dump_holds_the_data_keys_table_but_none_of_its_rows(
    tmp_path: Path, scratch_name: str
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        tenants = make_tenants(app)
        path = _backed_up(app)
        wrapped = wrapped_keys(app)
        ciphertext = stored(app, "users", "display_name", tenants["a"].customer_id)
    sql = _as_sql(path, tmp_path)
    assert ciphertext in sql  # the search finds what the dump holds
    assert "CREATE TABLE public.data_keys" in sql
    assert len(wrapped) >= 2
    assert not any(key.hex() in sql for key in wrapped)


def _as_sql(path: Path, tmp_path: Path) -> str:
    """The decrypted `pg_dump -Fc` as SQL text (pg_restore to a file, no database)."""
    dump = tmp_path / "plain.dump"
    with open(path, "rb") as handle:
        reader = DecryptingReader(handle, BackupKey(BACKUP_KEY))
        read_manifest(reader)
        dump.write_bytes(reader.read())
    program = shutil.which("pg_restore")
    assert program is not None, "pg_restore is needed to read a PostgreSQL dump"
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [program, "--file=-", str(dump)],
        capture_output=True,
        check=True,
        env=libpq_environment(postgres_url()),
    )
    return result.stdout.decode()


def test_an_older_postgres_backup_restores_readable_after_rotation_and_retire(
    tmp_path: Path, scratch_name: str, request: pytest.FixtureRequest
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        tenants = make_tenants(app)
        started = utcnow()
        path = _backed_up(app, now=started)
        database = get_db(app)
        keyring = keyring_for(database.engine)
        later = started + timedelta(minutes=1)
        key_rotation.rotate(database.session, keyring, now=later)
        report = key_admin.retire(
            database.session, keyring, key_file.target(app.config["SAFESLOT"]), now=later
        )
        assert report.removed == [] and len(report.kept_for_backups) >= 2

    target = _empty_database(tmp_path, request)
    with postgres_app(tmp_path, target, schema=False) as fresh:
        restored = backup_checks.restore(fresh.config["SAFESLOT"], path)
        assert restored.keys.missing == ()
        for tenant in tenants.values():
            assert private_values(fresh, tenant) == (tenant.name, tenant.phone, tenant.notes)


def test_verify_of_a_postgres_backup_loads_the_key_file_into_its_scratch_database(
    tmp_path: Path, scratch_name: str
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        tenants = make_tenants(app)
        path = _backed_up(app)
        shred(app, tenants["a"].slug)
        with get_db(app).session() as session:
            result = backup_checks.verify_path(session, app.config["SAFESLOT"], path, now=utcnow())
    assert result.ok, result.message
    assert "1 shredded" in result.message
