"""Outgoing e-mail: queued in the use case's transaction, sent only after it committed."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

import scheduling
from app.mail.dispatch import DISPATCHER_KEY
from app.mail.settings import Dispatch
from app.models.delivery import DeliveryStatus
from app.models.outbox import OutboxMessage
from app.services.outbox import BadMessage, enqueue_email
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import (
    BOOKED_AT,
    START,
    book_at,
    cancel,
    make_world,
    move,
    sweep_messages,
)


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    return with_mail_server(config, mail_server)


@pytest.fixture
def world(db_session, make_client, make_service, make_schedule, make_user):
    return make_world(db_session, make_client, make_service, make_schedule, make_user)


def queued(session):
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def subjects(mail_server):
    return [str(message["Subject"]) for message in mail_server.messages]


def test_a_booking_sends_its_confirmation_once_after_the_commit(
    app, db_session, world, mail_server
):
    book_at(db_session, world)
    assert mail_server.messages == []  # nothing leaves during the request
    assert sweep_messages(app, db_session, BOOKED_AT).sent == 1
    assert sweep_messages(app, db_session, BOOKED_AT).sent == 0
    [message] = mail_server.messages
    assert message["Subject"] == "Appointment confirmed: Riverside Counselling"
    assert message["To"] == "pat@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Initial consultation" in text
    assert "Monday 3 March 2031, 10:00 (Europe/London)" in text
    assert [a.get_content_type() for a in message.iter_attachments()] == ["text/calendar"]


def test_a_refused_booking_queues_nothing_and_sends_nothing(app, db_session, world, mail_server):
    book_at(db_session, world)
    with pytest.raises(scheduling.BookingRefused):
        book_at(db_session, world)  # the same time again: taken
    db_session.rollback()
    assert queued(db_session) == 1
    sweep_messages(app, db_session, BOOKED_AT)
    assert len(mail_server.messages) == 1


def test_a_rolled_back_transaction_sends_nothing(app, db_session, world, mail_server):
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="appointment_booked",
        context={},
        to_user_id=world.customer.id,
    )
    db_session.flush()
    db_session.rollback()
    assert queued(db_session) == 0
    assert sweep_messages(app, db_session, BOOKED_AT).sent == 0
    assert mail_server.messages == []


def test_the_dispatcher_hears_of_a_message_only_after_the_commit(app, db_session, world):
    heard = []
    app.extensions[DISPATCHER_KEY] = heard.extend
    with app.app_context():
        enqueue_email(
            db_session,
            client_id=world.client.id,
            template="account_locked",
            context={"locked_until": None},
            to_user_id=world.customer.id,
            kind="lockout",
        )
        db_session.flush()
        assert heard == []
        db_session.commit()
    assert heard == [db_session.scalar(select(OutboxMessage.id))]


def test_the_dispatcher_hears_nothing_of_a_rolled_back_message(app, db_session, world):
    heard = []
    app.extensions[DISPATCHER_KEY] = heard.extend
    with app.app_context():
        enqueue_email(
            db_session,
            client_id=world.client.id,
            template="account_locked",
            context={},
            to_user_id=world.customer.id,
        )
        db_session.rollback()
        db_session.commit()
    assert heard == []


def test_inline_dispatch_sends_right_after_the_commit(app, db_session, world, mail_server):
    config = app.config["SAFESLOT"]
    app.config["SAFESLOT"] = config.with_overrides(
        mail=replace(config.mail, dispatch=Dispatch.INLINE)
    )
    with app.app_context():
        book_at(db_session, world, start=START + timedelta(days=30), now=START)
    assert subjects(mail_server) == ["Appointment confirmed: Riverside Counselling"]
    assert db_session.scalar(select(OutboxMessage.status)) is DeliveryStatus.SENT


def test_cancelling_and_moving_send_their_notices(app, db_session, world, mail_server):
    appointment = book_at(db_session, world)
    move(db_session, world, appointment, START + timedelta(hours=2))
    cancel(db_session, world, appointment)
    sweep_messages(app, db_session, BOOKED_AT)
    assert sorted(subjects(mail_server)) == [
        "Appointment cancelled: Riverside Counselling",
        "Appointment changed: Riverside Counselling",
        "Appointment confirmed: Riverside Counselling",
    ]
    cancelled = next(m for m in mail_server.messages if "cancelled" in m["Subject"])
    [ics] = list(cancelled.iter_attachments())
    assert b"STATUS:CANCELLED" in ics.get_content().encode()


def test_a_message_whose_template_is_missing_fails_visibly(app, db_session, world, mail_server):
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="no_such_template",
        context={},
        to_user_id=world.customer.id,
    )
    db_session.commit()
    report = sweep_messages(app, db_session, BOOKED_AT)
    assert report.failed == 1
    row = db_session.scalar(select(OutboxMessage))
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "template missing")
    assert mail_server.messages == []


@pytest.mark.parametrize(
    ("template", "context", "recipient"),
    [
        ("../secrets", {}, {"to_address": "a@example.org"}),
        ("Appointment Booked", {}, {"to_address": "a@example.org"}),
        ("appointment_booked", {}, {}),
        ("appointment_booked", {"when": object()}, {"to_address": "a@example.org"}),
    ],
)
def test_a_malformed_message_is_refused_and_nothing_is_queued(
    db_session, world, template, context, recipient
):
    with pytest.raises(BadMessage):
        enqueue_email(
            db_session, client_id=world.client.id, template=template, context=context, **recipient
        )
    assert queued(db_session) == 0


def test_ids_in_the_context_are_stored_as_text(db_session, world):
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="appointment_booked",
        context={"appointment_id": world.customer.id, "at": START},
        to_address="someone@example.org",
    )
    db_session.commit()
    row = db_session.scalar(select(OutboxMessage))
    assert row.context == {"appointment_id": str(world.customer.id), "at": START.isoformat()}


def test_without_an_smtp_server_messages_go_to_the_sink_with_ids_only_in_the_log(
    app, db_session, world, caplog
):
    config = app.config["SAFESLOT"]
    app.config["SAFESLOT"] = config.with_overrides(mail=replace(config.mail, smtp_host=None))
    book_at(db_session, world)
    with caplog.at_level(logging.INFO):
        assert sweep_messages(app, db_session, BOOKED_AT).sent == 1
    [eml] = list(config.mail.sink_dir.glob("*.eml"))
    assert eml.stat().st_mode & 0o077 == 0
    assert b"pat@example.org" in eml.read_bytes()
    logged = caplog.text
    assert "mail sink: wrote" in logged
    for private in ("pat@example.org", "Pat Private", "Initial consultation"):
        assert private not in logged


def test_an_explicit_address_is_stored_encrypted_and_used_to_send(
    app, db_session, world, mail_server
):
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="account_locked",
        context={},
        to_address="front-desk@example.org",
    )
    db_session.commit()
    stored = db_session.execute(text("SELECT to_address FROM outbox_messages")).scalar_one()
    assert "front-desk" not in stored
    sweep_messages(app, db_session, datetime.now(UTC))
    [message] = mail_server.messages
    assert message["To"] == "front-desk@example.org"


def test_a_broker_that_cannot_be_reached_loses_nothing(app, db_session, world, mail_server, caplog):
    def unreachable(_ids):
        raise ConnectionRefusedError("broker down")

    app.extensions[DISPATCHER_KEY] = unreachable
    with app.app_context(), caplog.at_level(logging.WARNING):
        book_at(db_session, world)  # commits: the failed hand-over does not undo the booking
    assert "the sweep will send 1 message(s)" in caplog.text
    assert sweep_messages(app, db_session, BOOKED_AT).sent == 1
    assert len(mail_server.messages) == 1
