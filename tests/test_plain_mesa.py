"""The benchmark's plain Mesa yardstick (experiments/plain_mesa/) runs the core's quarter."""

from __future__ import annotations

import pandas as pd
import pytest
from experiment_scripts import import_experiment

from model import Economy, load_scenario
from model.simulation.reporters import REPORTERS

SCALE = 0.002  # 1,200 firms in 2019Q1


@pytest.fixture(scope="module")
def runs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plain Mesa, core) reporters of one baseline run each, one row per quarter."""
    plain_mesa = import_experiment("plain_mesa")
    params = load_scenario("baseline", scale=SCALE)
    plain = plain_mesa.PlainEconomy(params, seed=3)
    plain.run()
    core = Economy(params, seed=3)
    core.run()
    ours = core.datacollector.get_model_vars_dataframe()
    ours.index = core.quarter_labels
    return plain.tidy_wide(), ours


def test_plain_mesa_reports_every_national_reporter_of_the_core(runs):
    plain, core = runs
    assert list(plain.index) == list(core.index)
    assert set(REPORTERS) <= set(plain.columns)
    assert set(plain.columns) <= set(core.columns)


def test_plain_mesa_certifies_little_giants_like_the_core(runs):
    plain, core = runs
    for name, band in (("national_little_giants", 2.0), ("lg_invention_patents_mean", 1.3)):
        ratio = plain.loc["2025Q4", name] / core.loc["2025Q4", name]
        assert 1 / band < ratio < band, (name, plain.loc["2025Q4", name], core.loc["2025Q4", name])
    assert (
        plain.loc["2020Q4", "national_little_giants"]
        < plain.loc["2025Q4", "national_little_giants"]
    )
