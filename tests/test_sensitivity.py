"""Sobol wiring checked on the Ishigami function (known indices), seed noise, and the command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from command_line import invoke
from pictures import A_LINE, drawn_in, pixels

from model.sweeps.experiment import load_experiment
from model.sweeps.sampling import ParameterSpec, design_points
from model.sweeps.sensitivity import analyse, run_outputs, seed_noise, sobol_indices

# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices
# (Ishigami & Homma 1990; Saltelli et al. 2008, Global Sensitivity Analysis, 4.8).
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])
TOLERANCE = 0.05


def ishigami(x1: np.ndarray, x2: np.ndarray, x3: np.ndarray) -> np.ndarray:
    return np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)


def check_ishigami(indices: pd.DataFrame) -> None:
    assert np.allclose(indices["S1"], ISHIGAMI_S1, atol=TOLERANCE), indices
    assert np.allclose(indices["ST"], ISHIGAMI_ST, atol=TOLERANCE), indices
    assert (indices["S1_conf"] > 0).all() and (indices["ST_conf"] < 0.1).all()


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    names = ["x1", "x2", "x3"]
    spec = ParameterSpec(range=(-np.pi, np.pi))
    points = design_points(
        "sobol", dict.fromkeys(names, spec), dict.fromkeys(names, float), 2048, 7
    )
    x = np.array(points)
    outputs = pd.DataFrame({"ishigami": ishigami(x[:, 0], x[:, 1], x[:, 2])})
    indices = sobol_indices(names, outputs, resamples=200, seed=1)
    assert list(indices["parameter"]) == names
    check_ishigami(indices)


def sobol_file(folder: Path, samples: int, seeds: int = 1, noise: int = 0) -> Path:
    path = folder / "ishigami.toml"
    path.write_text(
        f"""
name = "ishigami"
scale = 0.002
sampler = "sobol"
samples = {samples}
seeds_per_point = {seeds}
noise_seeds = {noise}
outputs = ["national_little_giants"]
quarters = ["2025Q4"]
[parameters."matching.capability_weight"]
range = [1.5, 5.0]
[parameters."finance.bank.approval"]
range = [0.5, 0.9]
[parameters."innovation.patent_scale"]
range = [0.06, 0.13]
""",
        encoding="utf-8",
    )
    return path


def fake_results(experiment, value_of) -> pd.DataFrame:
    """Results rows as a sweep stores them, with `value_of(run)` as the output."""
    rows = [
        {
            "point_id": run.point_id,
            "replicate": run.replicate,
            "run_id": run.run_id,
            "seed": run.seed,
            "quarter": "2025Q4",
            "variable": "national_little_giants",
            "value": value_of(run),
        }
        for run in experiment.runs
    ]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=3)  # parts arrive in any order


def to_ishigami_inputs(experiment, run) -> np.ndarray:
    """Each parameter's range mapped onto [-pi, pi]."""
    values = dict(run.values)
    unit = [
        (values[key] - spec.range[0]) / (spec.range[1] - spec.range[0])
        for key, spec in experiment.spec.parameters.items()
    ]
    return -np.pi + 2.0 * np.pi * np.array(unit)


def test_experiment_design_to_stored_results_to_indices_keeps_points_in_order(tmp_path):
    experiment = load_experiment(sobol_file(tmp_path, samples=2048))
    results = fake_results(experiment, lambda run: ishigami(*to_ishigami_inputs(experiment, run)))
    indices, _, skipped = analyse(results, experiment)
    assert skipped == {}
    assert list(indices["parameter"]) == list(experiment.parameters)
    check_ishigami(indices.reset_index(drop=True))


def test_seed_noise_is_measured_within_points_and_at_the_base_point(tmp_path):
    experiment = load_experiment(sobol_file(tmp_path, samples=32, seeds=3, noise=40))
    noise = np.random.default_rng(5)

    def value(run) -> float:
        signal = 10.0 * to_ishigami_inputs(experiment, run)[0]
        return float(signal + noise.normal(0.0, 2.0))

    runs = run_outputs(fake_results(experiment, value), experiment)
    table = seed_noise(runs, experiment).iloc[0]
    assert table["seed_sd"] == pytest.approx(2.0, rel=0.15)
    assert table["measured_from"].startswith("within points")
    design = runs[runs["point_id"] < len(experiment.points)]
    run_var = design["national_little_giants 2025Q4"].var()
    assert table["noise_share_runs"] == pytest.approx(table["seed_sd"] ** 2 / run_var)
    assert 0.0 < table["noise_share_means"] < table["noise_share_runs"]


def test_sensitivity_command_writes_indices_noise_chart_and_report(tmp_path):
    path = tmp_path / "tiny_sobol.toml"
    path.write_text(
        """
name = "tiny_sobol"
scale = 0.002
sampler = "sobol"
samples = 4
noise_seeds = 3
outputs = ["firms_meeting_national_thresholds", "pool_firms"]
quarters = ["2019Q4"]
[changes]
"time.end" = "2019Q4"
[parameters."certification.national.approval"]
range = [0.45, 0.75]
[parameters."restrictions.tech_access_loss"]
range = [0.15, 0.55]
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = invoke("sensitivity", path, "--out", out, "--workers", "1")
    assert done.exit_code == 0, done.output
    indices = pd.read_csv(out / "sobol_indices.csv")
    assert set(indices["output"]) == {
        "pool_firms 2019Q4",
        "firms_meeting_national_thresholds 2019Q4",
    }
    chart = pixels(out / "figures" / "sobol_indices.png")
    for colour in ("#0072B2", "#E69F00"):  # the bars of the total and the first-order indices
        assert drawn_in(chart, colour) >= A_LINE, colour
    report = (out / "report.md").read_text()
    assert "## Sobol sensitivity" in report and report.count("## Seed noise") == 1
    assert "base point (3 seeds)" in report and "restrictions.tech_access_loss" in report
    assert len(pd.read_parquet(out / "results")["run_id"].unique()) == 4 * 4 + 3
