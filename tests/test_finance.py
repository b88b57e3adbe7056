"""Finance as firm decisions: plans funded by a pecking order, earmarked money spent,
loans repaid, listing through board queues, and the decision to apply for a title."""

from __future__ import annotations

import numpy as np
import pytest

from model.simulation.phases import certification, finance
from model.simulation.population import NATIONAL, PROVINCIAL


@pytest.fixture
def economy(make_economy):
    economy = make_economy(**{"finance.bank.approval": 1.0, "finance.bank.certified_approval": 1.0})
    pop = economy.population
    pop.revenue, pop.opex, pop.rd_intensity, pop.fixed_assets = 10.0, 8.0, 0.05, 24.0
    pop.bank_debt = pop.ip_debt = pop.earmarked = 0.0
    return economy


def test_an_award_on_certification_is_earmarked_and_spent_on_rd(economy):
    pop, spending = economy.population, economy.params.finance.spending
    pop.cash = 50.0  # no firm is short of money
    rows = np.arange(10)
    certification.award(economy, rows, amount_myuan=4.0)
    award = 4.0 * economy.params.fiscal.support_scale
    assert (pop.earmarked[rows] == award).all() and not pop.earmarked[10:].any()
    plans = finance.plan(economy)
    extra = plans.rd[rows] - plans.rd[10:20]
    np.testing.assert_allclose(extra, spending.rd_share * award / spending.quarters)
    finance.fund_plans(economy, plans)
    assert (pop.rd_budget[rows] > pop.rd_budget[10:20]).all()  # spent, not parked in cash
    np.testing.assert_allclose(pop.earmarked[rows], award * (1 - 1 / spending.quarters))


def test_firms_with_enough_cash_do_not_borrow_and_short_firms_do(economy):
    pop = economy.population
    pop.cash = np.where(np.arange(len(pop)) % 2 == 0, 100.0, 0.0)
    finance.raise_funds(economy)
    rich = np.arange(len(pop)) % 2 == 0
    assert not pop.bank_debt[rich].any()
    assert pop.bank_debt[~rich].sum() > 0


def test_unfunded_plans_are_cut_in_proportion_and_flag_the_firm(economy):
    pop = economy.population
    plans = finance.plan(economy)
    pop.cash = plans.buffer + 0.5 * plans.total  # half the plans can be paid
    finance.fund_plans(economy, plans)
    np.testing.assert_allclose(pop.rd_budget, 0.5 * plans.rd)
    assert pop.constrained[pop.alive].all()
    pop.cash = plans.buffer + 2 * plans.total
    finance.fund_plans(economy, plans)
    assert not pop.constrained.any()


def test_cash_rich_firms_repay_their_loans_to_zero(economy):
    pop = economy.population
    pop.cash, pop.bank_debt, pop.ip_debt = 500.0, 20.0, 5.0
    plans = finance.plan(economy)
    _, repaid = finance.fund_plans(economy, plans)
    assert not pop.bank_debt.any() and not pop.ip_debt.any()
    np.testing.assert_allclose(repaid, 25.0)


def test_a_firm_passing_star_standards_lists_after_its_review(make_economy):
    economy = make_economy(**{"finance.listing.application_rate": 1.0, "scale": 0.05})
    pop, exchanges = economy.population, economy.exchanges
    star = economy.params.finance.listing.boards[0]
    quarter = 2021 * 4  # every board open
    big = np.arange(5)
    pop.rev_y1[:], pop.rev_y1[big], pop.capability[big] = 1.0, 400.0, 0.9  # Set 3 of STAR
    pop.profit_y1[:], pop.profit_y2[:] = -1.0, -1.0  # no profit test passes anywhere
    pop.vc_backed[big], pop.listed[:] = True, False
    exchanges.apply(pop, economy.rng, quarter)
    assert (pop.queue_board[big] == 2).all() and (pop.queue_board[5:] == 0).all()
    early = exchanges.decide(pop, economy.rng, quarter + star.review_quarters - 2)
    assert not early.any()  # still under review
    proceeds = exchanges.decide(pop, economy.rng, quarter + star.review_quarters)
    listed = pop.listed[big]
    assert listed.any() and (pop.board[big][listed] == 2).all()
    assert (proceeds[big][listed] > 0).all() and not proceeds[5:].any()


def test_more_support_makes_applying_worth_it_for_more_firms(make_economy):
    low = make_economy(**{"fiscal.support_scale": 0.0})
    high = make_economy(**{"fiscal.support_scale": 20.0})
    for level in (PROVINCIAL, NATIONAL):
        more = certification.worth_applying(high, level) > certification.worth_applying(low, level)
        assert more.all()  # in every province


def test_a_firm_lists_on_a_board_when_it_passes_any_one_of_its_standard_sets():
    from types import SimpleNamespace

    from model.params.listing import Board, StandardSet
    from model.simulation.agents.exchanges import STANDARD_TESTS, passes_board

    assert sorted(STANDARD_TESTS) == sorted(StandardSet.model_fields)  # none left out
    profits = StandardSet(min_market_cap_myuan=100.0, min_profit_each_myuan=5.0)
    growth = StandardSet(min_revenue_myuan=50.0, min_rd_intensity_2y=0.125, min_growth=0.25)
    sums = StandardSet(min_profit_2y_myuan=20.0, min_rd_2y_myuan=8.0, min_profit_each_myuan=0.0)
    board = Board(
        name="b",
        opens="2019Q1",
        standards=(profits, growth, sums),
        review_quarters=2,
        capacity_per_year=1.0,
    )
    # Firms (the bars are exact in binary, so "at the bar" is exact):
    # 0 at the profits set's market value and profit bars; 1 a loss in one year;
    # 2 growth with enough R&D; 3 the same without last-but-one year's revenue (growth
    # counts as -1); 4 growth with too little R&D; 5 profits, market value just short;
    # 6 at every bar of the growth set; 7 at every bar of the sums set (a profit of 0
    # meets the bar of 0); 8 R&D just short of it; 9 a loss in one year; 10 two years'
    # profit short of it
    pop = SimpleNamespace(
        rev_y1=np.array([60.0, 60.0, 130.0, 130.0, 130.0, 60.0, 50.0, 1.0, 1.0, 1.0, 1.0]),
        rev_y2=np.array([50.0, 50.0, 100.0, 0.0, 100.0, 50.0, 40.0, 1.0, 1.0, 1.0, 1.0]),
        rd_y1=np.array([0.0, 0.0, 20.0, 30.0, 1.0, 0.0, 11.25, 8.0, 7.5, 8.0, 8.0]),
        rd_y2=np.array([0.0, 0.0, 10.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        profit_y1=np.array([5.0, 9.0, -1.0, -1.0, -1.0, 9.0, -1.0, 20.0, 20.0, 25.0, 10.0]),
        profit_y2=np.array([6.0, -0.5, -1.0, -1.0, -1.0, 9.0, -1.0, 0.0, 0.0, -1.0, 5.0]),
    )
    value = np.array([100.0, 200.0, 10.0, 10.0, 10.0, 99.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    passed = passes_board(pop, np.arange(11), value, board)
    assert passed.tolist() == [True, False, True, False, False, False, True, True] + [False] * 3
    # the rows tested need not be all of them, nor in order
    some = passes_board(pop, np.array([5, 2, 0, 7]), value[[5, 2, 0, 7]], board)
    assert some.tolist() == [False, True, True, True]


def test_a_listing_standard_given_as_nan_is_refused():
    from pydantic import ValidationError

    from model.params.listing import StandardSet

    for field in ("min_profit_each_myuan", "min_profit_2y_myuan", "min_growth"):
        with pytest.raises(ValidationError, match="finite number"):
            StandardSet(**{field: float("nan")})
