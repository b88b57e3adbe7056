"""Dated policy events: restrictions and easings, zone expansions, certification campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.calendar import parse_quarter
from model.params.policy import Campaign, RestrictionEvent, ZoneExpansion

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class Policy:
    """The scenario's event schedule and the restriction index it builds."""

    def __init__(self, model: Economy) -> None:
        self.model = model
        self.schedule: dict[int, list] = {}
        p = model.params
        for event in (*p.restrictions.events, *p.zones.expansions, *p.certification.campaigns):
            self.schedule.setdefault(parse_quarter(event.quarter), []).append(event)
        self.restriction_index = 0.0

    def apply(self, quarter: int) -> list:
        """Switch on this quarter's events; returns them (for logs and the classroom)."""
        events = self.schedule.get(quarter, [])
        for event in events:
            self._apply(event)
        return events

    def _apply(self, event: object) -> None:
        cap = self.model.params.restrictions.max_index
        if isinstance(event, RestrictionEvent):
            severity = event.severity * self.model.params.restrictions.severity_scale
            change = severity if event.kind == "restriction" else -severity
            self.restriction_index = min(cap, max(0.0, self.restriction_index + change))
        elif isinstance(event, ZoneExpansion):
            self._expand_zones(event.share)
        elif isinstance(event, Campaign):
            self.model.government.campaign(event.level, event.boost)

    def _expand_zones(self, share: float) -> None:
        pop = self.model.population
        outside = np.flatnonzero(pop.alive & ~pop.zone)
        joined = outside[self.model.rng.random(len(outside)) < share]
        pop.zone[joined] = True
