"""`littlegiants validate`: a scenario over seeds against every observed fact, plus the
stylized facts of firm dynamics; exits 1 when a required fact is missed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from model.cli import app
from model.cli.common import (
    BaseSeed,
    Processes,
    Scale,
    check_seeds,
    clear_figures,
    console,
    default_workers,
    prepare_out_dir,
    progress_bar,
)
from model.errors import ConfigError
from model.io import read_parquet
from model.params import Params
from model.params.loading import load_scenario
from model.simulation.runner import DEFAULT_BASE_SEED, replicate_seeds

if TYPE_CHECKING:
    from model.validation.validate import Validation

NUMBERS = {"Observed", "Model mean", "Model 5–95%", "Error", "Tolerance", "Value"}
WIDE = 220  # characters per line when the output is not a terminal (logs, pipes)


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or name")] = "baseline",
    seeds: Annotated[int, typer.Option(help="Number of runs (seeds spawned from --base-seed)")] = 5,
    scale: Scale = 1.0,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/validation"),
    stylized: Annotated[
        bool, typer.Option(help="Also check the stylized facts of firm dynamics")
    ] = True,
    stylized_scale: Annotated[
        float, typer.Option(help="Scale of the first seed's run the stylized facts come from")
    ] = 1.0,
    results: Annotated[
        Path | None,
        typer.Option(help="Validate this results.parquet (one scenario) instead of running"),
    ] = None,
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace a validation already in --out")] = False,
) -> None:
    """Check a scenario against every observed fact and the stylized facts of firm
    dynamics; write runs/validation/report.md; exit 1 when a required fact is missed.

    Example: littlegiants validate baseline --seeds 5 --scale 1.0
    """
    from model.validation.validate import with_stylized, write_validation_report

    check_seeds(seeds, base_seed)
    if not 0 < stylized_scale <= 1:
        raise ConfigError(f"--stylized-scale {stylized_scale}: allowed 0 < scale <= 1")
    params = load_scenario(scenario, scale=scale)
    panel_scale = stylized_scale if stylized else None
    started = time.perf_counter()
    if results is None:
        prepare_out_dir(out, overwrite)  # before the runs: a refusal should come first
        validation, panel = _simulate(
            params, replicate_seeds(base_seed, seeds), panel_scale, workers
        )
    else:
        validation, panel = _from_file(results, params, panel_scale)  # a bad file first
        prepare_out_dir(out, overwrite)
    with_stylized(validation, panel)
    clear_figures(out)
    report = write_validation_report(validation, out)
    _print(validation)
    console.print(f"[green]wrote[/] {report} in {time.perf_counter() - started:.1f} s")
    if validation.exit_code:
        console.print(f"[red]missed {len(validation.missed)} required fact(s):[/]")
        for line in validation.missed:
            console.print(f"  [red]✗[/] {line}", soft_wrap=True)
        raise typer.Exit(code=validation.exit_code)
    console.print("[green]every required fact is within its tolerance[/]")


def _simulate(params: Params, seeds: list[int], panel_scale: float | None, workers: int):
    """Run the seeds (and the stylized panel) with a progress bar."""
    from model.validation.validate import Validation, run_validation, validation_jobs

    jobs = len(validation_jobs(params, seeds, panel_scale))
    started = time.perf_counter()
    with progress_bar(f"validate {params.name}", jobs) as advance:
        table, panel = run_validation(
            params,
            seeds,
            stylized_scale=panel_scale,
            workers=min(workers or default_workers(), jobs),
            on_done=advance,
        )
    elapsed = time.perf_counter() - started
    return Validation(params.name, params.scale, seeds, table, elapsed), panel


def _from_file(path: Path, params: Params, panel_scale: float | None):
    """Results read from a file; the stylized panel (if asked) from one new run of `params`."""
    from model.validation.validate import Validation, stylized_panel

    table = read_parquet(path)
    scenarios = list(dict.fromkeys(table["scenario"])) if "scenario" in table else []
    if len(scenarios) != 1:
        raise ConfigError(f"{path}: holds {len(scenarios)} scenarios; validate one at a time")
    seeds = [int(s) for s in dict.fromkeys(table["seed"])]
    panel = None
    started = time.perf_counter()
    if panel_scale is not None:
        with progress_bar(f"stylized facts of {params.name}", 1) as advance:
            panel = stylized_panel(params, seeds[0], panel_scale)
            advance()
    elapsed = time.perf_counter() - started
    return Validation(str(scenarios[0]), float("nan"), seeds, table, elapsed, str(path)), panel


def _print(validation: Validation) -> None:
    """The target table and the stylized-facts table, on stdout (progress goes to stderr)."""
    from model.validation.validate import STYLIZED_HEADER, TARGET_HEADER, stylized_rows, target_rows

    out = Console()
    if not out.is_terminal:
        out = Console(width=WIDE)
    for title, header, rows in (
        ("Observed facts", TARGET_HEADER, target_rows(validation.table)),
        ("Stylized facts of firm dynamics", STYLIZED_HEADER, stylized_rows(validation.facts)),
    ):
        if not rows:
            continue
        table = Table(title=title, header_style="bold")
        for name in header:
            table.add_column(name, justify="right" if name in NUMBERS else "left")
        for row in rows:
            table.add_row(*[_colour(cell) for cell in row])
        out.print(table)


def _colour(cell: str) -> str:
    return {"✓": "[green]✓[/]", "✗": "[red]✗[/]"}.get(cell, cell)
