"""The comparison report's section on effects with parameter uncertainty (--posterior)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.comparison.uncertainty import uncertainty_table
from model.reports.report import describe, markdown_table

EXPLANATION = (
    "Each effect is the paired difference to the reference over posterior draws × seeds "
    "(the same seeds for every draw and scenario). _seed s.d._ is the spread between seeds "
    "within a draw, _parameter s.d._ the spread of the draws' mean effects beyond what "
    "seed noise explains; total variance = seed + parameter variance. ✓ in _seed noise_: "
    "the 95% confidence interval of the mean from seed noise alone excludes zero; ✓ in "
    "_with parameters_: the 95% interval with the parameter variance added excludes "
    "zero, so every plausible world agrees on the sign."
)


def _number(value: float, kind: str) -> str:
    if math.isnan(value):
        return "–"
    scaled = value * (100 if kind == "share" else 1)
    unit = " pp" if kind == "share" else ""
    return f"{scaled:+,.0f}{unit}" if abs(scaled) >= 100 else f"{scaled:+,.2f}{unit}"


def _spread(value: float, kind: str) -> str:
    return _number(value, kind).lstrip("+")


def _interval(low: float, high: float, kind: str, mark: bool) -> str:
    return f"{_number(low, kind)} to {_number(high, kind)}" + (" ✓" if mark else "")


def uncertainty_rows(table: pd.DataFrame) -> list[list[str]]:
    """One row per scenario and variable of an `uncertainty_table`."""
    rows = []
    for r in table.itertuples(index=False):
        kind = describe(r.variable)[1]
        total = r.seed_variance + r.parameter_variance
        share = r.parameter_variance / total if total > 0 else float("nan")
        rows.append(
            [
                r.scenario,
                describe(r.variable)[0],
                _number(r.effect, kind),
                _spread(np.sqrt(r.seed_variance), kind),
                _spread(np.sqrt(r.parameter_variance), kind),
                "–" if math.isnan(share) else f"{100 * share:.0f}%",
                _interval(r.seed_low, r.seed_high, kind, r.distinguishable_seed),
                _interval(r.both_low, r.both_high, kind, r.distinguishable_both),
            ]
        )
    return rows


HEADER = [
    "scenario",
    "variable",
    "effect",
    "seed s.d.",
    "parameter s.d.",
    "parameter share",
    "95% seed noise",
    "95% with parameters",
]


def uncertainty_markdown(
    results: pd.DataFrame, reference: str, quarters: Sequence[str], variables: Sequence[str]
) -> str:
    """The section: per quarter, the effects with both bands."""
    draws = results["draw"].nunique()
    seeds = results["seed"].nunique()
    parts = [
        f"### Effects with parameter uncertainty ({draws} posterior draws × {seeds} seeds)",
        "",
        EXPLANATION,
    ]
    for quarter in quarters:
        table = uncertainty_table(results, reference, quarter, variables)
        if len(table):
            parts += ["", f"**{quarter}**", "", markdown_table(HEADER, uncertainty_rows(table))]
    return "\n".join(parts) + "\n"
