"""Provinces: shares from the firm-base data, provincial policies that stay in their
province, outputs by province and region, and the tile map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from model import Params, load_scenario, simulate, with_changes
from model.calendar import parse_quarter
from model.errors import ConfigError
from model.params.provinces import default_provinces, high_tech_enterprises_2022, province_facts
from model.reports import provinces_section
from model.reports.province_map import province_map, tiles
from model.reports.provinces_section import difference_map
from model.simulation.phases import certification
from model.simulation.population import PROVINCIAL


def test_pool_shares_come_from_the_package_data_and_add_up_to_one():
    provinces = default_provinces()
    research, firms = province_facts("rd_expenditure"), high_tech_enterprises_2022()
    assert len(provinces) == 31 and set(provinces) <= set(research)
    assert sum(p.pool_share for p in provinces.values()) == pytest.approx(1.0, abs=1e-5)
    assert len(firms) >= 27  # high-tech enterprise counts for most provinces
    rd_share = {p: research[p] / sum(research[q] for q in provinces) for p in provinces}
    # Beijing's research is mostly universities and institutes: its firm count pulls it down.
    assert provinces["beijing"].pool_share < rd_share["beijing"]
    top = max(provinces, key=lambda p: provinces[p].pool_share)
    assert top == "guangdong"
    for name in set(provinces) - set(firms):  # no firm count: the R&D share, renormalised
        assert provinces[name].pool_share == pytest.approx(rd_share[name], rel=0.2)
    assert {p.region for p in provinces.values()} == {"east", "central", "west", "northeast"}


def test_firms_are_spread_over_provinces_by_pool_share(make_economy):
    economy = make_economy(scale=0.05)
    pop, provinces = economy.population, list(economy.params.population.provinces.values())
    counts = np.bincount(pop.province, minlength=len(provinces)) / len(pop)
    shares = np.array([p.pool_share for p in provinces])
    tolerance = 4 * np.sqrt(shares * (1 - shares) / len(pop)) + 1e-4
    assert (np.abs(counts - shares) <= tolerance).all()


def test_a_scenario_changes_one_province_and_keeps_the_others_from_the_data():
    params = load_scenario("anhui_fund_model")
    provinces = params.population.provinces
    assert provinces["anhui"].fund_scale == 2.0
    assert provinces["anhui"].pool_share == default_provinces()["anhui"].pool_share
    assert all(p.fund_scale == 1.0 for name, p in provinces.items() if name != "anhui")


def test_a_scenario_that_empties_one_province_rescales_the_others(tmp_path):
    file = tmp_path / "no_liaoning.toml"
    file.write_text(
        'extends = "baseline"\nname = "no_liaoning"\n'
        "[population.provinces.liaoning]\npool_share = 0\n",
        encoding="utf-8",
    )
    provinces = load_scenario(file).population.provinces
    data = default_provinces()
    assert provinces["liaoning"].pool_share == 0
    total = sum(p.pool_share for p in data.values())  # the shares keep their sum
    assert sum(p.pool_share for p in provinces.values()) == pytest.approx(total, abs=1e-12)
    grow = total / sum(p.pool_share for name, p in data.items() if name != "liaoning")
    assert provinces["anhui"].pool_share == pytest.approx(data["anhui"].pool_share * grow)
    table = simulate(with_changes(load_scenario(file), {"scale": 0.002}), seed=1)
    assert table["value"].notna().all()


def test_shares_a_scenario_sets_above_one_together_are_refused(tmp_path):
    file = tmp_path / "too_much.toml"
    file.write_text(
        'extends = "baseline"\nname = "too_much"\n'
        "[population.provinces.anhui]\npool_share = 0.6\n"
        "[population.provinces.hubei]\npool_share = 0.6\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"population\.provinces.*anhui, hubei.*add up to 1\.2"):
        load_scenario(file)


def test_a_change_to_one_provinces_share_rescales_the_others_in_sweeps_too():
    """`with_changes` (sweeps, calibration, the page) rescales as a scenario file does,
    and a change that leaves every share as it was moves none."""
    base = load_scenario("baseline")
    emptied = with_changes(base, {"population.provinces.liaoning.pool_share": 0.0}).population
    from_file = {name: p.pool_share for name, p in base.population.provinces.items()}
    grow = 1 / (1 - from_file["liaoning"] / sum(from_file.values()))
    assert emptied.provinces["liaoning"].pool_share == 0
    assert emptied.provinces["anhui"].pool_share == pytest.approx(from_file["anhui"] * grow)
    same = with_changes(base, {"population.provinces.anhui.fund_scale": 2.0}).population
    assert {n: p.pool_share for n, p in same.provinces.items()} == from_file
    with pytest.raises(ConfigError, match=r"add up to 1\.4"):
        with_changes(
            base,
            {
                "population.provinces.anhui.pool_share": 0.7,
                "population.provinces.hubei.pool_share": 0.7,
            },
        )


def test_provincial_awards_raise_the_will_to_apply_only_in_their_province(make_economy):
    plain = make_economy()
    rich = make_economy(**{"population.provinces": {"anhui": {"award_scale": 20.0}}})
    before = certification.worth_applying(plain, PROVINCIAL)
    after = certification.worth_applying(rich, PROVINCIAL)
    anhui = list(plain.params.population.provinces).index("anhui")
    assert after[anhui] > before[anhui]
    np.testing.assert_array_equal(np.delete(after, anhui), np.delete(before, anhui))


def test_a_provinces_relending_lines_change_only_its_own_firms_loans(make_economy):
    """The same 2024 bank decision, with the quota's room ample for every extra: without
    Guangdong's share of re-lending (relending_scale 0) its eligible firms borrow less,
    with twice the lines they borrow more, and every other firm's loan is unchanged."""
    economy = make_economy(scale=0.01, scenario="baseline", **{"finance.relending.pool_share": 1.0})
    while economy.quarter < parse_quarter("2024Q3"):
        economy.step()
    pop, params = economy.population, economy.params
    need = 5.0 * pop.revenue  # every firm asks for more than its headroom
    loans = {}
    for scale in (0.0, 1.0, 2.0):
        economy.params = with_changes(
            params, {"population.provinces.guangdong.relending_scale": scale}
        )
        economy.bank.relent = 0.0  # the same decision each time, with the whole quota free
        loans[scale] = economy.bank.lend(pop, need, np.random.default_rng(5))
    guangdong = pop.province == list(params.population.provinces).index("guangdong")
    for scale in (0.0, 2.0):
        np.testing.assert_array_equal(loans[scale][~guangdong], loans[1.0][~guangdong])
    assert loans[0.0][guangdong].sum() < loans[1.0][guangdong].sum() < loans[2.0][guangdong].sum()


def test_a_province_that_lists_nobody_gets_no_provincial_specialized_smes():
    params = with_changes(
        load_scenario("baseline", scale=0.02),
        {"population.provinces": {"guangdong": {"listing_scale": 0.0}}, "time.end": "2021Q4"},
    )
    table = simulate(params, seed=5)
    at = table[table["quarter"] == "2021Q4"].set_index("variable")["value"]
    new_listings_guangdong = at["provincial_specialized_province_guangdong"]
    start = table[table["quarter"] == "2019Q1"].set_index("variable")["value"]
    assert new_listings_guangdong <= start["provincial_specialized_province_guangdong"]
    assert (
        at["provincial_specialized_province_jiangsu"]
        > start["provincial_specialized_province_jiangsu"]
    )


def test_province_outputs_add_up_to_the_national_ones():
    table = simulate(load_scenario("baseline", scale=0.02), seed=3)
    at = table[table["quarter"] == "2025Q4"].set_index("variable")["value"]
    names = Params().population.provinces
    assert sum(at[f"lg_count_province_{p}"] for p in names) == pytest.approx(
        at["national_little_giants"]
    )
    regions = sum(at[f"lg_share_region_{r}"] for r in ("east", "central", "west", "northeast"))
    assert regions == pytest.approx(1.0)


def test_the_map_draws_all_31_provinces():
    layout = tiles()
    assert len(layout) == 31 and len(set(layout.values())) == 31  # one tile each
    fig = province_map({name: float(i) for i, name in enumerate(layout)}, "test")
    squares = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert len(squares) == 31
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert "30" in labels and "Guangdong" in labels and "Heilongjiang" in labels


def test_the_difference_map_uses_the_last_quarter_both_scenarios_reach(tmp_path, monkeypatch):
    """A 2025 scenario against a reference that runs to 2030 is mapped at 2025Q4, each
    tile showing that province's difference."""
    names = list(default_provinces())
    rows = [
        {
            "scenario": scenario,
            "quarter": quarter,
            "variable": f"lg_count_province_{name}",
            "value": value + (5.0 if name == "anhui" and scenario == "richer" else 0.0),
        }
        for scenario, quarters in (("reference", ("2025Q4", "2030Q4")), ("richer", ("2025Q4",)))
        for quarter in quarters
        for name, value in zip(names, range(len(names)), strict=True)
    ]
    drawn = []
    monkeypatch.setattr(provinces_section, "save_figure", lambda fig, path: drawn.append(fig))
    text = difference_map(pd.DataFrame(rows), "richer", "reference", tmp_path, "map.png")
    assert text == f"![richer minus reference by province]({tmp_path.name}/map.png)"
    (figure,) = drawn
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "2025Q4" in figure.axes[0].get_title()
    assert labels.count("+5") == 1 and labels.count("+0") == len(names) - 1, labels
