"""The province map's data: a tile grid of the 31 mainland provinces (package data) and
each province's national little giants from the `lg_count_province_<pinyin>` reporters.

A model version without province reporters has no map data: `province_counts`
returns None and the page says so instead of drawing an empty map.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from model.simulation.economy import Economy

PREFIX = "lg_count_province_"
TILES_FILE = "provinces.csv"  # the same tile grid as the reports' province map
ALIASES = {"neimenggu": "inner_mongolia|nei_mongol", "xizang": "tibet"}


@cache
def province_tiles() -> pd.DataFrame:
    """pinyin, name, row, column (0 at the top left), region, aliases."""
    with files("model.data").joinpath(TILES_FILE).open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, keep_default_na=False)
    return pd.DataFrame(
        {
            "pinyin": table["province"],
            "name": table["province"].str.capitalize(),
            "row": table["tile_row"],
            "column": table["tile_col"],
            "region": table["macro_region"],
            "aliases": table["province"].map(ALIASES).fillna(""),
        }
    )


def _key(name: str) -> str:
    """A province name reduced to its letters: 'Inner_Mongolia' -> 'innermongolia'."""
    return re.sub(r"[^a-z]", "", name.lower())


@cache
def _lookup() -> dict[str, str]:
    """Every accepted spelling (pinyin, English name, aliases) -> the tile's pinyin."""
    names = {}
    for tile in province_tiles().itertuples():
        for spelling in (tile.pinyin, tile.name, *filter(None, tile.aliases.split("|"))):
            names[_key(spelling)] = tile.pinyin
    return names


def province_reporters(variables: list[str]) -> dict[str, str]:
    """Province reporters among `variables`: reporter name -> the tile's pinyin.

    Raises ValueError naming the reporters whose province is not on the tile grid.
    """
    return dict(_province_reporters(tuple(variables)))


@cache
def _province_reporters(variables: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    found = [v for v in variables if v.startswith(PREFIX)]
    lookup = _lookup()
    unknown = [v for v in found if _key(v.removeprefix(PREFIX)) not in lookup]
    if unknown:
        known = ", ".join(province_tiles()["pinyin"])
        raise ValueError(f"provinces not on the map: {', '.join(unknown)} (the map has {known})")
    return tuple((v, lookup[_key(v.removeprefix(PREFIX))]) for v in found)


@cache
def _tile_columns() -> dict[str, list]:
    """The tile grid's columns as lists (pinyin, name, row, column, region)."""
    tiles = province_tiles()
    return {name: tiles[name].tolist() for name in ("pinyin", "name", "row", "column", "region")}


def province_counts(model: Economy) -> dict[str, list] | None:
    """The map's rows for the last quarter simulated (pinyin, name, row, column,
    region, value: national little giants), or None when the model has no province
    reporters. Before the first quarter every value is None."""
    model_vars = model.datacollector.model_vars
    reporters = province_reporters(list(model.datacollector.model_reporters))
    if not reporters:
        return None
    values = {pinyin: model_vars.get(v, []) for v, pinyin in reporters.items()}
    tiles = _tile_columns()
    latest = [values.get(p, [])[-1] if values.get(p) else None for p in tiles["pinyin"]]
    return {**tiles, "value": [None if v is None else round(float(v)) for v in latest]}
