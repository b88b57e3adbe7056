"""Invariants every quarter of every run must keep, checked on a live economy.

`run_checked(params, seed)` steps the economy to its end and returns the list of
violations (empty when the run is sound): non-finite state or outputs, negative
stocks, inconsistent counts, shares outside [0, 1], cash that moved without a
recorded flow, and national certifications of firms that missed the thresholds.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from model import Economy
from model.params import Params
from model.simulation import rules
from model.simulation.phases import certification
from model.simulation.population import COLUMNS, DEAD, INNOVATIVE, NATIONAL, PROVINCIAL

NON_NEGATIVE = (
    "size",
    "revenue",
    "opex",
    "rd_spend",
    "rd_stock",
    "patents",
    "patents_new",
    "bank_debt",
    "ip_debt",
    "equity_raised",
    "fixed_assets",
    "customers",
    "grants",
)
UNIT_INTERVAL = ("capability", "tech_access", "exposure", "main_share", "rd_intensity")
CASH_TOLERANCE = 1e-6  # M yuan, relative to the size of the flows


@contextmanager
def checked_batches(violations: list[str]):
    """Re-test every firm a national batch certifies, right after the batch."""
    original = certification.national_batch

    def checked(model: Economy, year: int) -> None:
        original(model, year)
        rows = model.last_certified
        rule = model.params.certification.national
        passed = rules.national_eligible(model.population, rule, year)[rows]
        if not passed.all():
            violations.append(
                f"{model.label}: {int((~passed).sum())} certified firms "
                "missed the national thresholds"
            )

    certification.national_batch = checked
    try:
        yield
    finally:
        certification.national_batch = original


def state_violations(economy: Economy) -> list[str]:
    """Non-finite or out-of-range firm state, and status counts that do not add up."""
    pop, found = economy.population, []
    for name, (dtype, _) in COLUMNS.items():
        values = getattr(pop, name)
        if np.issubdtype(dtype, np.floating) and not np.isfinite(values).all():
            found.append(f"{economy.label}: non-finite {name}")
    alive = pop.alive
    for name in NON_NEGATIVE:
        if (getattr(pop, name)[alive] < -1e-9).any():
            found.append(f"{economy.label}: negative {name}")
    for name in UNIT_INTERVAL:
        values = getattr(pop, name)[alive]
        if ((values < -1e-12) | (values > 1 + 1e-12)).any():
            found.append(f"{economy.label}: {name} outside [0, 1]")
    if not np.isin(pop.status, (DEAD, 0, INNOVATIVE, PROVINCIAL, NATIONAL)).all():
        found.append(f"{economy.label}: unknown status")
    return found


def output_violations(economy: Economy) -> list[str]:
    """The quarter's reporters: finite (or NaN for a mean over nobody), counts
    non-negative and nested, shares in [0, 1]."""
    row = {name: values[-1] for name, values in economy.datacollector.model_vars.items()}
    found = []
    for name, value in row.items():
        if np.isinf(value) or (np.isnan(value) and not _may_be_undefined(name)):
            found.append(f"{economy.label}: reporter {name} = {value}")
        elif "share" in name and not np.isnan(value) and not 0 <= value <= 1:
            found.append(f"{economy.label}: share {name} = {value}")
        elif not np.isnan(value) and value < 0:
            found.append(f"{economy.label}: negative {name} = {value}")
    if not (
        row["innovative_smes"]
        >= row["provincial_specialized"]
        >= row["national_little_giants"]
        >= 0
    ):
        found.append(f"{economy.label}: list counts do not nest")
    return found


UNDEFINED_WHEN_EMPTY = {
    "exposed_tech_access_mean",  # no exposed firm
    "national_review_pass_rate",  # no review this quarter
    "share_finance_constrained",  # no operating firm
    "share_with_loans",
}


def _may_be_undefined(name: str) -> bool:
    """Means and shares over little giants (or exposed firms) when there are none, and
    rates of quarters without the event."""
    counts = name == "lg_listed" or name.startswith("lg_listed_")
    return (name.startswith("lg_") and not counts) or name in UNDEFINED_WHEN_EMPTY


def cash_violations(economy: Economy, before: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list:
    """Cash of firms alive before and after the step changed by exactly the recorded flows."""
    ids, cash, alive = before
    pop, net = economy.population, economy.ledger.net
    rows = np.searchsorted(pop.firm_id, ids)
    found_row = rows < len(pop)
    found_row[found_row] = pop.firm_id[rows[found_row]] == ids[found_row]
    keep = alive & found_row
    keep[keep] = pop.alive[rows[keep]]
    change = pop.cash[rows[keep]] - cash[keep]
    # Flows of gross size R cancel to a net with rounding of order R x 1e-16: scale by them.
    gross = pop.revenue[rows[keep]] + pop.opex[rows[keep]]
    scale = 1.0 + np.abs(cash[keep]) + np.abs(change) + gross
    if (np.abs(change - net[keep]) > CASH_TOLERANCE * scale).any():
        return [f"{economy.label}: cash moved without a recorded flow"]
    return []


def run_checked(params: Params, seed: int = 1) -> list[str]:
    """Run to the end quarter checking every invariant each quarter; the violations."""
    violations: list[str] = []
    economy = Economy(params, seed=seed, track_cash_flows=True)
    violations += state_violations(economy)
    with checked_batches(violations):
        while economy.running and len(violations) < 5:
            pop = economy.population
            before = (pop.firm_id.copy(), pop.cash.copy(), pop.alive.copy())
            economy.step()
            violations += state_violations(economy) + output_violations(economy)
            violations += cash_violations(economy, before)
    return violations
