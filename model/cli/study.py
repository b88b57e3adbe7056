"""`littlegiants study`: analyses of simulated firm data, such as the Entity-List event study."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
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
from model.params.loading import load_scenario
from model.simulation.runner import DEFAULT_BASE_SEED, replicate_seeds, run_jobs

study = typer.Typer(help="Analyses of simulated firm data.", no_args_is_help=True)
app.add_typer(study, name="study")


def _paths_job(job: tuple) -> tuple[pd.DataFrame, set[int]]:
    from model.studies.entity_list import matched_paths

    params, seed = job
    return matched_paths(params, seed)


@study.command("entity-list")
def entity_list(
    scenario: Annotated[str, typer.Option(help="Scenario with restriction events")] = "baseline",
    seeds: Annotated[int, typer.Option(help="Runs pooled (seeds spawned from --base-seed)")] = 5,
    scale: Scale = 1.0,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/entity_list"),
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
) -> None:
    """Listed SMEs against matched never-listed SMEs around the listing quarter.

    Writes effect.json (patent_applications_pct, ci_low_pct, ci_high_pct, treated_firms,
    control_firms), event_time.csv, an event-study chart and report.md.
    Example: littlegiants study entity-list --seeds 5 --out runs/entity_list
    """
    from model.errors import ConfigError
    from model.studies.effect import estimate, event_time_table
    from model.studies.report import write_study

    check_seeds(seeds, base_seed)
    params = load_scenario(scenario, scale=scale)
    if not any(e.smes for e in params.restrictions.events):
        raise ConfigError(f"scenario '{params.name}': no restriction event lists SMEs")
    out_dir = prepare_out_dir(out, overwrite, marker="effect.json")
    seed_list = replicate_seeds(base_seed, seeds)
    started = time.perf_counter()
    with progress_bar(f"{params.name} x {seeds} seeds", seeds) as advance:
        done = run_jobs(
            [(params, s) for s in seed_list],
            min(workers or default_workers(), seeds),
            advance,
            _paths_job,
        )
    paths = pd.concat([p for p, _ in done], ignore_index=True)
    controls = len(set().union(*(c for _, c in done)))
    try:
        effect = estimate(paths, controls, base_seed)
    except ValueError as exc:
        raise ConfigError(f"scenario '{params.name}' at scale {scale:g}: {exc}") from exc
    clear_figures(out_dir)
    context = {
        "scenario": params.name,
        "scale": scale,
        "seeds": seeds,
        "base_seed": base_seed,
        "command": "littlegiants " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    report = write_study(out_dir, effect, event_time_table(paths), context)
    console.print(
        f"[green]wrote[/] {report}: patent applications {effect['patent_applications_pct']:+.1f}% "
        f"({effect['ci_low_pct']:+.1f}% to {effect['ci_high_pct']:+.1f}%), "
        f"{effect['treated_firms']} listed firms, in {context['seconds']} s"
    )
