"""The classroom's charts as Vega-Lite specifications (Altair), drawn by the browser on
the page and as PNG pictures in the notebook.

Each chart reads named data sets (`lines`, `difference`, `dated`, `finance`, ...) in
the row shape of `model.classroom.series`; the page streams new quarters into them
(`model.classroom.stream`), the notebook fills them once (`with_data`, `png`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.evidence.observed import observed_series
from model.reports.charts import FINANCE_CHANNELS, quarter_time

WIDTH, HEIGHT = 430, 210  # pixels: a panel of a two-column page on a projector
FONT = 13
SURVEY_VARIABLES = ("lg_invention_patents_mean", "lg_rd_spend_mean_yuan")
RUN_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]  # Okabe-Ito
TITLE_COLOURS = {  # the firm's title, as in the network picture
    "no title": "#BBBBBB",
    "innovative SME": "#56B4E9",
    "provincial specialized": "#E69F00",
    "national little giant": "#D55E00",
    "exited": "#000000",
}


def years_axis(years: tuple[float, float]) -> alt.X:
    """Decimal years on x, fixed from the first to the last simulated year."""
    return alt.X(
        "t:Q",
        title=None,
        scale=alt.Scale(domain=list(years), nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=FONT - 1),
    )


def _runs(title: str = "run") -> alt.Color:
    """Colour by run. The legend keeps a title: an untitled legend with no runs yet
    makes Vega size the whole chart to nothing, so a chart embedded before its first
    quarter would stay blank instead of showing its axes."""
    return alt.Color(
        "run:N",
        title=title,
        scale=alt.Scale(range=RUN_COLOURS),
        legend=alt.Legend(orient="top-left", labelFontSize=FONT - 1, titleFontSize=FONT - 1),
    )


def _observed(variable: str, scale: float = 1.0) -> alt.Chart:
    """Reported values as black dots (static data in the spec)."""
    points = observed_series(variable)
    table = pd.DataFrame({"t": quarter_time(points["quarter"]), "value": points["value"] * scale})
    return (
        alt.Chart(table)
        .mark_point(filled=True, size=60, color="black")
        .encode(x="t:Q", y="value:Q", tooltip=[alt.Tooltip("value:Q", format=",.1f")])
    )


def _marks(years: tuple[float, float], kind: str, colour: str) -> alt.Chart:
    """Vertical rules at dated changes (`dated` rows: t, kind, text)."""
    return (
        alt.Chart(alt.NamedData(name="dated"))
        .transform_filter(alt.datum.kind == kind)
        .mark_rule(color=colour, strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=years_axis(years), tooltip=["text:N"])
    )


def _lines(
    variable: str, years: tuple[float, float], ytitle: str, scale: float = 1.0, zero: bool = True
) -> alt.Chart:
    """One variable's line per run (`lines` rows), times `scale`."""
    return (
        alt.Chart(alt.NamedData(name="lines"))
        .transform_filter(alt.datum.variable == variable)
        .transform_calculate(shown=f"datum.value * {scale}")
        .mark_line(strokeWidth=2.5)
        .encode(
            x=years_axis(years),
            y=alt.Y(
                "shown:Q",
                title=ytitle,
                scale=alt.Scale(zero=zero),
                axis=alt.Axis(labelFontSize=FONT - 1),
            ),
            color=_runs(),
            tooltip=["quarter:N", "run:N", alt.Tooltip("shown:Q", format=",.2f")],
        )
    )


TWIN_DIFFERENCE = "This run minus its twin"


def little_giants_chart(
    years: tuple[float, float], twin: bool = False, difference_title: str = TWIN_DIFFERENCE
) -> alt.TopLevelMixin:
    """National little giants by run against the reported counts; slider moves as
    rules; with a twin (or a counterfactual), a panel below of the difference."""
    top = alt.layer(
        _lines("national_little_giants", years, "national little giants"),
        _observed("national_little_giants").encode(x=years_axis(years)),
        _marks(years, "slider", "#555555"),
    ).properties(width=WIDTH, height=HEIGHT, title="National little giants")
    if not twin:
        return top
    gap = difference_chart("national_little_giants", years, "firms", difference_title)
    return alt.vconcat(top, gap)


def difference_chart(
    variable: str, years: tuple[float, float], unit: str, title: str = TWIN_DIFFERENCE
) -> alt.Chart:
    """One run minus another over time (`difference` rows), zero marked."""
    base = alt.Chart(alt.NamedData(name="difference")).transform_filter(
        alt.datum.variable == variable
    )
    bars = base.mark_area(color="#D55E00", opacity=0.5, interpolate="step-after").encode(
        x=years_axis(years),
        y=alt.Y("value:Q", title=f"difference, {unit}"),
        tooltip=["quarter:N", alt.Tooltip("value:Q", format=",.0f")],
    )
    zero = alt.Chart(pd.DataFrame({"value": [0.0]})).mark_rule(color="#333").encode(y="value:Q")
    return alt.layer(bars, zero).properties(width=WIDTH, height=HEIGHT // 2, title=title)


def supply_chart(years: tuple[float, float], control_run: str = "this run") -> alt.TopLevelMixin:
    """Large firms' domestic-supply share by run, restriction events as rules, and
    the share of foreign inputs under control in `control_run` (dashed)."""
    share = _lines(
        "large_firm_domestic_supply_share", years, "% of inputs bought at home", 100, zero=False
    )
    control = (
        alt.Chart(alt.NamedData(name="lines"))
        .transform_filter(
            (alt.datum.variable == "controlled_foreign_share") & (alt.datum.run == control_run)
        )
        .transform_calculate(percent="datum.value * 100")
        .mark_line(color="#CC79A7", strokeDash=[6, 3], strokeWidth=2, interpolate="step-after")
        .encode(
            x=years_axis(years),
            y=alt.Y("percent:Q", title="% of foreign inputs under control (dashed)"),
        )
    )
    return (
        alt.layer(alt.layer(share, _marks(years, "restriction", "#CC79A7")), control)
        .resolve_scale(y="independent", color="independent")
        .properties(width=WIDTH, height=HEIGHT, title="Large firms buying from Chinese suppliers")
    )


def innovation_chart(years: tuple[float, float]) -> alt.TopLevelMixin:
    """Invention patents and R&D spending per little giant, with the 2024 survey facts."""
    panels = []
    for variable, scale, ytitle in (
        ("lg_invention_patents_mean", 1.0, "invention patents per firm"),
        ("lg_rd_spend_mean_yuan", 1e-6, "R&D, million yuan a year"),
    ):
        panels.append(
            alt.layer(
                _lines(variable, years, ytitle, scale),
                _observed(variable, scale).encode(x=years_axis(years)),
            ).properties(width=WIDTH // 2 - 40, height=HEIGHT)
        )
    return alt.hconcat(*panels).properties(title="Per national little giant")


def finance_chart(years: tuple[float, float]) -> alt.Chart:
    """Money reaching SMEs by channel, stacked, billion yuan at an annual rate."""
    names = [name for name, _ in FINANCE_CHANNELS.values()]
    lookup = alt.LookupData(
        pd.DataFrame({"variable": list(FINANCE_CHANNELS), "channel": names}),
        "variable",
        ["channel"],
    )
    return (
        alt.Chart(alt.NamedData(name="finance"))
        .transform_lookup(lookup="variable", from_=lookup)
        .transform_calculate(billions="datum.value * 4 / 1e9")
        .mark_area(opacity=0.9)
        .encode(
            x=years_axis(years),
            y=alt.Y("billions:Q", stack=True, title="billion yuan per year"),
            color=alt.Color(
                "channel:N",
                scale=alt.Scale(domain=names, range=[c for _, c in FINANCE_CHANNELS.values()]),
                legend=alt.Legend(orient="bottom", columns=3, labelFontSize=FONT - 2, title=None),
            ),
            tooltip=["quarter:N", "channel:N", alt.Tooltip("billions:Q", format=",.1f")],
        )
        .properties(width=WIDTH, height=HEIGHT, title="Finance reaching SMEs, by channel")
    )


def with_data(chart: alt.TopLevelMixin, **data: dict) -> alt.TopLevelMixin:
    """The chart with its named data sets filled (columnar rows -> records)."""
    records = {name: pd.DataFrame(rows).to_dict("records") for name, rows in data.items()}
    return chart.properties(datasets=records)


def png(chart: alt.TopLevelMixin, scale: float = 1.5) -> bytes:
    """The chart as a PNG picture, drawn without a browser or a network (vl-convert)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)
