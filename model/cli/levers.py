"""`littlegiants levers`: every lever of the lever matrix against the baseline, same seeds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from model.cli import app
from model.cli.common import (
    BaseSeed,
    Processes,
    Scale,
    check_seeds,
    console,
    default_workers,
    prepare_out_dir,
    progress_bar,
)
from model.io import write_parquet, write_text
from model.params.loading import load_scenario
from model.simulation.runner import DEFAULT_BASE_SEED, seed_list


@app.command()
def levers(
    seeds: Annotated[int, typer.Option(help="Runs per scenario (same seeds for each)")] = 10,
    scale: Scale = 0.2,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/levers"),
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
) -> None:
    """Run the baseline and each lever pulled (common random numbers); write
    results.parquet and report.md with what each lever moves by 2025. `littlegiants
    docs` turns the results into docs/levers.md.

    Example: littlegiants levers --seeds 10 --scale 0.2
    """
    from model.comparison.compare import compare
    from model.comparison.levers import LEVERS
    from model.comparison.levers_report import levers_block

    check_seeds(seeds, base_seed)
    base = load_scenario("baseline", scale=scale)
    scenarios = [base, *(lever.apply(base) for lever in LEVERS)]
    out_dir = prepare_out_dir(out, overwrite)
    total = len(scenarios) * seeds
    started = time.perf_counter()
    with progress_bar(f"{len(scenarios)} scenarios x {seeds} seeds", total) as advance:
        results = compare(
            scenarios,
            seed_list(seeds, base_seed),
            scale=scale,
            workers=min(workers or default_workers(), total),
            on_done=advance,
        )
    results.attrs["scale"] = scale
    write_parquet(out_dir / "results.parquet", results)
    block = levers_block(results, str(out_dir / "results.parquet"))
    write_text(out_dir / "report.md", "# What each lever moves\n\n" + block)
    console.print(
        f"[green]wrote[/] {out_dir / 'report.md'} in {time.perf_counter() - started:.1f} s"
    )
