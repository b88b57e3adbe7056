"""The posterior predictive check: posterior draws x seeds against every observed fact.

`check_draws` draws from the posterior (systematic resampling, seeded by the base
seed) each run `check_seeds` seeds at `check_scale`; the same seeds for every draw,
so the spread between draws is parameter uncertainty and the spread within a draw
seed noise. `fit_table` turns the runs into the fit table with 5-95% bands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from model.calibration.problem import Simulator
from model.calibration.spec import CalibrationSpec
from model.evidence.posterior import Posterior
from model.simulation.runner import replicate_seeds, simulate, spawned_seed

CHECK_STREAM = 3  # spawn-key prefix of the draws' resampling (model seeds use (i,))


def run_job(job: tuple[Any, int, int]) -> pd.DataFrame:
    """One run of (params, seed, run_id)."""
    params, seed, run_id = job
    return simulate(params, seed=seed, run_id=run_id)


def map_jobs(
    executor: Any, function: Callable, jobs: Sequence[Any], on_done: Callable[[], None] | None
) -> list[Any]:
    """`function(job)` for every job on `executor` (in-process, processes or Dask), in order."""
    futures = [executor.submit(function, job) for job in jobs]
    results = []
    for future in futures:
        results.append(future.result())
        if on_done:
            on_done()
    return results


def check_draws(spec: CalibrationSpec, posterior: Posterior) -> list[dict[str, float]]:
    """The posterior draws the check runs (deterministic in the base seed)."""
    seed = spawned_seed(spec.base_seed, CHECK_STREAM, 0)
    return posterior.draws(spec.check_draws, seed)


def predictive_runs(
    spec: CalibrationSpec,
    simulator: Simulator,
    draws: Sequence[dict[str, float]],
    executor: Any,
    seeds: int | None = None,
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Every draw with the same `seeds` (default `check_seeds`) at `check_scale`: a tidy
    table with a `draw` column; run ids count draws x seeds."""
    count = spec.check_seeds if seeds is None else seeds
    seed_values = replicate_seeds(spec.base_seed, count)
    jobs, draw_of = [], []
    for d, values in enumerate(draws):
        params = simulator.params_for(values).model_copy(update={"scale": spec.check_scale})
        for s, seed in enumerate(seed_values):
            jobs.append((params, seed, d * count + s))
            draw_of.append(d)
    frames = map_jobs(executor, run_job, jobs, on_done)
    for frame, d in zip(frames, draw_of, strict=True):
        frame.insert(3, "draw", d)
    return pd.concat(frames, ignore_index=True)
