"""Stylized facts of firm dynamics: the statistics, their pass rules and a panel recorder.

The statistics are pure functions of arrays: heavy-tailed firm sizes (Hill and
rank-size estimates of the Pareto tail index), fat-tailed growth rates (excess
kurtosis, Laplace against Gaussian likelihood), skewed patent holdings (skewness,
top-decile share, Gini), the elasticity of patents to the R&D stock (Poisson
regression) and the persistence of innovation, computed from the `FirmPanel` that
`model.firm_panel.collect_panel` records during a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.evidence.firm_panel import FirmPanel, collect_panel  # noqa: F401 - used by callers

TAIL_SHARE = 0.05  # largest firms whose sizes estimate the Pareto tail
TOP_SHARE = 0.10  # firms whose share of all patents measures concentration
Z95 = 1.959964  # two-sided 95% normal quantile

# Pass rules of the stylized facts (the report's rule texts are built from these).
HILL_ALPHA_RANGE = (0.8, 2.0)  # Pareto tail index of sizes: Zipf (1) give or take
MIN_EXCESS_KURTOSIS = 1.0  # growth rates clearly fatter-tailed than Gaussian (0)
MIN_TOP_PATENT_SHARE = 0.5  # the top TOP_SHARE of firms hold more than this of patents
MAX_PATENT_ELASTICITY = 1.0  # decreasing returns: the 95% CI must lie below this
MIN_PERSISTENCE_RATIO = 1.5  # P(file | filed) / P(file | not) above this


# Firm sizes -------------------------------------------------------------------------
def hill_tail_index(sizes: np.ndarray, top_share: float = TAIL_SHARE) -> tuple[float, float]:
    """Hill estimate of the Pareto tail index alpha over the largest `top_share` of sizes.

    Returns (alpha, standard error alpha / sqrt(k)); k = number of tail observations.
    """
    x = np.sort(sizes[sizes > 0])[::-1]
    k = max(int(len(x) * top_share), 2)
    alpha = 1.0 / float(np.mean(np.log(x[:k]) - np.log(x[k])))
    return alpha, alpha / math.sqrt(k)


def rank_size_alpha(sizes: np.ndarray, top_share: float = TAIL_SHARE) -> tuple[float, float]:
    """Tail index from the log rank-size slope (Gabaix-Ibragimov rank - 1/2), with its SE.

    OLS of log(rank - 1/2) on log size over the largest `top_share`; alpha = -slope,
    standard error alpha x sqrt(2 / k).
    """
    x = np.sort(sizes[sizes > 0])[::-1]
    k = max(int(len(x) * top_share), 3)
    log_rank = np.log(np.arange(1, k + 1) - 0.5)
    slope = np.polyfit(np.log(x[:k]), log_rank, 1)[0]
    return float(-slope), float(-slope * math.sqrt(2.0 / k))


# Growth rates -----------------------------------------------------------------------
def excess_kurtosis(x: np.ndarray) -> float:
    """Fourth standardized moment minus 3 (0 for a Gaussian, 3 for a Laplace)."""
    centred = x - x.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2 - 3.0)


def laplace_vs_gaussian(x: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood Laplace against Gaussian fit of a sample.

    Returns (mean log-likelihood gain per observation of the Laplace, Vuong z): a
    positive gain with z > 1.96 says the Laplace fits significantly better.
    """
    mu, sigma = x.mean(), x.std()
    centre = np.median(x)
    b = np.mean(np.abs(x - centre))
    gauss = -0.5 * np.log(2 * np.pi * sigma**2) - 0.5 * ((x - mu) / sigma) ** 2
    laplace = -np.log(2 * b) - np.abs(x - centre) / b
    gain = laplace - gauss
    return float(gain.mean()), float(math.sqrt(len(x)) * gain.mean() / gain.std())


# Patents ----------------------------------------------------------------------------
def skewness(x: np.ndarray) -> float:
    """Sample skewness (third standardized moment); 0 for a symmetric distribution."""
    centred = x - x.mean()
    return float(np.mean(centred**3) / np.mean(centred**2) ** 1.5)


def top_share(x: np.ndarray, share: float = TOP_SHARE) -> float:
    """Share of the total held by the largest `share` of holders."""
    k = max(math.ceil(len(x) * share), 1)
    return float(np.sort(x)[::-1][:k].sum() / x.sum())


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative holdings: 0 equal, (n - 1) / n one holder."""
    ordered = np.sort(np.asarray(x, dtype=float))
    n = len(ordered)
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.sum(ranks * ordered) / (n * ordered.sum()) - (n + 1) / n)


def poisson_elasticity(counts: np.ndarray, stock: np.ndarray) -> tuple[float, float]:
    """Poisson regression counts ~ exp(c + beta log stock): (beta, robust standard error).

    Newton iterations on the (concave) log-likelihood; the sandwich standard error
    stays valid when counts are overdispersed (unobserved firm differences).
    """
    y = np.asarray(counts, dtype=float)
    log_stock = np.log(stock)
    design = np.column_stack([np.ones_like(y), log_stock - log_stock.mean()])
    coef = np.array([math.log(max(y.mean(), 1e-12)), 0.0])
    for _ in range(100):
        mu = np.exp(design @ coef)
        hessian = (design * mu[:, None]).T @ design
        step = np.linalg.solve(hessian, design.T @ (y - mu))
        coef += step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = np.exp(design @ coef)
    bread = np.linalg.inv((design * mu[:, None]).T @ design)
    meat = (design * ((y - mu) ** 2)[:, None]).T @ design
    return float(coef[1]), float(math.sqrt((bread @ meat @ bread)[1, 1]))


def innovation_persistence(filed: np.ndarray, present: np.ndarray) -> tuple[float, float]:
    """(P(files in t+1 | filed in t), P(files in t+1 | did not file in t)).

    `filed` and `present` are (years, firms) booleans; a pair of years counts for a
    firm present in both.
    """
    both = present[:-1] & present[1:]
    before, after = filed[:-1][both], filed[1:][both]
    return _share(after[before]), _share(after[~before])


def _share(flags: np.ndarray) -> float:
    """Share of true flags; NaN (without a warning) when there are none to count."""
    return float(flags.mean()) if len(flags) else float("nan")


# Statistics and verdicts ------------------------------------------------------------
def statistics(panel: FirmPanel) -> dict[str, float]:
    """Every stylized-fact statistic of one run's panel, by name."""
    hill, hill_se = hill_tail_index(panel.sizes)
    rank, rank_se = rank_size_alpha(panel.sizes)
    gain, vuong = laplace_vs_gaussian(panel.growth.astype(float))
    # Patent flow of the last complete year against the R&D stock at its start, for
    # firms that operated the whole year with some knowledge.
    sample = panel.present[-1] & (panel.rd_stock_start > 0)
    beta, beta_se = poisson_elasticity(panel.filed[-1][sample], panel.rd_stock_start[sample])
    p_after_filing, p_after_none = innovation_persistence(panel.filed > 0, panel.present)
    return {
        "hill_alpha": hill,
        "hill_alpha_se": hill_se,
        "hill_alpha_top1": hill_tail_index(panel.sizes, 0.01)[0],  # does the tail bend?
        "rank_size_alpha": rank,
        "rank_size_alpha_se": rank_se,
        "growth_excess_kurtosis": excess_kurtosis(panel.growth.astype(float)),
        "laplace_loglik_gain": gain,
        "laplace_vuong_z": vuong,
        "patents_skewness": skewness(panel.patents),
        "patents_top10_share": top_share(panel.patents),
        "patents_gini": gini(panel.patents),
        "patent_rd_elasticity": beta,
        "patent_rd_elasticity_se": beta_se,
        "p_file_after_filing": p_after_filing,
        "p_file_after_none": p_after_none,
        "persistence_ratio": p_after_filing / p_after_none if p_after_none > 0 else math.inf,
        "firms": float(len(panel.sizes)),
        "growth_observations": float(len(panel.growth)),
    }


@dataclass(frozen=True)
class StylizedFact:
    """One stylized fact: its headline statistic, the pass rule and a reading."""

    name: str
    statistic: str
    value: float
    detail: str
    rule: str
    passed: bool
    reading: str


def stylized_facts(stats: dict[str, float]) -> list[StylizedFact]:
    """The five facts with their pass rules, from `statistics()`."""
    s = stats
    upper = s["patent_rd_elasticity"] + Z95 * s["patent_rd_elasticity_se"]
    laplace_wins = s["laplace_loglik_gain"] > 0 and s["laplace_vuong_z"] > Z95
    low_alpha, high_alpha = HILL_ALPHA_RANGE
    return [
        StylizedFact(
            "Heavy-tailed firm sizes",
            f"Hill tail index α of annual revenue, top {TAIL_SHARE:.0%}",
            s["hill_alpha"],
            f"± {s['hill_alpha_se']:.3f}; rank-size α {s['rank_size_alpha']:.2f}; "
            f"Hill α top 1% {s['hill_alpha_top1']:.2f}",
            f"{low_alpha:g} ≤ α ≤ {high_alpha:g}",
            low_alpha <= s["hill_alpha"] <= high_alpha,
            "Zipf's law is α ≈ 1; α rising towards the top 1% means a lognormal-like bend.",
        ),
        StylizedFact(
            "Fat-tailed growth rates",
            "Excess kurtosis of quarterly log revenue growth",
            s["growth_excess_kurtosis"],
            f"Laplace log-lik gain {s['laplace_loglik_gain']:+.3f}/obs, "
            f"Vuong z {s['laplace_vuong_z']:.1f}",
            f"kurtosis > {MIN_EXCESS_KURTOSIS:g} and Laplace beats Gaussian (z > {Z95:.2f})",
            s["growth_excess_kurtosis"] > MIN_EXCESS_KURTOSIS and laplace_wins,
            "Growth rates are tent-shaped (Laplace, kurtosis 3) rather than Gaussian (0).",
        ),
        StylizedFact(
            "Skewed patent holdings",
            f"Share of patents held by the top {TOP_SHARE:.0%} of firms",
            s["patents_top10_share"],
            f"skewness {s['patents_skewness']:.1f}, Gini {s['patents_gini']:.2f}",
            f"top {TOP_SHARE:.0%} hold > {MIN_TOP_PATENT_SHARE:.0%}",
            s["patents_top10_share"] > MIN_TOP_PATENT_SHARE,
            "A few firms own most invention patents; most own none or a few.",
        ),
        StylizedFact(
            "Patent elasticity to R&D below one",
            "Poisson elasticity of patents filed to the R&D stock",
            s["patent_rd_elasticity"],
            f"± {s['patent_rd_elasticity_se']:.3f} (robust SE); 95% upper {upper:.3f}",
            f"0 < β and 95% CI below {MAX_PATENT_ELASTICITY:g}",
            s["patent_rd_elasticity"] > 0 and upper < MAX_PATENT_ELASTICITY,
            "Decreasing returns: doubling knowledge less than doubles patenting.",
        ),
        StylizedFact(
            "Persistent innovation",
            "P(file in t+1 | filed in t) / P(file in t+1 | not)",
            s["persistence_ratio"],
            f"{s['p_file_after_filing']:.2f} vs {s['p_file_after_none']:.2f}",
            f"ratio > {MIN_PERSISTENCE_RATIO:g}",
            s["persistence_ratio"] > MIN_PERSISTENCE_RATIO,
            "Firms that patent this year are much likelier to patent next year.",
        ),
    ]
