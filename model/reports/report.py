"""The run report: one markdown file with the fit to observed facts, key figures and charts.

`write_report` writes `report.md` and its PNG charts into a folder. Numbers are
written for people (thousands separators, yuan in million or billion, shares in
percent); every file goes through `model.io`, so a reader never sees half a file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from model.calendar import parse_quarter
from model.evidence.observed import fit_table
from model.io import write_text
from model.reports import charts

FIGURE_DIR = "figures"

# variable -> (label, kind); the kind decides how its numbers are written.
VARIABLES: dict[str, tuple[str, str]] = {
    "national_little_giants": ("National little giants", "firms"),
    "provincial_specialized": ("Provincial specialized SMEs", "firms"),
    "innovative_smes": ("Innovative SMEs", "firms"),
    "pool_firms": ("Technology-based SMEs in the pool", "firms"),
    "firms_meeting_national_thresholds": ("Firms meeting the national tests", "firms"),
    "key_programme_firms": ("Firms with central key-programme awards", "firms"),
    "lg_listed": ("Listed little giants", "firms"),
    "national_review_pass_rate": ("National little giants passing their 3-year review", "share"),
    "share_finance_constrained": ("Pool SMEs cutting plans for lack of funds", "share"),
    "lg_share_finance_constrained": ("Little giants cutting plans for lack of funds", "share"),
    "share_with_loans": ("Pool SMEs with loans", "share"),
    "ipo_proceeds_yuan": ("IPO proceeds of pool SMEs, per quarter", "yuan"),
    "lg_invention_patents_mean": ("Invention patents per little giant", "number"),
    "lg_rd_spend_mean_yuan": ("R&D per little giant, last 4 quarters", "yuan"),
    "lg_revenue_mean_yuan": ("Revenue per little giant, annual rate", "yuan"),
    "lg_rd_intensity": ("R&D / revenue of little giants", "share"),
    "lg_share_high_tech_zone": ("Little giants in national high-tech zones", "share"),
    "lg_share_foundational": ("Little giants in foundational fields", "share"),
    "lg_share_key_chain": ("Little giants at key chain links", "share"),
    "lg_share_supplying_3plus_large": ("Little giants supplying 3+ large firms", "share"),
    "lg_share_vc_backed": ("VC-backed little giants", "share"),
    "lg_share_with_loans": ("Little giants with loans", "share"),
    "lg_loan_balance_mean_yuan": ("Debt per indebted little giant", "yuan"),
    "large_firm_foreign_supply_share": ("Large firms' inputs bought abroad", "share"),
    "large_firm_domestic_supply_share": ("Large firms' inputs bought at home", "share"),
    "large_firm_unmet_input_share": ("Large firms' inputs blocked and not replaced", "share"),
    "controlled_foreign_share": ("Large firms' foreign inputs under US control", "share"),
    "substituted_inputs_yuan": ("Blocked foreign inputs replaced by SMEs, per quarter", "yuan"),
    "buyer_output_lost_yuan": ("Buyers' output lost to missing inputs, per quarter", "yuan"),
    "sanctioned_large_firms": ("Large buyers on the Entity List", "firms"),
    "sanctioned_smes": ("SMEs on the Entity List", "firms"),
    "patents_filed": ("Invention patents filed per quarter", "number"),
    "lg_count": ("National little giants", "firms"),
    "domestic_supply_share": ("Large firms' inputs bought at home", "share"),
    "exposed_tech_access_mean": ("Foreign technology access of exposed SMEs", "share"),
}

# One sentence per chart in `charts.CHARTS`, saying what it shows.
CAPTIONS: dict[str, str] = {
    "national_little_giants": "National little giants over time against the totals "
    "reported for 2020-25.",
    "new_certifications_per_year": "New national little giants certified in each calendar "
    "year; bars are medians over runs, whiskers the 5-95% range.",
    "provincial_and_innovative": "Provincial specialized SMEs and innovative SMEs (each "
    "count includes the higher tiers) against the reported provincial totals.",
    "innovation_per_little_giant": "Invention patents owned and R&D spent over the last "
    "four quarters per little giant, against the 2024 figures.",
    "structural_shares": "Where little giants sit: shares in high-tech zones, foundational "
    "fields, key chain links and supplying three or more large firms, against 2025.",
    "finance_by_channel": "Money reaching SMEs through each finance channel at an annual "
    "rate (four times the quarterly flow), median of each channel stacked.",
    "foreign_supply_and_restrictions": "Share of large firms' specialized inputs bought "
    "abroad (solid, left axis) and the share of their foreign inputs under US control "
    "(dashed, right).",
    "entries_and_exits": "Technology-based SMEs entering and leaving the pool each quarter.",
}


def describe(variable: str) -> tuple[str, str]:
    """(label, kind) of a variable; a breakdown (`lg_count_sector_biomedicine`) is its
    national label 'in' the group; unknown variables keep their name and plain numbers."""
    if variable in VARIABLES:
        return VARIABLES[variable]
    for group in ("sector", "province", "region"):
        name, found, member = variable.partition(f"_{group}_")
        if found and name in VARIABLES:
            label, kind = VARIABLES[name]
            return f"{label}, {member.replace('_', ' ')}", kind
    return variable, "number"


def _yuan_unit(magnitude: float) -> tuple[float, str]:
    for divisor, unit in ((1e9, "billion yuan"), (1e6, "million yuan")):
        if magnitude >= divisor:
            return divisor, unit
    return 1.0, "yuan"


def format_value(value: float, kind: str) -> str:
    """A number for people: firms '18,600', share '54.3%', yuan '33.6 million yuan'."""
    if not math.isfinite(value):
        return "—"
    if kind == "firms":
        return f"{value:,.0f}"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "index":
        return f"{value:.2f}"
    if kind == "yuan":
        divisor, unit = _yuan_unit(abs(value))
        return f"{value / divisor:,.1f} {unit}" if divisor > 1 else f"{value:,.0f} yuan"
    return f"{value:,.1f}"


def format_change(value: float, kind: str) -> str:
    """A signed difference for people: firms '+1,250', share '+2.1 pp', yuan '+3.4 million
    yuan', other numbers '+0.3' (or whole when 100 or more)."""
    if not math.isfinite(value):
        return "—"
    if kind == "share":
        return f"{100 * value:+.1f} pp"
    if kind == "yuan":
        return ("+" if value >= 0 else "-") + format_value(abs(value), kind)
    if kind == "firms" or abs(value) >= 100:
        return f"{value:+,.0f}"
    return f"{value:+,.1f}"


def format_band(low: float, high: float, kind: str) -> str:
    """A 5-95% range, 'low–high', with one unit for both ends of a yuan range."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "—"
    if kind == "yuan":
        divisor, unit = _yuan_unit(max(abs(low), abs(high)))
        return f"{low / divisor:,.1f}–{high / divisor:,.1f} {unit}"
    return f"{format_value(low, kind)}–{format_value(high, kind)}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A GitHub markdown table; the first `left` columns left-aligned, the rest right-aligned."""

    def line(cells: Sequence[str]) -> str:
        # A '|' inside a cell (e.g. in a scenario name) would split the column.
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    align = ["---"] * left + ["---:"] * (len(header) - left)
    return "\n".join([line(header), line(align), *(line(row) for row in rows)])


TARGET_HEADER = ["Fact", "Quarter", "Observed", "Model mean", "Model 5–95%", "Error"]
TARGET_HEADER += ["Tolerance", "Kind", "Role", "Pass"]


def error_text(r) -> str:
    """A target row's error: relative in %, or in share points (pp)."""
    if not math.isfinite(r.error):
        return "—"
    return f"{100 * r.error:+.1f}{' pp' if r.error_kind == 'share points' else '%'}"


def tolerance_text(r) -> str:
    """A target row's pass rule: ±tolerance for points, one-sided for bounds."""
    unit = " pp" if r.error_kind == "share points" else "%"
    size = f"{100 * r.tolerance:.0f}{unit}"
    return {"lower_bound": f"≥ −{size}", "upper_bound": f"≤ +{size}"}.get(r.kind, f"±{size}")


def target_rows(table: pd.DataFrame) -> list[list[str]]:
    """A `fit_table` as text cells (see TARGET_HEADER), for markdown and the terminal."""
    rows = []
    for r in table.itertuples(index=False):
        label, kind = describe(r.variable)
        role = f"{r.role}, required" if r.required else r.role
        rows.append(
            [
                label,
                r.quarter,
                format_value(r.observed, kind),
                format_value(r.model_mean, kind),
                format_band(r.model_p05, r.model_p95, kind),
                error_text(r),
                tolerance_text(r),
                r.kind.replace("_", " "),
                role,
                "✓" if r.within else "✗",
            ]
        )
    return rows


def fit_markdown(table: pd.DataFrame) -> str:
    """The `fit_table` comparison as markdown: one row per target, ✓ when it passes."""
    within = int(table["within"].sum())
    summary = f"{within} of {len(table)} targets within tolerance "
    summary += "(errors relative to the observed value, or in share points (pp) for shares; "
    summary += "a bound passes on its open side)."
    return markdown_table(TARGET_HEADER, target_rows(table)) + "\n\n" + summary


def _scenarios(results: pd.DataFrame) -> list[str]:
    return [str(s) for s in dict.fromkeys(results["scenario"])]


def _last_quarter(rows: pd.DataFrame) -> str:
    return max(rows["quarter"].unique(), key=parse_quarter)


def run_summary(results: pd.DataFrame) -> str:
    """Scenarios, runs, seeds and quarters covered, as a sentence and a table."""
    rows = []
    total_runs = 0
    for scenario in _scenarios(results):
        subset = results[results["scenario"] == scenario]
        runs = subset[["run_id", "seed"]].drop_duplicates().sort_values("run_id")
        total_runs += len(runs)
        seeds = [str(s) for s in runs["seed"]]
        # Seeds are long integers: list a few, count the rest.
        shown = ", ".join(seeds) if len(seeds) <= 5 else f"{', '.join(seeds[:3])}, … ({len(seeds)})"
        quarters = sorted(subset["quarter"].unique(), key=parse_quarter)
        span = f"{quarters[0]}–{quarters[-1]} ({len(quarters)})"
        rows.append([scenario, str(len(runs)), shown, span])
    count = len(rows)
    intro = f"{count} scenario{'s' if count > 1 else ''}, {total_runs} runs in all."
    return intro + "\n\n" + markdown_table(["Scenario", "Runs", "Seeds", "Quarters"], rows)


def key_figures(results: pd.DataFrame) -> str:
    """Median and 5-95% band over runs of the main variables at each scenario's last quarter."""
    scenarios = _scenarios(results)
    last = {s: _last_quarter(results[results["scenario"] == s]) for s in scenarios}
    header = ["Variable"]
    for s in scenarios:
        header += [f"{s} median", f"{s} 5–95%"] if len(scenarios) > 1 else ["Median", "5–95%"]
    rows = []
    for variable in VARIABLES:
        label, kind = describe(variable)
        row = [label]
        for s in scenarios:
            mask = results["scenario"].eq(s) & results["quarter"].eq(last[s])
            values = results.loc[mask & results["variable"].eq(variable), "value"].to_numpy()
            if len(values) == 0:
                row += ["—", "—"]
                continue
            low, mid, high = np.quantile(values, [charts.BAND[0], 0.5, charts.BAND[1]])
            row += [format_value(float(mid), kind), format_band(float(low), float(high), kind)]
        if any(cell != "—" for cell in row[1:]):
            rows.append(row)
    quarters = ", ".join(sorted(set(last.values()), key=parse_quarter))
    return f"At {quarters}.\n\n" + markdown_table(header, rows)


def write_figures(results: pd.DataFrame, figure_dir: Path) -> list[tuple[str, str]]:
    """Draw and save every chart in `charts.CHARTS`; returns (file name, caption) pairs."""
    written = []
    for name, chart in charts.CHARTS.items():
        path = charts.save_figure(chart(results), figure_dir / f"{name}.png")
        written.append((path.name, CAPTIONS.get(name, name.replace("_", " ") + ".")))
    return written


def write_report(
    results: pd.DataFrame, out_dir: Path, *, title: str, notes: list[str] | None = None
) -> Path:
    """Write `out_dir/report.md` and its charts in `out_dir/figures/`; returns the report path.

    Works for one scenario or several (one fit table each). The charts are written
    before the markdown, so the report never names a figure that is not there.
    """
    if results.empty:
        raise ValueError("the results table is empty: there is nothing to report")
    out_dir = Path(out_dir)
    figures = write_figures(results, out_dir / FIGURE_DIR)
    parts = [f"# {title}", "## Runs", run_summary(results)]
    if notes:
        parts += ["## Notes", "\n".join(f"- {note}" for note in notes)]
    scenarios = _scenarios(results)
    for scenario in scenarios:
        heading = "## Fit to observed facts"
        parts.append(heading + (f": {scenario}" if len(scenarios) > 1 else ""))
        parts.append(fit_markdown(fit_table(results[results["scenario"] == scenario])))
    parts += ["## Key figures at the last quarter", key_figures(results), "## Figures"]
    parts.append(
        "Lines are medians over runs, shaded bands the 5–95% range over runs and black "
        "dots the observed facts; one colour per scenario."
    )
    for number, (file_name, caption) in enumerate(figures, start=1):
        alt = f"Figure {number}: {Path(file_name).stem.replace('_', ' ')}"
        parts.append(f"![{alt}]({FIGURE_DIR}/{file_name})\n\n*Figure {number}. {caption}*")
    from model.reports.provinces_section import provinces_markdown

    provinces = provinces_markdown(results, out_dir / FIGURE_DIR, "province_map.png")
    if provinces:
        parts += ["## Provinces", provinces]
    return write_text(out_dir / "report.md", "\n\n".join(parts) + "\n")
