"""The quarter's cash flows by channel (totals), and optionally per firm (net).

Totals feed the finance-by-channel reporters. The per-firm net flow is kept
only when `track_firms` is on (tests check that cash changes equal flows).
"""

from __future__ import annotations

import numpy as np


class Ledger:
    """Every change to a firm's cash is also recorded here, by channel."""

    def __init__(self, track_firms: bool = False) -> None:
        self.track_firms = track_firms
        self.net = np.zeros(0)
        self.totals: dict[str, float] = {}

    def start_quarter(self, n_firms: int) -> None:
        """Forget last quarter's flows."""
        self.net = np.zeros(n_firms if self.track_firms else 0)
        self.totals = {}

    def record(self, rows: slice | np.ndarray | None = None, **flows: np.ndarray) -> None:
        """Add signed flows (M yuan, + into the firm) by channel, for all firms or `rows`
        (a slice or distinct row indexes)."""
        for channel, amount in flows.items():
            if self.track_firms:
                self.net[rows if rows is not None else slice(None)] += amount
            self.totals[channel] = self.totals.get(channel, 0.0) + float(np.sum(amount))

    def add_totals(self, **totals: float) -> None:
        """Add channel totals computed elsewhere (compiled kernels add their per-firm net
        flows to `net` themselves, when it is kept)."""
        for channel, amount in totals.items():
            self.totals[channel] = self.totals.get(channel, 0.0) + float(amount)

    def total(self, channel: str) -> float:
        """This quarter's total of one channel, M yuan (0 if none)."""
        return self.totals.get(channel, 0.0)
