"""`littlegiants` run in this process with typer's test runner, on the app the console
script runs (every command registered, as `model.cli.main` does).

A subprocess costs about two seconds of interpreter and import start-up a call; only
the tests of the installed console script itself (exit codes, no traceback on stderr,
in test_cli_errors.py) pay it. In this process an exception is not turned into an
exit code: a command's ConfigError reaches the test, because `model.cli.main` is what
prints it as one line and exits 2.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from model.cli import _register, app
from model.errors import ConfigError

_register()


def invoke(*args: str | Path) -> Result:
    """`littlegiants *args` in this process: exit code, stdout and stderr. Exceptions
    propagate, so an exit code of 1 always is the command's own verdict."""
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def refusal(*args: str | Path) -> str:
    """The message `littlegiants *args` refuses its input with: the text of the
    ConfigError a command raised, or click's usage error (exit code 2). Any other
    outcome (success, another exception: a traceback for the user) fails the test."""
    try:
        result = invoke(*args)
    except ConfigError as error:
        return str(error)
    assert result.exit_code == 2, (result.exit_code, result.output)
    return result.output
