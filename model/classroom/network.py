"""The classroom's network picture: a fixed sample of large buyers and their SME suppliers,
placed so that only new or lost links change between quarters, and the inverse: which
firm a click on the picture points at."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from model.classroom.figures import FONT, STATUS_COLOURS, STATUS_LABELS, WIDTH, figure, now_label
from model.classroom.session import ClassroomEconomy, NetworkSample, network_sample

CLICK_RADIUS = 0.03  # a click this close to a dot (share of the picture's width) picks it

CLUSTER_SPACING = 2.3  # distance between the centres of two fields' clusters


def node_positions(
    model: ClassroomEconomy, sample: NetworkSample
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fixed places: one cluster per field (two columns), its buyers side by side in the
    middle and their suppliers around them (between them if they supply both).

    A supplier's place depends only on its firm id and its buyers, so it stays put from
    quarter to quarter and only new or lost links change the picture.
    """
    fields = list(dict.fromkeys(int(model.buyers.sector[b]) for b in sample.buyers))
    rows = []
    for buyer in sample.buyers:
        field = int(model.buyers.sector[buyer])
        position = fields.index(field)
        cx = (position % 2 - 0.5) * CLUSTER_SPACING
        cy = -(position // 2 - (len(fields) - 1) // 2 / 2) * CLUSTER_SPACING
        peers = [b for b in sample.buyers if model.buyers.sector[b] == field]
        offset = (peers.index(buyer) - (len(peers) - 1) / 2) * 0.5
        rows.append({"buyer": int(buyer), "field": field, "x": cx + offset, "y": cy, "cx": cx})
    buyers = pd.DataFrame(rows)
    ids = sample.suppliers["firm_id"].to_numpy(dtype=np.uint64)
    # Multiplicative hashing of the id: a stable spread, not a random draw.
    angle = ((ids * np.uint64(2654435761)) % np.uint64(2**32)).astype(float) / 2**32 * 2 * np.pi
    radius = 0.42 + 0.45 * ((ids * np.uint64(40503)) % np.uint64(997)).astype(float) / 997
    where = buyers.set_index("buyer")
    centre_x = [np.mean([where.loc[b, "x"] for b in bs]) for bs in sample.suppliers["buyers"]]
    centre_y = [where.loc[bs[0], "y"] for bs in sample.suppliers["buyers"]]
    suppliers = sample.suppliers.assign(
        x=np.array(centre_x) + radius * np.cos(angle),
        y=np.array(centre_y) + radius * np.sin(angle),
    )
    return buyers, suppliers


def network_figure(model: ClassroomEconomy, sample: NetworkSample | None = None) -> Figure:
    """Sampled large firms (squares) and their SME suppliers (dots, coloured by title)."""
    sample = sample or network_sample(model)
    buyers, suppliers = node_positions(model, sample)
    fig = figure(WIDTH, 4.4, bottom=0.45, right=0.0)
    fig.subplots_adjust(left=0.0, top=1 - 0.3 / 4.4)
    ax = fig.add_subplot()
    ends = sample.links.merge(buyers, on="buyer").merge(suppliers, on="firm_id")
    segments = np.stack([ends[["x_x", "y_x"]].to_numpy(), ends[["x_y", "y_y"]].to_numpy()], 1)
    ax.add_collection(LineCollection(segments, colors="#999999", lw=0.6, alpha=0.6, zorder=1))
    for status, colour in STATUS_COLOURS.items():
        part = suppliers[suppliers["status"] == status]
        label = f"{STATUS_LABELS[status]} ({len(part)})"
        ax.scatter(
            part["x"],
            part["y"],
            s=30,
            color=colour,
            edgecolor="white",
            lw=0.5,
            zorder=3,
            label=label,
        )
    _draw_buyers(ax, model, buyers)
    followed = suppliers[suppliers["firm_id"] == model.followed_firm_id]
    ax.scatter(
        followed["x"], followed["y"], s=150, facecolor="none", edgecolor="black", lw=2, zorder=4
    )
    half = CLUSTER_SPACING / 2 + 1.0
    rows = (buyers["field"].nunique() + 1) // 2
    ax.set_xlim(-half, half)
    ax.set_ylim(-half - (rows - 2) * CLUSTER_SPACING / 2, half + 0.35)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.legend(
        fontsize=FONT - 2,
        loc="lower center",
        ncols=3,
        frameon=False,
        columnspacing=0.8,
        handletextpad=0.2,
    )
    ax.set_title(
        f"{len(sample.links)} supply links of {len(buyers)} large firms — {now_label(model)}",
        fontsize=FONT + 1,
    )
    return fig


def _draw_buyers(ax: Axes, model: ClassroomEconomy, buyers: pd.DataFrame) -> None:
    """Squares for buyers; above each field's cluster its name and share bought abroad."""
    sectors = model.params.population.sectors
    ax.scatter(buyers["x"], buyers["y"], marker="s", s=130, color="#444444", zorder=4)
    for field, group in buyers.groupby("field", sort=False):
        foreign = model.buyers.foreign_share[group["buyer"].to_numpy()].mean()
        name = sectors[field].name.replace("_", " ")
        ax.text(
            group["cx"].iloc[0],
            group["y"].iloc[0] + 0.9,
            f"{name}\n{foreign:.0%} bought abroad",
            ha="center",
            va="bottom",
            fontsize=FONT - 1,
            color="#222222",
        )


def pick_firm(model: ClassroomEconomy, fig: Figure, x: float, y: float) -> int | None:
    """The supplier whose dot is nearest to a click at (x, y) of the network picture
    (fractions of its width and height from the top left), or None if none is near."""
    _, suppliers = node_positions(model, network_sample(model))
    if suppliers.empty:
        return None
    fig.draw_without_rendering()  # lays the figure out as in its PNG: final transforms
    pixels = fig.axes[0].transData.transform(suppliers[["x", "y"]].to_numpy())
    width, height = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    dx = pixels[:, 0] / width - x
    dy = (1.0 - pixels[:, 1] / height - y) * height / width  # in units of the width
    distance = np.hypot(dx, dy)
    nearest = int(np.argmin(distance))
    return int(suppliers["firm_id"].iloc[nearest]) if distance[nearest] <= CLICK_RADIUS else None
