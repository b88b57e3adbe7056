"""Innovation: R&D budgets and spending, the knowledge stock, patents and capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel, rule, wrote
from model.simulation.population import DEAD, Population

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy


@rule
def rd_spending(cash, rd_budget, opex, rules):
    """R&D this quarter: the budget finance funded, plus a share of the cash left above
    the operating buffer, within cash: clip(budget + share x max(cash - budget -
    buffer quarters x opex, 0), 0, max(cash, 0))."""
    buffer_quarters, excess_cash_share = rules[:2]
    surplus = cash - rd_budget - buffer_quarters * opex
    rd = excess_cash_share * max(surplus, 0.0) + rd_budget
    return min(max(rd, 0.0), max(cash, 0.0))


@rule
def patent_rate(rd_stock, tech_access, rules):
    """Expected invention patents filed this quarter: a K^beta x foreign technology
    access (beta < 1: knowledge has diminishing returns in patents)."""
    patent_scale, patent_elasticity = rules[3:5]
    return rd_stock**patent_elasticity * (patent_scale * tech_access)


@rule
def learned_capability(capability, rd_stock, tech_access, customers, rules):
    """Capability moves towards what knowledge supports and grows with customers:
    c' = clip(c + speed x access x (K / (K + half) - c) + learning x min(customers,
    most) x (1 - c), 0, 1)."""
    knowledge_half, speed, customer_learning, most_customers = rules[5:]
    knowledge_level = rd_stock / (rd_stock + knowledge_half)
    change = speed * tech_access * (knowledge_level - capability)
    change += customer_learning * min(customers, most_customers) * (1.0 - capability)
    return min(max(capability + change, 0.0), 1.0)


@kernel
def _innovate_all(status, firms, accounts, rules, rng, rd):
    """Each operating firm spends on R&D, pays it, adds it to its knowledge stock
    K' = K (1 - delta)^(1/4) + R&D, files Poisson(patent rate) patents (a draw per
    firm with a positive rate, in row order) and learns."""
    opex, rd_budget, tech_access, customers, capability, rd_stock = firms[:6]
    patents, patents_new = firms[6:]
    cash, profit_ytd, rd_spend, rd_q1, rd_q2, rd_q3, rd_ytd = accounts
    decay = rules[2]
    for i in range(len(status)):
        alive = status[i] != DEAD
        rd[i] = rd_spending(cash[i], rd_budget[i], opex[i], rules) if alive else 0.0
        cash[i] -= rd[i]
        profit_ytd[i] -= rd[i]
        rd_q3[i], rd_q2[i], rd_q1[i] = rd_q2[i], rd_q1[i], rd_spend[i]
        rd_spend[i] = rd[i]
        rd_ytd[i] += rd[i]
        rd_stock[i] = rd_stock[i] * decay + rd[i]
        rate = patent_rate(rd_stock[i], tech_access[i], rules) if alive else 0.0
        patents_new[i] = rng.poisson(rate) if rate > 0 else 0
        patents[i] += patents_new[i]
        capability[i] = learned_capability(
            capability[i], rd_stock[i], tech_access[i], customers[i], rules
        )


def _rules(params: Params) -> tuple[float, ...]:
    inn = params.innovation
    return (
        params.finance.bank.cash_buffer_quarters,
        inn.excess_cash_rd_share,
        (1.0 - inn.knowledge_depreciation) ** 0.25,
        inn.patent_scale,
        inn.patent_elasticity,
        inn.knowledge_half_myuan,
        inn.capability_speed,
        inn.customer_learning,
        float(inn.max_learning_customers),
    )


def patent_rates(pop: Population, params: Params) -> np.ndarray:
    """Every firm's expected patents this quarter at its current knowledge stock."""
    rates = np.empty(len(pop))
    _rates_all(pop.rd_stock, pop.tech_access, _rules(params), rates)
    return rates * pop.alive


@kernel
def _rates_all(rd_stock, tech_access, rules, out):
    for i in range(len(out)):
        out[i] = patent_rate(rd_stock[i], tech_access[i], rules)


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
    pop = model.population
    firms = (
        *(pop.opex, pop.rd_budget, pop.tech_access, pop.customers, pop.capability),
        *(pop.rd_stock, pop.patents, pop.patents_new),
    )
    accounts = (pop.cash, pop.profit_ytd, pop.rd_spend, pop.rd_q1, pop.rd_q2, pop.rd_q3)
    rd = np.empty(len(pop))
    _innovate_all(pop.status, firms, (*accounts, pop.rd_ytd), _rules(model.params), model.rng, rd)
    wrote(*firms[4:], *accounts, pop.rd_ytd)
    model.ledger.record(rd=-rd)
    if model.quarter_of_year == 4:
        drop_patents(model)
