"""Breakdowns of the reporters: by field, by exchange board, by province and region,
and the full set of a run's reporters (`reporters_for`), at national (1:1) scale."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from model.params.provinces import REGIONS
from model.simulation.census import census
from model.simulation.population import NATIONAL, PROVINCIAL
from model.simulation.reporters import (
    REPORTERS,
    _lg,
    _national,
    domestic_supply_share_sector,
    lg_listed_board,
)

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy


def lg_count_sector(sector: int, m: Economy) -> float:
    """National little giants in one field, firms."""
    return _national((_lg(m).sector == sector).sum(), m)


def patents_filed_sector(sector: int, m: Economy) -> float:
    """Invention patents filed this quarter by pool SMEs of one field."""
    return _national(census(m).patents_filed_by_sector[sector], m)


def _by_province(m: Economy, level: int) -> np.ndarray:
    """Firms at `level` or above (NATIONAL: little giants only) per province, national
    scale."""
    c = census(m)
    counts = c.national_by_province if level == NATIONAL else c.provincial_by_province
    return counts / m.params.scale


def lg_count_province(index: int, m: Economy) -> float:
    """National little giants in one province, firms."""
    return float(_by_province(m, NATIONAL)[index])


def provincial_specialized_province(index: int, m: Economy) -> float:
    """Provincial specialized SMEs (little giants included) in one province, firms."""
    return float(_by_province(m, PROVINCIAL)[index])


def lg_share_region(region: str, m: Economy) -> float:
    """Share of national little giants in one macro-region."""
    counts = census(m).national_by_province  # firm counts: the ratio is exact, at most 1
    total = counts.sum()
    if not total:
        return float("nan")
    regions = [p.region for p in m.params.population.provinces.values()]
    return float(sum(c for c, r in zip(counts, regions, strict=True) if r == region) / total)


# Breakdowns by field: `<name>_sector_<field>` for every field of the scenario.
SECTOR_REPORTERS: dict[str, Callable[[int, Economy], float]] = {
    "lg_count": lg_count_sector,
    "domestic_supply_share": domestic_supply_share_sector,
    "patents_filed": patents_filed_sector,
}


# Breakdowns by province: `<name>_province_<pinyin>` for every province.
PROVINCE_REPORTERS: dict[str, Callable[[int, Economy], float]] = {
    "lg_count": lg_count_province,
    "provincial_specialized": provincial_specialized_province,
}


def sector_variable(name: str, sector: str) -> str:
    """Name of a breakdown by field, like `lg_count_sector_biomedicine`."""
    return f"{name}_sector_{sector}"


def reporters_for(params: Params) -> dict[str, Callable[[Economy], float]]:
    """Every reporter of a run: the national ones, listed little giants by board (codes
    as in `Exchanges`: 1 listed before 2019, then the boards in order), then each
    breakdown by field."""
    boards = ["earlier", *(b.name for b in params.finance.listing.boards)]
    by_board = {
        f"lg_listed_{name}": partial(lg_listed_board, code)
        for code, name in enumerate(boards, start=1)
    }
    by_sector = {
        sector_variable(name, sector.name): partial(reporter, index)
        for name, reporter in SECTOR_REPORTERS.items()
        for index, sector in enumerate(params.population.sectors)
    }
    by_province = {
        f"{name}_province_{province}": partial(reporter, index)
        for name, reporter in PROVINCE_REPORTERS.items()
        for index, province in enumerate(params.population.provinces)
    }
    by_region = {f"lg_share_region_{r}": partial(lg_share_region, r) for r in REGIONS}
    return {**REPORTERS, **by_board, **by_sector, **by_province, **by_region}
