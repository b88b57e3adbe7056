"""Supplier matching: links end, and buyers fill open slots with attractive SMEs.

A buyer keeps supplier relationships in proportion to what it buys at home. Its
ordinary domestic inputs can come from any SME of its field; the foreign inputs it
wants replaced (blocked or de-risked) only from SMEs whose capability clears the
buyer's quality bar, so the substitution it achieves depends on the suppliers that
exist.
"""

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
        # size^e x exp(w c) as one exp: cheaper than a power of every size (and numpy's
        # vectorised log and exp, block by block, are cheaper than compiled scalar ones).
        log_size = np.log(np.maximum(firms.size, TINY_SIZE))
        block = np.exp(m.size_elasticity * log_size + m.capability_weight * firms.capability)
        block *= 1.0 + m.provincial_signal * (firms.status == PROVINCIAL)
        block *= 1.0 + m.national_signal * (firms.status == NATIONAL)
        block *= 1.0 + m.zone_bonus * firms.zone * model.params.zones.services.matching
        block *= 1.0 + m.key_chain_bonus * firms.key_chain
        odds[firms.rows] = block * firms.alive

    model.population.each_block(odds_block)
    return odds


def substitution_need(model: Economy) -> np.ndarray:
    """Foreign inputs each buyer wants from capable domestic suppliers, M yuan per year."""
    buyers, channels = model.buyers, model.params.restrictions.channels
    need = buyers.derisk_need
    return need + buyers.blocked_need if channels.supply_cut else need


def _links_for(model: Economy, demand_myuan: np.ndarray) -> np.ndarray:
    """Relationships a buyer wants for some annual demand; fractions are rounded up or
    down at random so that small-scale runs keep the expected number of links."""
    wanted = model.params.large_firms.links_per_billion * demand_myuan / 1000.0
    return np.floor(wanted + model.rng.random(len(wanted))).astype(np.int64)


def capable_links(model: Economy) -> np.ndarray:
    """Links per buyer to suppliers that clear the buyer's quality bar."""
    links, pop = model.links, model.population
    capable = pop.capability[links.sme] >= model.buyers.quality_bar[links.buyer]
    return np.bincount(links.buyer[capable], minlength=len(model.buyers))


def open_slots(model: Economy) -> tuple[np.ndarray, np.ndarray]:
    """(any-supplier slots, capable-supplier slots) each buyer opens this quarter."""
    buyers = model.buyers
    capable_wanted = _links_for(model, substitution_need(model))
    total_wanted = _links_for(model, buyers.normal_domestic) + capable_wanted
    capable_open = np.maximum(capable_wanted - capable_links(model), 0)
    any_open = np.maximum(total_wanted - model.links.suppliers_per_buyer() - capable_open, 0)
    return any_open, capable_open


def attach_suppliers(model: Economy) -> None:
    """End links (exits, churn) and fill each buyer's open slots in its own field."""
    pop, links, rng = model.population, model.links, model.rng
    churn = model.params.large_firms.link_churn
    links.keep(pop.alive[links.sme] & (rng.random(len(links)) >= churn))
    any_open, capable_open = open_slots(model)
    odds = attractiveness(model)
    new_sme, new_buyer = [], []
    sectors = len(model.params.population.sectors)
    by_sector = np.argsort(pop.sector, kind="stable")  # each field's rows, in row order
    ends = np.cumsum(np.bincount(pop.sector, minlength=sectors))
    for sector in range(sectors):
        in_field = model.buyers.sector == sector
        candidates = by_sector[(ends[sector - 1] if sector else 0) : ends[sector]]
        for slots, bar in ((any_open, None), (capable_open, model.buyers.quality_bar)):
            buyers = np.flatnonzero(in_field & (slots > 0))
            chosen, owners = _draw_suppliers(
                candidates, odds, pop.capability, buyers, slots, bar, rng
            )
            new_sme.append(chosen)
            new_buyer.append(owners)
    links.add(np.concatenate(new_sme), np.concatenate(new_buyer), model.quarter)
    pop.customers = links.customers_per_firm(len(pop))
    model.buyers.suppliers = links.suppliers_per_buyer()


def _draw_suppliers(
    candidates: np.ndarray,
    odds: np.ndarray,
    capability: np.ndarray,
    buyers: np.ndarray,
    slots: np.ndarray,
    bar: np.ndarray | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(supplier rows, buyer of each) for the buyers' open slots, drawn with replacement
    in proportion to odds among the candidates at or above each buyer's bar.

    Candidates are ordered by capability so that those clearing a bar are a tail:
    a draw falls uniformly in the tail's share of the cumulative odds.
    """
    owners = np.repeat(buyers, slots[buyers])
    if len(owners) == 0 or len(candidates) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if bar is not None:
        lowest = bar[buyers].min()
        candidates = candidates[capability[candidates] >= lowest]
        candidates = candidates[np.argsort(capability[candidates], kind="stable")]
    weight = np.concatenate(([0.0], np.cumsum(odds[candidates])))
    start = (
        np.searchsorted(capability[candidates], bar[owners], side="left")
        if bar is not None
        else np.zeros(len(owners), dtype=np.int64)
    )
    low, high = weight[start], weight[-1]
    reachable = high > low
    owners, low = owners[reachable], low[reachable]
    draws = low + rng.random(len(owners)) * (high - low)
    position = np.searchsorted(weight, draws, side="right") - 1
    return candidates[np.minimum(position, len(candidates) - 1)], owners
