"""Certification tests as pure functions of the firms' accounts (MIIT 2022 Measures).

Each `*_eligible` returns a boolean mask over the population: the firms that
would pass if they applied in `year`, judged on last year's accounts (`*_y1`).
The full test runs only on firms passing a cheap necessary condition.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.params.certification import InnovativeRules, NationalRules, ProvincialRules
from model.simulation.population import Population


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is not positive."""
    out = np.zeros_like(numerator, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def years_in_niche(pop: Population, year: int) -> np.ndarray:
    """Years of operation by the end of the previous year."""
    return pop.age_years(year * 4)


def _on_candidates(
    pop: Population, candidates: np.ndarray, test: Callable[[Population], np.ndarray]
) -> np.ndarray:
    view = pop.rows(np.flatnonzero(candidates & pop.alive))
    return view.expand(test(view), fill=False)


def innovative_eligible(pop: Population, rules: InnovativeRules) -> np.ndarray:
    """Innovative SME: invention patents and a minimum R&D intensity."""
    return _on_candidates(pop, pop.rev_y1 > 0, lambda v: innovative_test(v, rules))


def innovative_test(pop: Population, rules: InnovativeRules) -> np.ndarray:
    """The innovative-SME conditions, on any set of firms."""
    intensity = _ratio(pop.rd_y1, pop.rev_y1)
    return (pop.patents >= rules.min_patents) & (intensity >= rules.min_rd_intensity)


def provincial_eligible(pop: Population, rules: ProvincialRules, year: int) -> np.ndarray:
    """Provincial specialized SME: niche years, R&D level and intensity, size, score."""
    candidates = pop.rd_y1 >= rules.min_rd_myuan
    return _on_candidates(pop, candidates, lambda v: provincial_test(v, rules, year))


def provincial_test(pop: Population, rules: ProvincialRules, year: int) -> np.ndarray:
    """The provincial conditions, on any set of firms."""
    big_enough = (pop.rev_y1 >= rules.min_revenue_myuan) | (
        pop.equity_y1 + pop.equity_y2 >= rules.alt_min_equity_myuan
    )
    return (
        (years_in_niche(pop, year) >= rules.min_years)
        & (pop.rd_y1 >= rules.min_rd_myuan)
        & (_ratio(pop.rd_y1, pop.rev_y1) >= rules.min_rd_intensity)
        & big_enough
        & (pop.capability >= rules.min_capability)
    )


def national_rd_test(pop: Population, rules: NationalRules) -> np.ndarray:
    """The R&D test by revenue tier (>=100M, 50-100M, <50M yuan last year)."""
    both_years = np.minimum(_ratio(pop.rd_y1, pop.rev_y1), _ratio(pop.rd_y2, pop.rev_y2))
    large = pop.rev_y1 >= rules.large_revenue_myuan
    mid = (pop.rev_y1 >= rules.mid_revenue_myuan) & ~large
    small = ~(large | mid)
    small_ok = (pop.equity_y1 + pop.equity_y2 >= rules.small_min_equity_myuan) & (
        pop.rd_y1 + pop.rd_y2 >= rules.small_min_rd_myuan
    )
    return (
        (large & (both_years >= rules.rd_intensity_large))
        | (mid & (both_years >= rules.rd_intensity_mid))
        | (small & small_ok)
    )


def revenue_growth(pop: Population) -> np.ndarray:
    """Average revenue growth over the last two years (-1 where undefined)."""
    g1 = _ratio(pop.rev_y1, pop.rev_y2) - 1.0
    g2 = _ratio(pop.rev_y2, pop.rev_y3) - 1.0
    defined = (pop.rev_y2 > 0) & (pop.rev_y3 > 0)
    return np.where(defined, 0.5 * (g1 + g2), -1.0)


def national_eligible(pop: Population, rules: NationalRules, year: int) -> np.ndarray:
    """National little giant: the MIIT 2022 thresholds, all at once."""
    candidates = (pop.rd_y1 >= rules.rd_institution_min_rd_myuan) & (
        pop.patents >= rules.min_patents
    )
    return _on_candidates(pop, candidates, lambda v: national_test(v, rules, year))


def national_test(pop: Population, rules: NationalRules, year: int) -> np.ndarray:
    """The national conditions, on any set of firms."""
    return (
        (years_in_niche(pop, year) >= rules.min_years)
        & (pop.main_share >= rules.min_main_business_share)
        & (revenue_growth(pop) >= rules.min_growth)
        & (pop.debt_ratio_ye <= rules.max_debt_ratio)
        & (_ratio(pop.rev_y1, pop.niche_market) >= rules.min_niche_share)
        & national_rd_test(pop, rules)
        & (pop.patents >= rules.min_patents)
        & (pop.rd_y1 >= rules.rd_institution_min_rd_myuan)
    )
