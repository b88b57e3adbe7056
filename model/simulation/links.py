"""Supplier links between SMEs (rows of the population) and large buyers.

Stored as one sorted int64 key per link, key = sme_row * n_buyers + buyer, so
duplicates are found by binary search and compaction keeps the order; `since`
holds the quarter each link was formed (a new supplier must qualify before it can
replace a foreign input).
"""

from __future__ import annotations

import numpy as np


class Links:
    """The SME-to-large-firm supply network."""

    def __init__(self, n_buyers: int) -> None:
        self.n_buyers = n_buyers
        self.keys = np.zeros(0, dtype=np.int64)
        self.since = np.zeros(0, dtype=np.int32)
        self._split_of: np.ndarray | None = None  # the keys `_sme` and `_buyer` belong to
        self._sme = self._buyer = self.keys

    def __len__(self) -> int:
        return len(self.keys)

    def _split(self) -> None:
        # Keys are only ever replaced, never changed in place: divide once per new keys.
        if self._split_of is not self.keys:
            self._sme, self._buyer = np.divmod(self.keys, self.n_buyers)
            self._split_of = self.keys

    @property
    def sme(self) -> np.ndarray:
        """Population row of each link's supplier."""
        self._split()
        return self._sme

    @property
    def buyer(self) -> np.ndarray:
        """Index of each link's large buyer."""
        self._split()
        return self._buyer

    def clear(self) -> None:
        """Remove every link."""
        self.keys, self.since = self.keys[:0], self.since[:0]

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the links where `mask` is true."""
        sme, buyer = self.sme[mask], self.buyer[mask]
        self.keys, self.since = self.keys[mask], self.since[mask]
        self._sme, self._buyer, self._split_of = sme, buyer, self.keys

    def add(self, sme_rows: np.ndarray, buyers: np.ndarray, quarter: int = 0) -> int:
        """Add links formed in `quarter`, skipping pairs that already exist; returns how
        many were new."""
        new = np.sort(sme_rows.astype(np.int64) * self.n_buyers + buyers)
        new = new[np.concatenate(([True], new[1:] != new[:-1]))] if len(new) else new
        position = np.searchsorted(self.keys, new)
        inside = position < len(self.keys)
        exists = np.zeros(len(new), dtype=bool)
        exists[inside] = self.keys[position[inside]] == new[inside]
        new, position = new[~exists], position[~exists]
        self.keys = np.insert(self.keys, position, new)
        self.since = np.insert(self.since, position, np.int32(quarter))
        return len(new)

    def remap(self, new_row: np.ndarray) -> None:
        """Follow a population compaction (old row -> new row, -1 if dropped)."""
        rows = new_row[self.sme]
        kept = rows >= 0
        self.keys = rows[kept] * self.n_buyers + self.buyer[kept]
        self.since = self.since[kept]

    def customers_per_firm(self, n_firms: int) -> np.ndarray:
        """Number of large customers of each population row."""
        return np.bincount(self.sme, minlength=n_firms).astype(np.int32)

    def suppliers_per_buyer(self) -> np.ndarray:
        """Number of SME suppliers of each buyer."""
        return np.bincount(self.buyer, minlength=self.n_buyers)

    def suppliers_of(self, buyer: int) -> np.ndarray:
        """Population rows supplying one buyer."""
        return self.sme[self.buyer == buyer]
