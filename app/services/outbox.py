"""Queuing e-mail in a use case's transaction: sent only once that transaction commits."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.dispatch import dispatch_after_commit
from app.models.outbox import DeliveryStatus, OutboxMessage

#: Template names: lower-case words and slashes, nothing that could leave templates/email/.
TEMPLATE_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*")
MAX_KIND_LENGTH = 40


class BadMessage(ValueError):
    """The message to queue is malformed (a programming error, not user input)."""


def enqueue_email(
    session: Session,
    *,
    client_id: uuid.UUID | None,
    template: str,
    context: dict,
    to_user_id: uuid.UUID | None = None,
    to_address: str | None = None,
    kind: str = "notice",
) -> None:
    """Add one outgoing e-mail to the session; it is sent after the caller commits."""
    if not TEMPLATE_NAME.fullmatch(template):
        raise BadMessage(f"not a template name: {template!r}")
    if to_user_id is None and not to_address:
        raise BadMessage("an e-mail needs a recipient: to_user_id or to_address")
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise BadMessage("kind must be 1 to 40 characters")
    message = OutboxMessage(
        id=uuid.uuid4(),
        client_id=client_id,
        kind=kind,
        template=template,
        context=json_safe(context),
        to_user_id=to_user_id,
        to_address=to_address,
        status=DeliveryStatus.PENDING,
        due_at=utcnow(),
        attempts=0,
    )
    session.add(message)
    dispatch_after_commit(session, message.id)


def json_safe(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context as JSON values: UUIDs and datetimes become strings."""
    return {str(key): _json_value(value) for key, value in context.items()}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return json_safe(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    raise BadMessage(
        f"e-mail context values must be JSON values or IDs, not {type(value).__name__}"
    )
