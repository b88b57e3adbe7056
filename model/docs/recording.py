"""Wrappers that record what a run touches: arrays, dicts, lists and parameter sections.

A `Recorder` charges each read, write and parameter use to the line of
`Economy.step` running at the time (`line`; None while the economy is built).
State is named like `cash` (a population column) or `owner.attribute`
(`buyers.demand`); parameters by their dotted key (`innovation.patent_scale`).

An array of state is handed out as a `TracedArray`: a view that reports when its
values are read (by a ufunc, a numpy function, indexing that copies, a method
that reads them) or written (item assignment, a ufunc's `out=`, a method that
writes). A view of a view reports for the same state. Values taken out by a route
numpy does not announce (copying into another array by item assignment, C code
that reads the buffer) are not seen; an access whose values are never seen used
is therefore counted as a read, so a read can be missed only where the same
access also writes.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, MutableSequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel

from model.docs.tree import ITEM, join

# Methods that read every value, and methods that write in place (numpy announces neither).
READING_METHODS = ("nonzero", "tolist", "item", "tobytes", "__iter__", "__bool__")
READING_METHODS += ("__float__", "__int__", "__index__", "__complex__")
WRITING_METHODS = ("fill", "put", "sort", "partition", "resize", "setfield", "itemset")
# numpy functions that write into their first argument.
WRITES_FIRST = frozenset({np.copyto, np.put, np.place, np.putmask, np.fill_diagonal})


@dataclass
class Effects:
    """What some code reads, writes and which parameters (dotted keys) it uses."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)

    def merge(self, other: Effects) -> None:
        """Add another's effects to these."""
        self.reads |= other.reads
        self.writes |= other.writes
        self.params |= other.params


class Recorder:
    """Effects by line of `Economy.step` (None: outside a step)."""

    def __init__(self) -> None:
        self.line: int | None = None
        self.effects: dict[int | None, Effects] = {}
        self.accesses: list[Access] = []
        self.fresh_writes: set[str] = set()  # written since the line last started

    def now(self) -> Effects:
        """The effects of the line running now."""
        return self.effects.setdefault(self.line, Effects())

    def read(self, name: str) -> None:
        """`name` was read."""
        self.now().reads.add(name)

    def wrote(self, name: str) -> None:
        """`name` was written."""
        self.now().writes.add(name)
        self.fresh_writes.add(name)

    def array(self, name: str, values: np.ndarray) -> TracedArray:
        """`values` as a traced view of the state `name`."""
        access = Access(self, name)
        self.accesses.append(access)
        traced = values.view(TracedArray)
        traced.access = access
        return traced

    def settle(self) -> None:
        """Count accesses whose values were never seen used as reads (see the module)."""
        for access in self.accesses:
            if not access.seen:
                access.effects.reads.add(access.name)
        self.accesses = []

    def parameter(self, key: str, value: Any) -> Any:
        """A parameter field's value: sections wrapped, leaves and item lists recorded."""
        if isinstance(value, BaseModel):
            return ParamsView(value, key, self)
        self.now().params.add(key)
        if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            return tuple(ParamsView(item, join(key, ITEM), self) for item in value)
        return value


class Access:
    """One hand-out of an array of state: where it happened and whether it was used."""

    __slots__ = ("effects", "name", "recorder", "seen")

    def __init__(self, recorder: Recorder, name: str) -> None:
        self.recorder, self.name, self.seen = recorder, name, False
        self.effects = recorder.now()

    def read(self) -> None:
        """Its values were read."""
        self.seen = True
        self.recorder.read(self.name)

    def wrote(self) -> None:
        """Its values were written."""
        self.seen = True
        self.recorder.wrote(self.name)


def unwrap(value: Any, write: bool = False) -> Any:
    """`value` with traced arrays (also inside lists, tuples, dicts) as plain views and
    recorded containers as their data, each recorded as read (or written)."""
    if isinstance(value, TracedArray):
        if value.access is not None:
            value.access.wrote() if write else value.access.read()
        return value.view(np.ndarray)
    if isinstance(value, RecordedContainer):
        value.recorder.read(value.name)
        return value.data
    if isinstance(value, list | tuple):
        return type(value)(unwrap(v, write) for v in value)
    if isinstance(value, dict):
        return {k: unwrap(v, write) for k, v in value.items()}
    return value


class TracedArray(np.ndarray):
    """An array of state that records reads and writes of its values (see the module)."""

    access: Access | None = None

    def __array_finalize__(self, obj: Any) -> None:
        access = getattr(obj, "access", None)
        if access is None:
            self.access = None
        elif np.may_share_memory(self.view(np.ndarray), obj.view(np.ndarray)):
            self.access = access  # a view: the same state
        else:
            access.read()  # a copy took the values
            self.access = None

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        outputs = kwargs.get("out", ())
        if method == "at":  # np.add.at(a, rows, x) changes a in place
            unwrap(inputs[0], write=True)
        if outputs:
            kwargs["out"] = unwrap(outputs, write=True)
        result = getattr(ufunc, method)(*unwrap(inputs), **unwrap(kwargs))
        if not outputs or method == "at":
            return result
        results = result if ufunc.nout > 1 else (result,)
        given = tuple(r if o is None else o for r, o in zip(results, outputs, strict=True))
        return given if ufunc.nout > 1 else given[0]

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        if func in WRITES_FIRST:
            args = (unwrap(args[0], write=True), *args[1:])
        if "out" in kwargs:
            kwargs = {**kwargs, "out": unwrap(kwargs["out"], write=True)}
        return func(*unwrap(args), **unwrap(kwargs))

    def __len__(self) -> int:
        if self.access is not None:
            self.access.seen = True  # the length is not the values
        return super().__len__()

    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(unwrap(key))
        if not isinstance(result, np.ndarray) and self.access is not None:
            self.access.read()  # one value
        return result

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.access is not None:
            self.access.wrote()
        super().__setitem__(unwrap(key), unwrap(value))


def _method(name: str, reads: bool, writes: bool) -> Any:
    plain_method = getattr(np.ndarray, name)

    def method(self: TracedArray, *args: Any, **kwargs: Any) -> Any:
        if self.access is not None and reads:
            self.access.read()
        if self.access is not None and writes:
            self.access.wrote()
        return plain_method(self.view(np.ndarray), *unwrap(args), **unwrap(kwargs))

    method.__name__ = name
    return method


for _name in READING_METHODS:
    setattr(TracedArray, _name, _method(_name, reads=True, writes=False))
for _name in WRITING_METHODS:
    if hasattr(np.ndarray, _name):
        reorders = _name in ("sort", "partition")
        setattr(TracedArray, _name, _method(_name, reads=reorders, writes=True))


class RecordedContainer:
    """A dict or list of state (`government.awareness`) that records reads and writes."""

    def __init__(self, data: Any, name: str, recorder: Recorder) -> None:
        self.data, self.name, self.recorder = data, name, recorder

    def __getitem__(self, key: Any) -> Any:
        self.recorder.read(self.name)
        return self.data[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self.recorder.wrote(self.name)
        self.data[key] = value

    def __delitem__(self, key: Any) -> None:
        self.recorder.wrote(self.name)
        del self.data[key]

    def __iter__(self) -> Iterator:
        self.recorder.read(self.name)
        return iter(self.data)

    def __len__(self) -> int:
        self.recorder.read(self.name)
        return len(self.data)


class RecordedDict(RecordedContainer, MutableMapping):
    """A recorded dict."""


class RecordedList(RecordedContainer, MutableSequence):
    """A recorded list."""

    def insert(self, index: int, value: Any) -> None:
        """Insert `value` before `index` (`append` and `extend` come here)."""
        self.recorder.wrote(self.name)
        self.data.insert(index, value)


def recorded(value: Any, name: str, recorder: Recorder) -> Any:
    """State as the code sees it: arrays, dicts and lists wrapped; other values read."""
    if isinstance(value, np.ndarray):
        return recorder.array(name, value)
    if isinstance(value, dict):
        return RecordedDict(value, name, recorder)
    if isinstance(value, list):
        return RecordedList(value, name, recorder)
    recorder.read(name)
    return value


class ParamsView:
    """A parameter section that records each field read, by dotted key.

    It passes for its section's class (`isinstance(view, RestrictionEvent)`), so
    code that dispatches on the type of a parameter object runs unchanged.
    """

    __slots__ = ("_key", "_recorder", "_section")

    def __init__(self, section: BaseModel, key: str, recorder: Recorder) -> None:
        object.__setattr__(self, "_section", section)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_recorder", recorder)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._section)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._section, name)
        if name not in type(self._section).model_fields:
            return value
        return self._recorder.parameter(join(self._key, name), value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("parameters are frozen")

    def __repr__(self) -> str:
        return f"<recorded {self._key or 'Params'}: {self._section!r}>"
