"""`littlegiants docs`: regenerate the generated parts of the documentation."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from model.cli import app
from model.cli.common import console


@app.command()
def docs(
    check: Annotated[
        bool, typer.Option("--check", help="List what is out of date and exit 1; write nothing")
    ] = False,
    results: Annotated[
        Path, typer.Option(help="Comparison results for docs/scenarios.md (compare --all)")
    ] = Path("runs/compare/results.parquet"),
    calibration: Annotated[
        Path, typer.Option(help="Calibration's final runs for docs/validation.md")
    ] = Path("runs/calibration/final.parquet"),
) -> None:
    """Regenerate the parameter tables, schedule, flow figure and result tables in
    docs/odd.md, docs/scenarios.md and docs/validation.md, and the README's phase
    table and layout (text outside the generated parts is kept). Missing result
    files keep the tables already there.

    Example: littlegiants docs --check
    """
    from model.docs import generate as generator

    started = time.perf_counter()
    generated = generator.generate(results, calibration)
    for note in generated.notes:
        console.print(f"[yellow]not regenerated:[/] {note}", soft_wrap=True)
    if check:
        stale = generator.differences(generated)
        for line in stale:
            console.print(f"[red]out of date:[/] {line}", soft_wrap=True)
        if stale:
            console.print("run [bold]littlegiants docs[/] to regenerate")
            raise typer.Exit(code=1)
        console.print(f"[green]docs are up to date[/] ({time.perf_counter() - started:.1f} s)")
        return
    written = generator.write(generated)
    for path in written:
        console.print(f"[green]wrote[/] {path}")
    if not written:
        console.print("docs were already up to date")
    console.print(f"done in {time.perf_counter() - started:.1f} s")
