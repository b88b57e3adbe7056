"""Experiment files: validation errors name file and key; designs and seeds are reproducible."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from experiment_scripts import EXPERIMENTS

from model.errors import ConfigError
from model.simulation.runner import replicate_seeds
from model.sweeps.experiment import load_experiment, run_seed

GRID = """
name = "grid"
scale = 0.002
seeds_per_point = 2
outputs = ["national_little_giants"]
quarters = ["2020Q4"]
[changes]
"time.end" = "2020Q4"
[parameters."fiscal.support_scale"]
values = [0.0, 1.0, 2.0]
[parameters."restrictions.severity_scale"]
range = [0.0, 2.0]
steps = 2
"""


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str) -> str:
    path = write(folder, text)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_shipped_experiments_load_with_their_designs():
    grid = load_experiment(EXPERIMENTS / "fiscal_vs_restrictions.toml")
    assert grid.parameters == ("fiscal.support_scale", "restrictions.severity_scale")
    assert len(grid.points) == 5 * 6 and len(grid.runs) == 30 * 10
    assert "2025Q4" in grid.quarters
    sobol = load_experiment(EXPERIMENTS / "sobol.toml")
    n, d = sobol.spec.samples, len(sobol.parameters)
    assert 10 <= d <= 14 and len(sobol.points) == n * (d + 2)
    seeds, noise = sobol.spec.seeds_per_point, sobol.spec.noise_seeds
    assert len(sobol.runs) == len(sobol.points) * seeds + noise
    assert sobol.quarters == ("2025Q4",)


def test_sobol_ranges_are_centred_on_the_resolved_baseline():
    """The design must vary parameters around the values the baseline really uses
    (calibrated ones included), not around stale hand-set defaults: a hand-set range
    has the baseline in its middle half; a posterior interval (`from_posterior`) holds
    the calibrated value, which is one of the posterior's particles."""
    sobol = load_experiment(EXPERIMENTS / "sobol.toml")
    raw = tomllib.loads((EXPERIMENTS / "sobol.toml").read_text(encoding="utf-8"))["parameters"]
    from_posterior = {key for key, table in raw.items() if table.get("from_posterior")}
    assert from_posterior, "the Sobol study reads some ranges from the posterior"
    for key, value in zip(sobol.parameters, sobol.base_point, strict=True):
        spec = sobol.spec.parameters[key]
        low, high = spec.range
        if spec.distribution == "loguniform":
            low, high, value = np.log(low), np.log(high), np.log(value)
        position = (value - low) / (high - low)
        middle = (0.0, 1.0) if key in from_posterior else (0.25, 0.75)
        assert middle[0] <= position <= middle[1], f"{key}: baseline at {position:.2f} of range"


def test_grid_is_the_product_of_its_axes_in_file_order(tmp_path):
    experiment = load_experiment(write(tmp_path, GRID))
    assert experiment.points == (
        (0.0, 0.0),
        (0.0, 2.0),
        (1.0, 0.0),
        (1.0, 2.0),
        (2.0, 0.0),
        (2.0, 2.0),
    )
    assert [r.run_id for r in experiment.runs] == list(range(12))
    assert experiment.base.time.end == "2020Q4" and experiment.base.scale == 0.002


def test_nested_tables_mean_the_same_as_quoted_dotted_keys(tmp_path):
    nested = GRID.replace(
        '[parameters."fiscal.support_scale"]', "[parameters.fiscal.support_scale]"
    )
    nested = nested.replace('[changes]\n"time.end"', "[changes.time]\nend")
    a = load_experiment(write(tmp_path, GRID, "a.toml"))
    b = load_experiment(write(tmp_path, nested, "b.toml"))
    assert a.points == b.points and a.fingerprint == b.fingerprint


def test_run_seeds_depend_only_on_base_seed_point_and_replicate(tmp_path):
    experiment = load_experiment(write(tmp_path, GRID))
    for run in experiment.runs:
        assert run.seed == run_seed(20210101, run.point_id, run.replicate, common=False)
    smaller = load_experiment(write(tmp_path, GRID.replace("[0.0, 1.0, 2.0]", "[0.0, 1.0]")))
    assert [r.seed for r in smaller.runs] == [r.seed for r in experiment.runs[:8]]
    common = load_experiment(write(tmp_path, "common_seeds = true\n" + GRID))
    assert {r.seed for r in common.runs} == set(replicate_seeds(20210101, 2))


@pytest.mark.parametrize("sampler", ["latin", "sobol"])
def test_sampled_values_stay_in_range_and_are_reproducible(tmp_path, sampler):
    text = f"""
name = "s"
scale = 0.002
sampler = "{sampler}"
samples = 16
[parameters."finance.vc.base_rate"]
range = [0.002, 0.008]
distribution = "loguniform"
[parameters."innovation.max_learning_customers"]
range = [2, 8]
distribution = "triangular"
mode = 4
[parameters."finance.bank.approval"]
range = [0.5, 0.9]
distribution = "truncnormal"
mean = 0.7
sd = 0.1
"""
    first = load_experiment(write(tmp_path, text))
    again = load_experiment(write(tmp_path, text, "again.toml"))
    assert first.points == again.points
    values = np.array(first.points, dtype=float)
    assert len(values) == (16 * 5 if sampler == "sobol" else 16)
    assert (values[:, 0] >= 0.002).all() and (values[:, 0] <= 0.008).all()
    assert all(isinstance(p[1], int) and 2 <= p[1] <= 8 for p in first.points)
    assert (values[:, 2] >= 0.5).all() and (values[:, 2] <= 0.9).all()


def test_unknown_key_is_named(tmp_path):
    message = error_of(tmp_path, "seeds_per_pont = 3\n" + GRID)
    assert "unknown key 'seeds_per_pont'" in message and "seeds_per_point" in message


def test_unknown_key_in_a_parameter_table_is_named(tmp_path):
    message = error_of(tmp_path, GRID.replace("steps = 2", "steps = 2\nstep = 3"))
    assert "parameters.restrictions.severity_scale.step" in message


def test_bad_sampler_lists_the_allowed_ones(tmp_path):
    message = error_of(tmp_path, 'sampler = "montecarlo"\n' + GRID)
    assert "key 'sampler'" in message and "'grid'" in message and "'sobol'" in message


def test_parameter_not_in_params_is_named_with_a_suggestion(tmp_path):
    message = error_of(tmp_path, GRID.replace("fiscal.support_scale", "fiscal.suport_scale"))
    assert "parameters.fiscal.suport_scale" in message
    assert "did you mean 'fiscal.support_scale'" in message


def test_grid_value_outside_the_parameters_bounds_is_an_error(tmp_path):
    message = error_of(tmp_path, GRID.replace("[0.0, 1.0, 2.0]", "[0.0, 1.0, 25.0]"))
    assert "parameters.fiscal.support_scale" in message
    assert "25.0" in message and "0 <= value <= 20" in message


def test_range_outside_the_parameters_bounds_is_an_error(tmp_path):
    message = error_of(tmp_path, GRID.replace("range = [0.0, 2.0]", "range = [-1.0, 2.0]"))
    assert "parameters.restrictions.severity_scale" in message and "0 <= value <= 5" in message


def test_wrong_type_is_named(tmp_path):
    message = error_of(tmp_path, GRID.replace("seeds_per_point = 2", 'seeds_per_point = "2"'))
    assert "key 'seeds_per_point'" in message


def test_whole_number_parameter_refuses_fractions(tmp_path):
    text = GRID.replace("fiscal.support_scale", "innovation.max_learning_customers")
    message = error_of(tmp_path, text.replace("[0.0, 1.0, 2.0]", "[1, 2.5]"))
    assert "innovation.max_learning_customers" in message and "whole number" in message


def test_sobol_needs_a_power_of_two_and_ranges(tmp_path):
    sobol = GRID.replace('name = "grid"', 'name = "s"\nsampler = "sobol"\nsamples = 12')
    assert "key 'samples' = 12" in error_of(tmp_path, sobol)
    message = error_of(tmp_path, sobol.replace("samples = 12", "samples = 16"))
    assert "parameters.fiscal.support_scale" in message and "'range'" in message


def test_outputs_and_quarters_are_checked(tmp_path):
    message = error_of(tmp_path, GRID.replace('"national_little_giants"', '"little_giants"'))
    assert "key 'outputs'" in message and "national_little_giants" in message
    message = error_of(tmp_path, GRID.replace('quarters = ["2020Q4"]', 'quarters = ["2025Q4"]'))
    assert "key 'quarters'" in message and "2020Q4" in message


def test_bad_fixed_change_names_the_changes_key(tmp_path):
    message = error_of(tmp_path, GRID.replace('"time.end" = "2020Q4"', '"time.ends" = "2020Q4"'))
    assert "changes" in message and "time.ends" in message


def test_missing_scenario_is_named(tmp_path):
    message = error_of(tmp_path, 'scenario = "no_such_scenario"\n' + GRID)
    assert "key 'scenario'" in message and "no_such_scenario" in message
