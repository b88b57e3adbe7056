"""Innovation: R&D budgets and spending, the knowledge stock, patents and capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.population import RowView

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy


def spend_on_rd(firms: RowView, params: Params) -> np.ndarray:
    """R&D this quarter: the budget finance funded, plus part of the cash left above
    the firm's operating buffer, within cash (exited firms spend nothing)."""
    buffer = firms.operating_buffer(params.finance.bank.cash_buffer_quarters)
    surplus = firms.cash - firms.rd_budget - buffer
    rd = params.innovation.excess_cash_rd_share * np.maximum(surplus, 0.0)
    rd += firms.rd_budget
    return np.clip(rd, 0.0, np.maximum(firms.cash, 0.0)) * firms.alive


def accumulate(firms: RowView, rd: np.ndarray, params: Params) -> np.ndarray:
    """Pay for R&D, add it to the knowledge stock; returns the patent filing rate.

    K' = K (1 - delta)^(1/4) + R&D; patent rate a K'^beta x foreign technology access.
    """
    inn = params.innovation
    firms.cash -= rd
    firms.profit_ytd -= rd
    firms.rd_q3, firms.rd_q2, firms.rd_q1 = firms.rd_q2, firms.rd_q1, firms.rd_spend
    firms.rd_spend = rd
    firms.rd_ytd += rd
    firms.rd_stock = firms.rd_stock * (1.0 - inn.knowledge_depreciation) ** 0.25 + rd
    rate = np.power(firms.rd_stock, inn.patent_elasticity)
    rate *= inn.patent_scale * firms.tech_access
    return rate * firms.alive


def drop_patents(model: Economy) -> None:
    """Yearly renewal: each owned patent lapses with the annual lapse rate."""
    pop = model.population
    pop.patents -= model.rng.binomial(pop.patents, model.params.innovation.patent_lapse_rate)


def learn(firms: RowView, params: Params) -> None:
    """Capability moves towards what knowledge supports and grows with customers."""
    inn = params.innovation
    knowledge_level = firms.rd_stock / (firms.rd_stock + inn.knowledge_half_myuan)
    change = inn.capability_speed * firms.tech_access * (knowledge_level - firms.capability)
    customers = np.minimum(firms.customers, inn.max_learning_customers)
    change += inn.customer_learning * customers * (1.0 - firms.capability)
    firms.capability = np.clip(firms.capability + change, 0.0, 1.0)


def invest_and_patent(model: Economy) -> None:
    """The quarter's innovation: spend, accumulate knowledge, patent, learn."""
    pop, params = model.population, model.params
    rate, rd = np.zeros(len(pop)), np.zeros(len(pop))

    def spend_block(firms: RowView) -> None:
        rd[firms.rows] = spend_on_rd(firms, params)
        rate[firms.rows] = accumulate(firms, rd[firms.rows], params)

    pop.each_block(spend_block)
    model.ledger.record(rd=-rd)
    pop.patents_new = model.rng.poisson(rate)
    pop.patents += pop.patents_new
    if model.quarter_of_year == 4:
        drop_patents(model)
    pop.each_block(lambda firms: learn(firms, params))
