"""Parameter designs: grids, Latin hypercubes and Sobol (Saltelli) samples via SALib.

A `ParameterSpec` says how one parameter varies: grid `values`, or a `range`
with a distribution (uniform, loguniform, triangular, truncnormal). Samplers
draw points in the unit cube; `transform` maps each column through the
parameter's distribution, so every sampled value stays inside its range, and
the range is checked against the parameter's own bounds in `Params`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from model.params import Params
from model.params.loading import allowed_range

SPEC_KEYS = frozenset(
    {"values", "range", "steps", "distribution", "mode", "mean", "sd", "note", "from_posterior"}
)
SCALAR_TYPES = (bool, int, float)


class ParameterSpec(BaseModel):
    """How one parameter varies in an experiment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    values: tuple[StrictBool | StrictInt | StrictFloat, ...] | None = Field(None, min_length=1)
    range: tuple[StrictFloat, StrictFloat] | None = None
    steps: StrictInt | None = Field(None, ge=2, le=10_000)
    distribution: Literal["uniform", "loguniform", "triangular", "truncnormal"] = "uniform"
    mode: StrictFloat | None = None
    mean: StrictFloat | None = None
    sd: StrictFloat | None = Field(None, gt=0)
    note: StrictStr = ""


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'a': {'b': 1}} -> {'a.b': 1}; arrays and scalars are leaves."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def flatten_specs(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Parameter tables keyed by dotted name, whether written quoted or as nested tables."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        is_spec = not isinstance(value, Mapping) or any(
            k in SPEC_KEYS or not isinstance(v, Mapping) for k, v in value.items()
        )
        if is_spec:
            flat[dotted] = value
        else:
            flat.update(flatten_specs(value, f"{dotted}."))
    return flat


def _leaf_fields(model: type[BaseModel] = Params, prefix: str = "") -> dict[str, Any]:
    """Every field of `Params` that is not a section, by dotted key, with its FieldInfo."""
    leaves: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            leaves.update(_leaf_fields(annotation, f"{prefix}{name}."))
        else:
            leaves[f"{prefix}{name}"] = info
    return leaves


FIELDS = _leaf_fields()
LEAVES = {key: info for key, info in FIELDS.items() if info.annotation in SCALAR_TYPES}


def parameter_kind(key: str) -> type | None:
    """bool, int or float for a scalar parameter of `Params`; None if there is no such key."""
    info = LEAVES.get(key)
    return info.annotation if info is not None else None


def _bounds(info: Any) -> tuple[float, float, bool, bool]:
    """(lower, upper, lower inclusive, upper inclusive) of a parameter."""
    lower, upper, lower_in, upper_in = -np.inf, np.inf, True, True
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            lower, lower_in = meta.ge, True
        if getattr(meta, "gt", None) is not None:
            lower, lower_in = meta.gt, False
        if getattr(meta, "le", None) is not None:
            upper, upper_in = meta.le, True
        if getattr(meta, "lt", None) is not None:
            upper, upper_in = meta.lt, False
    return lower, upper, lower_in, upper_in


def allowed(info: Any, value: float) -> bool:
    """Whether a value lies within a parameter's bounds."""
    lower, upper, lower_in, upper_in = _bounds(info)
    above = value >= lower if lower_in else value > lower
    below = value <= upper if upper_in else value < upper
    return bool(above and below)


def check_parameter(key: str, spec: ParameterSpec, sampler: str) -> str:
    """What is wrong with one parameter's spec ('' if nothing)."""
    info = LEAVES.get(key)
    if key in FIELDS and info is None:
        return (
            "not a number or true/false, so it cannot be swept "
            "(set it for every run under [changes])"
        )
    if info is None:
        hint = difflib.get_close_matches(key, list(LEAVES), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return f"not a parameter of the model{suggestion} (parameters are dotted keys of Params)"
    problem = _check_shape(spec, sampler, info.annotation)
    if problem:
        return problem
    ends = spec.values if spec.values is not None else (*spec.range, spec.mode or spec.range[0])
    for value in ends:
        if isinstance(value, bool) != (info.annotation is bool):
            return f"value {value!r} has the wrong type (allowed: {allowed_range(info)})"
        if info.annotation is int and float(value) != int(value):
            return f"value {value!r} is not a whole number (allowed: {allowed_range(info)})"
        if not allowed(info, float(value)):
            return f"value {value!r} is outside the parameter's bounds ({allowed_range(info)})"
    return ""


def _check_shape(spec: ParameterSpec, sampler: str, kind: type) -> str:
    """Which keys a spec needs for its sampler and distribution."""
    if (spec.values is None) == (spec.range is None):
        return "give either 'values' (grid) or 'range' = [low, high]"
    if spec.values is not None:
        return (
            "" if sampler == "grid" else f"'values' is for sampler grid; give 'range' for {sampler}"
        )
    low, high = spec.range
    if not low < high:
        return f"range [{low:g}, {high:g}] must have low < high"
    if kind is bool:
        return "a true/false parameter takes 'values', not a range"
    if sampler == "grid" and spec.steps is None:
        return "a grid over a range needs 'steps' (number of grid values)"
    if sampler != "grid" and spec.steps is not None:
        return f"'steps' is for sampler grid, not {sampler}"
    return _check_distribution(spec)


def _check_distribution(spec: ParameterSpec) -> str:
    low, high = spec.range
    needs = {"triangular": {"mode"}, "truncnormal": {"mean", "sd"}}.get(spec.distribution, set())
    for key in ("mode", "mean", "sd"):
        given = getattr(spec, key) is not None
        if given != (key in needs):
            verb = "needs" if key in needs else "does not take"
            return f"distribution '{spec.distribution}' {verb} '{key}'"
    if spec.distribution == "loguniform" and low <= 0:
        return "a loguniform range must be positive"
    if spec.mode is not None and not low <= spec.mode <= high:
        return f"mode {spec.mode:g} must lie within the range"
    return ""


def transform(spec: ParameterSpec, unit: np.ndarray) -> np.ndarray:
    """Values in [0, 1) -> parameter values within `spec.range` via its distribution."""
    from scipy import stats  # imported here: it is slow to import and most runs never need it

    low, high = spec.range
    if spec.distribution == "loguniform":
        return np.exp(np.log(low) + unit * (np.log(high) - np.log(low)))
    if spec.distribution == "triangular":
        shape = (spec.mode - low) / (high - low)
        return stats.triang.ppf(unit, shape, loc=low, scale=high - low)
    if spec.distribution == "truncnormal":
        a, b = (low - spec.mean) / spec.sd, (high - spec.mean) / spec.sd
        return stats.truncnorm.ppf(unit, a, b, loc=spec.mean, scale=spec.sd)
    return low + unit * (high - low)


def grid_axis(spec: ParameterSpec) -> list[Any]:
    """The values of one grid axis: explicit values, or `steps` points over the range."""
    if spec.values is not None:
        return list(spec.values)
    low, high = spec.range
    if spec.distribution == "loguniform":
        return list(np.geomspace(low, high, spec.steps))
    return list(np.linspace(low, high, spec.steps))


def unit_design(sampler: str, n_params: int, samples: int, seed: int) -> np.ndarray:
    """A (points x parameters) design in the unit cube from SALib.

    'sobol' is the Saltelli extension of a scrambled Sobol sequence for first-order
    and total indices: samples x (parameters + 2) rows, in the order SALib's
    analyser expects. 'latin' is a Latin hypercube of `samples` points.
    """
    from SALib.sample import latin, sobol

    problem = {
        "num_vars": n_params,
        "names": [f"x{i}" for i in range(n_params)],
        "bounds": [[0.0, 1.0]] * n_params,
    }
    if sampler == "sobol":
        return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    return latin.sample(problem, samples, seed=seed)


def design_points(
    sampler: str,
    specs: Mapping[str, ParameterSpec],
    kinds: Mapping[str, type],
    samples: int | None,
    seed: int,
) -> tuple[tuple[Any, ...], ...]:
    """The design's points: one tuple of values per point, in parameter order."""
    names = list(specs)
    if sampler == "grid":
        axes = [grid_axis(specs[name]) for name in names]
        mesh = np.meshgrid(*[np.arange(len(axis)) for axis in axes], indexing="ij")
        index = np.stack([m.ravel() for m in mesh], axis=1)
        columns = [[axes[j][i] for i in index[:, j]] for j in range(len(names))]
    else:
        unit = unit_design(sampler, len(names), samples or 0, seed)
        columns = [list(transform(specs[n], unit[:, j])) for j, n in enumerate(names)]
    typed = [_typed(column, kinds[name]) for column, name in zip(columns, names, strict=True)]
    return tuple(zip(*typed, strict=True))


def _typed(column: Sequence[Any], kind: type) -> list[Any]:
    """Plain Python values of the parameter's type (ints rounded)."""
    if kind is int:
        return [round(float(v)) for v in column]
    if kind is bool:
        return [bool(v) for v in column]
    return [float(v) for v in column]
