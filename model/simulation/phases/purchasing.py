"""Purchasing: buyers split their orders among their SME suppliers, within capacity.

Each link can carry at most `max_link_uplift` x the supplier's own-market sales a
quarter. A buyer first gives the foreign inputs it wants replaced (blocked, then
de-risked) to its suppliers that clear its quality bar and have qualified (been
its suppliers for `qualification_quarters`), in proportion to their
capacity; then its ordinary domestic orders to all its suppliers, in proportion to
the capacity left. Blocked inputs nobody replaced are lost (they cut the buyer's
output next quarter, if the disruption channel is on); de-risked inputs nobody won
stay foreign; ordinary domestic orders beyond its SMEs' capacity go to other
domestic suppliers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.agents.buyers import Purchases
from model.simulation.compiled import kernel

if TYPE_CHECKING:
    from model.simulation.economy import Economy


@kernel
def _shares(total, need):
    """Each buyer's filled share of its links' capacity: min(need, total capacity) /
    total capacity (0 without capacity)."""
    filled = np.zeros(len(total))
    for b in range(len(total)):
        if total[b] > 0:
            filled[b] = np.minimum(need[b], total[b]) / total[b]
    return filled


@kernel
def _orders(links, firms, rules, needs, n_firms):
    """(substitutes won by each buyer, each SME's sales to large buyers): a link's
    capacity is `uplift` x its supplier's own-market sales; a buyer's substitute need
    goes to its capable links (qualified: formed `qualification_quarters` ago; the
    supplier clears the buyer's bar) in proportion to their capacity, then its ordinary
    orders to all its links in proportion to the capacity left (`_shares`)."""
    sme, buyer, since = links
    size, capability = firms
    uplift, quarter, qualification, quality_bar = rules
    substitute_need, ordinary_need = needs
    capable_capacity, rest = np.empty(len(sme)), np.empty(len(sme))
    total = np.zeros(len(quality_bar))
    for i in range(len(sme)):
        capacity = uplift * size[sme[i]]
        qualified = quarter - since[i] >= qualification
        capable = qualified and capability[sme[i]] >= quality_bar[buyer[i]]
        capable_capacity[i] = capacity * capable
        rest[i] = capacity
        total[buyer[i]] += capable_capacity[i]
    filled = _shares(total, substitute_need)
    won, total = np.zeros(len(quality_bar)), np.zeros(len(quality_bar))
    for i in range(len(sme)):
        substitute = capable_capacity[i] * filled[buyer[i]]
        capable_capacity[i] = substitute  # from here on, the link's substitute orders
        rest[i] -= substitute
        total[buyer[i]] += rest[i]
        won[buyer[i]] += substitute
    filled = _shares(total, ordinary_need)
    sales = np.zeros(n_firms)
    for i in range(len(sme)):
        sales[sme[i]] += capable_capacity[i] + rest[i] * filled[buyer[i]]
    return won, sales


def buy_inputs(model: Economy) -> np.ndarray:
    """This quarter's purchases of every buyer; returns each SME's sales to large
    customers (M yuan this quarter)."""
    pop, links, buyers = model.population, model.links, model.buyers
    channels = model.params.restrictions.channels
    n = len(buyers)
    blocked = buyers.blocked_need / 4.0
    wanted_home = buyers.derisk_need / 4.0 + (blocked if channels.supply_cut else 0.0)
    rules = (
        model.params.production.max_link_uplift,
        model.quarter,
        model.params.restrictions.qualification_quarters,
        buyers.quality_bar,
    )
    won, sales = _orders(
        (links.sme, links.buyer, links.since),
        (pop.size, pop.capability),
        rules,
        (wanted_home, buyers.normal_domestic / 4.0),
        len(pop),
    )
    replaced = np.minimum(won, blocked) if channels.supply_cut else np.zeros(n)
    moved_home = won - replaced
    lost = blocked - replaced
    allowed_foreign = buyers.demand * buyers.initial_foreign_share * (1.0 - buyers.blocked) / 4
    buyers.purchases = Purchases(
        domestic=buyers.normal_domestic / 4.0 + won,
        foreign=allowed_foreign - moved_home,
        replaced=replaced,
        moved_home=moved_home,
        lost=lost,
    )
    buyers.output_factor = output_after_losses(model, lost)
    return sales


def output_after_losses(model: Economy, lost: np.ndarray) -> np.ndarray:
    """Next quarter's output relative to potential: a buyer missing a share m of its
    input basket produces 1 - elasticity x m (with the disruption channel on)."""
    r, buyers = model.params.restrictions, model.buyers
    if not r.channels.disruption:
        return np.ones(len(buyers))
    basket = buyers.demand / 4.0
    missing = np.zeros(len(buyers))
    np.divide(lost, basket, out=missing, where=basket > 0)
    return np.clip(1.0 - r.disruption_elasticity * missing, 0.0, 1.0)
