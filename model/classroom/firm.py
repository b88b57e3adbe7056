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


def firm_history(model: ClassroomEconomy, firm_id: int) -> pd.DataFrame:
    """One firm's recorded quarters: quarter, time (decimal year) and its history
    columns (status, revenue M yuan a quarter, R&D stock M yuan, patents, large
    customers, capability 0-1). Quarters before it was founded or after it exited
    are absent."""
    rows = []
    for label, snapshot in zip(model.quarter_labels, model.history, strict=True):
        position = int(np.searchsorted(snapshot["firm_id"], firm_id))
        if position < len(snapshot["firm_id"]) and snapshot["firm_id"][position] == firm_id:
            values = {name: snapshot[name][position].item() for name in HISTORY_FIELDS}
            rows.append({"quarter": label, "time": parse_quarter(label) / 4.0, **values})
    return pd.DataFrame(rows, columns=["quarter", "time", *HISTORY_FIELDS])


def firm_series(history: pd.DataFrame) -> dict[str, list]:
    """The card's chart data, one row a quarter: t (decimal year), revenue (M yuan a
    year), patents, title (its name)."""
    return {
        "t": history["time"].round(3).tolist(),
        "revenue": (history["revenue"] * 4).round(2).tolist(),
        "patents": history["patents"].astype(int).tolist(),
        "title": [STATUS_LABELS[int(s)] for s in history["status"]],
    }


def firm_facts(model: ClassroomEconomy, firm_id: int, history: pd.DataFrame) -> list[str]:
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
    if len(history):
        last = history.iloc[-1]
        lines.append(
            f"{last['quarter']}: {STATUS_LABELS[int(last['status'])]} — revenue "
            f"{last['revenue'] * 4:,.1f} M yuan/yr, R&D stock {last['rd_stock']:,.1f} M yuan, "
            f"{int(last['patents'])} invention patents, {int(last['customers'])} large customers"
        )
        titles = history.groupby("status", sort=False)["quarter"].first()
        steps = [f"{STATUS_LABELS[int(s)]} from {q}" for s, q in titles.items()]
        lines.append("Titles: " + ", ".join(steps))
    return lines
