"""The government as a Mesa agent: application climate, the year's lists and their counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params import Params
from model.params.certification import Awareness, CertificationParams
from model.simulation.population import INNOVATIVE, NATIONAL, PROVINCIAL

if TYPE_CHECKING:
    from model.simulation.economy import Economy

LEVELS = {"innovative": INNOVATIVE, "provincial": PROVINCIAL, "national": NATIONAL}
COUNTERS = (
    "new_innovative",
    "new_provincial",
    "provincial_reviewed",
    "provincial_review_passed",
    "new_national",
    "national_reviewed",
    "national_review_passed",
    "national_applicants",
    "awards_paid",
)


class Government(mesa.Agent):
    """MIIT and the provinces: run the lists; firms' willingness to apply diffuses (Bass)."""

    def __init__(self, model: Economy) -> None:
        super().__init__(model)
        self.configure(model.params)
        self.awareness = {level: self._awareness(level).initial for level in LEVELS}
        # Application cost relative to its parameter (campaigns that organise and pay
        # for the paperwork lower it).
        self.cost_factor = dict.fromkeys(LEVELS, 1.0)
        # Certified share of qualifying firms at the last screening (imitation term).
        self.certified_share = dict.fromkeys(LEVELS, 0.0)
        self.counts = dict.fromkeys(COUNTERS, 0.0)
        # Firms meeting the national tests on this year's accounts (set each Q1).
        self.qualifying_national = 0
        # Ids of the provincial specialized SMEs that may apply to this year's national
        # batch: those listed when the call closed (set each call quarter).
        self.national_call = np.empty(0, np.int64)

    def configure(self, params: Params) -> None:
        """Take the certification rules from the parameters."""
        self.rules: CertificationParams = params.certification

    def _awareness(self, level: str) -> Awareness:
        return getattr(self.rules, level).awareness

    def start_quarter(self) -> None:
        """Reset the quarter's counters."""
        self.counts = dict.fromkeys(COUNTERS, 0.0)

    def update_awareness(self, level: str) -> float:
        """Bass step before a screening: A += (p + q * certified share) * (1 - A)."""
        bass = self._awareness(level)
        a = self.awareness[level]
        pull = bass.external + bass.imitation * self.certified_share[level]
        self.awareness[level] = min(1.0, a + min(1.0, pull) * (1.0 - a))
        return self.awareness[level]

    def campaign(self, level: str, boost: float, cost_cut: float = 0.0) -> None:
        """A policy push: tells a share of firms that did not know of the list, and makes
        applying cheaper from now on."""
        a = self.awareness[level]
        self.awareness[level] = a + boost * (1.0 - a)
        self.cost_factor[level] *= 1.0 - cost_cut
