"""The observed 2019-25 facts (model/data, the package's own copy) and the Target they become.

`facts()` is the whole sourced table; a `Target` says which model variable and quarter
a fact is compared with and how close the model must come (see model/evidence/targets.py
for the list and model/evidence/observed.py for the comparison).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd

FACTS_FILE = "little_giants_facts.csv"
Kind = Literal["point", "lower_bound", "upper_bound"]
Role = Literal["fit", "check"]
KINDS: tuple[str, ...] = ("point", "lower_bound", "upper_bound")
ROLES: tuple[str, ...] = ("fit", "check")
# Float slack so a model value exactly at the edge of its tolerance counts as within.
EDGE = 1e-9


@cache
def facts() -> pd.DataFrame:
    """All observed facts: key, year, value, unit, description, source_url, confidence, date."""
    with resources.files("model.data").joinpath(FACTS_FILE).open("r", encoding="utf-8") as f:
        return pd.read_csv(f)


@cache  # targets look their facts up many times; the table never changes
def fact(key: str, year: float | None = None) -> float:
    """One observed value (the only or the given year's)."""
    rows = facts()[facts()["key"] == key]
    if year is not None:
        rows = rows[np.isclose(rows["year"], year)]
    if len(rows) != 1:
        raise KeyError(f"no single observed fact '{key}' for year {year}")
    return float(rows["value"].iloc[0])


def quarter_of_decimal_year(year: float) -> str:
    """'2022.75' (decimal year, month = fraction x 12 + 1) -> '2022Q4'.

    Whole years are annual figures and map to the year's last quarter.
    """
    whole = int(np.floor(year + 1e-9))
    if abs(year - whole) < 1e-9:
        return f"{whole}Q4"
    month = round((year - whole) * 12) + 1
    return f"{whole}Q{(month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Target:
    """An observed fact the model is compared with.

    The error is relative ((model - observed) / observed) or, with `absolute`, in
    share points (model - observed). A point passes when |error| <= tolerance; a
    lower bound ("more than X") when error >= -tolerance; an upper bound ("less
    than X") when error <= tolerance.
    """

    variable: str  # model output variable
    quarter: str  # model quarter it is compared at
    key: str  # fact key in the data
    year: float  # fact year
    scale: float = 1.0  # model value = fact value x scale (units, percent -> share)
    tolerance: float = 0.15  # allowed relative error, or absolute for shares
    absolute: bool = False  # tolerance in share points rather than relative
    required: bool = False  # `littlegiants validate` fails when this fact is missed
    role: Role = "check"  # "fit": calibration may use it; "check": out-of-sample only
    kind: Kind = "point"  # "point", "lower_bound" or "upper_bound"
    weight: float = 1.0  # relative weight in a calibration loss
    note: str = ""  # why this mapping, kind or tolerance

    @property
    def observed(self) -> float:
        """The fact in the model's units."""
        return fact(self.key, self.year) * self.scale

    def error(self, model_value: float) -> float:
        """Signed error of a model value: relative, or in share points with `absolute`."""
        gap = model_value - self.observed
        return gap if self.absolute else gap / self.observed

    def within(self, model_value: float) -> bool:
        """Whether a model value meets the fact, given its kind and tolerance (NaN never does)."""
        error = self.error(model_value)
        if not math.isfinite(error):
            return False
        if self.kind == "lower_bound":
            return error >= -self.tolerance - EDGE
        if self.kind == "upper_bound":
            return error <= self.tolerance + EDGE
        return abs(error) <= self.tolerance + EDGE

    def scaled_miss(self, model_value: float) -> float:
        """Error in units of the tolerance, zero on the open side of a bound.

        For a calibration loss: `weight * scaled_miss**2` is 0 for a bound that holds,
        and a point (or a broken bound) at the edge of its tolerance scores 1.
        """
        return miss_in_tolerances(self.error(model_value), self.kind, self.tolerance)


def miss_in_tolerances(error: float, kind: str, tolerance: float) -> float:
    """A signed error in units of the tolerance, zero on the open side of a bound."""
    if kind == "lower_bound":
        error = min(error, 0.0)
    elif kind == "upper_bound":
        error = max(error, 0.0)
    return error / tolerance
