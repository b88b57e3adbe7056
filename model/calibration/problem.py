"""What ABC-SMC fits: the targets, the priors, the simulator and the adaptive distance.

A particle's summary statistics are the fit targets' errors in units of their
tolerance (`Target.scaled_miss`: zero on the open side of a bound), from the mean
over the spec's seeds of each target's model value, the same seeds for every
particle (common random numbers). The observed statistics are therefore all zero.
The distance is pyabc's adaptive p-norm (p = 2, Prangle 2017) with each target's
weight as a fixed factor (sqrt(weight), so a squared distance is the weighted sum
of squared misses) and an adaptive scale: each generation divides a target's miss
by its root-mean-square miss over the last accepted population, but never by less
than one tolerance. Widely missed targets thus cannot drown the others early on,
and near the end the distance is the plain loss in tolerance units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyabc

from model.calendar import parse_quarter
from model.calibration.spec import CalibrationSpec, typed_values
from model.evidence.facts import miss_in_tolerances
from model.evidence.observed import TARGETS
from model.params import Params
from model.params.loading import with_changes
from model.simulation.runner import replicate_seeds, simulate

NO_VALUE_MISS = 100.0  # tolerance units for a target the model cannot produce (NaN)
SCALE_FLOOR = 1.0  # the adaptive scale never goes below one tolerance


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
    required: bool = False  # `littlegiants validate` fails when this one is missed

    @property
    def label(self) -> str:
        """The summary statistic's name, e.g. national_little_giants@2021Q4."""
        return f"{self.variable}@{self.quarter}"

    def error(self, model_value: float) -> float:
        """Error in units of the tolerance (0 when a bound is met; large when missing)."""
        if math.isnan(model_value):
            return NO_VALUE_MISS
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
            t.required,
        )
        for t in TARGETS
        if t.role == "fit" and t.variable not in spec.targets.exclude
    ]


def observed_statistics(targets: Sequence[FitTarget]) -> dict[str, float]:
    """The observed summary statistics: every miss is zero."""
    return {t.label: 0.0 for t in targets}


def loss(targets: Sequence[FitTarget], statistics: Mapping[str, float]) -> float:
    """Weighted sum of squared misses in tolerance units (the plain, unscaled loss)."""
    return float(sum(t.weight * statistics[t.label] ** 2 for t in targets))


def model_moments(table, targets: Sequence[FitTarget]) -> list[float]:
    """Each target's model value in a tidy run table (NaN where the run has none)."""
    values = table.set_index(["variable", "quarter"])["value"]
    return [float(values.get((t.variable, t.quarter), np.nan)) for t in targets]


@dataclass(frozen=True)
class Simulator:
    """The model as pyabc sees it: parameter values -> misses, over the common seeds."""

    base: Params
    seeds: tuple[int, ...]
    targets: tuple[FitTarget, ...]

    def params_for(self, values: Mapping[str, float]) -> Params:
        """The base scenario with these values (integer parameters rounded)."""
        return with_changes(self.base, typed_values(self.base, dict(values)))

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        """Run every seed; the misses of the mean model value of each target."""
        params = self.params_for(parameter)
        return self.misses([simulate(params, seed) for seed in self.seeds])

    def misses(self, tables: Sequence[pd.DataFrame], by: int | None = None) -> dict[str, float]:
        """Each target's miss of its mean over the runs' tidy tables; with `by` (an
        absolute quarter), a target of a later quarter counts as met (0: not reached)."""
        means = np.array([model_moments(table, self.targets) for table in tables]).mean(axis=0)
        return {
            t.label: t.error(float(m)) if by is None or parse_quarter(t.quarter) <= by else 0.0
            for t, m in zip(self.targets, means, strict=True)
        }


def simulator(spec: CalibrationSpec, base: Params, targets: Sequence[FitTarget]) -> Simulator:
    """The spec's simulator: the base scenario at the spec's scale, its seeds and targets."""
    seeds = tuple(replicate_seeds(spec.base_seed, spec.seeds))
    return Simulator(base.model_copy(update={"scale": spec.scale}), seeds, tuple(targets))


def prior(spec: CalibrationSpec) -> pyabc.Distribution:
    """Independent priors over the bounds: uniform, or uniform in the logarithm."""
    return pyabc.Distribution(**{p.name: prior_variable(p) for p in spec.parameters})


def prior_variable(free) -> pyabc.RV:
    """One parameter's prior as a pyabc random variable (scipy.stats underneath)."""
    if free.prior == "loguniform":
        return pyabc.RV("loguniform", free.low, free.high)
    return pyabc.RV("uniform", free.low, free.high - free.low)


def floored_rms_scale(*, samples: np.ndarray, s0: np.ndarray, **_: object) -> np.ndarray:
    """Per statistic: root-mean-square miss over the samples, at least SCALE_FLOOR."""
    rms = np.sqrt(np.mean((samples - s0) ** 2, axis=0))
    return np.maximum(rms, SCALE_FLOOR)


def distance(targets: Sequence[FitTarget]) -> pyabc.distance.AdaptivePNormDistance:
    """Adaptive 2-norm over the misses; scales refitted each generation from the accepted
    particles only, so a resumed run (which sees only the stored population) refits the
    same scales as an uninterrupted one."""
    return pyabc.distance.AdaptivePNormDistance(
        p=2,
        fixed_weights={t.label: math.sqrt(t.weight) for t in targets},
        scale_function=floored_rms_scale,
        all_particles_for_scale=False,
    )
