"""`littlegiants sweep`: run an experiment's design, resumable, locally or on Dask."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TextColumn
from rich.table import Table

from model.cli import app
from model.cli.common import console, default_workers, progress_columns
from model.errors import ConfigError
from model.sweeps.experiment import Experiment, load_experiment
from model.sweeps.sweep import PART_RUNS, RunOutcome, SweepSummary, run_sweep

Workers = Annotated[
    int, typer.Option(help="Worker processes (0 = all cores; 1 = run in this process)")
]
Scheduler = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786"),
]
SweepFolder = Annotated[
    Path | None, typer.Option("--out", help="Sweep folder (default: runs/EXPERIMENT)")
]
Overwrite = Annotated[bool, typer.Option(help="Discard results already in --out and start over")]
RetryFailed = Annotated[bool, typer.Option(help="Run again the runs recorded as failed")]
PartRuns = Annotated[
    int, typer.Option(help="Finished runs per results part file (also written every 5 s)")
]


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment file, e.g. experiments/x.toml")],
    out: SweepFolder = None,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    retry_failed: RetryFailed = False,
    part_runs: PartRuns = PART_RUNS,
) -> None:
    """Run every point x seed of an experiment into a Parquet dataset; rerun to resume.

    Example: littlegiants sweep experiments/fiscal_vs_restrictions.toml --out runs/fvr
    """
    options = SweepOptions(workers, scheduler, overwrite, retry_failed, part_runs)
    run_and_report(load_experiment(experiment), out, options, write_report)


def run_and_report(
    spec: Experiment,
    out: Path | None,
    options: SweepOptions,
    write: Callable[[Experiment, SweepSummary, Path, str], Path],
) -> None:
    """Execute (or resume) an experiment, write its report, print the summary; exit 1
    when runs are still missing (rerun to resume)."""
    out_dir = out or Path("runs") / spec.name
    summary = execute_with_progress(spec, out_dir, options)
    report = write(spec, summary, out_dir, options.where)
    print_summary(summary, out_dir, report)
    if not summary.complete:
        raise typer.Exit(code=1)


@dataclass(frozen=True)
class SweepOptions:
    """How to execute a sweep (the command-line options shared by sweep and sensitivity)."""

    workers: int = 0
    scheduler: str | None = None
    overwrite: bool = False
    retry_failed: bool = False
    part_runs: int = PART_RUNS

    @property
    def where(self) -> str:
        """Where runs execute, for the report."""
        if self.scheduler:
            return f"Dask scheduler {self.scheduler}"
        count = self.workers or default_workers()
        return "this process" if count == 1 else f"local Dask cluster, {count} processes"


def execute_with_progress(spec: Experiment, out_dir: Path, options: SweepOptions) -> SweepSummary:
    """Run the sweep behind a progress bar (runs done, failures, ETA)."""
    if options.workers < 0:
        raise ConfigError(f"--workers {options.workers}: must be 1 or more (0 = all cores)")
    if options.part_runs < 1:
        raise ConfigError(f"--part-runs {options.part_runs}: must be 1 or more")
    with sweep_progress(spec.name) as (on_start, on_outcome):
        return run_sweep(
            spec,
            out_dir,
            workers=options.workers or default_workers(),
            scheduler=options.scheduler,
            overwrite=options.overwrite,
            retry_failed=options.retry_failed,
            part_runs=options.part_runs,
            on_start=on_start,
            on_outcome=on_outcome,
        )


@contextmanager
def sweep_progress(
    name: str,
) -> Iterator[tuple[Callable[[int, int], None], Callable[[RunOutcome], None]]]:
    """A rich progress bar; yields the start and per-run callbacks of `run_sweep`."""
    columns = progress_columns(TextColumn("[red]{task.fields[failed]} failed"))
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(name, total=None, failed=0)
        failed = 0

        def on_start(total: int, already: int) -> None:
            progress.update(task, total=total, completed=already)

        def on_outcome(outcome: RunOutcome) -> None:
            nonlocal failed
            failed += outcome.rows is None
            progress.update(task, advance=1, failed=failed)

        yield on_start, on_outcome


def write_report(spec: Experiment, summary: SweepSummary, out_dir: Path, workers: str) -> Path:
    """The sweep's report.md from everything stored so far."""
    from model.sweeps.report import write_sweep_report
    from model.sweeps.store import SweepStore

    results = SweepStore(out_dir).results()
    return write_sweep_report(spec, summary, results, out_dir, workers)


def print_summary(summary: SweepSummary, out_dir: Path, report: Path) -> None:
    """Counts, failures and where the results are."""
    console.print(
        f"{summary.done} runs done now, {summary.skipped} already done, "
        f"{summary.failed} failed now, in {summary.seconds:.1f} s"
    )
    if not summary.failures.empty:
        table = Table("run", "point", "seed", "error", title="failed runs")
        for record in summary.failures.to_dict("records"):
            error = str(record["error"]).splitlines()[0][:100]
            table.add_row(
                str(record["run_id"]), str(record["point_id"]), str(record["seed"]), error
            )
        console.print(table)
        console.print("rerun with --retry-failed to try them again")
    for problem in summary.lost:
        console.print(f"[red]lost[/] {problem}")
    if summary.lost:
        console.print("[red]some runs were lost to the cluster; rerun the command to resume[/]")
    console.print(f"[green]wrote[/] {out_dir / 'results'} and {report}")
