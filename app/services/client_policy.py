"""A client's security policy, read once per transaction.

A signed-in request consults it several times (session timeouts, password age,
second factor), so it is remembered in `Session.info` until the transaction ends.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.models import SecurityPolicyRow
from auth.policy import SecurityPolicy

#: Key in `Session.info`: the transaction the remembered policies were read in, and them.
_POLICIES = "safeslot.security_policies"


def client_policy(session: Session, client_id: uuid.UUID) -> SecurityPolicy:
    """The client's security policy (the defaults until an admin saved one).

    Remembered for the rest of the transaction: a signed-in request consults it several
    times (session timeouts, password age, second factor), and a client without a stored
    row would otherwise be queried each time (the identity map cannot remember a miss).
    A commit or rollback starts a new transaction and so a fresh read.
    """
    known = _known_policies(session)
    if client_id not in known:
        row = session.get(SecurityPolicyRow, client_id)  # may begin the transaction
        known[client_id] = row.policy() if row is not None else SecurityPolicy()
    session.info[_POLICIES] = (session.get_transaction(), known)
    return known[client_id]


def remember_policy(session: Session, client_id: uuid.UUID, row: SecurityPolicyRow | None) -> None:
    """Keep a policy row (or its absence) read within another query, for `client_policy`."""
    known = _known_policies(session)
    known[client_id] = row.policy() if row is not None else SecurityPolicy()
    session.info[_POLICIES] = (session.get_transaction(), known)


def _known_policies(session: Session) -> dict[uuid.UUID, SecurityPolicy]:
    remembered = session.info.get(_POLICIES)
    if remembered is None or remembered[0] is not session.get_transaction():
        return {}
    return remembered[1]


def policy_for(session: Session, client_id: uuid.UUID | None) -> SecurityPolicy:
    """The client's policy; platform accounts (no client) follow the defaults."""
    return SecurityPolicy() if client_id is None else client_policy(session, client_id)
