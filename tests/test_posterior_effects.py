"""Posterior samples and effects with parameter uncertainty (compare --posterior).

The decomposition: total variance of a paired difference = seed variance within
draws + parameter variance between draws, within sampling error; exactly
seed + parameter * S (D - 1) / (D S - 1) for D draws of S seeds each.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import load_scenario
from model.comparison.report import (
    POSTERIOR_END,
    POSTERIOR_START,
    README_END,
    README_START,
    replace_block,
)
from model.comparison.uncertainty import (
    compare_over_posterior,
    decompose,
    uncertainty_table,
    with_draw,
)
from model.comparison.uncertainty_report import posterior_readme_section, uncertainty_markdown
from model.errors import ConfigError
from model.evidence.posterior import (
    Posterior,
    posterior_table,
    read_posterior,
    systematic_resample,
    weighted_correlations,
    weighted_quantiles,
)
from model.simulation.runner import replicate_seeds

APPROVAL, PATENTS = "certification.national.approval", "innovation.patent_scale"


def test_decomposition_recovers_known_seed_and_parameter_variance() -> None:
    rng = np.random.default_rng(3)
    draws, seeds = 400, 20
    differences = rng.normal(0, 2.0, (draws, 1)) + rng.normal(0, 1.0, (draws, seeds))
    parts = decompose(differences)
    assert parts["seed_variance"] == pytest.approx(1.0, rel=0.05)
    assert parts["parameter_variance"] == pytest.approx(4.0, rel=0.15)
    exact = parts["seed_variance"] + parts["parameter_variance"] * seeds * (draws - 1) / (
        draws * seeds - 1
    )
    assert parts["total_variance"] == pytest.approx(exact, rel=1e-9)
    assert parts["distinguishable_both"] is False  # a spread of 2 around 0 (mean ~0.1)


def test_an_effect_within_parameter_spread_is_only_distinguishable_from_seed_noise() -> None:
    rng = np.random.default_rng(4)
    draws = 1.0 + rng.normal(0, 1.5, (30, 1))
    parts = decompose(draws + rng.normal(0, 0.1, (30, 10)))
    assert parts["distinguishable_seed"] and not parts["distinguishable_both"]
    assert parts["seed_low"] > 0 > parts["both_low"]


@pytest.fixture(scope="module")
def over_posterior() -> pd.DataFrame:
    """baseline and no_restrictions over 4 draws x 3 seeds, 2019-21 at scale 0.005."""
    draws = [
        {APPROVAL: a, PATENTS: p} for a, p in [(0.4, 0.08), (0.6, 0.1), (0.8, 0.12), (0.9, 0.07)]
    ]
    scenarios = [
        load_scenario(name, scale=0.005, time__end="2021Q4")
        for name in ("baseline", "no_restrictions")
    ]
    seeds = replicate_seeds(11, 3)
    return compare_over_posterior(scenarios, draws, seeds, load_scenario("calibrated"), 2)


def test_every_scenario_runs_every_draw_with_the_same_seeds(over_posterior) -> None:
    runs = over_posterior[["scenario", "draw", "seed", "run_id"]].drop_duplicates()
    assert len(runs) == 2 * 4 * 3
    by_scenario = [g[["draw", "seed", "run_id"]].to_numpy() for _, g in runs.groupby("scenario")]
    assert np.array_equal(by_scenario[0], by_scenario[1])


def test_the_model_effects_decomposition_adds_up(over_posterior) -> None:
    table = uncertainty_table(
        over_posterior, "baseline", "2021Q4", ["national_little_giants", "provincial_specialized"]
    )
    assert len(table) == 2
    draws, seeds = 4, 3
    for row in table.itertuples():
        assert row.total_variance > 0
        factor = seeds * (draws - 1) / (draws * seeds - 1)
        if row.parameter_variance > 0:  # not clipped at zero: the exact identity holds
            expected = row.seed_variance + factor * row.parameter_variance
            assert row.total_variance == pytest.approx(expected, rel=1e-9)
        else:
            assert row.total_variance <= row.seed_variance * 1.0 + 1e-9
    text = uncertainty_markdown(over_posterior, "baseline", ["2021Q4"], ["national_little_giants"])
    assert "4 posterior draws × 3 seeds" in text and "no_restrictions" in text


def test_the_readme_posterior_block_keeps_the_seed_noise_table(over_posterior) -> None:
    """`compare --posterior --readme` writes its own block: the effect on the national
    count with its seed and parameter parts, and the seed-noise table stays as it was."""
    section = posterior_readme_section(over_posterior, "baseline", "2021Q4", "littlegiants x")
    readme = f"{README_START}\nseeds\n{README_END}\n{POSTERIOR_START}\nold\n{POSTERIOR_END}\n"
    text = replace_block(readme, section, posterior=True)
    assert f"{README_START}\nseeds\n{README_END}" in text and "old" not in text
    assert "4 posterior draws × 3 seeds" in text and "parameter s.d." in text
    row = next(line for line in text.splitlines() if line.startswith("| no_restrictions |"))
    table = uncertainty_table(over_posterior, "baseline", "2021Q4", ["national_little_giants"])
    effect = table.effect.iloc[0]
    assert row.split("|")[3].strip() == (
        f"{effect:+,.0f}" if abs(effect) >= 100 else f"{effect:+,.2f}"
    )
    with pytest.raises(ValueError, match="posterior-table"):
        replace_block(f"{README_START}\n{README_END}\n", section, posterior=True)


def test_a_draw_replaces_inherited_values_but_not_a_scenarios_own_choice() -> None:
    calibrated = load_scenario("calibrated")
    own = load_scenario("baseline", certification__national__approval=0.31)
    moved = with_draw(own, {APPROVAL: 0.77, PATENTS: 0.09}, calibrated)
    assert moved.certification.national.approval == 0.31
    assert moved.innovation.patent_scale == 0.09


def test_weighted_quantiles_draws_and_correlations() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert weighted_quantiles(values, np.ones(4), [0.5]) == [2.5]
    # All weight on 3: every quantile is 3.
    assert weighted_quantiles(values, np.array([0, 0, 1.0, 0]), [0.05, 0.95]) == [3.0, 3.0]
    rows = systematic_resample(np.array([0.5, 0.25, 0.25]), 8, np.random.default_rng(1))
    assert np.bincount(rows, minlength=3).tolist() == [4, 2, 2]
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0, 0.0]})
    matrix = weighted_correlations(Posterior(frame, np.full(4, 0.25)))
    assert matrix.loc["a", "b"] == pytest.approx(-1.0)


def test_a_posterior_file_round_trips_and_bad_ones_are_refused(tmp_path: Path) -> None:
    posterior = Posterior(pd.DataFrame({APPROVAL: [0.5, 0.7], PATENTS: [0.1, 0.12]}), np.ones(2))
    path = tmp_path / "post.parquet"
    posterior_table(posterior, np.array([1.0, 2.0])).to_parquet(path)
    again = read_posterior(path)
    assert again.parameters == [APPROVAL, PATENTS]
    assert again.weights.tolist() == [0.5, 0.5]
    assert again.draws(3, seed=2) == again.draws(3, seed=2)
    pd.DataFrame({APPROVAL: [0.5]}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ConfigError, match="'weight' column"):
        read_posterior(tmp_path / "bad.parquet")
    with pytest.raises(ConfigError, match="posterior sample not found"):
        read_posterior(tmp_path / "none.parquet")
