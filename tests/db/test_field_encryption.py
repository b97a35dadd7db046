"""Private fields are AES-256-GCM sealed at rest, bound to their row, and read as plain text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.crypto.errors import (
    FieldCryptoError,
    FieldTooLong,
    TamperedCiphertext,
    UnknownDataKey,
    UnsealedValue,
)
from app.db import get_db
from app.models import Appointment, AppointmentStatus, AppointmentStatusChange, DataKey, Role, User
from tests.db.crypto_helpers import fresh_session, insert_markers, overwrite, stored
from tests.settings import TEST_BLIND_INDEX_KEY, postgres_url

NAME = "Marker Name Zoë Ångström"
EMAIL = "marker.email@example.org"
PHONE = "+44 7700 900123"
NOTES = "Marker notes: anxious about the first visit 🙂"


def test_private_fields_read_as_plain_text_and_are_stored_sealed(app: Flask, make_user) -> None:
    user = make_user(display_name=NAME, email=EMAIL, phone=PHONE, totp_secret="JBSWY3DPEHPK3PXP")
    assert user.display_name == NAME

    with fresh_session(app) as session:
        again = session.get_one(User, user.id)
        assert (again.display_name, again.email, again.phone) == (NAME, EMAIL, PHONE)
        assert again.totp_secret == "JBSWY3DPEHPK3PXP"
        assert type(again.display_name) is str

    raw = stored(app, "users", "display_name", user.id)
    assert raw.startswith("ss1.") and NAME not in raw
    assert stored(app, "users", "email", user.id) != stored(app, "users", "phone", user.id)


def test_a_change_is_sealed_again_and_reads_back(
    app: Flask, db_session: Session, make_user
) -> None:
    user = make_user(phone=PHONE)
    before = stored(app, "users", "phone", user.id)
    user.phone = "+1 555 0100"
    db_session.commit()
    assert stored(app, "users", "phone", user.id) != before
    with fresh_session(app) as session:
        assert session.get_one(User, user.id).phone == "+1 555 0100"


def test_appointment_notes_contact_and_reasons_are_sealed(app: Flask, make_appointment) -> None:
    appointment = make_appointment(notes=NOTES, contact_phone=PHONE, cancel_reason="Marker reason")
    with fresh_session(app) as session:
        again = session.get_one(Appointment, appointment.id)
        again.change_status(
            AppointmentStatus.CANCELLED, at=datetime.now(UTC), reason="Marker history reason"
        )
        session.commit()
    with fresh_session(app) as session:
        again = session.get_one(Appointment, appointment.id)
        assert (again.notes, again.contact_phone, again.cancel_reason) == (
            NOTES,
            PHONE,
            "Marker reason",
        )
        reasons = [c.reason for c in session.scalars(again.status_changes.select())]
        assert "Marker history reason" in reasons
        change_ids = session.scalars(
            sa.select(AppointmentStatusChange.id).where(
                AppointmentStatusChange.appointment_id == again.id,
                AppointmentStatusChange.reason.is_not(None),
            )
        ).all()
    for column in ("notes", "contact_phone", "cancel_reason"):
        assert stored(app, "appointments", column, appointment.id).startswith("ss1.")
    assert stored(app, "appointment_status_changes", "reason", change_ids[0]).startswith("ss1.")


def test_a_ciphertext_copied_to_another_row_fails_to_decrypt(
    app: Flask, make_client, make_user
) -> None:
    client = make_client()
    one, other = make_user(client=client, email=EMAIL), make_user(client=client)
    overwrite(app, "users", "email", other.id, stored(app, "users", "email", one.id))
    with fresh_session(app) as session, pytest.raises(TamperedCiphertext) as raised:
        session.get(User, other.id)
    assert EMAIL not in str(raised.value)
    assert str(other.id) in str(raised.value)


def test_a_ciphertext_copied_to_another_column_fails_to_decrypt(app: Flask, make_user) -> None:
    user = make_user(display_name=NAME)
    overwrite(app, "users", "email", user.id, stored(app, "users", "display_name", user.id))
    with fresh_session(app) as session, pytest.raises(TamperedCiphertext) as raised:
        session.get(User, user.id)
    assert NAME not in str(raised.value)


def test_a_ciphertext_copied_to_another_tenant_fails_to_decrypt(app: Flask, make_user) -> None:
    ours, theirs = make_user(display_name=NAME), make_user()
    assert ours.client_id != theirs.client_id
    overwrite(
        app, "users", "display_name", theirs.id, stored(app, "users", "display_name", ours.id)
    )
    with fresh_session(app) as session, pytest.raises(TamperedCiphertext):
        session.get(User, theirs.id)


def test_a_tampered_ciphertext_fails_to_decrypt(app: Flask, make_user) -> None:
    user = make_user(phone=PHONE)
    raw = stored(app, "users", "phone", user.id)
    flipped = raw[:-2] + ("AA" if raw[-2:] != "AA" else "BB")
    overwrite(app, "users", "phone", user.id, flipped)
    with fresh_session(app) as session, pytest.raises(TamperedCiphertext):
        session.get(User, user.id)


def test_a_ciphertext_naming_an_unknown_key_fails_clearly(app: Flask, make_user) -> None:
    user = make_user(phone=PHONE)
    raw = stored(app, "users", "phone", user.id)
    unknown = "ss1." + "ab" * 16 + raw[36:]
    overwrite(app, "users", "phone", user.id, unknown)
    with fresh_session(app) as session, pytest.raises(UnknownDataKey) as raised:
        session.get(User, user.id)
    assert "abababab" in str(raised.value) and PHONE not in str(raised.value)


def test_the_longest_allowed_values_round_trip(app: Flask, make_user) -> None:
    name = ("Łø🙂" * 100)[:200]
    phone = "+" + "9" * 49
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "c" * 63
    user = make_user(display_name=name, phone=phone, email=email[:320])
    with fresh_session(app) as session:
        again = session.get_one(User, user.id)
        assert (again.display_name, again.phone, again.email) == (name, phone, email[:320])


def test_a_value_over_its_length_is_refused_and_nothing_is_written(
    db_session: Session, make_user
) -> None:
    user = make_user()
    user.display_name = "x" * 201
    with pytest.raises(FieldTooLong) as raised:
        db_session.commit()
    assert "x" * 10 not in str(raised.value)
    db_session.rollback()
    assert db_session.get_one(User, user.id).display_name.startswith("User ")


def test_sql_comparing_a_private_column_is_refused(db_session: Session, make_user) -> None:
    make_user(display_name=NAME)
    with pytest.raises(StatementError) as raised:
        db_session.scalars(sa.select(User).where(User.display_name == NAME)).all()
    assert isinstance(raised.value.orig, UnsealedValue)


def test_each_client_and_the_platform_have_their_own_data_key(
    db_session: Session, make_user
) -> None:
    one, two = make_user(), make_user()
    support = make_user(role=Role.SUPPORT)
    owners = db_session.scalars(sa.select(DataKey.client_id).where(DataKey.is_active)).all()
    assert {one.client_id, two.client_id, None} <= set(owners)
    assert support.display_name.startswith("User ")


def test_the_blind_index_finds_users_by_email_ignoring_case_unique_per_client(
    db_session: Session, make_client, make_user
) -> None:
    first, second = make_client(), make_client()
    ours = make_user(client=first, email="Robin.Lee@Example.org")
    theirs = make_user(client=second, email="robin.lee@example.org")  # another client: allowed

    lookup = email_lookup("  ROBIN.LEE@example.ORG ", TEST_BLIND_INDEX_KEY)
    found = db_session.scalars(
        sa.select(User).where(User.client_id == first.id, User.email_lookup == lookup)
    ).one()
    assert found.id == ours.id and found.email == "Robin.Lee@Example.org"
    assert theirs.id != ours.id

    with pytest.raises(IntegrityError):
        make_user(client=first, email="ROBIN.LEE@example.org")


@pytest.mark.skipif(
    postgres_url() is not None, reason="PostgreSQL is dumped with pg_dump in tests/integration"
)
def test_a_full_database_dump_holds_none_of_the_private_values(
    app: Flask, make_user, make_appointment
) -> None:
    markers = insert_markers(make_user, make_appointment)
    raw = get_db(app).engine.raw_connection()
    try:
        dump = "\n".join(raw.driver_connection.iterdump())
    finally:
        raw.close()
    assert "INSERT INTO" in dump and "data_keys" in dump
    for marker in markers:
        assert marker not in dump


def test_opening_many_rows_reads_no_key_from_the_database_once_cached(
    app: Flask, make_client, make_user
) -> None:
    client = make_client()
    for n in range(20):
        make_user(client=client, display_name=f"Cached {n}", phone=f"+1 {n}")
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = get_db(app).engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        with fresh_session(app) as session:
            users = session.scalars(sa.select(User).where(User.client_id == client.id)).all()
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    assert sorted(u.display_name for u in users)[0] == "Cached 0"
    assert not [s for s in statements if "data_keys" in s]


def test_a_row_with_private_fields_cannot_move_to_another_client(
    db_session: Session, make_client, make_user
) -> None:
    user = make_user(display_name=NAME)
    user.client_id = make_client().id
    with pytest.raises(FieldCryptoError) as raised:
        db_session.commit()
    assert NAME not in str(raised.value)
