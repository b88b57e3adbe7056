"""A traced run of a small baseline economy: what each line of `Economy.step` reads and
writes, and which parameters it uses, recorded from the running code.

The economy is built with a recording view of its parameters (what building uses
is the initialization's list); then its objects are switched to recording
subclasses as the step reaches them; each reports its instance attributes as
`owner.attribute` (the economy's own as `model.attribute`, the population's
columns by their name; Mesa's and private ones are left out). A line monitor on
`Economy.step` (`sys.monitoring`) tells the recorder which line runs. Every
quarter of the baseline runs, so the year-end, batch-quarter and review branches
are all taken; a branch the baseline never takes is not recorded.

Writes are recorded where they happen (assignment, item stores, `out=`), so a
write that leaves a value as it was counts too. As a check, all state is compared
before and after each line: a change without a recorded write is one the recorder
could not see; it is added, and listed in `Trace.unseen_writes` (the tests
require none). `population.rows` is written by a line that adds or drops firms.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import CodeType
from typing import Any

import mesa
import numpy as np

from model.docs.recording import (
    Effects,
    ParamsView,
    RecordedContainer,
    Recorder,
    TracedArray,
    recorded,
    unwrap,
)
from model.params.loading import load_scenario
from model.simulation.economy import Economy
from model.simulation.population import COLUMNS, Population

SCENARIO, SCALE, SEED = "baseline", 0.005, 1  # ~3,000 firms: a second, every branch taken
ROWS = "population.rows"  # firms added (entry) or dropped (compaction): every column
CORE = "model.simulation"


@dataclass
class Trace:
    """What a run did, by source line of `Economy.step`."""

    initialization: Effects  # parameters used while building the economy
    lines: dict[int, Effects]
    economy: Economy  # the economy after the run
    unseen_writes: dict[int, set[str]]  # changes the recorder did not see (a bug if any)


@cache
def mesa_names() -> frozenset[str]:
    """Attributes Mesa's own Model and Agent set: machinery, not the economy's state."""
    model = mesa.Model()
    return frozenset(vars(model)) | frozenset(vars(mesa.Agent(model)))


def is_structure(value: Any) -> bool:
    """Objects, parameters, generators and methods (also in lists and dicts), as opposed
    to state: numbers, text, arrays and containers of them."""
    if isinstance(value, np.ndarray | RecordedContainer):
        return False
    if isinstance(value, list | tuple | dict):
        items = value.values() if isinstance(value, dict) else value
        return any(is_structure(item) for item in items)
    module = type(value).__module__ or ""
    return callable(value) or module.startswith(("model.", "mesa", "numpy.random"))


def stored(value: Any) -> Any:
    """A value about to be stored, without recording wrappers (which it reads)."""
    return unwrap(value) if isinstance(value, TracedArray | RecordedContainer) else value


class Tracer:
    """Switches the core's objects to recording subclasses and follows the step's lines."""

    def __init__(self, recorder: Recorder, economy: Economy) -> None:
        self.recorder = recorder
        self.classes: dict[type, type] = {}
        self.owners: dict[int, tuple[str, Any]] = {}  # id -> (owner name, object)
        self.unseen: dict[int, set[str]] = {}
        self.before: dict[str, Any] = {}
        self.follow(economy, "model")  # the rest as the step reaches it

    def follow(self, obj: Any, owner: str) -> None:
        """Record what is done with `obj`'s state from now on, as `owner.attribute`."""
        if id(obj) in self.owners:
            return
        self.owners[id(obj)] = (owner, obj)
        cls = type(obj)
        if cls not in self.classes:
            self.classes[cls] = self._subclass(cls)
        obj.__class__ = self.classes[cls]

    def _subclass(self, cls: type) -> type:
        """`cls` with attribute reads and stores reported to the tracer."""
        tracer = self

        def __getattribute__(obj: Any, name: str) -> Any:
            value = cls.__getattribute__(obj, name)
            if tracer.ignored(name) or name not in object.__getattribute__(obj, "__dict__"):
                return value
            return tracer.hand_out(obj, name, value)

        def __setattr__(obj: Any, name: str, value: Any) -> None:
            # A property's setter records the attributes it stores itself.
            descriptor = hasattr(getattr(cls, name, None), "__set__")
            if not (descriptor or tracer.ignored(name) or is_structure(value)):
                tracer.recorder.wrote(tracer.label(obj, name))
            old = object.__getattribute__(obj, "__dict__").get(name)
            cls.__setattr__(obj, name, stored(value))
            if is_structure(value) and not tracer.ignored(name) and id(obj) in tracer.owners:
                tracer.replaced(obj, name, old, value)

        namespace = {"__getattribute__": __getattribute__, "__setattr__": __setattr__}
        return type(cls.__name__, (cls,), {**namespace, "__module__": cls.__module__})

    def replaced(self, obj: Any, name: str, old: Any, value: Any) -> None:
        """A new object stored in an attribute: every state field of it is written, and
        the object it replaced is no longer followed (its state is gone)."""
        owner = self.owners[id(obj)][0]
        label = name if owner == "model" else f"{owner}.{name}"
        for item in old if isinstance(old, list | tuple) else [old]:
            if item is not None and item is not value:
                self.owners.pop(id(item), None)
        for item in value if isinstance(value, list | tuple) else [value]:
            if type(item).__module__.startswith(CORE) and hasattr(item, "__dict__"):
                fields = object.__getattribute__(item, "__dict__")
                for field, content in fields.items():
                    if not (self.ignored(field) or is_structure(content)):
                        self.recorder.wrote(f"{label}.{field}")
        self.follow_items(value, label)

    def ignored(self, name: str) -> bool:
        """Private attributes and Mesa's machinery."""
        return name.startswith("_") or name in mesa_names()

    def label(self, obj: Any, name: str) -> str:
        """A population column by its name, other state as `owner.attribute`."""
        if issubclass(type(obj), Population) and name in COLUMNS:
            return name
        return f"{self.owners[id(obj)][0]}.{name}"

    def hand_out(self, obj: Any, name: str, value: Any) -> Any:
        """An attribute's value as the step sees it: state recorded, objects followed."""
        if not is_structure(value):
            return recorded(value, self.label(obj, name), self.recorder)
        owner = self.owners[id(obj)][0]
        self.follow_items(value, name if owner == "model" else f"{owner}.{name}")
        return value

    def follow_items(self, value: Any, owner: str) -> None:
        """Follow the core's objects in `value` (one, or a list of them); not its
        collector, which is Mesa's machinery though the core subclasses it."""
        for item in value if isinstance(value, list | tuple) else [value]:
            core = type(item).__module__.startswith(CORE) and hasattr(item, "__dict__")
            if core and not isinstance(item, mesa.DataCollector):
                self.follow(item, owner)

    # -- following the lines of Economy.step ----------------------------------------
    @contextmanager
    def following(self, code: CodeType) -> Iterator[None]:
        """Tell the recorder which line of `code` runs, while inside the block."""
        monitoring, events = sys.monitoring, sys.monitoring.events
        tool = next(i for i in range(6) if monitoring.get_tool(i) is None)
        monitoring.use_tool_id(tool, "littlegiants docs trace")
        monitoring.register_callback(tool, events.LINE, self.enter_line)
        monitoring.register_callback(tool, events.PY_RETURN, self.leave)
        monitoring.set_local_events(tool, code, events.LINE | events.PY_RETURN)
        try:
            yield
        finally:
            monitoring.set_local_events(tool, code, 0)
            monitoring.register_callback(tool, events.LINE, None)
            monitoring.register_callback(tool, events.PY_RETURN, None)
            monitoring.free_tool_id(tool)

    def enter_line(self, code: CodeType, line: int) -> None:
        """A new line of the step starts: check the last one, remember the state."""
        self.before = self.end_line()
        self.recorder.line = line

    def leave(self, code: CodeType, offset: int, value: Any) -> None:
        """The step returns: its last line is over, and its accesses can be settled."""
        self.end_line()
        self.recorder.settle()

    def end_line(self) -> dict[str, Any]:
        """Add the changes the last line made that the recorder did not see; the state
        now."""
        line, effects, now = self.recorder.line, self.recorder.now(), self.state()
        if line is not None:
            for name in changed(self.before, now):
                if name != ROWS and name not in self.recorder.fresh_writes:
                    self.unseen.setdefault(line, set()).add(name)
                effects.writes.add(name)
        self.recorder.line = None
        self.recorder.fresh_writes = set()
        return now

    def state(self) -> dict[str, Any]:
        """Every followed object's state as bytes, read past the recording."""
        found = {}
        for owner, obj in self.owners.values():
            attributes = object.__getattribute__(obj, "__dict__")
            if issubclass(type(obj), Population):
                found |= {name: attributes[name].tobytes() for name in COLUMNS}
                continue
            for name, value in attributes.items():
                if not (self.ignored(name) or is_structure(value)):
                    found[f"{owner}.{name}"] = as_bytes(value)
        return found


def as_bytes(value: Any) -> Any:
    """A value's exact content, cheaply for arrays."""
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    return pickle.dumps(value)


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """State that differs bit for bit, and ROWS if firms came or went. Columns are
    compared on the firms of `before`, not at all after a compaction (rows moved).
    State first seen in `after` (an object the line reached first) is not compared."""
    found, moved = set(), False
    if "firm_id" in before:
        found = set() if before["firm_id"] == after["firm_id"] else {ROWS}
        moved = not after["firm_id"].startswith(before["firm_id"])
    for name, value in before.items():
        if name in COLUMNS:
            if not (moved or after[name].startswith(value)):
                found.add(name)
        elif value != after.get(name):
            found.add(name)
    return found


@cache
def trace_run(scenario: str = SCENARIO, scale: float = SCALE, seed: int = SEED) -> Trace:
    """Build and run a small economy, recording every line of `Economy.step`."""
    recorder = Recorder()
    params = load_scenario(scenario, scale=scale)
    economy = Economy(ParamsView(params, "", recorder), seed=seed)  # type: ignore[arg-type]
    initialization = recorder.effects.pop(None, Effects())
    tracer = Tracer(recorder, economy)
    with tracer.following(Economy.step.__code__):
        while economy.running:
            economy.step()
    lines = {line: effects for line, effects in recorder.effects.items() if line is not None}
    return Trace(initialization, lines, economy, tracer.unseen)
