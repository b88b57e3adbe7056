"""The restriction channels, one at a time, on small economies with hand-set suppliers.

Each test switches on only the channel it is about and checks the channel's direct
output: substitution raises the domestic share only where capable suppliers exist,
disruption cuts a listed buyer's orders to its suppliers, the technology channel
lowers exposed firms' patenting, de-risking moves allowed inputs home, and every
switch changes what it governs.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.comparison.channels import CHANNELS
from model.simulation.phases import demand, innovation, matching, production, purchasing

FIELD = 4  # semiconductors_electronics in the default fields
ALL_OFF = {f"restrictions__channels__{c}": False for c in CHANNELS}


def only(channel: str) -> dict[str, bool]:
    """Changes that leave one channel on."""
    return {**ALL_OFF, f"restrictions__channels__{channel}": True}


# Capabilities stay where a test puts them: no learning, no entrants.
FROZEN = {
    "innovation__capability_speed": 0.0,
    "innovation__customer_learning": 0.0,
    "demography__entry_rate": 0.0,
}


def controlled_field(make_economy, channel: str, capable: bool, **changes):
    """An economy whose field FIELD is fully controlled from 2019Q1, its SMEs set all
    capable (capability 1) or all incapable (0) after the buyers' quality bars exist;
    capabilities stay so."""
    event = {"quarter": "2019Q1", "sectors": ["semiconductors_electronics"], "control": 1.0}
    changes = {**only(channel), **FROZEN, **changes}
    economy = make_economy(scale=0.005, restrictions__events=[event], **changes)
    pop = economy.population
    pop.capability[pop.sector == FIELD] = 1.0 if capable else 0.0
    return economy


def field_domestic_share(economy) -> float:
    """The field's share of its buyers' input need bought at home (the reporter's rule)."""
    bought, mine = economy.buyers.purchases, economy.buyers.sector == FIELD
    need = bought.domestic[mine].sum() + bought.foreign[mine].sum() + bought.lost[mine].sum()
    return float(bought.domestic[mine].sum() / need)


def run_quarters(economy, quarters: int) -> None:
    for _ in range(quarters):
        economy.step()


def test_supply_cut_raises_the_domestic_share_only_where_capable_suppliers_exist(make_economy):
    capable = controlled_field(make_economy, "supply_cut", capable=True)
    incapable = controlled_field(make_economy, "supply_cut", capable=False)
    unrestricted = make_economy(scale=0.005, **only("supply_cut"), **FROZEN)
    shares = {}
    for name, economy in [("capable", capable), ("incapable", incapable), ("free", unrestricted)]:
        run_quarters(economy, 8)  # past the qualification lag
        shares[name] = field_domestic_share(economy)
    assert shares["capable"] > shares["free"] + 0.1  # blocked inputs are replaced at home
    assert shares["incapable"] == pytest.approx(shares["free"], abs=0.01)  # nobody qualifies
    assert capable.buyers.purchases.replaced.sum() > 0
    assert incapable.buyers.purchases.replaced.sum() == 0


def test_new_suppliers_replace_foreign_inputs_only_after_qualifying(make_economy):
    economy = controlled_field(make_economy, "supply_cut", capable=True)
    economy.links.clear()  # no established relationship: every supplier is new
    lag = economy.params.restrictions.qualification_quarters
    assert lag >= 2
    replaced = []
    for _ in range(lag + 2):
        economy.step()
        replaced.append(economy.buyers.purchases.replaced.sum())
    assert replaced[:lag] == [0.0] * lag  # links formed in 2019Q1 qualify in 2019Q1 + lag
    assert replaced[lag] > 0 and replaced[lag + 1] > 0


def test_disruption_cuts_a_listed_buyers_orders_to_its_suppliers(make_economy):
    def listed_economy(channel_on: bool):
        event = {"quarter": "2019Q1", "sectors": ["semiconductors_electronics"], "large_firms": 3}
        changes = only("disruption") if channel_on else ALL_OFF
        return make_economy(scale=0.005, restrictions__events=[event], **changes)

    hit, calm = listed_economy(True), listed_economy(False)
    sales = {}
    for name, economy in [("hit", hit), ("calm", calm)]:
        run_quarters(economy, 3)
        listed = np.flatnonzero(economy.buyers.sanctioned)
        assert len(listed) == 3
        demand_ratio = economy.buyers.demand[listed] / economy.buyers.potential_demand[listed]
        sales[name] = demand_ratio
    assert (sales["calm"] == 1.0).all()
    assert (sales["hit"] < 0.95).all()  # lost inputs cut output, and so orders
    np.testing.assert_array_equal(hit.buyers.sanctioned, calm.buyers.sanctioned)


def test_disruption_reaches_the_listed_buyers_existing_suppliers(make_economy):
    economy = make_economy(scale=0.005, **only("disruption"))
    buyers, links = economy.buyers, economy.links
    target = int(np.argmax(links.suppliers_per_buyer()))
    suppliers = links.suppliers_of(target)
    before = purchasing.buy_inputs(economy)[suppliers].sum()
    buyers.sanctioned[target], buyers.input_loss[target] = True, 1.0
    demand.update(economy)
    purchasing.buy_inputs(economy)  # this quarter: the inputs are lost
    demand.update(economy)  # next quarter: output, and orders, are down
    after = purchasing.buy_inputs(economy)[suppliers].sum()
    share = buyers.initial_foreign_share[target]
    cut = buyers.demand[target] / buyers.potential_demand[target]
    assert cut == pytest.approx(1.0 - share)  # the whole foreign part was lost
    assert after < before  # and its SME suppliers sell it less


def test_tech_access_lowers_exposed_firms_patenting(make_economy):
    def patenting(channel_on: bool, listed: bool) -> tuple[float, float]:
        economy = controlled_field(
            make_economy, "tech_access" if channel_on else "supply_cut", True
        )
        pop = economy.population
        pop.sanctioned[pop.sector == FIELD] = listed
        economy.policy.apply(economy.quarter)  # the control is in force
        production.grow_markets(economy)
        exposed = (pop.sector == FIELD) & (pop.exposure > 0.5)
        rate = innovation.patent_rates(pop, economy.params)
        return float(pop.tech_access[exposed].mean()), float(rate[exposed].sum())

    access_off, rate_off = patenting(False, False)
    access_on, rate_on = patenting(True, False)
    access_listed, rate_listed = patenting(True, True)
    assert access_off == 1.0 > access_on > access_listed
    assert rate_off > rate_on > rate_listed  # the Poisson rate of invention patents


def test_derisking_moves_allowed_foreign_inputs_home(make_economy):
    def moved(channel_on: bool) -> float:
        event = {"quarter": "2019Q1", "sectors": ["semiconductors_electronics"], "control": 0.5}
        changes = only("derisking") if channel_on else ALL_OFF
        economy = make_economy(scale=0.005, restrictions__events=[event], **changes)
        run_quarters(economy, 8)
        return float(economy.buyers.purchases.moved_home.sum())

    assert moved(False) == 0.0 < moved(True)


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_switch_changes_its_direct_output(make_economy, channel):
    direct = {
        "supply_cut": lambda e: e.buyers.purchases.replaced.sum(),
        "disruption": lambda e: (e.buyers.potential_demand - e.buyers.demand).sum(),
        "derisking": lambda e: e.buyers.derisk.sum(),
        "tech_access": lambda e: (1.0 - e.population.tech_access).sum(),
    }[channel]
    values = []
    for on in (True, False):
        economy = make_economy(
            scale=0.005, scenario="baseline", **{f"restrictions.channels.{channel}": on}
        )
        run_quarters(economy, 18)  # to 2023Q2: controls and listings in force
        values.append(float(direct(economy)))
    assert values[0] > 0 and values[1] == 0.0


def test_open_capable_slots_need_a_substitution_need(make_economy):
    economy = make_economy(scale=0.005)
    _, capable_open = matching.open_slots(economy)
    assert not capable_open.any()  # no restriction, no de-risking: only ordinary slots
