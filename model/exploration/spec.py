"""Exploration files: `littlegiants explore` and `littlegiants optimise` specs (TOML).

Both name a base scenario, fixed `[changes]`, `[uncertainties]` and `[levers]` as
dotted keys with ranges (see `model.exploration.variables`). An explore file adds
the design size and the outcome whose failure PRIM explains; an optimise file adds
the target, the robustness it must reach, the cost and the search budget. Every
problem is a `ConfigError` naming the file, the key and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from model.calendar import parse_quarter
from model.errors import ConfigError
from model.params import Params
from model.params.loading import load_scenario, read_toml, resolve_scenario, with_changes
from model.simulation.reporters import REPORTERS
from model.sweeps.sampling import flatten, flatten_specs

Number = StrictFloat | StrictInt


class Strict(BaseModel):
    """A table of the file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class VariableSpec(Strict):
    """How one uncertainty or lever varies: a range and a distribution."""

    range: tuple[Number, Number]
    distribution: Literal["uniform", "loguniform"] = "uniform"
    label: StrictStr = ""  # plain words for the report, e.g. "restriction severity"
    note: StrictStr = ""


class ConditionSpec(Strict):
    """A condition on one output in one quarter: exactly one of the four comparisons."""

    variable: StrictStr
    quarter: StrictStr
    below: Number | None = None  # value < below
    above: Number | None = None  # value > above
    at_least: Number | None = None  # value >= at_least
    at_most: Number | None = None  # value <= at_most
    label: StrictStr = ""

    @model_validator(mode="after")
    def _one_comparison(self) -> ConditionSpec:
        given = [
            k for k in ("below", "above", "at_least", "at_most") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of below, above, at_least, at_most")
        return self


class PrimSpec(Strict):
    """PRIM settings (EMA Workbench's defaults) and how boxes are chosen."""

    peel_alpha: float = Field(0.05, gt=0, lt=1)
    paste_alpha: float = Field(0.05, gt=0, lt=1)
    mass_min: float = Field(0.05, gt=0, lt=1)
    min_density: float = Field(0.8, gt=0, le=1)  # a box is the widest one at least this dense
    boxes: StrictInt = Field(3, ge=1, le=10)  # most boxes reported
    max_qp: float = Field(0.05, gt=0, le=1)  # restrictions less significant are dropped


class CartSpec(Strict):
    """CART settings: the smallest leaf, as a share of all points."""

    mass_min: float = Field(0.05, gt=0, lt=1)


class StudySpec(Strict):
    """What explore and optimise files share."""

    name: StrictStr
    description: StrictStr = ""
    scenario: StrictStr = "projection_2030"
    scale: float = Field(0.02, gt=0, le=4)
    base_seed: StrictInt = Field(20300101, ge=0, le=2**63 - 1)
    changes: dict[str, Any] = Field(default_factory=dict)
    uncertainties: dict[str, VariableSpec] = Field(min_length=1)
    levers: dict[str, VariableSpec] = Field(default_factory=dict)


class ExploreSpec(StudySpec):
    """An explore file: a Latin hypercube over uncertainties and levers, then PRIM/CART."""

    samples: StrictInt = Field(200, ge=10, le=100_000)
    seeds_per_point: StrictInt = Field(1, ge=1, le=1000)
    outcome: ConditionSpec
    prim: PrimSpec = PrimSpec()
    cart: CartSpec = CartSpec()


class CostSpec(Strict):
    """Cost of a policy: outputs (yuan a quarter) added up over a span of quarters."""

    variables: tuple[StrictStr, ...] = ("finance_fiscal_yuan", "finance_guidance_fund_yuan")
    first_quarter: StrictStr | None = None  # default: the first simulated quarter
    last_quarter: StrictStr | None = None  # default: the last


class EpsilonSpec(Strict):
    """Resolution of the search in each objective (epsilon-dominance)."""

    cost_bn_yuan: float = Field(5.0, gt=0)
    robustness: float = Field(0.05, gt=0, le=1)


class OptimiseSpec(StudySpec):
    """An optimise file: the cheapest levers that hold a target in enough sampled worlds."""

    levers: dict[str, VariableSpec] = Field(min_length=1)
    worlds: StrictInt = Field(16, ge=2, le=10_000)
    seeds_per_world: StrictInt = Field(1, ge=1, le=100)
    target: ConditionSpec
    robustness: float = Field(0.8, gt=0, le=1)  # share of worlds where the target holds
    cost: CostSpec = CostSpec()
    nfe: StrictInt = Field(100, ge=2, le=1_000_000)  # policies evaluated by the search
    population: StrictInt = Field(10, ge=2, le=10_000)
    epsilons: EpsilonSpec = EpsilonSpec()
    policies: StrictInt = Field(3, ge=1, le=100)  # policy files written


def read_spec[S: StudySpec](path: str | Path, model: type[S]) -> S:
    """The file validated as `model`; nested dotted tables are flattened first."""
    source = Path(path)
    table = read_toml(source)
    table.setdefault("name", source.stem)
    for section in ("uncertainties", "levers"):
        if isinstance(table.get(section), dict):
            table[section] = flatten_specs(table[section])
    if isinstance(table.get("changes"), dict):
        table["changes"] = flatten(table["changes"])
    try:
        return model.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {describe(exc, model)}") from None


def describe(exc: ValidationError, model: type[BaseModel]) -> str:
    """One sentence per problem: the key, what was given and what is allowed."""
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not str(p).startswith(("float", "int"))]
        key = ".".join(loc) or "(file)"
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(_table_model(model, loc[:-1]).model_fields))
            problems.append(f"unknown key '{key}' (allowed here: {allowed})")
            continue
        shown = "" if err["type"] == "missing" else f" = {err.get('input')!r}"
        message = err["msg"].removeprefix("Value error, ")
        problems.append(f"key '{key}'{shown}: {message[0].lower()}{message[1:]}")
    return "; ".join(dict.fromkeys(problems))


def _table_model(model: type[BaseModel], loc: list[str]) -> type[BaseModel]:
    """The model class of the table at `loc` (variables' tables are VariableSpec)."""
    if loc[:1] in (["uncertainties"], ["levers"]):
        return VariableSpec
    for part in loc:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return model


def base_params(spec: StudySpec, source: Path) -> Params:
    """The base scenario at the file's scale with its fixed changes."""
    try:
        base = load_scenario(
            resolve_scenario(spec.scenario, base_dir=source.parent), scale=spec.scale
        )
    except ConfigError as exc:
        raise ConfigError(f"{source}: key 'scenario' = {spec.scenario!r}: {exc}") from None
    if not spec.changes:
        return base
    return with_changes(base, spec.changes, source=f"{source}: key 'changes'")


def check_output(base: Params, condition: ConditionSpec, where: str) -> None:
    """The condition's output is a model output and its quarter is simulated."""
    check_outputs((condition.variable,), where)
    check_quarter(base, condition.quarter, f"{where}.quarter")


def check_outputs(names: tuple[str, ...], where: str) -> None:
    """Every name is a model output."""
    for name in names:
        if name not in REPORTERS:
            raise ConfigError(
                f"{where}: '{name}' is not a model output (allowed: {', '.join(REPORTERS)})"
            )


def check_quarter(base: Params, label: str, where: str) -> None:
    """A quarter label inside the base scenario's calendar."""
    first, last = parse_quarter(base.time.start), parse_quarter(base.time.end)
    try:
        inside = first <= parse_quarter(label) <= last
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not inside:
        raise ConfigError(
            f"{where}: {label} is outside the simulated calendar "
            f"(allowed: {base.time.start} to {base.time.end})"
        )
