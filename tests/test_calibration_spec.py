"""Calibration specs: every mistake is one message naming the file, the key and what is
allowed; the shipped spec, calibrated scenario and posterior sample fit together."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import load_scenario
from model.calibration.spec import load_spec
from model.calibration.summary import (
    effective_sample_size,
    point_estimate,
    usable_weights,
    weights_degenerate,
)
from model.errors import ConfigError
from model.evidence.posterior import Posterior, read_posterior
from model.params.loading import read_dotted

ROOT = Path(__file__).parents[1]
PARAMETER = '[[parameters]]\nname = "innovation.patent_scale"\nlow = 0.06\nhigh = 0.13\n'


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("foo = 1\n" + PARAMETER, ["unknown key 'foo'", "allowed:", "population_size"]),
        (
            "population_size = 5\n" + PARAMETER,
            ["key 'population_size' = 5", "allowed: 10 <= value <= 100000 (particles)"],
        ),
        ("scale = 1.5\n" + PARAMETER, ["key 'scale' = 1.5", "0 < value <= 1"]),
        ("epsilon_quantile = 1\n" + PARAMETER, ["key 'epsilon_quantile'", "0 < value < 1"]),
        (PARAMETER + 'prior = "normal"\n', ["key 'parameters.0.prior'", "'uniform'", "loguniform"]),
        (
            '[[parameters]]\nname = "innovation.excess_cash_rd_share"\nlow = 0.0\nhigh = 0.03\n'
            'prior = "loguniform"\n',
            ["parameters.0", "loguniform prior needs low > 0"],
        ),
        (PARAMETER.replace("0.06", "0.2"), ["parameters.0", "must be below high"]),
        (PARAMETER.replace("patent_scale", "patent_scal"), ["parameters[0]", "patent_scal"]),
        (
            '[[parameters]]\nname = "innovation.patent_elasticity"\nlow = 0.5\nhigh = 1.5\n',
            ["parameters[0] 'innovation.patent_elasticity' bound 1.5", "allowed"],
        ),
        (PARAMETER + PARAMETER, ["key 'parameters': named twice: innovation.patent_scale"]),
        (
            '[targets]\nexclude = ["innovative_smes"]\n' + PARAMETER,
            ["key 'targets.exclude': 'innovative_smes' is not a fit target", "allowed:"],
        ),
        (
            "[targets]\nweights = { national_little_giants = -1.0 }\n" + PARAMETER,
            ["key 'targets.weights.national_little_giants' = -1.0", "0 < value"],
        ),
        ("seeds = 2\n", ["key 'parameters'", "required"]),
        (
            PARAMETER + '[fixed]\n"innovation.patent_scale" = 0.1\n',
            ["key 'fixed.innovation.patent_scale'", "also a free parameter"],
        ),
        (
            PARAMETER + '[fixed]\n"population.zone_share" = 1.5\n',
            ["key 'fixed.population.zone_share' = 1.5", "allowed"],
        ),
    ],
)
def test_a_bad_spec_names_the_file_the_key_and_what_is_allowed(tmp_path, text, says) -> None:
    path = tmp_path / "cal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_spec(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    for part in says:
        assert part in message, message


def test_shipped_spec_is_valid_and_sized_for_the_machine() -> None:
    spec = load_spec(ROOT / "experiments" / "calibration.toml")
    assert len(spec.parameters) >= 10 and spec.population_size >= 100
    assert spec.scale >= 0.25 and spec.check_scale == 0.25  # issue 16; bias within 1% of 1:1
    assert spec.prior_of("matching.national_signal").prior == "loguniform"


def test_calibrated_scenario_and_posterior_sample_fit_together() -> None:
    """calibrated.toml holds the shipped posterior's point estimate and the spec's fixed
    values; >= 100 weighted draws."""
    spec = load_spec(ROOT / "experiments" / "calibration.toml")
    posterior = read_posterior(ROOT / "scenarios" / "calibrated_posterior.parquet")
    assert posterior.parameters == [p.name for p in spec.parameters]
    assert len(posterior.values) >= 100 and posterior.weights.sum() == pytest.approx(1.0)
    calibrated = load_scenario("calibrated")
    table = pd.read_parquet(ROOT / "scenarios" / "calibrated_posterior.parquet")
    point = {n: read_dotted(calibrated, n) for n in posterior.parameters}
    if spec.polish_polls:  # polished from the refined point: anywhere within the bounds
        assert all(p.low <= point[p.name] <= p.high for p in spec.parameters)
        expected = {**spec.fixed, **point}
    else:  # one of the refinement's candidates: the posterior medians (unless the weights
        # are degenerate) and the particles nearest the facts
        nearest = np.argsort(table["distance"].to_numpy(), kind="stable")
        candidates = [posterior.values.iloc[i].to_dict() for i in nearest[: spec.refine_candidates]]
        if not np.allclose(posterior.weights, posterior.weights[0]):
            candidates.insert(0, posterior.median())
        chosen = [c for c in candidates if all(np.isclose(point[n], c[n], rtol=1e-5) for n in c)]
        assert len(chosen) >= 1, "the calibrated point is none of the refinement's candidates"
        expected = {**spec.fixed, **chosen[0]}
    assert set(spec.fixed) and not set(spec.fixed) & set(posterior.parameters)
    for name, median in expected.items():
        assert read_dotted(calibrated, name) == pytest.approx(median, rel=1e-5), name
    header = (ROOT / "scenarios" / "calibrated.toml").read_text(encoding="utf-8")
    assert "littlegiants calibrate" in header and "Values: " in header
    assert "Fixed in the spec, not estimated" in header
    assert tomllib.loads(header)["name"] == "calibrated"
    for free in spec.parameters:
        column = pd.Series(posterior.values[free.name])
        assert column.between(free.low, free.high).all(), free.name


def test_degenerate_weights_give_the_accepted_particles_alike_and_the_nearest_point() -> None:
    """One particle with nearly all the weight: the posterior weighs the accepted particles
    alike and the point is the particle nearest the facts; healthy weights are kept and
    the point is their weighted median."""
    values = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 10.0] * 4})
    distances = np.linspace(2.0, 3.0, 20)[::-1]  # the last particle is nearest
    skewed = np.full(20, 1e-6)
    skewed[4] = 1.0
    ess = effective_sample_size(skewed)
    assert ess == pytest.approx(1.0, abs=1e-3) and weights_degenerate(skewed)
    alike = usable_weights(skewed)
    assert np.allclose(alike, 1 / 20)
    assert point_estimate(Posterior(values, alike), distances, ess) == {"a": 10.0}
    healthy = np.linspace(1.0, 2.0, 20)
    assert not weights_degenerate(healthy)
    assert np.allclose(usable_weights(healthy), healthy / healthy.sum())
    posterior = Posterior(values, usable_weights(healthy))
    point = point_estimate(posterior, distances, effective_sample_size(healthy))
    assert point == posterior.median() and point != {"a": 10.0}
