"""The rows the classroom's charts draw, in one shape for the page and the notebook.

Rows are columnar (a dict of equal-length lists, as the browser receives them):
`t` (decimal year), `quarter`, `run` (a run or a scenario), `variable`, `value`.
The page builds them from a running economy (and its twin); the notebook from a
tidy results table (median over seeds per scenario).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pandas as pd

from model.calendar import parse_quarter
from model.reports.charts import FINANCE_CHANNELS

if TYPE_CHECKING:
    from model.simulation.economy import Economy

LINE_VARIABLES = (
    "national_little_giants",
    "large_firm_domestic_supply_share",
    "controlled_foreign_share",
    "lg_invention_patents_mean",
    "lg_rd_spend_mean_yuan",
)
FINANCE_VARIABLES = tuple(FINANCE_CHANNELS)
THIS_RUN = "this run"
ROW_FIELDS = ("t", "quarter", "run", "variable", "value")


def empty_rows(fields: Iterable[str] = ROW_FIELDS) -> dict[str, list]:
    """Rows with no entries."""
    return {name: [] for name in fields}


def _number(value: float) -> float | None:
    """A finite value rounded for the wire, or None (drawn as a gap)."""
    value = float(value)
    return round(value, 6) if math.isfinite(value) else None


def economy_rows(
    runs: Iterable[tuple[str, Economy]], variables: Iterable[str] = LINE_VARIABLES, first: int = 0
) -> dict:
    """Each quarter simulated so far, from the `first` (an index), of `variables` in
    each (run name, economy), from the collectors; quarter by quarter, so a new quarter
    only adds rows at the end."""
    rows = empty_rows()
    runs, variables = list(runs), list(variables)
    quarters = max((len(model.quarter_labels) for _, model in runs), default=0)
    for index in range(first, quarters):
        for run, model in runs:
            if index >= len(model.quarter_labels):
                continue
            label = model.quarter_labels[index]
            for variable in variables:
                rows["t"].append(parse_quarter(label) / 4.0)
                rows["quarter"].append(label)
                rows["run"].append(run)
                rows["variable"].append(variable)
                rows["value"].append(_number(model.datacollector.model_vars[variable][index]))
    return rows


def difference_rows(
    model: Economy, twin: Economy, variables: Iterable[str], first: int = 0
) -> dict:
    """This run minus the twin, quarter by quarter from the `first` (an index), over the
    quarters both have run."""
    rows = empty_rows(("t", "quarter", "variable", "value"))
    ours, theirs = model.datacollector.model_vars, twin.datacollector.model_vars
    for index in range(first, min(len(model.quarter_labels), len(twin.quarter_labels))):
        label = model.quarter_labels[index]
        for variable in variables:
            rows["t"].append(parse_quarter(label) / 4.0)
            rows["quarter"].append(label)
            rows["variable"].append(variable)
            rows["value"].append(_number(ours[variable][index] - theirs[variable][index]))
    return rows


def quarters_done(runs: Iterable[tuple[str, Economy]]) -> int:
    """Quarters simulated by the run that is furthest on."""
    return max((len(model.quarter_labels) for _, model in runs), default=0)


class GrowingRows:
    """Rows that are only ever extended while their `key` stays the same: each update
    adds the rows of the quarters done since the last one (`rows_from(first)`), and a
    new key starts them again. The row lists grow in place."""

    def __init__(self) -> None:
        self.key: object = None
        self.done = 0
        self.rows: dict[str, list] = {}

    def update(self, key: object, done: int, rows_from: Callable[[int], dict]) -> dict:
        """The rows for `key` up to `done` quarters, adding only the missing ones."""
        if key != self.key:
            self.key, self.done, self.rows = key, done, rows_from(0)
        elif done > self.done:
            for name, values in rows_from(self.done).items():
                self.rows[name].extend(values)
            self.done = done
        return self.rows


def join_rows(*parts: dict) -> dict:
    """Rows of several runs in one table (same fields)."""
    joined = empty_rows(parts[0].keys())
    for part in parts:
        for name in joined:
            joined[name] += part[name]
    return joined


def scenario_rows(results: pd.DataFrame, variables: Iterable[str] = LINE_VARIABLES) -> dict:
    """Median over runs of each scenario, quarter and variable of a tidy results table
    (scenario, run_id, quarter, variable, value): one line per scenario."""
    subset = results[results["variable"].isin(list(variables))]
    medians = (
        subset.groupby(["scenario", "variable", "quarter"], sort=False)["value"]
        .median()
        .reset_index()
    )
    return {
        "t": [parse_quarter(q) / 4.0 for q in medians["quarter"]],
        "quarter": medians["quarter"].tolist(),
        "run": medians["scenario"].tolist(),
        "variable": medians["variable"].tolist(),
        "value": [_number(v) for v in medians["value"]],
    }


def scenario_differences(results: pd.DataFrame, against: str, variables: Iterable[str]) -> dict:
    """Median over runs of each scenario's paired difference from `against` (runs paired
    by run_id, i.e. the same seeds): one line per scenario other than `against`."""
    subset = results[results["variable"].isin(list(variables))]
    wide = subset.pivot_table(
        index=["variable", "quarter", "run_id"], columns="scenario", values="value"
    )
    rows = empty_rows()
    for scenario in [c for c in wide.columns if c != against]:
        paired = (wide[scenario] - wide[against]).groupby(level=["variable", "quarter"]).median()
        for (variable, quarter), value in paired.items():
            rows["t"].append(parse_quarter(quarter) / 4.0)
            rows["quarter"].append(quarter)
            rows["run"].append(scenario)
            rows["variable"].append(variable)
            rows["value"].append(_number(value))
    return rows
