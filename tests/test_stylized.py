"""Stylized-fact statistics recover known answers on synthetic data; a small run yields them all."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from model import Economy, load_scenario
from model.evidence.stylized import (
    FirmPanel,
    collect_panel,
    excess_kurtosis,
    gini,
    hill_tail_index,
    innovation_persistence,
    laplace_vs_gaussian,
    poisson_elasticity,
    rank_size_alpha,
    skewness,
    statistics,
    stylized_facts,
    top_share,
)
from model.simulation.runner import simulate, tidy

SEED = 20240601


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def test_hill_and_rank_size_recover_a_known_pareto_tail_index(rng):
    alpha = 1.5
    sizes = rng.pareto(alpha, 200_000) + 1.0  # classical Pareto, minimum 1, tail index 1.5
    hill, hill_se = hill_tail_index(sizes)
    rank, rank_se = rank_size_alpha(sizes)
    assert abs(hill - alpha) < 3 * hill_se and hill_se < 0.03
    assert abs(rank - alpha) < 3 * rank_se and rank_se < 0.03


def test_zipf_sizes_have_tail_index_one(rng):
    hill, _ = hill_tail_index(rng.pareto(1.0, 100_000) + 1.0)
    assert 0.9 < hill < 1.1


def test_laplace_growth_is_fat_tailed_and_beats_the_gaussian(rng):
    kurtosis = excess_kurtosis(rng.laplace(0.0, 0.1, 100_000))
    gain, z = laplace_vs_gaussian(rng.laplace(0.0, 0.1, 100_000))
    assert 2.5 < kurtosis < 3.5  # a Laplace has excess kurtosis 3
    assert gain > 0 and z > 1.96


def test_gaussian_growth_is_thin_tailed_and_beats_the_laplace(rng):
    growth = rng.normal(0.0, 0.1, 100_000)
    gain, z = laplace_vs_gaussian(growth)
    assert abs(excess_kurtosis(growth)) < 0.1
    assert gain < 0 and z < -1.96


def test_poisson_elasticity_recovers_a_known_exponent_below_one(rng):
    stock = np.exp(rng.uniform(0.0, 6.0, 50_000))
    patents = rng.poisson(0.3 * stock**0.6)  # Poisson(a K^0.6)
    beta, se = poisson_elasticity(patents, stock)
    assert abs(beta - 0.6) < 3 * se and se < 0.01


def test_poisson_elasticity_of_one_is_not_below_one(rng):
    stock = np.exp(rng.uniform(0.0, 4.0, 20_000))
    beta, se = poisson_elasticity(rng.poisson(0.1 * stock), stock)
    assert beta + 1.96 * se > 1.0 > beta - 1.96 * se


def markov_panel(rng, firms: int, years: int, p_stay: float, p_start: float) -> np.ndarray:
    """(years, firms) filing indicators: file next year with p_stay after filing, else p_start."""
    filed = np.zeros((years, firms), dtype=bool)
    filed[0] = rng.random(firms) < p_start / (1 - p_stay + p_start)  # stationary share
    for t in range(1, years):
        p = np.where(filed[t - 1], p_stay, p_start)
        filed[t] = rng.random(firms) < p
    return filed


def test_persistence_of_a_persistent_panel_recovers_its_transition_probabilities(rng):
    filed = markov_panel(rng, 20_000, 6, p_stay=0.8, p_start=0.1)
    after_filing, after_none = innovation_persistence(filed, np.ones_like(filed))
    assert abs(after_filing - 0.8) < 0.015 and abs(after_none - 0.1) < 0.01
    assert after_filing / after_none > 1.5


def test_persistence_of_an_independent_panel_is_one(rng):
    filed = markov_panel(rng, 20_000, 6, p_stay=0.3, p_start=0.3)
    after_filing, after_none = innovation_persistence(filed, np.ones_like(filed))
    assert abs(after_filing / after_none - 1.0) < 0.1


def test_persistence_only_counts_years_a_firm_was_present():
    filed = np.array([[True, False], [True, True]])  # (years, firms)
    present = np.array([[True, False], [True, True]])  # firm 1 absent in year 0
    after_filing, after_none = innovation_persistence(filed, present)
    assert after_filing == 1.0 and math.isnan(after_none)


def test_concentration_measures_have_their_textbook_values(rng):
    equal, single = np.full(100, 3.0), np.r_[np.zeros(99), 5.0]
    assert gini(equal) == pytest.approx(0.0, abs=1e-12)
    assert gini(single) == pytest.approx(0.99)
    assert top_share(single) == 1.0 and top_share(equal) == pytest.approx(0.1)
    assert abs(skewness(rng.normal(size=100_000))) < 0.05
    assert skewness(rng.exponential(size=100_000)) == pytest.approx(2.0, abs=0.1)


PASSING = {
    "hill_alpha": 1.1,
    "hill_alpha_se": 0.01,
    "hill_alpha_top1": 1.1,
    "rank_size_alpha": 1.1,
    "rank_size_alpha_se": 0.01,
    "growth_excess_kurtosis": 3.0,
    "laplace_loglik_gain": 0.05,
    "laplace_vuong_z": 10.0,
    "patents_skewness": 8.0,
    "patents_top10_share": 0.7,
    "patents_gini": 0.8,
    "patent_rd_elasticity": 0.6,
    "patent_rd_elasticity_se": 0.01,
    "p_file_after_filing": 0.6,
    "p_file_after_none": 0.2,
    "persistence_ratio": 3.0,
    "firms": 1000.0,
    "growth_observations": 8000.0,
}


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({"hill_alpha": 3.0}, "Heavy-tailed firm sizes"),
        ({"growth_excess_kurtosis": 0.2}, "Fat-tailed growth rates"),
        ({"laplace_vuong_z": 1.0}, "Fat-tailed growth rates"),
        ({"patents_top10_share": 0.4}, "Skewed patent holdings"),
        ({"patent_rd_elasticity": 0.95, "patent_rd_elasticity_se": 0.04}, "Patent elasticity"),
        ({"persistence_ratio": 1.2}, "Persistent innovation"),
    ],
)
def test_each_pass_rule_fails_only_its_own_fact(change, failing):
    passing = stylized_facts(PASSING)
    assert len(passing) == 5 and all(f.passed for f in passing)
    (failed,) = [f.name for f in stylized_facts({**PASSING, **change}) if not f.passed]
    assert failed.startswith(failing)


@pytest.fixture(scope="module")
def small_run() -> tuple[Economy, FirmPanel]:
    """A baseline economy at scale 0.01 stepped to its end while recording the panel."""
    model = Economy(load_scenario("baseline", scale=0.01), seed=11)
    return model, collect_panel(model)


def test_a_small_run_gives_every_statistic_as_a_finite_number(small_run):
    _, panel = small_run
    stats = statistics(panel)
    assert all(math.isfinite(value) for value in stats.values()), stats
    assert len(stylized_facts(stats)) == 5


def test_recording_the_panel_leaves_the_run_unchanged(small_run):
    model, _ = small_run
    pd.testing.assert_frame_equal(tidy(model), simulate(model.params, seed=11))


def test_panel_patent_flows_add_up_to_the_reported_filings(small_run):
    model, panel = small_run
    results = tidy(model)
    filings = results[results["variable"] == "invention_patents_filed"]
    per_year = filings.groupby("year")["value"].sum() * model.params.scale
    assert panel.years == tuple(range(2019, 2026))
    assert np.allclose(panel.filed.sum(axis=1), per_year.loc[list(panel.years)].to_numpy())
    assert (panel.sizes > 0).all() and len(panel.growth) > len(panel.sizes)
