"""Design variables of an exploration: uncertainties and levers, and the parameter
changes each value stands for.

A variable is named by a dotted key. Most keys are numbers of `Params`, reached
through sections and, inside tuples, by item number or by the item's `name`
(`fiscal.programmes.key_little_giants_2024.batch_budget_myuan`). A few keys are
derived: they stand for several changes at once (`restrictions.shift_quarters`
moves every dated restriction event). Either way a value becomes plain dotted-key
changes that `with_changes` validates, so the sweep machinery runs it unchanged.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from model.calendar import parse_quarter, quarter_label
from model.errors import ConfigError
from model.params import Params
from model.params.loading import with_changes
from model.sweeps.sampling import ParameterSpec

Role = Literal["uncertainty", "lever"]


def shift_restriction_events(base: Params, quarters: int) -> dict[str, Any]:
    """Every restriction event (and easing) moved by `quarters`, keeping their order.

    An event moved before the simulated start happens at the start (in its order,
    so an easing or tightening still follows the event it names); one moved past
    the end never happens.
    """
    start = parse_quarter(base.time.start)
    changes = {}
    for i, event in enumerate(base.restrictions.events):
        moved = max(start, parse_quarter(event.quarter) + quarters)
        changes[f"restrictions.events.{i}.quarter"] = quarter_label(moved)
    return changes


@dataclass(frozen=True)
class Derived:
    """A variable that stands for several parameter changes."""

    kind: type
    doc: str
    changes: Callable[[Params, Any], dict[str, Any]]


DERIVED: dict[str, Derived] = {
    "restrictions.shift_quarters": Derived(
        int,
        "Quarters every restriction event is moved by (negative: earlier)",
        shift_restriction_events,
    ),
}


@dataclass(frozen=True)
class Variable:
    """One uncertainty or lever: its range, its type and the changes a value makes."""

    name: str  # the dotted key as written in the file
    role: Role
    kind: type  # int or float
    low: float
    high: float
    distribution: str = "uniform"
    label: str = ""  # plain words for reports (default: the name)
    key: str = ""  # the canonical dotted key of a Params number ('' if derived)

    @property
    def text(self) -> str:
        """How reports call the variable."""
        return self.label or self.name

    def changes(self, base: Params, value: Any) -> dict[str, Any]:
        """The parameter changes that set this variable to `value`."""
        if self.name in DERIVED:
            return DERIVED[self.name].changes(base, value)
        return {self.key: value}

    def sampling_spec(self) -> ParameterSpec:
        """The variable as the sweeps' samplers take it."""
        return ParameterSpec(
            range=(float(self.low), float(self.high)), distribution=self.distribution
        )

    def typed(self, value: Any) -> int | float:
        """A sampled value as the parameter's own type (ints rounded)."""
        return round(float(value)) if self.kind is int else float(value)


def resolve_key(params: Params, key: str) -> tuple[str, type]:
    """The canonical dotted key (tuple items by number) of a Params number, and its type.

    Raises ValueError saying what is wrong: an unknown section or key (with a close
    match), an item name that does not exist (with the names that do), or a key
    that is not a number.
    """
    value: Any = params
    canonical: list[str] = []
    for part in key.split("."):
        if isinstance(value, tuple | list):
            index = _item_index(value, part, ".".join(canonical))
            value, part = value[index], str(index)
        elif isinstance(value, BaseModel) and part in type(value).model_fields:
            value = getattr(value, part)
        else:
            raise ValueError(_unknown(value, part, ".".join(canonical)))
        canonical.append(part)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            f"'{key}' is {type(value).__name__}, not a number: only numbers can be "
            "explored (set other values for every run under [changes])"
        )
    return ".".join(canonical), type(value)


def _item_index(items: Sequence[Any], part: str, where: str) -> int:
    """The position of an item given by number or by its `name` field."""
    if part.isdigit():
        if int(part) < len(items):
            return int(part)
        raise ValueError(f"'{where}' has only {len(items)} items (0 to {len(items) - 1})")
    names = [getattr(item, "name", None) for item in items]
    if part in names:
        return names.index(part)
    known = ", ".join(str(n) for n in names if n) or "none"
    raise ValueError(
        f"'{where}' has no item named '{part}' (items: {known}, or 0-{len(items) - 1})"
    )


def _unknown(value: Any, part: str, where: str) -> str:
    """The message for a key that is not there, with a close match if any."""
    known = list(type(value).model_fields) if isinstance(value, BaseModel) else []
    hint = difflib.get_close_matches(part, known, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
    place = f"'{where}'" if where else "the parameters"
    return f"{place} has no key '{part}'{suggestion}"


def make_variable(
    base: Params, name: str, role: Role, spec: Mapping[str, Any], where: str
) -> Variable:
    """A checked variable: its key exists, and both ends of its range are allowed values.

    `where` names the file and table for error messages.
    """
    low, high = spec["range"]
    if not low < high:
        raise ConfigError(f"{where}: key '{name}': range [{low:g}, {high:g}] must have low < high")
    if spec.get("distribution") == "loguniform" and low <= 0:
        raise ConfigError(f"{where}: key '{name}': a loguniform range must be positive")
    if name in DERIVED:
        kind, key = DERIVED[name].kind, ""
    else:
        try:
            key, kind = resolve_key(base, name)
        except ValueError as exc:
            raise ConfigError(f"{where}: key '{name}': {exc}") from None
    if kind is int and not (float(low).is_integer() and float(high).is_integer()):
        raise ConfigError(f"{where}: key '{name}': a whole-number variable needs a whole range")
    variable = Variable(
        name, role, kind, low, high, spec.get("distribution", "uniform"), spec.get("label", ""), key
    )
    for end in (low, high):
        with_changes(base, variable.changes(base, variable.typed(end)), source=f"{where}: {name}")
    return variable


def point_changes(
    base: Params, variables: Sequence[Variable], values: Mapping[str, Any]
) -> dict[str, Any]:
    """All parameter changes of one design point (variable name -> value)."""
    changes: dict[str, Any] = {}
    for variable in variables:
        changes.update(variable.changes(base, variable.typed(values[variable.name])))
    return changes
