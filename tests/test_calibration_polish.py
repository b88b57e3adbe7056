"""The polish of the calibrated point: a compass search over fresh seeds (small scale)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from calibration_helpers import BASE, TRUE, synthetic_targets, tiny_spec

from model.calibration.polish import REQUIRED_PENALTY, _moves, first_steps, objective, polish
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
    assert runs == (1 + 4 * 3) * 2  # the start and four moves a poll, two seeds each


APPROVAL, PATENTS = "certification.provincial.approval", "innovation.patent_scale"
NO_TARGETS = SimpleNamespace(targets=())  # a simulator for fake scores: the loss is all


def fake_scores(monkeypatch, loss, missed=lambda point: 0) -> list[dict[str, float]]:
    """Score points by `loss(point)` and `missed(point)` instead of running the model;
    the points scored, in order."""
    scored = []

    def score_points(spec, simulator, points, executor, on_done=None):
        scored.extend(points)
        return [Score(required_missed=missed(p), loss=loss(p), misses={}) for p in points]

    monkeypatch.setattr("model.calibration.polish.score_points", score_points)
    return scored


def test_a_failed_poll_halves_every_step_and_keeps_the_point(monkeypatch) -> None:
    # the best value of approval is 0.5: from 0.45 a step of 0.1 overshoots both ways
    fake_scores(monkeypatch, lambda p: (p[APPROVAL] - 0.5) ** 2 + (p[PATENTS] - 0.1) ** 2)
    spec = tiny_spec(polish_polls=3)
    start = {APPROVAL: 0.45, PATENTS: 0.1}
    point, table, _ = polish(spec, NO_TARGETS, start, {APPROVAL: 0.1, PATENTS: 0.001}, None)
    assert list(table["taken"]) == [False, True, False]
    assert table["step"].abs().tolist() == pytest.approx([0.1, 0.05, 0.0005])
    assert point == {APPROVAL: 0.5, PATENTS: 0.1}


def test_a_move_that_misses_more_required_facts_is_not_taken(monkeypatch) -> None:
    # lowering approval lowers the loss but misses a required fact the start meets
    fake_scores(monkeypatch, lambda p: p[APPROVAL], missed=lambda p: int(p[APPROVAL] < 0.5))
    spec = tiny_spec(polish_polls=2)
    start = {APPROVAL: 0.5, PATENTS: 0.1}
    point, table, _ = polish(spec, NO_TARGETS, start, {APPROVAL: 0.1, PATENTS: 0.01}, None)
    # approval 0.4 has the lower loss (0.4 < 0.5), yet the best move kept is one that
    # misses nothing more, and it does not lower the loss
    assert point == start and not table["taken"].any()
    assert (table["parameter"] == PATENTS).all() and (table["required_missed"] == 0).all()


def test_the_polish_stops_once_no_step_moves_a_parameter(monkeypatch) -> None:
    scored = fake_scores(monkeypatch, lambda p: (p[APPROVAL] - 0.5) ** 2)
    spec = tiny_spec(polish_polls=100)
    start = {APPROVAL: 0.5, PATENTS: 0.1}
    point, table, runs = polish(spec, NO_TARGETS, start, {APPROVAL: 0.1, PATENTS: 0.01}, None)
    assert point == start and not table["taken"].any()
    assert len(table) < 100  # it ran out of steps before polls, without an error
    assert runs == len(scored) * spec.refine_seeds


def test_moves_are_clamped_to_the_prior_bounds_and_record_the_step_taken() -> None:
    spec = tiny_spec()
    edge = {APPROVAL: 0.85, PATENTS: 0.13}
    moves = _moves(spec, edge, {APPROVAL: 0.3, PATENTS: 0.05})
    # approval is at its upper bound: only down; patents up is clamped to 0.14
    assert [(name, round(step, 12)) for name, step, _ in moves] == [
        (APPROVAL, -0.3),
        (PATENTS, 0.01),
        (PATENTS, -0.05),
    ]
    for name, step, point in moves:
        assert point[name] == pytest.approx(edge[name] + step)
        assert 0.25 <= point[APPROVAL] <= 0.85 and 0.06 <= point[PATENTS] <= 0.14


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
