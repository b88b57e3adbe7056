"""What the targets could identify at best: the linear-Gaussian reading of the particles
finds the directions no statistic sees and narrows only the parameters the statistics
move."""

from __future__ import annotations

import numpy as np
import pytest
from calibration_helpers import tiny_spec

from model.calibration.information import (
    Information,
    best_interval_ratio,
    flagged_identified,
    history_information,
    information_section,
    linear_information,
    narrower_than_best_case,
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


def test_a_history_with_too_few_particles_gives_nothing() -> None:
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


def _summary(spec, index: int, low: float, high: float, median=None) -> ParameterSummary:
    free = spec.parameters[index]
    middle = (low + high) / 2 if median is None else median
    return ParameterSummary(
        free.name, free.prior, free.low, free.high, middle, low, high, *prior_interval(free)
    )


def test_the_posterior_width_is_read_on_the_prior_scale() -> None:
    """Approval is uniform on [0.25, 0.85]; patent scale log-uniform on [0.06, 0.14]."""
    spec = tiny_spec()
    # Approval's 5-95% spans half of the prior's range: 0.5 of it over the prior's 0.9.
    assert prior_scale_ratio(spec, _summary(spec, 0, 0.4, 0.7)) == pytest.approx(0.5 / 0.9)
    # The lower half of patent scale's range in logarithms: 0.5 / 0.9 on the log scale,
    # though only 0.42 of its width in yuan.
    lower_half = _summary(spec, 1, 0.06, (0.06 * 0.14) ** 0.5)
    assert prior_scale_ratio(spec, lower_half) == pytest.approx(0.5 / 0.9)
    assert lower_half.width_ratio < 0.45 / 0.9


def test_the_best_case_interval_is_a_truncated_normal() -> None:
    # Inside the range: a normal's 90% interval, 3.29 s.d. over the prior's 0.9.
    sd_ratio = 0.3
    inside = best_interval_ratio(sd_ratio, 0.5)
    assert inside == pytest.approx(2 * 1.6449 * sd_ratio / 12**0.5 / 0.9, rel=1e-3)
    # At a bound half the normal is cut away: exact inference is narrower there.
    assert best_interval_ratio(sd_ratio, 0.0) < 0.7 * inside
    # An unseen parameter: the normal standing in for its flat prior is a little narrower
    # than the prior (0.87), so the flag errs towards leniency there.
    assert best_interval_ratio(1.0, 0.5) == pytest.approx(0.87, abs=0.01)


def test_a_posterior_narrower_than_the_best_case_is_flagged() -> None:
    spec = tiny_spec()
    approval, patents = (p.name for p in spec.parameters)
    info = Information([approval, patents], np.array([0.9, 0.3]), 0, ["s"], np.ones(1), 100)
    best_approval = best_interval_ratio(0.9, 0.5)
    narrow = _summary(spec, 0, 0.4, 0.7, median=0.55)  # 0.56, well below 0.8 x 0.86
    assert narrower_than_best_case(spec, [narrow], info) == {
        approval: pytest.approx((0.5 / 0.9, best_approval))
    }
    # A fifth narrower than the best case is within the approximation's margin; three
    # tenths narrower is not.
    centre = 0.55
    for share, flagged in ((0.9, False), (0.7, True)):
        half = share * best_approval * 0.9 * 0.6 / 2  # prior range 0.6, its 90% is 0.9
        summary = _summary(spec, 0, centre - half, centre + half, median=centre)
        assert bool(narrower_than_best_case(spec, [summary], info)) is flagged
    # Patent scale's prior interval itself: as wide as the prior, never flagged.
    wide = _summary(spec, 1, *prior_interval(spec.parameters[1]))
    assert narrower_than_best_case(spec, [wide], info) == {}
    # A parameter the information does not hold is skipped; no information, no flags.
    missing = Information([patents], np.array([0.3]), 0, ["s"], np.ones(1), 100)
    assert narrower_than_best_case(spec, [narrow], missing) == {}
    assert narrower_than_best_case(spec, [narrow], None) == {}
    # Only identified parameters count towards the report's "n of them": `narrow` (0.56
    # of the prior's 90%) is flagged but not identified; a tighter one is both.
    tight = _summary(spec, 0, 0.45, 0.65)
    assert tight.identified and not narrow.identified
    assert (
        flagged_identified([tight, narrow], narrower_than_best_case(spec, [tight, narrow], info))
        == 1
    )
    assert flagged_identified([tight, wide], (patents,)) == 0


def test_the_report_section_says_what_was_flagged_only_when_checked() -> None:
    info = synthetic()
    flagged = "\n".join(information_section(info, {"a": (0.1, 0.3)}))
    assert "1 of 3 posteriors are narrower than the linear best case" in flagged
    assert "`a` (0.10 against 0.30)" in flagged
    assert "No posterior is narrower" in "\n".join(information_section(info, {}))
    unchecked = "\n".join(information_section(info))
    assert "narrower" not in unchecked
