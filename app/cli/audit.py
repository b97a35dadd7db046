"""`safeslot audit verify`: prove the audit trail has not been altered."""

from __future__ import annotations

import click

from app import get_config
from app.cli.state import CliState, pass_state
from app.db import get_session
from app.errors import NotFound
from app.services import audit_verify


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@click.option("--client", "client_slug", help="Verify only this client's chain (its slug).")
@pass_state
def verify_command(state: CliState, client_slug: str | None) -> None:
    """Walk each chain; name the first altered, deleted, reordered or inserted event."""
    with state.app.app_context():
        session = get_session()
        try:
            chains = audit_verify.chains_of(session, client_slug)
        except NotFound:
            raise click.ClickException(f"no client has the slug {client_slug!r}") from None
        key = get_config().audit_key
        broken = 0
        for chain in chains:
            report = audit_verify.verify(session, key, chain)
            if report.problem is None:
                click.echo(f"chain {chain}: {_count(report.events, 'event')} verified")
            else:
                broken += 1
                click.echo(f"TAMPERED {report.problem.describe()}", err=True)
        if broken:
            raise click.ClickException(f"{broken} of {len(chains)} chains failed verification")
        click.echo(f"{_count(len(chains), 'chain')} intact.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
