"""The SME population, array-backed: one numpy array per attribute, one row per firm.

Money is in million yuan (M yuan): flows per quarter unless the name says
`annual` or the column sits in a yearly account (`*_y1` = last complete year).
Rows of exited firms keep status DEAD until the year-end compaction drops them.
Assigning to a column (`pop.cash = x`) writes into the backing buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from model.simulation.compiled import kernel

# Rows per block for per-firm arithmetic: a block's columns stay in the CPU cache,
# which makes chains of numpy operations about 2-3 times faster than whole arrays.
BLOCK_ROWS = 65_536
T = TypeVar("T")

DEAD, NONE, INNOVATIVE, PROVINCIAL, NATIONAL = -1, 0, 1, 2, 3
STATUS_NAMES = {
    DEAD: "exited",
    NONE: "none",
    INNOVATIVE: "innovative",
    PROVINCIAL: "provincial",
    NATIONAL: "national",
}

# name -> (dtype, meaning); every column has one value per firm.
COLUMNS: dict[str, tuple[type, str]] = {
    "firm_id": (np.int64, "persistent id"),
    "sector": (np.int8, "index into params.population.sectors"),
    "province": (np.int8, "index into params.population.provinces (in their order)"),
    "zone": (np.bool_, "in a national high-tech zone"),
    "foundational": (np.bool_, "in a foundational field"),
    "key_chain": (np.bool_, "at a key link of an industrial chain"),
    "birth_quarter": (np.int32, "absolute quarter of founding"),
    "exposure": (np.float64, "reliance on foreign technology, 0-1"),
    "main_share": (np.float64, "main-business share of revenue"),
    "niche_market": (np.float64, "national niche market, M yuan per year"),
    "size": (np.float64, "own-market revenue, M yuan per quarter"),
    "volatility": (np.float64, "std. dev. of quarterly log sales shocks at reference size"),
    "revenue": (np.float64, "total revenue this quarter, M yuan"),
    "opex": (np.float64, "operating costs this quarter, M yuan"),
    "rd_intensity": (np.float64, "chosen R&D share of revenue"),
    "rd_spend": (np.float64, "R&D this quarter, M yuan"),
    "rd_stock": (np.float64, "knowledge stock K, M yuan"),
    "capability": (np.float64, "technological capability, 0-1"),
    "tech_access": (np.float64, "foreign technology access, 0-1"),
    "patents": (np.int64, "invention patents owned"),
    "patents_new": (np.int64, "invention patents filed this quarter"),
    "cash": (np.float64, "cash, M yuan"),
    "fixed_assets": (np.float64, "plant and equipment, M yuan"),
    "bank_debt": (np.float64, "bank loans outstanding, M yuan"),
    "ip_debt": (np.float64, "IP-pledge loans outstanding, M yuan"),
    "equity_raised": (np.float64, "equity raised since founding, M yuan"),
    "customers": (np.int32, "large-firm customers"),
    "status": (np.int8, "DEAD, NONE, INNOVATIVE, PROVINCIAL or NATIONAL"),
    "innovative_year": (np.int16, "year listed as innovative SME, 0 if never"),
    "provincial_year": (np.int16, "year of the last provincial listing or review"),
    "national_year": (np.int16, "year of the last national certification or review"),
    "preparing": (np.int8, "status level the firm is preparing an application for"),
    "listed": (np.bool_, "listed on a stock exchange"),
    "board": (np.int8, "exchange board listed on: 0 none, 1 before 2019, 2.. the boards in order"),
    "queue_board": (np.int8, "board whose review the firm waits for, 0 if none"),
    "queue_quarter": (np.int32, "absolute quarter the listing application was accepted"),
    "sanctioned": (np.bool_, "on the US Entity List"),
    "sanction_quarter": (np.int32, "absolute quarter of listing on the Entity List, -1 if never"),
    "vc_backed": (np.bool_, "has raised VC/PE or guidance-fund equity"),
    "support_until": (np.int32, "last quarter of central programme support"),
    "support_payment": (np.float64, "programme award paid per quarter, M yuan"),
    "grants": (np.float64, "fiscal money received this quarter, M yuan"),
    "earmarked": (np.float64, "money raised for plans (equity, awards) not yet spent, M yuan"),
    "rd_budget": (np.float64, "R&D funded for this quarter, M yuan"),
    "constrained": (np.bool_, "cut this quarter's R&D or equipment plans for lack of funds"),
    "rev_ytd": (np.float64, "revenue so far this year"),
    "rev_y1": (np.float64, "revenue last year"),
    "rev_y2": (np.float64, "revenue two years ago"),
    "rev_y3": (np.float64, "revenue three years ago"),
    "rd_ytd": (np.float64, "R&D so far this year"),
    "rd_y1": (np.float64, "R&D last year"),
    "rd_y2": (np.float64, "R&D two years ago"),
    "rd_q1": (np.float64, "R&D one quarter ago"),
    "rd_q2": (np.float64, "R&D two quarters ago"),
    "rd_q3": (np.float64, "R&D three quarters ago"),
    "profit_ytd": (np.float64, "net profit so far this year (after R&D, interest, depreciation)"),
    "profit_y1": (np.float64, "net profit last year"),
    "profit_y2": (np.float64, "net profit two years ago"),
    "equity_ytd": (np.float64, "new equity so far this year"),
    "equity_y1": (np.float64, "new equity last year"),
    "equity_y2": (np.float64, "new equity two years ago"),
    "debt_ratio_ye": (np.float64, "debt-to-assets at the end of last year"),
}


class Population:
    """Columns of equal length backed by growable buffers."""

    def __init__(self, capacity: int) -> None:
        object.__setattr__(self, "n", 0)
        object.__setattr__(self, "_next_id", 0)
        buffers = {name: np.zeros(max(capacity, 1), dtype) for name, (dtype, _) in COLUMNS.items()}
        object.__setattr__(self, "_buffers", buffers)
        self._refresh_views()

    def _refresh_views(self) -> None:
        for name, buffer in self._buffers.items():
            object.__setattr__(self, name, buffer[: self.n])

    def __setattr__(self, name: str, value: Any) -> None:
        if name in COLUMNS:
            self._buffers[name][: self.n] = value
        else:
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return self.n

    def add(self, columns: Mapping[str, np.ndarray]) -> slice:
        """Append firms (unknown columns start at zero); returns their rows."""
        count = len(next(iter(columns.values())))
        start, stop = self.n, self.n + count
        if stop > len(self._buffers["firm_id"]):
            self._grow(stop)
        for name in columns:
            if name not in COLUMNS:
                raise KeyError(f"unknown population column '{name}'")
        # Rows past the end may hold firms a year-end compaction moved forward: every
        # column is written, the ones not given with zeros.
        for name, buffer in self._buffers.items():
            buffer[start:stop] = columns[name] if name in columns else 0
        self._buffers["firm_id"][start:stop] = np.arange(self._next_id, self._next_id + count)
        object.__setattr__(self, "_next_id", self._next_id + count)
        object.__setattr__(self, "n", stop)
        self._refresh_views()
        return slice(start, stop)

    def _grow(self, needed: int) -> None:
        capacity = max(needed, int(len(self._buffers["firm_id"]) * 1.5))
        for name, old in self._buffers.items():
            new = np.zeros(capacity, old.dtype)
            new[: self.n] = old[: self.n]
            self._buffers[name] = new

    def compact(self) -> np.ndarray:
        """Drop exited firms; returns old row -> new row (-1 where dropped)."""
        keep = self.status != DEAD
        new_index = np.cumsum(keep) - 1
        new_index[~keep] = -1
        kept = int(np.count_nonzero(keep))
        last = int(np.flatnonzero(keep)[-1]) if kept else -1
        for buffer in self._buffers.values():
            _squeeze(buffer, keep, last)
        object.__setattr__(self, "n", kept)
        self._refresh_views()
        return new_index

    def rows(self, rows: np.ndarray | slice) -> RowView:
        """The same attributes restricted to some rows (computed lazily)."""
        return RowView(self, rows)

    def blocks(self, size: int = BLOCK_ROWS) -> Iterator[RowView]:
        """Consecutive slices of rows, for long per-firm arithmetic done block by block."""
        for start in range(0, self.n, size):
            yield RowView(self, slice(start, min(start + size, self.n)))

    def each_block(self, work: Callable[[RowView], T]) -> list[T]:
        """`work(block)` for every block of rows, in order; the results as a list.

        Work on one block writes only that block's rows. (Running blocks on two
        threads was measured: no faster, the block arithmetic holds the GIL or the
        memory bus.)
        """
        return [work(block) for block in self.blocks()]

    # Derived quantities used by several phases -------------------------------
    @property
    def alive(self) -> np.ndarray:
        """Mask of firms still operating."""
        return self.status != DEAD

    @property
    def debt(self) -> np.ndarray:
        """Total debt, M yuan."""
        return self.bank_debt + self.ip_debt

    @property
    def assets(self) -> np.ndarray:
        """Total assets, M yuan (cash, if positive, plus plant and equipment)."""
        return np.maximum(self.cash, 0.0) + self.fixed_assets

    def operating_buffer(self, quarters: float) -> np.ndarray:
        """Cash a firm keeps for its operations: `quarters` of operating costs, M yuan."""
        return quarters * self.opex

    @property
    def rd_trailing(self) -> np.ndarray:
        """R&D over the last four quarters, M yuan."""
        return self.rd_spend + self.rd_q1 + self.rd_q2 + self.rd_q3

    def age_years(self, quarter: int) -> np.ndarray:
        """Firm age in years at an absolute quarter."""
        return (quarter - self.birth_quarter) / 4.0

    def row_of(self, firm_id: int) -> int:
        """Row of a firm id (ids are sorted because rows are only appended or dropped)."""
        row = int(np.searchsorted(self.firm_id, firm_id))
        if row >= self.n or self.firm_id[row] != firm_id:
            raise KeyError(f"no firm with id {firm_id} (it may have exited)")
        return row

    def firm(self, firm_id: int) -> FirmView:
        """One firm's attributes as an object, for inspection and teaching."""
        return FirmView(self, firm_id)


@kernel
def _squeeze(column, keep, last):
    """Move the kept rows to the front, in order, in place; rows from the number kept on
    are left as they were. Without branches (which rows were dropped is unpredictable):
    each row up to the last kept one is written at the front's end, which moves past it
    only if it is kept (a later kept row overwrites a dropped one)."""
    front = 0
    for i in range(last + 1):
        column[front] = column[i]
        front += keep[i]


class RowView:
    """Some firms (an index array or a slice of rows) that answer like a Population.

    Rules written for the whole population run unchanged on a pre-filtered
    subset, which is much cheaper when few firms are candidates. With a slice,
    columns are views: assigning to one (`view.cash = x`, `view.cash += x`)
    writes through to the population. Blocks of rows (`Population.blocks`) let
    long per-firm arithmetic run on cache-sized pieces.
    """

    def __init__(self, population: Population, rows: np.ndarray | slice) -> None:
        object.__setattr__(self, "_population", population)
        object.__setattr__(self, "rows", rows)

    def __len__(self) -> int:
        if isinstance(self.rows, slice):
            return len(range(*self.rows.indices(len(self._population))))
        return len(self.rows)

    def __getattr__(self, name: str) -> Any:
        if name in COLUMNS:
            # Kept on the instance: later reads find it without calling __getattr__.
            column = getattr(self._population, name)[self.rows]
            object.__setattr__(self, name, column)
            return column
        derived = getattr(Population, name, None)
        if isinstance(derived, property):
            return derived.fget(self)
        if callable(derived):
            return derived.__get__(self)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in COLUMNS:
            raise AttributeError(f"cannot set '{name}' on a RowView")
        if not isinstance(self.rows, slice):
            raise TypeError("only slice views write through; index the population instead")
        view = self.__dict__.get(name)
        if view is None:
            view = self.__getattr__(name)
        if value is not view:
            view[...] = value

    def expand(self, values: np.ndarray, fill: Any = False) -> np.ndarray:
        """Spread values for the subset back over the whole population."""
        out = np.full(len(self._population), fill, dtype=np.asarray(values).dtype)
        out[self.rows] = values
        return out


class FirmView:
    """Read-only view of one firm: `pop.firm(42).capability`, `print(pop.firm(42))`."""

    def __init__(self, population: Population, firm_id: int) -> None:
        self._population = population
        self.firm_id = firm_id

    def __getattr__(self, name: str) -> Any:
        if name not in COLUMNS:
            raise AttributeError(name)
        row = self._population.row_of(self.firm_id)
        return getattr(self._population, name)[row].item()

    @property
    def status_name(self) -> str:
        """none, innovative, provincial, national or exited."""
        return STATUS_NAMES[self.status]

    def as_dict(self) -> dict[str, Any]:
        """All attributes of the firm."""
        return {name: getattr(self, name) for name in COLUMNS}

    def __repr__(self) -> str:
        return (
            f"<Firm {self.firm_id}: {self.status_name}, revenue {self.revenue:.1f}M/q, "
            f"R&D stock {self.rd_stock:.1f}M, capability {self.capability:.2f}, "
            f"{self.patents} patents, {self.customers} large customers>"
        )


def close_year(pop: Population) -> None:
    """Year-end books: this year's accounts become last year's, older ones shift back."""
    pop.rev_y3, pop.rev_y2, pop.rev_y1 = pop.rev_y2, pop.rev_y1, pop.rev_ytd
    pop.rd_y2, pop.rd_y1 = pop.rd_y1, pop.rd_ytd
    pop.profit_y2, pop.profit_y1 = pop.profit_y1, pop.profit_ytd
    pop.profit_ytd = 0.0
    pop.equity_y2, pop.equity_y1 = pop.equity_y1, pop.equity_ytd
    pop.rev_ytd = 0.0
    pop.rd_ytd = 0.0
    pop.equity_ytd = 0.0
    assets = pop.assets
    ratio = np.zeros(len(pop))
    np.divide(pop.debt, assets, out=ratio, where=assets > 0)
    pop.debt_ratio_ye = np.where(assets > 0, ratio, 1.0)
