"""Stock exchanges as a Mesa agent: each board's standards, review queue and capacity.

Firms that pass a board's standards (any one set) apply to their first such board;
applications wait `review_quarters` (national little giants less, through the
exchanges' fast lanes), then the board lists, in order of application, as many as
its capacity this quarter allows, each with the board's approval chance. Dated
tightenings scale every board's capacity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.calendar import parse_quarter
from model.params import Params
from model.params.listing import Board, ListingParams
from model.simulation.compiled import kernel, rule
from model.simulation.population import DEAD, NATIONAL, Population

if TYPE_CHECKING:
    from model.simulation.economy import Economy

NO_BOARD = 0  # board codes: 0 none, 1 listed before the clock, 2.. the boards in order
EARLIER = 1


def market_value(pop: Population, rules: ListingParams) -> np.ndarray:
    """Expected market value, M yuan: valuation x revenue, higher for capable firms."""
    multiple = rules.valuation_to_revenue * np.exp(
        rules.valuation_capability * (pop.capability - 0.5)
    )
    return multiple * pop.rev_y1


# A standard set's tests in this order, one row of numbers per set; NaN: no such test
# (the parameters do not allow NaN for a test that is given). `passes_set` unpacks a row
# in this order.
STANDARD_TESTS = (
    "min_market_cap_myuan",
    "min_revenue_myuan",
    "min_rd_2y_myuan",
    "min_rd_intensity_2y",
    "min_profit_each_myuan",
    "min_profit_2y_myuan",
    "min_growth",
)


def standards_table(board: Board) -> np.ndarray:
    """The board's standard sets as rows of `STANDARD_TESTS` (NaN where a set lacks one;
    about 7 us a board, made at each use so that the board's rules are read where they
    act)."""
    return np.array(
        [
            [np.nan if getattr(s, t) is None else getattr(s, t) for t in STANDARD_TESTS]
            for s in board.standards
        ],
        dtype=np.float64,
    ).reshape(len(board.standards), len(STANDARD_TESTS))


@rule
def passes_set(value, rev_y1, rev_y2, rd_2y, profit_y1, profit_y2, test):
    """Whether a firm passes every test of one standard set, on last year's accounts:
    market value >= cap, revenue >= minimum, R&D over two years >= minimum and >=
    intensity x revenue over two years; where the set has them (not NaN), profit in
    each year >= minimum (within 1e-12), profit over two years >= minimum, and growth
    rev_y1 / rev_y2 - 1 >= minimum (growth -1 where rev_y2 is not positive)."""
    cap, revenue, rd_min, intensity, each, two_years, growth_min = test
    if not (value >= cap and rev_y1 >= revenue and rd_2y >= rd_min):
        return False
    if not rd_2y >= intensity * (rev_y1 + rev_y2):
        return False
    if not np.isnan(each) and not (profit_y1 > each - 1e-12 and profit_y2 > each - 1e-12):
        return False
    if not np.isnan(two_years) and not profit_y1 + profit_y2 >= two_years:
        return False
    if not np.isnan(growth_min):
        growth = rev_y1 / rev_y2 if rev_y2 > 0 else 0.0
        return growth - 1.0 >= growth_min
    return True


@kernel
def _passing(rows, value, accounts, tests, out):
    """out[j]: whether firm rows[j] (market value value[j]) passes any standard set of
    a board (`tests`, one row per set)."""
    rev_y1, rev_y2, rd_y1, rd_y2, profit_y1, profit_y2 = accounts
    for j in range(len(rows)):
        i = rows[j]
        out[j] = False
        rd_2y = rd_y1[i] + rd_y2[i]
        for k in range(tests.shape[0]):
            if passes_set(
                value[j], rev_y1[i], rev_y2[i], rd_2y, profit_y1[i], profit_y2[i], tests[k]
            ):
                out[j] = True
                break


def passes_board(pop: Population, rows: np.ndarray, value: np.ndarray, board: Board) -> np.ndarray:
    """Whether each firm of `rows` (market values `value`) passes any of the board's
    standard sets."""
    out = np.empty(len(rows), dtype=np.bool_)
    accounts = (pop.rev_y1, pop.rev_y2, pop.rd_y1, pop.rd_y2, pop.profit_y1, pop.profit_y2)
    _passing(rows, value, accounts, standards_table(board), out)
    return out


class Exchanges(mesa.Agent):
    """STAR, ChiNext and the Beijing Stock Exchange (or the boards a scenario names)."""

    def __init__(self, model: Economy) -> None:
        super().__init__(model)
        self.configure(model.params)
        self.proceeds = 0.0
        self.listings = np.zeros(len(self.rules.boards), dtype=np.int64)

    def configure(self, params: Params) -> None:
        """Take the boards, their opening quarters and the tightenings from the parameters."""
        self.rules: ListingParams = params.finance.listing
        self.scale = params.scale
        self.opens = [parse_quarter(b.opens) for b in self.rules.boards]
        self.tightenings = sorted(
            (parse_quarter(t.quarter), t.capacity_scale) for t in self.rules.tightenings
        )

    def pace(self, quarter: int) -> float:
        """The review pace in force: the latest tightening's scale (1 before any)."""
        in_force = [s for q, s in self.tightenings if q <= quarter]
        return (in_force[-1] if in_force else 1.0) * self.rules.capacity_scale

    def apply(self, pop: Population, rng: np.random.Generator, quarter: int) -> None:
        """Unlisted firms passing a board's standards apply to the first such board."""
        r = self.rules
        rows = _applicants(
            (pop.status, pop.listed, pop.queue_board, pop.vc_backed),
            (r.application_rate, r.unbacked_application),
            rng,
        )
        if len(rows) == 0:
            return
        value = market_value(pop.rows(rows), r)
        chosen = np.zeros(len(rows), dtype=np.int8)
        for code, (board, opens) in enumerate(zip(r.boards, self.opens, strict=True), start=2):
            if quarter >= opens:
                fits = (chosen == NO_BOARD) & passes_board(pop, rows, value, board)
                chosen[fits] = code
        pop.queue_board[rows] = chosen
        pop.queue_quarter[rows] = np.where(chosen > 0, quarter, pop.queue_quarter[rows])

    def decide(self, pop: Population, rng: np.random.Generator, quarter: int) -> np.ndarray:
        """Reviews that end this quarter: IPO proceeds per firm (M yuan)."""
        r, proceeds = self.rules, np.zeros(len(pop))
        pace = self.pace(quarter)
        queued = np.flatnonzero(pop.queue_board != NO_BOARD)
        waiting = pop.rows(queued)
        self.listings[:] = 0
        for index, board in enumerate(r.boards):
            code = index + 2
            fast_lane = r.title_fast_lane_quarters * (waiting.status == NATIONAL)
            waited = quarter - waiting.queue_quarter >= board.review_quarters - fast_lane
            due = queued[(waiting.queue_board == code) & waited & waiting.alive]
            capacity = board.capacity_per_year * self.scale * pace / 4.0
            slots = int(np.floor(capacity + rng.random()))
            order = due[np.lexsort((rng.random(len(due)), pop.queue_quarter[due]))]
            reviewed = order[:slots]
            value = market_value(pop.rows(reviewed), r)
            still_fit = passes_board(pop, reviewed, value, board)
            approved = reviewed[still_fit & (rng.random(len(reviewed)) < board.approval)]
            pop.queue_board[reviewed] = NO_BOARD  # decided: listed, or free to try again
            pop.listed[approved], pop.board[approved] = True, code
            proceeds[approved] = r.raise_share * market_value(pop.rows(approved), r)
            self.listings[index] = len(approved)
        self.proceeds = float(proceeds.sum())
        return proceeds


@kernel
def _applicants(firms, chances, rng):
    """Rows of the firms applying to list this quarter (a uniform draw per free firm):
    operating, unlisted, not queued, with chance application rate (x the unbacked
    factor without VC backing)."""
    status, listed, queue_board, vc_backed = firms
    application_rate, unbacked = chances
    rows = np.empty(len(status), dtype=np.int64)
    count = 0
    for i in range(len(status)):
        if status[i] == DEAD or listed[i] or queue_board[i] != NO_BOARD:
            continue
        chance = application_rate * (1.0 if vc_backed[i] else unbacked)
        if rng.random(dtype=np.float32) < chance:
            rows[count] = i
            count += 1
    return rows[:count].copy()  # not a view: the full-length buffer is freed now
