"""The point estimate when the importance weights are degenerate: the nearest accepted
particles re-run over fresh seeds, the best kept.

Every particle ran on the same `seeds` (common random numbers), so the one nearest the
facts is partly the one that drew a lucky run. `refine` re-runs the
`refine_candidates` accepted particles of lowest ABC distance over `refine_seeds` seeds
of a stream of their own (the same for every candidate) at `check_scale`, and keeps the
one whose mean over those seeds has the lowest plain loss: sum over targets of
weight x miss^2, misses in tolerance units (`problem.loss`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.check import map_jobs, run_job
from model.calibration.problem import Simulator, loss, model_moments
from model.calibration.spec import CalibrationSpec
from model.evidence.posterior import Posterior
from model.simulation.runner import spawned_seed

REFINE_STREAM = 4  # spawn-key prefix of the refinement's seeds (model seeds use (i,))


def refine_seeds(spec: CalibrationSpec) -> list[int]:
    """The refinement's seeds: independent of the calibration's and the check's."""
    return [spawned_seed(spec.base_seed, REFINE_STREAM, i) for i in range(spec.refine_seeds)]


def refine(
    spec: CalibrationSpec,
    simulator: Simulator,
    posterior: Posterior,
    distances: np.ndarray,
    executor: Any,
    on_done: Callable[[], None] | None = None,
) -> tuple[dict[str, float], pd.DataFrame]:
    """The best of the nearest particles over fresh seeds, and a table of the candidates
    (particle, ABC distance, refined loss, chosen) in order of ABC distance."""
    count = min(spec.refine_candidates, len(distances))
    nearest = np.argsort(distances, kind="stable")[:count]
    seeds = refine_seeds(spec)
    jobs = []
    for index in nearest:
        params = simulator.params_for(posterior.particle(index)).model_copy(
            update={"scale": spec.check_scale}
        )
        jobs += [(params, seed, len(jobs)) for seed in seeds]
    frames = map_jobs(executor, run_job, jobs, on_done)
    losses = []
    for c in range(count):
        runs = frames[c * len(seeds) : (c + 1) * len(seeds)]
        means = np.nanmean([model_moments(f, simulator.targets) for f in runs], axis=0)
        misses = {t.label: t.error(float(m)) for t, m in zip(simulator.targets, means, strict=True)}
        losses.append(loss(simulator.targets, misses))
    best = int(np.argmin(losses))
    table = pd.DataFrame(
        {
            "particle": nearest.astype(int),
            "abc_distance": distances[nearest],
            "refined_loss": losses,
            "chosen": np.arange(count) == best,
        }
    )
    return posterior.particle(int(nearest[best])), table


def refine_plan(spec: CalibrationSpec) -> tuple[int, int] | None:
    """The refinement's candidates and seeds, or None if the spec asks for none (1)."""
    return (spec.refine_candidates, spec.refine_seeds) if spec.refine_candidates > 1 else None


def refine_run_count(spec: CalibrationSpec) -> int:
    """How many runs `refine` takes."""
    return min(spec.refine_candidates, spec.population_size) * spec.refine_seeds
