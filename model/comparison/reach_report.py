"""The unidentified-parameters study's outputs: reach.csv, a chart and report.md."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from model.comparison.reach import SMALL_SHARE, as_share, parameter_verdicts, summary_counts
from model.io import write_text
from model.reports.charts import new_figure, save_figure
from model.reports.report import markdown_table

FIGURE = "figures/reach.png"


def _short(name: str) -> str:
    return name.split(".", 1)[-1]


def reach_chart(table: pd.DataFrame) -> Figure:
    """Per scenario: each parameter's reach with its 95% interval, against the shaded band
    of +-SMALL_SHARE x the effect at the calibrated point."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    parameters = list(dict.fromkeys(table["parameter"]))
    fig = new_figure(4.0 * len(scenarios) + 2.5, 0.45 * len(parameters) + 1.8)
    axes = np.atleast_1d(fig.subplots(1, len(scenarios), sharey=True, squeeze=False).ravel())
    y = np.arange(len(parameters))
    for ax, scenario in zip(axes, scenarios, strict=True):
        rows = table[table["scenario"] == scenario].set_index("parameter").loc[parameters]
        bound = SMALL_SHARE * abs(float(rows["effect"].iloc[0]))
        ax.axvspan(-bound, bound, color="#009E73", alpha=0.15, lw=0)
        errors = [rows["reach"] - rows["reach_low"], rows["reach_high"] - rows["reach"]]
        ax.errorbar(rows["reach"], y, xerr=errors, fmt="o", color="#0072B2", capsize=3)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_title(f"{scenario}\n(effect {rows['effect'].iloc[0]:+,.0f})", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:+,.0f}"))
    axes[0].set_yticks(y, [_short(p) for p in parameters], fontsize=8)
    variable, quarter = table["variable"].iloc[0], table["quarter"].iloc[0]
    fig.supxlabel(f"change of the effect on {variable} ({quarter}), posterior 5% to 95% value")
    fig.suptitle(
        f"Unidentified parameters: how far each moves the policy effects "
        f"(green: within {SMALL_SHARE:.0%} of the effect)"
    )
    return fig


def _rows(table: pd.DataFrame) -> list[list[str]]:
    shares = as_share(table)
    return [
        [
            f"`{_short(r.parameter)}`",
            f"{r.value_low:.3g}–{r.value_high:.3g}",
            r.scenario,
            f"{r.effect:+,.0f}",
            f"{r.effect_low_value:+,.0f} / {r.effect_high_value:+,.0f}",
            f"{r.reach:+,.0f} [{r.reach_low:+,.0f}, {r.reach_high:+,.0f}]",
            "" if np.isnan(share) else f"{share:+.0%}",
            r.verdict,
        ]
        for r, share in zip(table.itertuples(), shares, strict=True)
    ]


def write_reach_study(out: Path, table: pd.DataFrame, context: dict) -> Path:
    """reach.csv, summary.json, the chart and report.md in `out`; returns the report."""
    write_text(out / "reach.csv", table.to_csv(index=False, float_format="%.6g"))
    verdicts = parameter_verdicts(table)
    record = {**context, "verdicts": summary_counts(table), "parameters": verdicts.to_dict()}
    write_text(out / "summary.json", json.dumps(record, indent=2) + "\n")
    save_figure(reach_chart(table), out / FIGURE)
    counts = summary_counts(table)
    lines = [
        "# Do the unidentified parameters change the policy answers?",
        "",
        f"Each parameter the calibration leaves unidentified is set to its posterior 5% and "
        f"95% values in turn (all others at the calibrated point), and every policy scenario "
        f"is compared with `{context['reference']}` at both, {context['seeds']} seeds at "
        f"scale {context['scale']:g} with common random numbers. Reach: the change of the "
        f"effect between the two values, mean over seeds [95% interval]. *does not matter*: "
        f"the interval lies within ±{SMALL_SHARE:.0%} of the effect at the calibrated point; "
        "*matters*: it excludes zero and the reach is larger than that; *unresolved*: "
        "neither. Command: `" + context["command"] + f"` ({context['seconds']:.0f} s).",
        "",
        f"Pairs: {counts['does not matter']} do not matter, {counts['matters']} matter, "
        f"{counts['unresolved']} unresolved.",
        "",
        markdown_table(
            [
                "parameter",
                "posterior 5–95%",
                "scenario",
                "effect at the point",
                "effect at 5% / 95%",
                "reach [95%]",
                "reach / effect",
                "verdict",
            ],
            _rows(table),
        ),
        "",
        "Per parameter, over the scenarios: "
        + "; ".join(f"`{_short(p)}` {v}" for p, v in verdicts.items())
        + ".",
        "",
        f"![reach]({FIGURE})",
        "",
    ]
    return write_text(out / "report.md", "\n".join(lines))
