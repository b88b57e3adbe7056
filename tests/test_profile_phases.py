"""The phase profiler (experiments/profile_phases.py) times every step of the quarter."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections import Counter
from types import SimpleNamespace

import pytest
from experiment_scripts import import_experiment

from model import Economy, load_scenario


@pytest.fixture(scope="module")
def profiler():
    return import_experiment("profile_phases")


def test_every_step_of_every_quarter_is_timed_and_the_timers_are_removed(profiler) -> None:
    params = load_scenario("baseline", scale=0.002, time__end="2020Q4")
    originals = {label: getattr(owner, attr) for owner, attr, label in profiler.STEPS}
    table, run = profiler.profile(params, seed=3)
    assert set(table["step"]) == {label for _, _, label in profiler.STEPS}
    quarters = [f"{y}Q{q}" for y in (2019, 2020) for q in range(1, 5)]
    per_step = table.groupby("step")["quarter"].apply(set)
    assert per_step.drop("year-end accounts").map(lambda q: q == set(quarters)).all()
    assert per_step["year-end accounts"] == {"2019Q4", "2020Q4"}
    assert table["seconds"].sum() <= run  # the steps are inside the run
    for owner, attr, label in profiler.STEPS:
        assert getattr(owner, attr) is originals[label], label
    summary = profiler.summary(table, run)
    assert summary["share"].sum() == pytest.approx(table["seconds"].sum() / run)
    assert list(summary.columns) == ["seconds", "share", "s/quarter 2019", "s/quarter 2020"]
    text = profiler.markdown(summary, run, "t")
    assert text.count("\n| ") == len(summary) + 3  # header, rule, each step, between steps


def test_a_profiled_run_gives_the_same_output_as_a_plain_one(profiler) -> None:
    params = load_scenario("baseline", scale=0.002, time__end="2019Q4")
    plain = Economy(params, seed=3)
    plain.run()
    timed = Economy(params, seed=3)
    with profiler.timed_steps(profiler.defaultdict(lambda: profiler.defaultdict(float)), ["x"]):
        timed.run()
    a = plain.datacollector.get_model_vars_dataframe()
    b = timed.datacollector.get_model_vars_dataframe()
    assert a.equals(b)


def test_every_call_of_the_quarter_is_in_the_profilers_list(profiler) -> None:
    # STEPS copies Economy.step by hand: a step added there must be added to it too, or
    # its time shows only as "(between steps)".
    step = ast.parse(textwrap.dedent(inspect.getsource(Economy.step)))
    called = {
        node.func.attr
        for node in ast.walk(step)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    } | {
        node.func.id
        for node in ast.walk(step)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    timed = {attr for _, attr, _ in profiler.STEPS}
    assert called - {"append", "len"} == timed  # the label list and the row count


def test_every_steps_memory_peak_is_traced_and_the_wrappers_removed(profiler) -> None:
    params = load_scenario("baseline", scale=0.002, time__end="2019Q4")
    originals = {label: getattr(owner, attr) for owner, attr, label in profiler.STEPS}
    peaks = profiler.memory_peaks(params, seed=3)
    assert set(peaks["step"]) == {label for _, _, label in profiler.STEPS}
    assert (peaks["peak MiB"] >= peaks["held before MiB"]).all()
    assert peaks["peak MiB"].is_monotonic_decreasing
    assert peaks["peak MiB"].iloc[0] > 0.3  # numpy columns are traced (the pool: ~0.7 MiB)
    assert set(peaks["quarter"]) <= {f"2019Q{q}" for q in range(1, 5)}
    assert not profiler.tracemalloc.is_tracing()
    for owner, attr, label in profiler.STEPS:
        assert getattr(owner, attr) is originals[label], label
    text = profiler.memory_markdown(peaks, "t")
    assert text.count("\n| ") == len(peaks) + 2  # header, rule, each step


def test_the_traffic_floor_counts_each_steps_columns_once_and_its_writes_twice(profiler) -> None:
    floor = import_experiment("traffic_floor")
    from model.docs.trace import trace_run

    trace = trace_run()
    links = floor.link_bytes(trace.economy.links)
    assert links["links.keys"] == 8 + 8 + 8  # with the supplier and buyer rows split off
    assert links["links.since"] == 4 and links["links.n_buyers"] == 0
    per_step = floor.step_bytes(trace.lines, profiler.STEPS, links)
    assert per_step["demand"] == (0, 0)  # the buyers' orders touch no firm column
    assert per_step["matching"][1] == 2 * (24 + 4)  # the links are read and rewritten
    # production: settle reads and writes revenue, cash, ... : at least 8 float columns
    assert per_step["production: settle"][0] >= 8 * 8
    source, first = inspect.getsourcelines(Economy.step)
    line = first + next(i for i, text in enumerate(source) if "finance.raise_funds(" in text)
    effects = SimpleNamespace(
        reads={"cash", "zone", "links.keys", "links.since", "links.n_buyers"},
        writes={"cash", "pledges", "links.since"},
    )
    # cash (float64) read and written, zone (bool) read; keys read, since read and
    # written, the buyer count a scalar; pledges not a column
    one_line = floor.step_bytes({line: effects}, profiler.STEPS, links)
    assert one_line["finance"] == (8 * 2 + 1, 24 + 4 * 2)
    assert one_line["matching"] == (0, 0)
    counts = {"2019Q3": (10, 4), "2019Q4": (20, 4)}
    ran = {"finance": ["2019Q3", "2019Q4"], "year-end accounts": ["2019Q4"]}
    seconds = floor.floor_seconds(
        {"finance": (16, 8), "year-end accounts": (8, 0), "demand": (8, 0)},
        counts,
        ran,
        speed=100.0,
    )
    assert seconds["finance"] == pytest.approx((16 * 10 + 8 * 4 + 16 * 20 + 8 * 4) / 100)
    assert seconds["year-end accounts"] == pytest.approx(8 * 20 / 100)  # Q4 only
    assert seconds["demand"] == 0.0  # a step that never ran
    table = profiler.with_floor(
        profiler.pd.DataFrame({"seconds": [2.0, 1.0], "share": [0.5, 0.25]}, index=["a", "b"]),
        {"a": 0.5, "b": 0.0},
    )
    assert table["x floor"].iloc[0] == 4.0 and table["x floor"].isna().iloc[1]
    text = profiler.markdown(table, 4.0, "t")
    assert "| a | 2.000 | 50.0% | 0.500 | 4.0 |" in text
    assert "| b | 1.000 | 25.0% | 0.000 | – |" in text


def test_lines_of_the_quarter_map_to_the_profilers_labels(profiler) -> None:
    floor = import_experiment("traffic_floor")
    source = inspect.getsource(Economy.step)
    mapped = {floor.label_of_line(line.strip(), profiler.STEPS) for line in source.splitlines()}
    assert mapped - {None} == {label for _, _, label in profiler.STEPS}


def test_the_kernel_timer_counts_each_call_in_the_run_and_puts_the_kernels_back(profiler) -> None:
    kernels = import_experiment("kernel_times")
    params = load_scenario("baseline", scale=0.002, time__end="2020Q4")
    before = {(id(module), attr): k for module, attr, k in kernels._holders()}
    seconds, calls = Counter(), Counter()
    _, run = profiler.profile(params, seed=3, around=kernels.timed_kernels(seconds, calls))
    assert calls["matching._rows_by_sector"] == 8  # once a quarter; the build's call left out
    assert calls["innovation._lapse_all"] == 2  # once a year
    assert 0 < sum(seconds.values()) <= run
    after = {(id(module), attr): k for module, attr, k in kernels._holders()}
    assert after == before
    with pytest.raises(RuntimeError), kernels.timed_kernels(Counter(), Counter()):
        raise RuntimeError
    assert {(id(module), attr): k for module, attr, k in kernels._holders()} == before


def test_the_kernel_timer_leaves_rules_and_kernels_other_kernels_call_alone() -> None:
    # numba looks a kernel's globals up when it compiles it: a wrapper there would break
    # a kernel compiled while the timer is on (a cold cache, a new signature).
    kernels = import_experiment("kernel_times")
    wrapped = {(module.__name__, attr) for module, attr, _ in kernels._holders()}
    assert ("model.simulation.compiled", "numpy_choice") in wrapped
    assert ("model.simulation.compiled", "numpy_sum") not in wrapped  # numpy_choice calls it
    assert ("model.simulation.phases.innovation", "poisson_by_inversion") not in wrapped
    assert ("model.simulation.phases.innovation", "_patent_and_learn_all") in wrapped


def test_the_kernel_split_names_the_drawing_kernels_and_adds_up() -> None:
    kernels = import_experiment("kernel_times")
    assert {"credit.lend_all", "demography._closing"} <= kernels.drawing_labels()
    assert "finance._plan_all" not in kernels.drawing_labels()
    seconds = Counter({"credit.lend_all": 1.0, "finance._plan_all": 0.5})
    text = kernels.markdown(seconds, Counter({"credit.lend_all": 3}), run=4.0)
    assert "| credit.lend_all | 1.000 | 3 | yes |" in text
    assert "| finance._plan_all | 0.500 | 0 |  |" in text
    assert "kernels that draw 1.00 s (25%), other kernels 0.50 s (12%)" in text
    assert "between them 2.50 s (62%)" in text
    assert "the run would take 3.00 s" in text
