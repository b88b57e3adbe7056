"""Experiment ranges `from_posterior`: the posterior 5-95% interval, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiment_scripts import EXPERIMENTS

from model.errors import ConfigError
from model.evidence.posterior import Posterior, posterior_table
from model.sweeps.experiment import load_experiment

APPROVAL = "certification.national.approval"
GRID = np.linspace(0.0, 1.0, 101)


def write(tmp_path: Path, parameter: str, values=None) -> Path:
    values = np.linspace(0.5, 0.9, 101) if values is None else values  # 5-95%: 0.52-0.88
    sample = Posterior(pd.DataFrame({APPROVAL: values}), np.ones(101))
    posterior_table(sample).to_parquet(tmp_path / "post.parquet")
    path = tmp_path / "exp.toml"
    path.write_text(
        'scale = 0.002\nsampler = "latin"\nsamples = 4\nposterior = "post.parquet"\n'
        f'[changes]\n"time.end" = "2019Q4"\n[parameters."{APPROVAL}"]\n{parameter}',
        encoding="utf-8",
    )
    return path


def test_a_range_from_the_posterior_is_its_5_to_95_percent_interval(tmp_path) -> None:
    """A sample around the baseline's value (which the range then holds as it is)."""
    value = load_experiment(write(tmp_path, "from_posterior = true\n")).base
    value = value.certification.national.approval
    a, b = value - 0.3, value + 0.05  # the value sits below the sample's 95% quantile
    experiment = load_experiment(write(tmp_path, "from_posterior = true\n", a + (b - a) * GRID))
    low, high = experiment.spec.parameters[APPROVAL].range
    # Each draw sits at the middle of its weight step: a + 4.55 steps of (b - a) / 100.
    edge = 0.0455 * (b - a)
    assert low == pytest.approx(a + edge) and high == pytest.approx(b - edge)
    assert all(low <= point[0] <= high for point in experiment.points)


def test_a_posterior_range_is_widened_to_hold_the_base_value(tmp_path) -> None:
    """The calibrated point can be a particle outside the 5-95% interval; the design must
    still contain it (the baseline's national approval is below this sample's values)."""
    base = load_experiment(write(tmp_path, "from_posterior = true\n")).base
    value = base.certification.national.approval
    step = (1.0 - value) / 4  # a sample above the value that stays a probability
    above = np.linspace(value + step, value + 3 * step, 101)
    experiment = load_experiment(write(tmp_path, "from_posterior = true\n", above))
    low, high = experiment.spec.parameters[APPROVAL].range
    # the top: the sample's 95% quantile, value + step + 0.95 x 2 step
    assert low == value and value + 2.8 * step < high < value + 3 * step


@pytest.mark.parametrize(
    ("parameter", "says"),
    [
        ("from_posterior = true\nrange = [0.1, 0.2]\n", "either from_posterior or range"),
        ('from_posterior = "yes"\n', "allowed: true or false"),
    ],
)
def test_a_bad_from_posterior_is_refused_naming_the_key(tmp_path, parameter, says) -> None:
    with pytest.raises(ConfigError) as error:
        load_experiment(write(tmp_path, parameter))
    assert f"parameters.{APPROVAL}.from_posterior" in str(error.value) and says in str(error.value)


def test_a_parameter_missing_from_the_posterior_is_refused(tmp_path) -> None:
    path = write(tmp_path, "from_posterior = true\n")
    text = path.read_text(encoding="utf-8").replace(APPROVAL, "innovation.patent_scale", 1)
    path.write_text(text.replace(f'"{APPROVAL}"', '"innovation.patent_scale"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="is not in the posterior sample"):
        load_experiment(path)


def test_the_shipped_sobol_study_takes_its_calibrated_ranges_from_the_posterior() -> None:
    sobol = load_experiment(EXPERIMENTS / "sobol.toml")
    text = (EXPERIMENTS / "sobol.toml").read_text(encoding="utf-8")
    assert text.splitlines().count("from_posterior = true") == 4
    low, high = sobol.spec.parameters["matching.national_signal"].range
    assert low < high
