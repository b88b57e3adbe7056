"""Hand-built results tables whose fit to the observed targets is known."""

from __future__ import annotations

import pandas as pd

from model.evidence.observed import TARGETS
from model.simulation.runner import TIDY_COLUMNS


def exact_results(runs: int = 3) -> pd.DataFrame:
    """A results table whose every targeted (variable, quarter) equals its first target."""
    first: dict[tuple[str, str], float] = {}
    for t in TARGETS:
        first.setdefault((t.variable, t.quarter), t.observed)
    rows = [
        ("baseline", run, 1000 + run, quarter, int(quarter[:4]), variable, value)
        for run in range(runs)
        for (variable, quarter), value in first.items()
    ]
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def shifted(results: pd.DataFrame, variable: str, quarter: str, *, by: float = 0.0, times=1.0):
    """The results with one variable at one quarter moved (value x times + by)."""
    moved = results.copy()
    rows = (moved["variable"] == variable) & (moved["quarter"] == quarter)
    moved.loc[rows, "value"] = moved.loc[rows, "value"] * times + by
    return moved
