"""The observed 2019-25 facts (model/data, the package's own copy) and how they map onto outputs.

`facts()` is the whole table; `TARGETS` says which model variable and quarter each
fact is compared with, how close the model must come (tolerance), whether the fact
is a point or a bound (kind), whether calibration may use it (role "fit") or it is
kept out of the fit as an out-of-sample check (role "check"), and whether
`littlegiants validate` fails when it is missed (required). `UNCOMPARED` lists the
observed facts the model has no comparable variable for, with the reason.
`fit_table()` compares a results table with every target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.evidence.facts import (  # noqa: F401 - the public names of the observed data live here
    EDGE,
    FACTS_FILE,
    KINDS,
    ROLES,
    Kind,
    Role,
    Target,
    fact,
    facts,
    quarter_of_decimal_year,
)
from model.evidence.targets import TARGETS, UNCOMPARED  # noqa: F401


def targets(role: str | None = None, required: bool | None = None) -> list[Target]:
    """TARGETS filtered by role ("fit" or "check") and/or by `required`."""
    return [
        t
        for t in TARGETS
        if (role is None or t.role == role) and (required is None or t.required == required)
    ]


def observed_series(variable: str) -> pd.DataFrame:
    """Observed points for one model variable: quarter, value (model units), key, year."""
    rows = [
        {"quarter": t.quarter, "value": t.observed, "key": t.key, "year": t.year}
        for t in TARGETS
        if t.variable == variable
    ]
    return pd.DataFrame(rows, columns=["quarter", "value", "key", "year"])


def _model_values(results: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Per (variable, quarter) the values over runs, looked up once for every target."""
    wanted = {(t.variable, t.quarter) for t in TARGETS}
    keys = pd.MultiIndex.from_arrays([results["variable"], results["quarter"]])
    subset = results[keys.isin(list(wanted))]
    return {
        key: group["value"].to_numpy(dtype=float)
        for key, group in subset.groupby(["variable", "quarter"], sort=False)
    }


def fit_table(results: pd.DataFrame, target_list: list[Target] | None = None) -> pd.DataFrame:
    """Model (mean and 5-95% band over runs) against every target, with the error.

    One row per target in order; `within` applies the target's kind and tolerance
    to the mean over runs.
    """
    found = _model_values(results)
    rows = []
    for t in TARGETS if target_list is None else target_list:
        values = found.get((t.variable, t.quarter), np.empty(0))
        mean = float(values.mean()) if len(values) else float("nan")
        band = np.quantile(values, [0.05, 0.95]) if len(values) else [float("nan")] * 2
        rows.append(
            {
                "variable": t.variable,
                "quarter": t.quarter,
                "observed": t.observed,
                "model_mean": mean,
                "model_p05": float(band[0]),
                "model_p95": float(band[1]),
                "error": t.error(mean),
                "error_kind": "share points" if t.absolute else "relative",
                "tolerance": t.tolerance,
                "kind": t.kind,
                "role": t.role,
                "required": t.required,
                "weight": t.weight,
                "within": t.within(mean),
                "runs": len(values),
                "source_key": t.key,
                "source_year": t.year,
                "note": t.note,
            }
        )
    return pd.DataFrame(rows)
