"""Experiments: a TOML file naming a base scenario, the parameters to vary and how.

`load_experiment(path)` validates the file like a scenario: unknown keys, wrong types,
parameters not in `Params` and values outside a parameter's own bounds are
`ConfigError`s naming the file and the key. An `Experiment` holds the base parameters,
the design points (`model.sampling`; ranges may come `from_posterior`) and the runs,
each seeded by the base seed, the point id and the replicate index only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from model.calendar import parse_quarter, quarter_label
from model.errors import ConfigError
from model.params import Params
from model.params.loading import (
    load_scenario,
    read_dotted,
    read_toml,
    resolve_scenario,
    with_changes,
)
from model.simulation.reporters import REPORTERS
from model.simulation.runner import spawned_seed
from model.sweeps.posterior_ranges import (
    holding_the_base,
    posterior_keys,
    resolve_posterior_ranges,
)
from model.sweeps.sampling import (
    SPEC_KEYS,
    ParameterSpec,
    check_parameter,
    design_points,
    flatten,
    flatten_specs,
    parameter_kind,
)


class SensitivitySpec(BaseModel):
    """Settings of the Sobol analysis (`littlegiants sensitivity`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    resamples: StrictInt = Field(1000, ge=10, le=100_000)
    conf_level: StrictFloat = Field(0.95, gt=0, lt=1)


class ExperimentSpec(BaseModel):
    """The experiment file as written (see experiments/*.toml for commented examples)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: StrictStr  # default: the file name
    description: StrictStr = ""
    scenario: StrictStr = "baseline"  # base scenario: name or path
    scale: StrictFloat = Field(0.01, gt=0, le=4)  # share of the 1:1 population simulated
    sampler: Literal["grid", "latin", "sobol"] = "grid"
    samples: StrictInt | None = Field(None, ge=1, le=1_000_000)  # latin points; sobol N
    seeds_per_point: StrictInt = Field(1, ge=1, le=10_000)
    base_seed: StrictInt = Field(20210101, ge=0, le=2**63 - 1)
    common_seeds: StrictBool = False  # same seeds at every point (common random numbers)
    noise_seeds: StrictInt = Field(0, ge=0, le=100_000)  # extra runs of the base point
    outputs: tuple[StrictStr, ...] = ()  # reporter names; empty = all
    quarters: Literal["all", "year_end"] | tuple[StrictStr, ...] = "all"
    changes: dict[str, Any] = Field(default_factory=dict)  # fixed dotted-key changes
    parameters: dict[str, ParameterSpec]  # dotted key -> how it varies
    sensitivity: SensitivitySpec = SensitivitySpec()


@dataclass(frozen=True)
class Run:
    """One simulation of a sweep: a design point, a replicate and its seed."""

    run_id: int
    point_id: int
    replicate: int
    seed: int
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: base parameters, design points and runs."""

    source: Path
    spec: ExperimentSpec
    base: Params
    points: tuple[tuple[Any, ...], ...]
    kinds: dict[str, type]

    @property
    def name(self) -> str:
        """The experiment's name (default: the file name without .toml)."""
        return self.spec.name

    @property
    def parameters(self) -> tuple[str, ...]:
        """Dotted keys of the varied parameters, in file order."""
        return tuple(self.spec.parameters)

    @property
    def outputs(self) -> tuple[str, ...]:
        """Reporter names kept in the results (all reporters if none are named)."""
        return self.spec.outputs or tuple(REPORTERS)

    @cached_property
    def quarters(self) -> tuple[str, ...]:
        """Quarter labels kept in the results."""
        first, last = parse_quarter(self.base.time.start), parse_quarter(self.base.time.end)
        every = [quarter_label(q) for q in range(first, last + 1)]
        if self.spec.quarters == "all":
            return tuple(every)
        if self.spec.quarters == "year_end":
            return tuple(q for q in every if q.endswith("Q4"))
        return tuple(self.spec.quarters)

    @property
    def base_point(self) -> tuple[Any, ...]:
        """The base scenario's own values of the varied parameters (the seed-noise point)."""
        return tuple(read_dotted(self.base, key) for key in self.parameters)

    @property
    def noise_point_id(self) -> int | None:
        """Point id of the base point replicated `noise_seeds` times, if any."""
        return len(self.points) if self.spec.noise_seeds else None

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """Every run: design points x seeds_per_point, then the seed-noise replicates."""
        groups = [(p, point, self.spec.seeds_per_point) for p, point in enumerate(self.points)]
        if self.noise_point_id is not None:
            groups.append((self.noise_point_id, self.base_point, self.spec.noise_seeds))
        runs, run_id = [], 0
        for point_id, point, replicates in groups:
            values = tuple(zip(self.parameters, point, strict=True))
            for replicate in range(replicates):
                seed = run_seed(self.spec.base_seed, point_id, replicate, self.spec.common_seeds)
                runs.append(Run(run_id, point_id, replicate, seed, values))
                run_id += 1
        return tuple(runs)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of everything that decides the results (base parameters, runs, outputs)."""
        content = {
            "base": self.base.model_dump(mode="json"),
            "runs": [(r.run_id, r.point_id, r.seed, r.values) for r in self.runs],
            "outputs": self.outputs,
            "quarters": self.quarters,
        }
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_seed(base_seed: int, point_id: int, replicate: int, common: bool) -> int:
    """A run's seed from numpy SeedSequence(base_seed) and (point id, replicate).

    With common seeds every point reuses the same seeds (common random numbers;
    replicate r gets the seed `littlegiants run` gives its r-th run).
    """
    key = (replicate,) if common else (point_id, replicate)
    return spawned_seed(base_seed, *key)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; every problem is a ConfigError naming file and key."""
    source = Path(path)
    table = read_toml(source)
    table.setdefault("name", source.stem)
    spec = _validate_spec(table, source)
    base = _base_params(spec, source)
    if isinstance(table.get("parameters"), Mapping):
        keys = posterior_keys(flatten_specs(table["parameters"]))
        spec = spec.model_copy(update={"parameters": holding_the_base(spec.parameters, base, keys)})
    _check_design(spec, source)
    kinds = {key: _checked_kind(key, s, spec.sampler, source) for key, s in spec.parameters.items()}
    _check_outputs(spec, base, source)
    points = design_points(spec.sampler, spec.parameters, kinds, spec.samples, spec.base_seed)
    return Experiment(source, spec, base, points, kinds)


def _validate_spec(table: dict[str, Any], source: Path) -> ExperimentSpec:
    """The file's table as an ExperimentSpec; nested dotted tables are flattened first."""
    table = dict(table)
    if isinstance(table.get("parameters"), Mapping):
        parameters = flatten_specs(table["parameters"])
        posterior = table.pop("posterior", None)  # the sample `from_posterior` reads
        table["parameters"] = resolve_posterior_ranges(parameters, posterior, source)
    if isinstance(table.get("changes"), Mapping):
        table["changes"] = flatten(table["changes"])
    try:
        return ExperimentSpec.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc.errors())}") from None


UNION_TAGS = ("bool", "int", "float", "str", "tuple[", "literal[")


def _describe(errors: list[Any]) -> str:
    """One sentence per key with problems; a union's alternatives are joined with 'or'."""
    by_key: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err["loc"] if not str(p).startswith(UNION_TAGS)]
        key = ".".join(loc) or "(experiment)"
        if err["type"] == "extra_forbidden":
            model = ParameterSpec if loc[:1] == ["parameters"] else ExperimentSpec
            allowed = sorted(SPEC_KEYS) if model is ParameterSpec else sorted(model.model_fields)
            by_key.setdefault(key, []).append(
                f"unknown key '{key}' (allowed here: {', '.join(allowed)})"
            )
            continue
        shown = "" if err["type"] == "missing" else f" = {err.get('input')!r}"
        message = (err["msg"][0].lower() + err["msg"][1:]).replace("a valid tuple", "a list")
        if key in by_key:
            by_key[key].append(message.removeprefix("input should be "))
        else:
            by_key[key] = [f"key '{key}'{shown}: {message}"]
    return "; ".join(", or ".join(messages) for messages in by_key.values())


def _base_params(spec: ExperimentSpec, source: Path) -> Params:
    """The base scenario at the experiment's scale, with its fixed changes applied."""
    try:
        scenario = resolve_scenario(spec.scenario, base_dir=source.parent)
        base = load_scenario(scenario, scale=spec.scale)
    except ConfigError as exc:
        raise ConfigError(f"{source}: key 'scenario' = {spec.scenario!r}: {exc}") from None
    if not spec.changes:
        return base
    for key in spec.changes:
        if key in spec.parameters:
            raise ConfigError(
                f"{source}: key 'changes.{key}': also a swept parameter; keep it in one place"
            )
    return with_changes(base, spec.changes, source=f"{source}: key 'changes'")


def _checked_kind(key: str, spec: ParameterSpec, sampler: str, source: Path) -> type:
    """The parameter's type, after checking its name, its spec and its bounds."""
    kind = parameter_kind(key)
    problem = check_parameter(key, spec, sampler)
    if problem:
        raise ConfigError(f"{source}: key 'parameters.{key}': {problem}")
    return kind if kind is not None else float


def _check_design(spec: ExperimentSpec, source: Path) -> None:
    """Sampler-level rules: how many samples, and sensible sizes."""
    if not spec.parameters:
        raise ConfigError(f"{source}: key 'parameters': name at least one parameter to vary")
    if spec.sampler == "grid" and spec.samples is not None:
        raise ConfigError(
            f"{source}: key 'samples': only for samplers latin and sobol "
            "(a grid's size is the product of its axes)"
        )
    if spec.sampler != "grid" and spec.samples is None:
        raise ConfigError(f"{source}: key 'samples': required for sampler '{spec.sampler}'")
    samples = spec.samples or 0
    if spec.sampler == "sobol" and (samples < 2 or not math.log2(samples).is_integer()):
        raise ConfigError(
            f"{source}: key 'samples' = {spec.samples}: the Sobol design needs a power of 2 "
            "(allowed: 2, 4, 8, ..., 2^20)"
        )


def _check_outputs(spec: ExperimentSpec, base: Params, source: Path) -> None:
    """Outputs must be reporters; quarters must lie within the simulated calendar."""
    for name in spec.outputs:
        if name not in REPORTERS:
            raise ConfigError(
                f"{source}: key 'outputs': '{name}' is not a model output "
                f"(allowed: {', '.join(REPORTERS)})"
            )
    if isinstance(spec.quarters, str):
        return
    first, last = parse_quarter(base.time.start), parse_quarter(base.time.end)
    for label in spec.quarters:
        try:
            inside = first <= parse_quarter(label) <= last
        except ValueError as exc:
            raise ConfigError(f"{source}: key 'quarters': {exc}") from None
        if not inside:
            raise ConfigError(
                f"{source}: key 'quarters': {label} is outside the simulated calendar "
                f"(allowed: {base.time.start} to {base.time.end}, or 'all', 'year_end')"
            )
