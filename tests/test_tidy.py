"""The tidy table, built from the collector's arrays, is the wide table melted by pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import Economy, load_scenario
from model.simulation.runner import TIDY_COLUMNS, tidy


def melted(model: Economy, run_id: int) -> pd.DataFrame:
    """The reference: Mesa's wide frame melted variable by variable, NaNs dropped."""
    wide = model.datacollector.get_model_vars_dataframe()
    wide.insert(0, "quarter", model.quarter_labels)
    long = wide.melt(id_vars="quarter", var_name="variable", value_name="value")
    long = long[np.isfinite(long["value"].to_numpy(dtype=float))].reset_index(drop=True)
    long.insert(0, "scenario", model.params.name)
    long.insert(1, "run_id", run_id)
    long.insert(2, "seed", model.seed)
    long.insert(4, "year", long["quarter"].str[:4].astype("int64"))
    return long[TIDY_COLUMNS]


def test_tidy_is_the_melted_wide_table_without_its_missing_values():
    model = Economy(load_scenario("baseline", scale=0.003, time__end="2020Q4"), seed=5)
    model.run()
    recorded = model.datacollector.model_vars
    missing = sum(np.isnan(v) for column in recorded.values() for v in column)
    assert missing > 0  # the early quarters have means over no little giants
    table = tidy(model, run_id=3)
    pd.testing.assert_frame_equal(table, melted(model, 3), check_exact=True)
    assert len(table) == 8 * len(recorded) - missing
    assert table["run_id"].dtype == np.int64 and table["year"].dtype == np.int64


def test_tidy_of_a_model_not_yet_run_is_empty_with_the_columns():
    table = tidy(Economy(load_scenario("baseline", scale=0.003), seed=5))
    assert list(table.columns) == TIDY_COLUMNS and table.empty
