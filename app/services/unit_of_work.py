"""Starting a use case's write transaction so that its locks come first.

A request may already have read (the signed-in user, say) when a use case
starts; that read-only transaction is ended here, so the use case's own
transaction begins with its lock. On SQLite the transaction begins IMMEDIATE
(the database's one write lock, taken up front); on PostgreSQL the use case
then locks the rows it needs with `SELECT ... FOR UPDATE`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import SQLITE_BEGIN_MODE


def start_write(session: Session) -> None:
    """End any read-only transaction and begin the use case's write transaction."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a use case must start without unsaved changes in the session")
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN_MODE: "IMMEDIATE"})
