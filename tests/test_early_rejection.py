"""Early rejection stops rejected particles' runs and changes nothing that is kept: the
tiny calibration (targets at 2021Q4 and 2022Q4) gives the same generations with it as
with every run finished."""

from __future__ import annotations

import numpy as np
import pytest
from calibration_helpers import BASE, synthetic_targets, tiny_spec

import model.calibration.smc as smc
from model.calibration.early import EarlyRejecting
from model.calibration.problem import simulator
from model.calibration.sampler import InProcess, SeededSampler
from model.calibration.smc import finished_generations, run_abc
from model.simulation.economy import Economy
from model.simulation.runner import tidy

SPEC = tiny_spec(generations=2)


def quarters_run(monkeypatch, out, early: bool):
    """The tiny calibration's history and the quarters its economies stepped."""
    if not early:  # the simulator itself: pyabc runs it to the end for every particle
        monkeypatch.setattr(smc, "EarlyRejecting", lambda simulator: simulator)
    stepped = []
    step = Economy.step
    monkeypatch.setattr(Economy, "step", lambda economy: (stepped.append(1), step(economy)))
    history = run_abc(
        SPEC, out, SeededSampler(InProcess(), SPEC.base_seed), synthetic_targets(SPEC), BASE
    )
    monkeypatch.undo()
    return history, len(stepped)


def test_the_generations_are_those_of_finished_runs_in_fewer_quarters(monkeypatch, tmp_path):
    early, early_quarters = quarters_run(monkeypatch, tmp_path / "early", early=True)
    plain, plain_quarters = quarters_run(monkeypatch, tmp_path / "plain", early=False)
    assert len(finished_generations(early)) == 2
    for t in range(2):
        values, weights = early.get_distribution(t=t)
        plain_values, plain_weights = plain.get_distribution(t=t)
        assert np.array_equal(values.to_numpy(), plain_values.to_numpy())
        assert np.array_equal(weights, plain_weights)
        distances = early.get_weighted_distances(t=t)["distance"].to_numpy()
        assert np.array_equal(distances, plain.get_weighted_distances(t=t)["distance"].to_numpy())
    epsilons = [g.epsilon for g in finished_generations(early)]
    assert epsilons == [g.epsilon for g in finished_generations(plain)]
    # Some rejected particles stopped at 2021Q4, a year before the end.
    assert early_quarters < plain_quarters
    assert (plain_quarters - early_quarters) % 4 == 0


def test_a_target_not_reached_counts_as_met():
    model = EarlyRejecting(simulator(SPEC, BASE, synthetic_targets(SPEC)))
    runs = [Economy(model.simulator.params_for({}), seed=s) for s in model.simulator.seeds]
    for run in runs:
        while run.quarter <= model.checkpoints[0]:
            run.step()
    so_far = model.simulator.misses([tidy(run) for run in runs], by=model.checkpoints[0])
    later = [t.label for t in model.simulator.targets if t.quarter == "2022Q4"]
    assert later and all(so_far[label] == 0.0 for label in later)
    for run in runs:
        run.run()
    finished = model.simulator.misses([tidy(run) for run in runs])
    assert finished == pytest.approx(model.simulator({}), abs=0)
    reached = [label for label in so_far if label not in later]
    assert all(so_far[label] == finished[label] for label in reached)
