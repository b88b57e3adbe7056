"""Unit tests of the market and firm phases on hand-set populations: demand, matching,
production, finance and innovation."""

from __future__ import annotations

import numpy as np
import pytest

from model.simulation.phases import demand, innovation, matching, production, purchasing
from model.simulation.population import DEAD, NATIONAL, NONE, PROVINCIAL


@pytest.fixture
def economy(make_economy):
    return make_economy()


def halves(economy) -> np.ndarray:
    """True for the first half of the firms."""
    return np.arange(len(economy.population)) < len(economy.population) // 2


# demand ---------------------------------------------------------------------------------
def test_controls_block_foreign_inputs_by_exposure_and_listing_blocks_more(economy):
    buyers, params = economy.buyers, economy.params
    buyers.exposure = np.linspace(0.0, 1.0, len(buyers))
    economy.policy.restrictions.control[:] = 0.75  # three quarters of every field controlled
    buyers.sanctioned[:5], buyers.input_loss[:5] = True, 0.9  # low-exposure buyers, listed
    demand_before = buyers.demand.copy()
    demand.update(economy)
    hit = 0.75 * buyers.exposure
    np.testing.assert_allclose(buyers.blocked[5:], hit[5:], rtol=1e-12)
    np.testing.assert_allclose(buyers.blocked[:5], 0.9)  # listing cuts more than controls
    growth = (1.0 + params.large_firms.demand_growth) ** 0.25
    np.testing.assert_allclose(buyers.demand, demand_before * growth, rtol=1e-12)


def test_derisking_moves_towards_its_target_and_only_in_controlled_fields(economy):
    buyers, r = economy.buyers, economy.params.restrictions
    control = economy.policy.restrictions.control
    control[:] = 0.0
    control[0] = 0.5
    demand.update(economy)
    in_field = buyers.sector == 0
    np.testing.assert_allclose(buyers.derisk[in_field], r.derisk_speed * r.derisk_target * 0.5)
    assert not buyers.derisk[~in_field].any()


# matching -------------------------------------------------------------------------------
def test_links_are_unique_within_the_buyers_sector_and_exited_firms_lose_theirs(economy):
    pop, links = economy.population, economy.links
    leaving = np.flatnonzero(pop.customers > 0)[:10]
    pop.status[leaving] = DEAD
    assert links.add(links.sme[:3], links.buyer[:3]) == 0  # existing pairs are not re-added
    for _ in range(4):
        matching.attach_suppliers(economy)
        assert len(np.unique(links.keys)) == len(links) > 100
        np.testing.assert_array_equal(pop.sector[links.sme], economy.buyers.sector[links.buyer])
        assert pop.alive[links.sme].all()
        np.testing.assert_array_equal(pop.customers, links.customers_per_firm(len(pop)))
    assert (pop.customers[leaving] == 0).all()


def test_national_little_giant_attracts_more_customers_than_identical_uncertified_firm(economy):
    pop, national = economy.population, halves(economy)
    pop.size, pop.capability, pop.zone, pop.key_chain = 5.0, 0.5, False, False
    pop.status = np.where(national, NATIONAL, NONE)
    won = np.zeros(len(pop))
    for _ in range(5):
        economy.links.clear()
        matching.attach_suppliers(economy)
        won += pop.customers
    assert won[national].mean() > 3 * won[~national].mean() > 0


# production -----------------------------------------------------------------------------
def produce(economy) -> None:
    """The production part of a quarter, as `Economy.step` calls it."""
    production.grow_markets(economy)
    production.settle(economy, purchasing.buy_inputs(economy))


@pytest.fixture
def calm(make_economy):
    """No revenue noise and no supplier links: own-market sales grow by their drift only."""
    economy = make_economy(track_cash_flows=True, production__revenue_volatility=0.0)
    economy.links.clear()
    economy.ledger.start_quarter(len(economy.population))
    return economy


def test_revenue_is_own_market_size_plus_sales_to_large_customers(calm):
    pop, buyers, p = calm.population, calm.buyers, calm.params.production
    calm.links.add(np.array([0, 1, 1]), np.array([0, 0, 1]))
    pop.size[:3], pop.capability[:3] = [2.0, 6.0, 4.0], [0.0, 0.5, 1.0]
    buyers.initial_foreign_share[:2] = 0.0
    buyers.demand[:2] = [8.0, 1e6]  # buyer 1 wants more than the per-link cap allows
    size_before = pop.size.copy()
    produce(calm)
    drift = np.exp(p.market_growth / 4 + p.capability_premium / 4 * pop.capability)
    np.testing.assert_allclose(pop.size, size_before * drift, rtol=1e-6)
    s, expected = pop.size, pop.size.copy()
    per_size = 8.0 / 4.0 / (s[0] + s[1])
    assert per_size < p.max_link_uplift
    expected[0] += s[0] * per_size
    expected[1] += s[1] * per_size + s[1] * p.max_link_uplift
    np.testing.assert_allclose(pop.revenue, expected, rtol=1e-12)


def test_cash_change_is_revenue_less_opex_interest_repayment_and_upkeep(calm):
    pop, p, bank = calm.population, calm.params.production, calm.params.finance.bank
    pop.size[0], pop.capability[0], pop.zone[0], pop.cash[0] = 10.0, 0.5, False, 7.0
    pop.bank_debt[0], pop.ip_debt[0], pop.fixed_assets[0] = 20.0, 5.0, 10.0
    pop.profit_ytd[0] = 0.0
    produce(calm)
    revenue = pop.revenue[0]
    assert revenue == pytest.approx(10.0 * np.exp(p.market_growth / 4 + p.capability_premium / 8))
    opex = revenue * (1.0 - p.base_margin - p.capability_margin * 0.5)
    interest, repayment = 25.0 * bank.interest_rate / 4, 25.0 / bank.term_quarters
    upkeep = 10.0 * (1.0 - (1.0 - p.depreciation) ** 0.25)
    expected = revenue - opex - interest - repayment - upkeep
    assert pop.cash[0] - 7.0 == pytest.approx(expected, rel=1e-12)
    assert calm.ledger.net[0] == pytest.approx(expected, rel=1e-12)
    assert pop.bank_debt[0] == pytest.approx(20.0 * (1 - 1 / bank.term_quarters))
    assert pop.fixed_assets[0] == 10.0  # growth investment is a finance decision now
    assert pop.profit_ytd[0] == pytest.approx(revenue - opex - interest - upkeep)


def test_zone_firm_keeps_a_higher_margin(calm):
    pop, saving = calm.population, calm.params.production.zone_cost_saving
    pop.size[:2], pop.capability[:2], pop.zone[:2] = 10.0, 0.3, [True, False]
    produce(calm)
    margin = 1.0 - pop.opex[:2] / pop.revenue[:2]
    assert saving > 0 and margin[0] - margin[1] == pytest.approx(saving)


# finance --------------------------------------------------------------------------------
def test_bank_credit_stays_within_collateral_debt_ratio_and_cash_flow_headroom(economy):
    pop, bank, r = economy.population, economy.bank, economy.params.finance.bank
    n = len(pop)
    pop.cash, pop.fixed_assets = np.linspace(-20, 20, n), np.linspace(50, 0, n)
    pop.bank_debt, pop.ip_debt = np.linspace(0, 30, n), 1.0
    pop.revenue, pop.opex = 10.0, np.linspace(9.9, 6.0, n)
    pop.status = 0  # uncertified: no title bonus
    collateral = r.loan_to_value * pop.fixed_assets
    ratio_cap = r.max_debt_ratio * (np.maximum(pop.cash, 0) + pop.fixed_assets)
    flow_cap = (pop.revenue - pop.opex) * 4 / (r.min_interest_cover * r.interest_rate)
    limit = np.minimum(np.minimum(collateral, ratio_cap), flow_cap)
    headroom = np.maximum(limit - pop.debt, 0.0)
    np.testing.assert_allclose(bank.headroom(pop, np.zeros(n)), headroom, rtol=1e-12, atol=1e-12)
    assert (flow_cap < np.minimum(collateral, ratio_cap)).any()  # the cash-flow bound binds
    loans = bank.lend(pop, np.full(n, 100.0), economy.rng)
    assert (loans >= 0).all() and (loans <= headroom + 1e-12).all()
    np.testing.assert_allclose(loans[loans > 0], headroom[loans > 0])
    assert (loans > 0).sum() > 0.3 * (headroom > 0).sum() > 0


def test_firms_that_need_no_credit_do_not_borrow(economy):
    pop, bank = economy.population, economy.bank
    need = np.where(halves(economy), 5.0, 0.0)
    loans = bank.lend(pop, need, economy.rng)
    assert not loans[need == 0].any() and loans[need > 0].any()


def test_the_title_raises_the_credit_limit(economy):
    pop, bank, r = economy.population, economy.bank, economy.params.finance.bank
    pop.cash, pop.fixed_assets, pop.bank_debt, pop.ip_debt = 100.0, 10.0, 0.0, 0.0
    pop.revenue, pop.opex = 100.0, 50.0  # the cash-flow and ratio bounds are far
    plain = bank.headroom(pop, np.zeros(len(pop)))
    titled = bank.headroom(pop, np.full(len(pop), r.title_limit_bonus))
    np.testing.assert_allclose(titled, plain * (1 + r.title_limit_bonus))


def test_ip_pledge_loans_need_patents_and_stay_within_their_pledge_value(make_economy):
    economy = make_economy(**{"finance.ip_pledge.uptake": 1.0})
    pop, ip = economy.population, economy.params.finance.ip_pledge
    pop.patents, pop.ip_debt = np.arange(len(pop)) % 4, 0.1
    need = np.where(np.arange(len(pop)) % 3 == 0, 0.0, 50.0)
    loans = economy.bank.pledge(pop, need, economy.rng)
    value = ip.loan_to_value * ip.value_per_patent_myuan * pop.patents - pop.ip_debt
    np.testing.assert_allclose(loans, np.minimum(need, np.maximum(value, 0.0)))
    assert (loans[pop.patents == 0] == 0).all() and loans.sum() > 0


def test_certified_firms_get_bank_credit_more_often(make_economy):
    changes = {"finance.bank.approval": 0.5, "finance.bank.certified_approval": 0.9}
    economy = make_economy(**changes)
    pop, certified = economy.population, halves(economy)
    pop.fixed_assets, pop.cash, pop.bank_debt, pop.ip_debt = 100.0, 10.0, 0.0, 0.0
    pop.status = np.where(certified, PROVINCIAL, NONE)
    served = sum(economy.bank.lend(pop, np.ones(len(pop)), economy.rng) > 0 for _ in range(10))
    assert served[certified].mean() / 10 == pytest.approx(0.9, abs=0.04)
    assert served[~certified].mean() / 10 == pytest.approx(0.5, abs=0.04)


def test_vc_rounds_in_a_quarter_never_exceed_the_private_capacity(make_economy):
    economy = make_economy(scenario="baseline")
    pop, vc = economy.population, economy.vc
    pop.capability, pop.status, pop.revenue = 1.0, PROVINCIAL, 10.0
    rounds = vc.invest(pop, economy.rng)
    smallest = max(vc.rules.min_round_myuan, vc.rules.round_to_revenue * 40.0)
    assert vc.quarterly_capacity - smallest < rounds.sum() <= vc.quarterly_capacity
    for _ in range(12):
        economy.step()
        assert vc.paid <= vc.quarterly_capacity


def test_guidance_fund_backs_capable_targets_and_crowds_in_private_money(make_economy):
    economy = make_economy(**{"finance.guidance_fund.annual_budget_myuan": 1e6})
    pop, fund, g = economy.population, economy.guidance_fund, economy.params.finance.guidance_fund
    pop.capability = np.where(halves(economy), g.min_capability, g.min_capability - 0.01)
    pop.key_chain, pop.listed = True, False
    none = np.zeros(len(pop))
    assert fund.invest(pop, economy.rng, g.start_year - 1, none)[0].sum() == 0  # not started
    money, co_invest, replaced = fund.invest(pop, economy.rng, g.start_year, none)
    expected = fund.quarterly_budget / g.deal_size_myuan  # each province rounds at random
    provinces = len(economy.params.population.provinces)
    assert abs((money > 0).sum() - expected) <= provinces and expected > 1
    assert (pop.capability[money > 0] >= g.min_capability).all()
    np.testing.assert_array_equal(co_invest, g.crowd_in_ratio * money)
    assert not replaced.any()  # no private round to replace


def test_non_additional_fund_rounds_replace_private_rounds(make_economy):
    economy = make_economy(
        **{
            "finance.guidance_fund.annual_budget_myuan": 1e7,
            "finance.guidance_fund.additionality": 0.0,
        }
    )
    pop, fund = economy.population, economy.guidance_fund
    pop.capability, pop.key_chain, pop.listed = 1.0, True, False
    private = np.where(halves(economy), 3.0, 0.0)
    money, _, replaced = fund.invest(pop, economy.rng, 2021, private)
    assert money.any() and not money[private == 0].any()  # only where VC invested anyway
    np.testing.assert_array_equal(replaced, np.where(money > 0, private, 0.0))


def test_guidance_fund_spends_about_its_budget_at_small_scale(economy):
    pop, g = economy.population, economy.params.finance.guidance_fund
    pop.capability, pop.key_chain = 1.0, True
    none = np.zeros(len(pop))
    spent = sum(
        economy.guidance_fund.invest(pop, economy.rng, 2021, none)[0].sum() for _ in range(40)
    )
    assert spent >= 0.5 * 10 * g.annual_budget_myuan * economy.params.scale


# innovation -----------------------------------------------------------------------------
def test_knowledge_stock_depreciates_by_a_quarter_year_and_adds_this_quarters_rd(economy):
    pop, inn, n = economy.population, economy.params.innovation, len(economy.population)
    buffer_quarters = economy.params.finance.bank.cash_buffer_quarters
    pop.cash, pop.opex, pop.rd_budget = np.linspace(-1.0, 40.0, n), 4.0, 0.4
    pop.rd_stock = np.linspace(0.0, 100.0, n)
    cash, stock = pop.cash.copy(), pop.rd_stock.copy()
    surplus = np.maximum(cash - 0.4 - buffer_quarters * 4.0, 0)
    rd = np.clip(surplus * inn.excess_cash_rd_share + 0.4, 0.0, np.maximum(cash, 0.0))
    innovation.invest_and_patent(economy)
    np.testing.assert_allclose(pop.rd_spend, rd, rtol=1e-12)
    np.testing.assert_allclose(pop.rd_stock, stock * (1 - inn.knowledge_depreciation) ** 0.25 + rd)
    np.testing.assert_allclose(pop.cash, cash - rd, rtol=1e-12, atol=1e-12)
    assert (pop.rd_spend[cash <= 0] == 0).all() and (pop.rd_spend[cash > 1] > 0).all()


def mean_patents_filed(economy, stock, access, rounds: int = 20) -> np.ndarray:
    """Patents filed per quarter by firms with knowledge `stock` after this quarter's
    (zero: no cash) R&D, averaged over `rounds` quarters."""
    pop, decay = economy.population, (1 - economy.params.innovation.knowledge_depreciation) ** 0.25
    pop.rd_budget, filed = 0.0, np.zeros(len(pop))
    for _ in range(rounds):
        pop.rd_stock, pop.tech_access, pop.cash = stock / decay, access, 0.0
        innovation.invest_and_patent(economy)
        assert (pop.rd_spend == 0).all()
        filed += pop.patents_new
    return filed / rounds


def test_lower_technology_access_means_fewer_patents(economy):
    inn, full = economy.params.innovation, halves(economy)
    filed = mean_patents_filed(economy, 100.0, np.where(full, 1.0, 0.5))
    expected = inn.patent_scale * 100.0**inn.patent_elasticity
    assert filed[full].mean() == pytest.approx(expected, rel=0.1)
    assert filed[~full].mean() == pytest.approx(0.5 * expected, rel=0.1)


def test_doubling_knowledge_less_than_doubles_expected_patents(economy):
    beta, small = economy.params.innovation.patent_elasticity, halves(economy)
    filed = mean_patents_filed(economy, np.where(small, 100.0, 200.0), 1.0)
    ratio = filed[~small].mean() / filed[small].mean()
    assert 1.0 < ratio < 2.0 and ratio == pytest.approx(2.0**beta, rel=0.05)


def test_capability_stays_within_the_unit_interval(make_economy):
    changes = {"innovation.customer_learning": 1.0, "innovation.capability_speed": 1.0}
    economy = make_economy(**changes)
    pop, n = economy.population, len(economy.population)
    pop.capability, pop.rd_stock = np.linspace(0.0, 1.0, n), np.linspace(0.0, 1e4, n)[::-1]
    pop.customers, pop.tech_access = np.arange(n) % 3 * 20, 1.0
    pop.rd_budget = 0.0
    for _ in range(3):
        innovation.invest_and_patent(economy)
        assert (pop.capability >= 0).all() and (pop.capability <= 1).all()
    assert (pop.capability == 1.0).any()  # pushed past 1 and held there
