"""Calibration outputs: the calibrated scenario file and the report (generations, priors
and posteriors, identification, correlations, the posterior predictive check)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.calibration.information import Information, flagged_identified, information_section
from model.calibration.polish import polish_section
from model.calibration.problem import prior_variable
from model.calibration.refine import MEDIANS, refine_plan
from model.calibration.smc import Generation
from model.calibration.spec import CalibrationSpec
from model.calibration.summary import (
    IDENTIFIED_RATIO,
    STRONG_CORRELATION,
    ParameterSummary,
    degenerate,
    point_kind,
    strong_pairs,
)
from model.evidence.observed import fit_table
from model.evidence.posterior import Posterior, weighted_correlations
from model.io import write_text
from model.reports import charts
from model.reports.report import fit_markdown, markdown_table


@dataclass(frozen=True)
class RunFacts:
    """What the header of the scenario file and the report say about the run."""

    command: str
    generations: Sequence[Generation]
    evaluations: int
    seconds_per_evaluation: float | None  # one particle (all its seeds), one core
    wall_minutes: float  # wall time of the generations, over every invocation


def scenario_toml(spec: CalibrationSpec, point: dict[str, float], facts: RunFacts) -> str:
    """A scenario file holding the calibrated point and the fixed values as nested tables."""
    tables: dict[str, dict[str, float]] = {}
    for name, value in {**spec.fixed, **point}.items():
        section, _, key = name.rpartition(".")
        tables.setdefault(section, {})[key] = value
    last = facts.generations[-1]
    kind = point_kind(last.effective_sample_size, spec.population_size, refine_plan(spec))
    if spec.polish_polls:
        kind += f", polished by a compass search of {spec.polish_polls} polls"
    lines = [
        "# Calibrated behavioural parameters; generated, do not edit by hand.",
        f"# Command: {facts.command}",
        f"# ABC-SMC (pyabc): last generation {last.t} ({len(facts.generations)} in all), epsilon "
        f"{last.epsilon:.4g} (tolerance units, adaptive scale), {facts.evaluations} evaluations,",
        f"# scale {spec.scale}, {spec.seeds} seeds per particle (base seed {spec.base_seed}). "
        f"Values: {kind};",
        f"# the posterior sample is {Path(spec.posterior_output).name}. "
        "baseline.toml extends this file.",
        *_fixed_comment(spec),
        'name = "calibrated"',
        'description = "Behavioural parameters fitted to the observed 2021-25 facts."',
    ]
    for section, values in sorted(tables.items()):
        lines += ["", f"[{section}]"] if section else [""]
        lines += [f"{key} = {_literal(value)}" for key, value in sorted(values.items())]
    return "\n".join(lines) + "\n"


def _point_sentence(spec: CalibrationSpec, facts: RunFacts) -> str:
    ess, count = facts.generations[-1].effective_sample_size, spec.population_size
    best_of = (
        f"the one missing the fewest required facts, then with the lowest loss, over "
        f"{spec.refine_seeds} fresh seeds at scale {spec.check_scale} of the "
        f"{spec.refine_candidates} accepted particles nearest the facts"
    )
    polished = (
        f", polished by a compass search of {spec.polish_polls} polls (below)"
        if spec.polish_polls
        else ""
    )
    if degenerate(ess, count):
        held = best_of if refine_plan(spec) else "the accepted particle nearest the facts"
        return (
            f"The last generation's importance weights were degenerate (ESS {ess:.1f} of "
            f"{count} particles), so the posterior takes its accepted particles alike "
            "(each within epsilon of the facts), without the importance correction, and "
            f"`calibrated.toml` holds {held}{polished} (table below: one common seed "
            "flatters some particles). Particles taken alike keep the proposal's "
            "concentration, so the intervals below understate the uncertainty; more "
            "particles, a wider proposal (`proposal_scaling`) or fewer free parameters "
            "keep the weights usable longer."
        )
    if not refine_plan(spec):
        return (
            f"`calibrated.toml` holds the weighted posterior medians{polished} (ESS {ess:.0f} "
            f"of {count})."
        )
    return (
        f"`calibrated.toml` holds {best_of} and the weighted posterior medians{polished} (ESS "
        f"{ess:.0f} of {count}; table below: medians taken parameter by parameter need not "
        "fit when parameters are correlated, and one common seed flatters some particles)."
    )


def refine_section(refined: pd.DataFrame | None) -> list[str]:
    """The refinement's candidates as report lines (none if it did not run)."""
    if refined is None:
        return []
    rows = [
        [
            "posterior medians" if r.particle == MEDIANS else str(int(r.particle)),
            "–" if r.particle == MEDIANS else f"{r.abc_distance:.3g}",
            str(int(r.required_missed)),
            f"{r.refined_loss:.3g}",
            "✓" * r.chosen,
        ]
        for r in refined.itertuples()
    ]
    return [
        "Candidates for the calibrated point, nearest first (the one missing the fewest "
        "required facts is kept, then the lowest loss; loss: weighted sum of squared "
        "misses in tolerance units, mean over the fresh seeds):",
        "",
        markdown_table(
            ["particle", "ABC distance", "required facts missed", "loss, fresh seeds", "chosen"],
            rows,
        ),
        "",
    ]


def _fixed_comment(spec: CalibrationSpec) -> list[str]:
    if not spec.fixed:
        return []
    names = ", ".join(_short(name) for name in sorted(spec.fixed))
    return [f"# Fixed in the spec, not estimated: {names}."]


def _cost(facts: RunFacts) -> str:
    wall = 60 * facts.wall_minutes / max(facts.evaluations, 1)
    text = f"{wall:.1f} s of wall time per evaluation"
    if facts.seconds_per_evaluation is not None:
        text += f" ({facts.seconds_per_evaluation:.2f} s on one worker)"
    return text


def _literal(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) > 1 else f"{value:.6g}"


def _short(name: str) -> str:
    return name.split(".", 1)[-1]


def posterior_chart(spec: CalibrationSpec, posterior: Posterior, point: dict) -> Figure:
    """Per parameter over its bounds: the prior density and the weighted posterior."""
    count = len(spec.parameters)
    cols = min(4, count)
    rows = -(-count // cols)
    fig = charts.new_figure(11.0, 2.6 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax, free in zip(axes, spec.parameters, strict=False):
        grid = np.linspace(free.low, free.high, 200)
        density = prior_variable(free).distribution.pdf(grid)
        ax.hist(
            posterior.values[free.name],
            bins=15,
            range=(free.low, free.high),
            weights=posterior.weights,
            density=True,
            color="#1f77b4",
            alpha=0.7,
            label="posterior",
        )
        ax.plot(grid, density, color="grey", linestyle="--", label="prior")
        ax.axvline(point[free.name], color="#d62728", label="calibrated")
        ax.set_title(_short(free.name), fontsize=8)
        ax.set_xlim(free.low, free.high)
    for ax in axes[count:]:
        ax.set_visible(False)
    axes[0].legend(frameon=False, fontsize=7)
    fig.suptitle("Prior (dashed) and ABC-SMC posterior (bars); red: calibrated value")
    return fig


def correlation_chart(posterior: Posterior) -> Figure:
    """Heatmap of the weighted posterior correlations between the parameters."""
    matrix = weighted_correlations(posterior).fillna(0.0)
    size = 2.0 + 0.45 * len(matrix)
    fig = charts.new_figure(size + 1.5, size)
    ax = fig.add_subplot()
    image = ax.imshow(matrix.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
    labels = [_short(n) for n in matrix.columns]
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    fig.colorbar(image, ax=ax, label="posterior correlation")
    ax.set_title("Correlations between parameters in the posterior")
    return fig


def parameter_rows(summaries: Sequence[ParameterSummary]) -> list[list[str]]:
    """The identification table's rows."""
    return [
        [
            s.name,
            f"{s.prior} {s.low:g}–{s.high:g}",
            f"{s.median:.4g}",
            f"{s.posterior_low:.4g}–{s.posterior_high:.4g}",
            f"{s.prior_low:.4g}–{s.prior_high:.4g}",
            f"{s.width_ratio:.2f}",
            "identified" if s.identified else "not identified",
        ]
        for s in summaries
    ]


def generation_rows(generations: Sequence[Generation]) -> list[list[str]]:
    """One row per generation: epsilon, evaluations, acceptance rate, ESS."""
    return [
        [
            str(g.t),
            f"{g.epsilon:.4g}",
            str(g.evaluations),
            f"{g.acceptance_rate:.2f}",
            f"{g.effective_sample_size:.0f}",
        ]
        for g in generations
    ]


def _fit_sections(spec: CalibrationSpec, runs: pd.DataFrame) -> tuple[str, str, str]:
    table = fit_table(runs)
    fitted = table[(table["role"] == "fit") & ~table["variable"].isin(spec.targets.exclude)]
    checks = table.drop(fitted.index)
    sentence = (
        f"{int(fitted['within'].sum())} of {len(fitted)} held-in (fit) targets and "
        f"{int(checks['within'].sum())} of {len(checks)} out-of-sample facts are inside "
        "their tolerance at the posterior predictive mean."
    )
    return fit_markdown(fitted), fit_markdown(checks), sentence


def write_calibration_report(
    out_dir: Path,
    spec: CalibrationSpec,
    estimate: tuple[Posterior, dict[str, float]],
    summaries: Sequence[ParameterSummary],
    predictive: pd.DataFrame,
    facts: RunFacts,
    searches: tuple[pd.DataFrame | None, pd.DataFrame | None] = (None, None),
    information: tuple[Information | None, dict[str, tuple[float, float]]] = (None, {}),
) -> Path:
    """report.md, its charts and correlations.csv in `out_dir` (`estimate`: the
    posterior and the calibrated point; `searches`: the refinement's candidates and the
    polish's polls, where they ran; `information`: what the targets could identify at
    best, and the posteriors narrower than that, `narrower_than_best_case`)."""
    posterior, point = estimate
    refined, polished = searches
    figures = [
        ("posterior.png", posterior_chart(spec, posterior, point), "Priors and posteriors."),
        ("correlations.png", correlation_chart(posterior), "Posterior correlations."),
    ]
    for name, fig, _ in figures:
        charts.save_figure(fig, out_dir / "figures" / name)
    correlations = weighted_correlations(posterior)
    write_text(out_dir / "correlations.csv", correlations.to_csv(float_format="%.3f"))
    fitted, checks, sentence = _fit_sections(spec, predictive)
    identified = sum(s.identified for s in summaries)
    info, too_narrow = information
    suspect = flagged_identified(summaries, too_narrow)
    pairs = strong_pairs(posterior)
    pair_rows = [[a, b, f"{r:+.2f}"] for a, b, r in pairs.itertuples(index=False)]
    draws = predictive["draw"].nunique()
    lines = [
        "# Calibration",
        "",
        f"ABC-SMC with pyabc: {len(facts.generations)} generations of {spec.population_size} "
        f"particles, {facts.evaluations} evaluations ({spec.seeds} seeds each at scale "
        f"{spec.scale}, the same seeds for every particle), "
        f"{_cost(facts)}, {facts.wall_minutes:.1f} min of sampling (wall) in all. "
        f"Command: `{facts.command}`.",
        "",
        markdown_table(
            ["generation", "epsilon", "evaluations", "acceptance", "ESS"],
            generation_rows(facts.generations),
        ),
        "",
        "Epsilon is the acceptance threshold on the adaptive distance (root of the weighted "
        "sum of squared misses, each miss in tolerance units divided by its scale); the "
        "scales shrink as the population converges, so epsilons of different generations "
        "are in different units. Each generation proposes from a normal kernel around the "
        "last one's particles: their weighted covariance, narrowed by Silverman's rule and "
        f"widened {spec.proposal_scaling:g} times (`proposal_scaling`); ESS is the "
        "effective number of particles of the importance weights (prior over proposal).",
        "",
        "## Parameters: prior and posterior",
        "",
        f"{identified} of {len(summaries)} parameters identified (posterior 90% interval "
        f"less than {IDENTIFIED_RATIO:g} times as wide as the prior's"
        + (
            f"; {suspect} of them narrower than the linear best case (see 'What the "
            "targets could identify at best' below)"
            if suspect
            else ""
        )
        + "). "
        + _point_sentence(spec, facts),
        "",
        markdown_table(
            ["parameter", "prior", "median", "posterior 5–95%", "prior 5–95%", "width ratio", ""],
            parameter_rows(summaries),
        ),
        "",
        *information_section(info, too_narrow),
        *refine_section(refined),
        *polish_section(polished),
        f"## Correlations (|r| ≥ {STRONG_CORRELATION:g}; all in correlations.csv)",
        "",
        markdown_table(["parameter", "parameter", "r"], pair_rows) if pair_rows else "None.",
        "",
        f"## Posterior predictive check ({draws} draws × {spec.check_seeds} seeds, "
        f"scale {spec.check_scale})",
        "",
        sentence,
        "",
        "### Held-in targets (fitted)",
        "",
        fitted,
        "",
        "### Out-of-sample facts (not fitted)",
        "",
        checks,
        "",
    ]
    lines += [f"![{c}](figures/{n})\n" for n, _, c in figures]
    return write_text(out_dir / "report.md", "\n".join(lines))
