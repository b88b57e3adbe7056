"""The 'Decomposition by channel' section: each restriction channel alone against none."""

from __future__ import annotations

import math

import pandas as pd

from model.comparison.channels import DECOMPOSED, decomposition_table
from model.reports.report import describe, markdown_table

HEADING = "## Decomposition by channel"


def _effect(row: pd.Series, kind: str) -> str:
    if math.isnan(row["effect"]):
        return "–"
    factor, unit = (100.0, " pp") if kind == "share" else (1.0, "")
    low, high = row["ci_low"] * factor, row["ci_high"] * factor
    digits = 0 if kind == "firms" else 1
    mark = " ✓" if row["distinguishable"] else ""
    band = f"[{low:+,.{digits}f}, {high:+,.{digits}f}]"
    return f"{row['effect'] * factor:+,.{digits}f}{unit} {band}{mark}"


def _table(table: pd.DataFrame, variables: list[str], first: str) -> str:
    header = [first, *(describe(v)[0] for v in variables)]
    rows = []
    for channel in dict.fromkeys(table["channel"]):
        cells = [channel]
        for variable in variables:
            match = table[(table["channel"] == channel) & (table["variable"] == variable)]
            kind = describe(variable)[1]
            cells.append("–" if match.empty else _effect(match.iloc[0], kind))
        rows.append(cells)
    return markdown_table(header, rows)


def decomposition_markdown(results: pd.DataFrame, scenario: str, quarters: list[str]) -> str:
    """National effects of each channel alone (and of all) against no channel, then the
    breakdown by field of little giants and of the domestic share, per quarter."""
    parts = [
        HEADING,
        "",
        f"_{scenario} with every restriction channel off is the reference; each row switches "
        "on one channel (or all), same seeds. Mean paired difference [95% confidence "
        "interval]; ✓ = the interval excludes zero. Channels interact, so the rows need "
        "not add up to 'all channels'._",
    ]
    for quarter in quarters:
        table = decomposition_table(results, scenario, quarter)
        if table.empty:
            continue
        parts += [f"\n**{quarter}**\n", _table(table, list(DECOMPOSED), "channel")]
        for prefix in ("lg_count_sector_", "domestic_supply_share_sector_"):
            names = sorted(v for v in table["variable"].unique() if v.startswith(prefix))
            if names:
                transposed = table[table["variable"].isin(names)]
                parts += ["", _by_field(transposed, names, prefix)]
    return "\n".join(parts) + "\n"


def _by_field(table: pd.DataFrame, names: list[str], prefix: str) -> str:
    """Fields as rows, channels as columns, for one breakdown."""
    channels = list(dict.fromkeys(table["channel"]))
    kind = describe(names[0])[1]
    header = [f"{describe(prefix.rstrip('_').replace('_sector', ''))[0]}: field", *channels]
    rows = []
    for name in names:
        cells = [name.removeprefix(prefix).replace("_", " ")]
        for channel in channels:
            match = table[(table["channel"] == channel) & (table["variable"] == name)]
            cells.append("–" if match.empty else _effect(match.iloc[0], kind))
        rows.append(cells)
    return markdown_table(header, rows)


def national_decomposition(results: pd.DataFrame, scenario: str, quarters: list[str]) -> str:
    """The national rows of the decomposition only (for the README)."""
    parts = [f"_Restrictions in {scenario}, by channel (each alone against none, same seeds):_"]
    for quarter in quarters:
        table = decomposition_table(results, scenario, quarter, DECOMPOSED)
        parts += [f"\n**{quarter}, by channel**\n", _table(table, list(DECOMPOSED), "channel")]
    return "\n".join(parts)


SERVICES_HEADING = "## Zone services"
SERVICE_OUTCOMES = (
    "national_little_giants",
    "lg_share_high_tech_zone",
    "lg_invention_patents_mean",
)


def services_markdown(
    results: pd.DataFrame, scenario: str, reference: str, quarters: list[str]
) -> str:
    """What each zone service did for a scenario's effect against the reference: the
    effect with one service on minus the effect with none (same seeds)."""
    parts = [
        f"{SERVICES_HEADING}: {scenario}",
        "",
        f"_The effect of {scenario} against {reference} with no zone service (costs, "
        "finance, matching) is the reference; each row switches on one service (or all). "
        "Mean paired difference [95% confidence interval]; ✓ = it excludes zero._",
    ]
    for quarter in quarters:
        table = decomposition_table(
            results, scenario, quarter, SERVICE_OUTCOMES, "zones.services", reference
        )
        if not table.empty:
            parts += [f"\n**{quarter}**\n", _table(table, list(SERVICE_OUTCOMES), "service")]
    return "\n".join(parts) + "\n"
