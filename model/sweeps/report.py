"""The sweep report: report.md with what was run, what failed, the outputs by point and,
for two-parameter grids, a heatmap of each output (mean over seeds) at the last kept quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.io import write_text
from model.reports.charts import new_figure, save_figure
from model.reports.report import describe, format_value, markdown_table
from model.sweeps.experiment import Experiment
from model.sweeps.sampling import ParameterSpec
from model.sweeps.sensitivity import run_outputs, seed_noise
from model.sweeps.sweep import SweepSummary

FIGURE_DIR = "figures"
MAX_POINT_ROWS = 60  # larger designs get a distribution summary instead of a row per point
ERROR_CHARS = 160


def point_means(results: pd.DataFrame, experiment: Experiment, quarter: str) -> pd.DataFrame:
    """Mean of each output over replicates, one row per point (columns: parameters, outputs)."""
    rows = results[results["quarter"] == quarter]
    keys = ["point_id", *experiment.parameters]
    wide = rows.pivot_table(index=keys, columns="variable", values="value", aggfunc="mean")
    return wide.reset_index().sort_values("point_id").reset_index(drop=True)


def heatmap(means: pd.DataFrame, rows: str, columns: str, variable: str, quarter: str) -> Figure:
    """Mean of `variable` over a grid of two parameters, each cell labelled with its value."""
    table = means.pivot_table(index=rows, columns=columns, values=variable, aggfunc="mean")
    label, kind = describe(variable)
    fig = new_figure(7.0, 5.0)
    ax = fig.add_subplot()
    image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(table.columns)), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(len(table.index)), [f"{v:g}" for v in table.index])
    ax.set_xlabel(columns)
    ax.set_ylabel(rows)
    ax.set_title(f"{label}, {quarter} (mean over seeds)")
    finite = table.to_numpy()[np.isfinite(table.to_numpy())]
    middle = float(np.median(finite)) if len(finite) else 0.0
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        colour = "black" if value > middle else "white"
        text = format_value(float(value), kind)
        ax.text(j, i, text, ha="center", va="center", fontsize="small", color=colour)
    fig.colorbar(image, ax=ax, label=label)
    return fig


def _spec_text(spec: ParameterSpec) -> str:
    if spec.values is not None:
        return ", ".join(f"{v:g}" if not isinstance(v, bool) else str(v) for v in spec.values)
    low, high = spec.range
    extra = ""
    if spec.distribution == "triangular":
        extra = f", mode {spec.mode:g}"
    elif spec.distribution == "truncnormal":
        extra = f", mean {spec.mean:g}, sd {spec.sd:g}"
    steps = f", {spec.steps} steps" if spec.steps else ""
    return f"{spec.distribution} [{low:g}, {high:g}]{extra}{steps}"


def design_section(experiment: Experiment, summary: SweepSummary, workers: str) -> str:
    """What was run and how it went."""
    spec = experiment.spec
    seeds = "common to all points" if spec.common_seeds else "independent per point"
    facts = [
        ("Base scenario", experiment.base.name),
        ("Scale", f"{spec.scale:g} of the 1:1 population"),
        ("Sampler", f"{spec.sampler}, {len(experiment.points)} points"),
        ("Seeds", f"{spec.seeds_per_point} per point, {seeds} (base seed {spec.base_seed})"),
        ("Seed-noise runs", f"{spec.noise_seeds} at the base point"),
        ("Runs", f"{summary.total:,}"),
        ("Quarters kept", f"{experiment.quarters[0]} to {experiment.quarters[-1]}"),
        ("Executed on", workers),
        ("This invocation", f"{summary.done + summary.failed:,} runs in {summary.seconds:.1f} s"),
        ("Runs with results", f"{summary.total - len(summary.failures) - len(summary.lost):,}"),
        ("Failed runs", f"{len(summary.failures):,}"),
        ("Fingerprint", experiment.fingerprint),
    ]
    params = [(key, _spec_text(s), s.note) for key, s in spec.parameters.items()]
    return "\n\n".join(
        [
            markdown_table(["", ""], facts),
            "## Parameters",
            markdown_table(["Parameter", "Values", "Why / note"], params, left=3),
        ]
    )


def failures_section(failures: pd.DataFrame, experiment: Experiment) -> str:
    """Each failed run with its parameters and the first line of its error."""
    if failures.empty:
        return "No run failed."
    header = ["Run", "Point", "Seed", *experiment.parameters, "Error"]
    rows = []
    for record in failures.to_dict("records"):
        error = str(record["error"]).splitlines()[0][:ERROR_CHARS]
        values = [f"{record[key]}" for key in experiment.parameters]
        rows.append([record["run_id"], record["point_id"], record["seed"], *values, error])
    return markdown_table(header, rows, left=len(header))


def outputs_section(means: pd.DataFrame, experiment: Experiment, quarter: str) -> str:
    """Outputs by point (small designs) or their spread over the design (large ones)."""
    outputs = [v for v in experiment.outputs if v in means.columns]
    if len(means) <= MAX_POINT_ROWS:
        header = ["Point", *experiment.parameters, *(describe(v)[0] for v in outputs)]
        rows = [
            [int(r["point_id"]), *(f"{r[k]:g}" for k in experiment.parameters)]
            + [format_value(float(r[v]), describe(v)[1]) for v in outputs]
            for r in means.to_dict("records")
        ]
        return markdown_table(header, rows, left=1)
    header = ["Output", "Min", "Median", "Max"]
    rows = []
    for variable in outputs:
        label, kind = describe(variable)
        low, mid, high = np.nanquantile(means[variable], [0.0, 0.5, 1.0])
        rows.append([label, *(format_value(float(v), kind) for v in (low, mid, high))])
    return f"Spread over the {len(means):,} points (mean over seeds at each point):\n\n" + (
        markdown_table(header, rows)
    )


def noise_section(results: pd.DataFrame, experiment: Experiment, quarter: str) -> str:
    """How far a point's mean may move with other seeds: the pooled s.d. between seeds at
    the same point and the standard error of a mean over `seeds_per_point` of them."""
    seeds = experiment.spec.seeds_per_point
    if seeds < 2:
        return ""
    noise = seed_noise(run_outputs(results, experiment), experiment).set_index("output")
    table = []
    for variable in (v for v in experiment.outputs if f"{v} {quarter}" in noise.index):
        label, kind = describe(variable)
        sd = float(noise.at[f"{variable} {quarter}", "seed_sd"])
        table.append([label, format_value(sd, kind), format_value(sd / np.sqrt(seeds), kind)])
    text = (
        f"Seed noise at one point: the s.d. between its {seeds} seeds (pooled over points) and "
        f"the standard error of a point's {seeds}-seed mean. With independent seeds, two "
        "points whose means differ by less than about three standard errors are not told "
        "apart by this design; with common seeds (`common_seeds = true`) the noise in a "
        "difference is usually smaller, so this is a conservative yardstick."
    )
    return f"## Seed noise in {quarter}\n\n{text}\n\n" + markdown_table(
        ["Output", "S.d. between seeds", "S.e. of a point mean"], table
    )


def write_sweep_report(
    experiment: Experiment,
    summary: SweepSummary,
    results: pd.DataFrame,
    out: Path,
    workers: str,
    extra: Sequence[str] = (),
    seed_noise: bool = True,
) -> Path:
    """Write report.md (and heatmaps for 2-D grids) into the sweep folder.

    `extra` sections (markdown) go after the sweep's own, e.g. the Sobol analysis;
    `seed_noise=False` leaves out the seed-noise table for callers that write their own.
    """
    quarter = experiment.quarters[-1]
    parts = [f"# littlegiants sweep: {experiment.name}", experiment.spec.description.strip()]
    parts += [design_section(experiment, summary, workers)]
    parts += ["## Failures", failures_section(summary.failures, experiment)]
    if not results.empty:
        means = point_means(results, experiment, quarter)
        means = means[means["point_id"] < len(experiment.points)]  # not the seed-noise point
        parts += [f"## Outputs in {quarter}", outputs_section(means, experiment, quarter)]
        parts += [noise_section(results, experiment, quarter)] if seed_noise else []
        parts += _heatmaps(experiment, means, quarter, out)
    parts += extra
    return write_text(out / "report.md", "\n\n".join(p for p in parts if p) + "\n")


def _heatmaps(experiment: Experiment, means: pd.DataFrame, quarter: str, out: Path) -> list[str]:
    if experiment.spec.sampler != "grid" or len(experiment.parameters) != 2:
        return []
    rows, columns = experiment.parameters
    parts = [f"## Heatmaps: {rows} x {columns}"]
    for variable in (v for v in experiment.outputs if v in means.columns):
        name = f"heatmap_{variable}.png"
        save_figure(heatmap(means, rows, columns, variable, quarter), out / FIGURE_DIR / name)
        parts.append(f"![{describe(variable)[0]}]({FIGURE_DIR}/{name})")
    return parts
