"""Decomposing an effect by channel, with common random numbers.

A switch group is a set of boolean switches that turn the channels of a mechanism on
and off: the restriction channels (`restrictions.channels`) and the zone services
(`zones.services`). `channel_variants` builds a scenario with every switch of a
group off (`<name> · none`) and with each switch alone (`<name> · supply_cut`, ...).
Every variant runs the same seeds, so `decomposition_table` gives each channel's
part, paired run by run:

- of a scenario's own mechanism (restrictions): each channel alone minus none;
- of an effect against a reference (a zone expansion against the baseline): the
  effect with each channel alone minus the effect with none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.comparison.compare import mean_interval, paired_differences
from model.params import Params
from model.params.loading import with_changes
from model.params.policy import ZoneServices
from model.params.restrictions import RestrictionChannels

GROUPS: dict[str, tuple[str, ...]] = {
    "restrictions.channels": tuple(RestrictionChannels.model_fields),
    "zones.services": tuple(ZoneServices.model_fields),
}
CHANNELS = GROUPS["restrictions.channels"]
NONE = "none"
SEPARATOR = " · "
DECOMPOSED = (
    "national_little_giants",
    "lg_invention_patents_mean",
    "large_firm_domestic_supply_share",
)
SECTOR_PREFIXES = ("lg_count_sector_", "domestic_supply_share_sector_")


# Variant names carry their group, so two groups' variants of one scenario differ.
TAGS = {"restrictions.channels": "", "zones.services": "zone "}


def variant_name(scenario: str, channel: str, group: str = "restrictions.channels") -> str:
    """Name of a channel variant, like 'baseline · supply_cut' or 'baseline · zone costs'."""
    return f"{scenario}{SEPARATOR}{TAGS[group]}{channel}"


def channel_variants(params: Params, group: str = "restrictions.channels") -> list[Params]:
    """The scenario with no switch of `group` on, then with each switch alone."""
    variants = []
    for alone in (NONE, *GROUPS[group]):
        switches = {f"{group}.{c}": c == alone for c in GROUPS[group]}
        variant = with_changes(params, switches)
        name = variant_name(params.name, alone, group)
        variants.append(variant.model_copy(update={"name": name}))
    return variants


def has_restrictions(params: Params) -> bool:
    """Whether the scenario puts any restriction in force (so it has channels to split)."""
    return any(event.kind == "restriction" for event in params.restrictions.events)


def _row(label: str, variable: str, values: np.ndarray) -> dict:
    low, high = mean_interval(values)
    return {
        "channel": label,
        "variable": variable,
        "effect": float(np.mean(values)),
        "ci_low": low,
        "ci_high": high,
        "distinguishable": bool(low > 0 or high < 0),
        "runs": len(values),
    }


def _variables(at: pd.DataFrame, variables: Sequence[str] | None) -> list[str]:
    if variables is not None:
        return list(variables)
    names = at["variable"].unique()
    return [*DECOMPOSED, *sorted(v for v in names if v.startswith(SECTOR_PREFIXES))]


def _effects(at: pd.DataFrame, scenario: str, reference: str | None) -> pd.DataFrame:
    """Per run: a scenario's value, or its paired effect against `reference`."""
    if reference is None:
        return at[at["scenario"] == scenario].set_index(["run_id", "variable"])["value"]
    pair = paired_differences(at[at["scenario"].isin([scenario, reference])], reference)
    pair = pair[pair["scenario"] == scenario]
    return pair.set_index(["run_id", "variable"])["difference"]


def decomposition_table(
    results: pd.DataFrame,
    scenario: str,
    quarter: str,
    variables: Sequence[str] | None = None,
    group: str = "restrictions.channels",
    reference: str | None = None,
) -> pd.DataFrame:
    """At one quarter, each channel alone (and all) against none, mean paired difference
    over seeds with its 95% confidence interval; with `reference`, of the scenario's
    effect against the reference (whose variants must be in `results` too)."""
    at = results[results["quarter"] == quarter]
    variables = _variables(at, variables)
    at = at[at["variable"].isin(variables)]

    def effect(channel: str | None) -> pd.Series:
        own = scenario if channel is None else variant_name(scenario, channel, group)
        if reference is None:
            return _effects(at, own, None)
        ref = reference if channel is None else variant_name(reference, channel, group)
        return _effects(at, own, ref)

    none = effect(NONE)
    rows = []
    for label, channel in [("all channels", None), *((c, c) for c in GROUPS[group])]:
        gap = (effect(channel) - none).dropna()
        present = set(gap.index.get_level_values("variable")) if len(gap) else set()
        for variable in variables:
            if variable in present:
                values = gap.xs(variable, level="variable").to_numpy(float)
                rows.append(_row(label, variable, values))
    return pd.DataFrame(rows).assign(quarter=quarter, scenario=scenario)
