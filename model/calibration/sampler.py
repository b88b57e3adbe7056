"""A reproducible pyabc sampler: each proposal's random numbers depend only on its place.

pyabc draws proposals (the prior, the perturbation kernel) from numpy's global
RandomState, and every one of its parallel samplers (multicore, mapping, Dask,
concurrent futures, Redis) reseeds that state from the operating system's entropy
in each worker (`np.random.seed()` without an argument), so no two runs agree.
This sampler follows pyabc's own "first n accepted in submission order" rule (as
its Dask sampler does) but seeds the global RandomState of job j of generation t
from SeedSequence(base_seed, spawn_key=(SAMPLER_STREAM, t + 1, j)) just before the
job proposes. A job's particle thus depends only on (seed, t, j) and the previous
generation, whichever worker runs it and whenever: the same spec and seed give the
same posterior in-process, on local processes or on a Dask cluster, and a resumed
run redraws exactly the particles an uninterrupted one would have drawn.

`executor` is anything with `submit(function, *args) -> future` whose futures have
`done()`, `result()` and `cancel()`: a `concurrent.futures` executor, a
`distributed.Client` (keys from the arguments, which differ in each job's seed),
or `InProcess` below.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

SAMPLER_STREAM = 1  # spawn-key prefix of the sampler's streams (model seeds use (i,))
POLL_SECONDS = 0.01

Progress = Callable[[int, int, int], None]  # (generation, accepted so far, evaluated so far)


class InProcess:
    """An executor that runs each job at once, in this process."""

    def submit(self, function: Callable[..., Any], *args: Any, **_: Any) -> Future:
        """Run `function(*args)` now; a finished future holding its result."""
        future: Future = Future()
        future.set_result(function(*args))
        return future


def job_seed(base_seed: int, generation: int, job: int) -> np.ndarray:
    """The RandomState seed (4 words) of one job of one generation (-1: the prior sample)."""
    sequence = np.random.SeedSequence(base_seed, spawn_key=(SAMPLER_STREAM, generation + 1, job))
    return sequence.generate_state(4)


def run_job(simulate_one: bytes, seed: np.ndarray) -> tuple[Any, float]:
    """Seed the global generators pyabc draws from, propose and simulate one particle.

    Returns the particle and the seconds it took (for the timing report).
    """
    started = time.perf_counter()
    function = cloudpickle.loads(simulate_one)
    # pyabc samples scipy.stats priors and kernels without a random_state, that is from
    # numpy's global RandomState: seeding it is the only way to make them repeatable.
    np.random.seed(seed)  # noqa: NPY002
    random.seed(int(seed[0]))
    particle = function()
    return particle, time.perf_counter() - started


class SeededSampler(Sampler):
    """pyabc sampler over any executor, deterministic in `base_seed` (see the module)."""

    def __init__(
        self,
        executor: Any,
        base_seed: int,
        jobs_in_flight: int = 1,
        on_progress: Progress | None = None,
    ) -> None:
        super().__init__()
        self.executor, self.base_seed = executor, base_seed
        self.jobs_in_flight = max(1, jobs_in_flight)
        self.on_progress = on_progress
        self.seconds: dict[int, list[float]] = {}  # generation -> seconds of each kept job
        self.wall_seconds: dict[int, float] = {}  # generation -> wall time of its sampling
        self.wasted_jobs = 0  # evaluated beyond the n-th acceptance (discarded)

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable,
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ):
        """The particles of jobs 0..k, k being the job of the n-th acceptance."""
        started = time.perf_counter()
        payload = cloudpickle.dumps(simulate_one)
        results: dict[int, tuple[Any, float]] = {}
        running: dict[int, Any] = {}
        next_job, cutoff = 0, None
        while cutoff is None:
            for job, future in list(running.items()):
                if future.done():
                    results[job] = future.result()
                    del running[job]
            cutoff, accepted = _cutoff(results, n)
            if self.on_progress:
                self.on_progress(t, accepted, len(results))
            if cutoff is not None:
                break
            while len(running) < self.jobs_in_flight and next_job < max_eval:
                seed = job_seed(self.base_seed, t, next_job)
                running[next_job] = self.executor.submit(run_job, payload, seed)
                next_job += 1
            if not running:
                break  # max_eval reached without n acceptances
            if not all(f.done() for f in running.values()):
                time.sleep(POLL_SECONDS)
        for future in running.values():
            future.cancel()
        last = cutoff if cutoff is not None else _complete_prefix(results) - 1
        self.wasted_jobs += len(results) + len(running) - (last + 1)
        sample = self._sample(results, last, t)
        sample.ok = cutoff is not None  # False: max_eval ran out before n acceptances
        self.wall_seconds[t] = time.perf_counter() - started
        return sample

    def _sample(self, results: dict[int, tuple[Any, float]], last: int, t: int):
        sample = self._create_empty_sample()
        for job in range(last + 1):
            sample.append(results[job][0])
        self.seconds[t] = [results[job][1] for job in range(last + 1)]
        # The count of the jobs up to the cutoff, not of every job started: it does not
        # depend on timing, and pyabc stores it and derives the acceptance rate from it.
        self.nr_evaluations_ = last + 1
        return sample


def _complete_prefix(results: dict[int, Any]) -> int:
    """The number of jobs 0, 1, 2, ... that have all finished."""
    count = 0
    while count in results:
        count += 1
    return count


def _cutoff(results: dict[int, tuple[Any, float]], n: int) -> tuple[int | None, int]:
    """The job of the n-th acceptance among the finished prefix (None if not yet), and
    the acceptances in that prefix."""
    accepted = 0
    for job in range(_complete_prefix(results)):
        accepted += bool(results[job][0].accepted)
        if accepted == n:
            return job, accepted
    return None, accepted
