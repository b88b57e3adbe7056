"""`littlegiants run`: one scenario over several seeds -> results.parquet and a report."""

from __future__ import annotations

import json
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
    clear_figures,
    console,
    default_workers,
    prepare_out_dir,
    progress_bar,
)
from model.io import write_parquet, write_text
from model.params.loading import load_scenario
from model.simulation.runner import DEFAULT_BASE_SEED, replicate, replicate_seeds


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="Scenario file or name, e.g. scenarios/baseline.toml")
    ],
    seeds: Annotated[int, typer.Option(help="Number of runs (seeds spawned from --base-seed)")] = 5,
    scale: Scale = 1.0,
    out: Annotated[Path | None, typer.Option(help="Output folder [default: runs/SCENARIO]")] = None,
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
) -> None:
    """Run a scenario over several seeds; write results.parquet and report.md.

    Example: littlegiants run scenarios/baseline.toml --seeds 5 --scale 0.1 --out runs/demo
    """
    check_seeds(seeds, base_seed)
    params = load_scenario(scenario, scale=scale)
    out_dir = prepare_out_dir(out or Path("runs") / params.name, overwrite)
    n_workers = min(workers or default_workers(), seeds)
    seed_list = replicate_seeds(base_seed, seeds)
    started = time.perf_counter()
    with progress_bar(f"{params.name} x {seeds} seeds", seeds) as advance:
        results = replicate(params, seed_list, workers=n_workers, on_done=advance)
    elapsed = time.perf_counter() - started
    write_parquet(out_dir / "results.parquet", results)
    manifest = {
        "scenario": params.name,
        "seeds": seed_list,
        "base_seed": base_seed,
        "scale": scale,
        "workers": n_workers,
        "seconds": round(elapsed, 2),
        "params": params.model_dump(mode="json"),
    }
    write_text(out_dir / "run.json", json.dumps(manifest, indent=2))
    report = _write_report(results, out_dir, params.name, scale, elapsed)
    console.print(f"[green]wrote[/] {out_dir / 'results.parquet'} and {report} in {elapsed:.1f} s")


def _write_report(results, out_dir: Path, name: str, scale: float, seconds: float) -> Path:
    from model.reports.report import write_report

    clear_figures(out_dir)
    notes = [f"Scale {scale:g} of the 1:1 population; simulation took {seconds:.1f} s."]
    return write_report(results, out_dir, title=f"littlegiants: {name}", notes=notes)
