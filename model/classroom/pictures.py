"""The classroom's non-time-series pictures as Vega-Lite (Altair): the supply network,
the firm card's chart and the province tile map. Data sets are named, as in
`model.classroom.charts`, and filled by the page or by `charts.with_data`."""

from __future__ import annotations

import altair as alt

from model.classroom.charts import FONT, HEIGHT, TITLE_COLOURS, WIDTH, years_axis

TITLES = list(TITLE_COLOURS)
SUPPLIER_TITLES = alt.Scale(domain=TITLES, range=list(TITLE_COLOURS.values()))


def network_chart() -> alt.TopLevelMixin:
    """Sampled large firms (squares) and their SME suppliers (dots coloured by title);
    lines are supply links; a click on a dot picks that firm (`nodes.firm_id`)."""
    hidden = None  # no axes: places, not quantities
    x = alt.X("x:Q", axis=hidden, scale=alt.Scale(domain=[-2.3, 2.3], nice=False))
    y = alt.Y("y:Q", axis=hidden, scale=alt.Scale(domain=[-2.4, 2.6], nice=False))
    links = (
        alt.Chart(alt.NamedData(name="links"))
        .mark_rule(color="#999999", opacity=0.6, strokeWidth=0.7)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    nodes = alt.Chart(alt.NamedData(name="nodes"))
    suppliers = (
        nodes.transform_filter(alt.datum.kind == "supplier")
        .mark_circle(size=60, stroke="white", strokeWidth=0.5, opacity=1, cursor="pointer")
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "label:N",
                scale=SUPPLIER_TITLES,
                legend=alt.Legend(orient="bottom", columns=3, title=None, labelFontSize=FONT - 2),
            ),
            tooltip=[alt.Tooltip("firm_id:Q", title="firm"), alt.Tooltip("label:N", title="title")],
        )
    )
    followed = (
        nodes.transform_filter(alt.datum.followed)
        .mark_circle(size=260, filled=False, color="black", strokeWidth=2.5)
        .encode(x=x, y=y)
    )
    buyers = (
        nodes.transform_filter(alt.datum.kind == "large firm")
        .mark_square(size=170, color="#444444", opacity=1)
        .encode(x=x, y=y)
    )
    fields = (
        alt.Chart(alt.NamedData(name="fields"))
        .mark_text(fontSize=FONT - 1, color="#222222", baseline="bottom")
        .encode(x=x, y=y, text="text:N")
    )
    return alt.layer(links, suppliers, followed, buyers, fields).properties(
        width=WIDTH, height=int(WIDTH * 1.05), title="Supply links of 8 large firms"
    )


def firm_chart(years: tuple[float, float]) -> alt.TopLevelMixin:
    """One firm over time (`firm` rows: t, revenue, patents, title): revenue (line),
    invention patents (steps, right axis), its title as coloured ticks along the top."""
    base = alt.Chart(alt.NamedData(name="firm"))
    revenue = base.mark_line(color="#0072B2", strokeWidth=2.5).encode(
        x=years_axis(years),
        y=alt.Y("revenue:Q", title="revenue, M yuan/yr (blue)"),
        tooltip=["t:Q", alt.Tooltip("revenue:Q", format=",.1f"), "patents:Q", "title:N"],
    )
    patents = base.mark_line(color="#D55E00", strokeWidth=2, interpolate="step-after").encode(
        x=years_axis(years),
        y=alt.Y("patents:Q", title="invention patents (red)", axis=alt.Axis(tickMinStep=1)),
    )
    title = base.mark_tick(thickness=6, size=14, orient="vertical").encode(
        x=years_axis(years),
        color=alt.Color(
            "title:N",
            scale=SUPPLIER_TITLES,
            legend=alt.Legend(orient="bottom", columns=3, title=None, labelFontSize=FONT - 2),
        ),
    )
    lines = alt.layer(revenue, patents).resolve_scale(y="independent")
    return alt.vconcat(
        title.properties(width=WIDTH, height=14), lines.properties(width=WIDTH, height=HEIGHT - 40)
    ).properties(spacing=2)


def province_map_chart() -> alt.TopLevelMixin:
    """The 31 mainland provinces as tiles (`provinces` rows: name, row, column, region,
    value), coloured by national little giants, each labelled with its count."""
    base = alt.Chart(alt.NamedData(name="provinces")).encode(
        x=alt.X("column:O", axis=None, scale=alt.Scale(domain=list(range(7)))),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(8)))),
    )
    tiles = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        color=alt.Color(
            "value:Q",
            title="national little giants",
            scale=alt.Scale(scheme="oranges", zero=True),
            legend=alt.Legend(orient="right", titleFontSize=FONT - 2, labelFontSize=FONT - 2),
        ),
        tooltip=["name:N", "region:N", alt.Tooltip("value:Q", format=",.0f")],
    )
    names = base.mark_text(fontSize=FONT - 3, dy=-7).encode(text="name:N")
    counts = base.mark_text(fontSize=FONT - 2, dy=8, fontWeight="bold").encode(
        text=alt.Text("value:Q", format=",.0f")
    )
    return alt.layer(tiles, names, counts).properties(
        width=WIDTH - 60, height=int(WIDTH * 0.8), title="National little giants by province"
    )
