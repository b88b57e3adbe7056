"""Large firms' orders for specialized inputs, the foreign inputs they lose, and de-risking.

Buyers decide here how much to order (their potential demand, cut by last quarter's
lost output) and how much of it they want from domestic suppliers: the blocked
foreign inputs (export controls on their field, or all US-controlled inputs of a
listed buyer) and the allowed foreign inputs they choose to move home. Whether they
get them is decided by matching and production, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.params.restrictions import RestrictionParams
    from model.simulation.agents.buyers import LargeFirms
    from model.simulation.economy import Economy


def blocked_share(buyers: LargeFirms, control: np.ndarray) -> np.ndarray:
    """Share of each buyer's foreign inputs it may not buy.

    min(1, field control x buyer exposure), and for a listed buyer at least the
    share of its foreign inputs under US jurisdiction (its `input_loss`).
    """
    controlled = np.minimum(control[buyers.sector] * buyers.exposure, 1.0)
    return np.maximum(controlled, buyers.input_loss * buyers.sanctioned)


def derisk_step(buyers: LargeFirms, control: np.ndarray, r: RestrictionParams) -> np.ndarray:
    """De-risking: an unlisted buyer in a controlled field moves part of its still
    allowed foreign inputs home before a rule forces it to.

    target = derisk_target x field control; each quarter the buyer closes
    `derisk_speed` of the gap (and drifts back when controls are lifted).
    """
    if not r.channels.derisking:
        return np.zeros(len(buyers))
    target = np.minimum(r.derisk_target * control[buyers.sector], 1.0)
    return buyers.derisk + r.derisk_speed * (target - buyers.derisk)


def update(model: Economy) -> None:
    """This quarter's orders and the foreign inputs buyers want replaced at home."""
    buyers, params = model.buyers, model.params
    r = params.restrictions
    buyers.potential_demand *= (1.0 + params.large_firms.demand_growth) ** 0.25
    buyers.demand = buyers.potential_demand * buyers.output_factor
    control = model.policy.control
    buyers.blocked = blocked_share(buyers, control)
    buyers.derisk = derisk_step(buyers, control, r)
