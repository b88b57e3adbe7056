"""`littlegiants sensitivity`: run a Sobol experiment (resumable) and report its indices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from model.cli import app
from model.cli.common import console
from model.cli.sweep import (
    Overwrite,
    PartRuns,
    RetryFailed,
    Scheduler,
    SweepFolder,
    SweepOptions,
    Workers,
    run_and_report,
)
from model.sweeps.experiment import Experiment, load_experiment
from model.sweeps.sweep import PART_RUNS, SweepSummary

FIGURE = "figures/sobol_indices.png"


@app.command()
def sensitivity(
    experiment: Annotated[
        Path, typer.Argument(help="Sobol experiment, e.g. experiments/sobol.toml")
    ],
    out: SweepFolder = None,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    retry_failed: RetryFailed = False,
    part_runs: PartRuns = PART_RUNS,
) -> None:
    """Sobol first-order and total indices with confidence intervals, and the seed noise.

    Runs the experiment's design like `sweep` (rerun to resume), then writes
    sobol_indices.csv, seed_noise.csv, a chart and report.md into --out.

    Example: littlegiants sensitivity experiments/sobol.toml --out runs/sobol
    """
    from model.sweeps.sensitivity import require_sobol

    spec = load_experiment(experiment)
    require_sobol(spec)  # before running: the design must be one the indices can use
    options = SweepOptions(workers, scheduler, overwrite, retry_failed, part_runs)
    run_and_report(spec, out, options, write_analysis)


def write_analysis(spec: Experiment, summary: SweepSummary, out_dir: Path, workers: str) -> Path:
    """Indices, noise table, chart and report.md from the stored results."""
    from model.io import write_text
    from model.reports.charts import save_figure
    from model.sweeps import sensitivity as sa
    from model.sweeps.report import write_sweep_report
    from model.sweeps.store import SweepStore

    results = SweepStore(out_dir).results()
    indices, noise, skipped = sa.analyse(results, spec)
    write_text(out_dir / "sobol_indices.csv", indices.to_csv(index=False))
    write_text(out_dir / "seed_noise.csv", noise.to_csv(index=False))
    sections = ["## Sobol sensitivity", _design_note(spec)]
    sections += [_skipped_note(skipped)] if skipped else []
    if not indices.empty:
        save_figure(sa.indices_figure(indices), out_dir / FIGURE)
        sections += [f"![Sobol indices]({FIGURE})", sa.indices_markdown(indices, _conf(spec))]
    sections += ["## Seed noise", sa.noise_markdown(noise)]
    _print_top(indices)
    return write_sweep_report(
        spec, summary, results, out_dir, workers, extra=sections, seed_noise=False
    )


def _conf(spec: Experiment) -> float:
    return spec.spec.sensitivity.conf_level


def _design_note(spec: Experiment) -> str:
    s = spec.spec
    return (
        f"Saltelli design with N = {s.samples} base samples over {len(spec.parameters)} "
        f"parameters ({len(spec.points):,} points, {s.seeds_per_point} seed(s) each; indices "
        f"use the mean over seeds). Intervals: {_conf(spec):.0%} bootstrap, "
        f"{s.sensitivity.resamples} resamples. S1 is the share of output variance a parameter "
        "explains alone, ST including all its interactions."
    )


def _skipped_note(skipped: dict[str, int]) -> str:
    listed = ", ".join(f"{name} ({count} points)" for name, count in skipped.items())
    return (
        f"Not analysed, some design points have no value: {listed}. Failed runs can be "
        "redone with --retry-failed; a mean over no firms has no value."
    )


def _print_top(indices: pd.DataFrame) -> None:
    for output, table in indices.groupby("output", sort=False):
        top = table.sort_values("ST", ascending=False).head(3)
        ranked = ", ".join(f"{r.parameter} (ST {r.ST:.2f})" for r in top.itertuples())
        console.print(f"[bold]{output}[/]: {ranked}")
