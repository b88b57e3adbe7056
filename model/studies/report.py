"""The event study's outputs: effect.json, event_time.csv, the chart and report.md."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from model.evidence.facts import facts
from model.io import write_text
from model.reports.charts import new_figure, save_figure
from model.reports.report import markdown_table
from model.studies.effect import AFTER, BEFORE

FIGURE = "figures/event_study.png"
LITERATURE_KEY = "entity_list_patent_effect"  # the published estimate, in the package facts


def literature() -> dict:
    """The published Entity-List patent effect to read the simulated one against."""
    row = facts()[facts()["key"] == LITERATURE_KEY].iloc[0]
    return {
        "patent_applications_pct": float(row["value"]),
        "description": row["description"],
        "source_url": row["source_url"],
    }


def event_study_chart(table: pd.DataFrame) -> Figure:
    """Applications of listed firms and matched controls, and their gap with a band."""
    fig = new_figure(9.0, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    t = table.index.to_numpy()
    top.plot(t, table["treated"], marker="o", color="#D55E00", label="listed SMEs")
    top.plot(t, table["control"], marker="o", color="#0072B2", label="matched controls")
    top.set_ylabel("invention patent applications\nper firm and quarter")
    top.legend(fontsize="small")
    bottom.fill_between(t, table["gap_low"], table["gap_high"], color="#D55E00", alpha=0.2)
    bottom.plot(t, table["gap"], marker="o", color="#D55E00", label="listed minus controls")
    bottom.axhline(0.0, color="black", lw=0.8)
    bottom.set_ylabel("difference (95% interval)")
    bottom.set_xlabel("quarters relative to listing (0 = listing quarter)")
    for ax in (top, bottom):
        ax.axvline(-0.5, color="grey", ls=":", lw=1)
        ax.grid(alpha=0.3)
    top.set_title("Entity-List listing and patent applications: simulated event study")
    return fig


def write_study(out: Path, effect: dict, table: pd.DataFrame, context: dict) -> Path:
    """effect.json, event_time.csv, the chart and report.md in `out`; returns the report."""
    published = literature()
    record = {**effect, **context, "literature": published}
    write_text(out / "effect.json", json.dumps(record, indent=2) + "\n")
    write_text(out / "event_time.csv", table.to_csv(float_format="%.6g"))
    save_figure(event_study_chart(table), out / FIGURE)
    rows = [
        [str(e), f"{r.treated:.3f}", f"{r.control:.3f}", f"{r.gap:+.3f}", str(int(r.firms))]
        for e, r in table.iterrows()
    ]
    pct = effect["patent_applications_pct"]
    lines = [
        "# Entity-List event study (simulated)",
        "",
        f"_Command: `{context['command']}`; scenario {context['scenario']}, scale "
        f"{context['scale']:g}, {context['seeds']} seed{'s' if context['seeds'] != 1 else ''}._",
        "",
        f"Listing on the Entity List changes a listed SME's invention patent applications "
        f"by **{pct:+.1f}%** (95% interval {effect['ci_low_pct']:+.1f}% to "
        f"{effect['ci_high_pct']:+.1f}%), against {effect['control_firms']} matched "
        f"never-listed SMEs of the same fields and titles (nearest on capability, size, "
        f"knowledge stock and applications in the year before), over "
        f"{effect['treated_firms']} listed firms. "
        f"Difference in differences: quarters {AFTER[0]} to {AFTER[1]} after against "
        f"{BEFORE[0]} to {BEFORE[1]} before, relative to the controls' level after.",
        "",
        f"For reading, not fitted: with firm data, {published['patent_applications_pct']:+.1f}% "
        f"({published['description']}; [source]({published['source_url']})). The model's "
        "channel sizes are set from their own sources (docs/odd.md), so this effect is a "
        "result, not a target.",
        "",
        f"![event study]({FIGURE})",
        "",
        markdown_table(["quarter", "listed", "controls", "difference", "firms"], rows),
        "",
    ]
    return write_text(out / "report.md", "\n".join(lines))
