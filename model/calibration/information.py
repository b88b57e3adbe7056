"""How much the targets could identify at best: a linear-Gaussian reading of the
calibration's own simulations.

Every accepted particle of every generation is a simulation: its parameters, each on its
prior's own scale (the prior's CDF: linear for a uniform prior, log for a log-uniform one;
the posterior table's width ratios are linear for both), and its statistics (each target's
miss in tolerance units). A linear regression of the statistics on the parameters gives
the Jacobian J and the residual covariance R (seed noise and whatever the line misses).
The information the targets carry is F = J' R^-1 J; a uniform prior adds a precision of
12 per parameter (its variance is 1/12 of its width squared). The approximate posterior
covariance is (F + 12 I)^-1, and its standard deviation against the prior's (1/sqrt(12))
is the best-case width ratio: roughly what an inference using every simulation
efficiently would reach if the model were linear around the particles. It is an
approximation, not a bound: a line fitted across the particles can understate slopes
where the response is steep, and it treats the flat prior as normal. Statistics the
parameters barely move (R^2 below MIN_R2, such as bounds every particle meets) are left
out. Zero eigenvalues of F are directions no target constrains.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np
import pyabc
from scipy.stats import truncnorm

from model.calibration.problem import prior_variable
from model.calibration.spec import CalibrationSpec
from model.calibration.summary import IDENTIFIED_RATIO, INTERVAL, ParameterSummary
from model.reports.report import markdown_table

MIN_R2 = 0.1
PRIOR_PRECISION = 12.0
ZERO = 1e-6  # an eigenvalue below this share of the largest is a direction no target sees
# A posterior interval narrower than this share of the linear best case is suspect: the
# likely cause is the sampler's concentration (a proposal fitted to the few particles
# that carried degenerate weights). The best case is an approximation, not a bound (a
# global line can understate local slopes), hence the margin.
SAMPLER_NARROWING = 0.8


@dataclass(frozen=True)
class Information:
    """Best-case width ratios per parameter and the directions no target constrains."""

    parameters: list[str]
    width_ratios: np.ndarray
    zero_directions: int
    statistics: list[str]
    r2: np.ndarray
    particles: int

    @property
    def kept(self) -> np.ndarray:
        return self.r2 > MIN_R2


def linear_information(
    scaled: np.ndarray, stats: np.ndarray, parameters: list[str], statistics: list[str]
) -> Information:
    """The information of `stats` (particles x statistics) about `scaled` (particles x
    parameters, each on its prior's width from 0 to 1)."""
    design = np.column_stack([np.ones(len(scaled)), scaled])
    coef, *_ = np.linalg.lstsq(design, stats, rcond=None)
    residuals = stats - design @ coef
    spread = stats.var(0)
    r2 = np.where(spread > 0, 1 - residuals.var(0) / np.where(spread > 0, spread, 1), 0.0)
    kept = r2 > MIN_R2
    jacobian = coef[1:].T[kept]
    information = np.zeros((scaled.shape[1],) * 2)
    if kept.any():
        information = jacobian.T @ _pseudo_inverse(np.cov(residuals[:, kept].T)) @ jacobian
    eigen, vectors = np.linalg.eigh((information + information.T) / 2)
    eigen = np.clip(eigen, 0.0, None)  # rounding may leave a zero direction slightly negative
    zero = int(np.sum(eigen <= ZERO * max(eigen.max(), ZERO)))
    covariance = (vectors / (eigen + PRIOR_PRECISION)) @ vectors.T
    ratios = np.sqrt(np.diag(covariance) * PRIOR_PRECISION)
    return Information(parameters, ratios, zero, statistics, r2, len(scaled))


def _pseudo_inverse(covariance: np.ndarray) -> np.ndarray:
    """The inverse of a residual covariance on the directions it has (statistics that move
    together, such as misses clipped at the same bound, leave it singular)."""
    eigen, vectors = np.linalg.eigh(np.atleast_2d(covariance))
    has = eigen > ZERO * max(eigen.max(), 0.0)
    return (vectors[:, has] / eigen[has]) @ vectors[:, has].T


def history_information(history: pyabc.History, spec: CalibrationSpec) -> Information | None:
    """`linear_information` over every accepted particle of the history (None when there
    are too few particles for the regression)."""
    names = [p.name for p in spec.parameters]
    values, sums = [], []
    for t in range(history.max_t + 1):
        frame, _ = history.get_distribution(m=0, t=t)
        values += frame[names].to_numpy().tolist()
        sums += history.get_weighted_sum_stats(t=t)[1]
    if len(values) < 2 * (len(names) + 1):
        return None
    keys = list(sums[0])
    stats = np.array([[s[k] for k in keys] for s in sums], float)
    values = np.array(values, float)
    scaled = np.column_stack(
        [prior_variable(p).distribution.cdf(values[:, j]) for j, p in enumerate(spec.parameters)]
    )
    return linear_information(scaled, stats, names, keys)


def prior_scale_ratio(spec: CalibrationSpec, summary: ParameterSummary) -> float:
    """A posterior 90% interval's width on its prior's own scale (the prior's CDF, as the
    best case is read), over the prior's 90% interval."""
    cdf = _prior_cdf(spec, summary.name)
    width = float(cdf(summary.posterior_high) - cdf(summary.posterior_low))
    return width / (INTERVAL[1] - INTERVAL[0])


def best_interval_ratio(sd_ratio: float, centre: float) -> float:
    """The best case's 90% interval over the prior's, both on the prior's CDF scale: a
    normal posterior with s.d. `sd_ratio` / sqrt(12) (the best-case ratio is one of
    standard deviations) around `centre`, truncated to the prior's range [0, 1] (near a
    bound the truncation narrows it)."""
    sd = max(sd_ratio / PRIOR_PRECISION**0.5, 1e-12)
    posterior = truncnorm((0.0 - centre) / sd, (1.0 - centre) / sd, loc=centre, scale=sd)
    width = float(posterior.ppf(INTERVAL[1]) - posterior.ppf(INTERVAL[0]))
    return width / (INTERVAL[1] - INTERVAL[0])


def narrower_than_best_case(
    spec: CalibrationSpec, summaries: list[ParameterSummary], info: Information | None
) -> dict[str, tuple[float, float]]:
    """Parameters whose posterior 90% interval is narrower than SAMPLER_NARROWING times the
    best case's (`best_interval_ratio` at the posterior median): name -> (posterior
    ratio, best-case ratio), both interval widths on the prior's scale."""
    if info is None:
        return {}
    best_sd = dict(zip(info.parameters, info.width_ratios, strict=True))
    flagged = {}
    for summary in summaries:
        if summary.name not in best_sd:
            continue
        centre = float(_prior_cdf(spec, summary.name)(summary.median))
        best = best_interval_ratio(float(best_sd[summary.name]), centre)
        ratio = prior_scale_ratio(spec, summary)
        if ratio < SAMPLER_NARROWING * best:
            flagged[summary.name] = (ratio, best)
    return flagged


def flagged_identified(summaries: Sequence[ParameterSummary], flagged: Container[str]) -> int:
    """How many identified parameters are also narrower than the linear best case
    (`flagged`: their names, e.g. `narrower_than_best_case`'s keys)."""
    return sum(s.identified and s.name in flagged for s in summaries)


def _prior_cdf(spec: CalibrationSpec, name: str):
    free = next(p for p in spec.parameters if p.name == name)
    return prior_variable(free).distribution.cdf


def information_section(
    info: Information | None, too_narrow: dict[str, tuple[float, float]] | None = None
) -> list[str]:
    """What the targets could identify at best (model/calibration/information.py), and
    the posteriors narrower than that (`narrower_than_best_case`)."""
    if info is None:
        return []
    best = sum(r < IDENTIFIED_RATIO for r in info.width_ratios)
    rows = sorted(zip(info.parameters, info.width_ratios, strict=True), key=lambda x: x[1])
    left_out = [s for s, kept in zip(info.statistics, info.kept, strict=True) if not kept]
    return [
        "### What the targets could identify at best",
        "",
        f"A linear regression of the statistics on the parameters over the "
        f"{info.particles} accepted particles of every generation reads the information "
        f"the targets carry: {info.zero_directions} of {len(info.parameters)} directions "
        f"are seen by no target, and an inference using every simulation on a model "
        f"linear around the particles would identify {best} of {len(info.parameters)} "
        "parameters (best-case width ratio below, on each prior's own scale: log for a "
        "log-uniform prior; method in "
        "model/calibration/information.py). Left out, as the parameters barely move them: "
        + (", ".join(f"`{s}`" for s in left_out) if left_out else "none")
        + ".",
        "",
        markdown_table(
            ["parameter", "best-case width ratio", ""],
            [[n, f"{r:.2f}", "identifiable" if r < IDENTIFIED_RATIO else ""] for n, r in rows],
        ),
        "",
        *_too_narrow_lines(too_narrow, len(info.parameters)),
    ]


def _too_narrow_lines(too_narrow: dict[str, tuple[float, float]] | None, count: int) -> list[str]:
    if too_narrow is None:
        return []  # not checked
    if not too_narrow:
        return [
            f"No posterior is narrower than {SAMPLER_NARROWING:g} times its best case.",
            "",
        ]
    listed = ", ".join(
        f"`{name}` ({ratio:.2f} against {best:.2f})" for name, (ratio, best) in too_narrow.items()
    )
    return [
        f"**{len(too_narrow)} of {count} posteriors are narrower than the linear best case** "
        f"(90% interval on the prior's scale below {SAMPLER_NARROWING:g} times the best "
        f"case's at the posterior median): {listed}. The likely cause is the sampler's "
        "proposal concentrating where the weights were degenerate, not the data; treat "
        "these intervals with suspicion.",
        "",
    ]
