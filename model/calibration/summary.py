"""What the posterior says about each parameter: intervals, width ratio, identification.

A parameter is *identified* when its posterior 90% interval (5-95%) is less than
half as wide as its prior's (IDENTIFIED_RATIO): the targets then rule out more than
half of the values the prior allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.calibration.problem import prior_variable
from model.calibration.spec import CalibrationSpec, FreeParameter
from model.evidence.posterior import Posterior, weighted_correlations

IDENTIFIED_RATIO = 0.5
INTERVAL = (0.05, 0.95)
STRONG_CORRELATION = 0.3  # pairs listed in the report's correlation table
# Below this share of the particles the ESS says the importance weights are degenerate.
MIN_ESS_SHARE = 0.1


@dataclass(frozen=True)
class ParameterSummary:
    """One parameter's prior and posterior, in its own units."""

    name: str
    prior: str
    low: float
    high: float
    median: float
    posterior_low: float
    posterior_high: float
    prior_low: float
    prior_high: float

    @property
    def width_ratio(self) -> float:
        """Posterior 90% interval width over the prior's."""
        return (self.posterior_high - self.posterior_low) / (self.prior_high - self.prior_low)

    @property
    def identified(self) -> bool:
        """Whether the targets narrow the prior's 90% interval by more than half."""
        return self.width_ratio < IDENTIFIED_RATIO


def prior_interval(free: FreeParameter) -> tuple[float, float]:
    """The prior's 5-95% interval."""
    distribution = prior_variable(free).distribution
    return float(distribution.ppf(INTERVAL[0])), float(distribution.ppf(INTERVAL[1]))


def summarise(spec: CalibrationSpec, posterior: Posterior) -> list[ParameterSummary]:
    """One summary per free parameter, in spec order."""
    rows = []
    for free in spec.parameters:
        low, median, high = posterior.quantiles(free.name, [INTERVAL[0], 0.5, INTERVAL[1]])
        prior_low, prior_high = prior_interval(free)
        rows.append(
            ParameterSummary(
                free.name, free.prior, free.low, free.high, median, low, high, prior_low, prior_high
            )
        )
    return rows


def strong_pairs(posterior: Posterior, threshold: float = STRONG_CORRELATION) -> pd.DataFrame:
    """Parameter pairs whose posterior correlation is at least `threshold` in size."""
    matrix = weighted_correlations(posterior)
    names = list(matrix.columns)
    rows = [
        {"first": a, "second": b, "correlation": float(matrix.loc[a, b])}
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if np.isfinite(matrix.loc[a, b]) and abs(matrix.loc[a, b]) >= threshold
    ]
    table = pd.DataFrame(rows, columns=["first", "second", "correlation"])
    return table.reindex(table["correlation"].abs().sort_values(ascending=False).index)


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights, 1 / sum(w^2) for w summing to 1."""
    weights = np.asarray(weights, float)
    return float(1.0 / np.sum((weights / weights.sum()) ** 2))


def degenerate(ess: float, particles: int) -> bool:
    """Whether a few particles carry almost all the weight (ESS below MIN_ESS_SHARE of
    the particles), so that weighted medians and intervals are a few particles' values."""
    return ess < MIN_ESS_SHARE * particles


def weights_degenerate(weights: np.ndarray) -> bool:
    """`degenerate` for these importance weights."""
    return degenerate(effective_sample_size(weights), len(weights))


def usable_weights(weights: np.ndarray) -> np.ndarray:
    """The posterior's weights (summing to 1): the importance weights, or, when they are
    degenerate, equal weights on the accepted particles (each within epsilon of the facts:
    the rejection-ABC reading of the last generation, without the importance correction)."""
    weights = np.asarray(weights, float)
    if weights_degenerate(weights):
        return np.full(len(weights), 1.0 / len(weights))
    return weights / weights.sum()


def point_estimate(posterior: Posterior, distances: np.ndarray, ess: float) -> dict[str, float]:
    """The calibrated point: each parameter's weighted posterior median; or, when the
    last generation's importance weights were degenerate (its ESS `ess`), the accepted
    particle nearest the facts (the sample's approximation of the posterior mode), since
    medians of particles taken alike mix values that fit with values that only passed."""
    if not degenerate(ess, len(posterior.weights)):
        return posterior.median()
    nearest = int(np.argmin(distances))
    return posterior.particle(nearest)


def point_kind(ess: float, particles: int, refine: tuple[int, int] | None = None) -> str:
    """What the calibrated point is, in words for file headers and reports (`refine`:
    candidates and seeds of the refinement, when it ran)."""
    weights = f"ESS {ess:.1f} of {particles}"
    if degenerate(ess, particles):
        weights += ": degenerate"
        if not refine:
            return f"the accepted particle nearest the facts ({weights})"
        return (
            f"the best over {refine[1]} fresh seeds (fewest required facts missed, then loss) "
            f"of the {refine[0]} accepted particles nearest the facts ({weights})"
        )
    if not refine:
        return "weighted posterior medians"
    return (
        f"the best over {refine[1]} fresh seeds (fewest required facts missed, then loss) of "
        f"the weighted posterior medians and the {refine[0]} accepted particles nearest the "
        f"facts ({weights})"
    )
