"""`safeslot keys`: status, rotation, retirement and shredding of field-encryption keys."""

from __future__ import annotations

import click

from app.cli.state import CliState, pass_state
from app.crypto.errors import FieldCryptoError
from app.crypto.keyring import keyring_for
from app.db import get_db, utcnow
from app.errors import NotFound
from app.services import key_admin, key_file, key_rotation


@click.group("keys")
def keys_group() -> None:
    """Field-encryption keys: each client's data keys, wrapped by the master key."""


@keys_group.command("status")
@pass_state
def status_command(state: CliState) -> None:
    """List master keys and data keys, with the rows each data key seals."""
    database = get_db(state.app)
    keyring = keyring_for(database.engine)
    with database.session() as session:
        masters = key_admin.master_key_use(session, keyring)
        keys = key_admin.key_status(session)
    click.echo("Master keys:")
    for mid, wrapped in masters.items():
        role = _master_role(mid, keyring)
        click.echo(f"  {mid}  {role:<14} wraps {wrapped} data key(s)")
    click.echo("Data keys:")
    for key in keys:
        owner = key.client_slug or "(platform)"
        state_text = _key_state(key)
        rows = ", ".join(f"{table} {n}" for table, n in sorted(key.rows.items())) or "no rows"
        master = key.master_key_id or "-"
        click.echo(f"  {key.key_id}  {owner:<20} {state_text:<10} master {master}  {rows}")


@keys_group.command("rotate")
@click.option(
    "--reencrypt-only",
    is_flag=True,
    help="Finish an interrupted rotation: re-wrap and re-encrypt without new data keys.",
)
@click.option("--batch-size", default=key_rotation.DEFAULT_BATCH, show_default=True, type=int)
@pass_state
def rotate_command(state: CliState, reencrypt_only: bool, batch_size: int) -> None:
    """Re-wrap data keys under the current master key and move every row to new data keys."""
    if batch_size < 1:
        raise click.BadParameter("must be at least 1", param_hint="--batch-size")
    database = get_db(state.app)
    keyring = keyring_for(database.engine)
    try:
        report = key_rotation.rotate(
            database.session,
            keyring,
            now=utcnow(),
            new_keys=not reencrypt_only,
            batch_size=batch_size,
            progress=lambda table, moved: click.echo(f"  {table}: {moved} rows moved"),
        )
    except FieldCryptoError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Re-wrapped {report.rewrapped} data key(s) under master key {keyring.current_master_id}."
    )
    click.echo(f"New data keys: {len(report.new_keys)}; rows moved: {report.rows_moved}.")
    if report.values_unreadable:
        click.echo(
            f"{report.values_unreadable} value(s) belong to shredded keys and stay unreadable."
        )
    # The key file must hold the new keys and the new wrapping before a master key goes.
    report_key_file(
        key_file.update_key_file(database.engine, key_file.target(state.app.config["SAFESLOT"]))
    )
    if report.rows_skipped:
        click.echo(
            f"{report.rows_skipped} row(s) changed while being moved; "
            "run `safeslot keys rotate --reencrypt-only` again."
        )
    else:
        click.echo(
            "Every row is on its client's active key; `safeslot keys retire` retires old keys."
        )


@keys_group.command("retire")
@pass_state
def retire_command(state: CliState) -> None:
    """Retire old data keys no row uses (kept while older backups need them); list master
    keys no longer needed."""
    database = get_db(state.app)
    report = key_admin.retire(
        database.session,
        keyring_for(database.engine),
        key_file.target(state.app.config["SAFESLOT"]),
        now=utcnow(),
    )
    click.echo(f"Removed {len(report.removed)} old data key(s).")
    if report.kept_for_backups:
        click.echo(
            f"Kept {len(report.kept_for_backups)} retired data key(s) for backups made before "
            "they were retired; they go when retention prunes those backups."
        )
    for key_id, rows in report.still_used.items():
        click.echo(f"  kept {key_id}: {rows} row(s) still use it (run `safeslot keys rotate`)")
    report_key_file(report.key_file)
    if report.unneeded_master_keys:
        click.echo("Master keys no longer needed (remove from SAFESLOT_RETIRED_MASTER_KEYS):")
        for mid in report.unneeded_master_keys:
            click.echo(f"  {mid}")
    else:
        click.echo("No retired master key can be removed yet.")


@keys_group.command("shred")
@click.argument("client_slug")
@click.option("--yes", is_flag=True, help="Do not ask; the client's slug was checked elsewhere.")
@pass_state
def shred_command(state: CliState, client_slug: str, yes: bool) -> None:
    """Destroy a client's data keys: its encrypted data becomes unreadable for good."""
    if not yes:
        click.echo(
            f"This destroys every data key of client {client_slug!r}. Its names, e-mail "
            "addresses, phone numbers and notes become unreadable for good, in the database "
            "and in every backup (backups hold no keys; the key file beside them is "
            "rewritten now)."
        )
        typed = click.prompt("Type the client's slug to confirm", default="", show_default=False)
        if typed != client_slug:
            raise click.ClickException("Not confirmed; nothing was shredded.")
    database = get_db(state.app)
    keyring = keyring_for(database.engine)
    with database.session() as session:
        try:
            report = key_admin.shred_client(
                session,
                keyring,
                client_slug,
                key_file.target(state.app.config["SAFESLOT"]),
                now=utcnow(),
            )
        except NotFound as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Shredded {report.shredded} data key(s) of client {client_slug!r}.")
    report_key_file(report.key_file)


def report_key_file(update: key_file.KeyFileUpdate) -> None:
    """Say where the key file was rewritten, or fail loudly: backups still hold old keys."""
    if update.ok:
        click.echo(
            f"Data-key file rewritten: {update.path} "
            f"({update.live} key(s), {update.shredded} shredded)."
        )
        return
    raise click.ClickException(
        f"the data-key file {update.path} could not be rewritten ({update.error}). Until it "
        "is, backups can be restored with the keys it still holds. The next backup rewrites "
        "it (the beat checks every minute); the platform administrators were e-mailed "
        "if this was a shred."
    )


def _master_role(mid: str, keyring) -> str:
    if mid == keyring.current_master_id:
        return "current"
    if mid in keyring.master_keys():
        return "retired"
    return "NOT CONFIGURED"


def _key_state(key: key_admin.KeyStatus) -> str:
    if key.shredded_at is not None:
        return "shredded"
    if key.retired_at is not None:
        return "retired"  # no row uses it; kept for backups made before
    return "active" if key.is_active else "old"
