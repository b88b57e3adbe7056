"""The baseline fits every required observed fact, and this test notices when it does not.

The baseline runs at `SCALE` with `SEEDS` seeds spawned from the project's default
base seed (so the test is deterministic), and the mean over runs must meet each
required fact of `model.evidence.targets` within that fact's own kind and tolerance;
the four the calibrated model misses today are pinned where they were measured.
The second half shows the test can fail: editing one required observed value in
the package data by 20% in the direction in which it binds makes the check miss it.

Scale and seeds: at 0.25 the national count differs from 1:1 by about -2% to +1%
(measured once, see the issue note); eight runs keep the seed noise of the mean
below a quarter of the tolerance. The whole module takes about 20-30 s here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from model import load_scenario, replicate
from model.evidence import facts as facts_module
from model.evidence.observed import fit_table, targets
from model.simulation.runner import DEFAULT_BASE_SEED

SCALE = 0.25
SEEDS = 8
EDIT = 0.20  # the relative edit of an observed value the test must notice

REQUIRED = targets(required=True)


def _label(target) -> str:
    return f"{target.variable}@{target.quarter}"


@pytest.fixture(scope="module")
def baseline_runs() -> pd.DataFrame:
    """The baseline at SCALE, SEEDS runs on two processes."""
    params = load_scenario("baseline", scale=SCALE)
    return replicate(params, seeds=SEEDS, base_seed=DEFAULT_BASE_SEED, workers=2)


def _model_mean(results: pd.DataFrame, target) -> float:
    rows = results[
        (results["variable"] == target.variable) & (results["quarter"] == target.quarter)
    ]
    assert len(rows) == SEEDS, f"{_label(target)}: {len(rows)} runs have a value, expected {SEEDS}"
    return float(rows["value"].mean())


# Required facts the calibrated baseline misses today, each pinned at the error measured
# at the test's seeds: the test fails if the miss moves by more than the fact's tolerance
# either way (so a broken model is still caught) and fails if the model meets the fact
# (then its entry must go: it becomes a plain check). None since the calibration with
# the strongest-first applications (docs/validation.md).
KNOWN_MISSES: dict[str, tuple[float, str]] = {}


def fit_failure(target, mean: float) -> str | None:
    """Why the model's mean fails the fit test for this fact, or None: a plain fact must
    be met; a known miss must still be missed, by its pinned error within the tolerance."""
    error = target.error(mean)
    found = (
        f"{_label(target)}: model {mean:,.4g} against observed {target.observed:,.4g} "
        f"({target.kind}); error {error:+.3f}, tolerance {target.tolerance}"
    )
    if _label(target) not in KNOWN_MISSES:
        return None if target.within(mean) else found
    if not math.isfinite(error):
        return f"{found}: no value"
    pinned, why = KNOWN_MISSES[_label(target)]
    if target.within(mean):
        return f"{found}: a known miss ({why}) is now met; unpin it"
    if abs(error - pinned) > target.tolerance:
        return (
            f"{found}: the known miss ({why}) moved from {pinned:+.3f} by more than the tolerance"
        )
    return None


@pytest.mark.slow
@pytest.mark.parametrize("target", REQUIRED, ids=_label)
def test_baseline_meets_required_fact(baseline_runs: pd.DataFrame, target) -> None:
    """Each required fact holds on the mean over runs, within its own tolerance; a known
    miss stays where it was measured, within the fact's tolerance."""
    failure = fit_failure(target, _model_mean(baseline_runs, target))
    assert failure is None, failure


def _edited_facts(target, factor: float) -> pd.DataFrame:
    """The package facts with one (key, year) value multiplied by `factor`."""
    table = facts_module.facts().copy()
    row = (table["key"] == target.key) & np.isclose(table["year"], target.year)
    assert row.sum() == 1, f"fact {target.key} {target.year} is not unique"
    table.loc[row, "value"] *= factor
    return table


def _binding_edits(target) -> list[float]:
    """Edits that move the observed value against the model: both ways for a point or a
    known miss (either way moves its pinned error), up for a lower bound ('more than
    X'), down for an upper bound."""
    if _label(target) in KNOWN_MISSES:
        return [1 + EDIT, 1 - EDIT]
    return {
        "point": [1 + EDIT, 1 - EDIT],
        "lower_bound": [1 + EDIT],
        "upper_bound": [1 - EDIT],
    }[target.kind]


# A one-sided bound the model still meets when raised by the edit (within its tolerance)
# cannot be caught by that edit: 'more than 30M yuan' of R&D, raised to 36M, with the
# model at 34M and a 10% tolerance.
CLEARED_BOUNDS = {"lg_rd_spend_mean_yuan@2024Q4"}


def _meta_cases() -> list:
    """Every required fact, the known misses included."""
    return [
        pytest.param(
            target,
            marks=pytest.mark.xfail(
                strict=True,
                reason="the model meets this lower bound raised by 20%, within its "
                "tolerance; strict: the day it does not, this must become a plain check",
            ),
            id=_label(target),
        )
        if _label(target) in CLEARED_BOUNDS
        else pytest.param(target, id=_label(target))
        for target in REQUIRED
    ]


@pytest.mark.slow
@pytest.mark.parametrize("target", _meta_cases())
def test_editing_a_required_fact_by_a_fifth_fails_the_fit(
    baseline_runs: pd.DataFrame, target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one observed value edited by 20% against the model, the same runs fail."""
    mean = _model_mean(baseline_runs, target)
    for factor in _binding_edits(target):
        edited = _edited_facts(target, factor)
        with monkeypatch.context() as patch:
            patch.setattr(facts_module, "facts", lambda table=edited: table)
            facts_module.fact.cache_clear()
            failure = fit_failure(target, mean)
            observed = target.observed
        facts_module.fact.cache_clear()
        assert failure is not None, (
            f"{_label(target)}: observed x{factor} = {observed:,.4g} still passes with {mean:,.4g}"
        )


def test_fit_table_uses_the_package_facts() -> None:
    """The fit reads observed values from the package data, so an edit reaches it."""
    target = REQUIRED[0]
    assert target.observed == facts_module.fact(target.key, target.year) * target.scale
    table = fit_table(pd.DataFrame(columns=["variable", "quarter", "value"]), [target])
    assert table["observed"].iloc[0] == target.observed
