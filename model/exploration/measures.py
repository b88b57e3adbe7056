"""Measures of a run read from its tidy rows, and conditions on them.

A measure is one number per run: an output in one quarter, or several outputs
added up over a span of quarters (a cost from the model's own ledger). A point's
measure is its mean over the point's seeds. A condition says when a measure is
"of interest" (growth fails) or "met" (the target holds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.calendar import parse_quarter, quarter_label
from model.exploration.spec import ConditionSpec, CostSpec
from model.params import Params

COMPARISONS = {
    "below": ("<", np.less),
    "above": (">", np.greater),
    "at_least": (">=", np.greater_equal),
    "at_most": ("<=", np.less_equal),
}


@dataclass(frozen=True)
class Measure:
    """One number per run: `variables` added up over `quarters`."""

    name: str
    variables: tuple[str, ...]
    quarters: tuple[str, ...]

    def per_run(self, rows: pd.DataFrame) -> pd.Series:
        """The measure of every run in tidy rows, indexed by run_id (NaN if missing)."""
        mine = rows[rows["variable"].isin(self.variables) & rows["quarter"].isin(self.quarters)]
        totals = mine.groupby("run_id")["value"].sum(min_count=1)
        expected = len(self.variables) * len(self.quarters)
        complete = mine.groupby("run_id")["value"].count() == expected
        return totals.where(complete)

    def per_point(self, rows: pd.DataFrame) -> pd.Series:
        """The mean over seeds of each point's measure, indexed by point_id."""
        runs = rows.drop_duplicates("run_id").set_index("run_id")["point_id"]
        values = self.per_run(rows).reindex(runs.index)
        return values.groupby(runs).mean()


def value_measure(variable: str, quarter: str) -> Measure:
    """An output in one quarter, named like national_little_giants_2030Q4."""
    return Measure(f"{variable}_{quarter}", (variable,), (quarter,))


def cost_measure(cost: CostSpec, base: Params) -> Measure:
    """The cost outputs added up over the cost span (default: the whole run)."""
    first = parse_quarter(cost.first_quarter or base.time.start)
    last = parse_quarter(cost.last_quarter or base.time.end)
    quarters = tuple(quarter_label(q) for q in range(first, last + 1))
    return Measure("cost_yuan", tuple(cost.variables), quarters)


@dataclass(frozen=True)
class Condition:
    """A measure compared with a threshold."""

    measure: Measure
    comparison: str  # below, above, at_least, at_most
    threshold: float
    label: str = ""

    @classmethod
    def from_spec(cls, spec: ConditionSpec) -> Condition:
        """The condition a file's [outcome] or [target] table describes."""
        comparison = next(
            k for k in COMPARISONS if getattr(spec, k) is not None
        )  # the spec checks that exactly one is given
        threshold = float(getattr(spec, comparison))
        return cls(value_measure(spec.variable, spec.quarter), comparison, threshold, spec.label)

    def holds(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """Where the condition holds (False where the measure is missing)."""
        array = np.asarray(values, dtype=float)
        return COMPARISONS[self.comparison][1](array, self.threshold) & ~np.isnan(array)

    @property
    def text(self) -> str:
        """The condition in words: its label, else e.g. 'national_little_giants in 2030Q4 <
        30,000'."""
        if self.label:
            return self.label
        what = f"{self.measure.variables[0]} in {self.measure.quarters[0]}"
        return f"{what} {COMPARISONS[self.comparison][0]} {format_number(self.threshold)}"


def format_number(value: float) -> str:
    """Thousands separators for large numbers, three significant digits for small ones."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def needed_outputs(measures: Sequence[Measure]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The outputs and quarters the sweep must keep for these measures (in first-use order)."""
    variables = tuple(dict.fromkeys(v for m in measures for v in m.variables))
    quarters = tuple(dict.fromkeys(q for m in measures for q in m.quarters))
    return variables, tuple(sorted(quarters, key=parse_quarter))
