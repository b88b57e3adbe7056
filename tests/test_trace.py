"""What the docs say each phase reads, writes and uses is recorded from a traced run:
it names the state each phase really touches, sees every change of a column, and
leaves the run exactly as an untraced one."""

from __future__ import annotations

import typing

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from model.docs.flow import flow_rows, step_entries
from model.docs.recording import Effects, ParamsView, Recorder
from model.docs.trace import ROWS, SCALE, SCENARIO, SEED, trace_run
from model.docs.tree import leaves, nodes
from model.params.loading import load_scenario
from model.params.restrictions import RestrictionEvent
from model.simulation.economy import Economy
from model.simulation.phases import demand


@pytest.fixture(scope="module")
def phases() -> dict[str, Effects]:
    """Effects of each entry of `Economy.step`, by short name."""
    merged: dict[str, Effects] = {}
    for entry in step_entries():  # a phase called twice (production) has its effects merged
        merged.setdefault(entry.name, Effects()).merge(entry.effects)
    return merged


def test_phases_write_the_state_they_compute(phases: dict[str, Effects]) -> None:
    assert {"revenue", "opex", "size", "cash", "tech_access"} <= phases["production"].writes
    assert {"patents", "patents_new", "rd_stock", "capability"} <= phases["innovation"].writes
    assert {"status", "national_year", "support_until"} <= phases["certification"].writes
    assert {"customers", "links.keys", "buyers.suppliers"} <= phases["matching"].writes
    assert {"buyers.demand", "buyers.blocked", "buyers.derisk"} <= phases["demand"].writes
    assert {"buyers.purchases.replaced", "buyers.output_factor"} <= phases["purchasing"].writes
    assert {ROWS, "status"} <= phases["demography"].writes  # entry and exit
    assert {"rev_y1", "rd_y1", "equity_y1", "debt_ratio_ye"} <= phases["close_year"].writes


def test_phases_read_what_their_rules_use(phases: dict[str, Effects]) -> None:
    # The national tests run on last year's accounts and the patent stock.
    assert {"rev_y1", "rev_y3", "rd_y2", "patents", "debt_ratio_ye"} <= (
        phases["certification"].reads
    )
    assert {"rd_stock", "tech_access", "customers"} <= phases["innovation"].reads
    assert "rd_budget" in phases["finance"].writes & phases["innovation"].reads
    # Demand only moves the large buyers: no SME column is touched.
    assert all("." in name for name in phases["demand"].reads | phases["demand"].writes)


def test_stores_that_only_overwrite_are_not_reads(phases: dict[str, Effects]) -> None:
    # Liquidation zeroes the sales of closing firms without looking at them.
    assert "revenue" in phases["demography"].writes
    assert "revenue" not in phases["demography"].reads
    # close_year shifts rev_y2 into rev_y3, which it never reads.
    assert "rev_y3" not in phases["close_year"].reads


def test_parameters_are_charged_to_the_phase_that_uses_them(phases: dict[str, Effects]) -> None:
    assert "innovation.patent_scale" in phases["innovation"].params
    assert "innovation.patent_scale" not in phases["production"].params
    assert "certification.national.min_patents" in phases["certification"].params
    assert "restrictions.events.<i>.control" in phases["policy"].params
    building = trace_run().initialization.params
    assert {"population.initial_firms", "large_firms.count"} <= building
    assert "innovation.excess_cash_rd_share" not in building  # used from the first quarter on


def test_conditional_entries_are_recorded_when_they_run() -> None:
    rows, _ = flow_rows()
    year_end = next(row for row in rows if row.label.startswith("close_year"))
    assert year_end.label.endswith("[quarter_of_year == 4]")
    assert "rev_ytd" in year_end.reads and "rev_ytd" in year_end.writes


def is_text(annotation: object) -> bool:
    """Text (names, notes, quarters) or a tuple of it."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return is_text(args[0])
    if origin is tuple:
        return all(is_text(a) for a in args if a is not Ellipsis)
    return annotation is str


def test_the_traced_run_uses_every_parameter_but_free_text() -> None:
    trace = trace_run()
    used = trace.initialization.params.union(*(e.params for e in trace.lines.values()))
    unused = [key for key in leaves() if key not in used]
    numbers = [key for key in unused if not is_text(nodes()[key].info.annotation)]
    assert not numbers, (
        f"the traced baseline never uses {numbers}: dead parameters, or used only on a "
        "branch the baseline does not take (the docs would not list them)"
    )


def test_the_trace_sees_every_change_of_a_column() -> None:
    assert trace_run().unseen_writes == {}


def test_the_traced_run_is_the_same_run() -> None:
    traced = trace_run().economy.datacollector.get_model_vars_dataframe()
    plain = Economy(load_scenario(SCENARIO, scale=SCALE), seed=SEED)
    plain.run()
    assert_frame_equal(traced, plain.datacollector.get_model_vars_dataframe())


def test_traced_arrays_tell_reads_from_writes() -> None:
    recorder, values = Recorder(), np.arange(5.0)

    def column(name: str) -> np.ndarray:
        return recorder.array(name, values.copy())

    column("stored")[np.array([], dtype=int)] = 0.0  # a write, even of no rows
    same = column("unchanged")
    same[:] = same.view(np.ndarray)  # a write that changes no value
    added = column("added")
    added += 1.0  # reads and writes
    np.flatnonzero(column("scanned") > 2)
    column("sliced")[1:3].sum()  # a view reads for its column
    column("copied")[[0, 1]]  # a copy reads
    len(column("measured"))  # the length is not the values
    column("unused")  # never seen used: counted as read
    recorder.settle()
    effects = recorder.effects[None]
    assert effects.writes == {"stored", "unchanged", "added"}
    assert effects.reads == {"added", "scanned", "sliced", "copied", "unused"}


def test_parameter_views_record_dotted_keys_and_keep_their_type() -> None:
    recorder = Recorder()
    params = ParamsView(load_scenario("baseline"), "", recorder)
    event = params.restrictions.events[0]
    assert isinstance(event, RestrictionEvent) and event.large_firms > 0
    assert params.innovation.patent_scale > 0
    assert recorder.effects[None].params == {
        "restrictions.events",
        "restrictions.events.<i>.large_firms",
        "innovation.patent_scale",
    }


def test_a_write_past_the_recorder_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    update = demand.update

    def update_and_hide_a_write(model: Economy) -> None:
        update(model)
        hidden = object.__getattribute__(model.population, "cash")  # the raw column
        hidden += 1.0

    monkeypatch.setattr(demand, "update", update_and_hide_a_write)
    trace = trace_run.__wrapped__(scale=0.001)
    entries = {entry.call: entry.effects for entry in step_entries(trace)}
    assert list(trace.unseen_writes.values()) == [{"cash"}]
    assert "cash" in entries["demand.update(self)"].writes
