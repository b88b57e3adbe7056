"""Regenerate the generated parts of docs/odd.md, docs/scenarios.md, docs/validation.md,
the README (layout and phases) and docs/figures/quarter_flow.png; text outside the
markers is left as it is.

A generated part sits between `<!-- generated:NAME:start -->` and
`<!-- generated:NAME:end -->`. Parts named `results...` come from run outputs
(comparison and calibration results); when those files are missing the parts
already in the document are kept, or a note says which command makes them. All
other parts depend only on the code and scenarios/calibrated.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from model.docs.recording import Effects
from model.errors import ConfigError
from model.io import read_parquet, write_text
from model.params.loading import PROJECT_SCENARIOS

ROOT = PROJECT_SCENARIOS.parent
LEVERS = Path("docs/levers.md")
DEFAULT_LEVERS = Path("runs/levers/results.parquet")
ODD, SCENARIOS, VALIDATION = (
    Path("docs/odd.md"),
    Path("docs/scenarios.md"),
    Path("docs/validation.md"),
)
README = Path("README.md")
FIGURE = Path("docs/figures/quarter_flow.png")
DEFAULT_RESULTS = Path("runs/compare/results.parquet")
DEFAULT_CALIBRATION = Path("runs/calibration/final.parquet")
RESULTS = "results"  # prefix of the parts made from run outputs
BLOCK = re.compile(
    r"<!-- generated:(?P<name>[\w:.-]+):start -->\n(?P<body>.*?)<!-- generated:(?P=name):end -->",
    re.S,
)


def start(name: str) -> str:
    """The opening marker of a generated part."""
    return f"<!-- generated:{name}:start -->"


def end(name: str) -> str:
    """The closing marker of a generated part."""
    return f"<!-- generated:{name}:end -->"


def wrap(name: str, body: str) -> str:
    """A body between its markers (for parts nested inside generated text)."""
    return f"{start(name)}\n{body}{end(name)}"


def find_blocks(text: str) -> dict[str, str]:
    """Every generated part's body by name, nested parts included."""
    found: dict[str, str] = {}
    for match in BLOCK.finditer(text):
        found[match["name"]] = match["body"]
        found.update(find_blocks(match["body"]))
    return found


def replace_blocks(text: str, bodies: dict[str, str], path: Path) -> str:
    """`text` with each named top-level part's body replaced; every name must be there."""
    present = {m["name"] for m in BLOCK.finditer(text)}
    missing = [name for name in bodies if name not in present]
    if missing:
        raise ConfigError(
            f"{path}: no generated part(s) {missing}; add '{start(missing[0])}' and "
            f"'{end(missing[0])}' lines where it should go"
        )

    def body(match: re.Match) -> str:
        name = match["name"]
        return wrap(name, bodies[name]) if name in bodies else match[0]

    return BLOCK.sub(body, text)


def shown(path: Path) -> str:
    """A path as the documents show it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass
class Generated:
    """New bodies of each document's parts, and the flow figure's data."""

    parts: dict[Path, dict[str, str]] = field(default_factory=dict)
    flow: tuple = ()
    notes: list[str] = field(default_factory=list)


def odd_parts() -> tuple[dict[str, str], tuple]:
    """docs/odd.md's parts and the flow figure's (rows, columns)."""
    from model.docs.flow import flow_rows, initialization_effects, step_entries
    from model.docs.odd import (
        SUBMODEL_MODULES,
        columns_block,
        facts_block,
        flow_block,
        reporters_block,
        schedule_block,
        targets_block,
        uses_block,
    )
    from model.docs.parameters import parameter_tables

    entries = step_entries()
    rows, columns = flow_rows(entries)
    parts = {
        "targets": targets_block(),
        "columns": columns_block(),
        "schedule": schedule_block(entries),
        "flow": flow_block(rows),
        "reporters": reporters_block(),
        "facts": facts_block(),
        "parameters": parameter_tables(),
        # Initialization writes everything; only its parameters are worth listing.
        "uses:initialization": uses_block(initialization_effects(), state=False),
    }
    # A phase called twice (production grows markets, then settles) gets one list.
    by_phase: dict[str, Effects] = {}
    for entry in entries:
        if entry.module.startswith(SUBMODEL_MODULES):
            by_phase.setdefault(entry.name, Effects()).merge(entry.effects)
    for name, effects in by_phase.items():
        parts[f"uses:{name}"] = uses_block(effects)
    return parts, (rows, columns)


def readme_parts(root: Path) -> dict[str, str]:
    """README.md's parts: the project's layout and the quarter's phases."""
    from model.docs.flow import step_entries
    from model.docs.readme import layout_block, phases_block

    return {"layout": layout_block(root), "phases": phases_block(step_entries())}


def scenario_parts(results_path: Path, existing: dict[str, str], notes: list[str]) -> dict:
    """docs/scenarios.md's parts: definitions with per-scenario results, and the summary."""
    from model.docs import scenarios as ds

    tables: dict = {}
    results, reference = None, ""
    if results_path.exists():
        results = read_parquet(results_path)
        tables, reference = ds.summaries(results), ds.reference_of(results)
    else:
        notes.append(ds.missing_note(shown(results_path)).strip("_\n"))
    missing = ds.missing_note(shown(results_path))
    sections = []
    for name, definition in ds.definitions():
        key = f"{RESULTS}:{name}"
        if results is not None:
            body = ds.scenario_results(name, tables, reference)
        else:
            body = existing.get(key) or missing
        sections.append(f"{definition}\n\n**Results.**\n\n{wrap(key, body)}\n")
    summary_key = f"{RESULTS}:summary"
    if results is not None:
        summary = ds.summary_block(results, Path(shown(results_path)), tables)
    else:
        summary = existing.get(summary_key) or missing
    return {"scenarios": "\n".join(sections), summary_key: summary}


def validation_parts(final_path: Path, existing: dict[str, str], notes: list[str]) -> dict:
    """docs/validation.md's parts: calibrated values, fit and checks, uncompared facts."""
    from model.docs import validation as dv

    parts = {"calibrated": dv.calibrated_block(), "uncompared": dv.uncompared_block()}
    if final_path.exists():
        final = read_parquet(final_path)
        for role in ("fit", "check"):
            parts[f"{RESULTS}:{role}"] = dv.role_block(final, Path(shown(final_path)), role)
    else:
        notes.append(dv.missing_note(shown(final_path)).strip("_\n"))
        for role in ("fit", "check"):
            key = f"{RESULTS}:{role}"
            parts[key] = existing.get(key) or dv.missing_note(shown(final_path))
    return parts


def levers_parts(levers_path: Path, existing: dict[str, str], notes: list[str]) -> dict:
    """docs/levers.md's part: the lever matrix's effects, from `littlegiants levers` runs."""
    from model.comparison.levers_report import levers_block

    key = f"{RESULTS}:levers"
    if levers_path.exists():
        return {key: levers_block(read_parquet(levers_path), shown(levers_path))}
    missing = (
        f"_No results yet (`{shown(levers_path)}` is missing). Run `littlegiants levers`, "
        "then `littlegiants docs`._\n"
    )
    notes.append(missing.strip("_\n"))
    return {key: existing.get(key) or missing}


def read(root: Path, relative: Path) -> str:
    """A document's current text; a missing document is an error naming it."""
    path = root / relative
    if not path.exists():
        raise ConfigError(f"{path}: not found (the generated parts live inside it)")
    return path.read_text(encoding="utf-8")


def generate(
    results: Path, calibration: Path, root: Path = ROOT, levers: Path = DEFAULT_LEVERS
) -> Generated:
    """Everything the documents should hold now (nothing is written)."""
    out = Generated()
    odd, out.flow = odd_parts()
    out.parts[ODD] = odd
    out.parts[README] = readme_parts(root)
    existing = find_blocks(read(root, SCENARIOS))
    out.parts[SCENARIOS] = scenario_parts(results, existing, out.notes)
    existing = find_blocks(read(root, VALIDATION))
    out.parts[VALIDATION] = validation_parts(calibration, existing, out.notes)
    existing = find_blocks(read(root, LEVERS))
    out.parts[LEVERS] = levers_parts(levers, existing, out.notes)
    return out


def differences(generated: Generated, root: Path = ROOT) -> list[str]:
    """What differs between the documents and `generated` ('path: part' lines)."""
    from model.docs.figure import figure_fingerprint, fingerprint

    found = []
    for relative, bodies in generated.parts.items():
        current = find_blocks(read(root, relative))
        for name, body in bodies.items():
            if current.get(name) != body:
                found.append(f"{relative}: generated part '{name}' differs")
    if figure_fingerprint(root / FIGURE) != fingerprint(*generated.flow):
        found.append(f"{FIGURE}: the flow figure is missing or out of date")
    return found


def write(generated: Generated, root: Path = ROOT) -> list[Path]:
    """Rewrite the documents (atomically) and the figure where they changed."""
    from model.docs.figure import figure_fingerprint, fingerprint, write_flow_figure

    written = []
    for relative, bodies in generated.parts.items():
        text = read(root, relative)
        new = replace_blocks(text, bodies, root / relative)
        if new != text:
            written.append(write_text(root / relative, new))
    if figure_fingerprint(root / FIGURE) != fingerprint(*generated.flow):
        written.append(write_flow_figure(root / FIGURE, *generated.flow))
    return written
