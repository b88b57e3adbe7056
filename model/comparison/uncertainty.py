"""Policy effects with parameter uncertainty: scenarios over posterior draws x seeds.

Every scenario runs every posterior draw with the same seeds (common random numbers
across scenarios, draws and seeds), so an effect is a paired difference D[d, s]
(scenario minus reference, draw d, seed s). Its variance splits by the law of total
variance into seed noise within a draw and parameter uncertainty between draws:

    seed variance       s2_seed  = mean over d of var_s D[d, s]
    parameter variance  s2_param = var_d (mean_s D[d, s]) - s2_seed / S   (at least 0)
    total variance      var D    ~ s2_seed + s2_param   (within sampling error)

An effect is distinguishable from seed noise when the 95% confidence interval of its
mean from seed noise alone excludes zero, and distinguishable under both when the
95% interval with the parameter variance added (effect +- t sqrt(s2_param +
s2_seed / (D S)), t of D (S - 1) degrees of freedom) does: every plausible world,
not only the calibrated one, agrees on its sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from model.comparison.compare import CONFIDENCE, paired_differences, t_quantile
from model.params import Params
from model.params.loading import read_dotted, with_changes
from model.simulation.runner import run_jobs, simulate


def with_draw(params: Params, draw: Mapping[str, float], calibrated: Params) -> Params:
    """The scenario with a posterior draw's values for every parameter it inherits from
    the calibration (one it sets itself, differing from `calibrated`, keeps its value)."""
    changes = {}
    for name, value in draw.items():
        current = read_dotted(params, name)
        if current != read_dotted(calibrated, name):
            continue  # the scenario's own choice, not an estimate
        integer = isinstance(current, int) and not isinstance(current, bool)
        changes[name] = round(value) if integer else value
    return with_changes(params, changes)


def _draw_job(job: tuple[Params, int, int, int]) -> pd.DataFrame:
    params, seed, run_id, draw = job
    table = simulate(params, seed=seed, run_id=run_id)
    table.insert(3, "draw", draw)
    return table


def compare_over_posterior(
    scenarios: Sequence[Params],
    draws: Sequence[Mapping[str, float]],
    seeds: Sequence[int],
    calibrated: Params,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Every scenario x draw x seed; run k of draw d has run id d * len(seeds) + k in
    every scenario, so `paired_differences` pairs the same draw and seed."""
    jobs = [
        (with_draw(p, draw, calibrated), seed, d * len(seeds) + k, d)
        for p in scenarios
        for d, draw in enumerate(draws)
        for k, seed in enumerate(seeds)
    ]
    return pd.concat(run_jobs(jobs, workers, on_done, _draw_job), ignore_index=True)


def decompose(differences: np.ndarray) -> dict[str, float]:
    """Variance parts of paired differences D (draws x seeds, at least 2 x 2)."""
    draws, seeds = differences.shape
    seed_variance = float(differences.var(axis=1, ddof=1).mean())
    between = float(differences.mean(axis=1).var(ddof=1))
    parameter_variance = max(0.0, between - seed_variance / seeds)
    effect = float(differences.mean())
    # The same t quantile for both, so they coincide when the parameters add nothing.
    quantile = t_quantile(0.5 + CONFIDENCE / 2, draws * (seeds - 1))
    seed_half = quantile * np.sqrt(seed_variance / (draws * seeds))
    both_half = quantile * np.sqrt(parameter_variance + seed_variance / (draws * seeds))
    return {
        "effect": effect,
        "total_variance": float(differences.var(ddof=1)),
        "seed_variance": seed_variance,
        "parameter_variance": parameter_variance,
        "seed_low": effect - seed_half,
        "seed_high": effect + seed_half,
        "both_low": effect - both_half,
        "both_high": effect + both_half,
        "distinguishable_seed": bool(abs(effect) > seed_half),
        "distinguishable_both": bool(abs(effect) > both_half),
    }


def difference_matrix(differences: pd.DataFrame) -> np.ndarray:
    """One scenario and variable's paired differences as a draws x seeds array."""
    wide = differences.pivot_table(index="draw", columns="seed", values="difference")
    return wide.to_numpy(float)


def uncertainty_table(
    results: pd.DataFrame, reference: str, quarter: str, variables: Sequence[str]
) -> pd.DataFrame:
    """Per scenario and variable at one quarter: the effect and its variance parts."""
    at = results[(results["quarter"] == quarter) & results["variable"].isin(variables)]
    diffs = paired_differences(at, reference)
    rows = []
    for (scenario, variable), group in diffs.groupby(["scenario", "variable"], sort=False):
        matrix = difference_matrix(group)
        if matrix.shape[0] < 2 or matrix.shape[1] < 2 or np.isnan(matrix).any():
            continue
        rows.append({"scenario": scenario, "variable": variable, **decompose(matrix)})
    return pd.DataFrame(rows).assign(quarter=quarter)
