"""Reading and overwriting stored (sealed) values behind the ORM's back, for tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app.db import get_db


def _table(name: str, column: str) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Uuid()), sa.column(column, sa.Text()))


def stored(app: Flask, table: str, column: str, row_id: uuid.UUID) -> str | None:
    """The value as the database holds it."""
    t = _table(table, column)
    with get_db(app).engine.connect() as connection:
        return connection.execute(sa.select(t.c[column]).where(t.c.id == row_id)).scalar_one()


def overwrite(app: Flask, table: str, column: str, row_id: uuid.UUID, value: str) -> None:
    """Replace a stored value directly, as someone with database access could."""
    t = _table(table, column)
    with get_db(app).engine.begin() as connection:
        connection.execute(sa.update(t).where(t.c.id == row_id).values({column: value}))


def fresh_session(app: Flask) -> Session:
    """A new session, so rows are read from the database again."""
    return get_db(app).session()


def insert_markers(
    make_user: Callable[..., Any], make_appointment: Callable[..., Any]
) -> list[str]:
    """Create rows holding distinctive private values; the values."""
    markers = [
        "Quentin Markerface",
        "quentin.marker@example.org",
        "+44 7700 900999",
        "MARKERTOTPSECRET234567",
        "MARKERPENDINGSECRET234",
        "Marker notes about a sensitive matter",
        "+44 7700 900888",
        "Marker cancel reason",
    ]
    customer = make_user(
        display_name=markers[0],
        email=markers[1],
        phone=markers[2],
        totp_secret=markers[3],
        totp_pending_secret=markers[4],
    )
    make_appointment(
        customer=customer, notes=markers[5], contact_phone=markers[6], cancel_reason=markers[7]
    )
    return markers
