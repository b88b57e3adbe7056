"""Parameter tables for docs/odd.md, generated from the parameter definitions.

One table per parameter section (e.g. `finance.bank`): dotted key, meaning, unit,
default, allowed range and source, where the source says "calibrated" with the
value when scenarios/calibrated.toml sets the parameter. Lists of parameter objects
(sectors, programmes, events) get a table of their items' fields and, when the
code ships default items, a table of those.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from model.docs.tree import ITEM, Node, nodes
from model.params.fields import HAND_SET
from model.params.loading import PROJECT_SCENARIOS, read_toml
from model.reports.report import markdown_table
from model.sweeps.sampling import flatten

CALIBRATED_FILE = PROJECT_SCENARIOS / "calibrated.toml"
SCENARIO_METADATA = ("name", "description", "extends")
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
HEADER = ["parameter", "meaning", "unit", "default", "allowed", "source"]
# Fields defined without a description in the code (scenario metadata, event kinds).
FALLBACK_MEANING = {
    "name": "Scenario name (the file's name unless set)",
    "description": "The scenario's question, shown by `littlegiants scenarios`",
    f"restrictions.events.{ITEM}.kind": "'restriction' adds to the index, 'easing' subtracts",
    f"certification.campaigns.{ITEM}.level": "List whose applications the push raises",
}


def calibrated_values(path: Path = CALIBRATED_FILE) -> dict[str, Any]:
    """Dotted key -> value of every parameter the calibrated scenario sets ({} if none)."""
    if not path.exists():
        return {}
    table = {k: v for k, v in read_toml(path).items() if k not in SCENARIO_METADATA}
    return flatten(table)


def format_value(value: Any) -> str:
    """A default as a scenario file would write it."""
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format(value, ",.10g") if abs(value) >= 1e4 else format(value, ".10g")
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        if not value:
            return "none"
        if all(isinstance(v, int | float | str) for v in value):
            return ", ".join(format_value(v) for v in value)
        return f"{len(value)} items (below)"
    if _named_tables(value):
        return f"{len(value)} tables, keyed by name (below)"
    return str(value)


def _named_tables(value: Any) -> bool:
    """A default that is a mapping of names to parameter objects (the provinces)."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(v, BaseModel) for v in value.values())
    )


def named_tables(node: Node) -> list[str]:
    """For a mapping of names to parameter objects: one row per name, one column per field."""
    entries = dict(node.default)
    fields = type(next(iter(entries.values()))).model_fields
    rows = [
        [f"`{key}`", *(format_value(getattr(v, n)) for n in fields)] for key, v in entries.items()
    ]
    meanings = []
    for name, field in fields.items():
        bounds = format_bounds(field.metadata)
        meanings.append(
            f"- `{name}`: {field.description or ''}" + (f" ({bounds})" if bounds else "")
        )
    return [
        f"Default tables of `{node.key}` (`[{node.key}.<name>]` in a scenario file changes "
        "the keys it names and keeps the rest):",
        "",
        markdown_table(["name", *fields], rows, left=2),
        "",
        *meanings,
    ]


def format_bounds(metadata: list[Any]) -> str:
    """A field's bounds as 'lower ≤ x ≤ upper' (< for strict ones), '' without any."""
    lower = upper = ""
    for meta in metadata:
        if isinstance(meta, Ge):
            lower = f"{format_value(meta.ge)} ≤ "
        elif isinstance(meta, Gt):
            lower = f"{format_value(meta.gt)} < "
        elif isinstance(meta, Le):
            upper = f" ≤ {format_value(meta.le)}"
        elif isinstance(meta, Lt):
            upper = f" < {format_value(meta.lt)}"
    return f"{lower}x{upper}" if lower or upper else ""


def format_range(node: Node) -> str:
    """Allowed values: bounds, choices, flags or quarters."""
    info = node.info
    assert info is not None
    bounds = format_bounds(info.metadata)
    if bounds:
        return bounds
    if typing.get_origin(info.annotation) is typing.Literal:
        return ", ".join(format_value(a) for a in typing.get_args(info.annotation))
    if info.annotation is bool:
        return "true, false"
    if node.key.endswith("quarter") or QUARTER.match(str(node.default)):
        return "a quarter, like 2021Q3"
    if node.kind == "items":
        return "a list of tables"
    return "text" if info.annotation is str else "—"


def format_source(node: Node, calibrated: Mapping[str, Any]) -> str:
    """'calibrated: value' when calibrated.toml sets it, else the field's source."""
    if node.key in calibrated:
        return f"**calibrated**: {format_value(calibrated[node.key])}"
    extra = node.info.json_schema_extra if node.info is not None else None
    source = extra.get("source", "") if isinstance(extra, dict) else ""
    if source == HAND_SET:
        return "hand-set"
    return str(source) or "scenario data"


def parameter_row(node: Node, calibrated: Mapping[str, Any]) -> list[str]:
    """One table row for a leaf or item list."""
    info = node.info
    assert info is not None
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    meaning = info.description or FALLBACK_MEANING.get(node.key, "")
    return [
        f"`{node.key}`",
        meaning,
        str(extra.get("unit", "-")),
        format_value(node.default),
        format_range(node),
        format_source(node, calibrated),
    ]


def table_sections() -> list[str]:
    """Keys of the sections that get a table: the top, each top-level section and each
    section one level down (deeper sections are shown inside their parent's table)."""
    keys = [""]
    for key, node in nodes().items():
        if node.kind == "section" and key and key.count(".") <= 1 and ITEM not in key:
            keys.append(key)
    return keys


def _owning_table(key: str, tables: list[str]) -> str:
    """The deepest table section a key sits under."""
    parents = [t for t in tables if t == "" or key.startswith(t + ".")]
    return max(parents, key=len)


def rows_by_table(calibrated: Mapping[str, Any]) -> dict[str, list[Node]]:
    """Leaves and item lists of each table, items' own fields excluded."""
    tables = table_sections()
    grouped: dict[str, list[Node]] = {t: [] for t in tables}
    for node in nodes().values():
        if node.kind in ("leaf", "items") and ITEM not in node.key:
            grouped[_owning_table(node.key, tables)].append(node)
    return grouped


def items_tables(node: Node, calibrated: Mapping[str, Any]) -> list[str]:
    """For a list of parameter objects: its items' fields, then the default items."""
    prefix = f"{node.key}.{ITEM}."
    fields = [
        n for k, n in nodes().items() if k.startswith(prefix) and ITEM not in k[len(prefix) :]
    ]
    parts = [
        f"Each item of `{node.key}` is a table with these keys "
        f"(`{node.key}.<i>.<key>` changes item number i, from 0, in a scenario file):",
        "",
        markdown_table(HEADER, [parameter_row(n, calibrated) for n in fields], left=len(HEADER)),
    ]
    if isinstance(node.default, tuple | list) and node.default:
        names = [n.key[len(prefix) :] for n in fields]
        rows = [[format_value(getattr(item, name)) for name in names] for item in node.default]
        parts += ["", f"Default items of `{node.key}`:", "", markdown_table(names, rows)]
    for field in fields:  # lists inside items (a board's standard sets)
        if field.kind == "items":
            parts += ["", *items_tables(field, calibrated)]
    return parts


def parameter_tables(calibrated: Mapping[str, Any] | None = None) -> str:
    """All parameter tables as markdown, one per section, items after their section."""
    calibrated = calibrated_values() if calibrated is None else calibrated
    parts = [
        "_hand-set_: " + HAND_SET + ". _calibrated_: set by scenarios/calibrated.toml "
        "(which the baseline extends) to the value shown; the default column is the code's.",
    ]
    for key, members in rows_by_table(calibrated).items():
        if not members:
            continue
        model = nodes()[key].model
        doc = (model.__doc__ or "").strip().splitlines()[0] if model is not None else ""
        title = f"`{key}`" if key else "Top level"
        parts += ["", f"#### {title} — {doc}", ""]
        parts.append(
            markdown_table(HEADER, [parameter_row(n, calibrated) for n in members], len(HEADER))
        )
        for member in members:
            if member.kind == "items":
                parts += ["", *items_tables(member, calibrated)]
            elif _named_tables(member.default):
                parts += ["", *named_tables(member)]
    unknown = sorted(set(calibrated) - set(nodes()))
    if unknown:
        parts += ["", f"calibrated.toml also sets keys the code does not know: {unknown}"]
    return "\n".join(parts) + "\n"
