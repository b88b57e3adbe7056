"""The page of `experiments/chart_speed.py`: one chart of the library named by the
LG_CHART environment variable (stream, altair, plotly, matplotlib) and a button that
plays 28 quarters into it as fast as the server can send them.

    LG_CHART=altair solara run experiments/chart_speed_page.py
"""

from __future__ import annotations

import math
import os
import threading
import time

import solara

QUARTERS = 28
MODEL_STEP_S = 0.015  # CPU seconds a quarter of the model takes at scale 0.02 here
LIBRARIES = ("stream", "altair", "plotly", "matplotlib")
RUNS = ("this run", "twin")


def rows(quarters: int) -> dict[str, list]:
    """Columns of both runs' lines for the first `quarters` quarters (a smooth rise)."""
    t = [2019 + q / 4 for q in range(quarters) for _ in RUNS]
    run = [r for _ in range(quarters) for r in RUNS]
    value = [
        5000 * (1 + q / 4) + (300 * math.sin(q) if r == "twin" else 0)
        for q in range(quarters)
        for r in RUNS
    ]
    return {"t": t, "run": run, "value": value}


class Clock:
    """What the stream widget needs of an economy: observers told after each quarter."""

    def __init__(self) -> None:
        self.quarter, self.page_observers, self.lock = 0, [], threading.RLock()

    def tell_page(self) -> None:
        with self.lock:
            for observer in list(self.page_observers):
                observer()


def altair_chart(quarters: int):
    """The chart as Altair, data inline, drawn as SVG so the browser's title is readable."""
    import altair as alt
    import pandas as pd

    return (
        alt.Chart(pd.DataFrame(rows(quarters)))
        .mark_line()
        .encode(x="t:Q", y="value:Q", color="run:N")
        .properties(width=430, height=210, title=f"quarter {quarters}")
        .properties(usermeta={"embedOptions": {"renderer": "svg"}})
    )


@solara.component
def StreamBench(clock: Clock) -> None:
    """The classroom page's streamed widget, pushed after each quarter."""
    import altair as alt

    from model.classroom.stream import Payload, Source, StreamChart

    spec = solara.use_memo(
        lambda: (
            alt.Chart(alt.NamedData(name="lines"))
            .mark_line()
            .encode(x="t:Q", y="value:Q", color="run:N")
            .properties(width=430, height=210)
            .to_dict()
        ),
        [],
    )
    source = solara.use_memo(
        lambda: Source(lambda: Payload(spec, {"lines": rows(clock.quarter)}, {"lines": 1})), []
    )
    StreamChart(clock, source)


@solara.component
def Page() -> None:
    """One chart of the library named by LG_CHART and a button that plays 28 quarters."""
    library = os.environ.get("LG_CHART", "stream")
    clock = solara.use_memo(Clock, [])
    quarter = solara.use_reactive(0)
    playing = solara.use_reactive(False)

    def play() -> None:
        if not playing.value:
            return
        for q in range(1, QUARTERS + 1):
            busy = time.thread_time() + MODEL_STEP_S
            while time.thread_time() < busy:  # the model's quarter: CPU, as a real step
                pass
            clock.quarter = q
            if library == "stream":
                clock.tell_page()
            quarter.value = q  # re-renders the figure of the other libraries
            time.sleep(0.001)  # as the classroom page's play loop does

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)
    solara.Button("play", on_click=lambda: playing.set(True), classes=["lg-play"])
    solara.Text(f"sent {quarter.value}", classes=["lg-sent"])
    if library == "stream":
        StreamBench(clock)
    elif library == "altair":
        solara.FigureAltair(altair_chart(max(quarter.value, 1)))
    elif library == "plotly":
        import plotly.graph_objects as go

        data = rows(max(quarter.value, 1))
        figure = go.Figure(
            [
                go.Scatter(x=data["t"][i::2], y=data["value"][i::2], name=run)
                for i, run in enumerate(RUNS)
            ],
            layout={"title": {"text": f"quarter {max(quarter.value, 1)}"}, "width": 520},
        )
        solara.FigurePlotly(figure)
    else:
        import matplotlib.pyplot as plt

        data = rows(max(quarter.value, 1))
        figure, axes = plt.subplots(figsize=(5.2, 2.6), dpi=100)
        for i, run in enumerate(RUNS):
            axes.plot(data["t"][i::2], data["value"][i::2], label=run)
        axes.legend()
        solara.FigureMatplotlib(figure)
        plt.close(figure)
        solara.Text(f"drawn {quarter.value}", classes=["lg-drawn"])


# In the browser: the last quarter is drawn when this is true (per library).
# In the browser: which quarter the chart shows now (None before the first).
SHOWN = {
    "stream": "document.querySelector('.lg-vega')?.dataset.draws",
    "altair": "[...document.querySelectorAll('svg text')].map(t => t.textContent)"
    ".find(t => t.startsWith('quarter '))",
    "plotly": "[...document.querySelectorAll('svg text')].map(t => t.textContent)"
    ".find(t => t.startsWith('quarter '))",
    "matplotlib": "document.querySelector('.lg-drawn img, img')?.src.slice(-40)",
}
LAST_TITLE = "[...document.querySelectorAll('svg text')].some(t => t.textContent === 'quarter 28')"
DRAWN = {
    "stream": "Number(document.querySelector('.lg-vega')?.getAttribute('data-rows-lines')) >= 56",
    "altair": LAST_TITLE,
    "plotly": LAST_TITLE,
    "matplotlib": "document.querySelector('.lg-drawn')?.innerText.includes('drawn 28')",
}
