"""Reading one function body: expressions to symbols, attribute reads and writes recorded.

See `model.docs_reader` for the symbols. Statements are read in source order, so
an alias is known once it is assigned; branches are all read (no control flow).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import TYPE_CHECKING, Any

from model.docs.reader import (
    EMPTY,
    MODEL,
    POP,
    POPULATION_GROWTH,
    Effects,
    classify,
    economy_objects,
    iterate,
    owner_of,
)
from model.simulation.economy import Economy
from model.simulation.population import COLUMNS, Population, RowView

if TYPE_CHECKING:
    from model.docs.reader import Reader

# Economy attributes that are structure rather than state.
ECONOMY_LINKS = {"params": ("param", ""), "population": POP, "rng": None}


class FunctionReader:
    """Reads one function with some arguments bound; collects its effects."""

    def __init__(
        self,
        reader: Reader,
        fn: Any,
        bound: dict[str, frozenset],
        self_symbol: tuple | None = None,
        record_self: bool = False,
    ) -> None:
        self.reader, self.fn = reader, fn
        self.module = inspect.getmodule(fn)
        self.env: dict[str, frozenset] = dict(bound)
        if self_symbol is not None:
            self.env["self"] = frozenset({self_symbol})
        self.record_self = record_self  # reading an __init__: remember what lands on self
        self.effects = Effects()

    # -- whole function ---------------------------------------------------------------
    def run(self) -> None:
        """Bind arguments from annotations where the caller gave nothing, read the body."""
        tree = ast.parse(textwrap.dedent(inspect.getsource(self.fn))).body[0]
        assert isinstance(tree, ast.FunctionDef)
        arguments = [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]
        for arg in arguments:
            if not self.env.get(arg.arg):
                self.env[arg.arg] = self.reader.annotation(arg.annotation, self.module)
        self.block(tree.body)
        if not self.effects.returns:
            self.effects.returns = set(self.reader.annotation(tree.returns, self.module))

    def block(self, statements: list[ast.stmt]) -> None:
        """Read statements in order."""
        for statement in statements:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        """One statement: bind names, record stores, read nested blocks."""
        if isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self.bind(target, value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.bind(node.target, self.value(node.value))
        elif isinstance(node, ast.AugAssign):
            self.value(node.value)
            self.update(node.target)
        elif isinstance(node, ast.For):
            self.bind(node.target, iterate(self.value(node.iter)))
            self.block(node.body + node.orelse)
        elif isinstance(node, ast.If):
            self.branch(node)
        elif isinstance(node, ast.Return | ast.Expr) and node.value is not None:
            value = self.value(node.value)
            if isinstance(node, ast.Return):
                self.effects.returns |= value
        elif isinstance(node, ast.Try):
            handlers = [s for handler in node.handlers for s in handler.body]
            self.block(node.body + handlers + node.orelse + node.finalbody)
        elif isinstance(node, ast.While | ast.With):
            for child in ast.iter_child_nodes(node):
                self.statement(child) if isinstance(child, ast.stmt) else self.value(child)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            self.value(node.exc)
        elif isinstance(node, ast.FunctionDef):
            self.nested(node)

    def nested(self, node: ast.FunctionDef) -> None:
        """A function defined inside this one (e.g. the per-block work handed to
        `each_block`): read its body here, its arguments typed by their annotations,
        since it runs on this function's state."""
        saved = dict(self.env)
        for arg in node.args.args:
            self.env[arg.arg] = self.reader.annotation(arg.annotation, self.module)
        self.block(node.body)
        self.env = saved

    def branch(self, node: ast.If) -> None:
        """Both branches; inside `if isinstance(x, SomeParams)` x is that parameter node."""
        self.value(node.test)
        narrowed = self._isinstance(node.test)
        saved = {name: self.env.get(name, EMPTY) for name in narrowed}
        self.env.update(narrowed)
        self.block(node.body)
        self.env.update(saved)
        self.block(node.orelse)

    def _isinstance(self, test: ast.expr) -> dict[str, frozenset]:
        if not (
            isinstance(test, ast.Call)
            and ast.unparse(test.func) == "isinstance"
            and len(test.args) == 2
            and isinstance(test.args[0], ast.Name)
        ):
            return {}
        symbols = self.reader.annotation(test.args[1], self.module)
        return {test.args[0].id: symbols} if symbols else {}

    # -- stores -----------------------------------------------------------------------
    def bind(self, target: ast.expr, value: frozenset) -> None:
        """Assign `value` to a name, tuple of targets, attribute or item."""
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            parts = [s[1] for s in value if s[0] == "seq" and len(s[1]) == len(target.elts)]
            for i, element in enumerate(target.elts):
                self.bind(element, parts[0][i] if parts else EMPTY)
        elif isinstance(target, ast.Attribute):
            base = self.value(target.value)
            self.attribute(base, target.attr, store=True)
            if self.record_self and base & self.env.get("self", EMPTY):
                cls = next(iter(self.env["self"]))
                self.reader.class_envs[self._class_of(cls)][target.attr] = value
        elif isinstance(target, ast.Subscript):
            self.value(target.slice)
            self.write_into(target.value)

    def _class_of(self, symbol: tuple) -> type:
        if symbol == MODEL:
            return Economy
        return Population if symbol == POP else symbol[2]

    def update(self, target: ast.expr) -> None:
        """`x += ...`: an attribute is read and written; an item is accumulated into."""
        if isinstance(target, ast.Attribute):
            base = self.value(target.value)
            self.attribute(base, target.attr)
            self.attribute(base, target.attr, store=True)
        elif isinstance(target, ast.Subscript):
            self.value(target.slice)
            self.write_into(target.value)
        elif isinstance(target, ast.Name):
            self.write_symbols(self.env.get(target.id, EMPTY))

    def write_into(self, node: ast.expr) -> None:
        """The array or mapping an item store writes into."""
        if isinstance(node, ast.Attribute):
            self.attribute(self.value(node.value), node.attr, store=True)
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "getattr":
            base, names = self.value(node.args[0]), self.value(node.args[1])
            for symbol in names:
                if symbol[0] == "str":
                    self.attribute(base, symbol[1], store=True)
        elif isinstance(node, ast.Name):
            self.write_symbols(self.env.get(node.id, EMPTY))
        else:
            self.value(node)

    def write_symbols(self, symbols: frozenset) -> None:
        """Record writes to aliased columns or state (`years = pop.x; years[i] = ...`)."""
        for symbol in symbols:
            if symbol[0] in ("col", "state"):
                self.effects.writes.add(symbol[1])

    # -- loads ------------------------------------------------------------------------
    def value(self, node: ast.expr | None) -> frozenset:
        """The symbols an expression stands for; attribute reads are recorded."""
        if node is None:
            return EMPTY
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Constant):
            return frozenset({("str", node.value)}) if isinstance(node.value, str) else EMPTY
        if isinstance(node, ast.Attribute):
            return self.attribute(self.value(node.value), node.attr)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return frozenset({("seq", tuple(self.value(e) for e in node.elts))})
        if isinstance(node, ast.Starred):
            return frozenset({("spread", self.value(node.value))})
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            for generator in node.generators:
                self.bind(generator.target, iterate(self.value(generator.iter)))
                for condition in generator.ifs:
                    self.value(condition)
            return frozenset({("seq_of", self.value(node.elt))})
        if isinstance(node, ast.Subscript):
            return self._item(self.value(node.value), node.slice)
        if isinstance(node, ast.IfExp):
            self.value(node.test)
            return self.value(node.body) | self.value(node.orelse)
        if isinstance(node, ast.Yield | ast.YieldFrom):
            self.effects.returns |= self.value(node.value)
            return EMPTY
        if isinstance(node, ast.Lambda):
            self.value(node.body)  # arguments unknown: annotations of callees fill in
            return EMPTY
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.value(child)
        return EMPTY

    def _item(self, base: frozenset, index: ast.expr) -> frozenset:
        self.value(index)
        items = iterate(frozenset(s for s in base if s[0] in ("param", "objs")))
        return items

    def name(self, name: str) -> frozenset:
        """A local alias, else a module-level object."""
        if name in self.env:
            return self.env[name]
        obj = getattr(self.module, name, None)
        if obj is None and name == "getattr":
            return frozenset({("getattr",)})
        return classify(obj) if obj is not None else EMPTY

    def attribute(self, base: frozenset, attr: str, store: bool = False) -> frozenset:
        """`base.attr` for every symbol of base; records reads (or writes with `store`)."""
        out: set = set()
        for symbol in base:
            out |= self._attribute(symbol, attr, store)
        return frozenset(out)

    def _attribute(self, symbol: tuple, attr: str, store: bool) -> frozenset:
        kind = symbol[0]
        if kind == "param":
            return self.reader.param_child(symbol[1], attr, self.effects)
        if kind == "module":
            return classify(getattr(symbol[1], attr, None))
        if kind == "class":
            return classify(inspect.getattr_static(symbol[1], attr, None))
        if kind == "pop":
            if attr in COLUMNS:
                return self._touch(attr, ("col", attr), store)
            return self._member(symbol, (RowView, Population), attr, store, owner="population")
        if symbol == MODEL:
            if attr in ECONOMY_LINKS:
                link = ECONOMY_LINKS[attr]
                return frozenset({link}) if link else EMPTY
            if attr in economy_objects():
                return frozenset({economy_objects()[attr]})
            return self._member(symbol, (Economy,), attr, store, owner="model")
        if kind == "obj":
            cls = symbol[2]
            stored = self.reader.class_env(cls).get(attr)
            if stored and any(
                s[0] in ("param", "obj", "objs", "pop") or s == MODEL for s in stored
            ):
                return stored
            if attr == "model":
                return frozenset({MODEL})
            return self._member(symbol, (cls,), attr, store, owner=symbol[1])
        return EMPTY

    def _member(
        self, symbol: tuple, classes: tuple, attr: str, store: bool, owner: str
    ) -> frozenset:
        """A property (read through its getter), a method, or a plain state attribute."""
        for cls in classes:
            member = inspect.getattr_static(cls, attr, None)
            if isinstance(member, property) and member.fget is not None:
                effects = self.reader.invoke(member.fget, symbol, [], {})
                self.effects.merge(effects)
                return frozenset(effects.returns)
            if inspect.isfunction(member):
                return frozenset({("method", symbol, member)})
        if attr.startswith("__"):
            return EMPTY
        name = f"{owner}.{attr}"
        return self._touch(name, ("state", name), store)

    def _touch(self, name: str, symbol: tuple, store: bool) -> frozenset:
        (self.effects.writes if store else self.effects.reads).add(name)
        return frozenset({symbol})

    def call(self, node: ast.Call) -> frozenset:
        """Follow calls into the model's own functions, methods and constructors."""
        callees = self.value(node.func)
        args = [self.value(a) for a in node.args]
        kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg}
        out: set = set()
        for callee in callees:
            kind = callee[0]
            if kind == "getattr" and len(args) >= 2:
                out |= self._getattr(args[0], args[1])
            elif kind == "func":
                out |= self._follow(callee[1], None, args, kwargs)
            elif kind == "method":
                if callee[1] == POP and callee[2].__name__ in POPULATION_GROWTH:
                    self.effects.writes.add("population.rows")
                out |= self._follow(callee[2], callee[1], args, kwargs)
            elif kind == "class" and callee[1].__module__.startswith("model"):
                init = callee[1].__dict__.get("__init__")
                if init is not None:
                    self._follow(init, owner_of(callee[1]), args, kwargs)
                out.add(owner_of(callee[1]))
        return frozenset(out)

    def _follow(self, fn: Any, self_symbol: tuple | None, args: list, kwargs: dict) -> frozenset:
        effects = self.reader.invoke(fn, self_symbol, args, kwargs)
        self.effects.merge(effects)
        return frozenset(effects.returns)

    def _getattr(self, base: frozenset, names: frozenset) -> frozenset:
        """`getattr(x, name)`: each known text name, or every section under a node."""
        texts = [s[1] for s in names if s[0] == "str"]
        if texts:
            return frozenset().union(*(self.attribute(base, t) for t in texts))
        params = [s[1] for s in base if s[0] == "param"]
        return frozenset().union(*(self.reader.param_children(k) for k in params))
