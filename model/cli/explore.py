"""`littlegiants explore` and `littlegiants optimise`: EMA Workbench on the project's sweeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from model.cli import app
from model.cli.common import console, default_workers, progress_columns
from model.cli.sweep import Overwrite, PartRuns, RetryFailed, Scheduler, SweepOptions, Workers
from model.errors import ConfigError
from model.sweeps.sweep import PART_RUNS

OutFolder = Annotated[Path | None, typer.Option("--out", help="Output folder (default: runs/NAME)")]


def execution(options: SweepOptions, allow_failures: bool):
    """The sweep machinery's settings from the command-line options (checked)."""
    from model.exploration.evaluator import Execution

    if options.workers < 0:
        raise ConfigError(f"--workers {options.workers}: must be 1 or more (0 = all cores)")
    if options.part_runs < 1:
        raise ConfigError(f"--part-runs {options.part_runs}: must be 1 or more")
    return Execution(
        workers=options.workers or default_workers(),
        scheduler=options.scheduler,
        retry_failed=options.retry_failed,
        part_runs=options.part_runs,
        allow_failures=allow_failures,
        overwrite=options.overwrite,
    )


@contextmanager
def runs_progress(name: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over runs; yields the function that advances it by n runs."""
    with Progress(*progress_columns(), console=console) as progress:
        task = progress.add_task(name, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def stop_on_missing_runs() -> Iterator[None]:
    """Runs lost to the cluster (or failed, where that is fatal): one message, exit 1."""
    from model.exploration.evaluator import RunsMissing

    try:
        yield
    except RunsMissing as exc:
        typer.secho(f"incomplete: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1) from None


@app.command()
def explore(
    spec: Annotated[Path, typer.Argument(help="Explore file, e.g. experiments/explore_2030.toml")],
    out: OutFolder = None,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    retry_failed: RetryFailed = False,
    part_runs: PartRuns = PART_RUNS,
) -> None:
    """Sample uncertainties and levers, run them, and find with PRIM and CART (EMA
    Workbench) the conditions under which the file's outcome fails; rerun to resume.

    Example: littlegiants explore experiments/explore_2030.toml --out runs/explore
    """
    from model.exploration.explore import load_explore, run_explore, total_runs
    from model.exploration.explore_report import write_explore_report

    study, condition = load_explore(spec)
    options = SweepOptions(workers, scheduler, overwrite, retry_failed, part_runs)
    settings = execution(options, allow_failures=True)
    out_dir = out or Path("runs") / study.name
    with stop_on_missing_runs(), runs_progress(study.name, total_runs(study)) as advance:
        result = run_explore(study, condition, out_dir, settings, advance)
    report = write_explore_report(result, out_dir, options.where)
    for box in result.prim:
        conditions = "; ".join(limit.text for limit in box.limits) or "(none)"
        stats = f"coverage {box.coverage:.0%}, density {box.density:.0%}"
        console.print(f"box {box.number}: {stats}: {conditions}")
    console.print(f"[green]wrote[/] {report}")


@app.command()
def optimise(
    spec: Annotated[Path, typer.Argument(help="Optimise file, e.g. experiments/support_2030.toml")],
    out: OutFolder = None,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    retry_failed: RetryFailed = False,
    part_runs: PartRuns = PART_RUNS,
) -> None:
    """Search (EMA Workbench's robust optimisation) for the cheapest levers that hold the
    file's target in enough sampled worlds; write the Pareto set and the chosen policies
    as scenario files; rerun to resume.

    Example: littlegiants optimise experiments/support_2030.toml --out runs/optimise
    """
    from model.exploration.optimise import expected_runs, load_optimise, run_optimise
    from model.exploration.optimise_report import write_optimise_report

    study, target, cost = load_optimise(spec)
    options = SweepOptions(workers, scheduler, overwrite, retry_failed, part_runs)
    settings = execution(options, allow_failures=False)
    out_dir = out or Path("runs") / study.name
    with stop_on_missing_runs(), runs_progress(study.name, expected_runs(study)) as advance:
        result = run_optimise(study, target, cost, out_dir, settings, advance)
    report, policies = write_optimise_report(result, out_dir, options.where)
    for path in policies:
        console.print(f"[green]wrote[/] {path}")
    console.print(f"[green]wrote[/] {report}")
