"""field encryption: per-client data keys, encrypted private columns

Revision ID: 5e1c0a7f2b91
Revises: 13cdbf4d1c37
Create Date: 2026-11-22 12:00:00

Creates `data_keys`, widens the private VARCHAR columns to TEXT on PostgreSQL
(ciphertext is longer than the plaintext; SQLite enforces no length, so its
columns stay as they are), and seals every existing plaintext value with its
client's new data key. The master key comes from the running application's
keyring when `safeslot migrate` runs this, else from the configuration
(SAFESLOT_MASTER_KEY, or `instance/secrets.json` in development); it is needed
only when there are rows to convert.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0a7f2b91"
down_revision: str | None = "13cdbf4d1c37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The private columns at this revision: table -> columns.
PRIVATE_COLUMNS = {
    "users": ("email", "display_name", "phone", "totp_secret", "totp_pending_secret"),
    "appointments": ("notes", "contact_phone", "cancel_reason"),
    "appointment_status_changes": ("reason",),
}
#: VARCHAR columns that become TEXT on PostgreSQL: (table, column, old length).
WIDENED = (
    ("users", "display_name", 200),
    ("users", "phone", 50),
    ("appointments", "contact_phone", 50),
)
#: Rows without a client_id column belong to their appointment's client.
PARENTED = "appointment_status_changes"
BATCH = 500


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("master_key_id", sa.String(length=16), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(wrapped_key IS NULL) = (shredded_at IS NOT NULL)",
            name=op.f("ck_data_keys_shredded_has_no_key"),
        ),
        sa.CheckConstraint(
            "NOT (is_active AND shredded_at IS NOT NULL)",
            name=op.f("ck_data_keys_shredded_not_active"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_data_keys_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_keys")),
    )
    with op.batch_alter_table("data_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_keys_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "uq_data_keys_active_client",
            ["client_id"],
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )
        batch_op.create_index(
            "uq_data_keys_active_platform",
            ["is_active"],
            unique=True,
            sqlite_where=sa.text("is_active AND client_id IS NULL"),
            postgresql_where=sa.text("is_active AND client_id IS NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length in WIDENED:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))
    _convert(op.get_bind(), _sealer)


def downgrade() -> None:
    _convert(op.get_bind(), _opener)
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length in WIDENED:
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text())
    with op.batch_alter_table("data_keys", schema=None) as batch_op:
        batch_op.drop_index("uq_data_keys_active_platform")
        batch_op.drop_index("uq_data_keys_active_client")
        batch_op.drop_index(batch_op.f("ix_data_keys_client_id"))
    op.drop_table("data_keys")


# -- converting existing rows -------------------------------------------------------------


class _Keys:
    """The keyring (loaded only once a row needs it) and each owner's sealing key."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._keyring = None
        self._sealing: dict[uuid.UUID | None, object] = {}

    def keyring(self):
        if self._keyring is None:
            from app.crypto.keyring import UnknownMasterKey, keyring_for

            try:
                self._keyring = keyring_for(self.connection)
            except UnknownMasterKey:
                from app.config import load_config
                from app.crypto import keyring_from_config

                self._keyring = keyring_from_config(load_config())
        return self._keyring

    def sealing(self, client_id: uuid.UUID | None):
        if client_id not in self._sealing:
            self._sealing[client_id] = self.keyring().sealing_key(self.connection, client_id)
        return self._sealing[client_id]


def _sealer(keys: _Keys, client_id, table: str, column: str, row_id, value: str) -> str:
    from app.crypto.envelope import FieldContext, is_ciphertext, seal

    if is_ciphertext(value):
        return value  # converted by an earlier, interrupted run
    key = keys.sealing(client_id)
    context = FieldContext(client_id, table, column, row_id)
    return seal(value, key=key.key, key_id=key.key_id, context=context)


def _opener(keys: _Keys, client_id, table: str, column: str, row_id, value: str) -> str:
    from app.crypto.envelope import FieldContext, is_ciphertext, key_id_of, open_sealed

    if not is_ciphertext(value):
        return value
    key = keys.keyring().opening_key(keys.connection, key_id_of(value))
    if key.key is None:
        return "(unavailable)"  # shredded: there is nothing left to restore
    context = FieldContext(key.client_id, table, column, row_id)
    return open_sealed(value, key=key.key, context=context)


def _convert(connection: sa.Connection, convert: Callable[..., str]) -> None:
    keys = _Keys(connection)
    for table_name, columns in PRIVATE_COLUMNS.items():
        table, owner = _table_and_owner(table_name, columns)
        last = None
        while rows := connection.execute(_page(table, owner, columns, last)).all():
            for row in rows:
                values = row._mapping
                changes = {
                    c: convert(keys, row.owner, table_name, c, row.id, values[c])
                    for c in columns
                    if values[c] is not None
                }
                if changes:
                    connection.execute(table.update().where(table.c.id == row.id).values(changes))
            last = rows[-1].id


def _table_and_owner(table_name: str, columns: tuple[str, ...]):
    """A lightweight table and the expression of each row's client."""
    uuid_columns = ("id", "appointment_id" if table_name == PARENTED else "client_id")
    table = sa.table(
        table_name,
        *(sa.column(c, sa.Uuid()) for c in uuid_columns),
        *(sa.column(c, sa.Text()) for c in columns),
    )
    if table_name != PARENTED:
        return table, table.c.client_id
    parent = sa.table("appointments", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()))
    owner = (
        sa.select(parent.c.client_id).where(parent.c.id == table.c.appointment_id).scalar_subquery()
    )
    return table, owner


def _page(table, owner, columns: tuple[str, ...], last):
    stmt = sa.select(table.c.id, owner.label("owner"), *(table.c[c] for c in columns))
    if last is not None:
        stmt = stmt.where(table.c.id > last)
    return stmt.order_by(table.c.id).limit(BATCH)
