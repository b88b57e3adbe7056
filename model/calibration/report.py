"""Calibration outputs: the calibrated scenario file and the report (fit, convergence,
posteriors, profiles, identifiability)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.calibration.search import Evaluator, best, posterior
from model.calibration.spec import CalibrationSpec
from model.calibration.store import Evaluation
from model.evidence.observed import fit_table
from model.io import write_text
from model.reports import charts
from model.reports.report import fit_markdown, markdown_table

PINNED_SHARE = 0.5  # accepted 5-95% range below this share of the bounds: pinned down


def scenario_toml(spec: CalibrationSpec, chosen: Evaluation, command: str) -> str:
    """A scenario file holding the calibrated values as nested tables."""
    tables: dict[str, dict[str, float]] = {}
    for name, value in chosen.values.items():
        section, _, key = name.rpartition(".")
        tables.setdefault(section, {})[key] = value
    lines = [
        "# Calibrated behavioural parameters; generated, do not edit by hand.",
        f"# Command: {command}",
        f"# Loss {chosen.loss:.4f} at evaluation {chosen.index} of {spec.budget} "
        f"(scale {spec.scale}, {spec.seeds} seeds). baseline.toml extends this file.",
        'name = "calibrated"',
        'description = "Behavioural parameters fitted to the observed 2021-25 facts."',
    ]
    for section, values in sorted(tables.items()):
        lines += ["", f"[{section}]"] if section else [""]
        lines += [f"{key} = {_literal(value)}" for key, value in sorted(values.items())]
    return "\n".join(lines) + "\n"


def _literal(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) > 1 else f"{value:.6g}"


def convergence_chart(history: Sequence[Evaluation]) -> Figure:
    """Loss of each evaluation and the best so far (log scale)."""
    losses = np.array([r.loss for r in history])
    fig = charts.new_figure(8.0, 4.0)
    ax = fig.add_subplot()
    colours = ["#1f77b4" if r.stage == "design" else "#d62728" for r in history]
    ax.scatter(np.arange(len(losses)), losses, s=8, c=colours, alpha=0.5)
    ax.plot(np.minimum.accumulate(losses), color="black", label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("evaluation (blue: Latin-hypercube design, red: Nelder-Mead)")
    ax.set_ylabel("loss (squared errors in tolerance units)")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig


def _grid(count: int, width: float = 11.0) -> tuple[Figure, np.ndarray]:
    cols = min(4, count)
    rows = -(-count // cols)
    fig = charts.new_figure(width, 2.6 * rows + 0.6)
    return fig, np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())


def _parameter_panels(spec: CalibrationSpec) -> tuple[Figure, list]:
    """One panel per free parameter, titled and spanning its bounds; spare panels hidden."""
    fig, axes = _grid(len(spec.parameters))
    for ax, p in zip(axes, spec.parameters, strict=False):
        ax.set_title(p.name.split(".", 1)[-1], fontsize=8)
        ax.set_xlim(p.low, p.high)
    for ax in axes[len(spec.parameters) :]:
        ax.set_visible(False)
    return fig, list(zip(axes, spec.parameters, strict=False))


def posterior_chart(
    spec: CalibrationSpec, accepted: Sequence[Evaluation], chosen: Evaluation
) -> Figure:
    """Histograms of the accepted design points over each parameter's bounds."""
    fig, panels = _parameter_panels(spec)
    for ax, p in panels:
        values = [r.values[p.name] for r in accepted]
        ax.hist(values, bins=12, range=(p.low, p.high), color="#1f77b4", alpha=0.7)
        ax.axvline(chosen.values[p.name], color="#d62728", label="best")
    fig.suptitle("ABC posterior: best-fitting design points (red: calibrated value)")
    return fig


def profile_chart(spec: CalibrationSpec, history: Sequence[Evaluation]) -> Figure:
    """Loss against each parameter over all evaluations (flat lower edge: not identified)."""
    fig, panels = _parameter_panels(spec)
    losses = np.array([r.loss for r in history])
    for ax, p in panels:
        ax.scatter([r.values[p.name] for r in history], losses, s=5, alpha=0.4)
        ax.set_yscale("log")
    fig.suptitle("Profiles: loss of every evaluation against each parameter")
    return fig


def identifiability(
    spec: CalibrationSpec, accepted: Sequence[Evaluation], chosen: Evaluation
) -> list[list[str]]:
    """Per parameter: bounds, calibrated value, accepted 5-95% range and a verdict."""
    rows = []
    for p in spec.parameters:
        values = np.array([r.values[p.name] for r in accepted])
        low, high = np.quantile(values, [0.05, 0.95])
        share = (high - low) / (p.high - p.low)
        verdict = "pinned down" if share < PINNED_SHARE else "not pinned down by these targets"
        rows.append(
            [
                p.name,
                f"{p.low:g}–{p.high:g}",
                f"{chosen.values[p.name]:.4g}",
                f"{low:.4g}–{high:.4g}",
                f"{100 * share:.0f}%",
                verdict,
            ]
        )
    return rows


def search_minutes(evaluator: Evaluator) -> float:
    """Wall time the evaluations took, over every invocation that made them."""
    return sum(record.seconds for record in evaluator.cache.values()) / 60.0


def write_calibration_report(
    out_dir: Path,
    spec: CalibrationSpec,
    evaluator: Evaluator,
    final: pd.DataFrame,
    seconds: float,
) -> Path:
    """report.md and its charts in `out_dir`: fit targets and out-of-sample checks against
    the final runs, convergence, posteriors, profiles and identifiability."""
    chosen, accepted = best(evaluator), posterior(evaluator, spec)
    figures = [
        ("convergence.png", convergence_chart(evaluator.history), "Convergence."),
        ("posterior.png", posterior_chart(spec, accepted, chosen), "ABC posterior."),
        ("profiles.png", profile_chart(spec, evaluator.history), "Profiles."),
    ]
    for name, fig, _ in figures:
        charts.save_figure(fig, out_dir / "figures" / name)
    table = fit_table(final)
    fitted = table[(table["role"] == "fit") & ~table["variable"].isin(spec.targets.exclude)]
    checks = table.drop(fitted.index)
    lines = [
        "# Calibration",
        "",
        f"{len(evaluator.history)} evaluations ({spec.seeds} seeds each, scale {spec.scale}, "
        f"common random numbers) in {search_minutes(evaluator):.1f} min of search (on all "
        f"cores; this invocation {seconds / 60:.1f} min); best loss {chosen.loss:.3f} "
        f"(evaluation {chosen.index}, {chosen.stage}). Final check: {spec.final_seeds} seeds "
        f"at scale {spec.final_scale}.",
        "",
        "## Fit to the targets (final check)",
        "",
        fit_markdown(fitted),
        "",
        "## Out-of-sample checks (not fitted)",
        "",
        fit_markdown(checks),
        "",
        "## Parameters and identifiability",
        "",
        f"Accepted: the best {len(accepted)} of the design points (ABC rejection). A "
        f"parameter whose accepted 5–95% range covers {100 * PINNED_SHARE:.0f}% or more "
        "of its bounds is not pinned down by these targets.",
        "",
        markdown_table(
            ["parameter", "bounds", "calibrated", "accepted 5–95%", "share of bounds", "verdict"],
            identifiability(spec, accepted, chosen),
        ),
        "",
    ]
    lines += [f"![{c}](figures/{n})\n" for n, _, c in figures]
    return write_text(out_dir / "report.md", "\n".join(lines))
