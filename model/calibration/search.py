"""Calibration by simulated method of moments with common random numbers.

The loss is the weighted sum of squared target errors, each in units of its
tolerance (a target just at its tolerance adds 1). A Latin-hypercube design over
the parameter bounds (also the prior sample for an ABC-rejection posterior) is
followed by a Nelder-Mead search from its best point. Every evaluation is appended
to a checkpoint file; a restarted calibration replays from it without rerunning.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.stats import qmc

from model.calibration.spec import CalibrationSpec, typed_values
from model.calibration.store import Evaluation, append_checkpoint, fingerprint, read_checkpoint
from model.evidence.facts import miss_in_tolerances
from model.evidence.observed import TARGETS
from model.params import Params
from model.params.loading import load_scenario, read_dotted, with_changes
from model.simulation.runner import replicate_seeds, simulate

NO_VALUE_PENALTY = 1e4  # loss contribution of a target the model cannot produce
RESTARTS = 3  # Nelder-Mead runs in the local budget, each from the best point so far
MIN_RESTART_BUDGET = 100  # evaluations below which a restart is not worth its new simplex


@dataclass(frozen=True)
class FitTarget:
    """A moment to match: model `variable` at `quarter` against `observed`."""

    variable: str
    quarter: str
    observed: float
    tolerance: float
    absolute: bool = False
    weight: float = 1.0
    kind: str = "point"  # or "lower_bound" / "upper_bound": only the wrong side counts

    def error(self, model_value: float) -> float:
        """Error in units of the tolerance (0 when a bound is met)."""
        if math.isnan(model_value):
            return math.sqrt(NO_VALUE_PENALTY)
        raw = model_value - self.observed
        if not self.absolute:
            raw /= self.observed
        return miss_in_tolerances(raw, self.kind, self.tolerance)


def fit_targets(spec: CalibrationSpec) -> list[FitTarget]:
    """The observed targets with role 'fit', minus exclusions, with the spec's weights."""
    return [
        FitTarget(
            t.variable,
            t.quarter,
            t.observed,
            t.tolerance,
            t.absolute,
            spec.targets.weights.get(t.variable, t.weight),
            t.kind,
        )
        for t in TARGETS
        if t.role == "fit" and t.variable not in spec.targets.exclude
    ]


def loss(targets: Sequence[FitTarget], moments: Sequence[float]) -> float:
    """Weighted sum of squared errors in tolerance units."""
    return float(sum(t.weight * t.error(m) ** 2 for t, m in zip(targets, moments, strict=True)))


def _moments_job(job: tuple[Params, int, list[tuple[str, str]]]) -> list[float]:
    """Run one seed; the model's value of each (variable, quarter), NaN if absent."""
    params, seed, keys = job
    table = simulate(params, seed=seed)
    values = table.set_index(["variable", "quarter"])["value"]
    return [float(values.get(key, np.nan)) for key in keys]


class Evaluator:
    """Runs points (all seeds each), caches them and appends them to the checkpoint."""

    def __init__(
        self,
        spec: CalibrationSpec,
        targets: Sequence[FitTarget],
        base: Params,
        checkpoint: Path,
        executor: Executor | None,
    ) -> None:
        self.spec, self.targets, self.executor = spec, list(targets), executor
        self.base = base.model_copy(update={"scale": spec.scale})
        self.seeds = replicate_seeds(spec.base_seed, spec.seeds)
        self.keys = [(t.variable, t.quarter) for t in self.targets]
        self.checkpoint = checkpoint
        self.history: list[Evaluation] = []
        self.cache: dict[str, Evaluation] = {}
        self.fingerprint = fingerprint(spec, self.targets, self.base)
        for record in read_checkpoint(checkpoint, self.fingerprint):
            self.cache[_key(record.values)] = record

    def params_for(self, values: dict[str, float]) -> Params:
        """The base scenario with these parameter values (integer parameters rounded)."""
        return with_changes(self.base, typed_values(self.base, values))

    def evaluate(self, points: Sequence[dict[str, float]], stage: str) -> list[Evaluation]:
        """Evaluate points (cached ones are not rerun), in order."""
        todo = [p for p in points if _key(p) not in self.cache]
        jobs = [(self.params_for(p), seed, self.keys) for p in todo for seed in self.seeds]
        runner = self.executor.map if self.executor else map
        started = time.perf_counter()
        outputs = list(runner(_moments_job, jobs))
        seconds = (time.perf_counter() - started) / max(len(todo), 1)
        for i, point in enumerate(todo):
            runs = np.array(outputs[i * len(self.seeds) : (i + 1) * len(self.seeds)])
            moments = [float(np.mean(column)) for column in runs.T]
            record = Evaluation(
                len(self.cache), stage, point, moments, loss(self.targets, moments), seconds
            )
            self.cache[_key(point)] = record
            append_checkpoint(self.checkpoint, record, self.fingerprint)
        results = [self.cache[_key(p)] for p in points]
        self.history.extend(results)
        return results


def _key(values: dict[str, float]) -> str:
    return json.dumps({k: float(v) for k, v in sorted(values.items())})


def current_values(spec: CalibrationSpec, base: Params) -> dict[str, float]:
    """The free parameters' values in the base scenario, clipped to their bounds."""
    return {
        free.name: float(np.clip(read_dotted(base, free.name), free.low, free.high))
        for free in spec.parameters
    }


def design_points(spec: CalibrationSpec) -> list[dict[str, float]]:
    """The Latin-hypercube design over the bounds (deterministic in the base seed)."""
    count = max(2, round(spec.global_share * spec.budget))
    unit = qmc.LatinHypercube(d=len(spec.parameters), seed=spec.base_seed).random(count)
    return [to_values(spec, row) for row in unit]


def to_values(spec: CalibrationSpec, unit: np.ndarray) -> dict[str, float]:
    """Unit-cube coordinates -> parameter values (clipped to the bounds)."""
    unit = np.clip(unit, 0.0, 1.0)
    return {
        p.name: float(p.low + u * (p.high - p.low))
        for p, u in zip(spec.parameters, unit, strict=True)
    }


def to_unit(spec: CalibrationSpec, values: dict[str, float]) -> np.ndarray:
    """Parameter values -> unit-cube coordinates."""
    return np.array([(values[p.name] - p.low) / (p.high - p.low) for p in spec.parameters])


def local_search(
    spec: CalibrationSpec,
    evaluator: Evaluator,
    start: dict[str, float],
    evaluations: int,
    on_step: Callable[[Evaluation], None] | None = None,
) -> None:
    """Nelder-Mead in the unit cube from `start`, at most `evaluations` new points."""
    if evaluations <= 0:
        return

    def objective(unit: np.ndarray) -> float:
        record = evaluator.evaluate([to_values(spec, unit)], "local")[0]
        if on_step:
            on_step(record)
        return record.loss

    x0 = to_unit(spec, start)
    simplex = [x0] + [
        np.clip(x0 + 0.1 * np.eye(len(x0))[i] * (1 - 2 * (x0[i] > 0.9)), 0, 1)
        for i in range(len(x0))
    ]
    minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={
            "maxfev": evaluations,
            "initial_simplex": np.array(simplex),
            "xatol": 1e-3,
            "fatol": 1e-3,
        },
    )


def run_calibration(
    spec: CalibrationSpec,
    checkpoint: Path,
    workers: int = 1,
    targets: Sequence[FitTarget] | None = None,
    base: Params | None = None,
    on_step: Callable[[Evaluation], None] | None = None,
) -> Evaluator:
    """Design then local search; returns the evaluator holding every evaluation."""
    targets = list(targets) if targets is not None else fit_targets(spec)
    base = base if base is not None else load_scenario(spec.scenario)
    executor = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        evaluator = Evaluator(spec, targets, base, checkpoint, executor)
        design = design_points(spec)
        batch = max(1, workers * 4)  # enough jobs per batch to keep every worker busy
        for start in range(0, len(design), batch):
            for record in evaluator.evaluate(design[start : start + batch], "design"):
                if on_step:
                    on_step(record)
        # The current values (a previous calibration's estimates) compete with the design.
        current = evaluator.evaluate([current_values(spec, base)], "design")[0]
        if on_step:
            on_step(current)
        local_budget = spec.budget - len(design) - 1
        # Restarting Nelder-Mead with a fresh simplex at its own best point is the usual
        # remedy for its early collapse on noisy, many-dimensional losses.
        restarts = max(1, min(RESTARTS, local_budget // MIN_RESTART_BUDGET))
        for restart in range(restarts):
            share = local_budget // restarts + (local_budget % restarts if restart == 0 else 0)
            start = min(evaluator.history, key=lambda r: r.loss)
            local_search(spec, evaluator, start.values, share, on_step)
    finally:
        if executor:
            executor.shutdown()
    return evaluator


def best(evaluator: Evaluator) -> Evaluation:
    """The lowest-loss evaluation of this calibration."""
    return min(evaluator.history, key=lambda r: r.loss)


def posterior(evaluator: Evaluator, spec: CalibrationSpec) -> list[Evaluation]:
    """ABC rejection: the design points (prior draws) with the lowest losses."""
    design = sorted((r for r in evaluator.history if r.stage == "design"), key=lambda r: r.loss)
    return design[: max(2, round(spec.accept_share * len(design)))]
