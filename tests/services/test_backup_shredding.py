"""Crypto-shredding reaches every backup: backups hold no data keys, the key file does.

SQLite here; tests/integration/test_backup_shredding_postgres.py runs the same story
on PostgreSQL.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from app.backups import key_file as key_file_format
from app.backups.archive import read_manifest
from app.backups.create import write_backup
from app.backups.format import BackupKey, DecryptingReader
from app.backups.key_file import KeyFileError
from app.cli import CliState, main
from app.crypto.envelope import key_id_of
from app.crypto.events import UNREADABLE
from app.crypto.keyring import keyring_for
from app.db import get_db
from app.models import Backup, BackupStatus, OutboxMessage, Role
from app.services import backup_checks, backups, key_admin, key_file, key_rotation
from tests import factories
from tests.db.crypto_helpers import stored
from tests.services.backup_setup import (
    BACKUP_KEY,
    OTHER_BACKUP_KEY,
    has_no_tables,
    rows,
    sqlite_app,
)
from tests.services.shredding_setup import (
    keys_of,
    make_tenants,
    private_values,
    shred,
    wrapped_keys,
)

NOW = datetime(2026, 11, 22, 2, 5, tzinfo=UTC)


def backed_up(app) -> Path:
    with app.app_context(), get_db(app).session() as session:
        made = backups.run_backup(session, app.config["SAFESLOT"], now=NOW)
    assert made.status is BackupStatus.SUCCEEDED, made.message
    return app.config["SAFESLOT"].backup_dir / made.file_name


def plaintext_of(path: Path) -> bytes:
    """The decrypted content of a backup file, after its manifest."""
    with open(path, "rb") as handle:
        reader = DecryptingReader(handle, BackupKey(BACKUP_KEY))
        read_manifest(reader)
        return reader.read()


def test_a_shredded_client_stays_unreadable_in_a_backup_made_before_the_shred(
    tmp_path: Path,
) -> None:
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        a, b = tenants["a"], tenants["b"]
        path = backed_up(app)
        [a_key] = keys_of(app, a.client_id)
        report = shred(app, a.slug)
        assert report.shredded == 1 and report.key_file.ok, report.key_file.error

    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as fresh:
        restored = backup_checks.restore(fresh.config["SAFESLOT"], path)
        assert restored.differences == []
        assert (restored.keys.shredded, restored.keys.missing) == (1, ())
        assert private_values(fresh, b) == (b.name, b.phone, b.notes)
        assert private_values(fresh, a) == (UNREADABLE,) * 3
        # A's ciphertext is there, naming A's key, which has no material left.
        sealed = stored(fresh, "users", "display_name", a.customer_id)
        assert sealed.startswith("ss1.") and key_id_of(sealed) == a_key.id
        [tombstone] = keys_of(fresh, a.client_id)
        assert tombstone.wrapped_key is None and tombstone.shredded_at is not None
        # The pages show A's staff a placeholder instead of failing.
        page = a.signed_in(fresh).get("/staff/customers")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert str(UNREADABLE) in text and a.name not in text


def test_a_backup_holds_no_data_key_material_but_keeps_the_table(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        path = backed_up(app)
        wrapped = wrapped_keys(app)
        made = rows(app.config["SAFESLOT"].database_url, select(Backup))[0]
        ciphertext = stored(app, "users", "display_name", tenants["a"].customer_id)
    dump = plaintext_of(path)
    assert ciphertext.encode() in dump  # the search does find what the dump holds
    assert len(wrapped) >= 2
    assert not any(key in dump for key in wrapped)
    assert b"CREATE TABLE data_keys" in dump
    assert made.table_counts["data_keys"] == 0


def test_verify_after_a_shred_loads_the_key_file_and_counts_the_shredded_key(
    tmp_path: Path,
) -> None:
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        path = backed_up(app)
        shred(app, tenants["a"].slug)
        with get_db(app).session() as session:
            result = backup_checks.verify_path(session, app.config["SAFESLOT"], path, now=NOW)
    assert result.ok, result.message
    assert "counts match" in result.message and "1 shredded" in result.message


def test_keys_rotation_replaced_restore_older_backups_until_retention_prunes_them(
    tmp_path: Path,
) -> None:
    retired_at = NOW + timedelta(days=1)
    with sqlite_app(tmp_path) as app:
        config = app.config["SAFESLOT"]
        tenants = make_tenants(app)
        old_backup = backed_up(app)
        old_keys = {k.id for t in tenants.values() for k in keys_of(app, t.client_id)}
        database, keyring = get_db(app), keyring_for(get_db(app).engine)
        key_rotation.rotate(database.session, keyring, now=retired_at)
        report = key_admin.retire(
            database.session, keyring, key_file.target(config), now=retired_at
        )
        assert report.removed == [] and old_keys <= set(report.kept_for_backups)
        aside = tmp_path / "aside.ssbk"
        shutil.copy(old_backup, aside)

        with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as fresh:
            restored = backup_checks.restore(fresh.config["SAFESLOT"], old_backup)
            assert restored.keys.missing == ()
            for tenant in tenants.values():
                assert private_values(fresh, tenant) == (tenant.name, tenant.phone, tenant.notes)
            # Here rows use the retired keys again: no retention rule deletes them.
            fresh_db = get_db(fresh)
            with fresh_db.engine.begin() as connection:
                connection.execute(update(Backup).values(removed_at=NOW))
            deleted = key_admin.delete_unneeded_retired(
                fresh_db.session, keyring_for(fresh_db.engine)
            )
            assert deleted == []
            for tenant in tenants.values():
                assert private_values(fresh, tenant) == (tenant.name, tenant.phone, tenant.notes)

        # A newer backup, and retention keeping only it: the old keys go with the old file.
        with database.session() as session:
            newer = backups.run_backup(session, config, now=retired_at + timedelta(days=1))
            pruned = backups.prune(
                session,
                config.with_overrides(
                    backup_keep_daily=1, backup_keep_weekly=0, backup_keep_monthly=0
                ),
                now=retired_at + timedelta(days=1),
            )
        assert [b.file_name for b in pruned] == [old_backup.name]
        assert not any(keys_of(app, t.client_id)[0].id in old_keys for t in tenants.values())
        assert all(len(keys_of(app, t.client_id)) == 1 for t in tenants.values())
        with database.session() as session:
            late = backup_checks.verify_path(session, config, aside, now=NOW)
            current = backup_checks.verify_path(
                session, config, config.backup_dir / newer.file_name, now=NOW
            )
    assert not late.ok and "not in the data-key file" in late.message
    assert current.ok, current.message


def _damage(path: Path, how: str) -> None:
    if how == "missing":
        path.unlink()
    elif how == "altered":
        data = bytearray(path.read_bytes())
        data[-5] ^= 0x01
        path.write_bytes(bytes(data))
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:-20])
    elif how == "other key":
        content = key_file_format.read(path, BackupKey(BACKUP_KEY))
        path.write_bytes(key_file_format.seal(content, BackupKey(OTHER_BACKUP_KEY)))


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "no data-key file"),
        ("altered", "altered or damaged"),
        ("truncated", "altered or damaged"),
        ("other key", "sealed with backup key bk-"),
    ],
)
def test_a_damaged_or_foreign_key_file_is_refused_and_nothing_is_restored(
    tmp_path: Path, how: str, message: str
) -> None:
    with sqlite_app(tmp_path) as app:
        make_tenants(app)
        path = backed_up(app)
        _damage(app.config["SAFESLOT"].backup_dir / key_file_format.FILE_NAME, how)
    with (
        sqlite_app(tmp_path, "target.sqlite3", schema=False) as target,
        pytest.raises(KeyFileError, match=message),
    ):
        backup_checks.restore(target.config["SAFESLOT"], path)
    assert has_no_tables(tmp_path / "target.sqlite3")


def test_verify_fails_on_a_tampered_key_file(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
        _damage(app.config["SAFESLOT"].backup_dir / key_file_format.FILE_NAME, "altered")
        with get_db(app).session() as session:
            result = backup_checks.verify_path(session, app.config["SAFESLOT"], path, now=NOW)
    assert not result.ok and "data-key file was altered" in result.message


def test_a_shred_whose_key_file_cannot_be_written_says_so_and_the_next_backup_writes_it(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        admin_id = _platform_admin(app)
        backed_up(app)
        [a_key] = keys_of(app, tenants["a"].client_id)
        good = app.config["SAFESLOT"]
        app.config["SAFESLOT"] = good.with_overrides(backup_dir=blocker / "backups")
        result = CliRunner().invoke(
            main, ["keys", "shred", tenants["a"].slug, "--yes"], obj=CliState(app)
        )
        assert result.exit_code == 1
        assert "Shredded 1 data key(s)" in result.output
        assert "could not be rewritten" in result.output
        assert private_values(app, tenants["a"]) == (UNREADABLE,) * 3  # the shred itself held
        with get_db(app).session() as session:
            mail = session.scalars(select(OutboxMessage)).one()
        assert (mail.template, mail.to_user_id) == ("backup_failed", admin_id)
        assert "data-key file" in mail.context["what"]
        # The old file still holds A's key, until the next backup rewrites it.
        path = good.backup_dir / key_file_format.FILE_NAME
        assert _record(path, a_key.id).wrapped_key is not None
        app.config["SAFESLOT"] = good
        backed_up(app)
        assert _record(path, a_key.id).wrapped_key is None


def test_the_beat_puts_right_a_key_file_a_shred_elsewhere_could_not_reach(
    tmp_path: Path,
) -> None:
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        config = app.config["SAFESLOT"]
        backed_up(app)
        [a_key] = keys_of(app, tenants["a"].client_id)
        elsewhere = config.with_overrides(backup_dir=tmp_path / "other-machine")
        app.config["SAFESLOT"] = elsewhere
        shred(app, tenants["a"].slug)
        app.config["SAFESLOT"] = config
        path = config.backup_dir / key_file_format.FILE_NAME
        assert _record(path, a_key.id).wrapped_key is not None
        with get_db(app).session() as session:
            made = backups.run_scheduled_backup(session, config, now=NOW + timedelta(minutes=1))
        assert made is None  # no backup was due: only the key file was put right
        assert _record(path, a_key.id).wrapped_key is None


def test_a_backup_of_an_older_release_with_keys_inside_restores_the_shred_too(
    tmp_path: Path,
) -> None:
    with sqlite_app(tmp_path) as app:
        tenants = make_tenants(app)
        config = app.config["SAFESLOT"]
        backed_up(app)  # writes the key file
        old_style = config.backup_dir / "older-release.ssbk"
        made = rows(config.database_url, select(Backup))[0]
        manifest = backup_checks.check_file(
            config.backup_dir / made.file_name, BackupKey(BACKUP_KEY)
        ).manifest
        write_backup(config.database_url, old_style, BackupKey(BACKUP_KEY), manifest=manifest)
        assert any(key in plaintext_of(old_style) for key in wrapped_keys(app))
        shred(app, tenants["a"].slug)
    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as fresh:
        backup_checks.restore(fresh.config["SAFESLOT"], old_style)
        assert private_values(fresh, tenants["a"]) == (UNREADABLE,) * 3
        b = tenants["b"]
        assert private_values(fresh, b) == (b.name, b.phone, b.notes)


def _record(path: Path, key_id) -> key_file_format.KeyRecord:
    content = key_file_format.read(path, BackupKey(BACKUP_KEY))
    [record] = [r for r in content.keys if r.id == str(key_id)]
    return record


def _platform_admin(app) -> object:
    with get_db(app).session() as session:
        admin = factories.make_user(session, role=Role.PLATFORM_ADMIN, client=None)
        return admin.id
