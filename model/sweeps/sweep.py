"""Running an experiment's runs: in-process, on a local Dask cluster or on a Dask scheduler.

Results do not depend on where or in which order runs execute: each run's
seed comes from the experiment (`Experiment.runs`), each run is one pure
function call (`execute`), and finished runs stream into a `SweepStore` in
small parts, so an interrupted sweep resumes where it stopped. A run that
raises becomes a failure record; the sweep goes on.
"""

from __future__ import annotations

import itertools
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.params import Params
from model.params.loading import with_changes
from model.simulation.runner import simulate
from model.sweeps.cluster import dask_client
from model.sweeps.experiment import Experiment, Run
from model.sweeps.store import SweepStore

PART_RUNS = 64  # most runs per results part
PART_SECONDS = 5.0  # longest a finished run waits in memory before it is written
IN_FLIGHT_PER_THREAD = 4  # Dask tasks queued per worker thread
MAX_BATCH = 8  # runs per Dask task at most


@dataclass(frozen=True)
class RunOutcome:
    """What one run gives back: its rows, or the error it raised."""

    run: Run
    rows: pd.DataFrame | None = None
    error: str = ""
    trace: str = ""


@dataclass
class SweepSummary:
    """Counts of a sweep invocation, and the failures recorded so far."""

    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def complete(self) -> bool:
        """Every run has results or a recorded failure."""
        return not self.lost and self.skipped + self.done + self.failed >= self.total


def execute(base: Params, run: Run, outputs: Sequence[str], quarters: Sequence[str]) -> RunOutcome:
    """Simulate one run and keep the experiment's outputs and quarters (never raises)."""
    try:
        params = with_changes(base, dict(run.values), source=f"run {run.run_id}")
        table = simulate(params, seed=run.seed, run_id=run.run_id)
        return RunOutcome(run, rows=label_rows(select(table, outputs, quarters), run))
    except Exception as exc:  # a failing run is data for the sweep, not the end of it
        return RunOutcome(run, error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())


def execute_batch(
    base: Params, runs: Sequence[Run], outputs: Sequence[str], quarters: Sequence[str]
) -> list[RunOutcome]:
    """`execute` for a few runs in one task: small runs cost less than Dask's per-task
    overhead, so they travel in batches (each run keeps its own seed)."""
    return [execute(base, run, outputs, quarters) for run in runs]


def select(table: pd.DataFrame, outputs: Sequence[str], quarters: Sequence[str]) -> pd.DataFrame:
    """One row per kept quarter x output; value NaN where the model has none (a mean over
    no firms), so every run has the same rows and a finished run is never empty."""
    wanted = pd.MultiIndex.from_product([quarters, outputs], names=["quarter", "variable"])
    values = table.set_index(["quarter", "variable"])["value"].reindex(wanted)
    rows = values.reset_index()
    rows.insert(0, "scenario", table["scenario"].iloc[0] if len(table) else "")
    rows.insert(2, "year", rows["quarter"].str[:4].astype("int64"))
    return rows


def label_rows(table: pd.DataFrame, run: Run) -> pd.DataFrame:
    """Tidy rows with the run's point id, replicate, seed and parameter values as columns."""
    labelled = table.reset_index(drop=True)
    front = pd.DataFrame(
        {"point_id": run.point_id, "replicate": run.replicate, "run_id": run.run_id},
        index=labelled.index,
    )
    front["seed"] = run.seed
    parameters = pd.DataFrame(dict(run.values), index=labelled.index)
    return pd.concat([front, parameters, labelled], axis=1)


def failure_record(outcome: RunOutcome) -> dict[str, Any]:
    """One row of the failures dataset."""
    run = outcome.run
    record = {"run_id": run.run_id, "point_id": run.point_id, "replicate": run.replicate}
    record["seed"] = run.seed
    record.update(dict(run.values))
    record.update(error=outcome.error, traceback=outcome.trace)
    return record


def run_sweep(
    experiment: Experiment,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    overwrite: bool = False,
    retry_failed: bool = False,
    part_runs: int = PART_RUNS,
    on_start: Callable[[int, int], None] | None = None,
    on_outcome: Callable[[RunOutcome], None] | None = None,
) -> SweepSummary:
    """Run every run of the experiment not done yet in `out`; returns the counts.

    `workers == 1` without a scheduler runs in this process; otherwise on a local
    Dask cluster of `workers` processes, or on the Dask scheduler at `scheduler`.
    Finished runs are written every `part_runs` runs or PART_SECONDS seconds.
    `on_start(total, already_done)` and `on_outcome(outcome)` feed progress bars.
    """
    store = SweepStore(out)
    store.open(experiment.fingerprint, manifest(experiment), overwrite=overwrite)
    done = store.done_run_ids()
    finished = done | (set() if retry_failed else store.failed_run_ids(done))
    pending = [run for run in experiment.runs if run.run_id not in finished]
    summary = SweepSummary(total=len(experiment.runs), skipped=len(experiment.runs) - len(pending))
    if on_start:
        on_start(summary.total, summary.skipped)
    started = time.perf_counter()
    with _PartWriter(store, part_runs) as writer:
        for outcome in _outcomes(experiment, pending, workers, scheduler, summary.lost):
            writer.add(outcome)
            summary.done += outcome.rows is not None
            summary.failed += outcome.rows is None
            if on_outcome:
                on_outcome(outcome)
    summary.seconds = time.perf_counter() - started
    summary.failures = store.failures()
    return summary


def manifest(experiment: Experiment) -> dict[str, Any]:
    """What the sweep folder records about its experiment."""
    return {
        "name": experiment.name,
        "fingerprint": experiment.fingerprint,
        "source": str(experiment.source),
        "runs": len(experiment.runs),
        "points": len(experiment.points),
        "spec": experiment.spec.model_dump(mode="json"),
    }


def _outcomes(
    experiment: Experiment,
    runs: Sequence[Run],
    workers: int,
    scheduler: str | None,
    lost: list[str],
) -> Iterator[RunOutcome]:
    """Outcomes of the runs as they finish, wherever they execute."""
    args = (experiment.outputs, experiment.quarters)
    if not runs:
        return
    if scheduler is None and workers <= 1:
        for run in runs:
            yield execute(experiment.base, run, *args)
        return
    yield from dask_outcomes(experiment.base, runs, args, workers, scheduler, lost)


class _PartWriter:
    """Buffers finished runs and writes them as parts: every `part_runs` runs or PART_SECONDS.

    On leaving the block (normally, on Ctrl-C or on an error) the buffer is written,
    so only a kill -9 can lose finished runs, and those are simply redone.
    """

    def __init__(self, store: SweepStore, part_runs: int) -> None:
        self.store = store
        self.part_runs = part_runs
        self.buffer: list[RunOutcome] = []
        self.last_write = time.monotonic()

    def __enter__(self) -> _PartWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.flush()

    def add(self, outcome: RunOutcome) -> None:
        """Keep a finished run; write the buffer when it is big or old enough."""
        self.buffer.append(outcome)
        too_old = time.monotonic() - self.last_write >= PART_SECONDS
        if len(self.buffer) >= self.part_runs or too_old:
            self.flush()

    def flush(self) -> None:
        """Write buffered results and failures as one part each."""
        results = [o.rows for o in self.buffer if o.rows is not None]
        failures = [failure_record(o) for o in self.buffer if o.rows is None]
        self.store.write_results(results)
        self.store.write_failures(failures)
        self.buffer = []
        self.last_write = time.monotonic()


def dask_outcomes(
    base: Params,
    runs: Sequence[Run],
    args: tuple[Sequence[str], Sequence[str]],
    workers: int,
    scheduler: str | None,
    lost: list[str],
) -> Iterator[RunOutcome]:
    """Outcomes of runs executed by Dask, as they finish.

    At most a few tasks per worker thread are in flight, so a big sweep does not
    flood the scheduler and an interruption leaves little work half done. A task
    lost to the cluster (a worker killed too often) is reported in `lost` and
    left for the next invocation to redo.
    """
    from distributed import as_completed

    with dask_client(workers, scheduler) as client:
        shared_base = client.scatter(base, broadcast=True)
        token = uuid.uuid4().hex[:8]
        queue = iter(runs)
        in_flight = as_completed()

        threads = max(1, _threads(client))
        size = batch_size(len(runs), threads)

        def submit(count: int) -> None:
            for _ in range(count):
                batch = list(itertools.islice(queue, size))
                if not batch:
                    return
                key = f"littlegiants-runs-{token}-{batch[0].run_id}-{batch[-1].run_id}"
                future = client.submit(execute_batch, shared_base, batch, *args, key=key)
                in_flight.add(future)

        submit(IN_FLIGHT_PER_THREAD * threads)
        for future in in_flight:
            try:
                yield from future.result()
            except Exception as exc:  # the cluster's failure, not the run's: redo on resume
                lost.append(f"{future.key}: {type(exc).__name__}: {exc}")
            finally:
                future.release()
            submit(1)


def batch_size(runs: int, threads: int) -> int:
    """Runs per Dask task: enough to amortise the task overhead, few enough to keep
    every thread busy to the end and to lose little work to an interruption."""
    return max(1, min(MAX_BATCH, runs // (IN_FLIGHT_PER_THREAD * threads * 4)))


def _threads(client: Any) -> int:
    """Worker threads of the cluster (at least one)."""
    workers = client.scheduler_info().get("workers", {})
    return sum(w.get("nthreads", 1) for w in workers.values()) or 1
