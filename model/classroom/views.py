"""Solara components of the classroom page: one panel per picture, with a caption for
students under each.

The grid is drawn once per run. After each quarter the economy tells the page's
observers (`ClassroomEconomy.tell_page`): the text panels get new html and each
chart the rows its source adds (`model.classroom.sources`). Charts are embedded in
the browser once per run (their spec is memoised) and then only receive new rows.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from html import escape
from typing import Any

import solara

from model.classroom import spare
from model.classroom.captions import CAPTIONS, HOW_TO, NO_PROVINCES
from model.classroom.firm import FirmTrack, firm_facts
from model.classroom.levers import RESET_ONLY
from model.classroom.provinces import province_counts
from model.classroom.session import ClassroomEconomy
from model.classroom.sources import FirmSource, NetworkSource, ProvinceSource, chart_source
from model.classroom.stream import LiveBlock, PageFeed, StreamChart, together, use_components

TEXT_STYLE = "font-size: 15px; line-height: 1.35; margin: 4px 0 0 0; color: #333;"


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


@solara.component
def ChartPanel(model: ClassroomEconomy, name: str) -> None:
    """One time-series chart and its caption; the chart takes each quarter's rows."""
    source = solara.use_memo(lambda: chart_source(model, name), [model, name])
    with _panel(name):
        StreamChart(model, source)
        Caption(CAPTIONS[name])


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
    source = solara.use_memo(lambda: ProvinceSource(model), [model])
    with _panel("map"):
        if province_counts(model) is None:
            solara.v.Html(
                tag="p", children=[NO_PROVINCES], style_=TEXT_STYLE, class_="lg-no-provinces"
            )
        else:
            StreamChart(model, source)
            Caption(CAPTIONS["map"])


def firm_html(model: ClassroomEconomy, track: FirmTrack) -> str:
    """The card's title line and facts about the followed firm, as of this quarter."""
    firm_id = model.followed_firm_id
    facts = firm_facts(model, firm_id, track.update(model))
    return f"<h3 style='margin: 0;'>Firm card: firm {firm_id}</h3>" + "".join(map(paragraph, facts))


@solara.component
def FirmCard(model: ClassroomEconomy) -> None:
    """One firm's history: a clicked dot of the network, or a random supplier."""
    track = solara.use_memo(FirmTrack, [model])
    source = solara.use_memo(lambda: FirmSource(model, track), [model])
    render = solara.use_memo(lambda: lambda: firm_html(model, track), [model])
    with _panel("firm"):
        LiveBlock(model, render, "lg-firm-facts")
        solara.Button("Follow a random firm", on_click=model.follow_random_firm, outlined=True)
        StreamChart(model, source)
        Caption(CAPTIONS["firm"])


PANELS = ("little_giants", "supply", "network", "map", "innovation", "finance", "firm")
FIRST_SCREEN_PANELS = 2  # beside the Now panel: what a laptop shows before scrolling
# Two columns on a wide screen, one on a narrow one; panels never overlap.
PAGE_CSS = """
.lg-dashboard { display: grid; gap: 12px; padding: 4px;
  grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); align-items: start; }
.lg-panel { border: 1px solid #ddd; border-radius: 6px; background: white; overflow: hidden;
  contain: content; }
"""


@solara.component
def Feed(model: ClassroomEconomy, on_first_screen: Callable[[], None]) -> Any:
    """The page's feed: after each quarter all panels' updates go to the browser in one
    message through it. It also brings the page its browser components, and says when
    the browser has drawn the first screen."""
    use_components()
    element = PageFeed.element(on_first_screen=on_first_screen)

    def attach() -> Any:
        feed = solara.get_widget(element)
        model.page_batch = lambda: together(feed)

        def detach() -> None:
            model.page_batch = nullcontext

        return detach

    solara.use_effect(attach, [model])
    return element


@solara.component
def Dashboard(model: ClassroomEconomy, requested: dict) -> None:
    """All panels of the page in a grid. The grid is drawn once per run: after each
    quarter only the charts' data and the text panels are updated. A new page gets the
    panels at the top first and the rest once the browser has drawn them: the panels
    below the fold cost the first screen about 0.4 s (issue 18)."""
    special = {"network": NetworkPanel, "map": MapPanel, "firm": FirmCard}
    whole = solara.use_reactive(False)

    def first_screen_drawn() -> None:
        whole.set(True)
        spare.refill()  # the next page's economy, now that this page has drawn

    Feed(model, first_screen_drawn)
    with solara.Div(classes=["lg-dashboard"]):
        with solara.Div(classes=["lg-panel"]):
            NowPanel(model, requested)
        for name in PANELS if whole.value else PANELS[:FIRST_SCREEN_PANELS]:
            with solara.Div(classes=["lg-panel"]):
                if name in special:
                    special[name](model)
                else:
                    ChartPanel(model, name)
