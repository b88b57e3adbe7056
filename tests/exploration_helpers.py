"""Helpers of the explore/optimise tests: an evaluator that computes a formula instead of
simulating, so EMA Workbench's PRIM and robust search can be checked on known answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from model.exploration.evaluator import SweepEvaluator


def formula_evaluator(formula: Callable[[dict[str, Any]], dict[str, float]]) -> type:
    """A `SweepEvaluator` whose batches are `formula(point values) -> measures`.

    Everything else (EMA's experiments, the callback, the per-policy scoring of the
    robust search) is the real bridge.
    """

    class FormulaEvaluator(SweepEvaluator):
        def run_batch(self, experiments: Sequence[Any], folder: Path) -> pd.DataFrame:
            rows = {
                e.experiment_id: formula(dict(e.scenario) | dict(e.policy)) for e in experiments
            }
            self.on_runs(len(rows))
            return pd.DataFrame.from_dict(rows, orient="index")

    return FormulaEvaluator


def write(folder: Path, name: str, text: str) -> Path:
    """A spec file in `folder`."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
