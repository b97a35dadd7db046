"""`safeslot close-client`: close a client's account, then offer to shred its keys."""

from __future__ import annotations

import click

from app.cli.keys import report_key_file
from app.cli.state import CliState, pass_state
from app.crypto.keyring import keyring_for
from app.db import get_db, utcnow
from app.errors import InvalidInput, NotFound
from app.services import client_closing, key_admin, key_file

SHRED_WARNING = (
    "Last step: destroy the client's encryption keys (crypto-shredding)? Its customers' "
    "names, e-mail addresses, phone numbers and notes become unreadable for good, in the "
    "database and in every backup. This cannot be undone."
)


@click.command("close-client")
@click.argument("client_slug")
@click.option("--shred/--keep-keys", default=None, help="Answer the last question up front.")
@click.option("--yes", is_flag=True, help="Do not ask for the slug again.")
@pass_state
def close_client_command(state: CliState, client_slug: str, shred: bool | None, yes: bool) -> None:
    """Close a client: sign out and deactivate its users, revoke its feeds, answer 404."""
    if not yes:
        click.echo(
            f"This closes client {client_slug!r}: every user of it is signed out and "
            "deactivated, its calendar feeds and support grants stop, and its booking page "
            "answers 404."
        )
        typed = click.prompt("Type the client's slug to confirm", default="", show_default=False)
        if typed != client_slug:
            raise click.ClickException("Not confirmed; nothing was closed.")
    database = get_db(state.app)
    with database.session() as session:
        try:
            report = client_closing.close_client(session, client_slug, now=utcnow())
        except (NotFound, InvalidInput) as error:
            raise click.ClickException(str(error)) from None
    _say_closed(client_slug, report)
    if shred is None:
        shred = not yes and click.confirm(SHRED_WARNING, default=False)
    if not shred:
        click.echo(f"Keys kept; `safeslot keys shred {client_slug}` destroys them later.")
        return
    with database.session() as session:
        shredded = key_admin.shred_client(
            session,
            keyring_for(database.engine),
            client_slug,
            key_file.target(state.app.config["SAFESLOT"]),
            now=utcnow(),
        )
    click.echo(f"Shredded {shredded.shredded} data key(s) of client {client_slug!r}.")
    report_key_file(shredded.key_file)


def _say_closed(slug: str, report: client_closing.ClosingReport) -> None:
    if report.already_closed:
        click.echo(f"Client {slug!r} was closed already ({report.closed_at:%Y-%m-%d %H:%M} UTC).")
        return
    click.echo(
        f"Closed client {slug!r}: {report.users} user(s) deactivated, "
        f"{report.sessions} session(s) ended, {report.feeds} calendar feed(s) and "
        f"{report.support_grants} support grant(s) revoked."
    )
