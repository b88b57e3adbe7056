"""The allowed parameter space, walked from the parameter definitions, as hypothesis
strategies: every numeric leaf with its declared bounds, extremes included."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from model.params import Params

# Leaves the fuzz leaves alone: run settings rather than economics, or whole lists that
# have their own strategies below.
SKIPPED = {"scale", "time.start", "time.end", "name", "description", "highlights"}
TINY = 1e-9


@dataclass(frozen=True)
class Leaf:
    """One numeric parameter and its allowed range."""

    key: str
    kind: type
    low: float
    high: float


def _bounds(info: Any) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "gt", None) is not None:
            low = meta.gt + TINY
        if getattr(meta, "le", None) is not None:
            high = meta.le
        if getattr(meta, "lt", None) is not None:
            high = meta.lt - TINY
    return low, high


def leaves(model: type[BaseModel] = Params, prefix: str = "") -> list[Leaf]:
    """Every bounded int or float parameter below `model`, by dotted key."""
    found = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = info.annotation
        if key in SKIPPED:
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += leaves(annotation, f"{key}.")
        elif annotation in (int, float):
            low, high = _bounds(info)
            if math.isfinite(low) and math.isfinite(high):
                found.append(Leaf(key, annotation, low, high))
    return found


def values(leaf: Leaf) -> st.SearchStrategy:
    """Either bound or anything between (bounds drawn often: corners break models)."""
    if leaf.kind is int:
        return st.integers(math.ceil(leaf.low), math.floor(leaf.high))
    inside = st.floats(leaf.low, leaf.high, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from([leaf.low, leaf.high]), inside)


LEAVES = leaves()


@st.composite
def changes(draw: st.DrawFn, most: int = 8) -> dict[str, Any]:
    """A few parameters moved anywhere in their allowed ranges."""
    chosen = draw(
        st.lists(
            st.sampled_from(LEAVES), min_size=1, max_size=most, unique_by=lambda leaf: leaf.key
        )
    )
    moved = {leaf.key: draw(values(leaf)) for leaf in chosen}
    if draw(st.booleans()):
        moved["restrictions.events"] = draw(restriction_events())
    return moved


@st.composite
def restriction_events(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Listings and easings at any quarter of the run, from the first one on."""
    quarters = [f"{y}Q{q}" for y in range(2019, 2031) for q in range(1, 5)]
    return draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "quarter": st.sampled_from(quarters),
                    "control": st.floats(0.0, 1.0),
                    "large_firms": st.integers(0, 50),
                    "smes": st.integers(0, 5000),
                }
            ),
            max_size=6,
        )
    )
