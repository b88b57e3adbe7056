"""The polish of the calibrated point: a compass search over fresh seeds (small scale)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from calibration_helpers import BASE, TRUE, synthetic_targets, tiny_spec

from model.calibration.polish import REQUIRED_PENALTY, first_steps, objective, polish
from model.calibration.problem import Simulator
from model.calibration.refine import Score
from model.calibration.sampler import InProcess
from model.calibration.summary import ParameterSummary

START = {"certification.provincial.approval": 0.7, "innovation.patent_scale": 0.125}


def simulator_for(spec, required: bool = False) -> Simulator:
    """The tiny problem's simulator; its targets required or not."""
    targets = tuple(replace(t, required=required) for t in synthetic_targets(spec))
    return Simulator(BASE, (1,), targets)


def test_the_polish_walks_towards_the_values_that_made_the_data() -> None:
    spec = tiny_spec(refine_seeds=2, polish_polls=3)
    model = simulator_for(spec)
    steps = {"certification.provincial.approval": 0.1, "innovation.patent_scale": 0.01}
    point, table, runs = polish(spec, model, START, steps, InProcess())
    assert len(table) == 3 and table["taken"].any()
    assert (table["objective_after"][table["taken"]] < table["objective_before"]).all()
    for name, value in point.items():  # closer to the truth than where it started
        assert abs(value - TRUE[name]) < abs(START[name] - TRUE[name]), name
    # a poll of moves that all fail halves the steps (and nothing moves)
    halved = table[~table["taken"]]
    assert halved.empty or (halved["objective_after"] >= halved["objective_before"]).all()
    assert runs == (1 + 4 * 3) * 2  # the start and four moves a poll, two seeds each


def test_moves_stay_within_the_prior_bounds() -> None:
    spec = tiny_spec(refine_seeds=1, polish_polls=2)
    model = simulator_for(spec)
    edge = {"certification.provincial.approval": 0.85, "innovation.patent_scale": 0.14}
    steps = {"certification.provincial.approval": 0.3, "innovation.patent_scale": 0.05}
    point, _, runs = polish(spec, model, edge, steps, InProcess())
    assert 0.25 <= point["certification.provincial.approval"] <= 0.85
    assert 0.06 <= point["innovation.patent_scale"] <= 0.14
    assert runs < (1 + 4 * 2) * 1  # moves past the upper bounds were not run


def test_a_required_miss_beyond_tolerance_weighs_more_than_the_same_plain_miss() -> None:
    spec = tiny_spec()
    plain, required = simulator_for(spec), simulator_for(spec, required=True)
    misses = {t.label: 0.0 for t in plain.targets}
    misses[plain.targets[0].label] = 1.5  # half a tolerance beyond
    score = Score(required_missed=1, loss=2.25, misses=misses)
    assert objective(plain, score) == pytest.approx(2.25)
    assert objective(required, score) == pytest.approx(2.25 + REQUIRED_PENALTY * 0.25)


def test_first_steps_are_a_quarter_of_the_posterior_interval_but_not_tiny() -> None:
    spec = tiny_spec()
    summaries = [
        ParameterSummary(
            "certification.provincial.approval", "uniform", 0.25, 0.85, 0.5, 0.4, 0.6, 0.28, 0.82
        ),
        ParameterSummary(
            "innovation.patent_scale", "loguniform", 0.06, 0.14, 0.1, 0.1, 0.1, 0.062, 0.138
        ),
    ]
    steps = first_steps(spec, summaries)
    assert steps["certification.provincial.approval"] == pytest.approx(0.05)
    assert steps["innovation.patent_scale"] == pytest.approx(0.01 * 0.08)  # 1% of the bounds
