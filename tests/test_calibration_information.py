"""What the targets could identify at best: the linear-Gaussian reading of the particles
finds the directions no statistic sees and narrows only the parameters the statistics
move."""

from __future__ import annotations

import numpy as np
import pytest
from calibration_helpers import tiny_spec

from model.calibration.information import (
    Information,
    history_information,
    information_section,
    linear_information,
    narrower_than_information,
    prior_scale_ratio,
)
from model.calibration.summary import ParameterSummary, prior_interval


def synthetic(n: int = 600, noise: float = 0.2):
    """Three parameters on [0, 1]; the first two move the statistics, the third none; a
    fourth statistic is pure noise."""
    rng = np.random.default_rng(3)
    theta = rng.uniform(size=(n, 3))
    eps = rng.normal(0.0, noise, size=(n, 3))
    stats = np.column_stack(
        [5 * theta[:, 0] + eps[:, 0], 5 * (theta[:, 0] + theta[:, 1]) + eps[:, 1], eps[:, 2]]
    )
    return linear_information(theta, stats, ["a", "b", "c"], ["s1", "s2", "noise"])


def test_the_unseen_parameter_keeps_its_prior_width_and_the_seen_ones_narrow() -> None:
    info = synthetic()
    assert info.zero_directions == 1
    assert list(info.kept) == [True, True, False]  # the noise statistic is left out
    a, b, c = info.width_ratios
    # Exact: s.d. 0.2 on 5 a gives a posterior s.d. of 0.04 against the prior's 0.289.
    assert a == pytest.approx(0.04 / 12**-0.5, rel=0.25) and b < 0.5
    assert c == pytest.approx(1.0, abs=1e-3)


def test_more_noise_means_wider_posteriors() -> None:
    assert np.all(synthetic(noise=1.0).width_ratios[:2] > synthetic().width_ratios[:2])


def test_the_report_section_names_what_could_be_identified() -> None:
    text = "\n".join(information_section(synthetic()))
    assert "1 of 3 directions are seen by no target" in text
    assert "would identify 2 of 3" in text and "`noise`" in text
    assert information_section(None) == []


def test_a_history_with_too_few_particles_gives_nothing(tmp_path) -> None:
    class Tiny:
        max_t = -1

    assert history_information(Tiny(), tiny_spec()) is None


def test_statistics_no_parameter_moves_leave_every_prior_as_it_was() -> None:
    rng = np.random.default_rng(5)
    info = linear_information(
        rng.uniform(size=(1000, 2)), rng.normal(size=(1000, 2)), ["a", "b"], ["x", "y"]
    )
    assert not info.kept.any() and info.zero_directions == 2
    assert np.allclose(info.width_ratios, 1.0)


def _summary(spec, index: int, low: float, high: float) -> ParameterSummary:
    free = spec.parameters[index]
    return ParameterSummary(
        free.name,
        free.prior,
        free.low,
        free.high,
        (low + high) / 2,
        low,
        high,
        *prior_interval(free),
    )


def test_a_posterior_narrower_than_the_information_allows_is_flagged() -> None:
    """The tiny spec's approval is uniform on [0.25, 0.85], patent scale log-uniform."""
    spec = tiny_spec()
    approval, patents = (p.name for p in spec.parameters)
    info = Information([approval, patents], np.array([0.9, 0.3]), 0, ["s"], np.ones(1), 100)
    # Approval's 5-95% spans 0.3 of the prior's 0.6 width: half its 90%, so ratio 0.5/0.9.
    narrow = _summary(spec, 0, 0.4, 0.7)
    assert prior_scale_ratio(spec, narrow) == pytest.approx(0.5 / 0.9)
    # Patent scale's 90% on the log scale, the best case's own: the prior's own interval.
    wide = _summary(spec, 1, *prior_interval(spec.parameters[1]))
    assert prior_scale_ratio(spec, wide) == pytest.approx(1.0)
    flagged = narrower_than_information(spec, [narrow, wide], info)
    assert list(flagged) == [approval]  # 0.56 < 0.8 x 0.9; 1.0 is not below 0.8 x 0.3
    assert flagged[approval] == pytest.approx((0.5 / 0.9, 0.9))
    text = "\n".join(information_section(info, flagged))
    assert "1 of 2 posteriors are narrower than the targets' information allows" in text
    assert "No posterior is narrower" in "\n".join(information_section(info, {}))
    assert narrower_than_information(spec, [narrow, wide], None) == {}
