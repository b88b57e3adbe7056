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
from model.simulation.agents.credit import credit_inputs, headroom_all, lend_all
from model.simulation.compiled import kernel, numpy_choice
from model.simulation.population import DEAD, PROVINCIAL, Population, RowView

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class Bank(mesa.Agent):
    """Commercial banks: credit bounded by collateral, debt ratio and cash flow; the
    title raises the limit; re-lending quotas raise it for listed technology SMEs (by
    more where a province adds its own lines: `relending_scale`)."""

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
        """New credit each firm could get (see `credit_headroom`), M yuan."""
        out = np.empty(len(firms))
        headroom_all(credit_inputs(firms), np.asarray(bonus, dtype=float), self._limits(), out)
        return out

    def _limits(self) -> tuple[float, float, float]:
        r = self.rules
        return r.loan_to_value, r.max_debt_ratio, max(r.min_interest_cover * r.interest_rate, 1e-9)

    def lend(self, pop: Population, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Loans to firms whose plans need more than their cash; certification raises the
        chance of being served and the limit, re-lending the limit of listed firms."""
        r = self.rules
        room = self.quota_room(self.model.quarter, self.model.params.scale)
        loans, relent = np.empty(len(pop)), np.empty(len(pop))
        chances = (r.approval, r.certified_approval, r.title_limit_bonus)
        provinces = self.model.params.population.provinces.values()
        bonus = self.relending.limit_bonus * np.array([p.relending_scale for p in provinces])
        lend_all(
            credit_inputs(pop),
            pop.status,
            need,
            chances,
            self._limits(),
            (room, bonus, pop.province),
            rng,
            (loans, relent),
        )
        relent_total = float(relent.sum())
        self.relent = self.relent * (1.0 - 1.0 / r.term_quarters) + relent_total
        self.paid, self.relending_paid = float(loans.sum()), relent_total
        return loans

    def pledge(self, pop: Population, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """IP-pledge loans against invention patents for firms still short of cash."""
        ip = self.ip_rules
        loans = np.empty(len(pop))
        rules = (ip.loan_to_value * ip.value_per_patent_myuan, ip.uptake)
        _pledge_all(need, pop.patents, pop.ip_debt, rules, rng, loans)
        self.ip_paid = float(loans.sum())
        return loans


@kernel
def _pledge_all(need, patents, ip_debt, rules, rng, loans):
    """A firm still short of cash that owns invention patents takes up a pledge loan with
    chance `uptake` (one uniform draw per such firm, in row order): min(need, pledge value
    per patent x patents - IP debt), never negative."""
    value_per_patent, uptake = rules
    for i in range(len(need)):
        loans[i] = 0.0
        if need[i] > 0 and patents[i] > 0:
            headroom = max(value_per_patent * patents[i] - ip_debt[i], 0.0)
            if rng.random() < uptake:
                loans[i] = min(need[i], headroom)


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

    def invest(self, pop: Population, rng: np.random.Generator) -> np.ndarray:
        """Rounds closed this quarter, rationed by the private money available."""
        r = self.rules
        chances = (
            r.capability_slope,
            r.base_rate / max(1.0 - r.base_rate, 1e-12),
            r.certification_signal,
            r.zone_bonus,
            float(self.model.params.zones.services.finance),
        )
        wins = _round_winners(pop.capability, pop.status, pop.zone, pop.listed, chances, rng)
        size = np.maximum(r.min_round_myuan, r.round_to_revenue * 4.0 * pop.revenue[wins])
        order = rng.permutation(len(wins))
        funded = np.cumsum(size[order]) <= self.quarterly_capacity
        rounds = np.zeros(len(pop))
        rounds[wins[order[funded]]] = size[order[funded]]
        self.paid = float(rounds.sum())
        return rounds


@kernel
def _round_winners(capability, status, zone, listed, chances, rng):
    """Rows of the firms that close a round this quarter (a uniform draw per operating,
    unlisted firm, in row order).

    Odds of a round = base odds x exp(slope x (capability - 0.5)) x (1 + certification
    signal if provincial or national) x (1 + zone bonus x zone finance services);
    chance = odds / (1 + odds), 0 for exited and listed firms. A draw at or above the
    largest chance any firm with capability in 0-1 can have loses whatever the firm's
    odds, so their exponential is only computed for the few draws below it.
    """
    slope, base_odds, signal, zone_bonus, zone_services = chances
    best_odds = base_odds * np.exp(abs(slope) * 0.5)
    best_odds *= max(1.0 + signal, 1.0) * max(1.0 + zone_bonus * zone_services, 1.0)
    out_of_reach = best_odds / (best_odds + 1.0) * (1.0 + 1e-9)  # rounding margin
    wins = np.empty(len(status), dtype=np.int64)
    count = 0
    for i in range(len(status)):
        if status[i] == DEAD or listed[i]:
            continue
        draw = rng.random(dtype=np.float32)
        if draw >= out_of_reach and 0.0 <= capability[i] <= 1.0:
            continue
        odds = np.exp(slope * (capability[i] - 0.5))
        odds *= base_odds * (1.0 + signal * (status[i] >= PROVINCIAL))
        odds *= 1.0 + zone_bonus * zone[i] * zone_services
        if draw < odds / (odds + 1.0):
            wins[count] = i
            count += 1
    return wins[:count].copy()  # not a view: the full-length buffer is freed now


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
        """Rows of the firms the funds may back: capable, unlisted, strategic."""
        r = self.rules
        return _fund_targets(
            (pop.status, pop.listed, pop.capability, pop.key_chain, pop.exposure),
            r.min_capability,
            r.min_exposure,
        )

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
            rows = self.targets(pop)
            order = np.argsort(pop.province[rows], kind="stable")  # rows stay sorted
            provinces = self.model.params.population.provinces.values()
            ends = np.cumsum(np.bincount(pop.province[rows], minlength=len(provinces)))
            expected = np.array(
                [
                    self.quarterly_budget * p.pool_share * p.fund_scale / r.deal_size_myuan
                    for p in provinces
                ]
            )
            rules, targets = (r.additionality, r.deal_size_myuan), (rows[order], ends)
            backed = _deals(expected, targets, private, pop.capability, rules, rng, fund)
            joined = backed[(fund[backed] > 0) & (private[backed] > 0)]
            replaced[joined] = private[joined]
        co_invest = r.crowd_in_ratio * fund
        self.paid, self.crowded_in = float(fund.sum()), float(co_invest.sum())
        return fund, co_invest, replaced


@kernel
def _deals(expected, targets, private, capability, rules, rng, fund):
    """Each province's deals, in order, among its target rows: about `expected` of them
    (random rounding keeps the expected number at every scale); a share 1 - additionality
    join firms with a private round, the rest (and any without one to join) go to firms
    VC did not fund; each picks distinct firms in proportion to capability
    (`weighted_pick`). Sets `fund` (the deal size) and returns the rows given money."""
    rows, ends = targets
    additionality, deal_size = rules
    backed = np.empty(0, dtype=np.int64)
    for province in range(len(expected)):
        mine = rows[ends[province - 1] if province else 0 : ends[province]]
        deals = int(np.floor(expected[province] + rng.random()))
        anyway = deals - int(np.floor(deals * additionality + rng.random()))
        with_round = private[mine] > 0
        joined = weighted_pick(rng, mine[with_round], capability, anyway)
        led = weighted_pick(rng, mine[~with_round], capability, deals - len(joined))
        fund[joined] = deal_size
        fund[led] = deal_size
        backed = np.concatenate((backed, joined, led))
    return backed


@kernel
def weighted_pick(rng, candidates, weight, count):
    """Up to `count` distinct candidates, drawn in proportion to `weight[candidates]`
    (as numpy's `rng.choice` without replacement draws them)."""
    count = min(count, len(candidates))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    return numpy_choice(rng, candidates, weight[candidates], count)


@kernel
def _fund_targets(firms, min_capability, min_exposure):
    """Rows of operating, unlisted firms with capability >= the minimum (and > 0: picks
    are weighted by capability) at a key chain link or with exposure >= the minimum."""
    status, listed, capability, key_chain, exposure = firms
    rows = np.empty(len(status), dtype=np.int64)
    count = 0
    for i in range(len(status)):
        capable = (capability[i] >= min_capability) & (capability[i] > 0)
        strategic = key_chain[i] | (exposure[i] >= min_exposure)
        # Without branches (whether a firm is a target is unpredictable): every row is
        # written at the end, and the end moves past it only for a target.
        rows[count] = i
        count += (status[i] != DEAD) & (not listed[i]) & capable & strategic
    return rows[:count].copy()  # not a view: the full-length buffer is freed now
