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

if TYPE_CHECKING:
    from model.simulation.economy import Economy


def _split(need: np.ndarray, capacity: np.ndarray, buyer: np.ndarray, n: int) -> np.ndarray:
    """Each link's share of its buyer's need: min(need, total capacity) in proportion
    to the link's capacity (per link, M yuan per quarter)."""
    total = np.bincount(buyer, weights=capacity, minlength=n)
    filled = np.zeros(n)
    np.divide(np.minimum(need, total), total, out=filled, where=total > 0)
    return capacity * filled[buyer]


def buy_inputs(model: Economy) -> np.ndarray:
    """This quarter's purchases of every buyer; returns each SME's sales to large
    customers (M yuan this quarter)."""
    pop, links, buyers = model.population, model.links, model.buyers
    channels = model.params.restrictions.channels
    n, sme, buyer = len(buyers), links.sme, links.buyer
    capacity = model.params.production.max_link_uplift * pop.size[sme]
    qualified = model.quarter - links.since >= model.params.restrictions.qualification_quarters
    capable = qualified & (pop.capability[sme] >= buyers.quality_bar[buyer])
    blocked = buyers.blocked_need / 4.0
    wanted_home = buyers.derisk_need / 4.0 + (blocked if channels.supply_cut else 0.0)
    substitute = _split(wanted_home, capacity * capable, buyer, n)
    ordinary = _split(buyers.normal_domestic / 4.0, capacity - substitute, buyer, n)
    won = np.bincount(buyer, weights=substitute, minlength=n)
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
    return np.bincount(sme, weights=substitute + ordinary, minlength=len(pop))


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
