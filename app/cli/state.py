"""The application a command works on: created on first use, or given by a test."""

from __future__ import annotations

import click
from flask import Flask

from app import create_app


class CliState:
    """Holds the Flask app of one command invocation."""

    def __init__(self, app: Flask | None = None) -> None:
        self._app = app

    @property
    def app(self) -> Flask:
        """The app; built from the environment on first use."""
        if self._app is None:
            self._app = create_app()
        return self._app


pass_state = click.make_pass_decorator(CliState, ensure=True)
