"""Large buyers as Mesa agents: orders, supplier slots and purchases; supplier matching.

Demand in M yuan a year (times the run's scale), purchases per quarter, as in
`model.simulation.agents.buyers` and the demand, matching and purchasing phases.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import accumulate
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .economy import PlainEconomy
    from .firm import Sme


class Buyer(mesa.Agent):
    """A large firm buying specialized inputs at home and abroad."""

    def __init__(
        self, model: PlainEconomy, sector: int, demand: float, exposure: float, foreign: float
    ) -> None:
        super().__init__(model)
        self.sector, self.exposure = sector, exposure
        self.potential_demand = self.demand = demand
        self.initial_foreign_share = foreign
        self.quality_bar = 0.0  # capability a supplier needs to replace a foreign input
        self.sanctioned, self.sanction_quarter, self.input_loss = False, -1, 0.0
        self.blocked = self.derisk = 0.0
        self.output_factor = 1.0
        self.suppliers: dict[Sme, int] = {}  # supplier -> quarter the link was formed
        self.domestic = self.foreign = self.replaced = self.moved_home = self.lost = 0.0

    @property
    def normal_domestic(self) -> float:
        """Demand bought at home without any restriction, M yuan per year."""
        return self.demand * (1.0 - self.initial_foreign_share)

    @property
    def blocked_need(self) -> float:
        """Foreign inputs that may no longer be bought, M yuan per year."""
        return self.demand * self.initial_foreign_share * self.blocked

    @property
    def derisk_need(self) -> float:
        """Allowed foreign inputs the buyer wants to move home, M yuan per year."""
        return self.demand * self.initial_foreign_share * (1.0 - self.blocked) * self.derisk

    def order(self) -> None:
        """This quarter's orders, the share of foreign inputs blocked, de-risking."""
        m = self.model
        params, control = m.params, m.restrictions.control[self.sector]
        r = params.restrictions
        self.potential_demand *= (1.0 + params.large_firms.demand_growth) ** 0.25
        self.demand = self.potential_demand * self.output_factor
        self.blocked = min(control * self.exposure, 1.0)
        if self.sanctioned:
            self.blocked = max(self.blocked, self.input_loss)
        if r.channels.derisking:
            target = min(r.derisk_target * control, 1.0)
            self.derisk += r.derisk_speed * (target - self.derisk)
        else:
            self.derisk = 0.0

    def links_for(self, demand_myuan: float) -> int:
        """Relationships wanted for some annual demand (fractions rounded at random)."""
        wanted = self.model.params.large_firms.links_per_billion * demand_myuan / 1000.0
        return math.floor(wanted + self.random.random())

    def open_slots(self) -> tuple[int, int]:
        """(any-supplier slots, capable-supplier slots) opened this quarter."""
        need = self.derisk_need
        if self.model.params.restrictions.channels.supply_cut:
            need += self.blocked_need
        capable_wanted = self.links_for(need)
        total_wanted = self.links_for(self.normal_domestic) + capable_wanted
        capable = sum(1 for s in self.suppliers if s.capability >= self.quality_bar)
        capable_open = max(capable_wanted - capable, 0)
        return max(total_wanted - len(self.suppliers) - capable_open, 0), capable_open

    def buy(self) -> None:
        """Replaced foreign inputs go to qualified capable suppliers, then ordinary orders
        to all suppliers, each within capacity; blocked inputs nobody replaced are lost."""
        m = self.model
        params = m.params
        r = params.restrictions
        uplift, qualifying = params.production.max_link_uplift, r.qualification_quarters
        links = [
            (firm, uplift * firm.size, m.quarter - since >= qualifying)
            for firm, since in self.suppliers.items()
        ]
        capable = [q and f.capability >= self.quality_bar for f, _, q in links]
        blocked = self.blocked_need / 4.0
        wanted_home = self.derisk_need / 4.0 + (blocked if r.channels.supply_cut else 0.0)
        substitute = _split(
            wanted_home, [c if ok else 0.0 for (_, c, _), ok in zip(links, capable, strict=True)]
        )
        left = [c - s for (_, c, _), s in zip(links, substitute, strict=True)]
        ordinary = _split(self.normal_domestic / 4.0, left)
        for (firm, _, _), sub, orders in zip(links, substitute, ordinary, strict=True):
            firm.sales += sub + orders
        won = sum(substitute)
        self.replaced = min(won, blocked) if r.channels.supply_cut else 0.0
        self.moved_home = won - self.replaced
        self.lost = blocked - self.replaced
        allowed = self.demand * self.initial_foreign_share * (1.0 - self.blocked) / 4.0
        self.domestic = self.normal_domestic / 4.0 + won
        self.foreign = allowed - self.moved_home
        self.output_factor = 1.0
        if r.channels.disruption and self.demand > 0:
            missing = self.lost / (self.demand / 4.0)
            self.output_factor = min(max(1.0 - r.disruption_elasticity * missing, 0.0), 1.0)


def _split(need: float, capacity: list[float]) -> list[float]:
    """Each link's part of a need: min(need, total capacity) in proportion to capacity."""
    total = sum(capacity)
    filled = min(need, total) / total if total > 0 else 0.0
    return [c * filled for c in capacity]


def match_suppliers(model: PlainEconomy) -> None:
    """Links end (exit, churn); buyers fill open slots with SMEs of their own field:
    ordinary slots from any firm, capable slots from firms clearing the quality bar."""
    churn, rnd = model.params.large_firms.link_churn, model.random
    buyers = list(model.buyers)
    for buyer in buyers:
        buyer.suppliers = {
            s: since for s, since in buyer.suppliers.items() if s.alive and rnd.random() >= churn
        }
    slots = {buyer: buyer.open_slots() for buyer in buyers}
    by_field: dict[int, list[tuple[Sme, float]]] = defaultdict(list)
    for firm in model.firms:
        by_field[firm.sector].append((firm, firm.attractiveness()))
    for sector, field in by_field.items():
        mine = [b for b in buyers if b.sector == sector]
        _fill_any(model, field, [(b, slots[b][0]) for b in mine if slots[b][0] > 0])
        _fill_capable(model, field, [(b, slots[b][1]) for b in mine if slots[b][1] > 0])
    for firm in model.firms:
        firm.customers = 0
    for buyer in buyers:
        for firm in buyer.suppliers:
            firm.customers += 1


def _fill_any(model: PlainEconomy, field: list[tuple[Sme, float]], wants: list) -> None:
    """Ordinary slots: draws with replacement in proportion to attractiveness."""
    if not wants:
        return
    firms = [f for f, _ in field]
    cumulative = list(accumulate(odds for _, odds in field))
    if cumulative[-1] <= 0:
        return
    for buyer, count in wants:
        for firm in model.random.choices(firms, cum_weights=cumulative, k=count):
            buyer.suppliers.setdefault(firm, model.quarter)


def _fill_capable(model: PlainEconomy, field: list[tuple[Sme, float]], wants: list) -> None:
    """Capable slots: the firms sorted by capability, so those clearing a buyer's bar are
    a tail; a draw falls uniformly in the tail's part of the cumulative odds."""
    if not wants:
        return
    lowest = min(buyer.quality_bar for buyer, _ in wants)
    tail = sorted((p for p in field if p[0].capability >= lowest), key=lambda p: p[0].capability)
    if not tail:
        return
    capability = [f.capability for f, _ in tail]
    cumulative = list(accumulate(odds for _, odds in tail))
    for buyer, count in wants:
        start = bisect_left(capability, buyer.quality_bar)
        low = cumulative[start - 1] if start > 0 else 0.0
        high = cumulative[-1]
        if high <= low:
            continue
        for _ in range(count):
            draw = low + model.random.random() * (high - low)
            position = min(bisect_right(cumulative, draw), len(tail) - 1)
            buyer.suppliers.setdefault(tail[position][0], model.quarter)
