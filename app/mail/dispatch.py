"""After a commit, ask a worker to send what the transaction queued (the sweep is the backstop)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from celery import Celery
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.mail.settings import Dispatch

log = logging.getLogger(__name__)

_PENDING = "safeslot.mail.pending"
_LISTENING = "safeslot.mail.listening"
#: `app.extensions` key of a function that replaces the configured dispatch.
DISPATCHER_KEY = "safeslot.mail.dispatcher"
_PRODUCER_KEY = "safeslot.mail.celery"
#: The task that sends given outgoing messages (workers/tasks.py).
SEND_TASK = "workers.tasks.send_outbox_messages"

Dispatcher = Callable[[list[uuid.UUID]], None]


def dispatch_after_commit(session: Session, message_id: uuid.UUID) -> None:
    """Remember `message_id`; hand it to the app's dispatcher once the session commits."""
    session.info.setdefault(_PENDING, []).append(message_id)
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_rollback)


def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # A rolled-back transaction's messages never existed: forget them. (A savepoint's
    # rollback keeps the list: IDs whose rows are gone are simply not found when sending.)
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def _after_commit(session: Session) -> None:
    message_ids = session.info.pop(_PENDING, None)
    if not message_ids or not has_app_context():
        return
    dispatcher = _dispatcher()
    if dispatcher is None:
        return
    try:
        dispatcher(list(message_ids))
    except Exception:  # the every-minute sweep sends them anyway
        log.warning("mail dispatch failed; the sweep will send %d message(s)", len(message_ids))


def _dispatcher() -> Dispatcher | None:
    custom: Dispatcher | None = current_app.extensions.get(DISPATCHER_KEY)
    if custom is not None:
        return custom
    mode = current_app.config["SAFESLOT"].mail.dispatch
    if mode is Dispatch.INLINE:
        return send_inline
    if mode is Dispatch.CELERY:
        return send_by_celery
    return None


def send_inline(message_ids: list[uuid.UUID]) -> None:
    """Send the messages now, in this process, on a session of their own."""
    from app.db import get_db
    from app.services.outbox_sending import send_due_messages  # import cycle

    session = get_db().session()
    try:
        send_due_messages(session, only_ids=message_ids)
    finally:
        session.close()


def send_by_celery(message_ids: list[uuid.UUID]) -> None:
    """Ask a worker to send the messages (the task claims them, so a repeat sends nothing)."""
    producer = current_app.extensions.get("celery") or _producer()
    producer.send_task(SEND_TASK, args=[[str(i) for i in message_ids]], retry=False)


def _producer() -> Celery:
    """A Celery client that only sends tasks (web processes run no worker)."""
    producer = current_app.extensions.get(_PRODUCER_KEY)
    if producer is None:
        config = current_app.config["SAFESLOT"]
        producer = Celery("safeslot-mail", set_as_current=False)
        producer.conf.update(
            broker_url=config.celery_broker_url,
            task_serializer="json",
            accept_content=["json"],
            broker_connection_timeout=2,
        )
        current_app.extensions[_PRODUCER_KEY] = producer
    return producer
