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
    """Import every command module of this package; each adds its commands to `app`."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "common":
            importlib.import_module(f"{__name__}.{module.name}")


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
