"""Appending to the audit trail: one event per access or change, hash-chained per client.

`record` writes the event in the caller's transaction: it commits with the use
case or vanishes with its rollback. Appends to one chain are serialized by
locking the chain's head row until the transaction ends, so concurrent
requests never fork a chain or leave a gap. Call it late in a use case (just
before the commit) so that lock is held briefly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from weakref import WeakKeyDictionary

from flask import Flask, has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import Engine, insert, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.config import get_config
from app.db import get_db, utcnow
from app.models.audit import AuditChainHead, AuditEvent, chain_name
from app.services.audit_chain import GENESIS_MAC, EventContent, compute_mac

#: The chain key of each application's database, for use cases run outside a request.
_KEYS: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()
#: Field names are identifiers: anything else (a value slipped in by mistake) is refused.
_MAX_FIELD_NAME = 64


def init_app(app: Flask) -> None:
    """Let sessions on `app`'s database append events with its key, in a request or not."""
    _KEYS[get_db(app).engine] = app.config["SAFESLOT"].audit_key


def record(
    session: Session,
    *,
    action: str,
    client_id: uuid.UUID | None,
    object_type: str | None = None,
    object_id: uuid.UUID | str | None = None,
    fields: Iterable[str] = (),
    flagged: bool = False,
    actor_id: uuid.UUID | None = None,
    actor_role: str | None = None,
    ip: str | None = None,
) -> None:
    """Write one audit event in the caller's transaction; actor and IP default to the request's."""
    if actor_id is None and actor_role is None:
        actor_id, actor_role = _request_actor()
    if ip is None:
        ip = _request_ip()
    names = tuple(sorted(set(_field_names(fields))))
    chain = chain_name(client_id)
    # No autoflush: the caller's own changes flush at its commit, where it expects their
    # errors (a name already taken, say), not inside this call.
    with session.no_autoflush:
        seq, prev_mac = _advance_head(session, chain, client_id)
        content = EventContent(
            id=uuid.uuid4(),
            chain=chain,
            seq=seq,
            at=utcnow(),
            client_id=client_id,
            actor_id=actor_id,
            actor_role=_role_text(actor_role),
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            ip_address=ip,
            fields=names,
            flagged=flagged,
        )
        mac = compute_mac(_key(session), prev_mac, content)
        _append(session, content, prev_mac, mac)


def changed_fields(obj: object) -> list[str]:
    """Names of `obj`'s mapped attributes changed in this unit of work (all set ones if new)."""
    state = inspect(obj)
    return sorted(attr.key for attr in state.attrs if attr.history.has_changes())


_HEADS = AuditChainHead.__table__
_EVENTS = AuditEvent.__table__


def _advance_head(session: Session, chain: str, client_id: uuid.UUID | None) -> tuple[int, str]:
    """Lock the chain's head row (creating it on first use) and move it on by one event:
    the new event's sequence number and the previous event's MAC."""
    stmt = (
        update(_HEADS)
        .where(_HEADS.c.chain == chain)
        .values(seq=_HEADS.c.seq + 1)
        .returning(_HEADS.c.seq, _HEADS.c.mac)
    )
    row = session.execute(stmt).first()
    if row is None:
        # Two first appends may race to create the head: one inserts, the other's insert
        # waits for it and does nothing, then both move the same row on in turn.
        upsert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
        session.execute(
            upsert(_HEADS)
            .values(chain=chain, client_id=client_id, seq=0, mac=GENESIS_MAC)
            .on_conflict_do_nothing(index_elements=["chain"])
        )
        row = session.execute(stmt).one()
    return row.seq, row.mac


def _append(session: Session, content: EventContent, prev_mac: str, mac: str) -> None:
    """Insert the event and make its MAC the head's: in one statement on PostgreSQL (a
    data-modifying WITH), as the head row is still locked by `_advance_head`."""
    event = insert(_EVENTS).values(_event_values(content, prev_mac, mac))
    set_head = update(_HEADS).where(_HEADS.c.chain == content.chain).values(mac=mac)
    if _dialect(session) == "postgresql":
        session.execute(event.add_cte(set_head.cte("set_head")))
    else:
        session.execute(set_head)
        session.execute(event)


def _event_values(content: EventContent, prev_mac: str, mac: str) -> dict[str, object]:
    return {
        "id": content.id,
        "chain": content.chain,
        "seq": content.seq,
        "at": content.at,
        "client_id": content.client_id,
        "actor_id": content.actor_id,
        "actor_role": content.actor_role,
        "action": content.action,
        "object_type": content.object_type,
        "object_id": content.object_id,
        "ip_address": content.ip_address,
        "fields": list(content.fields),
        "flagged": content.flagged,
        "prev_mac": prev_mac,
        "mac": mac,
    }


def _field_names(fields: Iterable[str]) -> Iterable[str]:
    if isinstance(fields, str):
        raise TypeError("fields must be an iterable of field names, not one string")
    for name in fields:
        if len(name) > _MAX_FIELD_NAME or not name.replace("_", "").replace(".", "").isalnum():
            # Never echo the offending text: it may be a private value.
            raise ValueError("audit fields must be field names (letters, digits, _ and .)")
        yield name


def _key(session: Session) -> bytes:
    key = _KEYS.get(session.get_bind().engine)
    if key is not None:
        return key
    if has_app_context():
        return get_config().audit_key
    raise RuntimeError("the audit key is unknown: create the app before recording events")


def _request_actor() -> tuple[uuid.UUID | None, str | None]:
    if not has_request_context() or not current_user.is_authenticated:
        return None, None
    return current_user.id, _role_text(current_user.role)


def _request_ip() -> str | None:
    # remote_addr already honours SAFESLOT_TRUSTED_PROXIES (ProxyFix, see app/__init__.py).
    return (request.remote_addr or None) if has_request_context() else None


def _role_text(role: object) -> str | None:
    return None if role is None else str(getattr(role, "value", role))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
