"""Large firms' demand for specialized inputs; restrictions cut the foreign part."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.simulation.economy import Economy


def update(model: Economy) -> None:
    """Grow demand and move exposed buyers' purchases from foreign to domestic suppliers.

    A buyer's foreign share is its initial share times
    (1 - supply_cut * min(1, restriction index * buyer exposure)).
    """
    buyers, params = model.buyers, model.params
    buyers.demand *= (1.0 + params.large_firms.demand_growth) ** 0.25
    hit = np.minimum(1.0, model.policy.restriction_index * buyers.exposure)
    buyers.foreign_share = buyers.initial_foreign_share * (
        1.0 - params.restrictions.supply_cut * hit
    )
