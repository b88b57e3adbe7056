"""Calibration experiments as TOML: free parameters with bounds, targets, budget, seeds.

scenario = "baseline"
scale = 0.05            # share of the 1:1 population in each evaluation
seeds = 2               # common random numbers: the same seeds at every point
budget = 600            # model evaluations (global design + local search)
[[parameters]]
name = "certification.national.approval"
low = 0.3
high = 0.95
[targets]
exclude = ["innovative_smes"]     # fit targets left out (reported as checks)
weights = { national_little_giants = 2.0 }
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.errors import ConfigError
from model.params.loading import load_scenario, read_dotted, read_toml, with_changes


class FreeParameter(BaseModel):
    """One parameter the calibration may move, within [low, high]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="Dotted parameter key, e.g. population.zone_share")
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> FreeParameter:
        if not self.low < self.high:
            raise ValueError(f"{self.name}: low ({self.low}) must be below high ({self.high})")
        return self


class TargetChoice(BaseModel):
    """Which observed targets to fit and how much each counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exclude: tuple[str, ...] = Field((), description="Target variables held out of the fit")
    weights: dict[str, float] = Field(default_factory=dict, description="Weight per variable")


class CalibrationSpec(BaseModel):
    """A calibration experiment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str = "baseline"
    scale: float = Field(0.05, gt=0, le=1)
    seeds: int = Field(2, ge=1, le=64)
    base_seed: int = Field(20240601, ge=0)
    budget: int = Field(600, ge=4, le=100_000)
    global_share: float = Field(0.4, gt=0, le=1, description="Share of budget for the design")
    accept_share: float = Field(0.1, gt=0, le=1, description="Share of design kept as posterior")
    final_scale: float = Field(0.25, gt=0, le=1, description="Scale of the final check")
    final_seeds: int = Field(5, ge=1, le=64)
    output: str = Field("scenarios/calibrated.toml", description="Scenario file written")
    parameters: tuple[FreeParameter, ...]
    targets: TargetChoice = TargetChoice()


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and validate a calibration TOML; every parameter must exist and its bounds
    must lie inside the parameter's own allowed range."""
    path = Path(path)
    table = read_toml(path)
    try:
        spec = CalibrationSpec.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "; ".join(_describe(e) for e in exc.errors())) from None
    base = load_scenario(spec.scenario)
    for index, free in enumerate(spec.parameters):
        for bound in (free.low, free.high):
            try:
                with_changes(base, typed_values(base, {free.name: bound}))
            except ConfigError as exc:
                detail = str(exc).split(": ", 1)[-1]
                raise ConfigError(
                    f"{path}: parameters[{index}] '{free.name}' bound {bound}: {detail}"
                ) from None
    return spec


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(map(str, error["loc"])) or "(file)"
    if error["type"] == "extra_forbidden":
        parent = (
            CalibrationSpec
            if len(error["loc"]) == 1
            else (TargetChoice if error["loc"][0] == "targets" else FreeParameter)
        )
        return f"unknown key '{key}' (allowed: {', '.join(parent.model_fields)})"
    shown = "" if error["type"] == "missing" else f" = {error.get('input')!r}"
    return f"key '{key}'{shown}: {error['msg']}"


def typed_values(params: Any, values: dict[str, float]) -> dict[str, Any]:
    """The values as their parameters' types: an integer parameter gets a rounded value
    (keys that do not exist are left for `with_changes` to refuse)."""
    typed: dict[str, Any] = {}
    for name, value in values.items():
        try:
            current = read_dotted(params, name)
        except (AttributeError, IndexError, ValueError):
            current = None
        integer = isinstance(current, int) and not isinstance(current, bool)
        typed[name] = round(value) if integer else value
    return typed
