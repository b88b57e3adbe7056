"""Experiment ranges from the calibration's posterior instead of by hand.

In an experiment file, `[parameters."innovation.patent_scale"] from_posterior = true`
gives the parameter the range of its posterior 5-95% interval, read from
scenarios/calibrated_posterior.parquet (or the file the experiment's `posterior`
key names, relative to the experiment file), so a Sobol study speaks about the
parameter values that fit the observed facts. The interval is widened to hold the
base scenario's own value where it lies outside: the calibrated point can be a single
particle (the one nearest the facts, when the weights are degenerate), which need not
sit inside the 5-95% interval, and a design must contain the point it varies around.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.evidence.posterior import Posterior, read_posterior
from model.params import Params
from model.params.loading import read_dotted

FROM_POSTERIOR = "from_posterior"
INTERVAL = (0.05, 0.95)


def resolve_posterior_ranges(
    parameters: Mapping[str, Any], posterior_file: Any, source: Path
) -> dict[str, Any]:
    """The parameter tables with every `from_posterior = true` turned into a `range`."""
    wanted = {
        key: spec
        for key, spec in parameters.items()
        if isinstance(spec, Mapping) and FROM_POSTERIOR in spec
    }
    if not wanted:
        return dict(parameters)
    posterior = _posterior(posterior_file, source)
    resolved = dict(parameters)
    for key, spec in wanted.items():
        resolved[key] = _with_range(key, dict(spec), posterior, source)
    return resolved


def _posterior(posterior_file: Any, source: Path) -> Posterior:
    if posterior_file is None:
        return read_posterior()
    if not isinstance(posterior_file, str):
        raise ConfigError(f"{source}: key 'posterior' must be a file name, got {posterior_file!r}")
    path = Path(posterior_file)
    return read_posterior(path if path.is_absolute() else source.parent / path)


def _with_range(key: str, spec: dict[str, Any], posterior: Posterior, source: Path) -> dict:
    flag = spec.pop(FROM_POSTERIOR)
    where = f"{source}: key 'parameters.{key}.{FROM_POSTERIOR}'"
    if not isinstance(flag, bool):
        raise ConfigError(f"{where} = {flag!r}: allowed: true or false")
    if not flag:
        return spec
    if "range" in spec or "values" in spec:
        raise ConfigError(f"{where}: give either from_posterior or range/values, not both")
    if key not in posterior.parameters:
        raise ConfigError(
            f"{where}: '{key}' is not in the posterior sample "
            f"(it holds: {', '.join(posterior.parameters)})"
        )
    low, high = posterior.quantiles(key, list(INTERVAL))
    if not low < high:
        raise ConfigError(f"{where}: the posterior interval of '{key}' is a single value ({low})")
    return spec | {"range": [low, high]}


def posterior_keys(parameters: Mapping[str, Any]) -> set[str]:
    """The keys of a (flattened) parameter table whose range comes from the posterior."""
    return {
        key
        for key, spec in parameters.items()
        if isinstance(spec, Mapping) and spec.get(FROM_POSTERIOR) is True
    }


def holding_the_base(parameters: Mapping[str, Any], base: Params, keys: set[str]) -> dict:
    """The parameter specs with each posterior range widened to hold the base's value."""
    widened = dict(parameters)
    for key in keys:
        spec = parameters[key]
        value, (low, high) = float(read_dotted(base, key)), spec.range
        if not low <= value <= high:
            widened[key] = spec.model_copy(update={"range": (min(low, value), max(high, value))})
    return widened
