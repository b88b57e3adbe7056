"""What the page sends the browser each quarter: only the new rows, the same rows a
rebuild from scratch would give, and a whole data set only when it must."""

from __future__ import annotations

from model.classroom.firm import FirmTrack, firm_records
from model.classroom.series import economy_rows
from model.classroom.session import ClassroomEconomy
from model.classroom.sources import (
    FirmSource,
    NetworkSource,
    ProvinceSource,
    chart_source,
    runs,
)
from model.classroom.stream import rows_to_send

SCALE = 0.005


def _sent(payload, sent: dict) -> dict:
    generation = {k: str(v) for k, v in payload.generation.items()}
    return rows_to_send(payload.datasets, generation, sent)


def test_only_new_rows_are_sent_until_a_generation_changes() -> None:
    columns = {"t": [1, 2, 3], "value": [10, 20, 30]}
    sent: dict = {}
    first = rows_to_send({"lines": columns}, {"lines": "a"}, sent)
    assert first == {"lines": {"replace": True, "from": 0, "columns": columns}}
    assert rows_to_send({"lines": columns}, {"lines": "a"}, sent) == {}  # nothing new
    columns["t"].append(4)
    columns["value"].append(40)
    grown = rows_to_send({"lines": columns}, {"lines": "a"}, sent)
    assert grown == {"lines": {"from": 3, "columns": {"t": [4], "value": [40]}}}
    replaced = rows_to_send({"lines": columns}, {"lines": "b"}, sent)
    assert replaced["lines"]["replace"] and replaced["lines"]["columns"]["t"] == [1, 2, 3, 4]


def test_a_column_being_extended_sends_only_whole_rows() -> None:
    columns = {"t": [1, 2, 3], "value": [10, 20]}  # another thread is half-way through a row
    sent: dict = {}
    assert rows_to_send({"lines": columns}, {}, sent)["lines"]["columns"]["t"] == [1, 2]
    columns["value"].append(30)
    assert rows_to_send({"lines": columns}, {}, sent)["lines"] == {
        "from": 2,
        "columns": {"t": [3], "value": [30]},
    }


def test_streamed_rows_equal_rows_rebuilt_from_scratch_with_a_twin() -> None:
    model = ClassroomEconomy(scale=SCALE, seed=2)
    source = chart_source(model, "little_giants")
    browser: dict[str, dict[str, list]] = {}  # what the browser holds, from the messages
    sent: dict = {}
    per_quarter = []
    for quarter in range(10):
        if quarter == 4:
            model.fork_twin()
        model.step()
        changes = _sent(source.payload(), sent)
        per_quarter.append(len(changes.get("lines", {}).get("columns", {}).get("t", [])))
        for name, change in changes.items():
            held = {} if change.get("replace") else browser.get(name, {})
            browser[name] = {k: held.get(k, []) + v for k, v in change["columns"].items()}
    assert browser["lines"] == economy_rows(runs(model), ("national_little_giants",))
    assert len(browser["difference"]["t"]) == 10
    # One row a quarter; the twin's fork replaces the lines once with both runs' rows.
    assert per_quarter == [1, 1, 1, 1, 2 * 5, 2, 2, 2, 2, 2]


def test_the_map_network_and_firm_are_sent_only_when_they_change() -> None:
    model = ClassroomEconomy(scale=SCALE, seed=3)
    track = FirmTrack()
    sources = [ProvinceSource(model), NetworkSource(model), FirmSource(model, track)]
    sent: list[dict] = [{} for _ in sources]
    for _ in range(3):
        model.step()
        for source, done in zip(sources, sent, strict=True):
            _sent(source.payload(), done)
    assert [_sent(s.payload(), done) for s, done in zip(sources, sent, strict=True)] == [{}, {}, {}]
    assert track.records == firm_records(model, model.followed_firm_id)
    model.follow_random_firm()
    firm = _sent(sources[2].payload(), sent[2])["firm"]
    assert firm["replace"] and len(firm["columns"]["t"]) == len(track.records) > 0


def test_each_browser_widget_is_an_export_of_the_page_module() -> None:
    """A widget names its module export after its class: a class without an export
    would leave an empty box in the browser, with no error on the server."""
    import re

    from model.classroom.stream import COMPONENTS, MODULE, Component, LiveText

    exports = set(re.findall(r"^export const (\w+) = \{", COMPONENTS.read_text(), re.M))
    classes = {cls.__name__ for cls in Component.__subclasses__()}
    assert classes == {"PageFeed", "VegaStream", "LiveText"}
    assert classes <= exports
    template = LiveText(first_html="<p>now</p>").template
    assert (template.esm_module, template.esm_export) == (MODULE, "LiveText")
