"""Supplier matching: links end, and buyers fill open slots with attractive SMEs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.population import NATIONAL, PROVINCIAL, RowView

TINY_SIZE = 1e-12  # M yuan; exited firms (size 0) get odds ~0 and are zeroed below anyway

if TYPE_CHECKING:
    from model.simulation.economy import Economy


def attractiveness(model: Economy) -> np.ndarray:
    """A buyer's relative odds of choosing each SME (0 for exited firms).

    size^e * exp(w_c * capability) * (1 + certification, zone, key-chain bonuses)
    """
    m, odds = model.params.matching, np.zeros(len(model.population))

    def odds_block(firms: RowView) -> None:
        # size^e x exp(w c) as one exp: cheaper than a power of every size.
        log_size = np.log(np.maximum(firms.size, TINY_SIZE))
        block = np.exp(m.size_elasticity * log_size + m.capability_weight * firms.capability)
        block *= 1.0 + m.provincial_signal * (firms.status == PROVINCIAL)
        block *= 1.0 + m.national_signal * (firms.status == NATIONAL)
        block *= 1.0 + m.zone_bonus * firms.zone
        block *= 1.0 + m.key_chain_bonus * firms.key_chain
        odds[firms.rows] = block * firms.alive

    model.population.each_block(odds_block)
    return odds


def target_links(model: Economy) -> np.ndarray:
    """Supplier relationships each buyer wants, from its domestic demand.

    Fractions are rounded up or down at random so that small-scale runs keep the
    expected number of links.
    """
    wanted = model.params.large_firms.links_per_billion * model.buyers.domestic_demand / 1000.0
    return np.floor(wanted + model.rng.random(len(wanted))).astype(np.int64)


def attach_suppliers(model: Economy) -> None:
    """End links (exits, churn) and fill each buyer's open slots in its own field."""
    pop, links, rng = model.population, model.links, model.rng
    churn = model.params.large_firms.link_churn
    links.keep(pop.alive[links.sme] & (rng.random(len(links)) >= churn))
    open_slots = np.maximum(target_links(model) - links.suppliers_per_buyer(), 0)
    odds = attractiveness(model)
    by_sector = np.argsort(pop.sector, kind="stable")
    bounds = np.searchsorted(
        pop.sector[by_sector], np.arange(len(model.params.population.sectors) + 1)
    )
    new_sme, new_buyer = [], []
    for sector in range(len(bounds) - 1):
        buyers = np.flatnonzero((model.buyers.sector == sector) & (open_slots > 0))
        candidates = by_sector[bounds[sector] : bounds[sector + 1]]
        chosen = _draw_suppliers(odds[candidates], int(open_slots[buyers].sum()), rng)
        new_sme.append(candidates[chosen])
        new_buyer.append(np.repeat(buyers, open_slots[buyers])[: len(chosen)])
    links.add(np.concatenate(new_sme), np.concatenate(new_buyer))
    pop.customers = links.customers_per_firm(len(pop))
    model.buyers.suppliers = links.suppliers_per_buyer()


def _draw_suppliers(odds: np.ndarray, slots: int, rng: np.random.Generator) -> np.ndarray:
    """Positions of `slots` suppliers drawn with replacement in proportion to odds."""
    weight = np.cumsum(odds)
    if slots == 0 or len(weight) == 0 or weight[-1] <= 0:
        return np.zeros(0, dtype=np.int64)
    draws = np.searchsorted(weight, rng.random(slots) * weight[-1], side="right")
    return np.minimum(draws, len(weight) - 1)
