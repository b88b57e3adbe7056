"""The baseline's restriction events are the package's sourced restriction timeline."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from model import load_scenario


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    with resources.files("model.data").joinpath("restriction_timeline.csv").open() as f:
        return pd.read_csv(f, keep_default_na=False)


def test_every_timeline_row_is_one_baseline_event_with_its_counts(timeline):
    events = {e.name: e for e in load_scenario("baseline").restrictions.events}
    assert list(events) == list(timeline["event"])
    for row in timeline.itertuples(index=False):
        event = events[row.event]
        assert (event.quarter, event.kind) == (row.quarter, row.kind), row.event
        assert event.large_firms == row.large_groups and event.smes == row.smes, row.event
        assert event.control == pytest.approx(row.control), row.event
        assert set(event.sectors) == set(filter(None, row.sectors.split(";"))), row.event


def test_every_timeline_row_has_a_source_and_a_confidence(timeline):
    assert timeline["source_url"].str.startswith("http").all()
    assert set(timeline["confidence"]) <= {"high", "medium", "low"}
    # no more SMEs and groups listed than the rule named Chinese entities
    assert (timeline["large_groups"] + timeline["smes"] <= timeline["chinese_entities"]).all()
