"""The province part of the run and comparison reports: a map, the top ten, the regions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from model.calendar import parse_quarter
from model.params.provinces import REGIONS
from model.reports.charts import save_figure
from model.reports.province_map import province_map, province_values, top_provinces
from model.reports.report import markdown_table

LG = "lg_count"


def _last(results: pd.DataFrame) -> str:
    return max(results["quarter"].unique(), key=parse_quarter)


def region_shares(results: pd.DataFrame, quarter: str) -> dict[str, float]:
    """Median over runs of each macro-region's share of national little giants."""
    at = results[results["quarter"] == quarter]
    return {
        r: float(at[at["variable"] == f"lg_share_region_{r}"]["value"].median()) for r in REGIONS
    }


def provinces_markdown(results: pd.DataFrame, figure_dir: Path, figure: str) -> str:
    """Map of national little giants per province at the last quarter (first scenario),
    the ten largest provinces and the macro-regions' shares; '' without province outputs."""
    scenario = str(results["scenario"].iloc[0])
    rows = results[results["scenario"] == scenario]
    quarter = _last(rows)
    values = province_values(rows, LG, quarter)
    if not values:
        return ""
    title = f"National little giants by province, {quarter} ({scenario}, median of runs)"
    save_figure(province_map(values, title, "firms"), figure_dir / figure)
    top = [
        [str(i), name, f"{value:,.0f}"] for i, (name, value) in enumerate(top_provinces(values), 1)
    ]
    shares = region_shares(rows, quarter)
    region_rows = [[r, f"{100 * shares[r]:.1f}%"] for r in REGIONS]
    return "\n\n".join(
        [
            f"![province map]({figure_dir.name}/{figure})",
            f"Ten provinces with the most national little giants, {quarter}:",
            markdown_table(["rank", "province", "little giants"], top, left=2),
            "Shares of national little giants by macro-region:",
            markdown_table(["region", "share"], region_rows),
        ]
    )


def difference_map(
    results: pd.DataFrame, scenario: str, reference: str, figure_dir: Path, figure: str
) -> str:
    """Map of the difference in little giants per province (medians over runs), scenario
    minus reference, at the last quarter both reach (a projection runs past a 2025 scenario);
    '' without province outputs."""
    rows = results[results["variable"].str.startswith(f"{LG}_province_")]
    pair = rows[rows["scenario"].isin([scenario, reference])]
    reached = [set(group["quarter"].unique()) for _, group in pair.groupby("scenario")]
    common = set.intersection(*reached) if len(reached) == 2 else set()
    if not common:
        return ""
    quarter = max(common, key=parse_quarter)
    ours = province_values(results, LG, quarter, scenario)
    theirs = province_values(results, LG, quarter, reference)
    if not ours or not theirs:
        return ""
    difference = {p: ours[p] - theirs.get(p, 0.0) for p in ours}
    title = f"{scenario} minus {reference}: national little giants by province, {quarter}"
    save_figure(province_map(difference, title, "firms", diverging=True), figure_dir / figure)
    return f"![{scenario} minus {reference} by province]({figure_dir.name}/{figure})"
