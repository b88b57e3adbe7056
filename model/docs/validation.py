"""docs/validation.md: the latest calibration's fit and out-of-sample tables.

The tables come from the calibration's final runs (runs/calibration/final.parquet,
written by `littlegiants calibrate`) compared with every observed target by
`model.observed.fit_table`. The calibrated values come from
scenarios/calibrated.toml; the facts left uncompared from `observed.UNCOMPARED`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from model.docs.parameters import CALIBRATED_FILE, calibrated_values, format_value
from model.docs.tree import nodes
from model.evidence.observed import UNCOMPARED, fit_table
from model.params.policy import PolicyPush
from model.reports.report import describe, error_text, format_band, markdown_table, tolerance_text
from model.reports.report import format_value as format_number

CALIBRATE_COMMAND = (
    "make calibrate (littlegiants calibrate experiments/calibration.toml --out runs/calibration)"
)
HEADER = ["target", "quarter", "kind", "required", "observed", "model mean", "5–95%"]
HEADER += ["error", "tolerance", "within"]


def target_rows(table: pd.DataFrame) -> list[list[str]]:
    """One row per target: observed, model mean and band, error and verdict."""
    rows = []
    for r in table.itertuples(index=False):
        label, kind = describe(r.variable)
        rows.append(
            [
                f"{label} (`{r.variable}`)",
                r.quarter,
                r.kind.replace("_", " "),
                "yes" if r.required else "",
                format_number(r.observed, kind),
                format_number(r.model_mean, kind),
                format_band(r.model_p05, r.model_p95, kind),
                error_text(r),
                tolerance_text(r),
                "✓" if r.within else "✗",
            ]
        )
    return rows


def role_block(final: pd.DataFrame, path: Path, role: str) -> str:
    """The targets of one role ("fit" or "check") against the final runs."""
    table = fit_table(final)
    part = table[table["role"] == role]
    runs = final[["run_id", "seed"]].drop_duplicates()
    within = int(part["within"].sum())
    note = (
        f"_From `{path}` ({len(runs)} runs of `{final['scenario'].iloc[0]}`, made by "
        f"`{CALIBRATE_COMMAND}`): {within} of {len(part)} within tolerance. Errors are "
        "relative, or in share points (pp) for shares; a bound only fails on its "
        "wrong side._"
    )
    return note + "\n\n" + markdown_table(HEADER, target_rows(part), left=4) + "\n"


def missing_note(path: Path) -> str:
    """What to run when the calibration's final runs are not there."""
    return (
        f"_No calibration results yet (`{path}` is missing). Run `{CALIBRATE_COMMAND}`, "
        "then `littlegiants docs`._\n"
    )


def _header_comments(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.lstrip("# ").strip() for line in lines if line.startswith("#")]


def calibrated_block(path: Path = CALIBRATED_FILE) -> str:
    """The calibrated values against the code's defaults (from calibrated.toml)."""
    values = calibrated_values(path)
    if not values:
        return (
            f"_No `scenarios/{path.name}` yet: `{CALIBRATE_COMMAND}` writes it; the "
            "baseline then extends it._\n"
        )
    rows = []
    for key, value in values.items():
        node = nodes().get(key)
        if node is None:
            meaning, default = _push_item(key)
        else:
            default = format_value(node.default)
            meaning = node.info.description if node.info else ""
        rows.append([f"`{key}`", meaning or "", format_value(value), default])
    comments = "; ".join(c for c in _header_comments(path) if "do not edit" not in c)
    table = markdown_table(["parameter", "meaning", "calibrated", "code default"], rows, left=2)
    return f"_{comments}_\n\n{table}\n" if comments else table + "\n"


def _push_item(key: str) -> tuple[str, str]:
    """(meaning, default) of a value inside a push's table (`certification.pushes.<name>.
    publicity.national`), which has no field of its own; ("", "?") for any other key."""
    parts = key.split(".")
    if len(parts) == 5 and parts[:2] == ["certification", "pushes"]:
        field = PolicyPush.model_fields.get(parts[3])
        if field is not None and field.description:
            return f"{field.description} ({parts[4]} list; push `{parts[2]}`)", "0 (no push)"
    return "", "?"


def uncompared_block() -> str:
    """Observed facts the model is not compared with, and why."""
    rows = [[f"`{keys}`", reason] for keys, reason in UNCOMPARED.items()]
    return markdown_table(["facts", "why not compared"], rows, left=2) + "\n"
