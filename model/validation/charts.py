"""Charts of the stylized facts: the firm-size distribution and the growth-rate density."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def size_distribution_figure(sizes: np.ndarray, alpha: float) -> Figure:
    """Share of firms at least as large as x, log-log, with the Hill Pareto tail and Zipf."""
    x = np.sort(sizes[sizes > 0])[::-1]
    ranks = np.unique(np.geomspace(1, len(x), 400).astype(int))  # enough points to draw
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.subplots()
    ax.loglog(x[ranks - 1], ranks / len(x), ".", ms=3, color="#0072B2", label="firms")
    tail = max(int(len(x) * 0.05), 2)
    grid = np.geomspace(x[tail], x[0], 50)
    for a, style, name in (
        (alpha, "-", f"Pareto α = {alpha:.2f} (Hill, top 5%)"),
        (1.0, ":", "Zipf α = 1"),
    ):
        ax.loglog(grid, 0.05 * (grid / x[tail]) ** -a, style, color="#D55E00", label=name)
    ax.set_xlabel("Annual revenue, million yuan")
    ax.set_ylabel("Share of firms at least this large")
    ax.set_title("Firm size distribution (last complete year)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def growth_figure(growth: np.ndarray) -> Figure:
    """Density of quarterly log growth rates (log scale) against Gaussian and Laplace fits."""
    g = growth.astype(float)
    low, high = np.quantile(g, [0.0005, 0.9995])
    density, edges = np.histogram(g, bins=120, range=(low, high))
    density = density / (len(g) * np.diff(edges))
    centres = (edges[:-1] + edges[1:]) / 2
    sigma, b = g.std(), np.mean(np.abs(g - np.median(g)))
    gauss = np.exp(-0.5 * ((centres - g.mean()) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
    laplace = np.exp(-np.abs(centres - np.median(g)) / b) / (2 * b)
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.subplots()
    shown = density > 0
    ax.semilogy(centres[shown], density[shown], ".", color="#0072B2", label="model firms")
    ax.semilogy(centres, gauss, "-", color="#009E73", label="Gaussian fit")
    ax.semilogy(centres, laplace, "--", color="#D55E00", label="Laplace fit")
    ax.set_ylim(bottom=max(density[shown].min() / 2, 1e-6))
    ax.set_xlabel("Quarterly log revenue growth, minus the quarter's mean")
    ax.set_ylabel("Density (log scale)")
    ax.set_title("Growth rates of surviving firms")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
