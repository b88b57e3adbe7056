"""Production: own-market sales, sales to large customers, costs, investment, cash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.economy import Economy


def technology_access(model: Economy) -> np.ndarray:
    """Foreign technology access: 1 - loss * min(1, restriction index * exposure)."""
    pop, r = model.population, model.params.restrictions
    hit = np.minimum(model.policy.restriction_index * pop.exposure, 1.0)
    return 1.0 - r.tech_access_loss * hit


def grow_own_market(model: Economy) -> None:
    """Gibrat growth of own-market sales, faster for more capable firms.

    log size grows by (market growth + premium x capability) / 4 + sigma x N(0, 1);
    exited firms have size 0 and stay there.
    """
    pop, p = model.population, model.params.production
    growth = model.rng.standard_normal(len(pop), dtype=np.float32) * p.revenue_volatility
    growth += (p.market_growth / 4.0) + (p.capability_premium / 4.0) * pop.capability
    np.multiply(pop.size, np.exp(growth), out=pop.size)
    pop.niche_market *= (1.0 + p.niche_growth) ** 0.25


def customer_sales(model: Economy) -> np.ndarray:
    """Sales to large customers, M yuan this quarter.

    Each buyer splits its quarterly domestic demand among its suppliers in
    proportion to their own-market size, up to `max_link_uplift` x size per link.
    """
    pop, links = model.population, model.links
    sme, buyer = links.sme, links.buyer
    supplier_size = np.bincount(buyer, weights=pop.size[sme], minlength=len(model.buyers))
    per_size = np.zeros(len(model.buyers))
    np.divide(
        model.buyers.domestic_demand / 4.0, supplier_size, out=per_size, where=supplier_size > 0
    )
    per_size = np.minimum(per_size, model.params.production.max_link_uplift)
    return pop.size * np.bincount(sme, weights=per_size[buyer], minlength=len(pop))


def produce(model: Economy) -> None:
    """Sell, pay costs, interest, principal and investment; book the cash flows."""
    pop, p = model.population, model.params.production
    bank = model.params.finance.bank
    pop.tech_access = technology_access(model)
    grow_own_market(model)
    np.add(pop.size, customer_sales(model), out=pop.revenue)
    cost_share = (1.0 - p.base_margin) - p.capability_margin * pop.capability
    cost_share -= p.zone_cost_saving * pop.zone
    np.multiply(pop.revenue, cost_share, out=pop.opex)
    interest = (pop.bank_debt + pop.ip_debt) * (bank.interest_rate / 4.0)
    bank_repaid = pop.bank_debt * bank.repayment_rate
    ip_repaid = pop.ip_debt * bank.repayment_rate
    depreciation = pop.fixed_assets * (1.0 - (1.0 - p.depreciation) ** 0.25)
    investment = np.maximum(p.capital_output_ratio * 4.0 * pop.revenue - pop.fixed_assets, 0.0)
    investment *= p.investment_speed
    pop.fixed_assets += investment
    capex = investment + depreciation
    pop.cash += pop.revenue - pop.opex - interest - bank_repaid - ip_repaid - capex
    pop.bank_debt -= bank_repaid
    pop.ip_debt -= ip_repaid
    pop.rev_ytd += pop.revenue
    model.ledger.record(
        revenue=pop.revenue,
        opex=-pop.opex,
        interest=-interest,
        repayment=-(bank_repaid + ip_repaid),
        capex=-capex,
    )
