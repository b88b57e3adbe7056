"""ABC-SMC with pyabc: build the run from a spec, run or resume it, read its posterior.

pyabc keeps every generation in an SQLite history (`abc.db` in the output folder),
written when a generation is complete. Rerunning the same command loads it and goes
on from the next generation; a run killed inside a generation redoes that
generation, and because every proposal's random numbers depend only on the seed,
the generation and the proposal's number (`sampler.SeededSampler`), it redraws the
same particles. `calibration.json` beside the history fingerprints what the
particles depend on (scenario, scale, seeds, targets, priors, population size,
epsilon quantile), so a changed spec is refused rather than silently continued;
the number of generations, the minimum epsilon and the evaluation budget may grow.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from model.calibration.early import EarlyRejecting
from model.calibration.problem import (
    FitTarget,
    distance,
    fit_targets,
    observed_statistics,
    prior,
    simulator,
)
from model.calibration.sampler import SAMPLER_STREAM, SeededSampler
from model.calibration.spec import CalibrationSpec, spec_base, typed_values
from model.calibration.summary import effective_sample_size, usable_weights
from model.errors import ConfigError
from model.evidence.posterior import Posterior
from model.io import write_text
from model.params import Params
from model.params.loading import with_changes

HISTORY_FILE, STATE_FILE = "abc.db", "calibration.json"
MAIN_STREAM = 0  # spawn-key of the main process's own (unused, but seeded) draws


@dataclass(frozen=True)
class Generation:
    """One finished generation: its epsilon, evaluations, acceptance rate and ESS."""

    t: int
    epsilon: float
    evaluations: int
    acceptance_rate: float
    effective_sample_size: float


def _sampled(target: FitTarget) -> dict:
    """What of a target the particles depend on: all but whether validate requires it
    (which only the choice of the point reads)."""
    return {k: v for k, v in asdict(target).items() if k != "required"}


def fingerprint(spec: CalibrationSpec, targets: Sequence[FitTarget], base: Params) -> str:
    """What the particles depend on; generations, min_epsilon and the budget may change.

    The base scenario counts without its values of the free parameters (every particle
    sets them), so writing calibrated.toml, which the baseline extends, keeps the
    history resumable.
    """
    base = with_changes(base, typed_values(base, {p.name: p.low for p in spec.parameters}))
    content = json.dumps(
        [
            spec.model_dump(
                mode="json",
                include={
                    "scale",
                    "seeds",
                    "base_seed",
                    "population_size",
                    "epsilon_quantile",
                    "proposal_scaling",
                    "parameters",
                },
            ),
            [_sampled(t) for t in targets],
            base.model_dump(mode="json"),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def build_abc(
    spec: CalibrationSpec, sampler: pyabc.sampler.Sampler, targets, base: Params
) -> pyabc.ABCSMC:
    """The pyabc ABC-SMC object: priors, simulator, adaptive distance, quantile epsilon,
    and a multivariate normal proposal widened by the spec's `proposal_scaling`."""
    return pyabc.ABCSMC(
        models=EarlyRejecting(simulator(spec, base, targets)),
        parameter_priors=prior(spec),
        distance_function=distance(targets),
        population_size=spec.population_size,
        sampler=sampler,
        eps=pyabc.epsilon.QuantileEpsilon(alpha=spec.epsilon_quantile),
        transitions=pyabc.transition.MultivariateNormalTransition(scaling=spec.proposal_scaling),
    )


def run_abc(
    spec: CalibrationSpec,
    out_dir: Path,
    sampler: SeededSampler,
    targets: Sequence[FitTarget] | None = None,
    base: Params | None = None,
    generations: int | None = None,
) -> pyabc.History:
    """Run (or resume) the calibration in `out_dir` up to `generations` (default: the
    spec's) generations, the minimum epsilon or the evaluation budget."""
    targets = list(targets) if targets is not None else fit_targets(spec)
    base = base if base is not None else spec_base(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    check_state(out_dir, fingerprint(spec, targets, base))
    logging.getLogger("ABC").setLevel(logging.WARNING)  # our progress bar says it instead
    abc = build_abc(spec, sampler, targets, base)
    database = f"sqlite:///{(out_dir / HISTORY_FILE).resolve()}"
    observed = observed_statistics(targets)
    resumed = (out_dir / HISTORY_FILE).exists()
    history = abc.load(database, 1, observed) if resumed else abc.new(database, observed)
    remaining = (generations or spec.generations) - (history.max_t + 1)
    if remaining > 0 and not finished(history, spec):
        with seeded_global_state(spec.base_seed):
            try:
                abc.run(
                    minimum_epsilon=spec.min_epsilon,
                    max_nr_populations=remaining,
                    max_total_nr_simulations=spec.max_evaluations,
                )
            except (AssertionError, ValueError) as exc:
                if not degenerate_weights_stop(exc):
                    raise
                # pyabc refuses a generation whose importance weights are not finite
                # (the proposal density underflows for some particle), or cannot fit
                # the next proposal when all the weight sits on one particle (its
                # covariance is not finite): degenerate weights either way; the
                # generations before are whole in the history.
                warnings.warn(
                    f"generation {history.max_t + 1} stopped: its importance weights are "
                    f"degenerate ({exc}); the calibration keeps generations 0-"
                    f"{history.max_t}",
                    DegenerateWeightsWarning,
                    stacklevel=2,
                )
    return history


def degenerate_weights_stop(exc: Exception) -> bool:
    """Whether pyabc stopped on degenerate importance weights: weights that do not sum
    to a finite total, or a next proposal fitted to one particle (non-finite covariance)."""
    if isinstance(exc, AssertionError):
        return "not normalized" in str(exc)
    return isinstance(exc, ValueError) and "infs or NaNs" in str(exc) and _raised_in_proposal(exc)


def _raised_in_proposal(exc: Exception) -> bool:
    """Whether the exception passed through pyabc's proposal fitting (pyabc.transition),
    so that a NaN from anywhere else, in the model say, is not taken for degenerate
    weights."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(
        Path(frame.filename).parent.parts[-2:] == ("pyabc", "transition") for frame in frames
    )


class DegenerateWeightsWarning(UserWarning):
    """An ABC-SMC generation was dropped because its importance weights were not finite."""


def finished(history: pyabc.History, spec: CalibrationSpec) -> bool:
    """Whether the last generation already met the minimum epsilon or the budget."""
    if history.max_t < 0:
        return False
    last = history.get_all_populations().iloc[-1]
    return bool(
        last["epsilon"] <= spec.min_epsilon or history.total_nr_simulations >= spec.max_evaluations
    )


class seeded_global_state:
    """Seed numpy's and Python's global generators for the block, then restore them.

    pyabc's main process draws nothing with a fixed population size, but whatever it
    might draw comes from these generators, so they are seeded from the base seed too.
    """

    def __init__(self, base_seed: int) -> None:
        self.seed = np.random.SeedSequence(base_seed, spawn_key=(SAMPLER_STREAM, MAIN_STREAM))

    def __enter__(self) -> None:
        self.saved = np.random.get_state()  # noqa: NPY002
        np.random.seed(self.seed.generate_state(4))  # noqa: NPY002

    def __exit__(self, *_: object) -> None:
        np.random.set_state(self.saved)  # noqa: NPY002


def check_state(out_dir: Path, expected: str) -> None:
    """Refuse a history made for another calibration; start a fresh state if none."""
    history_path = out_dir / HISTORY_FILE
    if not history_path.exists():
        write_text(out_dir / STATE_FILE, json.dumps({"fingerprint": expected}, indent=1) + "\n")
        return
    found = read_state(out_dir).get("fingerprint")
    if found is None:
        raise ConfigError(
            f"{history_path}: a history without its {STATE_FILE}; pass --fresh to start over"
        )
    if found != expected:
        raise ConfigError(
            f"{history_path}: history of a different calibration (scenario, scale, seeds, "
            "targets, priors or population size changed); pass --fresh to start over or "
            "--out to write elsewhere"
        )


def read_state(out_dir: Path) -> dict:
    """calibration.json: the fingerprint, timings per generation, what the check ran for."""
    try:
        return json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def update_state(out_dir: Path, **entries: object) -> None:
    """Merge `entries` into calibration.json (written atomically)."""
    state = read_state(out_dir) | entries
    write_text(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True) + "\n")


def record_timings(out_dir: Path, sampler: SeededSampler) -> dict[str, dict[str, float]]:
    """Add this invocation's generations to the timings in calibration.json; all of them."""
    timings = dict(read_state(out_dir).get("timings", {}))
    for t, seconds in sampler.seconds.items():
        timings[str(t)] = {
            "evaluations": len(seconds),
            "core_seconds": float(sum(seconds)),
            "wall_seconds": float(sampler.wall_seconds.get(t, 0.0)),
        }
    update_state(out_dir, timings=timings)
    return timings


def discard(out_dir: Path) -> None:
    """Delete the history and its state (for --fresh)."""
    for name in (HISTORY_FILE, STATE_FILE):
        (out_dir / name).unlink(missing_ok=True)


def finished_generations(history: pyabc.History) -> list[Generation]:
    """Every finished generation of the history, in order."""
    rows = []
    for _, row in history.get_all_populations().iterrows():
        t = int(row["t"])
        if t < 0:
            continue  # pyabc's row for the prior calibration sample
        _, weights = history.get_distribution(m=0, t=t)
        ess = effective_sample_size(weights)
        evaluations = int(row["samples"])
        rate = row["particles"] / evaluations if evaluations else float("nan")
        rows.append(Generation(t, float(row["epsilon"]), evaluations, float(rate), ess))
    return rows


def last_posterior(
    history: pyabc.History, spec: CalibrationSpec
) -> tuple[Posterior, np.ndarray, float]:
    """The last generation's particles (spec order) with their usable weights (see
    `usable_weights`), their distances and the ESS of their importance weights (the one
    value that decides whether they were degenerate)."""
    particles = history.get_population(t=history.max_t).particles
    names = [p.name for p in spec.parameters]
    values = pd.DataFrame(
        [[float(p.parameter[n]) for n in names] for p in particles], columns=names
    )
    weights = np.array([p.weight for p in particles], float)
    distances = np.array([p.distance for p in particles], float)
    return Posterior(values, usable_weights(weights)), distances, effective_sample_size(weights)
