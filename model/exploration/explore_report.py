"""The explore report: report.md with the design, the outcome, the PRIM boxes (EMA's
trade-off and box plots, a sentence per box) and the CART leaves."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from model.exploration.discovery import Box
from model.exploration.explore import TABLE, ExploreResult
from model.exploration.measures import format_number
from model.exploration.study import Study
from model.io import write_text
from model.reports.charts import save_figure
from model.reports.report import markdown_table

FIGURES = "figures"


def write_explore_report(result: ExploreResult, out: Path, where: str) -> Path:
    """Write report.md and its figures into `out`; returns the report's path."""
    shutil.rmtree(out / FIGURES, ignore_errors=True)  # no stale chart survives a rerun
    sections = [
        f"# Explore: {result.study.name}",
        result.study.spec.description.strip(),
        design_section(result, where),
        outcome_section(result),
        prim_section(result, out),
        cart_section(result),
        files_section(),
    ]
    return write_text(out / "report.md", "\n\n".join(s for s in sections if s) + "\n")


def design_section(result: ExploreResult, where: str) -> str:
    """What was run: base scenario, scale, design, seeds, where and how long."""
    spec = result.study.spec
    lines = [
        "## What was run",
        "",
        f"Base scenario `{spec.scenario}` at scale {spec.scale:g} of the 1:1 population; "
        f"{spec.samples} Latin-hypercube points over the uncertainties and levers together "
        f"(base seed {spec.base_seed}) × {spec.seeds_per_point} seed(s) = {result.runs} runs, "
        f"in {where}: {result.seconds:.0f} s of runs in this invocation (runs already in the "
        "folder are not run again), "
        f"{result.analysis_seconds:.1f} s for PRIM and CART.",
    ]
    if result.failed:
        lines.append(f"\n{result.failed} runs failed and are left out (see `failures/`).")
    lines += ["", variables_table(result.study)]
    return "\n".join(lines)


def variables_table(study: Study) -> str:
    """One row per uncertainty and lever."""
    rows = [
        [v.text, f"`{v.name}`", v.role, f"{v.low:g} – {v.high:g}", v.distribution]
        for v in study.variables
    ]
    return markdown_table(["variable", "key", "role", "range", "distribution"], rows, left=3)


def outcome_section(result: ExploreResult) -> str:
    """How often the outcome of interest happens, and the outcome's spread."""
    points = result.analysed
    values = points[result.condition.measure.name].to_numpy()
    cases = int(points["of_interest"].sum())
    if not len(values):
        return "## The outcome\n\nNo run finished, so there is nothing to analyse."
    low, middle, high = np.percentile(values, [5, 50, 95])
    return "\n".join(
        [
            "## The outcome",
            "",
            f"**{cases} of {len(points)} sampled points ({cases / len(points):.0%}) end with "
            f"{result.condition.text}.** Across all points the outcome has median "
            f"{format_number(middle)} (5–95%: {format_number(low)} – {format_number(high)}).",
            *[f"\n{note}." for note in result.notes],
        ]
    )


def box_sentence(box: Box, result: ExploreResult, kind: str = "Box") -> str:
    """The box in plain words."""
    total = int(result.analysed["of_interest"].sum())
    where = " and ".join(limit.text for limit in box.limits) or "anywhere"
    goal = "" if box.dense_enough else " (below the density goal: no denser box was found)"
    if box.dropped:
        names = ", ".join(v.text for v in box.dropped)
        goal += f" (restrictions on {names} dropped: not significant)"
    return (
        f"**{kind} {box.number}**: when {where}, {box.cases} of the {box.points} points in the "
        f"box ({box.density:.0%}, the density) end with {result.condition.text}{goal}; the box "
        f"holds {box.cases} of all {total} such points ({box.coverage:.0%}, the coverage) and "
        f"{box.mass:.0%} of all points."
    )


def summary_table(boxes: list[Box], kind: str) -> str:
    """Coverage, density, mass and conditions of each box."""
    rows = [
        [
            f"{kind} {b.number}",
            "; ".join(limit.text for limit in b.limits) or "(none)",
            f"{b.coverage:.0%}",
            f"{b.density:.0%}",
            f"{b.mass:.0%}",
            str(b.points),
        ]
        for b in boxes
    ]
    header = [kind.lower(), "conditions", "coverage", "density", "mass", "points"]
    return markdown_table(header, rows, left=2)


def limits_table(box: Box) -> str:
    """Each restricted dimension with its limits and quasi-p values."""
    rows = []
    for limit in box.limits:
        rows.append(
            [
                limit.variable.text,
                limit.low_text,
                limit.high_text,
                _qp(limit.qp_low),
                _qp(limit.qp_high),
            ]
        )
    return markdown_table(["variable", "from", "to", "qp (from)", "qp (to)"], rows)


def _qp(value: float) -> str:
    return "–" if not np.isfinite(value) or value < 0 else f"{value:.2g}"


def prim_section(result: ExploreResult, out: Path) -> str:
    """The PRIM boxes: summary table, a sentence and limits per box, EMA's figures."""
    if not result.prim:
        return "## PRIM boxes\n\nPRIM found no box (see the outcome above)."
    spec = result.study.spec.prim
    lines = [
        "## PRIM boxes",
        "",
        f"EMA Workbench's PRIM (peel α {spec.peel_alpha:g}, paste α {spec.paste_alpha:g}, "
        f"smallest box {spec.mass_min:.0%} of the points) over all uncertainties and levers. "
        f"On each peeling trajectory the widest box at least {spec.min_density:.0%} dense is "
        "chosen, then restrictions none of whose limits has a quasi-p value of at most "
        f"{spec.max_qp:g} are dropped, weakest first (quasi-p values are one-sided binomial "
        "tests of each limit, Bryant and Lempert 2010). Each further box is sought among the "
        "points outside the earlier ones.",
        "",
        summary_table(result.prim, "Box"),
    ]
    for box in result.prim:
        lines += ["", f"### Box {box.number}", "", box_sentence(box, result), ""]
        if box.limits:
            lines += [limits_table(box), ""]
        lines += _figures(box, out)
    return "\n".join(lines)


def _figures(box: Box, out: Path) -> list[str]:
    """Save EMA's figures of a box (then close them: EMA draws them with pyplot)."""
    import matplotlib.pyplot as plt

    captions = {
        "tradeoff": "Coverage against density along the peeling trajectory (EMA's trade-off "
        "plot; colour: restricted dimensions; ringed: the box reported, after pruning)",
        "limits": "The box's limits within each variable's range, with quasi-p values",
    }
    lines = []
    for name, fig in box.figures.items():
        path = out / FIGURES / f"prim_box{box.number}_{name}.png"
        save_figure(fig, path)
        plt.close(fig)
        lines.append(f"![{captions[name]}]({FIGURES}/{path.name})\n\n_{captions[name]}._\n")
    return lines


def cart_section(result: ExploreResult) -> str:
    """The CART leaves where the outcome of interest is the majority."""
    if not result.cart:
        return "## CART\n\nNo CART leaf holds a majority of cases of interest."
    lines = [
        "## CART",
        "",
        f"EMA Workbench's CART (smallest leaf {result.study.spec.cart.mass_min:.0%} of the "
        "points, seeded): the leaves where most points meet the condition, widest first.",
        "",
        summary_table(result.cart, "Leaf"),
        "",
    ]
    lines += [box_sentence(leaf, result, "Leaf") + "\n" for leaf in result.cart]
    return "\n".join(lines)


def files_section() -> str:
    """Where the tables are."""
    return (
        "## Files\n\n"
        f"- `{TABLE}`: EMA Workbench's experiments table (one row per point) with the outcome "
        "and whether it is a case of interest; `pandas.read_parquet` reads it.\n"
        "- `results/`: every run's tidy rows (a partitioned Parquet dataset, as `sweep` writes); "
        "rerunning the command resumes it.\n"
        f"- `{FIGURES}/`: EMA Workbench's PRIM figures."
    )
