"""Solara components of the classroom page: one panel per picture, with a caption for
students under each (what it shows, what to look for).

Each panel is a Solara component taking the model (the shape of a SolaraViz component);
it reads Mesa's `update_counter`, which SolaraViz's step and reset bump, so it is drawn
again after every quarter.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import ipyvuetify
import pandas as pd
import solara
import traitlets
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from model.classroom.figures import (
    STATUS_LABELS,
    finance_figure,
    firm_figure,
    innovation_figure,
    little_giants_figure,
    supply_figure,
)
from model.classroom.network import network_figure, pick_firm
from model.classroom.session import ClassroomEconomy, firm_history

# Bumped when the followed firm changes, so the card and the network redraw (per session).
followed_version = solara.reactive(0)

CAPTIONS = {
    "little_giants": (
        "What it shows: how many firms hold the national “little giant” title in the model "
        "(blue line) and the numbers the government reported (black dots). "
        "What to look for: does the line pass near the dots? Which slider moves it most?"
    ),
    "supply": (
        "What it shows: the share of large firms’ specialised parts bought from Chinese "
        "suppliers (blue) and how tight foreign technology restrictions are (dashed; dotted "
        "lines mark new restrictions). What to look for: does the blue line rise after "
        "restrictions?"
    ),
    "network": (
        "What it shows: 8 large firms (squares) and the small firms supplying them (dots), "
        "coloured by title; lines are supply contracts. What to look for: when restrictions "
        "hit, exposed fields sign up new domestic suppliers. Click a dot to follow that firm."
    ),
    "innovation": (
        "What it shows: invention patents owned and yearly R&D spending of the average "
        "little giant; black dots are the 2024 survey figures. What to look for: do awards "
        "or guidance funds raise them? Do restrictions slow them down?"
    ),
    "finance": (
        "What it shows: money reaching small tech firms each year, by source: banks, loans "
        "against patents, venture capital, state guidance funds, fiscal awards, listings. "
        "What to look for: which source is largest, and which changes with a slider?"
    ),
    "firm": (
        "What it shows: the life of one small firm — revenue, patents and its title over "
        "time (shading: grey none, blue innovative, orange provincial, red national). What "
        "to look for: what came before the title? Did it win large customers?"
    ),
}
HOW_TO = (
    "Pick a scenario and move the sliders on the left, then press RESET to start a new "
    "run with them. STEP moves one quarter ahead; ▶ plays quarter after quarter. "
    "The run starts in 2019 and ends in the scenario's last quarter."
)
IMAGE_STYLE = "width: 100%; height: auto; display: block;"
TEXT_STYLE = "font-size: 15px; line-height: 1.35; margin: 4px 0 0 0; color: #333;"


def png_data_url(fig: Figure) -> str:
    """The figure as an inline PNG (its size in pixels is figsize x dpi)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def Picture(fig: Figure, alt: str) -> Any:
    """An <img> of the figure, scaled to the panel's width."""
    attributes = {"src": png_data_url(fig), "alt": alt}
    return solara.v.Html(tag="img", attributes=attributes, style_=IMAGE_STYLE, class_="lg-chart")


class ClickableImage(ipyvuetify.VuetifyTemplate):
    """An image that reports where it was clicked, as fractions of its shown size.

    Fractions rather than pixels because the image is scaled to the panel's width.
    """

    template = traitlets.Unicode(
        "<template><img :src='src' :alt='alt' class='lg-chart' style='"
        + IMAGE_STYLE
        + " cursor: crosshair;' @click='pick({x: $event.offsetX / $event.target.clientWidth,"
        + " y: $event.offsetY / $event.target.clientHeight})' /></template>"
    ).tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    pick_handler = traitlets.Callable(None, allow_none=True)

    def vue_pick(self, data: dict) -> None:
        """Called by the browser on a click with {x, y} in 0-1 from the top left."""
        if self.pick_handler is not None:
            self.pick_handler(float(data["x"]), float(data["y"]))


def Caption(text: str) -> None:
    """The plain-language caption under a picture."""
    solara.v.Html(tag="p", children=[text], style_=TEXT_STYLE, class_="lg-caption")


def _panel(fig: Figure, name: str, alt: str) -> None:
    with solara.Column(gap="0px", style="padding: 4px 10px;", classes=[f"lg-{name}"]):
        Picture(fig, alt)
        Caption(CAPTIONS[name])


def run_settings(model: ClassroomEconomy) -> list[str]:
    """The levers of the running economy in real units (the sliders show no numbers)."""
    p = model.params
    first = min(
        (e.quarter for e in p.restrictions.events if e.kind == "restriction"), default="never"
    )
    return [
        f"Scenario: {p.name} (seed {model.seed}, {p.scale:g} of all firms simulated)",
        f"Fiscal awards ×{p.fiscal.support_scale:g}; guidance funds "
        f"{p.finance.guidance_fund.annual_budget_myuan / 1000:g} bn yuan a year; banks lend "
        f"up to {p.finance.bank.loan_to_value:.0%} of collateral",
        f"{p.population.zone_share:.0%} of firms in high-tech zones at the start; "
        f"restrictions ×{p.restrictions.severity_scale:g}, first in {first}",
    ]


@solara.component
def NowPanel(model: ClassroomEconomy) -> None:
    """The current quarter, the latest news (restrictions, policy pushes) and how to use."""
    update_counter.get()
    quarter = model.quarter_labels[-1] if model.quarter_labels else "2019Q1 (not started)"
    with solara.Column(gap="6px", style="padding: 8px 14px;", classes=["lg-now"]):
        solara.v.Html(tag="h2", children=[f"Now: {quarter}"], style_="margin: 0;")
        for line in run_settings(model):
            solara.v.Html(tag="p", children=[line], style_=TEXT_STYLE)
        recent = model.news[-3:]
        items = [solara.v.Html(tag="li", children=[f"{q}: {text}"]) for q, text in recent]
        solara.v.Html(
            tag="p",
            children=["Latest news:" if recent else "No news yet."],
            style_=TEXT_STYLE + " font-weight: bold;",
        )
        solara.v.Html(tag="ul", children=items, style_=TEXT_STYLE)
        solara.v.Html(tag="p", children=[HOW_TO], style_=TEXT_STYLE + " font-style: italic;")


def chart_panel(name: str, draw: Callable[[ClassroomEconomy], Figure], alt: str) -> Any:
    """A panel that redraws one chart (and shows its caption) after every step."""

    @solara.component
    def ChartPanel(model: ClassroomEconomy) -> None:
        update_counter.get()
        _panel(draw(model), name, alt)

    return ChartPanel


LittleGiantsPanel = chart_panel(
    "little_giants", little_giants_figure, "national little giants chart"
)
SupplyPanel = chart_panel("supply", supply_figure, "domestic supplier share chart")
InnovationPanel = chart_panel(
    "innovation", innovation_figure, "patents and R&D per little giant chart"
)
FinancePanel = chart_panel("finance", finance_figure, "finance by channel chart")


@solara.component
def NetworkPanel(model: ClassroomEconomy) -> None:
    """The sampled supply network; a click on a dot follows that firm in the card."""
    update_counter.get()
    followed_version.get()
    fig = network_figure(model)

    def on_pick(x: float, y: float) -> None:
        firm_id = pick_firm(model, fig, x, y)
        if firm_id is not None:
            model.followed_firm_id = firm_id
            followed_version.value += 1

    with solara.Column(gap="0px", style="padding: 4px 10px;", classes=["lg-network"]):
        ClickableImage.element(
            src=png_data_url(fig), alt="supply network of sampled large firms", pick_handler=on_pick
        )
        Caption(CAPTIONS["network"])


def firm_facts(
    model: ClassroomEconomy, firm_id: int, history: pd.DataFrame | None = None
) -> list[str]:
    """Lines about a firm for the card: field, place, founding, title now, titles held
    (`history`: its `firm_history`, when the caller has it already)."""
    history = firm_history(model, firm_id) if history is None else history
    pop = model.population
    try:
        firm = pop.firm(firm_id)
        sector = model.params.population.sectors[firm.sector].name.replace("_", " ")
        zone = "in a national high-tech zone" if firm.zone else "outside high-tech zones"
        founded = firm.birth_quarter // 4
        province = list(model.params.population.provinces)[firm.province]
        place = f"{sector}, {province}, {zone}, founded {founded}"
    except KeyError:
        place = "this firm has left the pool"
    lines = [place]
    if len(history):
        last = history.iloc[-1]
        lines.append(
            f"{last['quarter']}: {STATUS_LABELS[int(last['status'])]} — revenue "
            f"{last['revenue'] * 4:,.1f} M yuan/yr, R&D stock {last['rd_stock']:,.1f} M yuan, "
            f"{int(last['patents'])} invention patents, {int(last['customers'])} large customers"
        )
        titles = history.groupby("status", sort=False)["quarter"].first()
        steps = [f"{STATUS_LABELS[int(s)]} from {q}" for s, q in titles.items()]
        lines.append("Titles: " + ", ".join(steps))
    return lines


@solara.component
def FirmCard(model: ClassroomEconomy) -> None:
    """One firm's history: a clicked dot of the network, or a random supplier."""
    update_counter.get()
    followed_version.get()
    firm_id = model.followed_firm_id

    def follow_random() -> None:
        model.follow_random_firm()
        followed_version.value += 1

    with solara.Column(gap="2px", style="padding: 4px 10px;", classes=["lg-firm"]):
        with solara.Row(style="align-items: center;"):
            solara.v.Html(tag="h3", children=[f"Firm card: firm {firm_id}"], style_="margin:0;")
            solara.Button("Follow a random firm", on_click=follow_random, outlined=True)
        # The lines sit in their own container: were they siblings of the picture, a change
        # in their number would make Solara reuse the <img> widget as a <p> and lose a line.
        history = firm_history(model, firm_id)
        lines = [
            solara.v.Html(tag="p", children=[line], style_=TEXT_STYLE)
            for line in firm_facts(model, firm_id, history)
        ]
        solara.v.Html(tag="div", children=lines)
        Picture(firm_figure(model, firm_id, history), f"history of firm {firm_id}")
        Caption(CAPTIONS["firm"])


PANELS = (
    NowPanel,
    LittleGiantsPanel,
    SupplyPanel,
    NetworkPanel,
    InnovationPanel,
    FinancePanel,
    FirmCard,
)
# Two columns on a wide screen, one on a narrow one; panels never overlap.
PAGE_CSS = """
.lg-dashboard { display: grid; gap: 12px; padding: 4px;
  grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); align-items: start; }
.lg-panel { border: 1px solid #ddd; border-radius: 6px; background: white; }
"""


@solara.component
def Dashboard(model: ClassroomEconomy) -> None:
    """All panels of the page in a grid."""
    with solara.Div(classes=["lg-dashboard"]):
        for panel in PANELS:
            with solara.Div(classes=["lg-panel"]):
                panel(model)
