"""Charts of results: the median over runs with a 5-95% band, against the observed facts.

Every chart takes a tidy results table (scenario, run_id, seed, quarter, year,
variable, value) holding one or several scenarios and returns a matplotlib
`Figure`. Only the object API is used (no pyplot): pyplot keeps global state and
may pick a GUI backend, which breaks in worker processes and servers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from model.calendar import parse_quarter
from model.evidence.observed import observed_series
from model.io import write_atomic

DPI = 130
LEGEND_TITLE = "median, 5–95% of runs"
LEGEND_STYLE = {"fontsize": "small", "title_fontsize": "small"}
BAND = (0.05, 0.95)
MILLION = 1e6
BILLION = 1e9
# Colour-blind-friendly (Okabe-Ito) so scenarios stay apart in print and on screen.
SCENARIO_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
FINANCE_CHANNELS = {
    "finance_bank_yuan": ("Bank loans", "#0072B2"),
    "finance_ip_pledge_yuan": ("IP-pledge loans", "#56B4E9"),
    "finance_vc_yuan": ("Venture capital", "#E69F00"),
    "finance_guidance_fund_yuan": ("Government guidance funds", "#D55E00"),
    "finance_fiscal_yuan": ("Fiscal awards", "#009E73"),
    "finance_ipo_yuan": ("IPO proceeds", "#CC79A7"),
}


def quarter_time(quarters: Sequence[str] | pd.Series) -> np.ndarray:
    """Quarter labels as real time: '2021Q3' -> 2021.5 (year + (quarter - 1) / 4)."""
    # parse_quarter counts quarters as year * 4 + (quarter - 1): a quarter is 1/4 year.
    return np.array([parse_quarter(q) for q in quarters], dtype=float) / 4.0


def scenario_colours(results: pd.DataFrame) -> dict[str, str]:
    """One colour per scenario in order of appearance, the same in every panel and chart."""
    names = list(dict.fromkeys(results["scenario"]))
    return {name: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, name in enumerate(names)}


def summarise(results: pd.DataFrame, variable: str, scale: float = 1.0) -> pd.DataFrame:
    """Per scenario and quarter: 5%, median and 95% over runs (x `scale`), in time order.

    Columns scenario, quarter, time, p05, median, p95; empty if the variable is absent.
    """
    rows = results[results["variable"] == variable]
    summary = _band(rows.groupby(["scenario", "quarter"], sort=False)["value"])
    summary[["p05", "median", "p95"]] *= scale
    summary["time"] = quarter_time(summary["quarter"]) if len(summary) else []
    # Scenarios in order of appearance (not alphabetical) so legends follow the input.
    order = summary["scenario"].map({n: i for i, n in enumerate(scenario_colours(results))})
    return summary.iloc[np.lexsort((summary["time"], order))].reset_index(drop=True)


def _band(grouped: pd.api.typing.SeriesGroupBy) -> pd.DataFrame:
    """p05, median and p95 of each group, as a flat frame with the group keys as columns."""
    # One vectorised quantile call: per-group Python lambdas took a third of a report's time.
    levels = [BAND[0], 0.5, BAND[1]]
    table = grouped.quantile(levels).unstack().reindex(columns=levels)  # reindex: no groups
    return table.set_axis(["p05", "median", "p95"], axis=1).reset_index()


def new_figure(width: float = 8.0, height: float = 4.5) -> Figure:
    """A figure with constrained layout, so labels, titles and legends never overlap."""
    return Figure(figsize=(width, height), layout="constrained")


def style_axes(ax: Axes, *, ylabel: str = "", title: str = "", legend: bool = True) -> None:
    """Year ticks on x, thousands separators on y, grid and legend (see `zero_baseline`)."""
    ax.xaxis.set_major_locator(MultipleLocator(1.0))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}"))
    ax.yaxis.set_major_formatter(FuncFormatter(_tick))
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)  # grid behind bars and bands
    # An empty legend call warns (and warnings are errors in the tests), so check first.
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(title=LEGEND_TITLE, **LEGEND_STYLE)


def _tick(value: float, _position: float | None = None) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def draw_observed(ax: Axes, variable: str, scale: float = 1.0) -> None:
    """The observed facts for `variable` as black markers labelled 'observed'."""
    points = observed_series(variable)
    if points.empty:
        return
    # One legend entry even when several calls draw facts into the same axes.
    label = "_observed" if "observed" in ax.get_legend_handles_labels()[1] else "observed"
    times, values = quarter_time(points["quarter"]), points["value"] * scale
    ax.scatter(times, values, color="black", marker="o", s=28, zorder=5, label=label)


def plot_variable(
    results: pd.DataFrame,
    variable: str,
    *,
    ax: Axes | None = None,
    scale: float = 1.0,
    ylabel: str = "",
    title: str = "",
    label: str = "{scenario}",
    linestyle: str = "-",
    legend: bool = True,
) -> Figure:
    """Median line and 5-95% band of one variable per scenario, plus observed points.

    `scale` multiplies model and observed values alike (e.g. 1e-6 for million yuan,
    100 for percent); `label` is formatted with the scenario name. Draws into `ax`
    if given (for panels and twin axes), else into a new figure; returns the figure.
    """
    own_figure, ax = (True, new_figure().add_subplot()) if ax is None else (False, ax)
    summary = summarise(results, variable, scale)
    for scenario, colour in scenario_colours(results).items():
        part = summary[summary["scenario"] == scenario]
        if part.empty:
            continue
        ax.fill_between(part["time"], part["p05"], part["p95"], color=colour, alpha=0.2, lw=0)
        name = label.format(scenario=scenario)
        ax.plot(part["time"], part["median"], color=colour, linestyle=linestyle, label=name)
    draw_observed(ax, variable, scale)
    if summary.empty:
        # Say so on the chart rather than fail: a scenario may not produce every output.
        ax.text(0.5, 0.5, f"no model values for {variable}", transform=ax.transAxes, ha="center")
    style_axes(ax, ylabel=ylabel, title=title, legend=legend)
    fig = ax.get_figure(root=True)
    if own_figure:
        zero_baseline(fig)
    return fig


def zero_baseline(fig: Figure) -> Figure:
    """Start every y axis at zero (all outputs are counts, amounts or shares).

    Called once all panels are drawn: fixing the limit of a shared axis earlier
    would cut off the data of panels drawn later.
    """
    for ax in fig.axes:
        ax.set_ylim(bottom=0)
    return fig


def panels(
    results: pd.DataFrame,
    specs: Sequence[tuple[str, float, str, str]],
    title: str,
    sharey: bool = False,
) -> Figure:
    """`plot_variable` panels in one row (two rows of two for four), one legend below.

    Specs are (variable, scale, ylabel, panel title).
    """
    rows, cols = (2, 2) if len(specs) == 4 else (1, len(specs))
    fig = new_figure(11.0, 1.3 + 3.6 * rows)
    axes = fig.subplots(rows, cols, sharex=True, sharey=sharey, squeeze=False).ravel()
    for ax, (variable, scale, ylabel, panel_title) in zip(axes, specs, strict=True):
        plot_variable(
            results, variable, ax=ax, scale=scale, ylabel=ylabel, title=panel_title, legend=False
        )
        if not ax.get_subplotspec().is_last_row():
            ax.set_xlabel("")  # shared x axis: the bottom row names it
    figure_legend(fig)
    fig.suptitle(title)
    return zero_baseline(fig)


def figure_legend(fig: Figure, title: str = LEGEND_TITLE) -> None:
    """One legend below all panels (each label once) instead of one in every panel."""
    entries: dict[str, Artist] = {}
    for ax in fig.axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(text, handle)
    if entries:
        # Long labels (twin-axis chart, long scenario names) in two columns stay inside.
        columns = min(len(entries), 4 if max(map(len, entries)) <= 24 else 2)
        where = {"loc": "outside lower center", "ncols": columns, "title": title}
        fig.legend(list(entries.values()), list(entries), **where, **LEGEND_STYLE)


def national_little_giants_chart(results: pd.DataFrame) -> Figure:
    """National little giants over time against the reported 2020-25 totals."""
    return plot_variable(
        results, "national_little_giants", ylabel="firms", title="National little giants"
    )


def annual_certifications_chart(results: pd.DataFrame) -> Figure:
    """New national certifications per calendar year: bars of the median, 5-95% whiskers.

    Quarters are summed per year within each run before taking quantiles, so the
    band is of annual totals. Years not fully covered by the results are left out.
    """
    rows = results[results["variable"] == "new_national_certifications"]
    complete = rows.groupby(["scenario", "year"])["quarter"].transform("nunique") == 4
    per_run = rows[complete].groupby(["scenario", "run_id", "seed", "year"])["value"].sum()
    summary = _band(per_run.groupby(level=["scenario", "year"], sort=False))
    fig = new_figure()
    ax = fig.add_subplot()
    colours = scenario_colours(results)
    width = 0.8 / max(len(colours), 1)
    for i, (scenario, colour) in enumerate(colours.items()):
        part = summary[summary["scenario"] == scenario].sort_values("year")
        x = part["year"].to_numpy(dtype=float) + (i - (len(colours) - 1) / 2) * width
        ax.bar(x, part["median"], width=width * 0.95, color=colour, alpha=0.85, label=scenario)
        whiskers = [part["median"] - part["p05"], part["p95"] - part["median"]]
        ax.errorbar(x, part["median"], yerr=whiskers, fmt="none", ecolor="black", capsize=3)
    draw_observed(ax, "new_national_certifications")
    style_axes(ax, ylabel="firms certified per year", title="New national little giants per year")
    return zero_baseline(fig)


def provincial_and_innovative_chart(results: pd.DataFrame) -> Figure:
    """Provincial specialized SMEs and innovative SMEs, side by side (very different sizes)."""
    specs = [
        ("provincial_specialized", 1.0, "firms", "Provincial specialized SMEs"),
        ("innovative_smes", 1.0, "firms", "Innovative SMEs"),
    ]
    return panels(results, specs, "Lower tiers of the list")


def innovation_per_firm_chart(results: pd.DataFrame) -> Figure:
    """Invention patents and R&D (million yuan, last four quarters) per little giant."""
    specs = [
        ("lg_invention_patents_mean", 1.0, "invention patents owned per firm", "Patents"),
        ("lg_rd_spend_mean_yuan", 1 / MILLION, "million yuan per firm, last 4 quarters", "R&D"),
    ]
    return panels(results, specs, "Innovation per little giant")


def structural_shares_chart(results: pd.DataFrame) -> Figure:
    """Shares of little giants in high-tech zones, foundational fields, key chain links,
    and supplying three or more large firms, in percent, against the 2025 facts."""
    unit = "% of little giants"
    specs = [
        ("lg_share_high_tech_zone", 100.0, unit, "In national high-tech zones"),
        ("lg_share_foundational", 100.0, unit, "In foundational industrial fields"),
        ("lg_share_key_chain", 100.0, unit, "At key links of industrial chains"),
        ("lg_share_supplying_3plus_large", 100.0, unit, "Supplying 3 or more large firms"),
    ]
    fig = panels(results, specs, "Where little giants sit")
    for ax in fig.axes:
        ax.set_ylim(0, 102)  # the whole percent range; a little headroom for lines at 100
    return fig


def finance_chart(results: pd.DataFrame) -> Figure:
    """Finance reaching SMEs by channel: stacked medians, billion yuan per year.

    Flows are quarterly, so the annual rate is 4 x the quarterly median; one panel
    per scenario because stacked areas of several scenarios cannot be overlaid.
    """
    scenarios = list(scenario_colours(results))
    fig = new_figure(max(8.0, 6.0 * len(scenarios)), 5.0)
    axes = fig.subplots(1, len(scenarios), sharey=True, squeeze=False).ravel()
    for ax, scenario in zip(axes, scenarios, strict=True):
        subset = results[results["scenario"] == scenario]
        medians = {
            name: summarise(subset, variable, 4 / BILLION).set_index("time")["median"]
            for variable, (name, _) in FINANCE_CHANNELS.items()
        }
        table = pd.DataFrame(medians).sort_index().fillna(0.0)
        colours = [colour for _, colour in FINANCE_CHANNELS.values()]
        ax.stackplot(table.index, table.T.to_numpy(), labels=table.columns, colors=colours)
        style_axes(ax, ylabel="billion yuan per year", title=scenario, legend=False)
    figure_legend(fig, title="channel (median over runs of each)")
    fig.suptitle("Finance reaching SMEs by channel, at an annual rate")
    return zero_baseline(fig)


def foreign_supply_chart(results: pd.DataFrame) -> Figure:
    """Large firms' share of specialized inputs bought abroad, with the controlled share."""
    fig = new_figure(9.0, 5.0)
    ax = fig.add_subplot()
    twin = ax.twinx()
    share, index = "large_firm_foreign_supply_share", "controlled_foreign_share"
    label = "{scenario}: foreign supply share (left)"
    plot_variable(results, share, ax=ax, scale=100.0, label=label, legend=False)
    label = "{scenario}: foreign inputs under US control (right)"
    plot_variable(results, index, ax=twin, linestyle="--", label=label, legend=False)
    ax.set_ylabel("% of specialized inputs bought abroad")
    twin.set_ylabel("share of foreign inputs under US control")
    ax.set_title("Large firms' foreign supply and technology restrictions")
    twin.grid(False)  # the left axis' grid is enough; two grids do not line up
    figure_legend(fig)  # below the plot: inside, the twin axis' lines would cross it
    return zero_baseline(fig)


def entries_exits_chart(results: pd.DataFrame) -> Figure:
    """Technology-based SMEs entering and leaving the pool each quarter (shared y axis)."""
    specs = [
        ("sme_entries", 1.0, "firms per quarter", "Entries"),
        ("sme_exits", 1.0, "firms per quarter", "Exits"),
    ]
    return panels(results, specs, "Firms entering and leaving the pool", sharey=True)


# File stem -> chart; the report draws them in this order.
CHARTS: dict[str, Callable[[pd.DataFrame], Figure]] = {
    "national_little_giants": national_little_giants_chart,
    "new_certifications_per_year": annual_certifications_chart,
    "provincial_and_innovative": provincial_and_innovative_chart,
    "innovation_per_little_giant": innovation_per_firm_chart,
    "structural_shares": structural_shares_chart,
    "finance_by_channel": finance_chart,
    "foreign_supply_and_restrictions": foreign_supply_chart,
    "entries_and_exits": entries_exits_chart,
}


def save_figure(
    fig: Figure, path: str | Path, dpi: int = DPI, metadata: dict[str, str | None] | None = None
) -> Path:
    """Write a figure as PNG atomically (format given: the temporary name ends in .tmp),
    with optional PNG text `metadata`."""
    return write_atomic(
        path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi, metadata=metadata)
    )
