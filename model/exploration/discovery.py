"""Scenario discovery with EMA Workbench: PRIM boxes and CART leaves, as plain records.

`prim_boxes` runs EMA's `Prim` on an experiments table (one column per variable)
and a boolean outcome of interest, box after box: on each peeling trajectory it
selects the widest box at least `min_density` dense (or, for the first box, the
densest one if none is), drops the restrictions whose limits are not significant
(quasi-p above `max_qp`, as Bryant and Lempert advise), keeps EMA's trade-off plot
and box plot, and records the box's conditions with their quasi-p values.
`cart_leaves` records the leaves of EMA's CART tree in which the outcome is the majority.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from model.exploration.ema import analysis, quiet
from model.exploration.measures import format_number
from model.exploration.spec import CartSpec, PrimSpec
from model.exploration.variables import Variable


@dataclass(frozen=True)
class Limit:
    """One restricted dimension of a box: the range of values inside it."""

    variable: Variable
    low: float | None  # None: not restricted from below
    high: float | None  # None: not restricted from above
    qp_low: float = float("nan")  # quasi-p value of the lower limit (Bryant and Lempert)
    qp_high: float = float("nan")

    @property
    def text(self) -> str:
        """The condition in words: 'restriction severity is at least 1.4'."""
        name, low, high = self.variable.text, self.low_text, self.high_text
        if self.low is not None and self.high is not None:
            return f"{name} is between {low} and {high}"
        if self.low is not None:
            return f"{name} is at least {low}"
        return f"{name} is at most {high}"

    @property
    def low_text(self) -> str:
        """The lower limit (a whole-number variable's rounded up)."""
        if self.low is None:
            return "–"
        if self.variable.kind is int:
            return f"{math.ceil(self.low - 1e-9):d}"
        return format_number(self.low)

    @property
    def high_text(self) -> str:
        """The upper limit (a whole-number variable's rounded down)."""
        if self.high is None:
            return "–"
        return (
            f"{math.floor(self.high + 1e-9):d}" if self.variable.kind is int else f"{self.high:.3g}"
        )


@dataclass(frozen=True)
class Box:
    """A box of scenario discovery and its statistics."""

    number: int  # 1, 2, ... in the order found
    coverage: float  # share of all cases of interest inside the box
    density: float  # share of the box's points that are cases of interest
    mass: float  # share of all points inside the box
    points: int  # points inside the box
    cases: int  # cases of interest inside the box
    limits: tuple[Limit, ...]
    trajectory_id: int = -1  # the box's place on PRIM's peeling trajectory
    dense_enough: bool = True  # reaches the density goal
    dropped: tuple[Variable, ...] = ()  # restrictions pruned for their quasi-p values
    figures: dict[str, Any] = field(default_factory=dict, compare=False)  # name -> Figure


def prim_boxes(
    x: pd.DataFrame, y: np.ndarray, variables: Sequence[Variable], spec: PrimSpec
) -> list[Box]:
    """Up to `spec.boxes` PRIM boxes of the cases where `y` is true."""
    prim_module = analysis("prim")
    by_name = {v.name: v for v in variables}
    boxes: list[Box] = []
    with quiet():
        prim = prim_module.Prim(
            as_real(x), np.asarray(y, dtype=bool), peel_alpha=spec.peel_alpha,
            paste_alpha=spec.paste_alpha, mass_min=spec.mass_min,
        )  # fmt: skip
        for number in range(1, spec.boxes + 1):
            if not np.asarray(y, dtype=bool)[prim.yi_remaining].any():
                break
            box = prim.find_box()
            if box is None:
                break
            chosen, dense = choose_box(box.peeling_trajectory, spec.min_density)
            if not dense and number > 1:
                break
            box.select(chosen)
            dropped = prune(box, spec.max_qp)
            current = len(box.peeling_trajectory) - 1 if dropped else chosen
            record = _prim_record(prim, box, current, number, dense, by_name)
            boxes.append(replace(record, dropped=tuple(by_name[n] for n in dropped)))
    return boxes


def prune(box: Any, max_qp: float) -> list[str]:
    """Drop, weakest first, the restrictions none of whose limits has a quasi-p value of
    at most `max_qp` (EMA's `drop_restriction`; each drop adds a box to the trajectory).
    At least one restriction stays. Returns the names dropped."""
    dropped: list[str] = []
    while True:
        _, table = box.inspect(style="data")[0]
        qp = table.iloc[:, 2:].astype(float).min(axis=1)  # the stronger side of each limit
        weak = qp[qp > max_qp]
        if weak.empty or len(qp) <= 1:
            return dropped
        name = str(weak.idxmax())
        box.drop_restriction(name)
        dropped.append(name)


def as_real(x: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns as floats: EMA Workbench 3.0 (PRIM, CART) writes float limits into
    integer columns, which pandas 3 refuses. Limits of whole-number variables are still
    data values (peeling cuts at quantiles of the sample), and reports round them."""
    return x.astype({c: "float64" for c in x.columns if pd.api.types.is_integer_dtype(x[c])})


def choose_box(trajectory: pd.DataFrame, min_density: float) -> tuple[int, bool]:
    """The widest box at least `min_density` dense; else the densest (False: not dense)."""
    dense = trajectory[trajectory["density"] >= min_density]
    if len(dense):
        return int(dense.sort_values(["coverage", "density"]).index[-1]), True
    return int(trajectory.sort_values(["density", "coverage"]).index[-1]), False


def _prim_record(
    prim: Any, box: Any, i: int, number: int, dense: bool, by_name: dict[str, Variable]
) -> Box:
    """The selected box as a record, with EMA's trade-off and box figures."""
    stats, table = box.inspect(i, style="data")[0]
    limits = []
    for name in table.index:
        low, high, qp_low, qp_high = (float(v) for v in table.loc[name].to_numpy())
        limits.append(_limit(by_name[name], low, high, prim.box_init[name], qp_low, qp_high))
    figures = {"tradeoff": _mark_chosen(box.show_tradeoff(), stats)}
    if limits:
        figures["limits"] = _widen(box.inspect(i, style="graph")[0], len(limits))
    return Box(
        number,
        float(stats["coverage"]),
        float(stats["density"]),
        float(stats["mass"]),
        int(stats["n"]),
        int(stats["k"]),
        tuple(limits),
        trajectory_id=i,
        dense_enough=dense,
        figures=figures,
    )


def _mark_chosen(fig: Any, stats: pd.Series) -> Any:
    """Ring the chosen box on EMA's trade-off plot."""
    ax = fig.axes[0]
    ax.scatter([stats["coverage"]], [stats["density"]], s=220, facecolors="none",
               edgecolors="#D55E00", linewidths=2, label="chosen box")  # fmt: skip
    ax.legend(loc="lower left", fontsize="small")
    return fig


def _widen(fig: Any, rows: int) -> Any:
    """Room on EMA's box plot for long variable names on the left."""
    fig.set_size_inches(11, 1.5 + 0.9 * rows)
    fig.subplots_adjust(left=0.32, right=0.8)
    return fig


def _limit(
    variable: Variable, low: float, high: float, initial: pd.Series, qp_low=np.nan, qp_high=np.nan
) -> Limit:
    """A limit, keeping only the sides that restrict the initial box."""
    first, last = float(initial.iloc[0]), float(initial.iloc[1])
    return Limit(
        variable,
        low if low > first else None,
        high if high < last else None,
        qp_low,
        qp_high,
    )


def cart_leaves(
    x: pd.DataFrame,
    y: np.ndarray,
    variables: Sequence[Variable],
    spec: CartSpec,
    seed: int,
    top: int,
) -> list[Box]:
    """CART leaves where the cases of interest are the majority, widest first (at most `top`)."""
    cart = _seeded_cart(as_real(x), np.asarray(y, dtype=bool), spec.mass_min, seed)
    by_name = {v.name: v for v in variables}
    initial = pd.DataFrame({c: [x[c].min(), x[c].max()] for c in x.columns})
    leaves = []
    with quiet():
        for limits, stats in zip(cart.boxes, cart.stats, strict=True):
            if stats["density"] <= 0.5:
                continue
            restricted = []
            for name in x.columns:
                limit = _limit(
                    by_name[name], limits[name].iloc[0], limits[name].iloc[1], initial[name]
                )
                if limit.low is not None or limit.high is not None:
                    restricted.append(limit)
            points = round(stats["mass"] * len(y))
            cases = round(stats["density"] * points)
            leaves.append(
                Box(0, float(stats["coverage"]), float(stats["density"]), float(stats["mass"]),
                    points, cases, tuple(restricted))
            )  # fmt: skip
    leaves.sort(key=lambda b: (-b.coverage, -b.density))
    return [_numbered(b, n) for n, b in enumerate(leaves[:top], start=1)]


def _numbered(box: Box, number: int) -> Box:
    return Box(number, box.coverage, box.density, box.mass, box.points, box.cases, box.limits)


def _seeded_cart(x: pd.DataFrame, y: np.ndarray, mass_min: float, seed: int) -> Any:
    """EMA's CART with its tree grown from a seeded generator (scikit-learn breaks ties
    between equally good splits at random; unseeded, two runs could differ)."""
    from sklearn.tree import DecisionTreeClassifier

    with quiet():
        cart = analysis("cart").CART(x, y, mass_min=mass_min)
        min_samples = max(1, int(mass_min * x.shape[0]))
        cart.clf = DecisionTreeClassifier(min_samples_leaf=min_samples, random_state=seed)
        cart.clf.fit(cart._x, cart.y)
    return cart
