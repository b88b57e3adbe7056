"""Financiers as Mesa agents; each decision is vectorised over the SME population.

Amounts are M yuan. Each agent keeps what it paid out this quarter
(`paid`), which the reporters turn into the finance-by-channel series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params.finance import (
    BankParams,
    GuidanceFundParams,
    IpPledgeParams,
    VentureParams,
)
from model.params.policy import FiscalProgramme as ProgrammeParams
from model.simulation.population import NATIONAL, PROVINCIAL, Population, RowView

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class Bank(mesa.Agent):
    """Commercial banks: collateral- and debt-ratio-bounded credit, plus IP pledges."""

    def __init__(self, model: Economy, bank: BankParams, ip: IpPledgeParams) -> None:
        super().__init__(model)
        self.rules, self.ip_rules = bank, ip
        self.paid = 0.0
        self.ip_paid = 0.0

    def credit_headroom(self, pop: Population) -> np.ndarray:
        """New bank credit a firm could get: min(collateral, debt-ratio cap) - debt."""
        limit = self.rules.loan_to_value * pop.fixed_assets
        cap = np.maximum(pop.cash, 0.0)
        cap += pop.fixed_assets
        cap *= self.rules.max_debt_ratio
        np.minimum(limit, cap, out=limit)
        limit -= pop.bank_debt
        limit -= pop.ip_debt
        return np.maximum(limit, 0.0, out=limit)

    def lend(self, pop: Population, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Bank loans to firms short of cash; certification raises the approval chance."""
        r = self.rules
        draws = rng.random(len(pop), dtype=np.float32)
        loans = np.zeros(len(pop))

        def lend_block(firms: RowView) -> None:
            rows = firms.rows
            certified = firms.status >= PROVINCIAL
            served = draws[rows] < r.approval + (r.certified_approval - r.approval) * certified
            loans[rows] = np.minimum(need[rows], self.credit_headroom(firms)) * served

        pop.each_block(lend_block)
        self.paid = float(loans.sum())
        return loans

    def pledge(self, pop: Population, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """IP-pledge loans against invention patents for firms still short of cash."""
        asking = pop.rows(np.flatnonzero((need > 0) & (pop.patents > 0)))
        value = self.ip_rules.loan_to_value * self.ip_rules.value_per_patent_myuan
        headroom = np.maximum(value * asking.patents - asking.ip_debt, 0.0)
        uses = rng.random(len(asking)) < self.ip_rules.uptake
        loans = uses * np.minimum(need[asking.rows], headroom)
        self.ip_paid = float(loans.sum())
        return asking.expand(loans, fill=0.0)


class VentureCapital(mesa.Agent):
    """Private VC/PE: rounds for capable firms, certification as a signal, and listings."""

    def __init__(self, model: Economy, rules: VentureParams, scale: float) -> None:
        super().__init__(model)
        self.rules = rules
        self.quarterly_capacity = rules.annual_capacity_myuan * scale / 4.0
        self.paid = 0.0
        self.ipo_paid = 0.0
        self.listings = 0

    def round_chance(self, pop: Population) -> np.ndarray:
        """Chance of closing a round this quarter (base rate at capability 0.5)."""
        r = self.rules
        base_odds = r.base_rate / max(1.0 - r.base_rate, 1e-12)
        odds = np.exp(r.capability_slope * (pop.capability - 0.5))
        odds *= base_odds * (1.0 + r.certification_signal * (pop.status >= PROVINCIAL))
        odds *= 1.0 + r.zone_bonus * pop.zone
        chance = odds / (odds + 1.0)
        chance *= pop.alive & ~pop.listed
        return chance

    def invest(self, pop: Population, rng: np.random.Generator) -> np.ndarray:
        """Rounds closed this quarter, rationed by the private money available."""
        r = self.rules
        chance = np.zeros(len(pop))

        def chance_block(firms: RowView) -> None:
            chance[firms.rows] = self.round_chance(firms)

        pop.each_block(chance_block)
        wins = np.flatnonzero(rng.random(len(pop), dtype=np.float32) < chance)
        size = np.maximum(r.min_round_myuan, r.round_to_revenue * 4.0 * pop.revenue[wins])
        order = rng.permutation(len(wins))
        funded = np.cumsum(size[order]) <= self.quarterly_capacity
        rounds = np.zeros(len(pop))
        rounds[wins[order[funded]]] = size[order[funded]]
        self.paid = float(rounds.sum())
        return rounds

    def list_firms(self, pop: Population, rng: np.random.Generator) -> np.ndarray:
        """IPO proceeds of VC-backed firms large enough to list."""
        r = self.rules
        ready = pop.vc_backed & ~pop.listed & pop.alive
        ready &= 4.0 * pop.revenue >= r.listing_min_revenue_myuan
        view = pop.rows(np.flatnonzero(ready))
        lists = rng.random(len(view)) < r.listing_rate
        proceeds = lists * r.ipo_to_revenue * 4.0 * view.revenue
        self.ipo_paid = float(proceeds.sum())
        self.listings = int(lists.sum())
        return view.expand(proceeds, fill=0.0)


class GuidanceFund(mesa.Agent):
    """State guidance funds: lead rounds in capable, strategic firms; private money follows."""

    def __init__(self, model: Economy, rules: GuidanceFundParams, scale: float) -> None:
        super().__init__(model)
        self.rules = rules
        self.quarterly_budget = rules.annual_budget_myuan * scale / 4.0
        self.paid = 0.0
        self.crowded_in = 0.0

    def invest(
        self, pop: Population, rng: np.random.Generator, year: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(fund money, private co-investment) per firm this quarter."""
        r = self.rules
        fund = np.zeros(len(pop))
        # Random rounding keeps the expected number of deals right at every scale.
        expected = self.quarterly_budget / r.deal_size_myuan if year >= r.start_year else 0.0
        deals = int(np.floor(expected + rng.random()))
        # Picks are weighted by capability, so a firm without any is never picked
        # (and at min_capability 0 there may be fewer weighted firms than deals).
        targets = pop.alive & ~pop.listed & (pop.capability >= r.min_capability)
        targets &= pop.capability > 0
        targets &= pop.key_chain | (pop.exposure >= r.min_exposure)
        candidates = np.flatnonzero(targets)
        if deals and len(candidates):
            weight = pop.capability[candidates]
            picked = rng.choice(
                candidates,
                size=min(deals, len(candidates)),
                replace=False,
                p=weight / weight.sum(),
            )
            fund[picked] = r.deal_size_myuan
        private = r.crowd_in_ratio * fund
        self.paid, self.crowded_in = float(fund.sum()), float(private.sum())
        return fund, private


class FiscalProgramme(mesa.Agent):
    """A central key-little-giant programme: yearly batches, awards paid quarterly."""

    def __init__(
        self, model: Economy, rules: ProgrammeParams, scale: float, support_scale: float = 1.0
    ) -> None:
        super().__init__(model)
        self.rules = rules
        # A larger support scale pays each selected firm more, not more firms.
        self.support_scale = support_scale
        self.expected_batch = rules.batch_budget_myuan * scale / max(rules.award_myuan, 1e-9)
        self.selected = 0

    def runs_batch(self, year: int) -> bool:
        """Whether the programme names a batch this year."""
        return self.rules.first_batch_year <= year <= self.rules.last_batch_year

    def select(self, pop: Population, quarter: int, rng: np.random.Generator) -> np.ndarray:
        """Name this year's batch: the most capable national little giants not yet supported."""
        eligible = (pop.status == NATIONAL) & (pop.support_until < quarter)
        if self.rules.unlisted_only:
            eligible &= ~pop.listed
        rows = np.flatnonzero(eligible)
        # Random tie-break keeps the ranking a function of the model's generator only.
        score = pop.capability[rows] + 1e-9 * rng.random(len(rows))
        # Random rounding keeps the expected batch right at every scale.
        batch_size = int(np.floor(self.expected_batch + rng.random()))
        chosen = rows[np.argsort(-score)[:batch_size]]
        pop.support_until[chosen] = quarter + self.rules.support_quarters - 1
        pop.support_payment[chosen] = (
            self.support_scale * self.rules.award_myuan / self.rules.support_quarters
        )
        self.selected = len(chosen)
        return chosen
