"""Calibration: recovers known parameters, resumes from its checkpoint, validates specs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

import model.calibration.search as calibrate_module
from model import load_scenario, with_changes
from model.calibration.report import (
    identifiability,
    posterior_chart,
    profile_chart,
    scenario_toml,
)
from model.calibration.search import FitTarget, best, posterior, run_calibration
from model.calibration.spec import CalibrationSpec, FreeParameter, load_spec
from model.calibration.store import Evaluation, append_checkpoint, read_checkpoint
from model.errors import ConfigError
from model.simulation.runner import replicate_seeds, simulate

SCALE = 0.01
TRUE = {"certification.provincial.approval": 0.5, "innovation.patent_scale": 0.1}


def small_spec(budget: int = 30, **changes) -> CalibrationSpec:
    fields = dict(
        scale=SCALE,
        seeds=1,
        base_seed=5,
        budget=budget,
        global_share=0.4,
        final_scale=SCALE,
        final_seeds=1,
        parameters=(
            FreeParameter(name="certification.provincial.approval", low=0.25, high=0.85),
            FreeParameter(name="innovation.patent_scale", low=0.06, high=0.14),
        ),
    )
    return CalibrationSpec(**{**fields, **changes})


def synthetic_targets(spec: CalibrationSpec) -> list[FitTarget]:
    """Targets made by the model itself at TRUE, with the calibration's own seeds."""
    params = with_changes(load_scenario("baseline", scale=SCALE), TRUE)
    seed = replicate_seeds(spec.base_seed, spec.seeds)[0]
    table = simulate(params, seed=seed).set_index(["variable", "quarter"])["value"]
    # Pool-wide counts: many firms behind each, so the loss surface is smooth enough.
    keys = [
        ("provincial_specialized", "2021Q4"),
        ("provincial_specialized", "2023Q4"),
        ("provincial_specialized", "2025Q4"),
        ("invention_patents_filed", "2022Q4"),
        ("invention_patents_filed", "2024Q4"),
    ]
    return [FitTarget(v, q, float(table[(v, q)]), tolerance=0.05) for v, q in keys]


def test_calibration_recovers_known_parameters(tmp_path: Path) -> None:
    spec = small_spec()
    # Start far from the truth: the current values compete with the design points.
    start = {"certification.provincial.approval": 0.45, "innovation.patent_scale": 0.13}
    base = with_changes(load_scenario("baseline"), start)
    evaluator = run_calibration(
        spec, tmp_path / "ck.jsonl", targets=synthetic_targets(spec), base=base
    )
    found = best(evaluator).values
    # Stated tolerance: within 0.1 of the true approval and 0.015 of the patent scale, and
    # the targets reproduced within their own 5% on average (loss below one per target).
    assert found["certification.provincial.approval"] == pytest.approx(0.5, abs=0.1)
    assert found["innovation.patent_scale"] == pytest.approx(0.1, abs=0.015)
    assert best(evaluator).loss < len(evaluator.targets)
    assert best(evaluator).loss < min(r.loss for r in evaluator.history if r.stage == "design")


def test_a_rerun_replays_the_checkpoint_without_running_the_model(tmp_path, monkeypatch):
    spec = small_spec(budget=8)
    targets = synthetic_targets(spec)[:2]
    first = run_calibration(spec, tmp_path / "ck.jsonl", targets=targets)
    calls = []
    real = calibrate_module._moments_job
    monkeypatch.setattr(calibrate_module, "_moments_job", lambda job: calls.append(1) or real(job))
    again = run_calibration(spec, tmp_path / "ck.jsonl", targets=targets)
    assert calls == []
    assert [r.loss for r in again.history] == [r.loss for r in first.history]


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "ck.jsonl"
    append_checkpoint(path, Evaluation(0, "design", {"a": 1.0}, [1.0], 2.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"index": 1, "stage": "des')  # the writer was killed here
    records = read_checkpoint(path)
    assert len(records) == 1 and records[0].loss == 2.0


def test_errors_count_in_tolerance_units_and_bounds_only_on_their_wrong_side() -> None:
    point = FitTarget("x", "2025Q4", observed=100.0, tolerance=0.05)
    assert point.error(105.0) == pytest.approx(1.0)
    share = FitTarget("s", "2025Q4", observed=0.46, tolerance=0.05, absolute=True)
    assert share.error(0.41) == pytest.approx(-1.0)
    bound = FitTarget("b", "2025Q4", observed=30.0, tolerance=0.1, kind="lower_bound")
    assert bound.error(40.0) == 0.0 and bound.error(27.0) == pytest.approx(-1.0)
    ceiling = FitTarget("c", "2020Q4", observed=40.0, tolerance=0.15, kind="upper_bound")
    assert ceiling.error(30.0) == 0.0 and ceiling.error(52.0) == pytest.approx(2.0)
    assert point.error(float("nan")) ** 2 == calibrate_module.NO_VALUE_PENALTY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'budget = 10\nfoo = 1\n[[parameters]]\nname = "innovation.patent_scale"\nlow = 0.1\n'
            "high = 0.2\n",
            "unknown key 'foo'",
        ),
        ('[[parameters]]\nname = "innovation.patent_scal"\nlow = 0.1\nhigh = 0.2\n', "patent_scal"),
        (
            '[[parameters]]\nname = "innovation.patent_elasticity"\nlow = 0.5\nhigh = 1.5\n',
            "bound 1.5",
        ),
        (
            '[[parameters]]\nname = "innovation.patent_scale"\nlow = 0.2\nhigh = 0.1\n',
            "must be below",
        ),
        ("budget = 10\n", "parameters"),
    ],
)
def test_bad_calibration_files_name_file_and_key(tmp_path: Path, text: str, message: str):
    path = tmp_path / "cal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_spec(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_shipped_calibration_spec_is_valid() -> None:
    spec = load_spec(Path(__file__).parents[1] / "experiments" / "calibration.toml")
    assert len(spec.parameters) >= 10 and spec.budget <= 2000


def test_the_calibrated_scenario_file_loads_and_applies(tmp_path: Path) -> None:
    spec = small_spec()
    chosen = Evaluation(
        7,
        "local",
        {"certification.provincial.approval": 0.55, "innovation.patent_scale": 0.093},
        [],
        0.5,
    )
    path = tmp_path / "calibrated.toml"
    path.write_text(scenario_toml(spec, chosen, "test"), encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "calibrated"\n[time]\nend = "2019Q4"\n', encoding="utf-8")
    params = load_scenario(child, scale=0.001)
    assert params.certification.provincial.approval == 0.55
    assert params.innovation.patent_scale == pytest.approx(0.093)
    assert tomllib.loads(path.read_text())["name"] == "calibrated"
    assert np.isfinite(simulate(params, seed=1)["value"]).all()


def test_posterior_and_identifiability_use_the_design_points() -> None:
    spec = small_spec()
    history = [
        Evaluation(
            i,
            "design",
            {"certification.provincial.approval": 0.4 + 0.6 * u, "innovation.patent_scale": 0.1},
            [],
            loss=abs(u - 0.5),
        )
        for i, u in enumerate(np.linspace(0, 1, 40))
    ]
    history.append(Evaluation(40, "local", dict(history[20].values), [], 0.0))

    class Holder:
        pass

    holder = Holder()
    holder.history = history
    accepted = posterior(holder, spec)
    design = sum(r.stage == "design" for r in history)
    assert len(accepted) == round(spec.accept_share * design)
    assert all(r.stage == "design" for r in accepted)
    rows = identifiability(spec, accepted, history[-1])
    assert rows[0][-1] == "pinned down"
    # One panel per free parameter over its bounds, spare panels hidden.
    for fig in (posterior_chart(spec, accepted, history[-1]), profile_chart(spec, history)):
        shown = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in shown] == ["provincial.approval", "patent_scale"]
        assert shown[0].get_xlim() == (0.25, 0.85) and shown[1].get_xlim() == (0.06, 0.14)
    heights = [
        patch.get_height() for patch in posterior_chart(spec, accepted, history[-1]).axes[0].patches
    ]
    assert sum(heights) == len(accepted)


def test_a_checkpoint_of_another_calibration_is_refused(tmp_path: Path) -> None:
    spec = small_spec(budget=4)
    targets = synthetic_targets(spec)[:1]
    run_calibration(spec, tmp_path / "ck.jsonl", targets=targets)
    other = small_spec(budget=4, scale=0.02)
    with pytest.raises(ConfigError, match="different calibration"):
        run_calibration(other, tmp_path / "ck.jsonl", targets=targets)


def test_an_integer_parameter_is_rounded_in_every_evaluated_point(tmp_path: Path) -> None:
    spec = small_spec(
        parameters=(FreeParameter(name="innovation.max_learning_customers", low=1, high=6),)
    )
    evaluator = calibrate_module.Evaluator(
        spec, [], load_scenario("baseline"), tmp_path / "ck.jsonl", None
    )
    params = evaluator.params_for({"innovation.max_learning_customers": 3.6})
    assert params.innovation.max_learning_customers == 4
    assert (
        evaluator.params_for({"innovation.patent_scale": 0.1234}).innovation.patent_scale == 0.1234
    )
