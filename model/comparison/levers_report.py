"""What each lever moves by 2025: the lever matrix's table, from `littlegiants levers` runs."""

from __future__ import annotations

import math

import pandas as pd

from model.comparison.compare import mean_interval, paired_differences
from model.comparison.levers import LEVERS, Lever, direct_value
from model.reports.report import describe, markdown_table

QUARTER = "2025Q4"
OUTCOMES = ("national_little_giants", "lg_invention_patents_mean", "lg_rd_spend_mean_yuan")


def _band(values: pd.Series, kind: str) -> str:
    """'+12 [+3, +21] ✓' for a paired difference over runs (✓: interval excludes 0)."""
    if values.empty or values.isna().all():
        return "–"
    low, high = mean_interval(values.to_numpy(float))
    mark = " ✓" if low > 0 or high < 0 else ""
    if kind == "share":
        return f"{100 * values.mean():+.1f} pp [{100 * low:+.1f}, {100 * high:+.1f}]{mark}"
    if kind == "yuan":  # in million yuan
        mean, low, high = values.mean() / 1e6, low / 1e6, high / 1e6
        return f"{mean:+,.1f}M [{low:+,.1f}, {high:+,.1f}]{mark}"
    digits = 0 if kind == "firms" else 1
    return f"{values.mean():+,.{digits}f} [{low:+,.{digits}f}, {high:+,.{digits}f}]{mark}"


def _direct_change(results: pd.DataFrame, base: str, lever: Lever) -> str:
    pulled = results[results["scenario"] == f"{base} + {lever.name}"]
    reference = results[results["scenario"] == base]
    before, after = direct_value(reference, lever), direct_value(pulled, lever)
    if before.empty or after.empty:
        return "–"
    change = (after - before).dropna()
    if not change.size:
        return "–"
    ratio = after.mean() / before.mean() - 1.0 if before.mean() else math.nan
    arrow = "↑" if change.mean() > 0 else "↓" if change.mean() < 0 else "="
    stated = "as stated" if (change.mean() > 0) == (lever.direction > 0) else "NOT as stated"
    return f"{arrow} {ratio:+.0%} ({stated})" if math.isfinite(ratio) else f"{arrow} ({stated})"


def levers_table(results: pd.DataFrame, base: str = "baseline") -> str:
    """One row per lever: how it is pulled, its direct output's change (over the run, or
    at 2025Q4), and the paired 2025Q4 effect on the outcomes with 95% intervals."""
    at = results[results["quarter"] == QUARTER]
    diffs = paired_differences(at, base)
    header = ["lever", "pulled", "direct output", "its change", *(describe(o)[0] for o in OUTCOMES)]
    rows = []
    for lever in LEVERS:
        name = f"{base} + {lever.name}"
        cells = [
            lever.name,
            lever.pulled,
            f"`{lever.direct}`",
            _direct_change(results, base, lever),
        ]
        for outcome in OUTCOMES:
            d = diffs[(diffs["scenario"] == name) & (diffs["variable"] == outcome)]["difference"]
            cells.append(_band(d, describe(outcome)[1]))
        rows.append(cells)
    return markdown_table(header, rows, left=4)


def levers_block(results: pd.DataFrame, source: str) -> str:
    """The generated part of docs/levers.md."""
    runs = results[results["scenario"] == "baseline"]["run_id"].nunique()
    scale = results.attrs.get("scale", "")
    note = (
        f"_From `{source}` ({runs} seeds per scenario, common random numbers"
        + (f", scale {scale}" if scale else "")
        + f"). Effects at {QUARTER}: mean paired difference to the baseline [95% "
        "confidence interval]; ✓ = the interval excludes zero._"
    )
    return f"{note}\n\n{levers_table(results)}\n"
