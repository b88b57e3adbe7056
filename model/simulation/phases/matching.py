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

from model.simulation.compiled import kernel
from model.simulation.population import DEAD, NATIONAL, PROVINCIAL, RowView

TINY_SIZE = 1e-12  # M yuan; exited firms (size 0) get odds ~0 and are zeroed below anyway

if TYPE_CHECKING:
    from model.simulation.economy import Economy


@kernel
def _with_signals(base, status, zone, key_chain, bonuses, odds):
    """odds = base x (1 + provincial signal, if provincial) x (1 + national signal, if
    national) x (1 + zone bonus x zones bring buyers, if in a zone) x (1 + key-chain bonus,
    if at a key link), each factor in this order; 0 for an exited firm."""
    provincial, national, zone_bonus, zones_match, key_chain_bonus = bonuses
    for i in range(len(base)):
        value = base[i]
        value *= 1.0 + provincial * (status[i] == PROVINCIAL)
        value *= 1.0 + national * (status[i] == NATIONAL)
        value *= 1.0 + zone_bonus * zone[i] * zones_match
        value *= 1.0 + key_chain_bonus * key_chain[i]
        odds[i] = value * (status[i] != DEAD)


def attractiveness(model: Economy) -> np.ndarray:
    """A buyer's relative odds of choosing each SME (0 for exited firms).

    size^e * exp(w_c * capability) * (1 + certification, zone, key-chain bonuses)
    """
    m, odds = model.params.matching, np.zeros(len(model.population))
    bonuses = (
        m.provincial_signal,
        m.national_signal,
        m.zone_bonus,
        model.params.zones.services.matching,
        m.key_chain_bonus,
    )

    def odds_block(firms: RowView) -> None:
        # size^e x exp(w c) as one exp: cheaper than a power of every size (and numpy's
        # vectorised log and exp, block by block, are cheaper than compiled scalar ones).
        # In place: a block's temporaries stay in the cache.
        base = np.maximum(firms.size, TINY_SIZE)
        np.log(base, out=base)
        base *= m.size_elasticity
        base += m.capability_weight * firms.capability
        np.exp(base, out=base)
        _with_signals(base, firms.status, firms.zone, firms.key_chain, bonuses, odds[firms.rows])

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


@kernel
def _capable_per_buyer(sme, buyer, capability, quality_bar):
    """Links per buyer whose supplier's capability >= the buyer's quality bar."""
    counts = np.zeros(len(quality_bar), dtype=np.int64)
    for i in range(len(sme)):  # without a branch: whether a link counts is unpredictable
        counts[buyer[i]] += capability[sme[i]] >= quality_bar[buyer[i]]
    return counts


def capable_links(model: Economy) -> np.ndarray:
    """Links per buyer to suppliers that clear the buyer's quality bar."""
    links, pop = model.links, model.population
    return _capable_per_buyer(links.sme, links.buyer, pop.capability, model.buyers.quality_bar)


def open_slots(model: Economy) -> tuple[np.ndarray, np.ndarray]:
    """(any-supplier slots, capable-supplier slots) each buyer opens this quarter."""
    buyers = model.buyers
    capable_wanted = _links_for(model, substitution_need(model))
    total_wanted = _links_for(model, buyers.normal_domestic) + capable_wanted
    capable_open = np.maximum(capable_wanted - capable_links(model), 0)
    any_open = np.maximum(total_wanted - model.links.suppliers_per_buyer() - capable_open, 0)
    return any_open, capable_open


@kernel
def _lasting(sme, status, churn, rng):
    """Links that go on: a uniform draw u per link, in order; kept if u >= churn and the
    supplier has not exited."""
    keep = np.empty(len(sme), dtype=np.bool_)
    for i in range(len(sme)):
        keep[i] = rng.random() >= churn and status[sme[i]] != DEAD
    return keep


@kernel
def _rows_by_sector(sector, sectors):
    """Rows in order of their sector, in row order within one (a stable counting sort),
    and the end of each sector's rows."""
    counts = np.zeros(sectors, dtype=np.int64)
    for s in sector:
        counts[s] += 1
    ends = np.cumsum(counts)
    position = ends - counts  # where each sector's next row goes
    rows = np.empty(len(sector), dtype=np.int64)
    for i in range(len(sector)):
        rows[position[sector[i]]] = i
        position[sector[i]] += 1
    return rows, ends


@kernel
def _cumulative_odds(odds, candidates):
    """weight[k] = odds of candidates[0..k-1] summed in order (weight[0] = 0)."""
    weight = np.empty(len(candidates) + 1)
    weight[0] = total = 0.0
    for k in range(len(candidates)):
        total += odds[candidates[k]]
        weight[k + 1] = total
    return weight


@kernel
def _last_at_or_below(weight, draws):
    """For each draw, the last index k with weight[k] <= draw (-1 if none), weight
    non-decreasing: a binary search, eight draws in step and without branches (their
    comparisons are unpredictable), so the eight memory reads overlap."""
    found = np.empty(len(draws), dtype=np.int64)
    low = np.zeros(8, dtype=np.int64)
    for first in range(0, len(draws), 8):
        count = min(8, len(draws) - first)
        low[:] = 0
        width = len(weight)
        while width > 1:
            half = width >> 1
            for j in range(count):
                low[j] += half * (weight[low[j] + half] <= draws[first + j])
            width -= half
        for j in range(count):
            found[first + j] = low[j] - (weight[low[j]] > draws[first + j])
    return found


def attach_suppliers(model: Economy) -> None:
    """End links (exits, churn) and fill each buyer's open slots in its own field."""
    pop, links, rng = model.population, model.links, model.rng
    links.keep(_lasting(links.sme, pop.status, model.params.large_firms.link_churn, rng))
    any_open, capable_open = open_slots(model)
    odds = attractiveness(model)
    new_sme, new_buyer = [], []
    sectors = len(model.params.population.sectors)
    by_sector, ends = _rows_by_sector(pop.sector, sectors)  # each field's rows, in row order
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
    weight = _cumulative_odds(odds, candidates)
    start = (
        np.searchsorted(capability[candidates], bar[owners], side="left")
        if bar is not None
        else np.zeros(len(owners), dtype=np.int64)
    )
    low, high = weight[start], weight[-1]
    reachable = high > low
    owners, low = owners[reachable], low[reachable]
    draws = low + rng.random(len(owners)) * (high - low)
    position = _last_at_or_below(weight, draws)
    return candidates[np.minimum(position, len(candidates) - 1)], owners
