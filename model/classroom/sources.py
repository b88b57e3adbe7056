"""What each chart of the classroom page is given after a quarter: its spec and its rows.

A source keeps its rows between quarters and adds only the new quarter's (series),
or rebuilds a small data set only when it changed (the map, the network, the dated
rules); its generation keys say when the browser must replace a data set whole (a
twin forked or dropped, another firm followed). Nothing here needs a browser: the
tests read the same payloads the page pushes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from model.calendar import parse_quarter
from model.classroom import charts, pictures
from model.classroom.firm import FirmTrack, firm_series
from model.classroom.network import network_data, network_sample, network_signature
from model.classroom.provinces import province_counts
from model.classroom.series import (
    FINANCE_VARIABLES,
    LINE_VARIABLES,
    THIS_RUN,
    GrowingRows,
    difference_rows,
    economy_rows,
    quarters_done,
)
from model.classroom.session import ClassroomEconomy
from model.classroom.stream import Payload, Source, streamed_spec
from model.params.restrictions import RestrictionEvent


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


def twin_key(model: ClassroomEconomy) -> tuple[int, str]:
    """Changes when a twin is forked or dropped: the runs' rows start again."""
    return id(model.twin), model.twin_forked_at


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


def content_key(rows: dict[str, list]) -> int:
    """A key that changes when any row does: a small data set is sent again only then."""
    return hash(tuple(tuple(values) for values in rows.values()))


class SeriesSource(Source):
    """A time-series chart: its `variables` for this run (and the twin, with
    `twin_lines`) in data set `dataset`, extended by each new quarter, and the dated
    rules; for the little giants, with a twin, this run minus the twin."""

    def __init__(
        self,
        model: ClassroomEconomy,
        build: Callable[..., Any],
        variables: tuple[str, ...],
        dataset: str = "lines",
        twin_lines: bool = True,
        difference: bool = False,
    ) -> None:
        self.model, self.build, self.variables = model, build, variables
        self.dataset, self.twin_lines, self.difference = dataset, twin_lines, difference
        self.lines, self.gaps = GrowingRows(), GrowingRows()

    def payload(self) -> Payload:
        """The spec (with a difference panel when a twin runs) and the rows as of now."""
        model = self.model
        shown = runs(model) if self.twin_lines else [(THIS_RUN, model)]
        key, variables = twin_key(model), self.variables
        lines = self.lines.update(
            key, quarters_done(shown), lambda first: economy_rows(shown, variables, first)
        )
        rules = dated(model)
        data = {self.dataset: lines, "dated": rules}
        generation = {self.dataset: key, "dated": content_key(rules)}
        arguments: tuple = (years(model),)
        if self.difference:
            twin = model.twin
            arguments += (twin is not None,)
            if twin is not None:
                both = min(len(model.quarter_labels), len(twin.quarter_labels))
                data["difference"] = self.gaps.update(
                    key, both, lambda first: difference_rows(model, twin, variables, first)
                )
                generation["difference"] = key
        return Payload(streamed_spec(self.build, *arguments), data, generation)


def chart_source(model: ClassroomEconomy, name: str) -> SeriesSource:
    """The source of one of the page's time-series charts, by panel name."""
    if name == "little_giants":
        variables = ("national_little_giants",)
        return SeriesSource(model, charts.little_giants_chart, variables, difference=True)
    if name == "supply":
        return SeriesSource(model, charts.supply_chart, LINE_VARIABLES[1:3])
    if name == "innovation":
        return SeriesSource(model, charts.innovation_chart, LINE_VARIABLES[3:])
    if name == "finance":
        return SeriesSource(
            model, charts.finance_chart, FINANCE_VARIABLES, dataset="finance", twin_lines=False
        )
    raise ValueError(f"no time-series chart called {name!r}")


class ProvinceSource(Source):
    """The province map of the last quarter, sent again only when a count changed."""

    def __init__(self, model: ClassroomEconomy) -> None:
        self.model = model

    def payload(self) -> Payload:
        """The map's spec and its 31 tiles with this quarter's counts."""
        counts = province_counts(self.model) or {}
        spec = streamed_spec(pictures.province_map_chart)
        return Payload(spec, {"provinces": counts}, {"provinces": content_key(counts)})


class NetworkSource(Source):
    """The network's payload, built again only when its signature (links, titles,
    followed firm) changes: most quarters send nothing new."""

    def __init__(self, model: ClassroomEconomy) -> None:
        self.model, self.signature, self.last = model, None, None

    def payload(self) -> Payload:
        """The network picture's spec and data as of now."""
        model = self.model
        sample = network_sample(model, model.sample_buyers)
        signature = network_signature(model, model.sample_buyers, model.followed_firm_id, sample)
        if signature != self.signature or self.last is None:
            data = network_data(model, model.sample_buyers, model.followed_firm_id, sample)
            datasets = {name: data[name] for name in ("nodes", "links", "fields")}
            spec = streamed_spec(pictures.network_chart)
            self.signature = signature
            self.last = Payload(spec, datasets, dict.fromkeys(datasets, signature))
        return self.last


class FirmSource(Source):
    """The followed firm's chart; its records are shared with the card's text."""

    def __init__(self, model: ClassroomEconomy, track: FirmTrack) -> None:
        self.model, self.track = model, track

    def payload(self) -> Payload:
        """The firm chart's spec and the followed firm's quarters so far."""
        model = self.model
        records = self.track.update(model)
        spec = streamed_spec(pictures.firm_chart, years(model))
        key = f"{id(model)}:{model.followed_firm_id}"
        return Payload(spec, {"firm": firm_series(records)}, {"firm": key})
