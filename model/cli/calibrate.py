"""`littlegiants calibrate`: ABC-SMC posterior of the behavioural parameters given the facts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, TextColumn

from model.cli import app
from model.cli.common import command_line, console, default_workers, progress_bar, progress_columns
from model.errors import ConfigError

JOBS_PER_WORKER = 2  # jobs queued per worker, so none waits while results come back


@app.command()
def calibrate(
    spec_file: Annotated[
        Path, typer.Argument(help="Calibration TOML, e.g. experiments/calibration.toml")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the history and the report")] = Path(
        "runs/calibration"
    ),
    workers: Annotated[
        int, typer.Option(help="Local processes [default: all cores]; 1 runs in this process")
    ] = 0,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a running Dask scheduler, tcp://host:8786")
    ] = None,
    fresh: Annotated[bool, typer.Option(help="Discard the history and start over")] = False,
    generations: Annotated[
        int | None,
        typer.Option(help="Stop after this many generations [default: the spec's]; resumable"),
    ] = None,
    write_scenario: Annotated[
        bool, typer.Option(help="Write the calibrated scenario and its posterior sample")
    ] = True,
) -> None:
    """Sample the posterior by ABC-SMC (pyabc); rerunning the command resumes the history.

    Example: littlegiants calibrate experiments/calibration.toml --out runs/calibration
    """
    from model.calibration.information import flagged_identified
    from model.calibration.pipeline import calibrate as run_pipeline
    from model.calibration.pipeline import check_run_count
    from model.calibration.sampler import SeededSampler
    from model.calibration.smc import discard
    from model.calibration.spec import load_spec

    spec = load_spec(spec_file)
    if generations is not None and not 1 <= generations <= spec.generations:
        raise ConfigError(
            f"--generations {generations}: allowed 1 <= generations <= {spec.generations} "
            f"(the spec's 'generations' in {spec_file})"
        )
    if fresh:
        discard(out)
    count = workers or default_workers()
    command = command_line()
    started = time.perf_counter()
    with _executor(count, scheduler) as (executor, slots):
        with _generation_progress(spec.population_size) as on_progress:
            sampler = SeededSampler(executor, spec.base_seed, slots, on_progress)
            with progress_bar("posterior predictive check", check_run_count(spec)) as advance:
                result = run_pipeline(
                    spec, out, sampler, command, write_scenario, advance, generations
                )
    identified = sum(s.identified for s in result.summaries)
    suspect = flagged_identified(result.summaries, result.narrower)
    console.print(
        f"{identified} of {len(result.summaries)} parameters identified"
        + (f" ({suspect} narrower than the linear best case: see the report)" if suspect else "")
        + "; "
        f"{result.facts.evaluations} evaluations in {result.facts.wall_minutes:.1f} min of sampling"
    )
    if write_scenario:
        console.print(f"[green]wrote[/] {spec.output} and {spec.posterior_output}")
    console.print(
        f"[green]wrote[/] {result.report} in {(time.perf_counter() - started) / 60:.1f} min"
    )


@contextmanager
def _executor(workers: int, scheduler: str | None) -> Iterator[tuple[Any, int]]:
    """In this process (one worker, no scheduler), else a Dask client: on the scheduler,
    or on a local cluster of `workers` processes on free ports. Also the jobs to queue."""
    if scheduler is None and workers <= 1:
        from model.calibration.sampler import InProcess

        yield InProcess(), 1
        return
    from model.sweeps.cluster import dask_client

    with dask_client(workers, scheduler) as client:
        cores = sum(client.nthreads().values()) or workers
        yield client, JOBS_PER_WORKER * cores


@contextmanager
def _generation_progress(population: int) -> Iterator[Any]:
    """A progress bar per generation: accepted particles of `population`, and evaluations."""
    evaluated = TextColumn("{task.fields[evaluated]} evaluated")
    with Progress(*progress_columns(evaluated), console=console, transient=False) as progress:
        tasks: dict[int, Any] = {}

        def on_progress(t: int, accepted: int, done: int) -> None:
            if t not in tasks:
                label = "prior sample" if t < 0 else f"generation {t}"
                tasks[t] = progress.add_task(label, total=population, evaluated=0)
            progress.update(tasks[t], completed=accepted, evaluated=done)

        yield on_progress
