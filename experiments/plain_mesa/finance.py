"""Financiers of the plain model: the bank's re-lending quota, VC/PE, guidance funds and
the stock exchanges, deciding firm by firm (`model.simulation.agents.financiers` and
`exchanges`, `model.simulation.phases.finance`).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from typing import TYPE_CHECKING

from model.calendar import parse_quarter

from .firm import NATIONAL
from .rules import market_value, passes_board

if TYPE_CHECKING:
    from .economy import PlainEconomy
    from .firm import Sme


class Bank:
    """Re-lending: quota money that raises listed technology SMEs' credit limits."""

    def __init__(self, model: PlainEconomy) -> None:
        self.model = model
        relending = model.params.finance.relending
        self.quotas = sorted((parse_quarter(p.start), p.quota_myuan) for p in relending.programmes)
        self.relent = 0.0  # re-lending-funded loans outstanding, M yuan (run scale)
        self.room = self.asked = self.ration = self.relent_now = 0.0

    def open_quarter(self) -> None:
        """The quota room this quarter, before firms ask."""
        m = self.model
        in_force = [quota for start, quota in self.quotas if start <= m.quarter]
        quota = in_force[-1] if in_force else 0.0
        pool_share = m.params.finance.relending.pool_share
        self.room = max(quota * pool_share * m.params.scale - self.relent, 0.0)
        self.asked = self.relent_now = 0.0

    def ration_quota(self) -> None:
        """The quota rations every eligible borrower alike."""
        self.ration = self.room / self.asked if self.asked > self.room else 1.0

    def close_quarter(self) -> None:
        """Re-lent loans are repaid over the loan term; this quarter's are added."""
        term = self.model.params.finance.bank.term_quarters
        self.relent = self.relent * (1.0 - 1.0 / term) + self.relent_now


def weighted_sample(rnd, candidates: list[Sme], weights: list[float], count: int) -> list[Sme]:
    """Up to `count` distinct candidates drawn in proportion to positive weights
    (Efraimidis-Spirakis keys u^(1/w))."""
    keyed = [(rnd.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    return [candidates[i] for _, i in heapq.nlargest(count, keyed)] if count > 0 else []


def venture_rounds(model: PlainEconomy) -> None:
    """VC/PE: firms close rounds by chance; rounds are funded in random order while the
    quarter's private money lasts."""
    r = model.params.finance.vc
    capacity = r.annual_capacity_myuan * model.params.scale / 4.0
    winners = [
        f for f in model.firms if not f.listed and model.random.random() < f.vc_round_chance()
    ]
    model.random.shuffle(winners)
    paid = 0.0
    for firm in winners:
        size = max(r.min_round_myuan, r.round_to_revenue * 4.0 * firm.revenue)
        if paid + size > capacity:
            break
        paid += size
        firm.private = size


def guidance_funds(model: PlainEconomy) -> None:
    """Each province's funds make about budget/deal deals among its strategic firms: a
    share `additionality` in firms without a private round, the rest joining one (and
    replacing it); private co-investors follow."""
    r = model.params.finance.guidance_fund
    if model.year >= r.start_year:
        targets: dict[int, list[Sme]] = defaultdict(list)
        for firm in model.firms:
            if firm.fund_target():
                targets[firm.province].append(firm)
        budget = r.annual_budget_myuan * model.params.scale / 4.0
        for index, province in enumerate(model.params.population.provinces.values()):
            expected = budget * province.pool_share * province.fund_scale / r.deal_size_myuan
            _deals_in(model, expected, targets.get(index, []))
    for firm in model.firms:
        replaced = firm.private if firm.fund > 0 else 0.0
        firm.vc_flow = firm.private - replaced + r.crowd_in_ratio * firm.fund
        model.flows["guidance_fund"] += firm.fund
        model.flows["vc"] += firm.vc_flow


def _deals_in(model: PlainEconomy, expected: float, targets: list[Sme]) -> None:
    r, rnd = model.params.finance.guidance_fund, model.random
    deals = math.floor(expected + rnd.random())
    anyway = deals - math.floor(deals * r.additionality + rnd.random())
    with_round = [f for f in targets if f.private > 0]
    joined = weighted_sample(rnd, with_round, [f.capability for f in with_round], anyway)
    fresh = [f for f in targets if f.private == 0]
    led = weighted_sample(rnd, fresh, [f.capability for f in fresh], deals - len(joined))
    for firm in (*joined, *led):
        firm.fund = r.deal_size_myuan


class Exchanges:
    """STAR, ChiNext and the BSE: standards, review queues and capacity."""

    def __init__(self, model: PlainEconomy) -> None:
        self.model = model
        self.rules = model.params.finance.listing
        self.opens = [parse_quarter(b.opens) for b in self.rules.boards]
        self.tightenings = sorted(
            (parse_quarter(t.quarter), t.capacity_scale) for t in self.rules.tightenings
        )

    def pace(self) -> float:
        """The review pace in force: the latest tightening's scale (1 before any)."""
        in_force = [s for q, s in self.tightenings if q <= self.model.quarter]
        return (in_force[-1] if in_force else 1.0) * self.rules.capacity_scale

    def take_applications(self) -> None:
        """Unlisted firms apply by chance to the first open board whose standards they pass."""
        m, r = self.model, self.rules
        for firm in m.firms:
            if firm.listed or firm.queue_board:
                continue
            chance = r.application_rate * (1.0 if firm.vc_backed else r.unbacked_application)
            if m.random.random() >= chance:
                continue
            for code, (board, opens) in enumerate(zip(r.boards, self.opens, strict=True), 2):
                if m.quarter >= opens and passes_board(firm, board, r):
                    firm.queue_board, firm.queue_quarter = code, m.quarter
                    break

    def decide(self) -> None:
        """Reviews due this quarter, oldest application first, up to each board's capacity;
        approved firms list and raise a share of their market value."""
        m, r = self.model, self.rules
        due: dict[int, list[Sme]] = defaultdict(list)
        for firm in m.firms:
            if firm.queue_board:
                board = r.boards[firm.queue_board - 2]
                wait = board.review_quarters - r.title_fast_lane_quarters * (
                    firm.status == NATIONAL
                )
                if m.quarter - firm.queue_quarter >= wait:
                    due[firm.queue_board].append(firm)
        for code, board in enumerate(r.boards, 2):
            capacity = board.capacity_per_year * m.params.scale * self.pace() / 4.0
            slots = math.floor(capacity + m.random.random())
            queue = sorted(due[code], key=lambda f: (f.queue_quarter, m.random.random()))
            for firm in queue[:slots]:
                firm.queue_board = 0  # decided: listed, or free to try again
                if passes_board(firm, board, r) and m.random.random() < board.approval:
                    firm.listed, firm.board = True, code
                    firm.ipo = r.raise_share * market_value(firm, r)
                    m.flows["ipo"] += firm.ipo
