"""Solara components of the classroom page: one panel per picture, with a caption for
students under each.

Each panel takes the model and a `tick` that the dashboard derives from Mesa's
`update_counter` (bumped by the controls after every quarter). Charts are embedded in
the browser once per run (their spec is memoised) and then only receive new rows.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.utils import update_counter

from model.calendar import parse_quarter
from model.classroom import charts, pictures
from model.classroom.captions import CAPTIONS, HOW_TO, NO_PROVINCES
from model.classroom.firm import firm_facts, firm_history, firm_series
from model.classroom.levers import RESET_ONLY
from model.classroom.network import network_data, network_signature
from model.classroom.provinces import province_counts
from model.classroom.series import (
    FINANCE_VARIABLES,
    LINE_VARIABLES,
    THIS_RUN,
    difference_rows,
    economy_rows,
)
from model.classroom.session import ClassroomEconomy
from model.classroom.stream import Payload, StreamChart, use_spec
from model.params.restrictions import RestrictionEvent

# Bumped when the followed firm changes, so the card and the network redraw (per session).
followed_version = solara.reactive(0)
TEXT_STYLE = "font-size: 15px; line-height: 1.35; margin: 4px 0 0 0; color: #333;"


def years(model: ClassroomEconomy) -> tuple[float, float]:
    """The run's first and last simulated year, as decimal years (the charts' x axis)."""
    return parse_quarter(model.params.time.start) / 4.0, (
        parse_quarter(model.params.time.end) + 1
    ) / 4.0


def twin_name(model: ClassroomEconomy) -> str:
    """The twin's name in the legend."""
    return f"twin (sliders of {model.twin_forked_at})"


def runs(model: ClassroomEconomy) -> list[tuple[str, ClassroomEconomy]]:
    """(name, economy) of this run and its twin, if any."""
    twin = [(twin_name(model), model.twin)] if model.twin is not None else []
    return [(THIS_RUN, model), *twin]


def dated(model: ClassroomEconomy) -> dict[str, list]:
    """Dated rules for the charts: slider moves and the restrictions that took effect."""
    rows: dict[str, list] = {"t": [], "kind": [], "text": []}
    for quarter, moved in model.changes:
        rows["t"].append(quarter / 4.0)
        rows["kind"].append("slider")
        rows["text"].append(", ".join(f"{k}={v}" for k, v in moved.items()))
    for quarter, events in sorted(model.policy.schedule.items()):
        for event in events if quarter < model.quarter else []:
            if isinstance(event, RestrictionEvent) and event.kind == "restriction":
                rows["t"].append(quarter / 4.0)
                rows["kind"].append("restriction")
                rows["text"].append(event.note)
    return rows


def Caption(text: str) -> None:
    """The plain-language caption under a picture."""
    solara.v.Html(tag="p", children=[text], style_=TEXT_STYLE, class_="lg-caption")


def Text(text: str, extra: str = "") -> Any:
    """A paragraph of the page's text."""
    return solara.v.Html(tag="p", children=[text], style_=TEXT_STYLE + extra)


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
        f"{p.population.zone_share:.0%} of new firms in high-tech zones; "
        f"restrictions ×{p.restrictions.severity_scale:g}, first in {first}",
    ]


@solara.component
def NowPanel(model: ClassroomEconomy, tick: int, requested: dict) -> None:
    """The current quarter, the run's settings, the latest news and how to use the page."""
    quarter = model.quarter_labels[-1] if model.quarter_labels else "2019Q1 (not started)"
    waiting = sorted(
        k for k, v in requested.items() if k in RESET_ONLY and v != getattr(model.settings, k)
    )
    with solara.Column(gap="4px", style="padding: 8px 14px;", classes=["lg-now"]):
        solara.v.Html(tag="h2", children=[f"Now: {quarter}"], style_="margin: 0;")
        for line in run_settings(model):
            Text(line)
        if model.twin is not None:
            Text(f"Twin running since {model.twin_forked_at} with the sliders of that moment.")
        if model.pending:
            Text("Moved sliders act from the next quarter on.", " color: #D55E00;")
        if waiting:
            Text(f"Press RESET to apply: {', '.join(waiting)}.", " color: #D55E00;")
        recent = model.news[-4:]
        Text("Latest news:" if recent else "No news yet.", " font-weight: bold;")
        items = [solara.v.Html(tag="li", children=[f"{q}: {text}"]) for q, text in reversed(recent)]
        solara.v.Html(tag="ul", children=items, style_=TEXT_STYLE, class_="lg-news")
        Text(HOW_TO, " font-style: italic;")


def _panel(name: str) -> Any:
    return solara.Column(gap="0px", style="padding: 4px 10px;", classes=[f"lg-{name}"])


@solara.component
def LittleGiantsPanel(model: ClassroomEconomy, tick: int) -> None:
    """National little giants by run; with a twin, the difference below."""
    twin = model.twin is not None
    spec = use_spec(lambda: charts.little_giants_chart(years(model), twin), [model, twin])
    key = f"{id(model)}:{model.twin_forked_at}"
    data = {"lines": economy_rows(runs(model), ("national_little_giants",)), "dated": dated(model)}
    if twin:
        data["difference"] = difference_rows(model, model.twin, ("national_little_giants",))
    with _panel("little_giants"):
        StreamChart(Payload(spec, data, {"lines": key, "dated": key, "difference": key}))
        Caption(CAPTIONS["little_giants"])


def series_panel(name: str, build: Any, variables: tuple[str, ...], twin_lines: bool = True) -> Any:
    """A panel of one chart whose `lines` (or `finance`) rows grow each quarter."""

    @solara.component
    def SeriesPanel(model: ClassroomEconomy, tick: int) -> None:
        spec = use_spec(lambda: build(years(model)), [model])
        shown = runs(model) if twin_lines else [(THIS_RUN, model)]
        dataset = "lines" if twin_lines else "finance"
        key = f"{id(model)}:{model.twin_forked_at}"
        data = {dataset: economy_rows(shown, variables), "dated": dated(model)}
        with _panel(name):
            StreamChart(Payload(spec, data, {dataset: key, "dated": key}))
            Caption(CAPTIONS[name])

    SeriesPanel.__name__ = f"{name.title()}Panel"
    return SeriesPanel


SupplyPanel = series_panel("supply", charts.supply_chart, LINE_VARIABLES[1:3])
InnovationPanel = series_panel("innovation", charts.innovation_chart, LINE_VARIABLES[3:])
FinancePanel = series_panel("finance", charts.finance_chart, FINANCE_VARIABLES, twin_lines=False)


@solara.component
def NetworkPanel(model: ClassroomEconomy, tick: int) -> None:
    """The sampled supply network; its data is sent again only when links or titles
    change; a click on a dot follows that firm in the card."""
    spec = use_spec(pictures.network_chart, [])
    signature = network_signature(model, model.sample_buyers, model.followed_firm_id)
    picture = solara.use_memo(
        lambda: network_data(model, model.sample_buyers, model.followed_firm_id),
        dependencies=[signature, model],
    )

    def on_pick(datum: dict) -> None:
        if int(datum.get("firm_id", -1)) >= 0:
            model.followed_firm_id = int(datum["firm_id"])
            followed_version.value += 1

    datasets = {name: picture[name] for name in ("nodes", "links", "fields")}
    generation = dict.fromkeys(datasets, signature)
    with _panel("network"):
        StreamChart(Payload(spec, datasets, generation), on_pick=on_pick)
        Caption(CAPTIONS["network"])


@solara.component
def MapPanel(model: ClassroomEconomy, tick: int) -> None:
    """National little giants by province, or a note when the model has no provinces."""
    spec = use_spec(pictures.province_map_chart, [])
    counts = province_counts(model)
    with _panel("map"):
        if counts is None:
            solara.v.Html(
                tag="p", children=[NO_PROVINCES], style_=TEXT_STYLE, class_="lg-no-provinces"
            )
        else:
            StreamChart(
                Payload(spec, {"provinces": counts}, {"provinces": len(model.quarter_labels)})
            )
            Caption(CAPTIONS["map"])


@solara.component
def FirmCard(model: ClassroomEconomy, tick: int) -> None:
    """One firm's history: a clicked dot of the network, or a random supplier."""
    firm_id = model.followed_firm_id
    spec = use_spec(lambda: pictures.firm_chart(years(model)), [model])

    def follow_random() -> None:
        model.follow_random_firm()
        followed_version.value += 1

    history = firm_history(model, firm_id)
    with _panel("firm"):
        with solara.Row(style="align-items: center;"):
            solara.v.Html(tag="h3", children=[f"Firm card: firm {firm_id}"], style_="margin:0;")
            solara.Button("Follow a random firm", on_click=follow_random, outlined=True)
        # The lines sit in their own container, so a change in their number never makes
        # Solara reuse the chart's widget for a line.
        solara.v.Html(
            tag="div", children=[Text(line) for line in firm_facts(model, firm_id, history)]
        )
        firm = Payload(spec, {"firm": firm_series(history)}, {"firm": f"{id(model)}:{firm_id}"})
        StreamChart(firm)
        Caption(CAPTIONS["firm"])


CHART_PANELS = (
    LittleGiantsPanel,
    SupplyPanel,
    NetworkPanel,
    MapPanel,
    InnovationPanel,
    FinancePanel,
    FirmCard,
)
# Two columns on a wide screen, one on a narrow one; panels never overlap.
PAGE_CSS = """
.lg-dashboard { display: grid; gap: 12px; padding: 4px;
  grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); align-items: start; }
.lg-panel { border: 1px solid #ddd; border-radius: 6px; background: white; overflow: hidden; }
"""


@solara.component
def Dashboard(model: ClassroomEconomy, requested: dict) -> None:
    """All panels of the page in a grid, drawn again in one pass after every quarter.

    Only this component listens to the quarter counter: the panels get it as `tick`,
    so one render visits the page once (a listener per panel made eight passes).
    """
    tick = update_counter.get() * 1000 + followed_version.get()
    with solara.Div(classes=["lg-dashboard"]):
        with solara.Div(classes=["lg-panel"]):
            NowPanel(model, tick, requested)
        for panel in CHART_PANELS:
            with solara.Div(classes=["lg-panel"]):
                panel(model, tick)
