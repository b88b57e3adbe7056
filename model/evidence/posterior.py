"""The calibration's posterior sample: what the observed facts say about the parameters.

`littlegiants calibrate` writes the last ABC-SMC generation's weighted particles to
scenarios/calibrated_posterior.parquet beside calibrated.toml: one column per free
parameter (dotted key), a `weight` column (the importance weights, summing to 1) and
a `distance` column (each particle's distance to the facts). Comparisons and the
Sobol study read it from here; nothing in the simulation core does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import ConfigError
from model.params.loading import scenario_dirs

POSTERIOR_FILE = "calibrated_posterior.parquet"
WEIGHT, DISTANCE = "weight", "distance"
NOT_PARAMETERS = frozenset({WEIGHT, DISTANCE})


@dataclass(frozen=True)
class Posterior:
    """Weighted parameter draws: `values` (one column per dotted key) and `weights` (sum 1)."""

    values: pd.DataFrame
    weights: np.ndarray

    @property
    def parameters(self) -> list[str]:
        """Dotted keys of the parameters, in file order."""
        return list(self.values.columns)

    def quantiles(self, name: str, probabilities: list[float]) -> list[float]:
        """Weighted quantiles of one parameter's marginal posterior."""
        return weighted_quantiles(self.values[name].to_numpy(float), self.weights, probabilities)

    def particle(self, index: int) -> dict[str, float]:
        """The values of one particle (row `index`), by parameter name."""
        return {name: float(self.values[name].iloc[index]) for name in self.parameters}

    def median(self) -> dict[str, float]:
        """The weighted marginal median of every parameter (the calibrated point)."""
        return {name: self.quantiles(name, [0.5])[0] for name in self.parameters}

    def draws(self, count: int, seed: int) -> list[dict[str, float]]:
        """`count` equally weighted draws by systematic resampling (deterministic in `seed`)."""
        rows = systematic_resample(self.weights, count, np.random.default_rng(seed))
        return [
            {name: float(self.values[name].iloc[row]) for name in self.parameters} for row in rows
        ]


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, probabilities: list[float]
) -> list[float]:
    """Quantiles of a weighted sample (each point at the middle of its weight's step;
    points of zero weight take no part)."""
    values, weights = values[weights > 0], weights[weights > 0]
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_weights = values[order], weights[order] / weights.sum()
    positions = np.cumsum(sorted_weights) - sorted_weights / 2
    return [float(np.interp(p, positions, sorted_values)) for p in probabilities]


def systematic_resample(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of `count` draws: one uniform offset, then evenly spaced positions."""
    cumulative = np.cumsum(weights / weights.sum())
    positions = (rng.uniform() + np.arange(count)) / count
    return np.minimum(np.searchsorted(cumulative, positions), len(weights) - 1)


def weighted_correlations(posterior: Posterior) -> pd.DataFrame:
    """Weighted Pearson correlations between the parameters (a square table)."""
    data = posterior.values.to_numpy(float)
    weights = posterior.weights / posterior.weights.sum()
    centred = data - weights @ data
    covariance = (centred * weights[:, None]).T @ centred
    spread = np.sqrt(np.diag(covariance))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(spread, spread)
    names = posterior.parameters
    return pd.DataFrame(correlation, index=names, columns=names)


def posterior_table(posterior: Posterior, distances: np.ndarray | None = None) -> pd.DataFrame:
    """The posterior as the table written to Parquet: parameters, weight, distance."""
    table = posterior.values.reset_index(drop=True).copy()
    table[WEIGHT] = posterior.weights / posterior.weights.sum()
    if distances is not None:
        table[DISTANCE] = distances
    return table


def default_posterior_path() -> Path:
    """scenarios/calibrated_posterior.parquet: in ./scenarios first, then the project's."""
    for folder in scenario_dirs():
        if (folder / POSTERIOR_FILE).is_file():
            return folder / POSTERIOR_FILE
    return (scenario_dirs() or [Path("scenarios")])[-1] / POSTERIOR_FILE


def read_posterior(path: str | Path | None = None) -> Posterior:
    """The posterior sample at `path` (default: the shipped one); ConfigError if unusable."""
    target = Path(path) if path is not None else default_posterior_path()
    if not target.is_file():
        raise ConfigError(
            f"{target}: posterior sample not found; run `littlegiants calibrate` to write it"
        )
    try:
        table = pd.read_parquet(target)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{target}: not a readable Parquet posterior sample ({exc})") from exc
    names = [c for c in table.columns if c not in NOT_PARAMETERS]
    if WEIGHT not in table.columns or not names or len(table) == 0:
        raise ConfigError(
            f"{target}: a posterior sample needs a '{WEIGHT}' column and one column per "
            f"parameter (found: {', '.join(map(str, table.columns)) or 'none'})"
        )
    weights = table[WEIGHT].to_numpy(float)
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise ConfigError(f"{target}: column '{WEIGHT}' must hold non-negative weights")
    return Posterior(table[names].astype(float), weights / weights.sum())
