"""Central fiscal programmes for key little giants, as the MoF-MIIT notices run them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params import Params
from model.params.policy import FiscalProgramme as ProgrammeParams
from model.simulation.population import NATIONAL, Population
from model.simulation.rules import revenue_growth

if TYPE_CHECKING:
    from model.simulation.economy import Economy


def development_potential(pop: Population) -> np.ndarray:
    """What provinces rank candidates by: recent revenue growth and R&D growth, 0-1 each
    in rank terms (the notices ask for firms with growth and innovation potential)."""
    rd_growth = np.zeros(len(pop))
    np.divide(pop.rd_y1, pop.rd_y2, out=rd_growth, where=pop.rd_y2 > 0)
    growth = revenue_growth(pop)
    ranks = [np.argsort(np.argsort(x, kind="stable"), kind="stable") for x in (growth, rd_growth)]
    return sum(r / max(len(pop) - 1, 1) for r in ranks)


class FiscalProgramme(mesa.Agent):
    """A central key-little-giant programme: yearly batches, awards paid quarterly."""

    def __init__(self, model: Economy, index: int) -> None:
        super().__init__(model)
        self.index = index  # position in params.fiscal.programmes
        self.configure(model.params)
        self.selected = 0
        # Last batch over eligible firms, what firms expect (None before the first batch).
        self.selection_share: float | None = None

    def configure(self, params: Params) -> None:
        """Take this programme's rules, the support scale and the expected batch."""
        self.rules: ProgrammeParams = params.fiscal.programmes[self.index]
        # A larger support scale pays each selected firm more, not more firms.
        self.support_scale = params.fiscal.support_scale
        award = max(self.rules.award_myuan, 1e-9)
        self.expected_batch = self.rules.batch_budget_myuan * params.scale / award

    def runs_batch(self, year: int) -> bool:
        """Whether the programme names a batch this year."""
        return self.rules.first_batch_year <= year <= self.rules.last_batch_year

    def eligible(self, pop: Population, quarter: int) -> np.ndarray:
        """National little giants not yet supported (unlisted, at chain links, if the
        notice says so)."""
        eligible = (pop.status == NATIONAL) & (pop.support_until < quarter)
        if self.rules.unlisted_only:
            eligible &= ~pop.listed
        if self.rules.chain_focus:
            eligible &= pop.key_chain | pop.foundational
        return eligible

    def select(self, pop: Population, quarter: int, rng: np.random.Generator) -> np.ndarray:
        """Name this year's batch: the eligible firms with the most development potential
        in the provinces' judgement."""
        rows = np.flatnonzero(self.eligible(pop, quarter))
        potential = development_potential(pop.rows(rows)) if len(rows) else np.zeros(0)
        score = potential + self.rules.selection_noise * rng.standard_normal(len(rows))
        # Random rounding keeps the expected batch right at every scale.
        batch_size = int(np.floor(self.expected_batch + rng.random()))
        chosen = rows[np.argsort(-score, kind="stable")[:batch_size]]
        pop.support_until[chosen] = quarter + self.rules.support_quarters - 1
        pop.support_payment[chosen] = (
            self.support_scale * self.rules.award_myuan / self.rules.support_quarters
        )
        self.selected = len(chosen)
        self.selection_share = len(chosen) / max(len(rows), 1)
        return chosen

    def expected_award(self, year: int, national_firms: int) -> float:
        """The award a firm becoming a national little giant this year can expect from
        this programme, M yuan: the award times the chance of selection it can see (last
        batch over eligible firms; before the first batch, the announced batch over the
        little giants there are), while the programme is announced and still runs."""
        if not self.rules.first_batch_year <= year <= self.rules.last_batch_year:
            return 0.0
        chance = self.selection_share
        if chance is None:
            chance = min(self.expected_batch / max(national_firms, 1), 1.0)
        return self.support_scale * self.rules.award_myuan * chance
