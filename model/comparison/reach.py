"""Do the parameters the calibration leaves open change the shipped policy answers?

For each free parameter the targets do not identify (posterior 90% interval at least
half as wide as the prior's, `calibration.summary`), every policy scenario runs
against the reference with that parameter at its posterior 5% value and at its 95%
value, every other parameter at the calibrated point, and once at the point itself;
the same seeds throughout (common random numbers). With D[v, s] the paired effect
(scenario minus reference) at value v and seed s, the parameter's *reach* on the
effect is R[s] = D[high, s] - D[low, s]: how much the answer moves across the values
that fit the facts. Its verdict against the effect at the point, E:

- "does not matter": the 95% interval of the mean reach lies within +-SMALL_SHARE x |E|;
- "matters": the interval excludes zero and the mean reach exceeds SMALL_SHARE x |E|;
- "unresolved": neither (more seeds would tell).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.comparison.compare import mean_interval, paired_differences
from model.comparison.uncertainty import compare_over_posterior
from model.params import Params

if TYPE_CHECKING:
    from model.calibration.summary import ParameterSummary

SMALL_SHARE = 0.25  # a reach within a quarter of the effect leaves the answer as it is
POINT_DRAW = 0  # draw 0 is the calibrated point; then low, high for each parameter


def value_draws(summaries: Sequence[ParameterSummary]) -> list[dict[str, float]]:
    """The point ({}), then each parameter at its posterior 5% and 95% values."""
    draws: list[dict[str, float]] = [{}]
    for s in summaries:
        draws += [{s.name: s.posterior_low}, {s.name: s.posterior_high}]
    return draws


def run_reach(
    reference: Params,
    scenarios: Sequence[Params],
    summaries: Sequence[ParameterSummary],
    seeds: Sequence[int],
    calibrated: Params,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Every scenario (reference first) x value draw x seed: the tidy runs, with `draw`."""
    draws = value_draws(summaries)
    return compare_over_posterior(
        [reference, *scenarios], draws, seeds, calibrated, workers, on_done
    )


def verdict(reach_low: float, reach_high: float, reach: float, effect: float) -> str:
    """'does not matter', 'matters' or 'unresolved' (see the module docstring)."""
    bound = SMALL_SHARE * abs(effect)
    if -bound <= reach_low and reach_high <= bound:
        return "does not matter"
    if (reach_low > 0 or reach_high < 0) and abs(reach) > bound:
        return "matters"
    return "unresolved"


def reach_table(
    results: pd.DataFrame,
    reference: str,
    summaries: Sequence[ParameterSummary],
    quarter: str,
    variable: str,
) -> pd.DataFrame:
    """Per parameter and scenario: the effect at the point, at the low and high values,
    the reach with its 95% interval and the verdict."""
    at = results[(results["quarter"] == quarter) & (results["variable"] == variable)]
    diffs = paired_differences(at, reference)
    rows = []
    for scenario, group in diffs.groupby("scenario", sort=False):
        wide = group.pivot_table(index="draw", columns="seed", values="difference")
        effect = float(wide.loc[POINT_DRAW].mean())
        for i, s in enumerate(summaries):
            low, high = wide.loc[1 + 2 * i].to_numpy(), wide.loc[2 + 2 * i].to_numpy()
            reach = high - low
            reach_low, reach_high = mean_interval(reach)
            rows.append(
                {
                    "parameter": s.name,
                    "scenario": scenario,
                    "variable": variable,
                    "quarter": quarter,
                    "value_low": s.posterior_low,
                    "value_high": s.posterior_high,
                    "effect": effect,
                    "effect_low_value": float(low.mean()),
                    "effect_high_value": float(high.mean()),
                    "reach": float(reach.mean()),
                    "reach_low": reach_low,
                    "reach_high": reach_high,
                    "verdict": verdict(reach_low, reach_high, float(reach.mean()), effect),
                }
            )
    return pd.DataFrame(rows)


def unidentified(summaries: Sequence[ParameterSummary]) -> list[ParameterSummary]:
    """The summaries of the parameters the calibration does not identify."""
    return [s for s in summaries if not s.identified]


def summary_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many (parameter, scenario) pairs got each verdict."""
    counts = table["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in ("does not matter", "matters", "unresolved")}


def parameter_verdicts(table: pd.DataFrame) -> pd.Series:
    """Per parameter, the worst verdict over the scenarios ('matters' > 'unresolved')."""
    order = {"does not matter": 0, "unresolved": 1, "matters": 2}
    worst = table.assign(rank=table["verdict"].map(order)).groupby("parameter")["rank"].max()
    names = {rank: name for name, rank in order.items()}
    return worst.map(names)


def as_share(table: pd.DataFrame) -> pd.Series:
    """Each reach as a share of its effect at the point (NaN where the effect is zero)."""
    effect = table["effect"].replace(0.0, np.nan)
    return table["reach"] / effect.abs()
