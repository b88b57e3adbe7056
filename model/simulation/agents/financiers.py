"""Financiers as Mesa agents: banks (with re-lending and IP pledges), VC/PE, guidance funds.

Each decision is vectorised over the SME population; amounts are M yuan. Each
agent keeps what it paid out this quarter (`paid`) for the finance reporters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.calendar import parse_quarter
from model.params import Params
from model.params.equity import GuidanceFundParams, VentureParams
from model.simulation.population import INNOVATIVE, PROVINCIAL, Population, RowView

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class Bank(mesa.Agent):
    """Commercial banks: credit bounded by collateral, debt ratio and cash flow; the
    title raises the limit; re-lending quotas raise it for listed technology SMEs."""

    def __init__(self, model: Economy) -> None:
        super().__init__(model)
        self.configure(model.params)
        self.relent = 0.0  # re-lending-funded loans outstanding, M yuan (run scale)
        self.paid = self.ip_paid = self.relending_paid = 0.0

    def configure(self, params: Params) -> None:
        """Take the lending rules from the parameters (at build, and when they change)."""
        money = params.finance
        self.rules, self.ip_rules, self.relending = money.bank, money.ip_pledge, money.relending
        self.quotas = sorted(
            (parse_quarter(p.start), p.quota_myuan) for p in money.relending.programmes
        )

    def quota_room(self, quarter: int, scale: float) -> float:
        """Re-lending money still available to the pool this quarter, M yuan."""
        in_force = [quota for start, quota in self.quotas if start <= quarter]
        quota = in_force[-1] if in_force else 0.0
        return max(quota * self.relending.pool_share * scale - self.relent, 0.0)

    def headroom(self, firms: Population | RowView, bonus: np.ndarray) -> np.ndarray:
        """New credit a firm could get: min(collateral x (1 + bonus), debt-ratio cap,
        cash-flow cap) - debt, never negative."""
        r = self.rules
        collateral = r.loan_to_value * firms.fixed_assets * (1.0 + bonus)
        ratio_cap = r.max_debt_ratio * (np.maximum(firms.cash, 0.0) + firms.fixed_assets)
        cash_flow = np.maximum(firms.revenue - firms.opex, 0.0) * 4.0
        flow_cap = cash_flow / max(r.min_interest_cover * r.interest_rate, 1e-9)
        limit = np.minimum(np.minimum(collateral, ratio_cap), flow_cap)
        return np.maximum(limit - firms.bank_debt - firms.ip_debt, 0.0)

    def lend(self, pop: Population, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Loans to firms whose plans need more than their cash; certification raises the
        chance of being served and the limit, re-lending the limit of listed firms."""
        r = self.rules
        draws = rng.random(len(pop), dtype=np.float32)
        certified = pop.status >= PROVINCIAL
        served = draws < r.approval + (r.certified_approval - r.approval) * certified
        asking = served & (need > 0)
        base_bonus = r.title_limit_bonus * certified
        base = self.headroom(pop, base_bonus)
        room = self.quota_room(self.model.quarter, self.model.params.scale)
        extra = np.zeros(len(pop))
        if room > 0:
            eligible = asking & (pop.status >= INNOVATIVE)
            bonus = base_bonus + self.relending.limit_bonus * eligible
            extra = np.maximum(self.headroom(pop, bonus) - base, 0.0) * eligible
            extra = np.minimum(extra, np.maximum(need - base, 0.0))
            total = extra.sum()
            if total > room:  # the quota rations every eligible borrower alike
                extra *= room / total
        loans = np.minimum(need, base + extra) * asking
        relent = np.minimum(np.maximum(loans - base, 0.0), extra)
        self.relent = self.relent * (1.0 - 1.0 / r.term_quarters) + float(relent.sum())
        self.paid, self.relending_paid = float(loans.sum()), float(relent.sum())
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
    """Private VC/PE: rounds for capable firms, certification and zones as signals."""

    def __init__(self, model: Economy) -> None:
        super().__init__(model)
        self.configure(model.params)
        self.paid = 0.0

    def configure(self, params: Params) -> None:
        """Take the investment rules and the quarter's capacity from the parameters."""
        self.rules: VentureParams = params.finance.vc
        self.quarterly_capacity = self.rules.annual_capacity_myuan * params.scale / 4.0

    def round_chance(self, pop: Population | RowView) -> np.ndarray:
        """Chance of closing a round this quarter (base rate at capability 0.5)."""
        r = self.rules
        base_odds = r.base_rate / max(1.0 - r.base_rate, 1e-12)
        odds = np.exp(r.capability_slope * (pop.capability - 0.5))
        odds *= base_odds * (1.0 + r.certification_signal * (pop.status >= PROVINCIAL))
        odds *= 1.0 + r.zone_bonus * pop.zone * self.model.params.zones.services.finance
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


class GuidanceFund(mesa.Agent):
    """State guidance funds: lead rounds in capable, strategic firms; private money follows.

    A share `additionality` of the fund's deals go to firms private VC would not have
    funded; the rest go to firms that closed a private round this quarter and replace
    it (the private money is not spent elsewhere this quarter).
    """

    def __init__(self, model: Economy) -> None:
        super().__init__(model)
        self.configure(model.params)
        self.paid = 0.0
        self.crowded_in = 0.0

    def configure(self, params: Params) -> None:
        """Take the fund rules and the quarter's budget from the parameters."""
        self.rules: GuidanceFundParams = params.finance.guidance_fund
        self.quarterly_budget = self.rules.annual_budget_myuan * params.scale / 4.0

    def targets(self, pop: Population) -> np.ndarray:
        """Mask of firms the funds may back: capable, unlisted, strategic."""
        r = self.rules
        targets = pop.alive & ~pop.listed & (pop.capability >= r.min_capability)
        targets &= pop.capability > 0  # picks are weighted by capability
        return targets & (pop.key_chain | (pop.exposure >= r.min_exposure))

    def invest(
        self, pop: Population, rng: np.random.Generator, year: int, private: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fund money, private co-investment, private rounds it replaced) per firm.

        Each province's funds invest its share of the budget (its pool share times its
        `fund_scale`) in its own firms.
        """
        r = self.rules
        fund, replaced = np.zeros(len(pop)), np.zeros(len(pop))
        if year >= r.start_year:
            targets = self.targets(pop)
            provinces = self.model.params.population.provinces.values()
            for index, province in enumerate(provinces):
                budget = self.quarterly_budget * province.pool_share * province.fund_scale
                mine = targets & (pop.province == index)
                self._invest_in(pop, rng, budget / r.deal_size_myuan, mine, private, fund)
        replaced[(fund > 0) & (private > 0)] = private[(fund > 0) & (private > 0)]
        co_invest = r.crowd_in_ratio * fund
        self.paid, self.crowded_in = float(fund.sum()), float(co_invest.sum())
        return fund, co_invest, replaced

    def _invest_in(
        self,
        pop: Population,
        rng: np.random.Generator,
        expected: float,
        targets: np.ndarray,
        private: np.ndarray,
        fund: np.ndarray,
    ) -> None:
        """About `expected` deals among `targets` (random rounding keeps the expected
        number at every scale): a share 1 - additionality join firms with a private
        round, the rest (and any without one to join) go to firms VC did not fund."""
        r = self.rules
        deals = int(np.floor(expected + rng.random()))
        anyway = deals - int(np.floor(deals * r.additionality + rng.random()))
        joined = _weighted_pick(
            rng, np.flatnonzero(targets & (private > 0)), pop.capability, anyway
        )
        fresh = np.flatnonzero(targets & (private == 0))
        led = _weighted_pick(rng, fresh, pop.capability, deals - len(joined))
        fund[joined] = fund[led] = r.deal_size_myuan


def _weighted_pick(
    rng: np.random.Generator, candidates: np.ndarray, weight: np.ndarray, count: int
) -> np.ndarray:
    """Up to `count` distinct candidates, drawn in proportion to `weight[candidates]`."""
    count = min(count, len(candidates))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    w = weight[candidates]
    return rng.choice(candidates, size=count, replace=False, p=w / w.sum())
