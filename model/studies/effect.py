"""The event-study effect: difference in differences of listed SMEs against their controls.

effect % = 100 x [(treated - control) after - (treated - control) before] / control after,
with "after" the listing quarter and the POST quarters that follow, "before" the
four quarters before it. Intervals come from a bootstrap over listed firms (all
runs pooled), so they carry both the firms' and the seeds' noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.studies.entity_list import POST

BEFORE = (-4, -1)  # event quarters of the pre-listing window
AFTER = (0, POST)
BOOTSTRAP = 2000
CONFIDENCE = 0.95


def _firm_windows(paths: pd.DataFrame) -> pd.DataFrame:
    """Per listed firm (and run): mean applications before and after, treated and control."""
    paths = paths.assign(gap=paths["treated_y"] - paths["control_y"])
    windows = {}
    for name, (low, high) in {"before": BEFORE, "after": AFTER}.items():
        inside = paths[paths["event_time"].between(low, high)]
        windows[name] = inside.groupby(["seed", "treated"])[["gap", "control_y"]].mean()
    before = windows["before"].add_suffix("_before")
    return before.join(windows["after"].add_suffix("_after")).dropna()


def _effect_pct(firms: pd.DataFrame) -> float:
    control = firms["control_y_after"].mean()
    change = firms["gap_after"].mean() - firms["gap_before"].mean()
    return float(100.0 * change / control) if control > 0 else float("nan")


def estimate(paths: pd.DataFrame, controls: int, seed: int) -> dict[str, float | int]:
    """The effect on patent applications in percent, its bootstrap interval and the
    numbers of listed firms and distinct control firms behind it."""
    firms = _firm_windows(paths)
    if firms.empty:
        raise ValueError("no listed firm with a pre- and post-listing window in these runs")
    rng = np.random.default_rng(seed)  # analysis only: the runs themselves are done
    draws = np.array(
        [_effect_pct(firms.iloc[rng.integers(0, len(firms), len(firms))]) for _ in range(BOOTSTRAP)]
    )
    tail = 100.0 * (1.0 - CONFIDENCE) / 2.0
    low, high = np.nanpercentile(draws, [tail, 100.0 - tail])
    return {
        "patent_applications_pct": _effect_pct(firms),
        "ci_low_pct": float(low),
        "ci_high_pct": float(high),
        "treated_firms": len(firms),
        "control_firms": controls,
    }


def event_time_table(paths: pd.DataFrame) -> pd.DataFrame:
    """Per quarter relative to listing: mean applications of listed firms and of their
    controls, and the mean gap with a 95% interval (normal, over firms)."""
    paths = paths.assign(gap=paths["treated_y"] - paths["control_y"])
    grouped = paths.groupby("event_time")
    table = grouped.agg(
        treated=("treated_y", "mean"),
        control=("control_y", "mean"),
        gap=("gap", "mean"),
        firms=("gap", "size"),
        spread=("gap", "std"),
    )
    half = 1.96 * table["spread"].fillna(0.0) / np.sqrt(table["firms"])
    return table.assign(gap_low=table["gap"] - half, gap_high=table["gap"] + half).drop(
        columns="spread"
    )
