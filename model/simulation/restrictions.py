"""US technology restrictions in force: export controls by field and the Entity List.

`control[s]` is the share of field s's foreign inputs that may not be sold to Chinese
buyers (sector-wide rules such as the 2022-24 chip controls). Listed firms (large
buyers and SMEs) are drawn among the exposed firms of the event's fields; an
easing lifts named earlier events, their controls and their listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from model.params.restrictions import RestrictionEvent

if TYPE_CHECKING:
    from model.simulation.economy import Economy


@dataclass
class Listing:
    """What one event put in force, so that an easing can lift it."""

    control: np.ndarray  # control share added, per field
    buyers: np.ndarray  # indexes of listed large buyers
    sme_ids: np.ndarray  # firm ids of listed SMEs


@dataclass
class Restrictions:
    """Controls and listings in force."""

    sectors: list[str]
    control: np.ndarray = field(init=False)
    by_name: dict[str, Listing] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.control = np.zeros(len(self.sectors))

    def fields_of(self, event: RestrictionEvent) -> np.ndarray:
        """Indexes of the fields an event names (every field if it names none)."""
        if not event.sectors:
            return np.arange(len(self.sectors))
        return np.array([self.sectors.index(name) for name in event.sectors])

    def apply(self, model: Economy, event: RestrictionEvent) -> Listing | None:
        """Put a restriction in force, or lift the events an easing names."""
        if event.kind == "easing":
            for name in event.lifts:
                self.lift(model, self.by_name.pop(name))
            return None
        listing = self.restrict(model, event)
        loss = event.input_loss
        if loss is None:
            loss = model.params.restrictions.listed_input_loss
        tightened = [self.by_name[name].buyers for name in event.tightens]
        for buyers in (listing.buyers, *tightened):
            model.buyers.input_loss[buyers] = np.maximum(model.buyers.input_loss[buyers], loss)
        if event.name:
            self.by_name[event.name] = listing
        return listing

    def restrict(self, model: Economy, event: RestrictionEvent) -> Listing:
        """Add the event's controls and list its entities."""
        severity = model.params.restrictions.severity_scale
        fields = self.fields_of(event)
        added = np.zeros(len(self.sectors))
        added[fields] = np.minimum(event.control * severity, 1.0 - self.control[fields])
        self.control += added
        buyers = list_buyers(model, fields, round(event.large_firms * severity))
        smes = list_smes(model, fields, event.smes * severity * model.params.scale)
        return Listing(added, buyers, model.population.firm_id[smes].copy())

    def lift(self, model: Economy, listing: Listing) -> None:
        """Undo one event: its controls end and its entities leave the list."""
        self.control = np.maximum(self.control - listing.control, 0.0)
        model.buyers.sanctioned[listing.buyers] = False
        model.buyers.input_loss[listing.buyers] = 0.0
        pop = model.population
        rows = np.searchsorted(pop.firm_id, listing.sme_ids)
        rows = rows[rows < len(pop)]
        rows = rows[np.isin(pop.firm_id[rows], listing.sme_ids)]
        pop.sanctioned[rows] = False


def list_buyers(model: Economy, fields: np.ndarray, count: int) -> np.ndarray:
    """List `count` unlisted large buyers of the fields, more exposed ones more likely."""
    buyers = model.buyers
    candidates = np.flatnonzero(np.isin(buyers.sector, fields) & ~buyers.sanctioned)
    weight = buyers.exposure[candidates]
    chosen = _weighted_pick(model.rng, candidates, weight, count)
    buyers.sanctioned[chosen] = True
    buyers.sanction_quarter[chosen] = model.quarter
    return chosen


def list_smes(model: Economy, fields: np.ndarray, expected: float) -> np.ndarray:
    """List about `expected` SMEs of the fields (random rounding keeps the expected
    count at every scale); the list targets capable firms exposed to US technology."""
    pop = model.population
    count = int(np.floor(expected + model.rng.random()))
    in_fields = np.zeros(len(model.params.population.sectors), dtype=bool)
    in_fields[fields] = True
    candidates = np.flatnonzero(pop.alive & ~pop.sanctioned & in_fields[pop.sector])
    weight = pop.capability[candidates] * pop.exposure[candidates]
    chosen = _weighted_pick(model.rng, candidates, weight, count)
    pop.sanctioned[chosen] = True
    pop.sanction_quarter[chosen] = model.quarter
    return chosen


def _weighted_pick(
    rng: np.random.Generator, candidates: np.ndarray, weight: np.ndarray, count: int
) -> np.ndarray:
    """Up to `count` distinct candidates drawn in proportion to a non-negative weight."""
    positive = weight > 0
    candidates, weight = candidates[positive], weight[positive]
    count = min(count, len(candidates))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(candidates, size=count, replace=False, p=weight / weight.sum()))
