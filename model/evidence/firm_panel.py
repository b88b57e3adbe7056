"""The firm panel of one run: what the stylized facts need, recorded quarter by quarter.

`collect_panel` steps an Economy to its end and keeps, per firm id, operating spans,
patents filed per year, recent growth rates and year-end stocks, never the whole state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.calendar import year_of

if TYPE_CHECKING:
    from model.simulation.economy import Economy

GROWTH_QUARTERS = 8  # last quarters whose growth rates are kept


@dataclass
class FirmPanel:
    """What the stylized facts need from one run (counts at the run's scale).

    sizes: annual revenue of firms operating all of the last complete year, M yuan.
    growth: quarterly log revenue growth of surviving firms over the last quarters,
        each quarter's cross-section mean removed (aggregate shocks are not firm dynamics).
    patents: invention patents owned per operating firm at the end.
    filed, present: (years, firm ids) patents filed per calendar year, and whether
        the firm operated the whole year.
    rd_stock_start: (firm ids) R&D stock at the start of the last complete year, M yuan.
    """

    scale: float
    years: tuple[int, ...]
    sizes: np.ndarray
    growth: np.ndarray
    patents: np.ndarray
    filed: np.ndarray
    present: np.ndarray
    rd_stock_start: np.ndarray


class _Recorder:
    """Per-quarter bookkeeping by firm id (rows move when exited firms are dropped)."""

    def __init__(self, model: Economy) -> None:
        start, end = model.quarter, model.end_quarter
        self.years = tuple(range(year_of(start), year_of(end) + 1))
        self.first = np.full(0, np.iinfo(np.int32).max, np.int32)  # first quarter operating
        self.last = np.full(0, -1, np.int32)  # last quarter operating
        self.filed = np.zeros((len(self.years), 0), np.int32)
        self.stock_start = np.zeros(0)  # R&D stock at the end of the year before the last
        self.stock_end = np.zeros(0)  # R&D stock at the last year end
        self.growth: deque[np.ndarray] = deque(maxlen=GROWTH_QUARTERS)
        self.sizes = np.empty(0)
        self._mark_operating(model, start - 1)  # the founding pool operates before Q1
        self.previous = self._revenues(model)

    def _grow(self, ids: int) -> None:
        extra = ids - len(self.first)
        if extra <= 0:
            return
        extra = max(extra, len(self.first) // 2)
        self.first = np.concatenate([self.first, np.full(extra, np.iinfo(np.int32).max)])
        self.last = np.concatenate([self.last, np.full(extra, -1, np.int32)])
        self.filed = np.concatenate([self.filed, np.zeros((len(self.years), extra), np.int32)], 1)
        self.stock_start = np.concatenate([self.stock_start, np.zeros(extra)])
        self.stock_end = np.concatenate([self.stock_end, np.zeros(extra)])

    def _mark_operating(self, model: Economy, quarter: int) -> None:
        pop = model.population
        self._grow(int(pop.firm_id[-1]) + 1 if len(pop) else 0)
        ids = pop.firm_id[pop.alive]
        self.first[ids] = np.minimum(self.first[ids], quarter)
        self.last[ids] = quarter

    @staticmethod
    def _revenues(model: Economy) -> tuple[np.ndarray, np.ndarray]:
        pop = model.population
        selling = pop.alive & (pop.revenue > 0)
        return pop.firm_id[selling], pop.revenue[selling]

    def record(self, model: Economy) -> None:
        """After a step: operating spans, patents filed, growth rates, year-end stocks."""
        pop, quarter = model.population, model.quarter - 1  # the quarter just simulated
        self._mark_operating(model, quarter)
        year = self.years.index(year_of(quarter))
        self.filed[year, pop.firm_id] += pop.patents_new
        ids, revenue = self._revenues(model)
        # firm ids are sorted in the population, so survivors are found by intersection
        _, now, before = np.intersect1d(
            ids, self.previous[0], assume_unique=True, return_indices=True
        )
        growth = np.log(revenue[now] / self.previous[1][before])
        self.growth.append((growth - growth.mean()).astype(np.float32))
        self.previous = (ids, revenue)
        if quarter % 4 == 3:  # year end: the accounts just closed hold the year's revenue
            self.stock_start, self.stock_end = self.stock_end, np.zeros(len(self.first))
            self.stock_end[pop.firm_id] = pop.rd_stock
            whole_year = self.first[pop.firm_id] <= quarter - 4
            self.sizes = pop.rev_y1[pop.alive & whole_year & (pop.rev_y1 > 0)].copy()

    def panel(self, model: Economy) -> FirmPanel:
        """The panel over complete years (a year is complete once its Q4 was simulated)."""
        done = sum(1 for y in self.years if 4 * y + 3 <= model.quarter - 1)
        starts = np.array([4 * y for y in self.years[:done]])
        operating_before = self.first[None, :] < starts[:, None]
        present = operating_before & (self.last[None, :] >= starts[:, None] + 3)
        pop = model.population
        return FirmPanel(
            scale=model.params.scale,
            years=self.years[:done],
            sizes=self.sizes,
            growth=np.concatenate(list(self.growth)) if self.growth else np.empty(0),
            patents=pop.patents[pop.alive].astype(float),
            filed=self.filed[:done],
            present=present,
            rd_stock_start=self.stock_start,  # the stock at the last complete year's start
        )


def collect_panel(model: Economy) -> FirmPanel:
    """Step `model` to its end quarter, recording the firm panel; the run itself is unchanged."""
    recorder = _Recorder(model)
    while model.running:
        model.step()
        recorder.record(model)
    return recorder.panel(model)
