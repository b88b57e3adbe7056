"""Calibration outputs: the calibrated scenario file and the report (fit, convergence,
posteriors, profiles, identifiability)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model import charts
from model.calibrate import Evaluation, Evaluator, FitTarget, best, posterior
from model.calibration_spec import CalibrationSpec
from model.io import write_text
from model.report import describe, format_band, format_value, markdown_table

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


def fit_rows(targets: Sequence[FitTarget], results: pd.DataFrame) -> list[list[str]]:
    """Target, observed, model mean, 5-95% band, error and whether within tolerance."""
    rows = []
    for t in targets:
        values = results[(results.variable == t.variable) & (results.quarter == t.quarter)]
        values = values["value"].to_numpy(float)
        mean = values.mean() if len(values) else float("nan")
        error = (mean - t.observed) if t.absolute else (mean - t.observed) / t.observed
        unit = "pp" if t.absolute else "%"
        label, kind = describe(t.variable)
        band = format_band(np.quantile(values, 0.05), np.quantile(values, 0.95), kind)
        rows.append(
            [
                f"{label}, {t.quarter}",
                format_value(t.observed, kind),
                format_value(mean, kind),
                band,
                f"{100 * error:+.1f}{unit}",
                f"±{100 * t.tolerance:.0f}{unit}",
                "✓" if abs(t.error(mean)) <= 1 else "✗",
            ]
        )
    return rows


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


def posterior_chart(
    spec: CalibrationSpec, accepted: Sequence[Evaluation], chosen: Evaluation
) -> Figure:
    """Histograms of the accepted design points over each parameter's bounds."""
    fig, axes = _grid(len(spec.parameters))
    for ax, p in zip(axes, spec.parameters, strict=False):
        ax.hist(
            [r.values[p.name] for r in accepted],
            bins=12,
            range=(p.low, p.high),
            color="#1f77b4",
            alpha=0.7,
        )
        ax.axvline(chosen.values[p.name], color="#d62728", label="best")
        ax.set_title(p.name.split(".", 1)[-1], fontsize=8)
        ax.set_xlim(p.low, p.high)
    for ax in axes[len(spec.parameters) :]:
        ax.set_visible(False)
    fig.suptitle("ABC posterior: best-fitting design points (red: calibrated value)")
    return fig


def profile_chart(spec: CalibrationSpec, history: Sequence[Evaluation]) -> Figure:
    """Loss against each parameter over all evaluations (flat lower edge: not identified)."""
    fig, axes = _grid(len(spec.parameters))
    losses = np.array([r.loss for r in history])
    for ax, p in zip(axes, spec.parameters, strict=False):
        ax.scatter([r.values[p.name] for r in history], losses, s=5, alpha=0.4)
        ax.set_yscale("log")
        ax.set_title(p.name.split(".", 1)[-1], fontsize=8)
        ax.set_xlim(p.low, p.high)
    for ax in axes[len(spec.parameters) :]:
        ax.set_visible(False)
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


def _checks_markdown(checks: pd.DataFrame) -> str:
    rows = []
    for r in checks.itertuples():
        label, kind = describe(r.variable)
        unit = "pp" if r.error_kind == "share points" else "%"
        rows.append(
            [
                f"{label}, {r.quarter}",
                format_value(r.observed, kind),
                format_value(r.model_mean, kind),
                format_band(r.model_p05, r.model_p95, kind),
                f"{100 * r.error:+.1f}{unit}",
                "✓" if r.within else "✗",
            ]
        )
    return markdown_table(["fact", "observed", "model mean", "5–95%", "error", "ok"], rows)


def out_of_sample(final: pd.DataFrame) -> pd.DataFrame:
    """The observed facts marked as checks (role 'check'), against the final runs."""
    from model.observed import fit_table

    table = fit_table(final)
    if "role" not in table.columns:
        return table.iloc[0:0]
    return table[table["role"] == "check"]


def write_calibration_report(
    out_dir: Path,
    spec: CalibrationSpec,
    evaluator: Evaluator,
    final: pd.DataFrame,
    checks: pd.DataFrame | None,
    seconds: float,
) -> Path:
    """report.md and its charts in `out_dir`."""
    chosen, accepted = best(evaluator), posterior(evaluator, spec)
    figures = [
        ("convergence.png", convergence_chart(evaluator.history), "Convergence."),
        ("posterior.png", posterior_chart(spec, accepted, chosen), "ABC posterior."),
        ("profiles.png", profile_chart(spec, evaluator.history), "Profiles."),
    ]
    for name, fig, _ in figures:
        charts.save_figure(fig, out_dir / "figures" / name)
    lines = [
        "# Calibration",
        "",
        f"{len(evaluator.history)} evaluations ({spec.seeds} seeds each, scale {spec.scale}, "
        f"common random numbers) in {seconds / 60:.1f} min; best loss {chosen.loss:.3f} "
        f"(evaluation {chosen.index}, {chosen.stage}). Final check: {spec.final_seeds} seeds "
        f"at scale {spec.final_scale}.",
        "",
        "## Fit to the targets (final check)",
        "",
        markdown_table(
            ["target", "observed", "model mean", "5–95%", "error", "tolerance", "ok"],
            fit_rows(evaluator.targets, final),
        ),
        "",
    ]
    if checks is not None and len(checks):
        lines += [
            "## Out-of-sample checks (not fitted)",
            "",
            checks.to_markdown(index=False) if hasattr(checks, "to_markdown") else str(checks),
            "",
        ]
    lines += [
        "## Parameters and identifiability",
        "",
        f"Accepted: the best {len(accepted)} of the design points (ABC rejection). A "
        f"parameter whose accepted 5–95% range covers {100 * PINNED_SHARE:.0f}% or more "
        "of its bounds is not pinned down by these targets.",
        "",
        markdown_table(
            ["parameter", "bounds", "calibrated", "accepted 5–95%", "share of bounds", "verdict"],
            identifiability(spec, accepted, chosen),
            left=1,
        ),
        "",
    ]
    lines += [f"![{c}](figures/{n})\n" for n, _, c in figures]
    return write_text(out_dir / "report.md", "\n".join(lines))
