"""Dated policy events: restrictions and easings, zone expansions, certification pushes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.calendar import parse_quarter
from model.params.policy import PolicyPush, ZoneExpansion
from model.params.restrictions import RestrictionEvent
from model.simulation.restrictions import Restrictions

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class Policy:
    """The scenario's event schedule, and the restrictions it has put in force."""

    def __init__(self, model: Economy) -> None:
        self.model = model
        self.schedule: dict[int, list] = {}
        p = model.params
        pushes = [push for push in p.certification.pushes.values() if push.quarter]
        for event in (*p.restrictions.events, *p.zones.expansions, *pushes):
            self.schedule.setdefault(parse_quarter(event.quarter), []).append(event)
        self.restrictions = Restrictions([s.name for s in p.population.sectors])

    @property
    def control(self) -> np.ndarray:
        """Share of each field's foreign inputs under US export control."""
        return self.restrictions.control

    def apply(self, quarter: int) -> list:
        """Switch on this quarter's events; returns them (for logs and the classroom)."""
        events = self.schedule.get(quarter, [])
        for event in events:
            self._apply(event)
        return events

    def _apply(self, event: object) -> None:
        if isinstance(event, RestrictionEvent):
            self.restrictions.apply(self.model, event)
        elif isinstance(event, ZoneExpansion):
            self._expand_zones(event.share, event.provinces)
        elif isinstance(event, PolicyPush):
            for level in sorted({*event.publicity, *event.cost_cut}):
                self.model.government.campaign(
                    level, event.publicity.get(level, 0.0), event.cost_cut.get(level, 0.0)
                )

    def _expand_zones(self, share: float, provinces: tuple[str, ...]) -> None:
        pop, names = self.model.population, list(self.model.params.population.provinces)
        where = pop.alive & ~pop.zone
        if provinces:
            where &= np.isin(pop.province, [names.index(p) for p in provinces])
        outside = np.flatnonzero(where)
        joined = outside[self.model.rng.random(len(outside)) < share]
        pop.zone[joined] = True
