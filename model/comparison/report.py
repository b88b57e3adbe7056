"""The comparison report: scenarios against each other and the observed 2021-25 facts.

`write_comparison_report` writes report.md with the summary table at 2025Q4 (and a
projection's last year-end), charts of key variables per scenario and of each
scenario's paired difference to the reference. `readme_section` is the summary
with two generated sentences per scenario, for the README.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from model.comparison.channels_report import (
    decomposition_markdown,
    national_decomposition,
    services_markdown,
)
from model.comparison.compare import (
    KEY_VARIABLES,
    paired_differences,
    summary_quarters,
    summary_table,
)
from model.comparison.uncertainty_report import uncertainty_markdown
from model.io import write_text
from model.reports import charts
from model.reports.provinces_section import difference_map
from model.reports.report import (
    describe,
    format_band,
    format_change,
    format_value,
    markdown_table,
    write_figures,
)

FIGURE_DIR = "figures"
README_START = "<!-- scenario-table:start -->"
README_END = "<!-- scenario-table:end -->"
# The block `compare --posterior --readme` writes, so that the seed-noise table stays.
POSTERIOR_START = "<!-- posterior-table:start -->"
POSTERIOR_END = "<!-- posterior-table:end -->"
TABLE_VARIABLES = (
    "national_little_giants",
    "lg_invention_patents_mean",
    "large_firm_domestic_supply_share",
    "firms_meeting_national_thresholds",
)
# (variable, multiplier, axis label) for the over-time and difference charts.
CHARTED = (
    ("national_little_giants", 1.0, "firms"),
    ("lg_invention_patents_mean", 1.0, "patents per little giant"),
    ("large_firm_domestic_supply_share", 100.0, "% of inputs bought at home"),
    ("lg_rd_spend_mean_yuan", 1e-6, "million yuan per little giant"),
)


def _cell(row: pd.Series, kind: str) -> str:
    if math.isnan(row["mean"]):
        return "–"
    return f"{format_value(row['mean'], kind)} ({format_band(row['p05'], row['p95'], kind)})"


def _delta(row: pd.Series, kind: str, is_reference: bool) -> str:
    if is_reference or math.isnan(row["diff_mean"]):
        return "–"
    return format_change(row["diff_mean"], kind) + (" ✓" if row["distinguishable"] else "")


def summary_markdown(
    table: pd.DataFrame, reference: str, variables: tuple[str, ...] = TABLE_VARIABLES
) -> str:
    """One row per scenario: mean (5-95%) of each variable and its difference to the reference.

    ✓ marks differences whose 95% confidence interval (paired over seeds) excludes zero.
    """
    header = ["scenario"]
    for variable in variables:
        header += [describe(variable)[0], "Δ"]
    rows = []
    for scenario in dict.fromkeys(table["scenario"]):
        cells = [scenario]
        for variable in variables:
            match = table[(table["scenario"] == scenario) & (table["variable"] == variable)]
            kind = describe(variable)[1]
            cells += (
                ["–", "–"]
                if match.empty
                else [
                    _cell(match.iloc[0], kind),
                    _delta(match.iloc[0], kind, scenario == reference),
                ]
            )
        rows.append(cells)
    return markdown_table(header, rows)


def difference_chart(results: pd.DataFrame, reference: str) -> Figure:
    """Each scenario minus the reference, run by run (same seeds): median and 5-95% band."""
    diffs = paired_differences(results, reference)
    diffs = diffs.assign(value=diffs["difference"])
    fig = charts.new_figure(11.0, 8.5)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, (variable, multiplier, unit) in zip(axes, CHARTED, strict=True):
        # A prefixed name: observed facts are levels, not differences, so none are drawn.
        part = diffs[diffs["variable"] == variable].assign(variable=f"difference:{variable}")
        charts.plot_variable(
            part,
            f"difference:{variable}",
            ax=ax,
            scale=multiplier,
            ylabel=unit,
            title=describe(variable)[0],
            legend=False,
        )
        ax.axhline(0.0, color="black", linewidth=0.8)
    charts.figure_legend(fig)
    fig.suptitle(f"Difference to {reference} (same seeds)")
    return fig


def level_chart(results: pd.DataFrame) -> Figure:
    """Key variables over time per scenario against the observed facts."""
    return charts.panels(
        results, [(v, m, u, describe(v)[0]) for v, m, u in CHARTED], "Scenarios compared"
    )


def _sentences(table: pd.DataFrame, scenario: str, reference: str, highlights) -> str:
    """Two sentences on one scenario at one quarter, written from the numbers."""

    def row(variable: str) -> pd.Series | None:
        match = table[(table["scenario"] == scenario) & (table["variable"] == variable)]
        return None if match.empty else match.iloc[0]

    def versus(r: pd.Series, text: str) -> str:
        """' (change, noise verdict)' when there is a reference to compare with."""
        if scenario == reference or math.isnan(r["diff_mean"]):
            return ""
        verdict = "beyond seed noise" if r["distinguishable"] else "within seed noise"
        return f" ({text}, {verdict})"

    lg, pat, dom = (row(v) for v in TABLE_VARIABLES[:3])
    quarter = table["quarter"].iloc[0]
    patents = (
        "no little giants to count patents for"
        if pat is None or math.isnan(pat["mean"])
        else f"{pat['mean']:.1f} invention patents per little giant"
        + versus(pat, format_change(pat["diff_mean"], "number"))
    )
    first = (
        f"By {quarter} there are {lg['mean']:,.0f} national little giants"
        + versus(lg, f"{format_change(lg['diff_mean'], 'firms')} against {reference}")
        + f" and {patents}."
    )
    second = (
        f"Large firms buy {100 * dom['mean']:.0f}% of their specialized inputs at home"
        + versus(dom, format_change(dom["diff_mean"], "share"))
        + "."
    )
    for variable in highlights:
        h = row(variable)
        if h is not None and variable not in TABLE_VARIABLES[:3]:  # those are said above
            label, kind = describe(variable)
            second += (
                f" {label}: {format_value(h['mean'], kind)}"
                + versus(h, f"{format_change(h['diff_mean'], kind)} against {reference}")
                + "."
            )
    return f"{first} {second}"


def readme_section(
    results: pd.DataFrame,
    reference: str,
    highlights: Mapping[str, tuple[str, ...]],
    command: str,
    channels: pd.DataFrame | None = None,
) -> str:
    """The summary table at each summary quarter and two sentences per scenario; with
    `channels` (the reference's channel variants), the national decomposition too."""
    parts = [f"_Generated by `{command}`; {band_note(results)}._"]
    for quarter in summary_quarters(results):
        table = summary_table(results, reference, quarter, KEY_VARIABLES)
        parts += [f"\n**{quarter}**\n", summary_markdown(table, reference), ""]
        for scenario in dict.fromkeys(table["scenario"]):
            text = _sentences(table, scenario, reference, highlights.get(scenario, ()))
            parts.append(f"- **{scenario}**: {text}")
    if channels is not None:
        parts += ["", national_decomposition(channels, reference, summary_quarters(results)[:1])]
    if "draw" in results.columns:
        parts += [
            "",
            uncertainty_markdown(results, reference, summary_quarters(results), TABLE_VARIABLES),
        ]
    return "\n".join(parts) + "\n"


def band_note(results: pd.DataFrame) -> str:
    """Which band the tables show: seed noise alone, or posterior draws x seeds."""
    if "draw" not in results.columns:
        return (
            "✓ = 95% confidence interval of the paired difference excludes zero, from seed "
            "noise alone (at the calibrated point); (5-95% over seeds)"
        )
    draws, seeds = results["draw"].nunique(), results["seed"].nunique()
    return (
        f"bands (5-95%) over {draws} posterior draws × {seeds} seeds, so they hold seed noise "
        "and parameter uncertainty; ✓ = 95% confidence interval of the mean paired difference "
        "excludes zero; each effect's seed and parameter parts are in the table after"
    )


def write_comparison_report(
    results: pd.DataFrame,
    out_dir: Path,
    reference: str,
    descriptions: Mapping[str, str],
    highlights: Mapping[str, tuple[str, ...]],
    command: str,
    channels: pd.DataFrame | None = None,
    services: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """report.md with the scenarios, the summary tables, the sentences, the decomposition
    of the reference's restriction effect by channel (with `channels`), of zone
    expansions by zone service (with `services`: scenario -> its variants' runs) and
    the charts."""
    figure_dir = out_dir / FIGURE_DIR
    figures = [
        (
            "scenarios_compared.png",
            level_chart(results),
            "Key variables per "
            "scenario (median and 5-95% band over seeds) against the observed facts.",
        ),
        (
            "differences.png",
            difference_chart(results, reference),
            f"Each scenario minus {reference}, run by run with the same seeds.",
        ),
    ]
    for name, fig, _ in figures:
        charts.save_figure(fig, figure_dir / name)
    extra = write_figures(results, figure_dir)
    scenario_rows = [
        [name, " ".join(descriptions.get(name, "").split())]
        for name in dict.fromkeys(results["scenario"])
    ]
    lines = [
        f"# Scenario comparison (reference: {reference})",
        "",
        markdown_table(["scenario", "question"], scenario_rows),
        "",
        "## Summary",
        readme_section(results, reference, highlights, command),
    ]
    if channels is not None:
        lines.append(decomposition_markdown(channels, reference, summary_quarters(results)))
    for scenario, runs in (services or {}).items():
        lines.append(services_markdown(runs, scenario, reference, summary_quarters(results)))
    lines.append("## Charts")
    lines += [f"![{c}]({FIGURE_DIR}/{n})\n\n{c}\n" for n, _, c in figures]
    lines += [f"![{c}]({FIGURE_DIR}/{n})\n\n{c}\n" for n, c in extra]
    maps = [
        difference_map(results, s, reference, figure_dir, f"provinces_{i}.png")
        for i, s in enumerate(dict.fromkeys(results["scenario"]))
        if s != reference
    ]
    if any(maps):
        lines += ["## Provinces", *(m + "\n" for m in maps if m)]
    return write_text(out_dir / "report.md", "\n".join(lines))


def replace_block(text: str, section: str, posterior: bool = False) -> str:
    """`text` with what lies between the README markers replaced by `section`: the
    scenario table's, or with `posterior` the posterior table's."""
    start, end = (POSTERIOR_START, POSTERIOR_END) if posterior else (README_START, README_END)
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"no '{start}' ... '{end}' markers")
    return pattern.sub(lambda _: f"{start}\n{section}{end}", text, count=1)
