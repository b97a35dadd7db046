"""`safeslot demo load`: the Riverside Counselling demo data."""

from __future__ import annotations

import click

from app import get_config
from app.cli.state import CliState, pass_state
from app.db import get_session, utcnow
from app.services.demo import DemoResult, load_demo


@click.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@pass_state
def load(state: CliState) -> None:
    """Create the demo client and its data (does nothing if it exists)."""
    with state.app.app_context():
        result = load_demo(get_session(), get_config(), now=utcnow())
        echo_demo_result(result, get_config().base_url)


def echo_demo_result(result: DemoResult, base_url: str) -> None:
    """Tell the user what the demo load did, with the one-time passwords if any."""
    if not result.created:
        click.echo(
            f"Demo client '{result.client_slug}' already exists; nothing changed. "
            "Its passwords were shown once, when it was created."
        )
        return
    click.echo(f"Created demo client '{result.client_slug}' (Riverside Counselling).")
    click.echo("Demo sign-ins (passwords are shown only now and stored only as hashes):")
    width = max(len(s.email) for s in result.sign_ins)
    for sign_in in result.sign_ins:
        click.echo(f"  {sign_in.role.value:<13} {sign_in.email:<{width}}  {sign_in.password}")
    click.echo(f"Open {base_url}/")
