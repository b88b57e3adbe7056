"""`littlegiants explore`: sample uncertainties and levers, run them, find where growth fails.

The file's uncertainties and levers are sampled together (a Latin hypercube from
the sweeps' sampler, seeded by the file's base seed) and handed to EMA Workbench's
`perform_experiments` as scenarios and policies paired one to one. The runs go
through `SweepEvaluator` into the output folder's Parquet store (so an
interrupted explore resumes like a sweep); the experiments and outcomes EMA gets
back go to PRIM and CART.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.exploration.discovery import Box, cart_leaves, prim_boxes
from model.exploration.ema import quiet, workbench
from model.exploration.evaluator import Execution, RunPlan, SweepEvaluator
from model.exploration.measures import Condition
from model.exploration.spec import ExploreSpec, check_output
from model.exploration.study import Study, load_study
from model.io import write_parquet

TABLE = "experiments.parquet"  # the EMA experiments with the outcome, one row per point


@dataclass
class ExploreResult:
    """What an explore found: the table PRIM and CART saw, their boxes, and timings."""

    study: Study
    condition: Condition
    table: pd.DataFrame  # one row per point: variables, the outcome, of_interest
    prim: list[Box]
    cart: list[Box]
    runs: int
    failed: int
    seconds: float
    analysis_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def analysed(self) -> pd.DataFrame:
        """The points with an outcome (failed runs leave none)."""
        return self.table[self.table[self.condition.measure.name].notna()]


def load_explore(path: str | Path) -> tuple[Study, Condition]:
    """The explore file, checked, and its outcome of interest."""
    study = load_study(path, ExploreSpec)
    check_output(study.base, study.spec.outcome, f"{study.source}: key 'outcome'")
    return study, Condition.from_spec(study.spec.outcome)


def total_runs(study: Study) -> int:
    """Runs of the explore: points x seeds."""
    return study.spec.samples * study.spec.seeds_per_point


def design(study: Study) -> tuple[list, list]:
    """EMA scenarios and policies of the design, paired by position."""
    ema = workbench()
    points = study.latin(study.variables, study.spec.samples, study.spec.base_seed)
    scenarios, policies = [], []
    for i, point in enumerate(points):
        scenarios.append(
            ema.Sample(f"point_{i:05d}", **{v.name: point[v.name] for v in study.uncertainties})
        )
        if study.levers:
            policies.append(
                ema.Sample(f"policy_{i:05d}", **{v.name: point[v.name] for v in study.levers})
            )
    return scenarios, policies or 0


def run_explore(
    study: Study,
    condition: Condition,
    out: Path,
    execution: Execution,
    on_runs: Callable[[int], None] | None = None,
    evaluator_type: type[SweepEvaluator] = SweepEvaluator,
) -> ExploreResult:
    """Run (or resume) the explore's runs in `out`, then PRIM and CART on the outcome.

    `evaluator_type` replaces the simulations (tests give one that computes a formula).
    """
    ema = workbench()
    measure = condition.measure
    model = study.ema_model([measure.name])
    plan = RunPlan(study, (measure,), study.spec.seeds_per_point)
    evaluator = evaluator_type(model, plan, lambda _batch: out, execution, on_runs)
    scenarios, policies = design(study)
    with quiet(), evaluator:
        experiments, outcomes = ema.perform_experiments(
            model, scenarios, policies, evaluator=evaluator, combine="cycle", log_progress=True
        )
    started = time.perf_counter()
    table = experiments[[v.name for v in study.variables]].copy()
    table[measure.name] = outcomes[measure.name]
    table["of_interest"] = condition.holds(table[measure.name].to_numpy())
    write_parquet(out / TABLE, table)
    result = ExploreResult(
        study, condition, table, [], [], total_runs(study), evaluator.failed, evaluator.seconds
    )
    discover(result)
    result.analysis_seconds = time.perf_counter() - started
    return result


def discover(result: ExploreResult) -> None:
    """PRIM boxes and CART leaves of the cases of interest (points with an outcome only)."""
    study, points = result.study, result.analysed
    x = points[[v.name for v in study.variables]].reset_index(drop=True)
    y = points["of_interest"].to_numpy(dtype=bool)
    if not y.any() or y.all():
        share = "none" if not y.any() else "all"
        result.notes.append(
            f"{share} of the {len(y)} points meet the outcome condition, so there is no "
            "region to find; widen the ranges or move the threshold"
        )
        return
    spec = study.spec
    result.prim = prim_boxes(x, y, study.variables, spec.prim)
    seed = int(np.random.SeedSequence(spec.base_seed).generate_state(1)[0])
    result.cart = cart_leaves(x, y, study.variables, spec.cart, seed, spec.prim.boxes)
