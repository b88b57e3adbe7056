"""The firm card's content: one firm's recorded quarters and the lines said about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.calendar import parse_quarter
from model.simulation.population import DEAD, INNOVATIVE, NATIONAL, NONE, PROVINCIAL

if TYPE_CHECKING:
    from model.classroom.session import ClassroomEconomy

HISTORY_FIELDS = ("status", "revenue", "rd_stock", "patents", "customers", "capability")
STATUS_LABELS = {
    NONE: "no title",
    INNOVATIVE: "innovative SME",
    PROVINCIAL: "provincial specialized",
    NATIONAL: "national little giant",
    DEAD: "exited",
}


def firm_records(model: ClassroomEconomy, firm_id: int, first: int = 0) -> list[dict]:
    """One firm's recorded quarters from the `first` (an index) on, one dict a quarter:
    quarter, time (decimal year) and its history columns (status, revenue M yuan a
    quarter, R&D stock M yuan, patents, large customers, capability 0-1). Quarters
    before it was founded or after it exited are absent."""
    rows = []
    for label, snapshot in zip(model.quarter_labels[first:], model.history[first:], strict=True):
        position = int(np.searchsorted(snapshot["firm_id"], firm_id))
        if position < len(snapshot["firm_id"]) and snapshot["firm_id"][position] == firm_id:
            values = {name: snapshot[name][position].item() for name in HISTORY_FIELDS}
            rows.append({"quarter": label, "time": parse_quarter(label) / 4.0, **values})
    return rows


def firm_history(model: ClassroomEconomy, firm_id: int) -> pd.DataFrame:
    """One firm's recorded quarters as a table (the columns of `firm_records`)."""
    return pd.DataFrame(firm_records(model, firm_id), columns=["quarter", "time", *HISTORY_FIELDS])


class FirmTrack:
    """The followed firm's records, extended by each new quarter; following another
    firm (or a new economy) starts them again."""

    def __init__(self) -> None:
        self.key: tuple[int, int] | None = None
        self.records: list[dict] = []
        self.done = 0

    def update(self, model: ClassroomEconomy) -> list[dict]:
        """The followed firm's records up to the last quarter simulated."""
        key = (id(model), model.followed_firm_id)
        if key != self.key:
            self.key, self.records, self.done = key, [], 0
        self.records += firm_records(model, model.followed_firm_id, self.done)
        self.done = len(model.history)
        return self.records


def firm_series(records: list[dict]) -> dict[str, list]:
    """The card's chart data, one row a quarter: t (decimal year), revenue (M yuan a
    year), patents, title (its name)."""
    return {
        "t": [round(r["time"], 3) for r in records],
        "revenue": [round(r["revenue"] * 4, 2) for r in records],
        "patents": [int(r["patents"]) for r in records],
        "title": [STATUS_LABELS[int(r["status"])] for r in records],
    }


def firm_facts(model: ClassroomEconomy, firm_id: int, records: list[dict]) -> list[str]:
    """Lines about a firm for the card: field, place, founding, title now, titles held."""
    pop = model.population
    try:
        firm = pop.firm(firm_id)
        sector = model.params.population.sectors[firm.sector].name.replace("_", " ")
        zone = "in a national high-tech zone" if firm.zone else "outside high-tech zones"
        province = list(model.params.population.provinces)[firm.province]
        place = f"{sector}, {province}, {zone}, founded {firm.birth_quarter // 4}"
    except KeyError:
        place = "this firm has left the pool"
    lines = [place]
    if records:
        last = records[-1]
        lines.append(
            f"{last['quarter']}: {STATUS_LABELS[int(last['status'])]} — revenue "
            f"{last['revenue'] * 4:,.1f} M yuan/yr, R&D stock {last['rd_stock']:,.1f} M yuan, "
            f"{int(last['patents'])} invention patents, {int(last['customers'])} large customers"
        )
        titles: dict[int, str] = {}
        for record in records:
            titles.setdefault(int(record["status"]), record["quarter"])
        steps = [f"{STATUS_LABELS[s]} from {q}" for s, q in titles.items()]
        lines.append("Titles: " + ", ".join(steps))
    return lines
