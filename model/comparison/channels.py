"""Decomposing a restriction effect by channel, with common random numbers.

For a scenario with restrictions, `channel_variants` builds the same scenario with
every channel off (`<name> · none`) and with each channel alone (`<name> · supply_cut`,
...). Every variant runs the same seeds, so `decomposition_table` gives each channel's
effect alone against none, paired run by run, beside the net effect of all channels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.comparison.compare import mean_interval, paired_differences
from model.params import Params
from model.params.loading import with_changes
from model.params.restrictions import RestrictionChannels

CHANNELS: tuple[str, ...] = tuple(RestrictionChannels.model_fields)
NONE = "none"
SEPARATOR = " · "
DECOMPOSED = (
    "national_little_giants",
    "lg_invention_patents_mean",
    "large_firm_domestic_supply_share",
)
SECTOR_PREFIXES = ("lg_count_sector_", "domestic_supply_share_sector_")


def variant_name(scenario: str, channel: str) -> str:
    """Name of a channel variant, like 'baseline · supply_cut'."""
    return f"{scenario}{SEPARATOR}{channel}"


def channel_variants(params: Params) -> list[Params]:
    """The scenario with no channel on, then with each channel alone."""
    variants = []
    for alone in (NONE, *CHANNELS):
        switches = {f"restrictions.channels.{c}": c == alone for c in CHANNELS}
        variant = with_changes(params, switches)
        variants.append(variant.model_copy(update={"name": variant_name(params.name, alone)}))
    return variants


def has_restrictions(params: Params) -> bool:
    """Whether the scenario puts any restriction in force (so it has channels to split)."""
    return any(event.kind == "restriction" for event in params.restrictions.events)


def decomposition_table(
    results: pd.DataFrame, scenario: str, quarter: str, variables: Sequence[str] | None = None
) -> pd.DataFrame:
    """At one quarter: each channel alone minus no channel (and all channels minus no
    channel), mean paired difference over seeds with its 95% confidence interval.

    `results` holds the scenario and its variants (same seeds); without `variables`
    the national key variables and every breakdown by field are split.
    """
    none = variant_name(scenario, NONE)
    at = results[results["quarter"] == quarter]
    if variables is None:
        names = at["variable"].unique()
        variables = [*DECOMPOSED, *sorted(v for v in names if v.startswith(SECTOR_PREFIXES))]
    at = at[at["variable"].isin(variables)]
    diffs = paired_differences(at, none)
    rows = []
    for label, name in [("all channels", scenario)] + [
        (c, variant_name(scenario, c)) for c in CHANNELS
    ]:
        for variable in variables:
            d = diffs[(diffs["scenario"] == name) & (diffs["variable"] == variable)]
            values = d["difference"].to_numpy(float)
            if len(values) == 0:
                continue
            low, high = mean_interval(values)
            rows.append(
                {
                    "channel": label,
                    "variable": variable,
                    "effect": float(np.mean(values)),
                    "ci_low": low,
                    "ci_high": high,
                    "distinguishable": bool(low > 0 or high < 0),
                    "runs": len(values),
                }
            )
    return pd.DataFrame(rows).assign(quarter=quarter, scenario=scenario)
