"""Quarters as integers and labels: step 0 is the start quarter, labels look like 2021Q3."""

from __future__ import annotations

import re

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(label: str) -> int:
    """Absolute quarter number (year * 4 + quarter - 1) of a label like '2021Q3'."""
    match = _QUARTER.match(label)
    if match is None:
        raise ValueError(f"'{label}' is not a quarter; write it like 2021Q3")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def quarter_label(absolute: int) -> str:
    """Label of an absolute quarter number, inverse of `parse_quarter`."""
    return f"{absolute // 4}Q{absolute % 4 + 1}"


def year_of(absolute: int) -> int:
    """Calendar year of an absolute quarter number."""
    return absolute // 4


def quarter_of_year(absolute: int) -> int:
    """Quarter within the year, 1-4."""
    return absolute % 4 + 1
