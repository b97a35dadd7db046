"""Data keys rotate, retire and shred while every remaining row keeps reading correctly."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from app.crypto.envelope import key_header, new_key
from app.crypto.events import UNREADABLE
from app.crypto.keyring import Keyring, keyring_for, register_keyring
from app.db import get_db
from app.models import Appointment, AuditEvent, DataKey, Role, User
from app.services import key_admin, key_file, key_rotation
from tests.db.crypto_helpers import fresh_session, stored
from tests.settings import TEST_MASTER_KEY
from tests.web.forms import sign_in

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def _world(make_client, make_user, make_appointment) -> dict:
    """Two clients with customers and an appointment each, and a support account."""
    world = {}
    for name in ("one", "two"):
        client = make_client()
        customer = make_user(client=client, display_name=f"Customer {name}", phone=f"+1 {name}")
        appointment = make_appointment(customer=customer, notes=f"Notes of {name}")
        world[name] = (client, customer, appointment)
    world["support"] = make_user(role=Role.SUPPORT, display_name="Support person")
    return world


def _key_file(app: Flask) -> key_file.KeyFileTarget:
    return key_file.target(app.config["SAFESLOT"])


def _active_keys(app: Flask) -> dict:
    with fresh_session(app) as session:
        rows = session.execute(sa.select(DataKey.client_id, DataKey.id).where(DataKey.is_active))
        return dict(rows.all())


def _new_process(app: Flask, master: bytes = TEST_MASTER_KEY, retired: tuple = ()) -> Keyring:
    """A keyring with an empty cache, as a freshly started process would have."""
    keyring = Keyring(master, retired)
    register_keyring(get_db(app).engine, keyring)
    return keyring


def _read_everything(app: Flask) -> dict:
    with fresh_session(app) as session:
        users = {u.id: (u.display_name, u.email, u.phone) for u in session.scalars(sa.select(User))}
        notes = {a.id: a.notes for a in session.scalars(sa.select(Appointment))}
    return {"users": users, "notes": notes}


def test_after_rotation_and_retire_every_row_decrypts_and_old_keys_are_gone(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    world = _world(make_client, make_user, make_appointment)
    before, old_keys = _read_everything(app), _active_keys(app)
    database = get_db(app)

    report = key_rotation.rotate(
        database.session, keyring_for(database.engine), now=NOW, batch_size=2
    )
    assert len(report.new_keys) == 3 and report.rows_skipped == 0
    new_keys = _active_keys(app)
    assert set(new_keys.values()).isdisjoint(old_keys.values())
    customer = world["one"][1]
    assert stored(app, "users", "email", customer.id).startswith(
        key_header(new_keys[customer.client_id])
    )

    retired = key_admin.retire(
        database.session, keyring_for(database.engine), _key_file(app), now=NOW
    )
    assert set(retired.removed) == set(old_keys.values()) and not retired.still_used
    with fresh_session(app) as session:
        assert set(session.scalars(sa.select(DataKey.id))) == set(new_keys.values())

    _new_process(app)
    assert _read_everything(app) == before


def test_an_interrupted_rotation_keeps_old_keys_until_a_rerun_moves_the_rows(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    _world(make_client, make_user, make_appointment)
    database, before = get_db(app), _read_everything(app)
    keyring = keyring_for(database.engine)
    old_keys = set(_active_keys(app).values())
    key_rotation.start_new_keys(database.session, keyring, now=NOW)  # ... and then interrupted

    kept = key_admin.retire(database.session, keyring, _key_file(app), now=NOW)
    assert kept.removed == [] and set(kept.still_used) == old_keys

    rerun = key_rotation.rotate(database.session, keyring, now=NOW, new_keys=False)
    assert rerun.new_keys == [] and rerun.rows_moved > 0
    again = key_rotation.rotate(database.session, keyring, now=NOW, new_keys=False)
    assert again.rows_moved == 0
    assert (
        set(key_admin.retire(database.session, keyring, _key_file(app), now=NOW).removed)
        == old_keys
    )
    _new_process(app)
    assert _read_everything(app) == before


def test_rotation_while_another_session_keeps_reading(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    for _ in range(3):
        _world(make_client, make_user, make_appointment)
    expected = _read_everything(app)
    database = get_db(app)
    done, errors, reads = threading.Event(), [], []

    def reader() -> None:
        deadline = time.monotonic() + 30
        while not done.is_set() and time.monotonic() < deadline and len(reads) < 2000:
            try:
                reads.append(_read_everything(app) == expected)
            except Exception as error:  # reported by the test thread
                errors.append(error)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        report = key_rotation.rotate(
            database.session, keyring_for(database.engine), now=NOW, batch_size=1
        )
    finally:
        done.set()
        thread.join(60)
    assert not errors, errors
    assert reads and all(reads)
    assert report.rows_moved >= 9 and report.rows_skipped == 0
    assert _read_everything(app) == expected


def test_a_new_master_key_rewraps_every_data_key_and_frees_the_old_one(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    _world(make_client, make_user, make_appointment)
    before, database = _read_everything(app), get_db(app)
    new_master = new_key()
    keyring = _new_process(app, new_master, retired=(TEST_MASTER_KEY,))
    assert _read_everything(app) == before  # the retired master key still unwraps

    report = key_rotation.rotate(database.session, keyring, now=NOW, new_keys=False)
    assert report.rewrapped == 3
    retired = key_admin.retire(database.session, keyring, _key_file(app), now=NOW)
    assert retired.unneeded_master_keys == [Keyring(TEST_MASTER_KEY).current_master_id]

    _new_process(app, new_master)  # the old master key is gone from the configuration
    assert _read_everything(app) == before


def test_shredding_one_client_leaves_its_fields_unreadable_and_others_readable(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    world = _world(make_client, make_user, make_appointment)
    shredded_client, shredded_customer, shredded_appointment = world["one"]
    _client, other_customer, other_appointment = world["two"]
    database = get_db(app)

    with database.session() as session:
        report = key_admin.shred_client(
            session, keyring_for(database.engine), shredded_client.slug, _key_file(app), now=NOW
        )
    assert report.shredded == 1 and report.key_file.ok

    _new_process(app)
    with fresh_session(app) as session:
        gone = session.get_one(User, shredded_customer.id)
        assert (gone.display_name, gone.email, gone.phone) == (UNREADABLE,) * 3
        assert session.get_one(Appointment, shredded_appointment.id).notes == UNREADABLE
        kept = session.get_one(User, other_customer.id)
        assert (kept.display_name, kept.phone) == ("Customer two", "+1 two")
        assert session.get_one(Appointment, other_appointment.id).notes == "Notes of two"
        actions = session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.client_id == shredded_client.id)
        ).all()
    assert "keys.shred" in actions


def test_pages_of_a_shredded_client_show_a_placeholder(
    app: Flask, client, make_client, make_user, make_appointment
) -> None:
    world = _world(make_client, make_user, make_appointment)
    shredded = world["one"][0]
    staff = make_user(client=shredded, role=Role.STAFF)
    sign_in(client, staff)
    database = get_db(app)
    with database.session() as session:
        key_admin.shred_client(
            session, keyring_for(database.engine), shredded.slug, _key_file(app), now=NOW
        )

    page = client.get("/staff/customers")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert str(UNREADABLE) in text and "Customer one" not in text


def test_rotation_is_audited_per_client(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    world = _world(make_client, make_user, make_appointment)
    database = get_db(app)
    key_rotation.rotate(database.session, keyring_for(database.engine), now=NOW)
    with fresh_session(app) as session:
        events = session.execute(
            sa.select(AuditEvent.client_id, AuditEvent.object_id).where(
                AuditEvent.action == "keys.rotate"
            )
        ).all()
    owners = {client_id for client_id, _ in events}
    assert {world["one"][0].id, world["two"][0].id, None} <= owners
    assert all(object_id for _, object_id in events)


def test_a_value_written_after_rotation_uses_the_new_key_at_once(
    app: Flask, db_session, make_user
) -> None:
    user = make_user()
    database = get_db(app)
    key_rotation.rotate(database.session, keyring_for(database.engine), now=NOW + timedelta(days=1))
    active = _active_keys(app)[user.client_id]
    user.phone = "+1 after rotation"
    db_session.commit()
    assert stored(app, "users", "phone", user.id).startswith(key_header(active))
