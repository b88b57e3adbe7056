"""Warm the page's server before the first class opens it.

The first page a server draws pays for work every later page shares: the charts'
Vega-Lite specs (Altair builds and validates them: about a second), the first
economy, the first render of the components and the code paths of a quarter. A
server that does this once at start-up draws its first page as fast as its tenth.
"""

from __future__ import annotations

import time

from model.classroom.firm import FirmTrack
from model.classroom.sources import FirmSource, NetworkSource, ProvinceSource, chart_source
from model.classroom.stream import PageFeed, Source, rows_to_send

WARM_SCALE = 0.002  # a tiny economy: the code paths, not the numbers, are being warmed
WARM_QUARTERS = 2


def warm_up() -> float:
    """Render the page once without a browser, play two quarters of a tiny economy
    through its charts, fork a twin, and build every spec a page can ask for (the
    twin's too); returns the seconds it took."""
    import solara

    from model.classroom.page import Page
    from model.classroom.session import ClassroomEconomy

    started = time.perf_counter()
    _box, context = solara.render(Page(), handle_error=False)
    # As a browser would: the whole page, and the first page's economy built ahead.
    context.find(PageFeed).widget.vue_first_screen()
    context.close()
    economy = ClassroomEconomy(scale=WARM_SCALE)
    sources: list[Source] = [
        chart_source(economy, name) for name in ("little_giants", "supply", "innovation", "finance")
    ]
    sources += [ProvinceSource(economy), NetworkSource(economy), FirmSource(economy, FirmTrack())]
    sent: list[dict] = [{} for _ in sources]
    for quarter in range(WARM_QUARTERS + 1):
        if quarter == WARM_QUARTERS:
            economy.fork_twin()  # the twin's spec, with its difference panel
        economy.step()
        for source, done in zip(sources, sent, strict=True):
            payload = source.payload()
            generation = {k: str(v) for k, v in payload.generation.items()}
            rows_to_send(payload.datasets, generation, done)
    return time.perf_counter() - started
