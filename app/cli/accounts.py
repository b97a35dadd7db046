"""`safeslot create-client` and `safeslot create-user`."""

from __future__ import annotations

import sys

import click

from app import get_config
from app.cli.state import CliState, pass_state
from app.db import get_session
from app.errors import Conflict, InvalidInput
from app.models import Role
from app.services import accounts


@click.command("create-client")
@click.option("--slug", required=True, help="Short name used in URLs, e.g. riverside.")
@click.option("--name", required=True, help="The business's name.")
@click.option("--timezone", required=True, help="IANA time zone, e.g. Europe/London.")
@pass_state
def create_client_command(state: CliState, slug: str, name: str, timezone: str) -> None:
    """Create a client (a business that publishes schedules)."""
    with state.app.app_context():
        try:
            client = accounts.create_client(get_session(), slug=slug, name=name, timezone=timezone)
        except (InvalidInput, Conflict) as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created client {client.slug} ({client.id}).")


@click.command("create-user")
@click.option("--client", "client_slug", help="Slug of the client (not for platform roles).")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="What the user may do.",
)
@click.option("--email", required=True, help="Sign-in address.")
@click.option("--name", "display_name", required=True, help="Name shown to others.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
@pass_state
def create_user_command(
    state: CliState,
    client_slug: str | None,
    role: str,
    email: str,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Create a user account; the password is never taken from the command line."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with state.app.app_context():
        try:
            user = accounts.create_user(
                get_session(),
                get_config(),
                client_slug=client_slug,
                role=Role(role),
                email=email,
                display_name=display_name,
                password=password,
            )
        except (InvalidInput, Conflict) as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created {user.role.value} {user.id}.")
