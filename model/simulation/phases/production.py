"""Production: own-market sales, technology access, costs, investment and cash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.population import RowView

REFERENCE_SIZE_MYUAN = 10.0  # annual own-market sales at which sigma = firm volatility
# Below 0.1M yuan a year a firm is dormant, not ever more volatile: the size scaling stops.
SMALLEST_SIZE_MYUAN = 0.1

if TYPE_CHECKING:
    from model.params import Params
    from model.params.restrictions import RestrictionParams
    from model.simulation.economy import Economy


def technology_access(
    control: np.ndarray, exposure: np.ndarray, sanctioned: np.ndarray, r: RestrictionParams
) -> np.ndarray:
    """Foreign technology access of SMEs, 0-1.

    1 - exposure x min(1, loss x field control + listed loss x listed): of the foreign
    technology a firm relies on (its exposure), controls on its field cut a share
    and being on the Entity List cuts the US-controlled rest.
    """
    if not r.channels.tech_access:
        return np.ones(len(exposure))
    lost = r.tech_access_loss * control + r.listed_tech_loss * sanctioned
    return 1.0 - exposure * np.minimum(lost, 1.0)


def grow_own_market(firms: RowView, shock: np.ndarray, params: Params) -> None:
    """Gibrat growth of own-market sales, faster for more capable firms.

    log size grows by (market growth + premium x capability) / 4 + sigma_i x shock,
    shock ~ N(0, 1), sigma_i = firm volatility x (annual size / 10M)^-elasticity;
    exited firms have size 0 and stay there.
    """
    p = params.production
    growth = shock * firms.volatility
    # Larger firms are steadier (sigma ~ size^-e): a scale mixture of normal shocks,
    # so fat-tailed growth rates across firms emerge rather than being assumed.
    annual_size = 4.0 * np.maximum(firms.size, SMALLEST_SIZE_MYUAN / 4.0) / REFERENCE_SIZE_MYUAN
    growth *= np.power(annual_size, -p.volatility_size_elasticity)
    growth += (p.market_growth / 4.0) + (p.capability_premium / 4.0) * firms.capability
    firms.size *= np.exp(growth)
    firms.niche_market *= (1.0 + p.niche_growth) ** 0.25


def settle_quarter(
    model: Economy, firms: RowView, sales_to_customers: np.ndarray
) -> dict[str, np.ndarray]:
    """Revenue, costs, interest, principal and plant upkeep of some firms; their flows.

    Loans are repaid in equal parts over their term (principal = debt / term); the
    upkeep of plant (its depreciation) is paid in cash. Operating profit (before
    R&D, which the innovation phase expenses) goes into this year's profit.
    """
    p, bank = model.params.production, model.params.finance.bank
    firms.revenue = firms.size + sales_to_customers
    cost_share = (1.0 - p.base_margin) - p.capability_margin * firms.capability
    cost_share -= p.zone_cost_saving * firms.zone * model.params.zones.services.costs
    firms.opex = firms.revenue * cost_share
    interest = (firms.bank_debt + firms.ip_debt) * (bank.interest_rate / 4.0)
    bank_repaid = firms.bank_debt / bank.term_quarters
    ip_repaid = firms.ip_debt / bank.term_quarters
    upkeep = firms.fixed_assets * (1.0 - (1.0 - p.depreciation) ** 0.25)
    firms.cash += firms.revenue - firms.opex - interest - bank_repaid - ip_repaid - upkeep
    firms.bank_debt -= bank_repaid
    firms.ip_debt -= ip_repaid
    firms.rev_ytd += firms.revenue
    firms.profit_ytd += firms.revenue - firms.opex - interest - upkeep
    return {
        "revenue": firms.revenue,
        "opex": -firms.opex,
        "interest": -interest,
        "repayment": -(bank_repaid + ip_repaid),
        "capex": -upkeep,
    }


def grow_markets(model: Economy) -> None:
    """Own-market sales grow (Gibrat); foreign technology access follows the controls."""
    pop, params = model.population, model.params
    # float32 normals are faster to draw; the growth arithmetic stays in float64.
    shocks = model.rng.standard_normal(len(pop), dtype=np.float32).astype(np.float64)
    control = model.policy.control

    def grow_block(firms: RowView) -> None:
        firms.tech_access = technology_access(
            control[firms.sector], firms.exposure, firms.sanctioned, params.restrictions
        )
        grow_own_market(firms, shocks[firms.rows], params)

    pop.each_block(grow_block)


def settle(model: Economy, sales: np.ndarray) -> None:
    """The quarter's books: revenue (own market and large customers), costs, cash."""
    pop = model.population
    settled = pop.each_block(
        lambda firms: (firms.rows, settle_quarter(model, firms, sales[firms.rows]))
    )
    for rows, flows in settled:  # in block order, so the totals add up the same way
        model.ledger.record(rows=rows, **flows)
