"""An Entity-List event study on simulated firms: listed SMEs against matched controls.

One run records every SME's invention-patent applications each quarter (by firm id)
and, in the quarter before each listing, the covariates used for matching. Each SME
listed in quarter q is matched to the `CONTROLS` nearest never-listed SMEs of its
field and certification level (none, innovative, provincial or national: the title
changes customers, credit and investors) that were operating then, on capability,
log own-market size, log knowledge stock and patent applications over the four
quarters before q (standardised). The result is, per
treated firm, its applications and its controls' mean at each quarter relative to
listing: the raw material of the event-study chart and the effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.calendar import parse_quarter, quarter_label
from model.params import Params
from model.simulation.economy import Economy

CONTROLS = 5  # matched controls per listed firm
PRE, POST = 8, 8  # quarters shown before and after the listing quarter
PRE_PATENT_QUARTERS = 4  # quarters of applications matched on
MIN_POST = 4  # a listed firm counts if it stays listed this many quarters in the run


@dataclass
class Snapshot:
    """Covariates of operating SMEs at the end of the quarter before a listing."""

    firm_id: np.ndarray
    sector: np.ndarray
    status: np.ndarray  # certification level: matched exactly, like the field
    covariates: np.ndarray  # (firms, 4): capability, log size, log knowledge, applications


def listing_quarters(params: Params) -> list[int]:
    """Quarters in which some restriction event lists SMEs."""
    quarters = {
        parse_quarter(e.quarter) for e in params.restrictions.events if e.kind == "restriction"
    }
    return sorted(quarters)


def _snapshot(economy: Economy, filed: np.ndarray, t: int) -> Snapshot:
    pop = economy.population
    alive = pop.alive & ~pop.sanctioned
    ids = pop.firm_id[alive]
    recent = filed[ids, max(0, t - PRE_PATENT_QUARTERS) : t].sum(axis=1)
    covariates = np.column_stack(
        [
            pop.capability[alive],
            np.log(np.maximum(pop.size[alive], 1e-6)),
            np.log1p(pop.rd_stock[alive]),
            recent,
        ]
    )
    return Snapshot(ids, pop.sector[alive].copy(), pop.status[alive].copy(), covariates)


def record(params: Params, seed: int) -> tuple[np.ndarray, list[str], dict, np.ndarray]:
    """Run one economy; (applications[firm_id, quarter], quarter labels, snapshots by
    quarter index, listed[(firm_id, quarter index, lifted quarter index or -1)])."""
    economy = Economy(params, seed=seed)
    start = economy.quarter
    quarters = economy.end_quarter - start + 1
    wanted = {q - start for q in listing_quarters(params)}
    capacity = max(2 * len(economy.population), 1024)
    filed = np.zeros((capacity, quarters), dtype=np.int16)
    snapshots, listed_in, lifted_in = {}, {}, {}
    for t in range(quarters):
        if t in wanted:
            snapshots[t] = _snapshot(economy, filed, t)
        before = set(economy.population.firm_id[economy.population.sanctioned].tolist())
        economy.step()
        pop = economy.population
        if pop.firm_id.max(initial=0) >= len(filed):
            filed = np.concatenate([filed, np.zeros_like(filed)])
        filed[pop.firm_id, t] = np.minimum(pop.patents_new, np.iinfo(np.int16).max)
        now = set(pop.firm_id[pop.sanctioned].tolist())
        for firm in now - before:
            listed_in[firm] = t
        for firm in before - now:
            lifted_in.setdefault(firm, t)
    listed = np.array(
        [(f, t, lifted_in.get(f, -1)) for f, t in sorted(listed_in.items())], dtype=np.int64
    ).reshape(-1, 3)
    labels = [quarter_label(start + t) for t in range(quarters)]
    return filed, labels, snapshots, listed


def _nearest(snapshot: Snapshot, i: int, excluded: set) -> np.ndarray:
    """Firm ids of the CONTROLS nearest candidates of firm i's field and certification
    level (standardised distance)."""
    mine = (snapshot.sector == snapshot.sector[i]) & (snapshot.status == snapshot.status[i])
    row = snapshot.covariates[i]
    ids, x = snapshot.firm_id[mine], snapshot.covariates[mine]
    keep = ~np.isin(ids, list(excluded))
    ids, x = ids[keep], x[keep]
    if len(ids) == 0:
        return ids
    spread = x.std(axis=0)
    spread[spread == 0] = 1.0
    distance = (((x - row) / spread) ** 2).sum(axis=1)
    return ids[np.argsort(distance, kind="stable")[:CONTROLS]]


def matched_paths(params: Params, seed: int) -> tuple[pd.DataFrame, set[int]]:
    """Per listed SME of one run: applications of it and of its controls' mean at each
    quarter relative to listing (long table: seed, treated, event_time, treated_y,
    control_y), and the ids of the distinct control firms used."""
    filed, labels, snapshots, listed = record(params, seed)
    ever_listed = set(listed[:, 0].tolist())
    rows, used = [], set()
    for firm, t, lifted in listed:
        snapshot = snapshots.get(int(t))
        stays = (lifted < 0 or lifted - t >= MIN_POST) and len(labels) - t >= MIN_POST
        if snapshot is None or not stays:
            continue
        where = np.flatnonzero(snapshot.firm_id == firm)
        if len(where) == 0:
            continue  # founded or listed in the same quarter: no pre-listing record
        i = int(where[0])
        controls = _nearest(snapshot, i, ever_listed)
        if len(controls) == 0:
            continue
        used.update(controls.tolist())
        for e in range(-PRE, POST + 1):
            q = t + e
            if 0 <= q < len(labels):
                rows.append((seed, firm, e, filed[firm, q], filed[controls, q].mean()))
    columns = ["seed", "treated", "event_time", "treated_y", "control_y"]
    return pd.DataFrame(rows, columns=columns), used
