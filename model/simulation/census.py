"""The quarter's census of the SME pool: every count the reporters need, in one pass.

Reporters are pure functions of the economy; while it collects them
(`Economy.collect`) they share one census, kept in `economy.report_cache`, instead
of each making its own pass (and mask) over every firm. Counts are at run scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.simulation.compiled import kernel
from model.simulation.population import DEAD, INNOVATIVE, NATIONAL, PROVINCIAL

if TYPE_CHECKING:
    from model.simulation.economy import Economy

EXPOSED = 0.5  # exposure from which a firm counts as exposed to restrictions


@dataclass
class Census:
    """Pool-wide counts of one quarter (firms at run scale unless the name says)."""

    alive: int
    innovative_or_above: int
    provincial_or_above: int
    constrained: int
    with_loans: int
    sanctioned: int
    programme_supported: int
    exposed: int
    exposed_tech_access_sum: float
    national_rows: np.ndarray  # rows of national little giants, in row order
    patents_filed_by_sector: np.ndarray
    national_by_province: np.ndarray
    provincial_by_province: np.ndarray  # provincial or national


@kernel
def _count(firms, quarter, n_sectors, n_provinces):
    """One pass: status counts, finance flags, exposure, patents by field, lists by
    province. (Counts are kept in local variables, which stay in registers: counts in an
    array went through memory at every firm.)"""
    status, constrained, bank_debt, ip_debt, sanctioned, support_until = firms[:6]
    exposure, tech_access, patents_new, sector, province = firms[6:]
    alive = innovative = provincial = short = borrowing = listed = supported = exposed = 0
    national = 0
    access_sum = 0.0
    national_rows = np.empty(len(status), dtype=np.int64)
    patents_by_sector = np.zeros(n_sectors, dtype=np.int64)
    by_province = np.zeros((2, n_provinces), dtype=np.int64)
    for i in range(len(status)):
        patents_by_sector[sector[i]] += patents_new[i]
        if status[i] == DEAD:
            continue
        alive += 1
        innovative += status[i] >= INNOVATIVE
        provincial += status[i] >= PROVINCIAL
        short += constrained[i]
        borrowing += bank_debt[i] + ip_debt[i] > 0
        listed += sanctioned[i]
        supported += support_until[i] >= quarter
        is_exposed = exposure[i] >= EXPOSED  # no branch: exposure follows no pattern
        exposed += is_exposed
        access_sum += tech_access[i] * is_exposed  # + 0.0 leaves the sum as it was
        if status[i] >= PROVINCIAL:
            by_province[1, province[i]] += 1
            if status[i] == NATIONAL:
                national_rows[national] = i
                national += 1
                by_province[0, province[i]] += 1
    counts = np.array(
        [alive, innovative, provincial, short, borrowing, listed, supported, exposed, national]
    )
    rows = national_rows[:national].copy()  # not a view: the full-length buffer is freed
    return counts, access_sum, rows, patents_by_sector, by_province


def take_census(m: Economy) -> Census:
    """The census of the economy's pool this quarter."""
    pop = m.population
    firms = (
        *(pop.status, pop.constrained, pop.bank_debt, pop.ip_debt, pop.sanctioned),
        *(pop.support_until, pop.exposure, pop.tech_access, pop.patents_new, pop.sector),
        pop.province,
    )
    sectors, provinces = len(m.params.population.sectors), len(m.params.population.provinces)
    counts, access_sum, rows, patents, by_province = _count(firms, m.quarter, sectors, provinces)
    return Census(
        *(int(c) for c in counts[:8]),
        float(access_sum),
        rows,
        patents,
        by_province[0],
        by_province[1],
    )


def census(m: Economy) -> Census:
    """This quarter's census: shared while the economy collects, else taken afresh."""
    cache = getattr(m, "report_cache", None)
    if cache is None:
        return take_census(m)
    if "census" not in cache:
        cache["census"] = take_census(m)
    return cache["census"]
