"""A tile-grid map of China's 31 mainland provinces: one square per province, placed
roughly where it lies, coloured by a value (a count, or a difference between scenarios).

No boundary set is shipped (none clean enough to package was found); the tile grid
is in the package data (model/data/provinces.csv).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from model.reports.charts import new_figure


@cache
def tiles() -> dict[str, tuple[int, int]]:
    """Pinyin key -> (row, column) of each province's tile."""
    with resources.files("model.data").joinpath("provinces.csv").open(encoding="utf-8") as f:
        return {r["province"]: (int(r["tile_row"]), int(r["tile_col"])) for r in csv.DictReader(f)}


def _colours(values: list[float], diverging: bool) -> tuple[mpl.colors.Normalize, object]:
    if diverging:
        edge = max((abs(v) for v in values), default=1.0) or 1.0
        return mpl.colors.Normalize(-edge, edge), mpl.colormaps["RdBu_r"]
    return mpl.colors.Normalize(0.0, max(values, default=1.0) or 1.0), mpl.colormaps["viridis"]


def province_map(
    values: Mapping[str, float], title: str, unit: str = "", diverging: bool = False
) -> Figure:
    """The map: each tile coloured by `values[province]` (grey where missing), with the
    value written on it; `diverging` centres the colours on zero (for differences)."""
    layout = tiles()
    fig = new_figure(7.5, 7.0)
    ax = fig.add_subplot()
    known = [values[p] for p in layout if np.isfinite(values.get(p, np.nan))]
    norm, cmap = _colours(known, diverging)
    for province, (row, col) in layout.items():
        value = values.get(province, float("nan"))
        finite = bool(np.isfinite(value))
        colour = cmap(norm(value)) if finite else "#dddddd"
        ax.add_patch(Rectangle((col, -row), 0.94, 0.94, facecolor=colour, edgecolor="white"))
        shade = norm(value) if finite else 1.0
        dark = abs(shade - 0.5) > 0.3 if diverging else shade < 0.5
        ink = "white" if dark else "black"
        shown = (f"{value:+,.0f}" if diverging else f"{value:,.0f}") if finite else "–"
        size = 7 if len(province) <= 9 else 6  # Heilongjiang still fits its tile
        ax.text(
            col + 0.47, -row + 0.6, province.capitalize(), ha="center", fontsize=size, color=ink
        )
        ax.text(col + 0.47, -row + 0.28, shown, ha="center", fontsize=7, color=ink)
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-8.2, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, label=unit)
    return fig


def province_values(
    results: pd.DataFrame, variable: str, quarter: str, scenario: str | None = None
) -> dict[str, float]:
    """Median over runs of `<variable>_province_<name>` at a quarter, per province."""
    prefix = f"{variable}_province_"
    at = results[(results["quarter"] == quarter) & results["variable"].str.startswith(prefix)]
    if scenario is not None:
        at = at[at["scenario"] == scenario]
    medians = at.groupby("variable")["value"].median()
    return {name.removeprefix(prefix): float(v) for name, v in medians.items()}


def top_provinces(values: Mapping[str, float], count: int = 10) -> list[tuple[str, float]]:
    """The `count` provinces with the largest values, largest first."""
    return sorted(values.items(), key=lambda item: -item[1])[:count]
