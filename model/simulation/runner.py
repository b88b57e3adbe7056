"""Running the economy: one seeded run -> tidy table; replicates with spawned seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np
import pandas as pd

from model.params import Params
from model.simulation.economy import Economy

DEFAULT_BASE_SEED = 20210101
TIDY_COLUMNS = ["scenario", "run_id", "seed", "quarter", "year", "variable", "value"]


def spawned_seed(base_seed: int, *key: int) -> int:
    """The seed of the child of SeedSequence(base_seed) with spawn key `key`, as a
    non-negative int64 (`SeedSequence(b).spawn(n)[i]` is the child with key (i,))."""
    child = np.random.SeedSequence(base_seed, spawn_key=key)
    return int(child.generate_state(1, dtype=np.uint64)[0] >> 1)


def replicate_seeds(base_seed: int, count: int) -> list[int]:
    """Independent run seeds spawned from one base seed (numpy SeedSequence)."""
    return [spawned_seed(base_seed, i) for i in range(count)]


def tidy(model: Economy, run_id: int = 0) -> pd.DataFrame:
    """The model's collected reporters as a long table, one row per quarter x variable:
    variable by variable in the collector's order, quarters in order, non-finite values
    left out. (Built from arrays: a wide frame melted by pandas took a fifth of a small
    run.)"""
    recorded = model.datacollector.model_vars
    names = list(recorded)
    quarters = np.asarray(model.quarter_labels, dtype=object)
    values = np.array([recorded[name] for name in names], dtype=float)
    values = values.reshape(len(names), len(quarters))
    finite = np.isfinite(values)
    rows_per_variable = finite.sum(axis=1)
    kept_quarters = np.broadcast_to(quarters, values.shape)[finite]
    years = np.broadcast_to(np.array([int(q[:4]) for q in quarters]), values.shape)[finite]
    count = len(kept_quarters)
    columns = {
        "scenario": np.full(count, model.params.name, dtype=object),
        "run_id": np.full(count, run_id, dtype=np.int64),
        "seed": np.full(count, model.seed, dtype=np.int64),
        "quarter": kept_quarters,
        "year": years.astype(np.int64),
        "variable": np.repeat(np.asarray(names, dtype=object), rows_per_variable),
        "value": values[finite],
    }
    return pd.DataFrame({name: columns[name] for name in TIDY_COLUMNS})


def simulate(params: Params, seed: int = 0, run_id: int = 0) -> pd.DataFrame:
    """Run one scenario with one seed to its end quarter; returns the tidy table."""
    model = Economy(params, seed=seed)
    model.run()
    return tidy(model, run_id)


Job = tuple[Params, int, int]  # (parameters, seed, run id)


def _simulate_job(job: Job) -> pd.DataFrame:
    params, seed, run_id = job
    return simulate(params, seed=seed, run_id=run_id)


def run_jobs(
    jobs: Sequence[Any],
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
    function: Callable[[Any], Any] = _simulate_job,
) -> list[Any]:
    """`function(job)` for every job (default: a run's tidy table), in job order,
    in-process or on local processes; `function` must be picklable."""
    frames: dict[int, Any] = {}
    if workers <= 1 or len(jobs) <= 1:
        for position, job in enumerate(jobs):
            frames[position] = function(job)
            if on_done:
                on_done()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            futures = {pool.submit(function, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                frames[futures[future]] = future.result()
                if on_done:
                    on_done()
    return [frames[i] for i in range(len(jobs))]


def seed_list(seeds: int | Sequence[int], base_seed: int) -> list[int]:
    """Explicit seeds, or `seeds` seeds spawned from `base_seed`."""
    return replicate_seeds(base_seed, seeds) if isinstance(seeds, int) else list(seeds)


def replicate(
    params: Params,
    seeds: int | Sequence[int] = 5,
    base_seed: int = DEFAULT_BASE_SEED,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Several runs of one scenario, in-process or on local processes.

    `seeds` is a count (seeds spawned from `base_seed`) or explicit seeds; run ids
    follow the seed order, so results do not depend on `workers`.
    """
    jobs = [(params, seed, run_id) for run_id, seed in enumerate(seed_list(seeds, base_seed))]
    return pd.concat(run_jobs(jobs, workers, on_done), ignore_index=True)
