"""Entry of new technology-based SMEs and exit (baseline hazard and insolvency)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.founding import draw_firms
from model.population import DEAD

# Share of exited rows above which the year-end compaction runs. A speed setting,
# not an economic parameter: it moves rows, and so the random stream, but not the
# distribution of any outcome.
COMPACT_ABOVE = 0.08

if TYPE_CHECKING:
    from model.economy import Economy


def exit_firms(model: Economy) -> int:
    """Firms that close this quarter; insolvent ones (negative cash) much more often."""
    pop, d = model.population, model.params.demography
    young = pop.age_years(model.quarter) < 3.0
    hazard = d.exit_rate + d.young_exit_rate * young + d.insolvency_exit * (pop.cash < 0)
    closes = pop.alive & (model.rng.random(len(pop), dtype=np.float32) < hazard)
    pop.status[closes] = DEAD
    pop.size[closes] = 0.0
    pop.revenue[closes] = 0.0
    pop.preparing[closes] = 0
    pop.support_until[closes] = -1
    return int(closes.sum())


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
