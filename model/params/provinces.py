"""The 31 mainland provinces: their share of the SME pool, their zones and their policies.

Shares come from data on the firm base in the package (model/data/province_facts.csv),
never from little-giant counts, which are outputs. A scenario changes one province's
policy by key, e.g. `[population.provinces.anhui] fund_scale = 2.0`.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field

from model.params.fields import Section

Region = Literal["east", "central", "west", "northeast"]
REGIONS: tuple[str, ...] = ("east", "central", "west", "northeast")
POOL_SOURCE = (
    "R&D expenditure by province, 2022 (NBS/MOST/MOF statistical bulletin; model/data "
    "province_facts.csv rd_expenditure_*): the firm base's research, all 31 provinces"
)
ZONE_SOURCE = "national high-tech zones by province (model/data province_facts.csv)"


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


@cache
def _table(name: str) -> list[dict[str, str]]:
    with resources.files("model.data").joinpath(name).open("r", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def province_facts(prefix: str) -> dict[str, float]:
    """Latest value per province of a firm-base indicator (`rd_expenditure`, ...)."""
    found: dict[str, tuple[float, float]] = {}
    for row in _table("province_facts.csv"):
        key, year, value = row["key"], float(row["year"]), float(row["value"])
        if key.startswith(prefix + "_"):
            province = key.removeprefix(prefix + "_")
            if province not in found or year > found[province][0]:
                found[province] = (year, value)
    return {p: v for p, (_, v) in found.items()}


def province_regions() -> dict[str, str]:
    """Pinyin key -> macro-region of the 31 provinces, in the package's order."""
    return {row["province"]: row["macro_region"] for row in _table("provinces.csv")}


def default_provinces() -> dict[str, Province]:
    """Provinces with pool shares from R&D expenditure and zone tilts from zone counts
    per pool share (zone counts missing for a province: tilt 1)."""
    regions, research = province_regions(), province_facts("rd_expenditure")
    zones = province_facts("national_high_tech_zones")
    total = sum(research[p] for p in regions)
    shares = {p: research[p] / total for p in regions}
    known = [p for p in regions if p in zones]
    density = {p: zones[p] / max(shares[p], 1e-9) for p in known}
    mean = sum(density[p] * shares[p] for p in known) / max(sum(shares[p] for p in known), 1e-9)
    return {
        p: Province(
            region=regions[p],
            pool_share=round(shares[p], 6),
            zone_tilt=round(min(density[p] / mean, 20.0), 4) if p in density else 1.0,
        )
        for p in regions
    }
