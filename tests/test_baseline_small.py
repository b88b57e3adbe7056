"""The historical baseline at 1% scale: calendar, direction of the main outputs, Mesa fit."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from model import Economy, load_scenario, with_changes
from model.calendar import parse_quarter
from model.simulation.agents import Bank, Government, GuidanceFund, LargeFirm, VentureCapital
from model.simulation.population import COLUMNS, NATIONAL

YEARS = range(2019, 2026)


def run(params, seed: int = 1) -> tuple[Economy, pd.DataFrame]:
    economy = Economy(params, seed=seed)
    economy.run()
    frame = economy.datacollector.get_model_vars_dataframe()
    frame.index = economy.quarter_labels
    return economy, frame


@pytest.fixture(scope="module")
def baseline():
    return run(load_scenario("baseline", scale=0.01))


@pytest.fixture(scope="module")
def unrestricted():
    return run(with_changes(load_scenario("baseline", scale=0.01), {"restrictions.events": []}))


def test_runs_28_quarters_from_2019q1_to_2025q4(baseline):
    economy, frame = baseline
    labels = [f"{year}Q{q}" for year in YEARS for q in range(1, 5)]
    assert economy.quarter_labels == labels == list(frame.index)
    assert len(frame) == 28 and not economy.running
    assert economy.quarter == parse_quarter("2025Q4") + 1


def test_national_little_giants_rise_every_year_2020_to_2025(baseline):
    _, frame = baseline
    year_end = frame.loc[[f"{year}Q4" for year in YEARS], "national_little_giants"].to_numpy()
    assert (np.diff(year_end) > 0).all(), year_end
    assert year_end[-1] > 5000  # thousands of firms at national scale by 2025


def test_field_controls_add_up_the_dated_events(baseline):
    economy, frame = baseline
    params = economy.params
    sectors = [s.name for s in params.population.sectors]
    expected = np.zeros(len(sectors))
    for event in params.restrictions.events:
        for name in event.sectors or sectors:
            expected[sectors.index(name)] += event.control * params.restrictions.severity_scale
    np.testing.assert_allclose(economy.policy.control, np.minimum(expected, 1.0))
    assert economy.policy.control[sectors.index("semiconductors_electronics")] > 0.3
    assert economy.policy.control[sectors.index("biomedicine")] == 0.0
    controlled = frame["controlled_foreign_share"]
    assert controlled["2022Q3"] < controlled["2022Q4"] < controlled["2025Q4"]


def test_listings_follow_the_events_and_the_easing_lifts_the_affiliates(baseline):
    _, frame = baseline
    listed = frame["sanctioned_large_firms"]
    assert listed["2019Q1"] == 0 and listed["2019Q2"] >= 1
    assert listed["2025Q3"] > listed["2025Q2"]  # the Affiliates Rule lists more groups
    assert listed["2025Q4"] < listed["2025Q3"]  # its suspension lifts them again
    assert (listed.loc[:"2025Q3"].diff().dropna() >= 0).all()  # nobody leaves before


def test_restrictions_lower_large_firms_foreign_supply_share(baseline):
    _, frame = baseline
    share = frame["large_firm_foreign_supply_share"]
    assert share["2025Q4"] < share["2019Q1"] - 0.02
    domestic, unmet = (
        frame["large_firm_domestic_supply_share"],
        frame["large_firm_unmet_input_share"],
    )
    np.testing.assert_allclose(share + domestic + unmet, 1.0)
    assert (unmet >= 0).all() and unmet.max() < 0.05


def test_restrictions_lower_exposed_firms_technology_access(baseline, unrestricted):
    _, frame = baseline
    assert frame["exposed_tech_access_mean"]["2025Q4"] < 0.97
    assert frame["exposed_tech_access_mean"]["2019Q1"] == 1.0  # nothing in force yet
    assert (unrestricted[1]["exposed_tech_access_mean"] == 1.0).all()


def test_without_restriction_events_foreign_supply_share_never_moves(unrestricted):
    economy, frame = unrestricted
    assert (frame["controlled_foreign_share"] == 0).all()
    assert (frame["sanctioned_large_firms"] == 0).all() and (frame["sanctioned_smes"] == 0).all()
    share = frame["large_firm_foreign_supply_share"]
    np.testing.assert_allclose(share, share.iloc[0], rtol=1e-12)  # only rounding moves it
    assert not economy.buyers.blocked.any() and not economy.buyers.derisk.any()
    assert (frame["buyer_output_lost_yuan"] == 0).all()


def test_firm_view_returns_the_numbers_in_the_arrays(baseline):
    economy, _ = baseline
    pop = economy.population
    national = np.flatnonzero(pop.status == NATIONAL)
    rows = [int(national[0]), 0, len(pop) - 1]
    for row in rows:
        firm = pop.firm(int(pop.firm_id[row]))
        values = firm.as_dict()
        assert set(values) == set(COLUMNS)
        for name, value in values.items():
            assert value == getattr(pop, name)[row].item(), name
    assert pop.firm(int(pop.firm_id[national[0]])).status_name == "national"
    with pytest.raises(KeyError):
        _ = pop.firm(int(pop.firm_id.max()) + 1).cash  # an id never given out


def test_economy_is_a_mesa_model_with_agents_and_a_datacollector(baseline):
    economy, frame = baseline
    assert isinstance(economy, mesa.Model)
    assert isinstance(economy.datacollector, mesa.DataCollector)
    assert economy.steps == 28
    large = economy.agents_by_type[LargeFirm]
    assert len(large) == len(economy.buyers) and economy.large_firms[0] in large
    for kind in (Bank, VentureCapital, GuidanceFund, Government):
        assert len(economy.agents_by_type[kind]) == 1
    assert (
        economy.large_firms[3].supplier_ids
        == economy.population.firm_id[economy.links.suppliers_of(3)].tolist()
    )
    assert "national_little_giants" in frame.columns and frame.notna().any().all()
