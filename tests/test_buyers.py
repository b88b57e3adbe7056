"""The large buyers hold the demand distribution itself: fields by share, demand and
exposure stratified within each field (model/simulation/agents/buyers.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model import load_scenario
from model.simulation.agents.buyers import (
    LargeFirms,
    apportioned,
    lognormal_cell_means,
    stratified,
)


@pytest.mark.parametrize("total", [0, 1, 7, 484, 10_000])
def test_apportioned_counts_add_up_and_stay_within_one_of_the_exact_share(total: int) -> None:
    shares = np.array([0.14, 0.16, 0.3, 0.05, 0.35])
    counts = apportioned(shares, total)
    assert counts.sum() == total
    assert np.all(np.abs(counts - shares / shares.sum() * total) < 1.0)


def test_stratified_positions_put_one_draw_in_each_nth_of_every_group() -> None:
    group = np.repeat([0, 1, 2], [5, 1, 40])
    position = stratified(np.random.default_rng(4), group)
    for value, n in ((0, 5), (1, 1), (2, 40)):
        cells = np.floor(position[group == value] * n).astype(int)
        assert sorted(cells) == list(range(n))


@pytest.mark.parametrize(("n", "sigma"), [(1, 1.0), (7, 0.0), (40, 1.0), (300, 2.0)])
def test_cell_means_average_to_the_lognormal_mean_and_rise(n: int, sigma: float) -> None:
    means = lognormal_cell_means(n, sigma)
    assert means.mean() == pytest.approx(math.exp(sigma**2 / 2), rel=1e-9)
    assert np.all(np.diff(means) >= -1e-12)  # rising (equal, to rounding, if sigma is 0)
    if n > 1 and sigma > 0:  # the middle cell holds the median
        assert means[n // 2] == pytest.approx(1.0, rel=0.1)


def test_the_buyers_total_demand_is_the_same_for_every_seed() -> None:
    # 500 independent lognormal draws (sigma 1) put the total's coefficient of variation
    # near sqrt((e - 1) / 500) = 5.9%, and the seed s.d. of the 2025 national count did
    # not shrink with scale (~480 at 1:1). Now the total is the distribution's mean.
    params = load_scenario("baseline", scale=1.0)
    lf = params.large_firms
    firms = [LargeFirms(params, np.random.default_rng(seed)) for seed in range(6)]
    expected = len(firms[0]) * lf.demand_median_myuan * math.exp(lf.demand_sigma**2 / 2)
    for buyers in firms:
        assert buyers.potential_demand.sum() == pytest.approx(expected, rel=1e-9)
    assert not np.array_equal(firms[0].potential_demand, firms[1].potential_demand)  # shuffled
    assert np.array_equal(firms[0].sector, firms[1].sector)  # fields by their shares
