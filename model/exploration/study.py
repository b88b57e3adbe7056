"""A validated exploration file: base parameters, design variables, and its EMA model.

`load_study` reads an explore or optimise file, builds the base parameters and
checks every uncertainty and lever against them. The `Study` it returns knows its
variables in file order (uncertainties first), draws Latin-hypercube designs with
the sweeps' sampler, and describes itself to EMA Workbench as a `Model` whose
uncertainties, levers and outcomes carry the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.exploration.ema import quiet, workbench
from model.exploration.spec import StudySpec, base_params, read_spec
from model.exploration.variables import Variable, make_variable, point_changes
from model.params import Params
from model.sweeps.sampling import design_points


@dataclass(frozen=True)
class Study:
    """An explore or optimise file, validated."""

    source: Path
    spec: Any  # ExploreSpec or OptimiseSpec
    base: Params
    variables: tuple[Variable, ...]

    @property
    def name(self) -> str:
        """The file's name (default: the file name without .toml)."""
        return self.spec.name

    @property
    def uncertainties(self) -> tuple[Variable, ...]:
        """The variables of the world, in file order."""
        return tuple(v for v in self.variables if v.role == "uncertainty")

    @property
    def levers(self) -> tuple[Variable, ...]:
        """The variables of policy, in file order."""
        return tuple(v for v in self.variables if v.role == "lever")

    def changes(self, values: dict[str, Any]) -> dict[str, Any]:
        """Parameter changes of one point (variable name -> value)."""
        return point_changes(self.base, self.variables, values)

    def latin(self, variables: Sequence[Variable], samples: int, seed: int) -> list[dict]:
        """A Latin hypercube over `variables` from the sweeps' sampler (seeded)."""
        specs = {v.name: v.sampling_spec() for v in variables}
        kinds = {v.name: v.kind for v in variables}
        points = design_points("latin", specs, kinds, samples, seed)
        return [dict(zip(specs, point, strict=True)) for point in points]

    def ema_model(self, outcomes: Sequence[str]) -> Any:
        """EMA Workbench's view of the study: parameters and scalar outcomes by name.

        The model's function is never called: `SweepEvaluator` runs its experiments.
        """
        ema = workbench()
        with quiet():
            model = ema.Model(self.name, function=_never_called)
            model.uncertainties = [ema_parameter(ema, v) for v in self.uncertainties]
            model.levers = [ema_parameter(ema, v) for v in self.levers]
            model.outcomes = [ema.ScalarOutcome(name) for name in outcomes]
        return model


def _never_called(**_: Any) -> dict:
    raise RuntimeError("littlegiants runs EMA experiments through its sweep machinery")


def ema_parameter(ema: Any, variable: Variable) -> Any:
    """An IntegerParameter or RealParameter with the variable's name and range."""
    if variable.kind is int:
        return ema.IntegerParameter(variable.name, int(variable.low), int(variable.high))
    return ema.RealParameter(variable.name, float(variable.low), float(variable.high))


def load_study[S: StudySpec](path: str | Path, model: type[S]) -> Study:
    """Read and check an explore or optimise file; every problem is a ConfigError."""
    source = Path(path)
    spec = read_spec(source, model)
    base = base_params(spec, source)
    variables = []
    for role, table in (("uncertainty", spec.uncertainties), ("lever", spec.levers)):
        section = "uncertainties" if role == "uncertainty" else "levers"
        for name, variable in table.items():
            where = f"{source}: [{section}]"
            variables.append(make_variable(base, name, role, variable.model_dump(), where))
    _check_overlaps(variables, spec, base, source)
    return Study(source, spec, base, tuple(variables))


def _check_overlaps(variables: list[Variable], spec: StudySpec, base: Params, source: Path) -> None:
    """No parameter is set by two variables, or by a variable and [changes]."""
    owner: dict[str, str] = {}
    for variable in variables:
        for key in variable.changes(base, variable.typed(variable.low)):
            if key in owner:
                raise ConfigError(
                    f"{source}: key '{variable.name}' sets {key}, which '{owner[key]}' sets "
                    "too; keep each parameter in one place"
                )
            owner[key] = variable.name
        if variable.name in spec.changes or variable.key in spec.changes:
            raise ConfigError(
                f"{source}: key 'changes.{variable.name}': also explored; keep it in one place"
            )
