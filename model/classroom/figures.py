"""The classroom page's pictures, drawn from a running `ClassroomEconomy` with matplotlib.

Each function returns a `Figure` (object API, no pyplot: the page runs in a server
thread). Time runs along a fixed axis from the first to the last simulated year, so a
line grows across the frame as the class steps through the quarters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from model.calendar import parse_quarter
from model.classroom.session import ClassroomEconomy, firm_history
from model.evidence.observed import observed_series
from model.reports.charts import FINANCE_CHANNELS, quarter_time
from model.simulation.population import DEAD, INNOVATIVE, NATIONAL, NONE, PROVINCIAL

WIDTH, HEIGHT, DPI = 4.8, 2.9, 100  # inches; 480 x 290 px, about a panel's width
FONT = 10
STATUS_COLOURS = {  # Okabe-Ito, readable for colour-blind students and on projectors
    NONE: "#BBBBBB",
    INNOVATIVE: "#56B4E9",
    PROVINCIAL: "#E69F00",
    NATIONAL: "#D55E00",
    DEAD: "#000000",
}
STATUS_LABELS = {
    NONE: "no title",
    INNOVATIVE: "innovative SME",
    PROVINCIAL: "provincial specialized",
    NATIONAL: "national little giant",
    DEAD: "exited",
}


def figure(
    width: float = WIDTH, height: float = HEIGHT, bottom: float = 0.45, right: float = 0.25
) -> Figure:
    """An empty figure with fixed margins (inches) and classroom-sized fonts.

    Fixed margins rather than a layout engine: laying out every figure again at each
    quarter took about 40% of the drawing time, and the panels redraw every step.
    """
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(
        left=0.8 / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - 0.3 / height,
        wspace=0.55,
    )
    return fig


def series(model: ClassroomEconomy, variable: str) -> tuple[np.ndarray, np.ndarray]:
    """(decimal years, values) of one reporter over the quarters simulated so far
    (read from the collector's lists: no table is built for each chart)."""
    values = np.asarray(model.datacollector.model_vars[variable], dtype=float)
    if not len(values):
        return np.zeros(0), np.zeros(0)
    return quarter_time(model.quarter_labels), values


def year_axis(ax: Axes, model: ClassroomEconomy, ylabel: str, narrow: bool = False) -> None:
    """Years from the start to the end of the run on x, readable numbers on y."""
    start = parse_quarter(model.params.time.start) / 4.0
    end = (parse_quarter(model.params.time.end) + 1) / 4.0
    ax.set_xlim(start, end)
    years_per_tick = 1.0 if end - start <= 8 else 2.0
    ax.xaxis.set_major_locator(MultipleLocator(years_per_tick * (2 if narrow else 1)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}" if y >= 1000 else f"{y:g}"))
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=FONT - 1)
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)


def _observed(ax: Axes, variable: str, scale: float = 1.0) -> float:
    """Reported values as black dots; returns their maximum (0 if none)."""
    points = observed_series(variable)
    if points.empty:
        return 0.0
    values = points["value"].to_numpy(dtype=float) * scale
    ax.scatter(
        quarter_time(points["quarter"]), values, color="black", s=30, zorder=5, label="reported"
    )
    return float(values.max())


def little_giants_figure(model: ClassroomEconomy) -> Figure:
    """National little giants in the model against the reported counts."""
    fig = figure()
    ax = fig.add_subplot()
    time, values = series(model, "national_little_giants")
    ax.plot(time, values, color="#0072B2", lw=2.5, label="model")
    top = max(_observed(ax, "national_little_giants"), values.max() if len(values) else 0.0)
    year_axis(ax, model, "firms")
    ax.set_ylim(0, top * 1.15 + 1)
    ax.set_title(f"National little giants — {now_label(model)}", fontsize=FONT + 1)
    ax.legend(fontsize=FONT - 1, loc="upper left")
    return fig


def innovation_figure(model: ClassroomEconomy) -> Figure:
    """Invention patents and R&D per little giant, two panels, with the 2024 facts."""
    fig = figure()
    fig.subplots_adjust(top=1 - 0.55 / HEIGHT)  # room for the figure's title above the panels
    left, right = fig.subplots(1, 2)
    specs = [
        (left, "lg_invention_patents_mean", 1.0, "patents per firm", "Invention patents owned"),
        (right, "lg_rd_spend_mean_yuan", 1e-6, "million yuan per year", "R&D spending"),
    ]
    for ax, variable, scale, ylabel, title in specs:
        time, values = series(model, variable)
        ax.plot(time, values * scale, color="#009E73", lw=2.5, label="model")
        finite = values[np.isfinite(values)] * scale
        top = max(_observed(ax, variable, scale), finite.max() if len(finite) else 0.0)
        year_axis(ax, model, ylabel, narrow=True)
        ax.set_ylim(0, top * 1.2 + 1e-9)
        ax.set_title(title, fontsize=FONT)
    left.legend(fontsize=FONT - 1, loc="upper left")
    fig.suptitle(f"Per national little giant — {now_label(model)}", fontsize=FONT + 1)
    return fig


def finance_figure(model: ClassroomEconomy) -> Figure:
    """Money reaching SMEs by channel, stacked, billion yuan at an annual rate."""
    fig = figure(WIDTH, HEIGHT + 0.5, bottom=0.9)
    ax = fig.add_subplot()
    time = series(model, "finance_bank_yuan")[0]
    if len(time):
        flows = [series(model, variable)[1] * 4 / 1e9 for variable in FINANCE_CHANNELS]
        labels = [name for name, _ in FINANCE_CHANNELS.values()]
        colours = [colour for _, colour in FINANCE_CHANNELS.values()]
        ax.stackplot(time, np.nan_to_num(flows), labels=labels, colors=colours, alpha=0.9)
        fig.legend(fontsize=FONT - 2, loc="lower center", ncols=3, frameon=False, columnspacing=0.8)
    year_axis(ax, model, "billion yuan per year")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Finance reaching SMEs, by channel — {now_label(model)}", fontsize=FONT + 1)
    return fig


def supply_figure(model: ClassroomEconomy) -> Figure:
    """Large firms' domestic-supplier share with the restriction index and event dates."""
    fig = figure(right=0.62)
    ax = fig.add_subplot()
    twin = ax.twinx()
    for event in model.params.restrictions.events:
        when = parse_quarter(event.quarter) / 4.0
        ax.axvline(when, color="#CC79A7", lw=1, ls=":", alpha=0.8)
    time, share = series(model, "large_firm_domestic_supply_share")
    ax.plot(time, share * 100, color="#0072B2", lw=2.5)
    time, index = series(model, "controlled_foreign_share")
    twin.step(time, index, where="post", color="#CC79A7", lw=2, ls="--")
    year_axis(ax, model, "% of inputs bought at home")
    ax.set_ylim(40, 100)
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("foreign inputs under control", fontsize=FONT, color="#CC79A7")
    twin.tick_params(labelsize=FONT - 1, colors="#CC79A7")
    handles = [
        Line2D([], [], color="#0072B2", lw=2.5, label="domestic share (left)"),
        Line2D([], [], color="#CC79A7", lw=2, ls="--", label="restrictions (right)"),
        Line2D([], [], color="#CC79A7", lw=1, ls=":", label="restriction event"),
    ]
    ax.legend(handles=handles, fontsize=FONT - 2, loc="lower right")
    ax.set_title(
        f"Large firms buying from Chinese suppliers — {now_label(model)}", fontsize=FONT + 1
    )
    return fig


def now_label(model: ClassroomEconomy) -> str:
    """The last simulated quarter, or 'start' before the first step."""
    return model.quarter_labels[-1] if model.quarter_labels else "start"


def firm_figure(
    model: ClassroomEconomy, firm_id: int, history: pd.DataFrame | None = None
) -> Figure:
    """One firm's revenue and patents over time, the background coloured by its title
    (`history`: its `firm_history`, when the caller has it already)."""
    history = firm_history(model, firm_id) if history is None else history
    fig = figure(WIDTH, 2.4, right=0.62)
    ax = fig.add_subplot()
    twin = ax.twinx()
    times = history["time"].to_numpy()
    colours = [STATUS_COLOURS[int(status)] for status in history["status"]]
    ax.broken_barh(
        [(t, 0.25) for t in times],
        (0, 1),
        facecolors=colours,
        alpha=0.3,
        lw=0,
        transform=ax.get_xaxis_transform(),
    )
    ax.plot(times, history["revenue"] * 4, color="#0072B2", lw=2, label="revenue")
    twin.step(times, history["patents"], where="post", color="#D55E00", lw=2)
    year_axis(ax, model, "revenue, M yuan/yr")
    ax.set_ylim(bottom=0)
    twin.set_ylim(bottom=0, top=max(1, history["patents"].max() if len(history) else 1) * 1.2)
    twin.yaxis.set_major_locator(MaxNLocator(integer=True))  # patents come whole
    twin.set_ylabel("invention patents", fontsize=FONT, color="#D55E00")
    twin.tick_params(labelsize=FONT - 1, colors="#D55E00")
    ax.set_title(f"Firm {firm_id}: revenue (blue), patents (red), title (shading)", fontsize=FONT)
    return fig
