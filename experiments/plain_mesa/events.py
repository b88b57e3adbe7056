"""Dated policy events of the plain model: US restrictions and easings, zone expansions,
certification pushes (`model.simulation.policy` and `restrictions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model.calendar import parse_quarter
from model.params.policy import PolicyPush, ZoneExpansion
from model.params.restrictions import RestrictionEvent

from .finance import weighted_sample

if TYPE_CHECKING:
    from .buyers import Buyer
    from .economy import PlainEconomy
    from .firm import Sme


@dataclass
class Listing:
    """What one restriction put in force, so that an easing can lift it."""

    control: list[float]
    buyers: list[Buyer] = field(default_factory=list)
    smes: list[Sme] = field(default_factory=list)


class Restrictions:
    """Export controls by field (`control[s]`: share of field s's foreign inputs that may
    not be sold) and the Entity-List listings of named events."""

    def __init__(self, model: PlainEconomy) -> None:
        self.model = model
        self.sectors = [s.name for s in model.params.population.sectors]
        self.control = [0.0] * len(self.sectors)
        self.by_name: dict[str, Listing] = {}

    def apply(self, event: RestrictionEvent) -> None:
        """Put a restriction in force (controls, listings, lost inputs) or lift events."""
        if event.kind == "easing":
            for name in event.lifts:
                self.lift(self.by_name.pop(name))
            return
        listing = self.restrict(event)
        loss = event.input_loss
        if loss is None:
            loss = self.model.params.restrictions.listed_input_loss
        tightened = [b for name in event.tightens for b in self.by_name[name].buyers]
        for buyer in (*listing.buyers, *tightened):
            buyer.input_loss = max(buyer.input_loss, loss)
        if event.name:
            self.by_name[event.name] = listing

    def restrict(self, event: RestrictionEvent) -> Listing:
        """Add the event's controls; list buyers (by exposure) and SMEs (by capability x
        exposure) of its fields, about the event's national counts."""
        m = self.model
        severity = m.params.restrictions.severity_scale
        fields = (
            {self.sectors.index(s) for s in event.sectors}
            if event.sectors
            else set(range(len(self.sectors)))
        )
        added = [0.0] * len(self.sectors)
        for s in fields:
            added[s] = min(event.control * severity, 1.0 - self.control[s])
            self.control[s] += added[s]
        candidates = [b for b in m.buyers if b.sector in fields and not b.sanctioned]
        count = round(event.large_firms * severity)
        buyers = weighted_sample(m.random, candidates, [b.exposure for b in candidates], count)
        for buyer in buyers:
            buyer.sanctioned, buyer.sanction_quarter = True, m.quarter
        expected = event.smes * severity * m.params.scale
        count = int(expected + m.random.random())
        firms = [f for f in m.firms if f.sector in fields and not f.sanctioned]
        weights = [f.capability * f.exposure for f in firms]
        smes = weighted_sample(m.random, firms, weights, count)
        for firm in smes:
            firm.sanctioned, firm.sanction_quarter = True, m.quarter
        return Listing(added, buyers, smes)

    def lift(self, listing: Listing) -> None:
        """Undo one event: its controls end and its entities leave the list."""
        self.control = [max(c - a, 0.0) for c, a in zip(self.control, listing.control, strict=True)]
        for buyer in listing.buyers:
            buyer.sanctioned, buyer.input_loss = False, 0.0
        for firm in listing.smes:
            firm.sanctioned = False


class Policy:
    """The scenario's event schedule by quarter."""

    def __init__(self, model: PlainEconomy) -> None:
        self.model = model
        p = model.params
        pushes = [push for push in p.certification.pushes.values() if push.quarter]
        self.schedule: dict[int, list] = {}
        for event in (*p.restrictions.events, *p.zones.expansions, *pushes):
            self.schedule.setdefault(parse_quarter(event.quarter), []).append(event)
        self.restrictions = Restrictions(model)

    def apply(self, quarter: int) -> None:
        """Switch on this quarter's events."""
        for event in self.schedule.get(quarter, []):
            if isinstance(event, RestrictionEvent):
                self.restrictions.apply(event)
            elif isinstance(event, ZoneExpansion):
                self.expand_zones(event)
            elif isinstance(event, PolicyPush):
                for level in sorted({*event.publicity, *event.cost_cut}):
                    self.model.government.campaign(
                        level, event.publicity.get(level, 0.0), event.cost_cut.get(level, 0.0)
                    )

    def expand_zones(self, event: ZoneExpansion) -> None:
        """A share of the firms outside zones, in the named provinces, join a zone."""
        m = self.model
        names = list(m.params.population.provinces)
        provinces = {names.index(p) for p in event.provinces} if event.provinces else None
        for firm in m.firms:
            if not firm.zone and (provinces is None or firm.province in provinces):
                if m.random.random() < event.share:
                    firm.zone = True
