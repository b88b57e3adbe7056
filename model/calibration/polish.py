"""Polishing the calibrated point: a compass search from the refined point over fresh seeds.

The refinement keeps the best of the accepted particles over fresh seeds; each of
them passed on one seed, and with degenerate weights none may meet every required
fact. The polish is a compass search (Kolda, Lewis & Torczon 2003, SIAM Review 45)
from that point: each poll moves every free parameter up and down by its step,
clamped to its bounds, and runs the moves over the refinement's seeds (common random
numbers); the best move that lowers the objective without missing more required
facts than the point it leaves is taken, else every step is halved, until no step
moves a parameter any more. Steps start at a quarter of each parameter's posterior
90% interval, so the search stays among the values the posterior holds plausible.
The objective is the plain loss plus `REQUIRED_PENALTY` x weight x (|miss| - 1)^2
for every required fact beyond its tolerance: `littlegiants validate` fails on
those, and the loss alone would trade them for the targets the model misses at any
parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from model.calibration.problem import Simulator
from model.calibration.refine import Score, score_points
from model.calibration.spec import CalibrationSpec
from model.calibration.summary import ParameterSummary

REQUIRED_PENALTY = 10.0  # a required fact's miss beyond its tolerance weighs 10x a plain miss
SMALLEST_STEP = 0.01  # of a parameter's prior width: no step is started smaller
FINEST_STEP = 1e-6  # of a parameter's prior width: the search stops once every step is finer
POLISH_RULE = "lowest objective among moves missing no more required facts"


def objective(simulator: Simulator, score: Score) -> float:
    """The plain loss plus the penalty on required facts beyond their tolerance."""
    beyond = sum(
        t.weight * max(abs(score.misses[t.label]) - 1.0, 0.0) ** 2
        for t in simulator.targets
        if t.required
    )
    return score.loss + REQUIRED_PENALTY * beyond


def first_steps(spec: CalibrationSpec, summaries: Sequence[ParameterSummary]) -> dict[str, float]:
    """A quarter of each parameter's posterior 90% interval (at least 1% of its bounds)."""
    steps = {}
    for s in summaries:
        bounds = spec.prior_of(s.name)
        width = bounds.high - bounds.low
        steps[s.name] = max((s.posterior_high - s.posterior_low) / 4.0, SMALLEST_STEP * width)
    return steps


def _moves(spec: CalibrationSpec, point: dict[str, float], steps: dict[str, float]) -> list:
    """(parameter, step taken, point) for every move up and down by a parameter's step,
    clamped to its bounds; a move that the bound leaves where it was is not made."""
    moves = []
    for name, step in steps.items():
        bounds = spec.prior_of(name)
        if step < FINEST_STEP * (bounds.high - bounds.low):
            continue
        for signed in (step, -step):
            value = min(max(point[name] + signed, bounds.low), bounds.high)
            if value != point[name]:
                moves.append((name, value - point[name], {**point, name: value}))
    return moves


def polish(
    spec: CalibrationSpec,
    simulator: Simulator,
    start: dict[str, float],
    steps: dict[str, float],
    executor: Any,
    on_done: Callable[[], None] | None = None,
) -> tuple[dict[str, float], pd.DataFrame, int]:
    """The point after at most `spec.polish_polls` polls from `start`, a table with a
    row per poll (its best move, the objective before and after it, whether it was
    taken), and the runs made (moves a bound leaves in place are not run). A move is
    taken only if it misses no more required facts than the point it leaves, so the
    polish never trades a required fact for the others."""
    point, steps = dict(start), dict(steps)
    first = score_points(spec, simulator, [point], executor, on_done)[0]
    current, missed = objective(simulator, first), first.required_missed
    rows, points = [], 1
    for poll in range(spec.polish_polls):
        moves = _moves(spec, point, steps)
        if not moves:  # every step has shrunk below FINEST_STEP of its bounds
            break
        points += len(moves)
        scores = score_points(spec, simulator, [m[2] for m in moves], executor, on_done)
        values = [objective(simulator, score) for score in scores]
        worse = [score.required_missed > missed for score in scores]
        best = min(range(len(moves)), key=lambda i: (worse[i], values[i]))
        name, signed, moved = moves[best]
        taken = not worse[best] and values[best] < current
        rows.append(
            {
                "poll": poll,
                "parameter": name,
                "step": signed,
                "value": moved[name],
                "objective_before": current,
                "objective_after": values[best],
                "required_missed": scores[best].required_missed,
                "taken": taken,
            }
        )
        if taken:
            point, current, missed = moved, values[best], scores[best].required_missed
        else:
            steps = {n: step / 2.0 for n, step in steps.items()}
    return point, pd.DataFrame(rows), points * spec.refine_seeds


def polish_run_count(spec: CalibrationSpec) -> int:
    """At most how many runs `polish` takes: the start and two moves per parameter a poll."""
    points = 1 + spec.polish_polls * 2 * len(spec.parameters)
    return points * spec.refine_seeds if spec.polish_polls else 0


def polish_section(table: pd.DataFrame | None) -> list[str]:
    """The polls as report lines (none if the polish did not run)."""
    if table is None or table.empty:
        return []
    lines = [
        "The polish (a compass search from that point over the same fresh seeds; objective: "
        f"the loss plus {REQUIRED_PENALTY:g} x the squared miss of each required fact beyond "
        "its tolerance), its best move in each poll:",
        "",
        "| poll | parameter | step | to | objective | required facts missed | taken |",
        "| ---: | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.poll} | `{r.parameter}` | {r.step:+.4g} | {r.value:.4g} | "
            f"{r.objective_before:.3g} → {r.objective_after:.3g} | {r.required_missed} | "
            f"{'✓' if r.taken else 'halve steps'} |"
        )
    return [*lines, ""]
