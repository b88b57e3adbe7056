"""Innovation: R&D budgets and spending, the knowledge stock, patents and capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel, poisson_by_inversion, rule, wrote
from model.simulation.population import DEAD, Population

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy


@rule
def rd_spending(cash, rd_budget, opex, rules):
    """R&D this quarter: the budget finance funded, plus a share of the cash left above
    the operating buffer, within cash: clip(budget + share x max(cash - budget -
    buffer quarters x opex, 0), 0, max(cash, 0))."""
    buffer_quarters, excess_cash_share = rules
    surplus = cash - rd_budget - buffer_quarters * opex
    rd = excess_cash_share * max(surplus, 0.0) + rd_budget
    return min(max(rd, 0.0), max(cash, 0.0))


@kernel
def _spend_all(status, firms, accounts, rules, decay, rd):
    """Each operating firm spends on R&D (`rd_spending`), pays it and adds it to its
    knowledge stock: K' = K (1 - delta)^(1/4) + R&D."""
    opex, rd_budget, rd_stock = firms
    cash, profit_ytd, rd_spend, rd_q1, rd_q2, rd_q3, rd_ytd = accounts
    for i in range(len(status)):
        rd[i] = rd_spending(cash[i], rd_budget[i], opex[i], rules) if status[i] != DEAD else 0.0
        cash[i] -= rd[i]
        profit_ytd[i] -= rd[i]
        rd_q3[i], rd_q2[i], rd_q1[i] = rd_q2[i], rd_q1[i], rd_spend[i]
        rd_spend[i] = rd[i]
        rd_ytd[i] += rd[i]
        rd_stock[i] = rd_stock[i] * decay + rd[i]


def patent_rates(pop: Population, params: Params) -> np.ndarray:
    """Expected invention patents filed this quarter per firm: a K^beta x foreign
    technology access (beta < 1: knowledge has diminishing returns in patents), 0 for
    exited firms. (numpy's vectorised power: far cheaper than a compiled scalar one.)"""
    inn = params.innovation
    rate = np.power(pop.rd_stock, inn.patent_elasticity)
    rate *= inn.patent_scale * pop.tech_access
    rate[pop.status == DEAD] = 0.0
    return rate


@rule
def learned_capability(capability, rd_stock, tech_access, customers, rules):
    """Capability moves towards what knowledge supports and grows with customers:
    c' = clip(c + speed x access x (K / (K + half) - c) + learning x min(customers,
    most) x (1 - c), 0, 1)."""
    knowledge_half, speed, customer_learning, most_customers = rules
    knowledge_level = rd_stock / (rd_stock + knowledge_half)
    change = speed * tech_access * (knowledge_level - capability)
    change += customer_learning * min(customers, most_customers) * (1.0 - capability)
    return min(max(capability + change, 0.0), 1.0)


@kernel
def _patent_and_learn_all(rate, none_chance, firms, rules, rng):
    """Each firm with a positive rate files Poisson(rate) patents (a uniform draw each,
    in row order); every firm learns (`learned_capability`)."""
    rd_stock, tech_access, customers, capability, patents, patents_new = firms
    for i in range(len(rate)):
        filed = poisson_by_inversion(rng, rate[i], none_chance[i]) if rate[i] > 0 else 0
        patents_new[i] = filed
        patents[i] += filed
        capability[i] = learned_capability(
            capability[i], rd_stock[i], tech_access[i], customers[i], rules
        )


@kernel
def _lapse_all(patents, lapse_rate, rng):
    """Each owned patent lapses with the annual lapse rate (a binomial draw per firm)."""
    for i in range(len(patents)):
        patents[i] -= rng.binomial(patents[i], lapse_rate)


def drop_patents(model: Economy) -> None:
    """Yearly renewal: each owned patent lapses with the annual lapse rate."""
    pop = model.population
    _lapse_all(pop.patents, model.params.innovation.patent_lapse_rate, model.rng)
    wrote(pop.patents)


def invest_and_patent(model: Economy) -> None:
    """The quarter's innovation: spend, accumulate knowledge, patent, learn."""
    pop, params = model.population, model.params
    inn = params.innovation
    accounts = (pop.cash, pop.profit_ytd, pop.rd_spend, pop.rd_q1, pop.rd_q2, pop.rd_q3)
    accounts += (pop.rd_ytd,)
    rd = np.empty(len(pop))
    spending = (params.finance.bank.cash_buffer_quarters, inn.excess_cash_rd_share)
    decay = (1.0 - inn.knowledge_depreciation) ** 0.25
    _spend_all(pop.status, (pop.opex, pop.rd_budget, pop.rd_stock), accounts, spending, decay, rd)
    wrote(*accounts, pop.rd_stock)
    model.ledger.record(rd=-rd)
    rate = patent_rates(pop, params)
    none_chance = np.exp(-rate)  # P(no patent), vectorised
    firms = (pop.rd_stock, pop.tech_access, pop.customers, pop.capability)
    firms += (pop.patents, pop.patents_new)
    learning = (
        inn.knowledge_half_myuan,
        inn.capability_speed,
        inn.customer_learning,
        float(inn.max_learning_customers),
    )
    _patent_and_learn_all(rate, none_chance, firms, learning, model.rng)
    wrote(pop.capability, pop.patents, pop.patents_new)
    if model.quarter_of_year == 4:
        drop_patents(model)
