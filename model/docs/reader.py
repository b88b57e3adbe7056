"""A small reader of the model's source: which state and parameters a function touches.

Expressions are read into sets of symbols, tuples naming what a value is:
("model",) the economy; ("pop",) the SME population or some of its rows;
("param", key) a node of the parameter tree; ("col", name) a population column;
("obj", owner, cls) an object the economy holds as `model.<owner>`; ("objs", owner,
cls) a list of them; ("func", f), ("method", self, f), ("class", c), ("module", m);
("str", s) a text constant; ("seq", items) a literal tuple; ("spread", s) a `*x`.
Reads and writes are recorded as population column names or `owner.attribute`.
It is deliberately simple (no types beyond annotations, no control flow) and is
tuned to this code base; what it cannot follow it leaves out rather than guesses.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from model.docs.tree import ITEM, join, nodes, paths_of_class
from model.params import Params
from model.simulation.economy import Economy
from model.simulation.population import Population, RowView

EMPTY: frozenset = frozenset()
MODEL, POP = ("model",), ("pop",)
# Names only imported for type checking are not in a module's globals at run time.
TYPE_ONLY = {"Economy": MODEL, "Params": ("param", ""), "Population": POP, "RowView": POP}
POPULATION_GROWTH = ("add", "compact")  # methods that add or drop whole rows


@dataclass
class Effects:
    """What a function reads, writes and which parameter leaves it uses."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    returns: set = field(default_factory=set)

    def merge(self, other: Effects) -> None:
        """Add a callee's effects (not its return value)."""
        self.reads |= other.reads
        self.writes |= other.writes
        self.params |= other.params


@cache
def economy_objects() -> dict[str, tuple]:
    """Economy attributes holding objects: `self.bank = Bank(...)` -> bank: ("obj", ...)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(Economy.__init__)))
    module = inspect.getmodule(Economy)
    found: dict[str, tuple] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not (isinstance(target, ast.Attribute) and ast.unparse(target.value) == "self"):
            continue
        many = isinstance(value, ast.ListComp)
        call = value.elt if many else value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            cls = getattr(module, call.func.id, None)
            if inspect.isclass(cls):
                found[target.attr] = ("objs" if many else "obj", target.attr, cls)
    return found


def owner_of(cls: type) -> tuple:
    """The symbol of an instance of `cls`: the economy, the population or a held object."""
    if issubclass(cls, Economy):
        return MODEL
    if cls in (Population, RowView):
        return POP
    for symbol in economy_objects().values():
        if symbol[2] is cls:
            return ("obj", symbol[1], cls)
    return ("obj", cls.__name__, cls)


def classify(obj: Any) -> frozenset:
    """A module-level object as a symbol (only the model's own code is followed)."""
    if inspect.ismodule(obj) and obj.__name__.startswith("model"):
        return frozenset({("module", obj)})
    if inspect.isclass(obj):
        return frozenset({("class", obj)})
    if inspect.isfunction(obj) and obj.__module__.startswith("model"):
        return frozenset({("func", obj)})
    if obj is builtins.getattr:
        return frozenset({("getattr",)})
    return EMPTY


def _own_function(fn: Any) -> bool:
    return inspect.isfunction(fn) and fn.__module__.startswith("model")


class Reader:
    """Reads functions once per set of bound arguments and remembers the answer."""

    def __init__(self) -> None:
        self.memo: dict[tuple, Effects] = {}
        self.running: set[tuple] = set()
        self.class_envs: dict[type, dict[str, frozenset]] = {}
        self.class_paths = paths_of_class()

    def invoke(self, fn: Any, self_symbol: tuple | None, args: list, kwargs: dict) -> Effects:
        """Effects of calling `fn` with argument symbols (self first for methods)."""
        if not _own_function(fn):
            return Effects()
        names = list(inspect.signature(fn).parameters)
        bound: dict[str, frozenset] = {}
        positional = ([frozenset({self_symbol})] if self_symbol else []) + list(args)
        for name, value in zip(names, positional, strict=False):
            bound[name] = value
        bound.update({k: v for k, v in kwargs.items() if k in names})
        key = (fn, tuple(sorted((k, v) for k, v in bound.items() if v)))
        if key in self.memo:
            return self.memo[key]
        if key in self.running:
            return Effects()
        from model.docs.frame import FunctionReader  # the body reader imports this module

        self.running.add(key)
        try:
            frame = FunctionReader(self, fn, bound)
            frame.run()
        finally:
            self.running.discard(key)
        self.memo[key] = frame.effects
        return frame.effects

    def class_env(self, cls: type) -> dict[str, frozenset]:
        """What `__init__` stores on `self` (e.g. `self.rules = rules` -> a parameter node)."""
        if cls not in self.class_envs:
            self.class_envs[cls] = {}
            init = cls.__dict__.get("__init__")
            if _own_function(init):
                from model.docs.frame import FunctionReader

                frame = FunctionReader(self, init, {}, self_symbol=owner_of(cls), record_self=True)
                frame.run()
        return self.class_envs[cls]

    def annotation(self, node: ast.expr | None, module: Any) -> frozenset:
        """Symbols a type annotation stands for (parameter classes, economy, population)."""
        if node is None:
            return EMPTY
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.annotation(ast.parse(node.value, mode="eval").body, module)
        if isinstance(node, ast.BinOp):
            return self.annotation(node.left, module) | self.annotation(node.right, module)
        if isinstance(node, ast.Subscript):
            return self.annotation(node.slice, module)
        if isinstance(node, ast.Name):
            obj = getattr(module, node.id, None)
            if obj is None:
                return frozenset({TYPE_ONLY[node.id]}) if node.id in TYPE_ONLY else EMPTY
            if obj is Params:
                return frozenset({("param", "")})
            if obj in self.class_paths:
                return frozenset(("param", key) for key in self.class_paths[obj])
            if inspect.isclass(obj) and (obj in (Population, RowView) or issubclass(obj, Economy)):
                return frozenset({owner_of(obj)})
        return EMPTY

    def param_child(self, key: str, name: str, effects: Effects) -> frozenset:
        """A parameter node's child, recording leaves (and item lists) as used."""
        child = join(key, name)
        node = nodes().get(child)
        if node is None:
            return EMPTY
        if node.kind in ("leaf", "items"):
            effects.params.add(child)
        return frozenset({("param", child)})

    def param_children(self, key: str) -> frozenset:
        """All sections under a node (for `getattr(section, name)` with a computed name)."""
        found = {
            ("param", k)
            for k, node in nodes().items()
            if node.kind == "section" and k.rpartition(".")[0] == key and k != key
        }
        return frozenset(found)


def iterate(symbols: frozenset) -> frozenset:
    """What a `for` loop over these symbols binds its target to."""
    out: set = set()
    for symbol in symbols:
        kind = symbol[0]
        if kind == "param" and nodes().get(symbol[1]) and nodes()[symbol[1]].kind == "items":
            out.add(("param", join(symbol[1], ITEM)))
        elif kind == "pop":
            out.add(POP)
        elif kind == "objs":
            out.add(("obj", symbol[1], symbol[2]))
        elif kind == "seq":
            for item in symbol[1]:
                for part in item:
                    out |= iterate(part[1]) if part[0] == "spread" else {part}
        elif kind == "seq_of":
            out |= symbol[1]
    return frozenset(out)
