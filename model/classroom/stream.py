"""A Vega-Lite chart in the browser that takes new rows without being redrawn whole.

`VegaStream` embeds its `spec` once (vega-embed, from the page's own files: see
`model.classroom.assets`); when `datasets` grows, only the new rows are inserted
into Vega's dataflow. A data set whose `generation` key changes is replaced whole
(a reset, a twin forked, another firm followed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipyvuetify
import solara
import traitlets

from model.classroom.assets import VEGA_VERSIONS

TEMPLATE = Path(__file__).with_name("stream.vue")


class VegaStream(ipyvuetify.VuetifyTemplate):
    """A Vega-Lite chart whose named data sets stream in from Python."""

    template_file = str(TEMPLATE)
    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)  # name -> columns (equal-length lists)
    generation = traitlets.Dict().tag(sync=True)  # name -> key; a new key replaces the set
    versions = traitlets.Dict(VEGA_VERSIONS).tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    on_pick = traitlets.Callable(None, allow_none=True)

    def vue_pick(self, datum: dict) -> None:
        """Called by the browser with the clicked mark's data row."""
        if self.on_pick is not None:
            self.on_pick(datum)


@dataclass(eq=False)
class Payload:
    """What one chart shows: its spec, its data sets and their generation keys.

    An opaque object on purpose: Solara walks a component's arguments for child
    elements, and walking thousands of numbers at every quarter cost more than
    drawing them.
    """

    spec: dict[str, Any]
    datasets: dict[str, dict[str, list]]
    generation: dict[str, Any] = field(default_factory=dict)


@solara.component
def StreamChart(payload: Payload, on_pick: Callable[[dict], None] | None = None) -> Any:
    """A streamed chart: the widget is made once, then given the payload's spec (when
    it is a new one) and data after every render, in one message."""
    element = VegaStream.element(clickable=on_pick is not None, on_pick=on_pick)

    def push() -> None:
        widget = solara.get_widget(element)
        with widget.hold_sync():
            if widget.spec is not payload.spec:
                widget.spec = payload.spec
            widget.generation = {k: str(v) for k, v in payload.generation.items()}
            widget.datasets = payload.datasets

    solara.use_effect(push, None)  # after every render
    return element


# Lay the chart out again when data arrives: a chart embedded before its first rows
# has no extent on its value axis, and would otherwise stay zero pixels wide.
AUTOSIZE = {"type": "pad", "resize": True}


def streamed_spec(chart: Any) -> dict[str, Any]:
    """An Altair chart's Vega-Lite dict, sized again whenever its data changes."""
    return {**chart.to_dict(), "autosize": AUTOSIZE}


def use_spec(build: Callable[[], Any], dependencies: list) -> dict[str, Any]:
    """A chart's streamed spec, built again only when `dependencies` change."""
    return solara.use_memo(lambda: streamed_spec(build()), dependencies=dependencies)
