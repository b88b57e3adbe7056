"""The unidentified-parameters study: verdicts, the reach table and its runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import load_scenario
from model.calibration.summary import ParameterSummary
from model.comparison.reach import (
    parameter_verdicts,
    reach_table,
    run_reach,
    value_draws,
    verdict,
)
from model.simulation.runner import replicate_seeds, simulate


def summary(name: str, low: float, high: float) -> ParameterSummary:
    return ParameterSummary(name, "uniform", 0.0, 1.0, (low + high) / 2, low, high, 0.05, 0.95)


def test_verdicts_follow_the_interval_against_a_quarter_of_the_effect() -> None:
    assert verdict(-20.0, 20.0, 0.0, 100.0) == "does not matter"
    assert verdict(30.0, 70.0, 50.0, 100.0) == "matters"
    assert verdict(-10.0, 70.0, 30.0, 100.0) == "unresolved"  # wide: more seeds would tell
    assert verdict(5.0, 15.0, 10.0, 100.0) == "does not matter"  # real but small
    assert verdict(-1.0, 1.0, 0.0, 0.0) == "unresolved"  # no effect to be within


def synthetic(reach: float, effect: float, noise: np.ndarray) -> pd.DataFrame:
    """Results where the scenario's effect is `effect` at the point and at the low value,
    and effect + reach at the high value, plus per-seed noise."""
    rows = []
    for scenario, factor in (("baseline", 0.0), ("policy", 1.0)):
        for draw, shift in ((0, 0.0), (1, 0.0), (2, reach)):
            for seed, e in enumerate(noise):
                value = 1000.0 + e + factor * (effect + shift + e)
                rows.append((scenario, seed, seed, draw, "2025Q4", "x", value))
    columns = ["scenario", "run_id", "seed", "draw", "quarter", "variable", "value"]
    return pd.DataFrame(rows, columns=columns)


@pytest.mark.parametrize(("reach", "expected"), [(0.0, "does not matter"), (60.0, "matters")])
def test_reach_table_measures_the_change_of_the_effect(reach: float, expected: str) -> None:
    results = synthetic(reach, 100.0, np.array([-3.0, 1.0, 2.0, 0.5]))
    table = reach_table(results, "baseline", [summary("a.b", 0.2, 0.8)], "2025Q4", "x")
    row = table.iloc[0]
    assert row["effect"] == pytest.approx(100.0 + 0.125)
    assert row["reach"] == pytest.approx(reach)
    assert row["verdict"] == expected
    assert parameter_verdicts(table).to_dict() == {"a.b": expected}


def test_the_runs_pair_every_value_and_seed_and_the_point_is_the_scenario_itself() -> None:
    base = load_scenario("baseline", scale=0.003, time__end="2020Q4")
    policy = load_scenario("no_fiscal_support", scale=0.003, time__end="2020Q4")
    calibrated = load_scenario("calibrated", scale=0.003)
    open_ones = [summary("innovation.patent_scale", 0.06, 0.13)]
    assert value_draws(open_ones) == [
        {},
        {"innovation.patent_scale": 0.06},
        {"innovation.patent_scale": 0.13},
    ]
    seeds = replicate_seeds(9, 2)
    results = run_reach(base, [policy], open_ones, seeds, calibrated)
    runs = results.groupby(["scenario", "draw"])["run_id"].nunique()
    assert runs.to_dict() == {(s, d): 2 for s in (base.name, policy.name) for d in range(3)}
    point = results[(results["scenario"] == base.name) & (results["draw"] == 0)]
    plain = simulate(base, seed=seeds[1], run_id=1)
    mine = point[point["run_id"] == 1].drop(columns="draw").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, plain)
    patents = results[results["variable"] == "invention_patents_filed"]
    by_draw = patents[patents["scenario"] == base.name].groupby("draw")["value"].sum()
    assert by_draw[2] > by_draw[1]  # the high patent scale files more than the low one
