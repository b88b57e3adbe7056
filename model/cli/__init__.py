"""The `littlegiants` command line: one module per command group, registered here."""

from __future__ import annotations

import sys

import typer

from model.errors import ConfigError

app = typer.Typer(
    name="littlegiants",
    help="Simulate China's specialized, innovative SMEs ('little giants') and their policies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _register() -> None:
    # Imported here so that each command module can import `app` from this package.
    from model.cli import run, scenarios  # noqa: F401


def main() -> None:
    """Console entry point: bad input ends with one message and exit code 2, no traceback."""
    _register()
    try:
        app()
    except ConfigError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.secho("interrupted", err=True, fg=typer.colors.RED)
        sys.exit(130)
