"""Production: own-market sales, technology access, costs, investment and cash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel, rule, wrote
from model.simulation.population import DEAD, RowView

REFERENCE_SIZE_MYUAN = 10.0  # annual own-market sales at which sigma = firm volatility
# Below 0.1M yuan a year a firm is dormant, not ever more volatile: the size scaling stops.
SMALLEST_SIZE_MYUAN = 0.1
FLOWS = ("revenue", "opex", "interest", "repayment", "capex")  # settle's ledger channels

if TYPE_CHECKING:
    from model.params.markets import ProductionParams
    from model.simulation.economy import Economy


@rule
def technology_access(control, exposure, sanctioned, losses):
    """Foreign technology access of an SME, 0-1.

    1 - exposure x min(1, loss x field control + listed loss x listed): of the foreign
    technology a firm relies on (its exposure), controls on its field cut a share
    and being on the Entity List cuts the US-controlled rest.
    """
    tech_access_loss, listed_tech_loss = losses
    lost = tech_access_loss * control + listed_tech_loss * sanctioned
    return 1.0 - exposure * min(lost, 1.0)


def grow_own_market(firms: RowView, shock: np.ndarray, p: ProductionParams) -> None:
    """Gibrat growth of own-market sales, faster for more capable firms (numpy's
    vectorised power and exp, block by block: far cheaper than compiled scalar ones).

    log size grows by (market growth + premium x capability) / 4 + sigma_i x shock,
    shock ~ N(0, 1), sigma_i = firm volatility x (annual size / 10M)^-elasticity:
    larger firms are steadier, a scale mixture of normal shocks, so fat-tailed growth
    rates across firms emerge rather than being assumed. Exited firms have size 0 and
    stay there.
    """
    annual = np.maximum(firms.size, SMALLEST_SIZE_MYUAN / 4.0) * (4.0 / REFERENCE_SIZE_MYUAN)
    growth = np.power(annual, -p.volatility_size_elasticity, out=annual)
    growth *= firms.volatility
    growth *= shock
    growth += (p.market_growth / 4.0) + (p.capability_premium / 4.0) * firms.capability
    firms.size *= np.exp(growth, out=growth)
    firms.niche_market *= (1.0 + p.niche_growth) ** 0.25


@kernel
def _access_and_shocks(firms, control, losses, tech_channel, rng, shocks):
    """Technology access follows the field's controls; operating firms draw their sales
    shock (a standard normal each, in row order; 0 for exited firms)."""
    sector, status, exposure, sanctioned, tech_access = firms
    for i in range(len(status)):
        access = 1.0
        if tech_channel:
            access = technology_access(control[sector[i]], exposure[i], sanctioned[i], losses)
        tech_access[i] = access
        shocks[i] = rng.standard_normal() if status[i] != DEAD else 0.0


def grow_markets(model: Economy) -> None:
    """Own-market sales grow (Gibrat); foreign technology access follows the controls."""
    pop, p, r = model.population, model.params.production, model.params.restrictions
    firms = (pop.sector, pop.status, pop.exposure, pop.sanctioned, pop.tech_access)
    losses = (r.tech_access_loss, r.listed_tech_loss)
    shocks = np.empty(len(pop))
    _access_and_shocks(
        firms, model.policy.control, losses, bool(r.channels.tech_access), model.rng, shocks
    )
    wrote(pop.tech_access)
    pop.each_block(lambda block: grow_own_market(block, shocks[block.rows], p))


@kernel
def _settle_all(sales, firms, rules, net, totals):
    """Per firm: revenue = own market + sales to large customers; opex = revenue x
    ((1 - margin) - capability margin x capability - zone saving); interest = debt x
    rate / 4; principal = debt / term; upkeep = plant x (1 - (1 - depreciation)^(1/4)),
    paid in cash. Operating profit (before R&D) goes into this year's profit."""
    size, capability, zone, fixed_assets, revenue, opex = firms[:6]
    cash, bank_debt, ip_debt, rev_ytd, profit_ytd = firms[6:]
    base_cost, capability_margin, zone_saving, quarter_rate, term, upkeep_rate = rules
    # Channel totals in local sums (in row order, as before): a sum kept in `totals`
    # would go through memory at every firm.
    sold = costs = interest_paid = principal = upkept = 0.0
    for i in range(len(size)):
        firm_revenue = size[i] + sales[i]
        cost_share = base_cost - capability_margin * capability[i] - zone_saving * zone[i]
        firm_opex = firm_revenue * cost_share
        interest = (bank_debt[i] + ip_debt[i]) * quarter_rate
        bank_repaid, ip_repaid = bank_debt[i] / term, ip_debt[i] / term
        upkeep = fixed_assets[i] * upkeep_rate
        revenue[i], opex[i] = firm_revenue, firm_opex
        cash[i] += firm_revenue - firm_opex - interest - bank_repaid - ip_repaid - upkeep
        bank_debt[i] -= bank_repaid
        ip_debt[i] -= ip_repaid
        rev_ytd[i] += firm_revenue
        profit_ytd[i] += firm_revenue - firm_opex - interest - upkeep
        flows = (firm_revenue, -firm_opex, -interest, -(bank_repaid + ip_repaid), -upkeep)
        sold += flows[0]
        costs += flows[1]
        interest_paid += flows[2]
        principal += flows[3]
        upkept += flows[4]
        if len(net):
            for channel in range(5):
                net[i] += flows[channel]
    for channel, total in enumerate((sold, costs, interest_paid, principal, upkept)):
        totals[channel] += total


def settle(model: Economy, sales: np.ndarray) -> None:
    """The quarter's books: revenue (own market and large customers), costs, cash."""
    pop, p, bank = model.population, model.params.production, model.params.finance.bank
    firms = (
        *(pop.size, pop.capability, pop.zone, pop.fixed_assets, pop.revenue, pop.opex),
        *(pop.cash, pop.bank_debt, pop.ip_debt, pop.rev_ytd, pop.profit_ytd),
    )
    rules = (
        1.0 - p.base_margin,
        p.capability_margin,
        p.zone_cost_saving * model.params.zones.services.costs,
        bank.interest_rate / 4.0,
        float(bank.term_quarters),
        1.0 - (1.0 - p.depreciation) ** 0.25,
    )
    totals = np.zeros(len(FLOWS))
    _settle_all(sales, firms, rules, model.ledger.net, totals)
    wrote(*firms[4:], model.ledger.net)
    model.ledger.add_totals(**dict(zip(FLOWS, totals, strict=True)))
