"""Solara components of the classroom page: one panel per picture, with a caption for
students under each.

Only small components listen to Mesa's `update_counter` (bumped by the controls
after every quarter): the text panels and each chart, whose data is pushed into its
widget; the grid around them is drawn once per run. Charts are embedded in
the browser once per run (their spec is memoised) and then only receive new rows.
"""

from __future__ import annotations

from html import escape
from typing import Any

import solara

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
from model.classroom.stream import (
    LiveBlock,
    Payload,
    Source,
    StreamChart,
    streamed_spec,
)
from model.params.restrictions import RestrictionEvent

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


def now_html(model: ClassroomEconomy, requested: dict) -> str:
    """The Now panel: the quarter, the run's settings, the latest news, how to use."""
    quarter = model.quarter_labels[-1] if model.quarter_labels else "2019Q1 (not started)"
    waiting = sorted(
        k for k, v in requested.items() if k in RESET_ONLY and v != getattr(model.settings, k)
    )
    lines = [f"<h2 style='margin: 0;'>Now: {quarter}</h2>"]
    lines += [paragraph(line) for line in run_settings(model)]
    if model.twin is not None:
        lines.append(
            paragraph(f"Twin running since {model.twin_forked_at} with the sliders of that moment.")
        )
    if model.pending:
        lines.append(paragraph("Moved sliders act from the next quarter on.", "color: #D55E00;"))
    if waiting:
        lines.append(paragraph(f"Press RESET to apply: {', '.join(waiting)}.", "color: #D55E00;"))
    recent = model.news[-4:]
    lines.append(paragraph("Latest news:" if recent else "No news yet.", "font-weight: bold;"))
    items = "".join(f"<li>{escape(q)}: {escape(text)}</li>" for q, text in reversed(recent))
    lines.append(f"<ul class='lg-news' style='{TEXT_STYLE}'>{items}</ul>")
    lines.append(paragraph(HOW_TO, "font-style: italic;"))
    return "".join(lines)


def paragraph(text: str, extra: str = "") -> str:
    """One escaped paragraph in the page's text style."""
    return f"<p style='{TEXT_STYLE} {extra}'>{escape(text)}</p>"


@solara.component
def NowPanel(model: ClassroomEconomy, requested: dict) -> None:
    """The current quarter, the run's settings, the latest news and how to use the page."""
    render = solara.use_memo(lambda: lambda: now_html(model, requested), [model, requested])
    LiveBlock(model, render, "lg-now", "padding: 8px 14px;")


def _panel(name: str) -> Any:
    return solara.Column(gap="0px", style="padding: 4px 10px;", classes=[f"lg-{name}"])


def little_giants_payload(model: ClassroomEconomy) -> Payload:
    """National little giants by run; with a twin, this run minus the twin."""
    twin = model.twin is not None
    spec = streamed_spec(charts.little_giants_chart, years(model), twin)
    key = f"{id(model)}:{model.twin_forked_at}"
    data = {"lines": economy_rows(runs(model), ("national_little_giants",)), "dated": dated(model)}
    if twin:
        data["difference"] = difference_rows(model, model.twin, ("national_little_giants",))
    return Payload(spec, data, {"lines": key, "dated": key, "difference": key})


def series_payload(build: Any, variables: tuple[str, ...], twin_lines: bool = True) -> Any:
    """A payload maker for a chart whose `lines` (or `finance`) rows grow each quarter."""

    def payload(model: ClassroomEconomy) -> Payload:
        shown = runs(model) if twin_lines else [(THIS_RUN, model)]
        dataset = "lines" if twin_lines else "finance"
        key = f"{id(model)}:{model.twin_forked_at}"
        data = {dataset: economy_rows(shown, variables), "dated": dated(model)}
        return Payload(streamed_spec(build, years(model)), data, {dataset: key, "dated": key})

    return payload


def province_payload(model: ClassroomEconomy) -> Payload:
    """The province map of the last quarter (replaced whole each quarter)."""
    counts = province_counts(model) or {}
    spec = streamed_spec(pictures.province_map_chart)
    return Payload(spec, {"provinces": counts}, {"provinces": len(model.quarter_labels)})


CHARTS = {
    "little_giants": little_giants_payload,
    "supply": series_payload(charts.supply_chart, LINE_VARIABLES[1:3]),
    "innovation": series_payload(charts.innovation_chart, LINE_VARIABLES[3:]),
    "finance": series_payload(charts.finance_chart, FINANCE_VARIABLES, twin_lines=False),
}


@solara.component
def ChartPanel(model: ClassroomEconomy, name: str) -> None:
    """One time-series chart and its caption; the chart takes each quarter's rows."""
    source = solara.use_memo(lambda: Source(lambda: CHARTS[name](model)), [model, name])
    with _panel(name):
        StreamChart(model, source)
        Caption(CAPTIONS[name])


class NetworkSource(Source):
    """The network's payload, built again only when its signature (links, titles,
    followed firm) changes: most quarters send nothing new."""

    def __init__(self, model: ClassroomEconomy) -> None:
        self.model, self.signature, self.last = model, None, None
        super().__init__(self.build)

    def build(self) -> Payload:
        model = self.model
        signature = network_signature(model, model.sample_buyers, model.followed_firm_id)
        if signature != self.signature:
            data = network_data(model, model.sample_buyers, model.followed_firm_id)
            datasets = {name: data[name] for name in ("nodes", "links", "fields")}
            spec = streamed_spec(pictures.network_chart)
            self.signature = signature
            self.last = Payload(spec, datasets, dict.fromkeys(datasets, signature))
        return self.last


@solara.component
def NetworkPanel(model: ClassroomEconomy) -> None:
    """The sampled supply network; a click on a dot follows that firm in the card."""
    source = solara.use_memo(lambda: NetworkSource(model), [model])

    def on_pick(datum: dict) -> None:
        if int(datum.get("firm_id", -1)) >= 0:
            model.followed_firm_id = int(datum["firm_id"])
            model.tell_page()

    with _panel("network"):
        StreamChart(model, source, on_pick=on_pick)
        Caption(CAPTIONS["network"])


@solara.component
def MapPanel(model: ClassroomEconomy) -> None:
    """National little giants by province, or a note when the model has no provinces."""
    source = solara.use_memo(lambda: Source(lambda: province_payload(model)), [model])
    with _panel("map"):
        if province_counts(model) is None:
            solara.v.Html(
                tag="p", children=[NO_PROVINCES], style_=TEXT_STYLE, class_="lg-no-provinces"
            )
        else:
            StreamChart(model, source)
            Caption(CAPTIONS["map"])


def firm_html(model: ClassroomEconomy) -> str:
    """The card's title line and facts about the followed firm, as of this quarter."""
    firm_id = model.followed_firm_id
    facts = firm_facts(model, firm_id, firm_history(model, firm_id))
    return f"<h3 style='margin: 0;'>Firm card: firm {firm_id}</h3>" + "".join(map(paragraph, facts))


def firm_payload(model: ClassroomEconomy) -> Payload:
    """The followed firm's chart rows (replaced whole when another firm is followed)."""
    firm_id = model.followed_firm_id
    spec = streamed_spec(pictures.firm_chart, years(model))
    rows = firm_series(firm_history(model, firm_id))
    return Payload(spec, {"firm": rows}, {"firm": f"{id(model)}:{firm_id}"})


@solara.component
def FirmCard(model: ClassroomEconomy) -> None:
    """One firm's history: a clicked dot of the network, or a random supplier."""
    source = solara.use_memo(lambda: Source(lambda: firm_payload(model)), [model])
    render = solara.use_memo(lambda: lambda: firm_html(model), [model])
    with _panel("firm"):
        LiveBlock(model, render, "lg-firm-facts")
        solara.Button("Follow a random firm", on_click=model.follow_random_firm, outlined=True)
        StreamChart(model, source)
        Caption(CAPTIONS["firm"])


PANELS = ("little_giants", "supply", "network", "map", "innovation", "finance", "firm")
# Two columns on a wide screen, one on a narrow one; panels never overlap.
PAGE_CSS = """
.lg-dashboard { display: grid; gap: 12px; padding: 4px;
  grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); align-items: start; }
.lg-panel { border: 1px solid #ddd; border-radius: 6px; background: white; overflow: hidden; }
"""


@solara.component
def Dashboard(model: ClassroomEconomy, requested: dict) -> None:
    """All panels of the page in a grid. The grid is drawn once per run: after each
    quarter only the charts' data and the text panels are updated."""
    special = {"network": NetworkPanel, "map": MapPanel, "firm": FirmCard}
    with solara.Div(classes=["lg-dashboard"]):
        with solara.Div(classes=["lg-panel"]):
            NowPanel(model, requested)
        for name in PANELS:
            with solara.Div(classes=["lg-panel"]):
                if name in special:
                    special[name](model)
                else:
                    ChartPanel(model, name)
