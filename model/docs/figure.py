"""The quarter's flow as a figure: the phases of `Economy.step` in order (left) and,
for each, the state it reads and writes (a phase x state grid, right).

Drawn from `model.docs.flow.flow_rows`, so it changes only when the code does. The
PNG carries a fingerprint of what it shows (a text chunk), which lets
`littlegiants docs --check` tell a stale figure from a current one without
comparing pixels (those differ between machines with other fonts).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from model.docs.flow import ROWS, FlowRow
from model.reports.charts import new_figure, save_figure
from model.simulation.population import COLUMNS

FINGERPRINT_KEY = "littlegiants-flow"
DPI = 110
# none, read, write, read and write (colour-blind-safe blue / orange / vermilion).
COLOURS = ("#ffffff", "#9ecae1", "#fdb863", "#d7301f")
LABELS = {ROWS: "rows (entry, exit)"}
BOX_STYLE = "round,pad=0.0,rounding_size=0.08"
BOX_COLOURS = {"facecolor": "#f0f0f0", "edgecolor": "#555555"}


def fingerprint(rows: list[FlowRow], columns: list[str]) -> str:
    """A short hash of what the figure shows."""
    content = json.dumps(
        [[(r.label, r.comment, r.reads, r.writes) for r in rows], columns], sort_keys=True
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def grid(rows: list[FlowRow], columns: list[str]) -> np.ndarray:
    """0 untouched, 1 read, 2 written, 3 both; one row per phase, one column per state."""
    codes = np.zeros((len(rows), len(columns)), dtype=int)
    for i, row in enumerate(rows):
        for j, name in enumerate(columns):
            codes[i, j] = (name in row.reads) + 2 * (name in row.writes)
    return codes


def flow_figure(rows: list[FlowRow], columns: list[str]) -> Figure:
    """Phases in order with arrows, beside the grid of what each reads and writes."""
    fig = new_figure(4.2 + 0.2 * len(columns), 1.2 + 0.55 * len(rows))
    flow, matrix = fig.subplots(1, 2, width_ratios=[4.0, 0.2 * len(columns)])
    _draw_flow(flow, rows)
    _draw_grid(matrix, rows, columns)
    fig.suptitle("One quarter: Economy.step() in order, and the state each phase reads / writes")
    return fig


def _draw_flow(ax: Axes, rows: list[FlowRow]) -> None:
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axis("off")
    for i, row in enumerate(rows):
        box = FancyBboxPatch((0.02, i - 0.3), 0.96, 0.6, boxstyle=BOX_STYLE, **BOX_COLOURS)
        ax.add_patch(box)
        call = row.label.replace("(self)", "()")
        ax.text(0.05, i - 0.1, f"{i + 1}. {call}", fontsize=8.5, weight="bold", va="center")
        ax.text(0.05, i + 0.15, row.comment, fontsize=7.5, va="center", color="#333333")
        if i:
            arrow = FancyArrowPatch(
                (0.5, i - 0.7), (0.5, i - 0.3), arrowstyle="-|>", mutation_scale=9
            )
            ax.add_patch(arrow)


def _draw_grid(ax: Axes, rows: list[FlowRow], columns: list[str]) -> None:
    ax.imshow(grid(rows, columns), cmap=ListedColormap(COLOURS), vmin=0, vmax=3, aspect="auto")
    ax.set_yticks(range(len(rows)), [""] * len(rows))
    ax.set_xticks(range(len(columns)), [LABELS.get(c, c) for c in columns], rotation=90)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelsize=7.5, length=0)
    ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    firm_columns = sum(1 for c in columns if c in COLUMNS or c == ROWS)
    ax.axvline(firm_columns - 0.5, color="black", linewidth=1.2)
    ax.set_xlabel(
        "left of the black line: SME population columns (one value per firm); "
        "right: large firms, supply network, policy, government and the economy"
    )
    meanings = ("reads", "writes", "reads and writes")
    handles = [Patch(color=c, label=m) for c, m in zip(COLOURS[1:], meanings, strict=True)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3)


def write_flow_figure(path: Path, rows: list[FlowRow], columns: list[str]) -> Path:
    """Draw and save the PNG atomically, with the fingerprint in its metadata."""
    fig = flow_figure(rows, columns)
    metadata = {FINGERPRINT_KEY: fingerprint(rows, columns), "Software": None}
    return save_figure(fig, path, dpi=DPI, metadata=metadata)


def figure_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in a PNG written by `write_flow_figure` (None if absent)."""
    from PIL import Image

    if not path.exists():
        return None
    with Image.open(path) as image:
        return image.info.get(FINGERPRINT_KEY)
