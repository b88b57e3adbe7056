"""Entry of new technology-based SMEs and exit (baseline hazard and insolvency)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel
from model.simulation.founding import draw_firms
from model.simulation.population import DEAD, Population

# Share of exited rows above which the year-end compaction runs. A speed setting,
# not an economic parameter: it moves rows, and so the random stream, but not the
# distribution of any outcome.
COMPACT_ABOVE = 0.08

if TYPE_CHECKING:
    from model.simulation.economy import Economy


@kernel
def _closing(status, birth_quarter, cash, quarter, hazards, rng):
    """Rows of the firms that close this quarter (a uniform draw per operating firm,
    in row order): hazard = exit rate + young-firm rate (younger than `young_years`) +
    insolvency rate (negative cash)."""
    exit_rate, young_rate, insolvency_rate, young_years = hazards
    rows = np.empty(len(status), dtype=np.int64)
    count = 0
    for i in range(len(status)):
        if status[i] == DEAD:
            continue
        young = (quarter - birth_quarter[i]) / 4.0 < young_years
        hazard = exit_rate + young_rate * young + insolvency_rate * (cash[i] < 0)
        if rng.random(dtype=np.float32) < hazard:
            rows[count] = i
            count += 1
    return rows[:count].copy()  # not a view: the full-length buffer is freed now


def exit_firms(model: Economy) -> int:
    """Firms that close this quarter; insolvent ones (negative cash) much more often."""
    pop, d = model.population, model.params.demography
    hazards = (d.exit_rate, d.young_exit_rate, d.insolvency_exit, d.young_years)
    rows = _closing(pop.status, pop.birth_quarter, pop.cash, model.quarter, hazards, model.rng)
    liquidate(pop, rows)
    return len(rows)


def liquidate(pop: Population, rows: np.ndarray) -> None:
    """Close firms: assets go to creditors, the rest is written off; nothing flows after.

    With no sales, cash, debt or plant left, an exited row pays and receives nothing
    until the year-end compaction drops it.
    """
    pop.status[rows] = DEAD
    for column in (
        "size",
        "revenue",
        "opex",
        "cash",
        "bank_debt",
        "ip_debt",
        "fixed_assets",
        "grants",
        "support_payment",
    ):
        getattr(pop, column)[rows] = 0.0
    pop.preparing[rows] = 0
    pop.support_until[rows] = -1


def enter_firms(model: Economy) -> int:
    """New firms, in proportion to the pool; founded this quarter."""
    pop, d = model.population, model.params.demography
    count = int(model.rng.poisson(d.entry_rate * int(pop.alive.sum())))
    if count:
        pop.add(
            draw_firms(
                model.params,
                model.rng,
                count,
                model.quarter,
                revenue_median_myuan=d.entrant_revenue_median_myuan,
                age_mean_years=0.0,
            )
        )
    return count


def enter_and_exit(model: Economy) -> None:
    """Exits, then entries; at year end exited rows are dropped once they are many."""
    model.exits = exit_firms(model)
    model.entries = enter_firms(model)
    pop = model.population
    exited_share = 1.0 - np.count_nonzero(pop.alive) / max(len(pop), 1)
    if model.quarter_of_year == 4 and exited_share > COMPACT_ABOVE:
        model.links.remap(pop.compact())
