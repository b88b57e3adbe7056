"""Sobol sensitivity of model outputs to parameters (SALib), with the seed noise measured.

The design is an experiment with `sampler = "sobol"` (run by `model.sweep`, so it
resumes); here its results become first-order (S1) and total (ST) indices with
bootstrap confidence intervals. A stochastic model adds seed noise that no
parameter explains, so `seed_noise` measures it (replicates at each point and at
the base point) and says how much of the analysed variance it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.errors import ConfigError
from model.reports.charts import new_figure
from model.reports.report import markdown_table
from model.sweeps.experiment import Experiment

INDEX_COLUMNS = ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
TOTAL, FIRST = "#0072B2", "#E69F00"  # Okabe-Ito, as in model.charts


def run_outputs(results: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """One row per run (run_id, point_id), one column per output and kept quarter,
    named like 'national_little_giants 2025Q4'."""
    rows = results[results["variable"].isin(experiment.outputs)]
    rows = rows.assign(output=rows["variable"] + " " + rows["quarter"])
    wide = rows.pivot_table(index=["run_id", "point_id"], columns="output", values="value")
    return wide.reset_index()


def point_outputs(runs: pd.DataFrame, n_points: int) -> pd.DataFrame:
    """Mean over replicates of each design point (index point_id 0..n_points-1)."""
    design = runs[runs["point_id"] < n_points].drop(columns="run_id")
    means = design.groupby("point_id").mean()
    return means.reindex(pd.RangeIndex(n_points, name="point_id"))


def sobol_indices(
    names: Sequence[str],
    outputs: pd.DataFrame,
    resamples: int = 1000,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """S1 and ST with confidence half-widths for every output column (rows in design order).

    `outputs` holds one row per point of a Saltelli design without second-order
    terms (N x (D + 2) rows, as `model.sampling.unit_design('sobol', ...)` makes
    them). Outputs with a missing point are skipped (see `unanalysable`).
    """
    from SALib.analyze import sobol

    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    tables = []
    for output in outputs.columns:
        values = outputs[output].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            continue
        found = sobol.analyze(
            problem,
            values,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )
        table = pd.DataFrame({key: found[key] for key in INDEX_COLUMNS[2:]})
        table.insert(0, "parameter", list(names))
        table.insert(0, "output", output)
        tables.append(table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=INDEX_COLUMNS)


def unanalysable(outputs: pd.DataFrame) -> dict[str, int]:
    """Outputs with points lacking a value (failed runs, or e.g. no little giants), and how many."""
    missing = (~np.isfinite(outputs.to_numpy(dtype=float))).sum(axis=0)
    return {name: int(count) for name, count in zip(outputs.columns, missing, strict=True) if count}


def seed_noise(runs: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """Per output: seed variance against the design's variance.

    Columns: seed_sd (replicate spread within points, pooled; at the base point
    if there is one replicate per point), run_sd (spread of all design runs),
    noise_share_runs = seed variance / run variance, and noise_share_means = the
    seed variance left in the point means (seed variance / replicates) / their
    variance, i.e. the part of what the Sobol indices decompose that is noise.
    """
    n_points, replicates = len(experiment.points), experiment.spec.seeds_per_point
    design = runs[runs["point_id"] < n_points]
    base = runs[runs["point_id"] == n_points] if experiment.noise_point_id is not None else None
    records = []
    for output in [c for c in runs.columns if c not in ("run_id", "point_id")]:
        if replicates > 1:
            seed_var = design.groupby("point_id")[output].var().mean()
            source = f"within points ({replicates} seeds each)"
        elif base is not None and len(base) > 1:
            seed_var = base[output].var()
            source = f"base point ({len(base)} seeds)"
        else:
            seed_var, source = float("nan"), "not measured"
        run_var = design[output].var()
        mean_var = design.groupby("point_id")[output].mean().var()
        records.append(
            {
                "output": output,
                "seed_sd": float(np.sqrt(seed_var)),
                "run_sd": float(np.sqrt(run_var)),
                "noise_share_runs": float(seed_var / run_var) if run_var > 0 else float("nan"),
                "noise_share_means": float(seed_var / replicates / mean_var)
                if mean_var > 0
                else float("nan"),
                "measured_from": source,
            }
        )
    return pd.DataFrame(records)


def require_sobol(experiment: Experiment) -> None:
    """Refuse an experiment whose design Sobol indices cannot be computed from."""
    if experiment.spec.sampler != "sobol":
        raise ConfigError(
            f"{experiment.source}: key 'sampler' = '{experiment.spec.sampler}': "
            "sensitivity needs sampler = 'sobol'"
        )


def analyse(
    results: pd.DataFrame, experiment: Experiment
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(Sobol indices, seed-noise table, outputs skipped for missing points) of a
    finished Sobol experiment."""
    require_sobol(experiment)
    runs = run_outputs(results, experiment)
    points = point_outputs(runs, len(experiment.points))
    settings = experiment.spec.sensitivity
    indices = sobol_indices(
        experiment.parameters,
        points,
        resamples=settings.resamples,
        conf_level=settings.conf_level,
        seed=experiment.spec.base_seed,
    )
    return indices, seed_noise(runs, experiment), unanalysable(points)


def indices_figure(indices: pd.DataFrame) -> Figure:
    """One panel per output: S1 and ST per parameter with confidence bars, by ST."""
    outputs = list(dict.fromkeys(indices["output"]))
    fig = new_figure(7.5, 0.35 * indices["parameter"].nunique() * len(outputs) + 1.5)
    axes = fig.subplots(len(outputs), 1, squeeze=False)[:, 0]
    for ax, output in zip(axes, outputs, strict=True):
        table = indices[indices["output"] == output].sort_values("ST")
        y = np.arange(len(table))
        ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], color=TOTAL, label="total (ST)")
        ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], color=FIRST, label="first (S1)")
        ax.set_yticks(y, table["parameter"], fontsize="small")
        ax.set_title(output, fontsize="medium")
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(fontsize="small", loc="lower right")
    axes[-1].set_xlabel("Sobol index (share of output variance), bars: confidence interval")
    return fig


def indices_markdown(indices: pd.DataFrame, conf_level: float) -> str:
    """One table per output: parameters by total index, S1 and ST with their intervals."""
    parts = []
    for output, table in indices.groupby("output", sort=False):
        rows = [
            [r.parameter, f"{r.S1:.3f} ± {r.S1_conf:.3f}", f"{r.ST:.3f} ± {r.ST_conf:.3f}"]
            for r in table.sort_values("ST", ascending=False).itertuples()
        ]
        header = ["Parameter", f"S1 ± {conf_level:.0%} CI", f"ST ± {conf_level:.0%} CI"]
        total = f"Sum of S1: {table['S1'].sum():.2f}."
        parts.append(f"### {output}\n\n{markdown_table(header, rows)}\n\n{total}")
    return "\n\n".join(parts)


def noise_markdown(noise: pd.DataFrame) -> str:
    """The seed-noise table with how to read it."""
    rows = [
        [
            r.output,
            f"{r.seed_sd:,.4g}",
            f"{r.run_sd:,.4g}",
            f"{r.noise_share_runs:.1%}",
            f"{r.noise_share_means:.1%}",
            r.measured_from,
        ]
        for r in noise.itertuples()
    ]
    header = ["Output", "Seed s.d.", "Run s.d.", "Noise / runs", "Noise / point means", "From"]
    note = (
        "Seed s.d. is the spread between seeds at fixed parameters; run s.d. the spread over "
        "all design runs. 'Noise / point means' is the share of the variance the Sobol indices "
        "decompose that comes from seeds alone: no parameter can explain it, so it lowers the "
        "sum of S1 and blurs small indices. Above about 20%, add seeds per point. The shares "
        "are estimates: near or above 100% the parameters explain nothing measurable."
    )
    return markdown_table(header, rows, left=1) + "\n\n" + note
