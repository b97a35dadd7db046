"""The `safeslot` command line."""

from __future__ import annotations

import click

from app.cli.accounts import create_client_command, create_user_command
from app.cli.audit import audit_group
from app.cli.backup import backup
from app.cli.closing import close_client_command
from app.cli.demo import demo
from app.cli.keys import keys_group
from app.cli.serve import serve
from app.cli.state import CliState, pass_state
from app.db import get_db
from app.schema import current_revision, upgrade_database

__all__ = ["CliState", "main"]


@click.group()
def main() -> None:
    """SafeSlot: privacy-minded appointment scheduling."""


@main.command()
@pass_state
def migrate(state: CliState) -> None:
    """Bring the database schema up to date."""
    engine = get_db(state.app).engine
    upgrade_database(engine)
    click.echo(f"Database schema is at revision {current_revision(engine)}.")


main.add_command(audit_group)
main.add_command(backup)
main.add_command(close_client_command)
main.add_command(create_client_command)
main.add_command(create_user_command)
main.add_command(demo)
main.add_command(keys_group)
main.add_command(serve)
