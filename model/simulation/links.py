"""Supplier links between SMEs (rows of the population) and large buyers.

Stored as one sorted int64 key per link, key = sme_row * n_buyers + buyer, so
duplicates are found by binary search and compaction keeps the order; `since`
holds the quarter each link was formed (a new supplier must qualify before it can
replace a foreign input).
"""

from __future__ import annotations

import numpy as np

from model.simulation.compiled import kernel


@kernel
def _merged(keys, since, sme, buyer, new, quarter, n_buyers):
    """Existing links (sorted, with their `since`, supplier and buyer) and sorted new keys
    as one sorted list without repeats, a new link formed in `quarter`: one pass over both,
    as a merge. Returns (keys, since, sme, buyer, number of new links)."""
    size = len(keys) + len(new)
    out_keys = np.empty(size, dtype=np.int64)
    out_since = np.empty(size, dtype=np.int32)
    out_sme = np.empty(size, dtype=np.int64)
    out_buyer = np.empty(size, dtype=np.int64)
    i = j = k = 0
    while i < len(keys) or j < len(new):
        if j == len(new) or (i < len(keys) and keys[i] <= new[j]):
            out_keys[k], out_since[k] = keys[i], since[i]
            out_sme[k], out_buyer[k] = sme[i], buyer[i]
            i += 1
        elif k > 0 and out_keys[k - 1] == new[j]:  # a pair already there, or drawn twice
            j += 1
            continue
        else:
            out_keys[k], out_since[k] = new[j], quarter
            out_sme[k], out_buyer[k] = new[j] // n_buyers, new[j] % n_buyers
            j += 1
        k += 1
    return out_keys[:k], out_since[:k], out_sme[:k], out_buyer[:k], k - len(keys)


@kernel
def _ascending(keys):
    """Non-negative keys in ascending order: a radix sort, 11 bits a pass (a few passes
    over the keys, where numpy's comparison sort takes about 40 ns a key here)."""
    keys, spare = keys.copy(), np.empty_like(keys)
    largest = keys.max() if len(keys) else 0
    shift = 0
    while largest >> shift:
        starts = np.zeros(2049, dtype=np.int64)
        for key in keys:
            starts[((key >> shift) & 2047) + 1] += 1
        for digit in range(2048):
            starts[digit + 1] += starts[digit]
        for key in keys:
            digit = (key >> shift) & 2047
            spare[starts[digit]] = key
            starts[digit] += 1
        keys, spare = spare, keys
        shift += 11
    return keys


@kernel
def _kept(keys, since, sme, buyer, mask):
    """The links where `mask` is true, in order (one pass over the four arrays)."""
    count = 0
    for i in range(len(mask)):
        count += mask[i]
    out = (
        np.empty(count, dtype=np.int64),
        np.empty(count, dtype=np.int32),
        np.empty(count, dtype=np.int64),
        np.empty(count, dtype=np.int64),
    )
    k = 0
    for i in range(len(mask)):
        if mask[i]:
            out[0][k], out[1][k], out[2][k], out[3][k] = keys[i], since[i], sme[i], buyer[i]
            k += 1
    return out


@kernel
def _count_per_row(rows, n_rows):
    """How often each of `n_rows` rows appears in `rows` (an int32 bincount)."""
    counts = np.zeros(n_rows, dtype=np.int32)
    for row in rows:
        counts[row] += 1
    return counts


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
        # Keys are only ever replaced, never changed in place: divide once per new keys
        # (the methods here carry the pieces along; this is for keys set from outside).
        if self._split_of is not self.keys:
            self._sme, self._buyer = np.divmod(self.keys, self.n_buyers)
            self._split_of = self.keys

    def _set(self, keys: np.ndarray, since: np.ndarray, sme: np.ndarray, buyer: np.ndarray) -> None:
        self.keys, self.since = keys, since
        self._sme, self._buyer, self._split_of = sme, buyer, keys

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
        self._set(*_kept(self.keys, self.since, self.sme, self.buyer, mask))

    def add(self, sme_rows: np.ndarray, buyers: np.ndarray, quarter: int = 0) -> int:
        """Add links formed in `quarter`, skipping pairs that already exist; returns how
        many were new."""
        new = _ascending(sme_rows.astype(np.int64) * self.n_buyers + buyers)
        *merged, added = _merged(
            self.keys, self.since, self.sme, self.buyer, new, quarter, self.n_buyers
        )
        self._set(*merged)
        return added

    def remap(self, new_row: np.ndarray) -> None:
        """Follow a population compaction (old row -> new row, -1 if dropped)."""
        rows = new_row[self.sme]
        kept = rows >= 0
        sme, buyer = rows[kept], self.buyer[kept]
        self._set(sme * self.n_buyers + buyer, self.since[kept], sme, buyer)

    def customers_per_firm(self, n_firms: int) -> np.ndarray:
        """Number of large customers of each population row."""
        return _count_per_row(self.sme, n_firms)

    def suppliers_per_buyer(self) -> np.ndarray:
        """Number of SME suppliers of each buyer."""
        return np.bincount(self.buyer, minlength=self.n_buyers)

    def suppliers_of(self, buyer: int) -> np.ndarray:
        """Population rows supplying one buyer."""
        return self.sme[self.buyer == buyer]
