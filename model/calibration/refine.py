"""The point estimate: candidate points re-run over fresh seeds, the best kept.

Every particle ran on the same `seeds` (common random numbers), so the one nearest the
facts is partly the one that drew a lucky run; and the weighted posterior medians,
taken parameter by parameter, need not fit at all when parameters are correlated.
`refine` re-runs the weighted posterior medians (unless the weights are degenerate)
and the `refine_candidates` accepted particles of lowest ABC distance over
`refine_seeds` seeds of a stream of their own (the same for every candidate) at
`check_scale`, and keeps the one whose mean over those seeds misses the fewest
required facts (those `littlegiants validate` fails on: more than one tolerance
off), and of those the lowest plain loss: sum over targets of weight x miss^2,
misses in tolerance units (`problem.loss`). The loss alone would trade a required
fact for the targets the model misses whatever its parameters (the provincial count
of 2021, R&D per revenue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.check import map_jobs, run_job
from model.calibration.problem import Simulator, loss, model_moments
from model.calibration.spec import CalibrationSpec
from model.evidence.posterior import Posterior
from model.simulation.runner import spawned_seed

REFINE_STREAM = 4  # spawn-key prefix of the refinement's seeds (model seeds use (i,))
MEDIANS = -1  # the `particle` of the weighted posterior medians in the candidates' table


def refine_seeds(spec: CalibrationSpec) -> list[int]:
    """The refinement's seeds: independent of the calibration's and the check's."""
    return [spawned_seed(spec.base_seed, REFINE_STREAM, i) for i in range(spec.refine_seeds)]


@dataclass(frozen=True)
class Score:
    """A point's fit over the refinement's seeds: required facts missed (more than one
    tolerance off), the plain loss, and each target's miss in tolerance units."""

    required_missed: int
    loss: float
    misses: dict[str, float]


def score_points(
    spec: CalibrationSpec,
    simulator: Simulator,
    points: list[dict[str, float]],
    executor: Any,
    on_done: Callable[[], None] | None = None,
) -> list[Score]:
    """Each point run over the refinement's seeds at `check_scale` (the same seeds for
    every point), scored on the mean of each target over the seeds."""
    seeds = refine_seeds(spec)
    jobs = []
    for values in points:
        params = simulator.params_for(values).model_copy(update={"scale": spec.check_scale})
        jobs += [(params, seed, len(jobs)) for seed in seeds]
    frames = map_jobs(executor, run_job, jobs, on_done)
    scores = []
    for c in range(len(points)):
        runs = frames[c * len(seeds) : (c + 1) * len(seeds)]
        means = np.nanmean([model_moments(f, simulator.targets) for f in runs], axis=0)
        misses = {t.label: t.error(float(m)) for t, m in zip(simulator.targets, means, strict=True)}
        missed = sum(t.required and abs(misses[t.label]) > 1.0 for t in simulator.targets)
        scores.append(Score(missed, loss(simulator.targets, misses), misses))
    return scores


def refine(
    spec: CalibrationSpec,
    simulator: Simulator,
    posterior: Posterior,
    distances: np.ndarray,
    executor: Any,
    on_done: Callable[[], None] | None = None,
    medians: dict[str, float] | None = None,
) -> tuple[dict[str, float], pd.DataFrame]:
    """The best candidate over fresh seeds, and a table of the candidates (particle, or
    MEDIANS for the weighted posterior medians when given; ABC distance; required facts
    missed; refined loss; chosen): the medians first, then the nearest particles in
    order of ABC distance."""
    count = min(spec.refine_candidates, len(distances))
    nearest = np.argsort(distances, kind="stable")[:count]
    candidates = [(MEDIANS, medians)] if medians is not None else []
    candidates += [(int(i), posterior.particle(int(i))) for i in nearest]
    scores = score_points(spec, simulator, [values for _, values in candidates], executor, on_done)
    missed = [score.required_missed for score in scores]
    losses = [score.loss for score in scores]
    best = min(range(len(candidates)), key=lambda c: (missed[c], losses[c]))
    particles = np.array([index for index, _ in candidates], dtype=int)
    table = pd.DataFrame(
        {
            "particle": particles,
            "abc_distance": [np.nan if i == MEDIANS else distances[i] for i in particles],
            "required_missed": missed,
            "refined_loss": losses,
            "chosen": np.arange(len(candidates)) == best,
        }
    )
    return candidates[best][1], table


def refine_plan(spec: CalibrationSpec) -> tuple[int, int] | None:
    """The refinement's candidates and seeds, or None if the spec asks for none (1)."""
    return (spec.refine_candidates, spec.refine_seeds) if spec.refine_candidates > 1 else None


def refine_run_count(spec: CalibrationSpec, medians: bool = True) -> int:
    """How many runs `refine` takes (with the posterior medians as a candidate or not)."""
    return (min(spec.refine_candidates, spec.population_size) + medians) * spec.refine_seeds
