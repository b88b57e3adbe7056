"""The bridge: EMA Workbench experiments run as runs of the project's sweep machinery.

EMA Workbench hands an evaluator its experiments (a scenario and a policy each);
`SweepEvaluator` turns each into sweep `Run`s (the study's parameter changes, one
run per seed), runs them with `run_sweep` (in this process, on a local Dask
cluster or on a scheduler, resumable, into a partitioned Parquet store), reads
the store back, and returns each experiment's measures (means over its seeds) to
EMA's callback. Each call of the evaluator is one batch with its own store folder,
so a rerun replays finished batches from disk.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.exploration.ema import quiet, workbench
from model.exploration.measures import Measure, needed_outputs
from model.exploration.study import Study
from model.simulation.runner import spawned_seed
from model.sweeps.experiment import Experiment, ExperimentSpec, Run
from model.sweeps.sampling import ParameterSpec
from model.sweeps.store import SweepStore
from model.sweeps.sweep import PART_RUNS, RunOutcome, run_sweep

_ema = workbench()
BaseEvaluator = _ema.em_framework.evaluators.BaseEvaluator
optimization = _ema.em_framework.optimization


class RunsMissing(Exception):
    """Some runs of a batch have no results: lost to the cluster, or failed."""


@dataclass(frozen=True)
class PlannedExperiment(Experiment):
    """A sweep `Experiment` whose runs are given, not drawn from a design."""

    planned: tuple[Run, ...] = ()

    @property
    def runs(self) -> tuple[Run, ...]:  # type: ignore[override]
        """The given runs."""
        return self.planned


@dataclass(frozen=True)
class Execution:
    """Where and how the sweep machinery runs a batch (the sweep command's options)."""

    workers: int = 1
    scheduler: str | None = None
    retry_failed: bool = False
    part_runs: int = PART_RUNS
    allow_failures: bool = True  # a failed run's measures are NaN; else RunsMissing
    overwrite: bool = False  # discard what a batch's folder holds


@dataclass
class RunPlan:
    """How EMA experiments become runs, and run rows become measures."""

    study: Study
    measures: tuple[Measure, ...]
    seeds: int  # runs per experiment
    worlds: dict[str, int] = field(default_factory=dict)  # scenario name -> world number

    def seed(self, experiment: Any, replicate: int) -> int:
        """Seeds from the study's base seed: by world (common across policies) when the
        scenarios are named worlds, else by experiment."""
        world = self.worlds.get(experiment.scenario.name)
        key = experiment.experiment_id if world is None else world
        return spawned_seed(self.study.spec.base_seed, key, replicate)

    def sweep_experiment(self, experiments: Sequence[Any], name: str) -> PlannedExperiment:
        """The experiments as one sweep experiment (runs ordered by experiment id)."""
        points, runs = [], []
        for experiment in experiments:
            values = dict(experiment.scenario) | dict(experiment.policy)
            points.append(tuple(values[v.name] for v in self.study.variables))
            changes = tuple(self.study.changes(values).items())
            for replicate in range(self.seeds):
                run_id = experiment.experiment_id * self.seeds + replicate
                seed = self.seed(experiment, replicate)
                runs.append(Run(run_id, experiment.experiment_id, replicate, seed, changes))
        outputs, quarters = needed_outputs(self.measures)
        spec = ExperimentSpec(
            name=name,
            description=self.study.spec.description,
            scenario=self.study.spec.scenario,
            scale=self.study.spec.scale,
            sampler="latin",
            samples=max(1, len(experiments)),
            seeds_per_point=self.seeds,
            base_seed=self.study.spec.base_seed,
            outputs=outputs,
            quarters=quarters,
            changes=self.study.spec.changes,
            parameters={
                v.name: ParameterSpec(range=(float(v.low), float(v.high)), note=v.label)
                for v in self.study.variables
            },
        )
        kinds = {v.name: v.kind for v in self.study.variables}
        return PlannedExperiment(
            self.study.source, spec, self.study.base, tuple(points), kinds, tuple(runs)
        )

    def point_values(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Each point's measures (mean over its seeds), indexed by point id."""
        if rows.empty:
            return pd.DataFrame(columns=[m.name for m in self.measures])
        return pd.DataFrame({m.name: m.per_point(rows) for m in self.measures})


class SweepEvaluator(BaseEvaluator):
    """An EMA Workbench evaluator that runs experiments with `run_sweep`.

    `folder(batch)` gives each batch's store folder; `on_runs(n)` is called as runs
    finish or are found done (for progress bars).
    """

    def __init__(
        self,
        model: Any,
        plan: RunPlan,
        folder: Callable[[int], Path],
        execution: Execution = Execution(),
        on_runs: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(model)
        self.plan = plan
        self.folder = folder
        self.execution = execution
        self.on_runs = on_runs or (lambda _n: None)
        self.batches = 0
        self.failed = 0  # failed runs so far
        self.history: list[dict[str, Any]] = []  # every policy the optimiser scored
        self.seconds = 0.0  # time spent running batches

    def initialize(self) -> None:
        """Nothing to start: each batch starts (and stops) its own cluster if it needs one."""

    def finalize(self) -> None:
        """Nothing to stop."""

    def evaluate_experiments(self, experiments: Any, callback: Callable, **_: Any) -> None:
        """Run one batch of EMA experiments and hand each one's measures to `callback`."""
        experiments = list(experiments)
        folder = self.folder(self.batches)
        self.batches += 1
        values = self.run_batch(experiments, folder)
        names = [m.name for m in self.plan.measures]
        for experiment in experiments:
            row = values.reindex([experiment.experiment_id])
            callback(experiment, {name: float(row[name].iloc[0]) for name in names})

    def run_batch(self, experiments: Sequence[Any], folder: Path) -> pd.DataFrame:
        """Run (or resume) the batch's runs in `folder`; the measures of each point."""
        plan = self.plan.sweep_experiment(experiments, f"{self.plan.study.name}-{folder.name}")
        ex = self.execution

        def on_start(_total: int, already: int) -> None:
            self.on_runs(already)

        def on_outcome(_outcome: RunOutcome) -> None:
            self.on_runs(1)

        summary = run_sweep(
            plan,
            folder,
            workers=ex.workers,
            scheduler=ex.scheduler,
            overwrite=ex.overwrite,
            retry_failed=ex.retry_failed,
            part_runs=ex.part_runs,
            on_start=on_start,
            on_outcome=on_outcome,
        )
        self.seconds += summary.seconds
        self.failed += len(summary.failures)
        if summary.lost:
            raise RunsMissing(
                f"{folder}: {len(summary.lost)} tasks were lost to the cluster "
                f"({summary.lost[0]}); rerun the same command to resume"
            )
        if not summary.failures.empty and not ex.allow_failures:
            first = str(summary.failures["error"].iloc[0]).splitlines()[0]
            raise RunsMissing(
                f"{folder}: {len(summary.failures)} runs failed (first: {first}); see "
                f"{folder / 'failures'}, then rerun with --retry-failed"
            )
        return self.plan.point_values(SweepStore(folder).results())

    def evaluate_all(self, jobs: list, **_: Any) -> list:
        """Evaluate a generation of the optimiser's candidate policies.

        As EMA's own `evaluate_all`, except that each policy is scored on its own
        experiments only: EMA Workbench 3.0.0 scores robust objectives on all of a
        generation's experiments, which gives every policy the same score. The global
        `random` state that platypus draws from is kept across the batch, so whatever
        runs it (Dask, among others) cannot change the search.
        """
        if not jobs:
            return jobs
        problem = jobs[0].solution.problem
        scenarios, policies = optimization.process_jobs(jobs)
        state = random.getstate()
        try:
            with quiet():
                callback = _ema.perform_experiments(
                    self._msis,
                    evaluator=self,
                    scenarios=scenarios,
                    policies=policies,
                    return_callback=True,
                    log_progress=True,
                )
        finally:
            random.setstate(state)
        experiments, outcomes = callback.get_results()
        for policy, job in zip(policies, jobs, strict=True):
            mask = (experiments["policy"] == policy.name).to_numpy()
            mine = {name: values[mask] for name, values in outcomes.items()}
            with quiet():
                optimization.evaluate([(policy, job)], experiments[mask], mine, problem)
            scores = dict(zip(problem.outcome_names, job.solution.objectives, strict=True))
            self.history.append(dict(policy) | scores)
        return jobs
