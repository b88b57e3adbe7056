"""Where a run's time goes: seconds per phase of the quarter (issue 16's profile).

    python experiments/profile_phases.py [--scale 1.0] [--seed 1] [--scenario baseline]
    python experiments/profile_phases.py --memory   # also each step's peak memory
    python experiments/profile_phases.py --floor    # and its memory-traffic floor
    python experiments/profile_phases.py --kernels  # and the compiled kernels' share

Times each step of `Economy.step` (the phases in `model/simulation/phases/`, the
year-end accounts and the reporters) over one run, after a small run in the same
process has loaded the compiled kernels from numba's cache, and prints a Markdown
table: seconds over the run, share of the run, and seconds per quarter in the first
and the last simulated year (the population grows, so the later quarters cost more).
The timers wrap the phase functions only for the timed run and add well under 1% to
it. Use it before and after a speed change; `benchmark.py` holds the goals.

`--memory` adds a second run under `tracemalloc` (numpy's arrays included) and a table
of each step's peak: the most memory held at any moment inside the step, what was held
when it began, and the quarter of that peak. A process's peak is about 300 MiB of
imports and compiled code above the largest of them.

`--floor` adds each step's memory-traffic floor over the run and how many times it the
step took (`traffic_floor.py`: one read of every column the step touches and one
write-back of every column it changes, at the speed this machine streams memory).

`--kernels` times every compiled kernel in the same run (`kernel_times.py`) and splits
the run into kernels that draw from the model's generator, other kernels, and numpy and
Python between them: what the run would take if the drawing kernels cost nothing.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import kernel_times
import pandas as pd

import model.simulation.economy as economy
from model import Economy, load_scenario
from model.params import Params
from model.simulation.agents import Government
from model.simulation.ledger import Ledger
from model.simulation.phases import (
    certification,
    demand,
    demography,
    finance,
    innovation,
    matching,
    production,
    purchasing,
)
from model.simulation.policy import Policy

# (owner, attribute, label) of every call `Economy.step` makes, in its order
STEPS: tuple[tuple[Any, str, str], ...] = (
    (Ledger, "start_quarter", "ledger"),
    (Government, "start_quarter", "government"),
    (Policy, "apply", "policy events"),
    (demand, "update", "demand"),
    (matching, "attach_suppliers", "matching"),
    (production, "grow_markets", "production: markets"),
    (purchasing, "buy_inputs", "purchasing"),
    (production, "settle", "production: settle"),
    (finance, "raise_funds", "finance"),
    (innovation, "invest_and_patent", "innovation"),
    (certification, "run", "certification"),
    (demography, "enter_and_exit", "demography"),
    (economy, "close_year", "year-end accounts"),
    (Economy, "collect", "reporters"),
)


@contextmanager
def wrapped_steps(wrap: Callable[[Any, str], Any]) -> Iterator[None]:
    """Replace every step by `wrap(function, label)` inside the block; the originals are
    restored after."""
    originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in STEPS]
    try:
        for (owner, attr, function), (_, _, label) in zip(originals, STEPS, strict=True):
            setattr(owner, attr, wrap(function, label))
        yield
    finally:
        for owner, attr, function in originals:
            setattr(owner, attr, function)


@contextmanager
def timed_steps(seconds: dict[str, dict[str, float]], labels: list[str]) -> Iterator[None]:
    """Wrap every step so that `seconds[label][quarter]` adds up its time; `labels`
    holds the quarter being run (its last item). The originals are restored after."""

    def timer(function: Any, label: str) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[label][labels[-1]] += time.perf_counter() - start

        return timed

    with wrapped_steps(timer):
        yield


def step_through(
    model: Economy, labels: list[str], counts: dict[str, tuple[int, int]] | None = None
) -> None:
    """Run `model` to its end, appending each quarter's label to `labels` before its step
    (the wrappers read the last one); `counts` gets each quarter's firms and links."""
    while model.running:
        labels.append(model.label)
        if counts is not None:
            counts[model.label] = (len(model.population), len(model.links))
        model.step()


def profile(
    params: Params,
    seed: int = 1,
    counts: dict[str, tuple[int, int]] | None = None,
    around: AbstractContextManager[Any] | None = None,
) -> tuple[pd.DataFrame, float]:
    """Seconds per step label and quarter over one run of `params` (long table with
    columns step, quarter, seconds), and the run's wall time (the build left out);
    `counts` gets each quarter's firms and links; `around` is entered for the run only."""
    seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    model = Economy(params, seed=seed)
    labels = [model.label]
    with timed_steps(seconds, labels), around or nullcontext():
        start = time.perf_counter()
        step_through(model, labels, counts)
        run = time.perf_counter() - start
    rows = [
        {"step": step, "quarter": quarter, "seconds": value}
        for step, by_quarter in seconds.items()
        for quarter, value in by_quarter.items()
    ]
    return pd.DataFrame(rows, columns=["step", "quarter", "seconds"]), run


@contextmanager
def traced_steps(peaks: dict[str, tuple[int, int, str]], labels: list[str]) -> Iterator[None]:
    """Wrap every step so that `peaks[label]` keeps (peak bytes, bytes held when the step
    began, quarter) of its highest peak; tracemalloc must be tracing. Restored after."""

    def traced(function: Any, label: str) -> Any:
        def step(*args: Any, **kwargs: Any) -> Any:
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            try:
                return function(*args, **kwargs)
            finally:
                peak = tracemalloc.get_traced_memory()[1]
                if peak > peaks.get(label, (-1, 0, ""))[0]:
                    peaks[label] = (peak, held, labels[-1])

        return step

    with wrapped_steps(traced):
        yield


def memory_peaks(params: Params, seed: int = 1) -> pd.DataFrame:
    """Each step's highest memory peak over one run (MiB, tracemalloc): the peak, what was
    held when the step began, and the quarter; the highest first."""
    peaks: dict[str, tuple[int, int, str]] = {}
    tracemalloc.start()
    try:
        model = Economy(params, seed=seed)
        labels = [model.label]
        with traced_steps(peaks, labels):
            step_through(model, labels)
    finally:
        tracemalloc.stop()
    rows = [
        {"step": label, "peak MiB": peak / 2**20, "held before MiB": held / 2**20, "quarter": q}
        for label, (peak, held, q) in peaks.items()
    ]
    return pd.DataFrame(rows).sort_values("peak MiB", ascending=False, ignore_index=True)


def memory_markdown(peaks: pd.DataFrame, title: str) -> str:
    """The memory peaks as a Markdown table."""
    lines = [f"**{title}**: peak memory by step (tracemalloc)", ""]
    lines += ["| step | peak MiB | held before MiB | quarter |", "| --- | ---: | ---: | --- |"]
    for row in peaks.itertuples(index=False):
        lines.append(f"| {row[0]} | {row[1]:.1f} | {row[2]:.1f} | {row[3]} |")
    return "\n".join(lines)


def summary(table: pd.DataFrame, run: float) -> pd.DataFrame:
    """Per step: seconds over the run, share of the run, seconds per quarter in the first
    and the last year; the largest first."""
    year = table["quarter"].str[:4]
    first, last = year.min(), year.max()
    per_year = table.assign(year=year).groupby(["step", "year"])["seconds"].sum()
    quarters = table.assign(year=year).groupby("year")["quarter"].nunique()
    out = table.groupby("step")["seconds"].sum().to_frame("seconds")
    out["share"] = out["seconds"] / run
    for y in (first, last):
        out[f"s/quarter {y}"] = per_year.xs(y, level="year").reindex(out.index).fillna(0.0)
        out[f"s/quarter {y}"] /= quarters[y]
    return out.sort_values("seconds", ascending=False)


FORMATS = {"floor s": "{:.3f}", "x floor": "{:.1f}"}  # the rest: seconds a quarter


def _cell(value: float, form: str) -> str:
    return "–" if pd.isna(value) else form.format(value)


def with_floor(summary_table: pd.DataFrame, floor: dict[str, float]) -> pd.DataFrame:
    """The summary with each step's memory-traffic floor over the run (`traffic_floor`)
    and how many times the floor the step took (blank where the floor is 0)."""
    out = summary_table.copy()
    out["floor s"] = pd.Series(floor).reindex(out.index).fillna(0.0)
    out["x floor"] = out["seconds"] / out["floor s"].where(out["floor s"] > 0)
    return out


def markdown(summary_table: pd.DataFrame, run: float, title: str) -> str:
    """The summary as a Markdown table with the run's total and what the steps leave."""
    columns = list(summary_table.columns)
    lines = [f"**{title}**: run {run:.2f} s", "", "| step | " + " | ".join(columns) + " |"]
    lines.append("| --- |" + " ---: |" * len(columns))
    for step, row in summary_table.iterrows():
        cells = [f"{row['seconds']:.3f}", f"{row['share']:.1%}"]
        cells += [_cell(row[c], FORMATS.get(c, "{:.4f}")) for c in columns[2:]]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    rest = run - summary_table["seconds"].sum()
    lines.append(f"| (between steps) | {rest:.3f} | {rest / run:.1%} |" + " |" * (len(columns) - 2))
    return "\n".join(lines)


def run_floor(
    table: pd.DataFrame, counts: dict[str, tuple[int, int]], scenario: str
) -> dict[str, float]:
    """Each step's memory-traffic floor over a profiled run (`table`: the quarters each
    step ran in) with these firm and link counts, from a traced small run of `scenario`."""
    from traffic_floor import bandwidth, floor_seconds, link_bytes, step_bytes

    from model.docs.trace import trace_run

    speed = bandwidth()
    print(f"streaming speed (a += b past the caches): {speed / 1e9:.1f} GB/s\n")
    trace = trace_run(scenario)
    per_step = step_bytes(trace.lines, STEPS, link_bytes(trace.economy.links))
    ran = table.groupby("step")["quarter"].unique().to_dict()
    return floor_seconds(per_step, counts, ran, speed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--memory", action="store_true", help="also each step's peak memory")
    parser.add_argument(
        "--floor", action="store_true", help="also each step's memory-traffic floor"
    )
    parser.add_argument("--kernels", action="store_true", help="also each compiled kernel's time")
    args = parser.parse_args()
    Economy(load_scenario(args.scenario, scale=0.005), seed=0).run()  # load the kernels
    params = load_scenario(args.scenario, scale=args.scale)
    counts: dict[str, tuple[int, int]] = {}
    kernel_seconds: Counter[str] = Counter()
    kernel_calls: Counter[str] = Counter()
    kernels = kernel_times.timed_kernels(kernel_seconds, kernel_calls) if args.kernels else None
    table, run = profile(params, args.seed, counts, kernels)
    title = f"{args.scenario} at scale {args.scale:g}, seed {args.seed}"
    steps = summary(table, run)
    if args.floor:
        steps = with_floor(steps, run_floor(table, counts, args.scenario))
    print(markdown(steps, run, title))
    if args.kernels:
        print("\n" + kernel_times.markdown(kernel_seconds, kernel_calls, run))
    if args.memory:
        print("\n" + memory_markdown(memory_peaks(params, args.seed), title))


if __name__ == "__main__":
    main()
