"""`littlegiants scenarios` and `littlegiants show`: what scenarios exist and what they set."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from model.cli import app
from model.cli.common import console
from model.params.loading import load_scenario, scenario_dirs


@app.command()
def scenarios() -> None:
    """List the scenarios with their descriptions.

    Example: littlegiants scenarios
    """
    table = Table("name", "description", "file")
    for folder in scenario_dirs():
        for path in sorted(folder.glob("*.toml")):
            params = load_scenario(path)
            table.add_row(params.name, params.description.strip(), str(path))
    console.print(table)


@app.command()
def show(
    scenario: Annotated[str, typer.Argument(help="Scenario file or name")],
) -> None:
    """Print a scenario's fully resolved parameters (parents merged, defaults filled).

    Example: littlegiants show no_restrictions
    """
    params = load_scenario(scenario)
    typer.echo(json.dumps(params.model_dump(mode="json"), indent=2))
