"""A whole calibration: ABC-SMC, the posterior, the predictive check and every file.

In the output folder: abc.db (pyabc's history) and calibration.json (fingerprint,
timings), posterior.parquet (the last generation's weighted particles),
predictive.parquet (posterior draws x seeds), final.parquet (the point estimate's
runs, which docs/validation.md shows), refine.parquet (the candidates for the point,
re-run over fresh seeds, see `refine`), polish.parquet (the compass search from the
refined point, see `polish`), correlations.csv, report.md and figures/.
The scenario file (`output`) and the posterior sample beside it
(`posterior_output`) are written last. The check's runs are reused when a rerun
finds the history unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from model.calibration.check import check_draws, predictive_runs
from model.calibration.information import history_information, narrower_than_best_case
from model.calibration.polish import (
    POLISH_RULE,
    REQUIRED_PENALTY,
    first_steps,
    polish,
    polish_run_count,
)
from model.calibration.problem import Simulator, fit_targets, simulator
from model.calibration.refine import MEDIANS, refine, refine_plan, refine_run_count
from model.calibration.report import RunFacts, scenario_toml, write_calibration_report
from model.calibration.sampler import SeededSampler
from model.calibration.smc import (
    finished_generations,
    last_posterior,
    read_state,
    record_timings,
    run_abc,
    update_state,
)
from model.calibration.spec import CalibrationSpec, spec_base
from model.calibration.summary import ParameterSummary, degenerate, point_estimate, summarise
from model.evidence.posterior import Posterior, posterior_table
from model.io import read_parquet, write_parquet, write_text

POINT_DRAW = -1  # the `draw` of the point estimate's runs in final.parquet


@dataclass(frozen=True)
class Calibrated:
    """What a calibration produced."""

    posterior: Posterior
    summaries: list[ParameterSummary]
    point: dict[str, float]
    report: Path
    facts: RunFacts
    narrower: tuple[str, ...] = ()  # parameters narrower than the linear best case


CHECKS = ("predictive.parquet", "final.parquet")  # the check's runs, the point's runs


class RunCounter(Protocol):
    """Called after each run of the check and the refinement; told the real total once
    it is known (`check_run_count` counts every run that might be needed)."""

    def __call__(self) -> None: ...

    def retotal(self, total: int) -> None: ...


def calibrate(
    spec: CalibrationSpec,
    out_dir: Path,
    sampler: SeededSampler,
    command: str,
    write_scenario: bool = True,
    on_run: RunCounter | None = None,
    generations: int | None = None,
) -> Calibrated:
    """Run or resume ABC-SMC (up to `generations`, default the spec's), then write the
    posterior, the check, the report and the calibrated scenario (`on_run` counts the
    check's and the refinement's runs)."""
    base = spec_base(spec)
    targets = fit_targets(spec)
    history = run_abc(spec, out_dir, sampler, targets, base, generations)
    timings = record_timings(out_dir, sampler)
    posterior, distances, ess = last_posterior(history, spec)
    write_parquet(out_dir / "posterior.parquet", posterior_table(posterior, distances))
    generations_done = finished_generations(history)
    summaries, point = summarise(spec, posterior), point_estimate(posterior, distances, ess)
    model = simulator(spec, base, targets)
    refined, polished, made = None, None, 0
    if refines(spec):
        medians = None if degenerate(ess, spec.population_size) else point
        point, refined, made = _refined(
            spec, out_dir, history.max_t, (posterior, distances), model, sampler, on_run, medians
        )
    if spec.polish_polls:
        steps = first_steps(spec, summaries)
        point, polished, polish_runs = _polished(
            spec, out_dir, (point, steps), model, sampler, on_run
        )
        made += polish_runs
    predictive = _predictive(
        spec, out_dir, history.max_t, (posterior, point), model, sampler, on_run, made
    )
    # Counts and wall times from pyabc's history (every invocation, interrupted ones too);
    # core seconds per evaluation only where this tool recorded them.
    table = history.get_all_populations()
    evaluations = int(table["samples"].sum())
    recorded = sum(int(t["evaluations"]) for t in timings.values())
    core = sum(t["core_seconds"] for t in timings.values()) / recorded if recorded else None
    facts = RunFacts(
        command=command,
        generations=generations_done,
        evaluations=evaluations,
        seconds_per_evaluation=core,
        wall_minutes=float(table["wall_time"].fillna(0).sum()) / 60.0,
    )
    information = history_information(history, spec)
    too_narrow = narrower_than_best_case(spec, summaries, information)
    report = write_calibration_report(
        out_dir,
        spec,
        (posterior, point),
        summaries,
        predictive,
        facts,
        (refined, polished),
        (information, too_narrow),
    )
    if write_scenario:
        write_text(spec.output, scenario_toml(spec, point, facts))
        write_parquet(spec.posterior_output, posterior_table(posterior, distances))
    return Calibrated(posterior, summaries, point, report, facts, tuple(too_narrow))


def _predictive(
    spec: CalibrationSpec,
    out_dir: Path,
    max_t: int,
    estimate: tuple[Posterior, dict[str, float]],
    model: Any,
    sampler: SeededSampler,
    on_run: RunCounter | None,
    made: int,
) -> pd.DataFrame:
    """The check's runs and the point estimate's (final.parquet), reused if up to date;
    `on_run` is told the total: the `made` runs before it and the check's, if it runs."""
    path, final = (out_dir / name for name in CHECKS)
    key = _check_key(spec, max_t, estimate[1])
    reused = _up_to_date(out_dir, "check", key, CHECKS)
    if on_run is not None:
        on_run.retotal(made + (0 if reused else predictive_run_count(spec)))
    if reused:
        return read_parquet(path)
    posterior, point_values = estimate
    draws = check_draws(spec, posterior)
    executor = sampler.executor
    runs = predictive_runs(spec, model, draws, executor, on_done=on_run)
    point = predictive_runs(spec, model, [point_values], executor, on_done=on_run)
    point["draw"] = POINT_DRAW
    write_parquet(path, runs)
    write_parquet(final, point)
    update_state(out_dir, check=key)
    return runs


def _check_key(spec: CalibrationSpec, max_t: int, point: dict[str, float]) -> dict:
    """What the check's files were made from (the state's "check" entry)."""
    key = {"generation": max_t, "draws": spec.check_draws, "seeds": spec.check_seeds}
    return key | {"scale": spec.check_scale, "point": point}


def _up_to_date(out_dir: Path, name: str, key: dict, files: tuple[str, ...]) -> bool:
    """Whether the state's entry `name` is `key` and every one of `files` exists."""
    return read_state(out_dir).get(name) == key and all((out_dir / f).exists() for f in files)


def refines(spec: CalibrationSpec) -> bool:
    """Whether the point is refined: the spec asks for more than one candidate."""
    return refine_plan(spec) is not None


def _refined(
    spec: CalibrationSpec,
    out_dir: Path,
    max_t: int,
    particles: tuple[Posterior, Any],
    model: Simulator,
    sampler: SeededSampler,
    on_run: Callable[[], None] | None,
    medians: dict[str, float] | None,
) -> tuple[dict[str, float], pd.DataFrame, int]:
    """`refine`'s point and candidates (the posterior `medians` among them unless None),
    reused from refine.parquet if up to date; and the runs it made (0 when reused)."""
    posterior, distances = particles
    path = out_dir / "refine.parquet"
    key = {"generation": max_t, "candidates": spec.refine_candidates, "medians": medians}
    key |= {"choice": "fewest required facts missed, then loss", "required": _required(model)}
    key |= {"seeds": spec.refine_seeds, "scale": spec.check_scale}
    if _up_to_date(out_dir, "refine", key, (path.name,)):
        table = read_parquet(path)
        chosen = int(table.loc[table["chosen"], "particle"].iloc[0])
        return (medians if chosen == MEDIANS else posterior.particle(chosen)), table, 0
    point, table = refine(spec, model, posterior, distances, sampler.executor, on_run, medians)
    write_parquet(path, table)
    update_state(out_dir, refine=key)
    return point, table, refine_run_count(spec, medians is not None)


def _required(model: Simulator) -> list[str]:
    """The required facts' labels: the refinement and the polish choose by them, so a
    change in which facts are required makes their saved results stale."""
    return sorted(t.label for t in model.targets if t.required)


def _polished(
    spec: CalibrationSpec,
    out_dir: Path,
    start: tuple[dict[str, float], dict[str, float]],
    model: Simulator,
    sampler: SeededSampler,
    on_run: Callable[[], None] | None,
) -> tuple[dict[str, float], pd.DataFrame, int]:
    """`polish`'s point and polls from the refined point and first steps `start`, reused
    from polish.parquet if up to date; and the runs it made (0 when reused)."""
    point, steps = start
    path = out_dir / "polish.parquet"
    key = {"start": point, "steps": steps, "polls": spec.polish_polls}
    key |= {"required": _required(model), "penalty": REQUIRED_PENALTY, "rule": POLISH_RULE}
    key |= {"seeds": spec.refine_seeds, "scale": spec.check_scale}
    if _up_to_date(out_dir, "polish", key, (path.name,)):
        state = read_state(out_dir)
        return state["polished"], read_parquet(path), 0
    polished, table, runs = polish(spec, model, point, steps, sampler.executor, on_run)
    write_parquet(path, table)
    update_state(out_dir, polish=key, polished=polished)
    return polished, table, runs


def predictive_run_count(spec: CalibrationSpec) -> int:
    """How many runs the predictive check and the point estimate take."""
    return spec.check_draws * spec.check_seeds + spec.check_seeds


def check_run_count(spec: CalibrationSpec) -> int:
    """The runs `predictive_run_count` counts, the refinement's at most (the posterior
    medians are a candidate unless the weights turn out degenerate) and the polish's at
    most: the total a progress bar starts from."""
    refined = refine_run_count(spec) if refines(spec) else 0
    return predictive_run_count(spec) + refined + polish_run_count(spec)
