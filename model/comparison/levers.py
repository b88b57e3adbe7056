"""The lever matrix: every policy lever a scenario can set, the output it moves directly,
and in which direction.

The same matrix feeds the suite (tests/test_levers.py: on a small economy each lever
must move its direct output as stated, with common random numbers) and
`littlegiants levers`, whose runs `littlegiants docs` turns into docs/levers.md: what
each lever moves by 2025, with 95% intervals. A lever that moves nothing is a
failing test, not a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.params import Params
from model.params.loading import with_changes

Changes = Callable[[Params], dict[str, Any]]


@dataclass(frozen=True)
class Lever:
    """One lever: how a scenario pulls it, and the output that must follow."""

    name: str
    pulled: str  # what the pulled scenario does, for people
    changes: Changes
    direct: str  # reporter the lever acts on first
    direction: int  # +1: the direct output rises, -1: it falls
    total: bool = False  # compare the sum over quarters (flows) rather than 2025Q4

    def apply(self, params: Params) -> Params:
        """The pulled scenario: `params` with this lever moved, named after it."""
        pulled = with_changes(params, self.changes(params))
        return pulled.model_copy(update={"name": f"{params.name} + {self.name}"})


def _scaled(key: str, factor: float) -> Changes:
    def changes(params: Params) -> dict[str, Any]:
        value: Any = params
        for part in key.split("."):
            value = getattr(value, part)
        return {key: value * factor}

    return changes


def _programme_budget(factor: float) -> Changes:
    def changes(params: Params) -> dict[str, Any]:
        programmes = [p.model_dump() for p in params.fiscal.programmes]
        for programme in programmes:
            if programme["unlisted_only"]:  # the 2024 MoF-MIIT programme
                programme["batch_budget_myuan"] *= factor
        return {"fiscal.programmes": programmes}

    return changes


def _more_zones(share: float) -> Changes:
    def changes(params: Params) -> dict[str, Any]:
        expansions = [e.model_dump() for e in params.zones.expansions]
        expansions.append({"quarter": "2021Q1", "share": share, "note": "lever"})
        return {"zones.expansions": expansions}

    return changes


LEVERS: tuple[Lever, ...] = (
    Lever(
        "fiscal awards",
        "every award x3",
        _scaled("fiscal.support_scale", 3.0),
        "finance_fiscal_yuan",
        +1,
        total=True,
    ),
    Lever(
        "2024 programme",
        "its batches x3",
        _programme_budget(3.0),
        "key_programme_firms",
        +1,
    ),
    Lever(
        "guidance funds",
        "annual budget x3",
        _scaled("finance.guidance_fund.annual_budget_myuan", 3.0),
        "finance_guidance_fund_yuan",
        +1,
        total=True,
    ),
    Lever(
        "VC capacity",
        "private VC money x0.25",
        _scaled("finance.vc.annual_capacity_myuan", 0.25),
        "finance_vc_yuan",
        -1,
        total=True,
    ),
    Lever(
        "bank limits",
        "loan-to-value halved",
        _scaled("finance.bank.loan_to_value", 0.5),
        "finance_bank_yuan",
        -1,
        total=True,
    ),
    Lever(
        "IP pledges",
        "no IP-pledge lending",
        lambda params: {"finance.ip_pledge.uptake": 0.0},
        "finance_ip_pledge_yuan",
        -1,
        total=True,
    ),
    Lever(
        "listing capacity",
        "every board's capacity x3",
        _scaled("finance.listing.capacity_scale", 3.0),
        "ipo_proceeds_yuan",
        +1,
        total=True,
    ),
    Lever(
        "zones",
        "a 2021 expansion takes in 10% of firms outside zones",
        _more_zones(0.10),
        "lg_share_high_tech_zone",
        +1,
    ),
    Lever(
        "review strictness",
        "the review asks 10 points more growth",
        lambda params: {"certification.review_growth_margin": 0.10},
        "national_review_pass_rate",
        -1,
        total=True,
    ),
)


def direct_value(results: pd.DataFrame, lever: Lever, quarter: str = "2025Q4") -> pd.Series:
    """The lever's direct output per run: its sum over quarters (a rate: its mean), or
    its value at `quarter`."""
    rows = results[results["variable"] == lever.direct]
    if lever.total:
        rate = lever.direct.endswith("_rate")
        grouped = rows.groupby("run_id")["value"]
        return grouped.mean() if rate else grouped.sum()
    return rows[rows["quarter"] == quarter].set_index("run_id")["value"]


def moved_as_stated(base: pd.DataFrame, pulled: pd.DataFrame, lever: Lever) -> bool:
    """Whether the pulled runs' direct output moved the stated way, run by run on average."""
    difference = direct_value(pulled, lever) - direct_value(base, lever)
    return bool(np.sign(difference.mean()) == lever.direction and difference.abs().mean() > 0)
