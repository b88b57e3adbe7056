"""docs/scenarios.md: each shipped scenario, its question, what it changes, its results.

What a scenario changes is computed by comparing its resolved parameters with its
parent's (the scenario it `extends`, or the code's defaults), so the page shows
exactly what a run uses. The result tables come from a comparison results file
(`littlegiants compare --all`); without it the previous tables are kept, or a
note says how to make them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from model.comparison.compare import summary_quarters, summary_table
from model.comparison.report import summary_markdown
from model.docs.parameters import format_value
from model.params import Params
from model.params.loading import PROJECT_SCENARIOS, load_scenario, read_toml, resolve_scenario
from model.reports.report import markdown_table
from model.sweeps.sampling import flatten

COMPARE_COMMAND = "littlegiants compare --all --seeds 10 --scale 1 --out runs/compare"
METADATA = ("name", "description")
ROOT_FIRST = ("calibrated", "baseline")  # parents before the scenarios extending them


def scenario_files(folder: Path = PROJECT_SCENARIOS) -> list[Path]:
    """Scenario files, parents first (calibrated, baseline), then by name."""
    paths = sorted(folder.glob("*.toml"))
    rank = {name: i for i, name in enumerate(ROOT_FIRST)}
    return sorted(paths, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def parent_name(path: Path) -> str | None:
    """The scenario a file extends, None when it starts from the code's defaults."""
    parent = read_toml(path).get("extends")
    return str(parent) if parent is not None else None


def changes(child: Params, parent: Params) -> list[tuple[str, Any, Any]]:
    """(dotted key, parent value, child value) for every parameter that differs."""
    old = flatten(parent.model_dump(mode="json"))
    new = flatten(child.model_dump(mode="json"))
    return [
        (key, old.get(key), value)
        for key, value in new.items()
        if key not in METADATA and old.get(key) != value
    ]


def _list_table(items: list[dict[str, Any]]) -> str:
    """A list of tables (events, programmes) as one markdown table."""
    columns = list(dict.fromkeys(k for item in items for k in item))
    rows = [[_cell(item.get(c, "")) for c in columns] for item in items]
    return markdown_table(columns, rows, left=len(columns))


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else format_value(value)


def changes_markdown(diff: list[tuple[str, Any, Any]], parent: str) -> str:
    """Scalar changes as one table; each changed list as its own table."""
    if not diff:
        return f"Changes nothing relative to {parent}."
    lists = [d for d in diff if _is_table_list(d[1]) or _is_table_list(d[2])]
    scalars = [d for d in diff if d not in lists]
    parts = []
    if scalars:
        rows = [[f"`{k}`", _cell(old), _cell(new)] for k, old, new in scalars]
        parts.append(markdown_table(["parameter", parent, "this scenario"], rows, left=1))
    for key, old, new in lists:
        before = f"{len(old)} item(s) in {parent}" if old else f"none in {parent}"
        if not new:
            parts.append(f"`{key}`: none ({before}).")
        else:
            parts.append(f"`{key}`: {len(new)} item(s) ({before}):\n\n{_list_table(new)}")
    return "\n\n".join(parts)


def definitions(folder: Path = PROJECT_SCENARIOS) -> list[tuple[str, str]]:
    """(name, markdown) per scenario: heading, question, parent and changes."""
    out = []
    for path in scenario_files(folder):
        params = load_scenario(path)
        parent = parent_name(path)
        base = load_scenario(resolve_scenario(parent, base_dir=folder)) if parent else Params()
        label = f"`{parent}`" if parent else "the code's defaults"
        text = [
            f"### {params.name}",
            "",
            f"File `scenarios/{path.name}`; extends {label}.",
            "",
            f"**Question.** {' '.join(params.description.split()) or '(no description)'}",
            "",
            f"**Changes relative to {label}:**",
            "",
            changes_markdown(changes(params, base), label),
        ]
        out.append((params.name, "\n".join(text)))
    return out


def reference_of(results: pd.DataFrame) -> str:
    """The comparison's reference: the baseline if it ran, else the first scenario."""
    names = list(pd.unique(results["scenario"].to_numpy()))
    return "baseline" if "baseline" in names else str(names[0])


def summaries(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Summary table per summary quarter (2025Q4 and a projection's last year-end)."""
    reference = reference_of(results)
    return {q: summary_table(results, reference, q) for q in summary_quarters(results)}


def provenance(results: pd.DataFrame, path: Path) -> str:
    """Where the numbers come from and how to read them."""
    seeds = results[["run_id", "seed"]].drop_duplicates()
    return (
        f"_From `{path}`: {results['scenario'].nunique()} scenarios × {len(seeds)} seeds "
        f"(common random numbers; made by `{COMPARE_COMMAND}`). Mean (5–95% over seeds); "
        f"Δ = paired difference to {reference_of(results)}; ✓ = its 95% confidence "
        "interval excludes zero._"
    )


def summary_block(results: pd.DataFrame, path: Path, tables: dict[str, pd.DataFrame]) -> str:
    """All scenarios side by side at each summary quarter."""
    reference = reference_of(results)
    parts = [provenance(results, path)]
    for quarter, table in tables.items():
        parts += [f"**{quarter}**", summary_markdown(table, reference)]
    return "\n\n".join(parts) + "\n"


def scenario_results(name: str, tables: dict[str, pd.DataFrame], reference: str) -> str:
    """One scenario's rows (with the reference's for comparison) at each quarter."""
    parts = []
    for quarter, table in tables.items():
        if name not in set(table["scenario"]):
            continue
        rows = table[table["scenario"].isin([reference, name])]
        parts += [f"**{quarter}**", summary_markdown(rows, reference)]
    if not parts:
        return f"_`{name}` is not in the results file; rerun `{COMPARE_COMMAND}`._\n"
    return "\n\n".join(parts) + "\n"


def missing_note(path: Path) -> str:
    """What to run when the results file is not there."""
    return (
        f"_No results yet (`{path}` is missing). Run `{COMPARE_COMMAND}`, then "
        "`littlegiants docs`._\n"
    )
