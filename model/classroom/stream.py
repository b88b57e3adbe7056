"""A Vega chart in the browser that takes new rows without being redrawn whole.

`VegaStream` embeds its `spec` (Vega, compiled from Vega-Lite on the server) once,
with Vega from the page's own files (see `model.classroom.assets`). Its data sets are
not synchronised widget state: each push sends the browser one message with only
what it lacks, the rows added since the last push (or a whole data set when its
`generation` key changed: a reset, a twin forked, another firm followed).
Synchronised state would resend, deep-compare and deep-copy every row of every data
set at every quarter (ipywidgets and ipyvue do). A browser that missed rows (a view
made after a push) asks for all of them again. After a quarter, the messages of all
the page's charts and texts travel together in one message of the page's `PageFeed`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ipyvue
import ipyvuetify
import solara
import traitlets

from model.classroom.assets import VEGA_VERSIONS

# The page's browser components (VegaStream, LiveText, PageFeed): one ES module, loaded
# once per page.
MODULE = "littlegiants-classroom"
COMPONENTS = Path(__file__).with_name("widgets.mjs")
_batch = threading.local()  # the messages of one telling of the page, per thread
_keys = itertools.count(1)  # unique within the server: a browser page holds a few


def _new_key() -> str:
    return f"lg{next(_keys)}"


def deliver(widget: Any, method: str, argument: Any) -> None:
    """Send `argument` to the widget's `jupyter_<method>` in the browser: inside
    `together(...)` as part of the page's one message, otherwise on its own."""
    items = getattr(_batch, "items", None)
    if items is not None:
        items.append((widget.key, method, argument))
    else:
        widget.send({"method": method, "args": [argument]})


def use_components() -> None:
    """Send the page's module to this session's browser, once. Declared from inside a
    session, not at import: the server's ipyvue is Solara's (one module widget per
    session) only once Solara has started, after the server has drawn a page to warm up."""
    solara.use_memo(lambda: ipyvue.define_module(MODULE, COMPONENTS), [])


class Component(ipyvuetify.VuetifyTemplate):
    """A widget drawn by one export of the page's module (its class's name): no
    template to compile in the browser, for each widget, before the page draws."""

    @traitlets.default("template")
    def _module_export(self) -> ipyvue.Template:
        return ipyvue.Template(esm_module=MODULE, esm_export=type(self).__name__)


class PageFeed(Component):
    """An invisible widget that carries, in one message, what every chart and text of
    the page is sent after a quarter: a message costs the server a round trip to its
    event loop (about a millisecond here) and the browser a dispatch, so nine a quarter
    became one. It also asks for Vega (`versions`) before the first chart needs it."""

    versions = traitlets.Dict(VEGA_VERSIONS).tag(sync=True)
    on_first_screen = traitlets.Callable(None, allow_none=True)

    def vue_first_screen(self, _: Any = None) -> None:
        """Called by the browser once the page's first chart has drawn."""
        if self.on_first_screen is not None:
            self.on_first_screen()


@contextmanager
def together(feed: PageFeed) -> Iterator[None]:
    """Collect what the page's widgets deliver in this thread; send it as one message."""
    _batch.items = []
    try:
        yield
        items = _batch.items
    finally:
        _batch.items = None
    if items:
        feed.send({"method": "feed", "args": [items]})


class VegaStream(Component):
    """A Vega chart whose named data sets stream in from Python."""

    key = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    versions = traitlets.Dict(VEGA_VERSIONS).tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    on_pick = traitlets.Callable(None, allow_none=True)
    # What the browser has been given, kept here (not synchronised): name -> columns.
    datasets = traitlets.Dict()
    generation = traitlets.Dict()  # name -> key; a new key replaces that data set

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(key=_new_key(), **kwargs)
        self.sent: dict[str, tuple[str, int]] = {}  # name -> (generation, rows sent)
        self.sending = threading.Lock()  # pushes come from the play thread, resyncs not

    def vue_pick(self, datum: dict) -> None:
        """Called by the browser with the clicked mark's data row."""
        if self.on_pick is not None:
            self.on_pick(datum)

    def vue_resync(self, _: Any = None) -> None:
        """Called by the browser when it lacks rows: send every data set whole."""
        with self.sending:
            self.sent = {}
            self.send_rows()

    def send_rows(self) -> dict[str, dict]:
        """Send the browser what it lacks in one message; returns what was sent."""
        changes = rows_to_send(self.datasets, self.generation, self.sent)
        if changes:
            deliver(self, "rows", changes)
        return changes


def rows_to_send(
    datasets: dict[str, dict[str, list]],
    generation: dict[str, str],
    sent: dict[str, tuple[str, int]],
) -> dict[str, dict]:
    """Per data set, the rows the browser lacks: `{"from": n, "columns": tail}` for rows
    added to a data set it has, `{"replace": True, "from": 0, "columns": all}` for one
    that is new, has a new generation or shrank. Updates `sent` in place."""
    changes = {}
    for name, columns in datasets.items():
        key = generation.get(name, "")
        # The shortest column: another thread may be extending the lists right now.
        length = min((len(values) for values in columns.values()), default=0)
        old_key, old_length = sent.get(name, (None, 0))
        if key != old_key or length < old_length:
            whole = {column: values[:length] for column, values in columns.items()}
            changes[name] = {"replace": True, "from": 0, "columns": whole}
        elif length > old_length:
            tail = {column: values[old_length:length] for column, values in columns.items()}
            changes[name] = {"from": old_length, "columns": tail}
        sent[name] = (key, length)
    return changes


@dataclass(eq=False)
class Payload:
    """What one chart shows: its spec, its data sets and their generation keys."""

    spec: dict[str, Any]
    datasets: dict[str, dict[str, list]]
    generation: dict[str, Any] = field(default_factory=dict)


class Source:
    """Where a chart gets its payload after each quarter.

    An opaque object on purpose: Solara walks a component's arguments for child
    elements, and walking thousands of numbers at every quarter cost more than
    drawing them. Subclasses keep rows between quarters and only add the new ones.
    """

    def __init__(self, payload: Callable[[], Payload]) -> None:
        self.make = payload

    def payload(self) -> Payload:
        """The chart's spec and data as of now."""
        return self.make()


def push(widget: VegaStream, payload: Payload) -> None:
    """Give the widget the payload: the spec when it is new, then the rows it lacks."""
    with widget.sending:
        if widget.spec is not payload.spec:
            widget.spec = payload.spec
        widget.generation = {k: str(v) for k, v in payload.generation.items()}
        widget.datasets = payload.datasets
        widget.send_rows()


def use_observer(
    model: Any, element: Any, update: Callable[[Any], None], dependencies: list
) -> None:
    """Call `update(widget)` with the element's widget now and whenever the economy
    tells the page (after each quarter, a slider move, a twin forked); stop when the
    component goes or the model changes.

    No re-render: the page's components are drawn once per run, and a render of the
    page at every quarter cost more than the quarter itself."""

    def observe() -> Callable[[], None]:
        widget = solara.get_widget(element)  # only found while Solara renders

        def observer() -> None:
            update(widget)

        model.page_observers.append(observer)
        with model.lock:
            observer()
        return lambda: model.page_observers.remove(observer)

    solara.use_effect(observe, [model, *dependencies])


@solara.component
def StreamChart(model: Any, source: Source, on_pick: Callable[[dict], None] | None = None):
    """A streamed chart: the widget is made once; whenever the economy tells the page,
    the source's payload is pushed into it."""
    element = VegaStream.element(clickable=on_pick is not None, on_pick=on_pick)
    use_observer(model, element, lambda widget: push(widget, source.payload()), [source])
    return element


class LiveText(Component):
    """A block of text that Python replaces whole (`html`, already escaped), sent as a
    message (through the page's feed after a quarter), not as synchronised state."""

    key = traitlets.Unicode().tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)
    css_style = traitlets.Unicode("").tag(sync=True)
    # The text when the widget was made, drawn as soon as its view is: the page's first
    # screen does not wait for the view to ask for the text and get it back.
    first_html = traitlets.Unicode("").tag(sync=True)
    html = traitlets.Unicode("")  # what the browser was last sent (kept here, not synced)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(key=_new_key(), **kwargs)

    def show(self, html: str) -> None:
        """Replace the text in the browser, if it changed."""
        if html != self.html:
            self.html = html
            deliver(self, "html", html)

    def vue_resync(self, _: Any = None) -> None:
        """Called by a new view in the browser: send it the text, unless the text it
        was made with is still the latest."""
        if self.html != self.first_html:
            self.send({"method": "html", "args": [self.html]})


def _under_lock(model: Any, render: Callable[[], str]) -> str:
    with model.lock:  # the play thread may be recording a quarter
        return render()


@solara.component
def LiveBlock(model: Any, render: Callable[[], str], css_class: str = "", css_style: str = ""):
    """A block of text whose html is `render()`, replaced whenever the economy tells
    the page (the element is the component's root, so its widget can be found)."""
    # Once per economy: later texts reach a drawn view as messages.
    first = solara.use_memo(lambda: _under_lock(model, render), [model])
    element = LiveText.element(css_class=css_class, css_style=css_style, first_html=first)

    def update(widget: LiveText) -> None:
        widget.show(render())

    use_observer(model, element, update, [render])
    return element


# Lay the chart out again when data arrives: the value axis's labels widen as it grows.
AUTOSIZE = {"type": "pad", "resize": True}


@cache
def streamed_spec(build: Callable[..., Any], *arguments: Any) -> dict[str, Any]:
    """The Vega spec of `build(*arguments)` (an Altair chart), sized again whenever its
    data changes; built once per arguments and shared, never changed.

    Compiled from Vega-Lite here (vl-convert), so the browser loads only Vega: no
    Vega-Lite library to fetch and parse, no compiling on every embed."""
    import vl_convert

    return vl_convert.vegalite_to_vega({**build(*arguments).to_dict(), "autosize": AUTOSIZE})
