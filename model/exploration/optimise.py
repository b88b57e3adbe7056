"""`littlegiants optimise`: the cheapest levers that hold a target in enough sampled worlds.

The file's uncertainties are sampled once into `worlds` (a seeded Latin hypercube);
EMA Workbench's robust optimisation (platypus' epsilon-NSGA-II, seeded) searches
the levers for the Pareto set of two robustness functions over those worlds: the
mean cost (fiscal and guidance-fund money from the model's own ledger, bn yuan)
and the share of worlds in which the target holds. Every candidate policy is run
in every world with the same seeds (common random numbers) through
`SweepEvaluator`, one resumable store per generation under `evaluations/`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pandas as pd

from model.errors import ConfigError
from model.exploration.ema import quiet, workbench
from model.exploration.evaluator import Execution, RunPlan, SweepEvaluator
from model.exploration.measures import Condition, Measure, cost_measure
from model.exploration.spec import OptimiseSpec, check_output, check_outputs, check_quarter
from model.exploration.study import Study, load_study

YUAN_PER_BN = 1e9
COST, ROBUSTNESS = "cost_bn_yuan", "robustness"
EVALUATIONS = "evaluations"


@dataclass
class OptimiseResult:
    """The Pareto set of cost against robustness, every evaluated policy, and timings."""

    study: Study
    target: Condition
    cost: Measure
    pareto: pd.DataFrame  # levers, cost_bn_yuan, robustness: the final epsilon archive
    evaluated: pd.DataFrame  # the same columns for every policy the search ran
    runs: int
    seconds: float

    @property
    def robust(self) -> pd.DataFrame:
        """Pareto policies that reach the required robustness, cheapest first."""
        required = self.study.spec.robustness - 1e-9
        return self.pareto[self.pareto[ROBUSTNESS] >= required].sort_values(COST)

    def chosen(self) -> pd.DataFrame:
        """The policies written as scenario files: the cheapest robust ones, or, if none
        is robust enough, the most robust one."""
        if len(self.robust):
            return self.robust.head(self.study.spec.policies)
        return self.pareto.sort_values([ROBUSTNESS, COST], ascending=[False, True]).head(1)


def load_optimise(path: str | Path) -> tuple[Study, Condition, Measure]:
    """The optimise file, checked; its target and its cost measure."""
    study = load_study(path, OptimiseSpec)
    spec, source = study.spec, study.source
    check_output(study.base, spec.target, f"{source}: key 'target'")
    check_outputs(spec.cost.variables, f"{source}: key 'cost.variables'")
    for key in ("first_quarter", "last_quarter"):
        if getattr(spec.cost, key) is not None:
            check_quarter(study.base, getattr(spec.cost, key), f"{source}: key 'cost.{key}'")
    cost = cost_measure(spec.cost, study.base)
    if not cost.quarters:
        raise ConfigError(f"{source}: key 'cost': first_quarter is after last_quarter")
    return study, Condition.from_spec(spec.target), cost


def worlds(study: Study) -> list:
    """The sampled worlds (EMA scenarios named world_000, ...): a Latin hypercube."""
    ema = workbench()
    points = study.latin(study.uncertainties, study.spec.worlds, study.spec.base_seed)
    return [ema.Sample(f"world_{i:03d}", **point) for i, point in enumerate(points)]


def expected_runs(study: Study) -> int:
    """Runs of the search if it stops at its budget (the last generation may add some)."""
    return study.spec.nfe * study.spec.worlds * study.spec.seeds_per_world


def mean_bn(values: np.ndarray) -> float:
    """Mean cost over the worlds, bn yuan."""
    return float(np.mean(values)) / YUAN_PER_BN


def share_met(target: Condition, values: np.ndarray) -> float:
    """Share of the worlds in which the target holds."""
    return float(np.mean(target.holds(values)))


def run_optimise(
    study: Study,
    target: Condition,
    cost: Measure,
    out: Path,
    execution: Execution,
    on_runs: Callable[[int], None] | None = None,
    evaluator_type: type[SweepEvaluator] = SweepEvaluator,
) -> OptimiseResult:
    """Run (or resume) the robust search in `out`; `execution.overwrite` starts afresh.

    `evaluator_type` replaces the simulations (tests give one that computes a formula).
    """
    ema, spec = workbench(), study.spec
    if execution.overwrite:
        shutil.rmtree(out / EVALUATIONS, ignore_errors=True)
    sampled = worlds(study)
    model = study.ema_model([target.measure.name, cost.name])
    plan = RunPlan(study, (target.measure, cost), spec.seeds_per_world)
    plan.worlds = {world.name: i for i, world in enumerate(sampled)}
    folder = _batch_folder(out / EVALUATIONS)
    evaluator = evaluator_type(model, plan, folder, execution, on_runs)
    functions = [
        ema.ScalarOutcome(COST, kind=ema.ScalarOutcome.MINIMIZE, variable_name=cost.name,
                          function=mean_bn),
        ema.ScalarOutcome(ROBUSTNESS, kind=ema.ScalarOutcome.MAXIMIZE,
                          variable_name=target.measure.name, function=partial(share_met, target)),
    ]  # fmt: skip
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".archives-") as scratch:
        with quiet(), _no_library_progress_bar(), evaluator:
            pareto, _convergence = evaluator.robust_optimize(
                functions,
                sampled,
                nfe=spec.nfe,
                population_size=spec.population,
                epsilons=[spec.epsilons.cost_bn_yuan, spec.epsilons.robustness],
                rng=spec.base_seed,
                filename="archives.tar.gz",
                directory=scratch,
                logging_freq=1,
            )
    evaluated = pd.DataFrame(evaluator.history)
    runs = len(evaluated) * spec.worlds * spec.seeds_per_world
    return OptimiseResult(
        study, target, cost, _typed(pareto, study), evaluated, runs, time.perf_counter() - started
    )


def _batch_folder(root: Path) -> Callable[[int], Path]:
    """Each generation's store folder: evaluations/generation-0000, ..."""
    return lambda batch: root / f"generation-{batch:04d}"


def _typed(pareto: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Lever values as their parameters' types, the cheapest policy first."""
    table = pareto.copy()
    for lever in study.levers:
        table[lever.name] = [lever.typed(v) for v in table[lever.name]]
    return table.sort_values([COST, ROBUSTNESS], ascending=[True, False]).reset_index(drop=True)


@contextmanager
def _no_library_progress_bar() -> Iterator[None]:
    """EMA Workbench's own tqdm bar off: the command shows a progress bar over runs."""
    from tqdm import tqdm

    util = workbench().em_framework.util
    silent = SimpleNamespace(tqdm=partial(tqdm, disable=True))
    with mock.patch.object(util, "tqdm", silent):
        yield
