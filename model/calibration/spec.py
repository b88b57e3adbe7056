"""Calibration experiments as TOML: free parameters with bounds and priors, targets, ABC-SMC.

scenario = "baseline"
scale = 0.1               # share of the 1:1 population in each simulation
seeds = 2                 # common random numbers: every particle runs these seeds
base_seed = 20240601      # model seeds and the sampler's own random numbers
population_size = 100     # accepted particles per generation
generations = 6           # at most this many generations ...
min_epsilon = 1.0         # ... or stop once epsilon (tolerance units) is this small
epsilon_quantile = 0.5    # next epsilon: this quantile of the last generation's distances
proposal_scaling = 2.0    # next proposal: the particles' covariance (Silverman's bandwidth) x this
[[parameters]]
name = "certification.national.approval"
low = 0.3
high = 0.95
prior = "uniform"         # or "loguniform" (low > 0)
[targets]
exclude = ["lg_rd_intensity"]     # fit targets left out (reported as checks)
weights = { national_little_giants = 2.0 }
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.errors import ConfigError
from model.evidence.observed import TARGETS
from model.params.loading import allowed_range, load_scenario, read_dotted, read_toml, with_changes


class FreeParameter(BaseModel):
    """One parameter the calibration may move, within [low, high], with its prior."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="Dotted parameter key, e.g. population.zone_share")
    low: float
    high: float
    prior: Literal["uniform", "loguniform"] = "uniform"

    @model_validator(mode="after")
    def _ordered(self) -> FreeParameter:
        if not self.low < self.high:
            raise ValueError(f"{self.name}: low ({self.low}) must be below high ({self.high})")
        if self.prior == "loguniform" and self.low <= 0:
            raise ValueError(f"{self.name}: a loguniform prior needs low > 0 (got {self.low})")
        return self


class TargetChoice(BaseModel):
    """Which observed targets to fit and how much each counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exclude: tuple[str, ...] = Field((), description="Target variables held out of the fit")
    weights: dict[str, float] = Field(default_factory=dict, description="Weight per variable")


class CalibrationSpec(BaseModel):
    """A calibration experiment: ABC-SMC over the free parameters' priors."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str = "baseline"
    scale: float = Field(0.1, gt=0, le=1, json_schema_extra={"unit": "share of 1:1"})
    seeds: int = Field(2, ge=1, le=64, json_schema_extra={"unit": "runs per particle"})
    base_seed: int = Field(20240601, ge=0, le=2**63 - 1)
    population_size: int = Field(100, ge=10, le=100_000, json_schema_extra={"unit": "particles"})
    generations: int = Field(6, ge=1, le=100)
    min_epsilon: float = Field(0.0, ge=0, json_schema_extra={"unit": "tolerance units"})
    epsilon_quantile: float = Field(0.5, gt=0, lt=1)
    proposal_scaling: float = Field(
        1.0,
        ge=0.25,
        le=16,
        description="Factor on the covariance of the next generation's proposal (pyabc's "
        "MultivariateNormalTransition scaling): above 1 it reaches further from the "
        "particles, which keeps the importance weights from collapsing onto a few",
    )
    max_evaluations: int = Field(1_000_000, ge=1, json_schema_extra={"unit": "particles"})
    check_draws: int = Field(20, ge=2, le=10_000, json_schema_extra={"unit": "posterior draws"})
    check_seeds: int = Field(2, ge=1, le=64, json_schema_extra={"unit": "runs per draw"})
    check_scale: float = Field(0.1, gt=0, le=1, json_schema_extra={"unit": "share of 1:1"})
    refine_candidates: int = Field(
        10,
        ge=1,
        le=100_000,
        json_schema_extra={"unit": "particles"},
        description="The accepted particles nearest the facts re-run over fresh seeds to "
        "choose the calibrated point (1: keep the nearest as it is)",
    )
    refine_seeds: int = Field(4, ge=1, le=64, json_schema_extra={"unit": "runs per particle"})
    polish_polls: int = Field(
        0,
        ge=0,
        le=100,
        json_schema_extra={"unit": "polls"},
        description="Polls of the compass search that polishes the refined point over the "
        "refinement's seeds (0: none)",
    )
    output: str = Field("scenarios/calibrated.toml", description="Scenario file written")
    posterior_output: str = Field(
        "scenarios/calibrated_posterior.parquet", description="Posterior sample written"
    )
    parameters: tuple[FreeParameter, ...] = Field(min_length=1)
    fixed: dict[str, float] = Field(
        default_factory=dict,
        description="Parameters held at a value rather than estimated (dotted name = value);"
        " applied to the scenario before fitting and written into the calibrated scenario",
    )
    targets: TargetChoice = TargetChoice()

    def prior_of(self, name: str) -> FreeParameter:
        """The free parameter called `name`."""
        return next(p for p in self.parameters if p.name == name)


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and validate a calibration TOML: every problem is a ConfigError naming the file,
    the key and what is allowed (parameters must exist, bounds lie in their own range)."""
    path = Path(path)
    table = read_toml(path)
    try:
        spec = CalibrationSpec.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "; ".join(_describe(e) for e in exc.errors())) from None
    _check_targets(spec, path)
    base = load_scenario(spec.scenario)
    names = [p.name for p in spec.parameters]
    for name, value in spec.fixed.items():
        if name in names:
            raise ConfigError(f"{path}: key 'fixed.{name}': also a free parameter; name it once")
        _check_value(base, name, value, f"{path}: key 'fixed.{name}' = {value}")
    for index, free in enumerate(spec.parameters):
        for bound in (free.low, free.high):
            where = f"{path}: parameters[{index}] '{free.name}' bound {bound}"
            _check_value(base, free.name, bound, where)
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ConfigError(f"{path}: key 'parameters': named twice: {', '.join(repeated)}")
    return spec


def _check_targets(spec: CalibrationSpec, path: Path) -> None:
    """Excluded and weighted targets must be fit targets; weights must be positive."""
    fit = sorted({t.variable for t in TARGETS if t.role == "fit"})
    for key, names in (("exclude", spec.targets.exclude), ("weights", spec.targets.weights)):
        for name in names:
            if name not in fit:
                raise ConfigError(
                    f"{path}: key 'targets.{key}': '{name}' is not a fit target "
                    f"(allowed: {', '.join(fit)})"
                )
    for name, weight in spec.targets.weights.items():
        if not weight > 0:
            raise ConfigError(
                f"{path}: key 'targets.weights.{name}' = {weight}: allowed: 0 < value"
            )
    if not set(fit) - set(spec.targets.exclude):
        raise ConfigError(f"{path}: key 'targets.exclude': leaves no target to fit")


def _describe(error: dict[str, Any]) -> str:
    """One sentence per pydantic error: the key, the value and what is allowed."""
    loc = [str(part) for part in error["loc"]]
    key = ".".join(loc) or "(file)"
    parent = (
        CalibrationSpec
        if len(loc) == 1
        else (TargetChoice if loc[0] == "targets" else FreeParameter)
    )
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}' (allowed: {', '.join(parent.model_fields)})"
    shown = "" if error["type"] == "missing" else f" = {error.get('input')!r}"
    message = error["msg"].removeprefix("Value error, ")
    info = parent.model_fields.get(loc[-1]) if loc else None
    limits = allowed_range(info) if info is not None and info.metadata else ""
    return f"key '{key}'{shown}: {message}" + (f" (allowed: {limits})" if limits else "")


def _check_value(base: Any, name: str, value: float, where: str) -> None:
    """Refuse, as a ConfigError starting with `where`, a value the scenario cannot take."""
    try:
        with_changes(base, typed_values(base, {name: value}))
    except ConfigError as exc:
        detail = str(exc).split(": ", 1)[-1]
        raise ConfigError(f"{where}: {detail}") from None


def spec_base(spec: CalibrationSpec) -> Any:
    """The scenario the particles start from: `spec.scenario` with the fixed values set."""
    base = load_scenario(spec.scenario)
    return with_changes(base, typed_values(base, spec.fixed)) if spec.fixed else base


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
