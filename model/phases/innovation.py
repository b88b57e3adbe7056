"""Innovation: R&D budgets and spending, the knowledge stock, patents and capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.population import INNOVATIVE, NATIONAL, PROVINCIAL, Population

if TYPE_CHECKING:
    from model.economy import Economy
    from model.params import Params


def required_rd_intensity(pop: Population, params: Params) -> np.ndarray:
    """R&D intensity the list each firm prepares for asks of it (0 if none)."""
    prov, nat = params.certification.provincial, params.certification.national
    annual = 4.0 * np.maximum(pop.revenue, 1e-9)
    provincial = np.maximum(prov.min_rd_intensity, prov.min_rd_myuan / annual)
    # Small firms take the two-year R&D-sum path, spread over two years.
    national = np.select(
        [annual >= nat.large_revenue_myuan, annual >= nat.mid_revenue_myuan],
        [nat.rd_intensity_large, nat.rd_intensity_mid],
        nat.small_min_rd_myuan / 2.0 / annual,
    )
    innovative = params.certification.innovative.min_rd_intensity
    return np.select(
        [
            pop.preparing == INNOVATIVE,
            pop.preparing == PROVINCIAL,
            pop.preparing == NATIONAL,
        ],
        [innovative, provincial, national],
        0.0,
    )


def budget_rd(model: Economy) -> None:
    """Yearly R&D budgets: firms preparing an application close part of the gap between
    their R&D intensity and the list's threshold (plus a margin), if it is within reach."""
    pop, inn = model.population, model.params.innovation
    view = pop.rows(np.flatnonzero(pop.preparing > 0))
    required = required_rd_intensity(view, model.params) + inn.adaptation_margin
    gap = np.maximum(required - view.rd_intensity, 0.0) * (required <= inn.max_rd_intensity)
    pop.rd_intensity[view.rows] += inn.adaptation_speed * gap


def spend_on_rd(model: Economy) -> np.ndarray:
    """R&D this quarter: intensity x sales + grants + part of surplus cash, within cash.

    Exited firms have no sales, grants or cash target, and spend nothing.
    """
    pop, inn = model.population, model.params.innovation
    surplus = np.maximum(pop.cash - model.cash_target, 0.0)
    surplus *= inn.excess_cash_rd_share
    surplus += pop.rd_intensity * pop.revenue
    surplus += inn.grant_rd_share * pop.grants
    return np.clip(surplus, 0.0, np.maximum(pop.cash, 0.0)) * pop.alive


def file_patents(model: Economy) -> None:
    """New invention patents ~ Poisson(a K^beta x foreign technology access)."""
    pop, inn = model.population, model.params.innovation
    rate = inn.patent_scale * np.power(pop.rd_stock, inn.patent_elasticity) * pop.tech_access
    pop.patents_new = model.rng.poisson(rate * pop.alive)
    pop.patents += pop.patents_new


def drop_patents(model: Economy) -> None:
    """Yearly renewal: each owned patent lapses with the annual lapse rate."""
    pop = model.population
    pop.patents -= model.rng.binomial(pop.patents, model.params.innovation.patent_lapse_rate)


def learn(model: Economy) -> None:
    """Capability moves towards what knowledge supports and grows with customers."""
    pop, inn = model.population, model.params.innovation
    knowledge_level = pop.rd_stock / (pop.rd_stock + inn.knowledge_half_myuan)
    from_knowledge = inn.capability_speed * pop.tech_access * (knowledge_level - pop.capability)
    customers = np.minimum(pop.customers, inn.max_learning_customers)
    from_customers = inn.customer_learning * customers * (1.0 - pop.capability)
    pop.capability = np.clip(pop.capability + from_knowledge + from_customers, 0.0, 1.0)


def invest_and_patent(model: Economy) -> None:
    """The quarter's innovation: spend, accumulate knowledge, patent, learn."""
    pop, inn = model.population, model.params.innovation
    rd = spend_on_rd(model)
    pop.cash -= rd
    model.ledger.record(rd=-rd)
    pop.rd_q3, pop.rd_q2, pop.rd_q1 = pop.rd_q2, pop.rd_q1, pop.rd_spend
    pop.rd_spend = rd
    pop.rd_ytd += rd
    pop.rd_stock = pop.rd_stock * (1.0 - inn.knowledge_depreciation) ** 0.25 + rd
    file_patents(model)
    if model.quarter_of_year == 4:
        drop_patents(model)
    learn(model)
