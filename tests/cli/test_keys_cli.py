"""`safeslot keys status | rotate | retire | shred`."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner, Result
from flask import Flask

from app.cli import CliState, main
from app.crypto.events import UNREADABLE
from app.crypto.keyring import Keyring
from app.db import get_db
from app.models import AuditEvent, DataKey, Role, User
from tests.settings import TEST_MASTER_KEY


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=CliState(app), input=input)


def _keys(app: Flask) -> list[DataKey]:
    with get_db(app).session() as session:
        return list(session.scalars(sa.select(DataKey).order_by(DataKey.created_at)))


def test_status_lists_master_and_data_keys_with_their_rows(
    app: Flask, make_client, make_user
) -> None:
    client = make_client(slug="harbour")
    make_user(client=client)
    make_user(client=client)
    make_user(role=Role.SUPPORT)

    result = run(app, "keys", "status")

    assert result.exit_code == 0, result.output
    master_id = Keyring(TEST_MASTER_KEY).current_master_id
    assert f"{master_id}  current" in result.output
    harbour = next(line for line in result.output.splitlines() if "harbour" in line)
    assert "active" in harbour and "users 2" in harbour
    assert "(platform)" in result.output


def test_rotate_then_retire_leaves_only_new_keys_and_every_row_readable(
    app: Flask, make_client, make_user
) -> None:
    user = make_user(client=make_client(), display_name="Rotated Person")
    old = {key.id for key in _keys(app)}

    rotated = run(app, "keys", "rotate", "--batch-size", "1")
    assert rotated.exit_code == 0, rotated.output
    assert "New data keys: 1" in rotated.output

    retired = run(app, "keys", "retire")
    assert retired.exit_code == 0, retired.output
    assert "Removed 1 old data key(s)" in retired.output
    keys = _keys(app)
    assert len(keys) == 1 and keys[0].id not in old
    with get_db(app).session() as session:
        assert session.get_one(User, user.id).display_name == "Rotated Person"
        assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "keys.rotate"))


def test_shred_needs_the_slug_typed_and_then_destroys_the_clients_keys(
    app: Flask, make_client, make_user
) -> None:
    doomed, kept = make_client(slug="doomed"), make_client(slug="kept")
    gone = make_user(client=doomed, display_name="Doomed Person")
    stays = make_user(client=kept, display_name="Kept Person")

    refused = run(app, "keys", "shred", "doomed", input="kept\n")
    assert refused.exit_code != 0 and "nothing was shredded" in refused.output
    assert all(key.shredded_at is None for key in _keys(app))

    shredded = run(app, "keys", "shred", "doomed", input="doomed\n")
    assert shredded.exit_code == 0, shredded.output
    assert "Shredded 1 data key(s)" in shredded.output
    with get_db(app).session() as session:
        assert session.get_one(User, gone.id).display_name == UNREADABLE
        assert session.get_one(User, stays.id).display_name == "Kept Person"
    doomed_keys = [key for key in _keys(app) if key.client_id == doomed.id]
    assert [key.wrapped_key for key in doomed_keys] == [None]
    key_file = app.config["SAFESLOT"].backup_dir / "data-keys.enc"
    assert f"Data-key file rewritten: {key_file}" in shredded.output
    assert "1 shredded" in shredded.output


def test_shred_of_an_unknown_client_fails_and_changes_nothing(app: Flask, make_user) -> None:
    make_user()
    result = run(app, "keys", "shred", "nobody", "--yes")
    assert result.exit_code != 0 and "nobody" in result.output
    assert all(key.wrapped_key is not None for key in _keys(app))


def test_rotate_refuses_a_batch_size_below_one(app: Flask) -> None:
    result = run(app, "keys", "rotate", "--batch-size", "0")
    assert result.exit_code != 0 and "--batch-size" in result.output
