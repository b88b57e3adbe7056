"""Production: own-market sales, technology access, costs, investment and cash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel, rule, wrote

REFERENCE_SIZE_MYUAN = 10.0  # annual own-market sales at which sigma = firm volatility
# Below 0.1M yuan a year a firm is dormant, not ever more volatile: the size scaling stops.
SMALLEST_SIZE_MYUAN = 0.1
FLOWS = ("revenue", "opex", "interest", "repayment", "capex")  # settle's ledger channels

if TYPE_CHECKING:
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


@rule
def own_market_growth(shock, size, volatility, capability, rules):
    """Gibrat growth of own-market sales (log change this quarter), faster for more
    capable firms.

    (market growth + premium x capability) / 4 + sigma_i x shock, shock ~ N(0, 1),
    sigma_i = firm volatility x (annual size / 10M)^-elasticity: larger firms are
    steadier, a scale mixture of normal shocks, so fat-tailed growth rates across
    firms emerge rather than being assumed.
    """
    market_growth, premium, size_elasticity = rules
    annual_size = 4.0 * max(size, SMALLEST_SIZE_MYUAN / 4.0) / REFERENCE_SIZE_MYUAN
    growth = shock * volatility * annual_size**-size_elasticity
    return growth + ((market_growth / 4.0) + (premium / 4.0) * capability)


@kernel
def _grow_all(firms, control, losses, tech_channel, rules, niche_factor, rng):
    """Each firm draws its sales shock (a float32 normal, in row order); operating firms'
    sales grow; technology access follows the field's controls; niches grow."""
    sector, status, exposure, sanctioned, volatility, capability = firms[:6]
    size, niche_market, tech_access = firms[6:]
    for i in range(len(size)):
        shock = np.float64(rng.standard_normal(dtype=np.float32))
        access = 1.0
        if tech_channel:
            access = technology_access(control[sector[i]], exposure[i], sanctioned[i], losses)
        tech_access[i] = access
        if status[i] >= 0:  # exited firms have size 0 and stay there
            growth = own_market_growth(shock, size[i], volatility[i], capability[i], rules)
            size[i] *= np.exp(growth)
        niche_market[i] *= niche_factor


def grow_markets(model: Economy) -> None:
    """Own-market sales grow (Gibrat); foreign technology access follows the controls."""
    pop, p, r = model.population, model.params.production, model.params.restrictions
    firms = (
        *(pop.sector, pop.status, pop.exposure, pop.sanctioned, pop.volatility),
        *(pop.capability, pop.size, pop.niche_market, pop.tech_access),
    )
    _grow_all(
        firms,
        model.policy.control,
        (r.tech_access_loss, r.listed_tech_loss),
        bool(r.channels.tech_access),
        (p.market_growth, p.capability_premium, p.volatility_size_elasticity),
        (1.0 + p.niche_growth) ** 0.25,
        model.rng,
    )
    wrote(pop.size, pop.niche_market, pop.tech_access)


@kernel
def _settle_all(sales, firms, rules, net, totals):
    """Per firm: revenue = own market + sales to large customers; opex = revenue x
    ((1 - margin) - capability margin x capability - zone saving); interest = debt x
    rate / 4; principal = debt / term; upkeep = plant x (1 - (1 - depreciation)^(1/4)),
    paid in cash. Operating profit (before R&D) goes into this year's profit."""
    size, capability, zone, fixed_assets, revenue, opex = firms[:6]
    cash, bank_debt, ip_debt, rev_ytd, profit_ytd = firms[6:]
    base_cost, capability_margin, zone_saving, quarter_rate, term, upkeep_rate = rules
    for i in range(len(size)):
        revenue[i] = size[i] + sales[i]
        cost_share = base_cost - capability_margin * capability[i] - zone_saving * zone[i]
        opex[i] = revenue[i] * cost_share
        interest = (bank_debt[i] + ip_debt[i]) * quarter_rate
        bank_repaid, ip_repaid = bank_debt[i] / term, ip_debt[i] / term
        upkeep = fixed_assets[i] * upkeep_rate
        cash[i] += revenue[i] - opex[i] - interest - bank_repaid - ip_repaid - upkeep
        bank_debt[i] -= bank_repaid
        ip_debt[i] -= ip_repaid
        rev_ytd[i] += revenue[i]
        profit_ytd[i] += revenue[i] - opex[i] - interest - upkeep
        flows = (revenue[i], -opex[i], -interest, -(bank_repaid + ip_repaid), -upkeep)
        for channel in range(5):
            totals[channel] += flows[channel]
            if len(net):
                net[i] += flows[channel]


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
