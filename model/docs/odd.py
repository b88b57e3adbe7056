"""Generated parts of docs/odd.md other than the parameter tables.

Each function returns one markdown block: the patterns the model is judged by
(observed targets), the population's columns, the schedule of `Economy.step`, the
flow table beside the figure, the input data with sources, and per phase the
parameters it uses and the state it reads and writes.
"""

from __future__ import annotations

import fnmatch
import inspect
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from model.docs.flow import ROWS, FlowRow, StepEntry, state_of
from model.docs.recording import Effects
from model.docs.tree import nodes
from model.evidence.observed import TARGETS, UNCOMPARED, Target, facts
from model.reports.report import describe, format_value, markdown_table
from model.simulation.population import COLUMNS, STATUS_NAMES

FIGURE = "figures/quarter_flow.png"
SUBMODEL_MODULES = (
    "model.simulation.phases.",
    "model.simulation.policy",
    "model.simulation.population",
)
SNAKE_KEY = re.compile(r"[a-z][a-z0-9_*]*_[a-z0-9_*]+")


def code(names: Iterable[str]) -> str:
    """Names as inline code, comma separated ('—' if none)."""
    names = list(names)
    return ", ".join(f"`{n}`" for n in names) if names else "—"


def _tolerance(t: Target) -> str:
    return f"±{100 * t.tolerance:.0f} pp" if t.absolute else f"±{100 * t.tolerance:.0f}%"


def targets_block() -> str:
    """The observed facts the model is meant to reproduce (observed.TARGETS)."""
    header = ["model output", "quarter", "observed", "kind", "tolerance", "role", "required"]
    rows = []
    for t in TARGETS:
        label, kind = describe(t.variable)
        rows.append(
            [
                f"{label} (`{t.variable}`)",
                t.quarter,
                format_value(t.observed, kind),
                t.kind.replace("_", " "),
                _tolerance(t),
                t.role,
                "yes" if t.required else "",
            ]
        )
    fit = sum(t.role == "fit" for t in TARGETS)
    required = sum(t.required for t in TARGETS)
    summary = (
        f"{len(TARGETS)} targets: {fit} may be used by the calibration (role _fit_), "
        f"{len(TARGETS) - fit} are kept out of it as out-of-sample checks (role _check_); "
        f"`littlegiants validate` fails when one of the {required} required targets is missed."
    )
    return markdown_table(header, rows) + "\n\n" + summary + "\n"


def columns_block() -> str:
    """Every column of the SME population with its type and meaning."""
    rows = [[f"`{name}`", dtype.__name__, meaning] for name, (dtype, meaning) in COLUMNS.items()]
    statuses = ", ".join(f"{code_} = {name}" for code_, name in sorted(STATUS_NAMES.items()))
    table = markdown_table(["column", "type", "meaning"], rows, left=3)
    return f"{table}\n\nStatus codes: {statuses}.\n"


def schedule_block(entries: list[StepEntry]) -> str:
    """The calls of `Economy.step` in order, with their comments and conditions."""
    lines = []
    for i, entry in enumerate(entries, start=1):
        text = f"{i}. `{entry.call}`"
        if entry.comment:
            text += f" — {entry.comment}"
        if entry.condition:
            text += f" (only when `{entry.condition}`)"
        if entry.module.startswith(SUBMODEL_MODULES):
            text += f"; see [{entry.name}](#{anchor(entry)})"
        lines.append(text)
    return "\n".join(lines) + "\n"


def anchor(entry: StepEntry) -> str:
    """The id of the submodel section of a step entry."""
    return f"submodel-{entry.name.replace('_', '-')}"


def flow_block(rows: list[FlowRow]) -> str:
    """The figure and its data as a table: what each phase reads and writes."""
    body = [[f"{i}. `{r.label}`", code(r.reads), code(r.writes)] for i, r in enumerate(rows, 1)]
    figure = f"![The quarter's phases and the state each reads and writes]({FIGURE})"
    note = (
        f"`{ROWS}` stands for whole firms added (entry) or dropped (year-end compaction). "
        "Other names are population columns, or `owner.attribute` of the economy "
        "(`buyers` = large firms, `links` = the supply network)."
    )
    return "\n\n".join([figure, markdown_table(["phase", "reads", "writes"], body, 3), note]) + "\n"


def uses_block(effects: Effects, state: bool = True) -> str:
    """Parameters a phase uses, grouped by section, and (with `state`) the state it
    reads and writes."""
    by_section: dict[str, list[str]] = {}
    for key in sorted(effects.params, key=list(nodes()).index):
        section, _, leaf = key.rpartition(".")
        by_section.setdefault(section or "(top level)", []).append(leaf)
    lines = ["Parameters used (recorded from a traced baseline run):", ""]
    lines += [f"- `{section}`: {code(leaves)}" for section, leaves in by_section.items()]
    if state:
        reads, writes = state_of(effects)
        lines += ["", f"Reads: {code(sorted(reads))}.", "", f"Writes: {code(sorted(writes))}."]
    return "\n".join(lines) + "\n"


def _parameter_tokens() -> dict[str, list[str]]:
    """Snake-case words (fact keys, maybe with *) in each parameter's source -> keys."""
    found: dict[str, list[str]] = {}
    for key, node in nodes().items():
        extra = node.info.json_schema_extra if node.info is not None else None
        source = extra.get("source", "") if isinstance(extra, dict) else ""
        for token in SNAKE_KEY.findall(str(source)):
            found.setdefault(token, []).append(key)
    return found


def _uncompared_reason(key: str, year: float) -> str | None:
    for names, reason in UNCOMPARED.items():
        for part in names.split(", "):
            pattern, _, when = part.partition(" ")
            year_ok = not when[:4].isdigit() or np.isclose(float(when[:4]), year)
            if fnmatch.fnmatch(key, pattern) and year_ok:
                return reason
    return None


def source_of(keys: list[str]) -> str:
    """'source of `a`, `b`', or of their common section when many parameters cite it."""
    if len(keys) <= 3:
        return "source of " + code(keys)
    common = []
    for parts in zip(*(k.split(".") for k in keys), strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return f"source of {len(keys)} parameters under `{'.'.join(common) or '(top)'}`"


def fact_use(key: str, year: float, tokens: dict[str, list[str]]) -> str:
    """How the model uses one observed fact: target, parameter source, or why not."""
    targets = [t for t in TARGETS if t.key == key and np.isclose(t.year, year)]
    if targets:
        t = targets[0]
        return f"target `{t.variable}` {t.quarter} ({t.role}{', required' if t.required else ''})"
    if key in tokens:
        return source_of(tokens[key])
    reason = _uncompared_reason(key, year)
    globbed = [keys for token, keys in tokens.items() if fnmatch.fnmatch(key, token)]
    # A pattern like lg_* in a source names a family of inputs; it says less than a
    # reason the fact is not compared, unless that reason is that it is an input.
    if globbed and (reason is None or "input" in reason):
        return source_of(globbed[0])
    return f"not compared: {reason}" if reason else "context (not compared)"


def facts_block() -> str:
    """Every observed fact with its value, confidence, source and use in the model."""
    tokens = _parameter_tokens()
    rows = []
    for fact in facts().itertuples(index=False):
        url = fact.source_url if isinstance(fact.source_url, str) and fact.source_url else ""
        rows.append(
            [
                f"`{fact.key}`",
                f"{fact.year:g}",
                f"{fact.value:,.10g} {fact.unit}",
                fact.confidence,
                fact_use(fact.key, fact.year, tokens),
                fact.description,
                f"[link]({url})" if url else "none found",
            ]
        )
    header = ["key", "year", "value", "confidence", "use in the model", "description", "source"]
    counts = pd.Series([r[3] for r in rows]).value_counts()
    summary = ", ".join(f"{n} {level}" for level, n in counts.items())
    text = markdown_table(header, rows, left=len(header))
    return f"{text}\n\n{len(rows)} facts ({summary} confidence).\n"


def reporters_block() -> str:
    """Every model-level reporter (output variable) with what it measures."""
    from functools import partial

    from model.simulation.reporters import REPORTERS

    rows = []
    for name, reporter in REPORTERS.items():
        function = reporter.func if isinstance(reporter, partial) else reporter
        doc = " ".join(inspect.cleandoc(function.__doc__ or "").split("\n\n")[0].split())
        if isinstance(reporter, partial):
            doc += f" [{', '.join(map(str, reporter.args))}]"
        rows.append([f"`{name}`", doc])
    return markdown_table(["output variable", "what it measures"], rows, left=2) + "\n"
