"""The compiled kernels' samplers and the reporters' census agree with their definitions."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from model.simulation.census import EXPOSED, take_census
from model.simulation.compiled import numpy_choice, numpy_sum, poisson_by_inversion
from model.simulation.population import DEAD, INNOVATIVE, NATIONAL, PROVINCIAL


@numba.njit
def _poisson_draws(rng, rate, count):
    out = np.empty(count, dtype=np.int64)
    for i in range(count):
        out[i] = poisson_by_inversion(rng, rate, np.exp(-rate))
    return out


@pytest.mark.parametrize("rate", [0.05, 0.9, 4.0, 45.0])
def test_patent_counts_follow_the_poisson_distribution(rate):
    draws = _poisson_draws(np.random.default_rng(3), rate, 200_000)
    se = np.sqrt(rate / len(draws))
    assert draws.mean() == pytest.approx(rate, abs=4 * se)
    assert draws.var() == pytest.approx(rate, rel=0.03)
    assert (draws == 0).mean() == pytest.approx(np.exp(-rate), abs=0.004)


def test_poisson_draws_repeat_with_the_seed_and_advance_the_generator():
    rng = np.random.default_rng(9)
    first = _poisson_draws(rng, 0.7, 1000)
    assert not np.array_equal(first, _poisson_draws(rng, 0.7, 1000))  # the state moved on
    np.testing.assert_array_equal(first, _poisson_draws(np.random.default_rng(9), 0.7, 1000))


@pytest.mark.parametrize("size", [1, 7, 8, 9, 127, 128, 129, 1000, 8193, 50_001])
def test_the_compiled_sum_is_numpys_to_the_last_bit(size):
    values = np.random.default_rng(size).lognormal(0.0, 3.0, size)
    assert numpy_sum(values) == np.sum(values)


@pytest.mark.parametrize("size", [1, 3, 40, 700])
def test_the_compiled_choice_draws_what_numpys_draws(size):
    seeds = np.random.default_rng(size)
    for _ in range(50):
        candidates = np.sort(seeds.choice(10**6, size, replace=False))
        weight = np.round(seeds.random(size), 1) + 0.05  # with ties
        count = int(seeds.integers(1, size + 1))
        ours, numpys = np.random.default_rng(size), np.random.default_rng(size)
        expected = numpys.choice(candidates, count, replace=False, p=weight / weight.sum())
        np.testing.assert_array_equal(numpy_choice(ours, candidates, weight, count), expected)
        assert ours.random() == numpys.random()  # the same draws were taken


def test_the_census_counts_what_the_population_holds(make_economy):
    economy = make_economy(scale=0.01, scenario="baseline")
    for _ in range(14):
        economy.step()
    pop, census = economy.population, take_census(economy)
    alive = pop.status != DEAD
    assert census.alive == alive.sum()
    assert census.innovative_or_above == (pop.status >= INNOVATIVE).sum()
    assert census.constrained == (pop.constrained & alive).sum()
    assert census.with_loans == ((pop.bank_debt + pop.ip_debt > 0) & alive).sum()
    exposed = alive & (pop.exposure >= EXPOSED)
    assert census.exposed_tech_access_sum == pytest.approx(pop.tech_access[exposed].sum())
    np.testing.assert_array_equal(census.national_rows, np.flatnonzero(pop.status == NATIONAL))
    sectors = len(economy.params.population.sectors)
    by_sector = np.bincount(pop.sector, weights=pop.patents_new, minlength=sectors)
    np.testing.assert_array_equal(census.patents_filed_by_sector, by_sector)
    provinces = len(economy.params.population.provinces)
    listed = np.bincount(pop.province[pop.status >= PROVINCIAL], minlength=provinces)
    np.testing.assert_array_equal(census.provincial_by_province, listed)
    assert census.national_by_province.sum() == len(census.national_rows) > 0
