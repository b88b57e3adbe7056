"""The 31 mainland provinces: their share of the SME pool, their zones and their policies.

Shares come from data on the firm base in the package (model/data/province_facts.csv),
never from little-giant counts, which are outputs. A scenario changes one province's
policy by key, e.g. `[population.provinces.anhui] fund_scale = 2.0`.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field

from model.params.fields import Section

Region = Literal["east", "central", "west", "northeast"]
REGIONS: tuple[str, ...] = ("east", "central", "west", "northeast")
POOL_SOURCE = (
    "geometric mean of each province's share of R&D expenditure (2022, all 31; NBS/MOST/MOF "
    "bulletin) and of national high-tech enterprises (27 provinces, 2017-25 counts moved to "
    "2022 at the national growth of 330k (2021) to 463k (2024)); R&D share alone where no "
    "count exists (model/data province_facts.csv)"
)
ZONE_SOURCE = "no province share of firms in zones found (zone counts do not measure coverage): 1"


class Province(Section):
    """One province: where a share of the pool's firms are, and its own policies."""

    region: Region = Field(description="Macro-region (NBS)")
    pool_share: float = Field(ge=0, le=1, strict=True, description="Share of the SME pool")
    zone_tilt: float = Field(
        1.0,
        ge=0,
        le=20,
        strict=True,
        description="Chance of being in a national high-tech zone relative to the national",
    )
    award_scale: float = Field(
        1.0, ge=0, le=20, strict=True, description="Multiplier on its local certification awards"
    )
    listing_scale: float = Field(
        1.0,
        ge=0,
        le=5,
        strict=True,
        description="Multiplier on the approval chance of its provincial screening",
    )
    fund_scale: float = Field(
        1.0,
        ge=0,
        le=20,
        strict=True,
        description="Multiplier on its share of guidance-fund money (its own state-led funds)",
    )
    relending_scale: float = Field(
        1.0,
        ge=0,
        le=10,
        strict=True,
        description="Multiplier on the extra credit limit re-lending gives its eligible firms "
        "(a province's own re-lending and loan-guarantee lines on top of the PBoC quota; "
        "1 = the national facility alone)",
    )


@cache
def _table(name: str) -> list[dict[str, str]]:
    with resources.files("model.data").joinpath(name).open("r", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def province_facts_by_year(prefix: str) -> dict[str, tuple[float, float]]:
    """(year, value) of the latest observation per province of a firm-base indicator
    (`rd_expenditure`, `high_tech_enterprises`, ...)."""
    regions = province_regions()
    found: dict[str, tuple[float, float]] = {}
    for row in _table("province_facts.csv"):
        key, year, value = row["key"], float(row["year"]), float(row["value"])
        province = key.removeprefix(prefix + "_")
        if key.startswith(prefix + "_") and province in regions:
            if province not in found or year > found[province][0]:
                found[province] = (year, value)
    return found


def province_facts(prefix: str) -> dict[str, float]:
    """Latest value per province of a firm-base indicator."""
    return {p: v for p, (_, v) in province_facts_by_year(prefix).items()}


def _national(prefix: str) -> dict[float, float]:
    return {
        float(r["year"]): float(r["value"])
        for r in _table("province_facts.csv")
        if r["key"] == f"{prefix}_china"
    }


def high_tech_enterprises_2022() -> dict[str, float]:
    """Each province's high-tech enterprises moved to 2022 at the national growth rate."""
    national = _national("high_tech_enterprises")
    (y0, n0), (y1, n1) = min(national.items()), max(national.items())
    growth = (n1 / n0) ** (1.0 / (y1 - y0))
    counts = province_facts_by_year("high_tech_enterprises")
    return {p: value * growth ** (2022 - year) for p, (year, value) in counts.items()}


def pool_shares() -> dict[str, float]:
    """Each province's share of the technology-based SME pool (see POOL_SOURCE)."""
    regions, research = province_regions(), province_facts("rd_expenditure")
    rd_total = sum(research[p] for p in regions)
    rd_share = {p: research[p] / rd_total for p in regions}
    firms = high_tech_enterprises_2022()
    covered = sum(rd_share[p] for p in firms)  # HTE shares live on the same footing
    hte_total = sum(firms.values())
    mixed = {
        p: (rd_share[p] * firms[p] / hte_total * covered) ** 0.5 if p in firms else rd_share[p]
        for p in regions
    }
    total = sum(mixed.values())
    return {p: v / total for p, v in mixed.items()}


def province_regions() -> dict[str, str]:
    """Pinyin key -> macro-region of the 31 provinces, in the package's order."""
    return {row["province"]: row["macro_region"] for row in _table("provinces.csv")}


def default_provinces() -> dict[str, Province]:
    """Provinces with pool shares from the firm base. Zone tilts stay 1: zone counts do
    not measure how many firms zones cover (Zhongguancun alone holds most of Beijing's
    technology firms) and no province-level share of firms in zones was found."""
    regions, shares = province_regions(), pool_shares()
    return {p: Province(region=regions[p], pool_share=round(shares[p], 6)) for p in regions}


def rescale_pool_shares(before: Mapping[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`after` (province -> its table) with the provinces whose `pool_share` it leaves as
    in `before` rescaled, keeping their relative sizes, so that the shares still add up
    to what they did: setting Liaoning's share to 0 spreads its firms over the others in
    proportion. Nothing moves when no share changed; shares that are not numbers in
    [0, 1] are left for the field's own check. Raises ValueError when the shares set
    leave the others less than nothing."""
    changed = [
        name
        for name, values in after.items()
        if isinstance(values, dict)
        and (name not in before or values.get("pool_share") != before[name].get("pool_share"))
    ]
    new = [after[name].get("pool_share") for name in changed]
    if not changed or not all(_is_number(v) for v in new):
        return after
    others = [n for n, v in after.items() if n not in changed and isinstance(v, dict)]
    if not others or not all(_is_number(after[n].get("pool_share")) for n in others):
        return after
    held = sum(after[n]["pool_share"] for n in others)
    left = sum(v["pool_share"] for v in before.values() if isinstance(v, dict)) - sum(new)
    if left < -1e-9:
        raise ValueError(
            f"the pool_share values set ({', '.join(changed)}) add up to {sum(new):.5f}, "
            "more than all provinces together hold (1); the others are rescaled to fill "
            "what the set ones leave"
        )
    if held <= 0:
        return after  # nothing to rescale: the sum check names the problem
    factor = max(left, 0.0) / held
    return {
        n: {**v, "pool_share": v["pool_share"] * factor} if n in others else v
        for n, v in after.items()
    }


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
