"""The collector records each reporter's value without Mesa's copy, which is safe only
while every reporter returns a new float; the table is Mesa's."""

from __future__ import annotations

from pathlib import Path

import mesa
import pytest

from model import Economy, load_scenario
from model.simulation.collector import Collector

SCENARIOS = sorted(p.stem for p in (Path(__file__).parents[1] / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_reporter_of_every_scenario_returns_a_float(scenario):
    economy = Economy(load_scenario(scenario, scale=0.002, time__end="2020Q4"), seed=4)
    economy.run()
    values = economy.datacollector.model_vars
    kinds = {name: {type(v) for v in column} for name, column in values.items()}
    assert {name: k for name, k in kinds.items() if k != {float}} == {}


def test_the_table_is_the_one_mesas_own_collector_gives():
    params = load_scenario("baseline", scale=0.002, time__end="2019Q4")
    ours = Economy(params, seed=4)
    mesas = Economy(params, seed=4)
    assert isinstance(ours.datacollector, Collector)
    mesas.datacollector = mesa.DataCollector(model_reporters=ours.datacollector.model_reporters)
    ours.run()
    mesas.run()
    a = ours.datacollector.get_model_vars_dataframe()
    b = mesas.datacollector.get_model_vars_dataframe()
    assert a.equals(b) and len(a) == 4
