"""Validation: a scenario over seeds against every observed target, and the stylized facts.

`run_validation` runs the seeds (and records the firm panel of one run for the
stylized facts); `Validation` holds the results, the target table (`fit_table`)
and the verdict: `exit_code` is 1 when a required fact is missed. The report
(`write_validation_report`) is markdown, CSV tables and two charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from model.evidence.observed import UNCOMPARED, fit_table
from model.evidence.stylized import (
    FirmPanel,
    StylizedFact,
    collect_panel,
    statistics,
    stylized_facts,
)
from model.io import write_parquet, write_text
from model.params import Params
from model.params.loading import with_changes
from model.reports.charts import save_figure
from model.reports.report import (
    TARGET_HEADER,
    describe,
    error_text,
    format_value,
    markdown_table,
    target_rows,
    tolerance_text,
)
from model.simulation.economy import Economy
from model.simulation.runner import run_jobs, simulate, tidy
from model.validation.charts import growth_figure, size_distribution_figure

STYLIZED_HEADER = ["Stylized fact", "Statistic", "Value", "Detail", "Rule", "Pass", "Reading"]
STYLIZED_RUN_ID = -1  # run id of an extra run made only for the stylized facts


@dataclass
class Validation:
    """A validation of one scenario: results over seeds, the target table, stylized facts."""

    scenario: str
    scale: float
    seeds: list[int]
    results: pd.DataFrame
    seconds: float
    source: str = ""  # results file the runs were read from, if not run here
    stylized_scale: float | None = None
    panel: FirmPanel | None = None
    stats: dict[str, float] = field(default_factory=dict)
    facts: list[StylizedFact] = field(default_factory=list)

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per observed target (see `fit_table`)."""
        return fit_table(self.results)

    @property
    def missed(self) -> list[str]:
        """The required facts outside their tolerance, described for people."""
        return missed_required(self.table)

    @property
    def exit_code(self) -> int:
        """0 when every required fact holds, 1 otherwise."""
        return exit_code(self.table)


def missed_required(table: pd.DataFrame) -> list[str]:
    """'variable quarter: observed X, model Y (error vs tolerance)' per missed required fact."""
    missed = table[table["required"] & ~table["within"]]
    return [
        f"{r.variable} {r.quarter}: observed {format_value(r.observed, describe(r.variable)[1])}"
        f", model {format_value(r.model_mean, describe(r.variable)[1])} "
        f"({error_text(r)} vs {tolerance_text(r)})"
        for r in missed.itertuples(index=False)
    ]


def exit_code(table: pd.DataFrame) -> int:
    """The command's exit code: 1 when a required fact is missed (or has no model value)."""
    return 1 if bool((table["required"] & ~table["within"]).any()) else 0


# Running --------------------------------------------------------------------------------
Job = tuple[Params, int, int, bool]  # (parameters, seed, run id, record the firm panel)


def _run_job(job: Job) -> tuple[pd.DataFrame, FirmPanel | None]:
    params, seed, run_id, record = job
    if not record:
        return simulate(params, seed=seed, run_id=run_id), None
    model = Economy(params, seed=seed)
    panel = collect_panel(model)  # steps the model; its results equal simulate()'s
    return tidy(model, run_id), panel


def validation_jobs(
    params: Params, seeds: Sequence[int], stylized_scale: float | None
) -> list[Job]:
    """One job per seed; the first seed's run records the panel when it is at the
    stylized scale, otherwise an extra run of the first seed at that scale does."""
    jobs = [(params, seed, run_id, False) for run_id, seed in enumerate(seeds)]
    if stylized_scale is None:
        return jobs
    if math.isclose(stylized_scale, params.scale):
        jobs[0] = (params, seeds[0], 0, True)
    else:
        extra = with_changes(params, {"scale": stylized_scale})
        jobs.append((extra, seeds[0], STYLIZED_RUN_ID, True))
    return jobs


def run_validation(
    params: Params,
    seeds: Sequence[int],
    *,
    stylized_scale: float | None = 1.0,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, FirmPanel | None]:
    """Results of `params` over `seeds` and (unless `stylized_scale` is None) a firm panel."""
    return _run_jobs(validation_jobs(params, seeds, stylized_scale), workers, on_done)


def stylized_panel(params: Params, seed: int, scale: float = 1.0) -> FirmPanel:
    """The firm panel of one run of `params` at `scale` (for results validated from a file)."""
    _, panel = _run_job((with_changes(params, {"scale": scale}), seed, STYLIZED_RUN_ID, True))
    assert panel is not None  # a recording job always returns its panel
    return panel


def _run_jobs(
    jobs: list[Job], workers: int, on_done: Callable[[], None] | None
) -> tuple[pd.DataFrame, FirmPanel | None]:
    done = run_jobs(jobs, workers, on_done, function=_run_job)
    tables = [
        table for (table, _), job in zip(done, jobs, strict=True) if job[2] != STYLIZED_RUN_ID
    ]
    panels = [panel for _, panel in done if panel is not None]
    return pd.concat(tables, ignore_index=True), (panels[0] if panels else None)


def with_stylized(validation: Validation, panel: FirmPanel | None) -> Validation:
    """The validation with the stylized-fact statistics of `panel` (if any) filled in."""
    if panel is not None:
        validation.panel, validation.stylized_scale = panel, panel.scale
        validation.stats = statistics(panel)
        validation.facts = stylized_facts(validation.stats)
    return validation


# Tables ---------------------------------------------------------------------------------
def stylized_rows(facts: Sequence[StylizedFact]) -> list[list[str]]:
    """The stylized facts as text cells (see STYLIZED_HEADER)."""
    return [
        [f.name, f.statistic, f"{f.value:.3f}", f.detail, f.rule, _mark(f.passed), f.reading]
        for f in facts
    ]


def _mark(passed: bool) -> str:
    return "✓" if passed else "✗"


def verdict_text(validation: Validation) -> str:
    """One paragraph: required facts missed (or none), and counts by role."""
    table = validation.table
    parts = []
    for role in ("fit", "check"):
        rows = table[table["role"] == role]
        parts.append(f"{int(rows['within'].sum())} of {len(rows)} {role} targets within")
    required = table[table["required"]]
    missed = validation.missed
    head = (
        f"**Missed {len(missed)} of {len(required)} required facts.**"
        if missed
        else f"**All {len(required)} required facts within tolerance.**"
    )
    lines = [head + " " + "; ".join(parts) + "."]
    return "\n".join(lines + [f"- {m}" for m in missed])


# Report ---------------------------------------------------------------------------------
FIGURES = {
    "size_distribution.png": "Share of firms at least as large as each annual revenue "
    "(log-log), with the Pareto tail fitted by the Hill estimator on the largest 5% and "
    "Zipf's law for reference.",
    "growth_rates.png": "Density of quarterly log revenue growth of surviving firms (log "
    "scale: a Gaussian is a parabola, a Laplace a tent), both fitted by maximum likelihood.",
}
TARGET_RULES = (
    "Errors are relative, or in share points (pp) for shares. A point passes within "
    "±tolerance; a lower bound ('more than X') at or above X minus the tolerance; an "
    "upper bound at or below X plus it. Role 'fit' facts may be used by calibration; "
    "'check' facts are kept out of the fit. Only required facts decide the exit code."
)


def _runs_text(v: Validation) -> str:
    seeds = ", ".join(str(s) for s in v.seeds)
    if v.source:
        text = f"Scenario `{v.scenario}`, {len(v.seeds)} seeds ({seeds}) read from `{v.source}`."
    else:
        text = f"Scenario `{v.scenario}`, scale {v.scale:g}, {len(v.seeds)} seeds ({seeds}); "
        text += f"simulation took {v.seconds:.1f} s."
    return text + " Model means and 5–95% bands are over seeds."


def _target_notes(table: pd.DataFrame) -> str:
    notes = [
        f"- {r.variable} {r.quarter} ({r.source_key} {r.source_year:g}): {r.note}"
        for r in table.itertuples(index=False)
        if r.note
    ]
    return TARGET_RULES + ("\n\nNotes:\n\n" + "\n".join(notes) if notes else "")


def _stylized_part(v: Validation, out_dir: Path) -> list[str]:
    """The stylized-facts section; writes stylized.csv and the two figures."""
    assert v.panel is not None and v.stylized_scale is not None
    s = v.stats
    write_text(
        out_dir / "stylized.csv", pd.DataFrame([f.__dict__ for f in v.facts]).to_csv(index=False)
    )
    save_figure(
        size_distribution_figure(v.panel.sizes, s["hill_alpha"]),
        out_dir / "figures" / "size_distribution.png",
    )
    save_figure(growth_figure(v.panel.growth), out_dir / "figures" / "growth_rates.png")
    intro = (
        f"From the first seed's run at scale {v.stylized_scale:g}: {s['firms']:,.0f} firms "
        f"in the size distribution, {s['growth_observations']:,.0f} quarterly growth rates. "
        "These facts are reported, not required: they do not change the exit code."
    )
    if not math.isclose(v.stylized_scale, 1.0):
        intro += " They are meant to be read at 1:1 scale (--stylized-scale 1)."
    parts = ["## Stylized facts of firm dynamics", intro]
    parts.append(markdown_table(STYLIZED_HEADER, stylized_rows(v.facts), left=7))
    return parts + [f"![{name}](figures/{name})\n\n*{text}*" for name, text in FIGURES.items()]


def write_validation_report(v: Validation, out_dir: Path) -> Path:
    """Write report.md, results.parquet, targets.csv, stylized.csv and figures/ into out_dir."""
    out_dir = Path(out_dir)
    table = v.table
    write_parquet(out_dir / "results.parquet", v.results)
    write_text(out_dir / "targets.csv", table.to_csv(index=False))
    parts = [f"# Validation: {v.scenario}", "## Runs", _runs_text(v), "## Verdict"]
    parts += [verdict_text(v), "## Observed facts"]
    parts += [markdown_table(TARGET_HEADER, target_rows(table), left=2), _target_notes(table)]
    parts.append("## Facts not compared")
    parts.append("\n".join(f"- `{key}`: {why}" for key, why in UNCOMPARED.items()))
    if v.panel is not None:
        parts += _stylized_part(v, out_dir)
    return write_text(out_dir / "report.md", "\n\n".join(parts) + "\n")
