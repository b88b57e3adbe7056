"""The memory-traffic floor of each step of the quarter (issue 16): how long the step
would take if it read every column it touches once and wrote back every column it
changes once, at the speed this machine streams memory.

    python experiments/profile_phases.py --floor    # the profile with a floor column

What a step touches comes from the docs' traced run (`model.docs.trace`: every read
and write of `Economy.step`, line by line, on a small economy, every branch taken). A
population column costs its item size per firm, a link array its item size per link
(the keys carry the supplier and buyer rows split from them, 8 bytes each more), twice
if the step writes it; a scalar attribute costs nothing.

It is a rough floor, in both directions. It leaves out random draws (a normal draw costs
about 9.5 ns a firm here, a uniform 2.3 ns), gathers through the links and the year-end
compaction (which rewrites every column). But the trace merges every quarter of a line:
a step is charged every quarter for what it touches only in some (policy events act in
the quarters events are dated; certification's batch and review run once a year), and a
column read for a few firms counts as if read for all.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from model import Economy
from model.simulation.population import COLUMNS

LINK_PREFIX = "links."  # the link arrays: item size a link each
SPLIT_FROM_KEYS = ("sme", "buyer")  # the rows split from the keys move with them
STREAM_VALUES = 16_000_000  # 128 MiB an array: past any cache


def bandwidth(values: int = STREAM_VALUES, repeats: int = 10) -> float:
    """Bytes a second of `a += b` over float64 arrays past the caches (two reads and one
    write, 24 bytes an element); the best of `repeats`."""
    a, b = np.ones(values), np.ones(values)
    a += b  # touch the pages first
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a += b
        best = min(best, time.perf_counter() - start)
    return 24 * values / best


def label_of_line(text: str, steps: Iterable[tuple[Any, str, str]]) -> str | None:
    """The profiler's label of the step a source line of `Economy.step` calls, if any:
    the call `attr(` named after its owner (`ledger.start_quarter(`), or a bare
    `close_year(` and `self.collect(`."""
    for owner, attr, label in steps:
        name = getattr(owner, "__name__", "").rsplit(".", 1)[-1].lower()
        if f"{name}.{attr}(" in text or f"self.{attr}(" in text or text.startswith(f"{attr}("):
            return label
    return None


def link_bytes(links: Any) -> dict[str, int]:
    """Bytes a link of each attribute of a `Links` (by its traced name, `links.keys`):
    an array's item size, the keys' with the rows split from them, 0 for a scalar."""
    sizes = {}
    for name, value in vars(links).items():
        size = value.itemsize if isinstance(value, np.ndarray) else 0
        if name == "keys":
            size += sum(getattr(links, split).itemsize for split in SPLIT_FROM_KEYS)
        sizes[LINK_PREFIX + name] = size
    return sizes


def step_bytes(
    lines: Mapping[int, Any], steps: Iterable[tuple[Any, str, str]], links: Mapping[str, int]
) -> dict[str, tuple[int, int]]:
    """Per step label: (bytes a firm, bytes a link) of one pass over what the step reads
    and writes; `lines` are a trace's effects by line number of `Economy.step`, `links`
    the bytes a link of each link attribute (`link_bytes`)."""
    source, first = inspect.getsourcelines(Economy.step)
    steps = list(steps)
    out = {label: (0, 0) for _, _, label in steps}
    for line, effects in lines.items():
        label = label_of_line(source[line - first].strip(), steps)
        if label is None:
            continue
        per_firm = per_link = 0
        for name in effects.reads | effects.writes:
            passes = 1 + (name in effects.writes)
            if name in COLUMNS:
                per_firm += passes * np.dtype(COLUMNS[name][0]).itemsize
            else:
                per_link += passes * links.get(name, 0)
        firm, link = out[label]
        out[label] = (firm + per_firm, link + per_link)
    return out


def floor_seconds(
    bytes_by_step: Mapping[str, tuple[int, int]],
    counts: Mapping[str, tuple[int, int]],
    ran: Mapping[str, Iterable[str]],
    speed: float,
) -> dict[str, float]:
    """Per step: the floor over a run at `speed` bytes a second, from `counts` (quarter
    label -> firms and links when the quarter began) over the quarters the step `ran`
    in (the profile's table: the year-end accounts only in Q4)."""
    out = {}
    for label, (per_firm, per_link) in bytes_by_step.items():
        quarters = ran.get(label, ())
        total = sum(per_firm * counts[q][0] + per_link * counts[q][1] for q in quarters)
        out[label] = total / speed
    return out
