"""Shared fixtures: tiny economies and hand-built firms for the core-economy tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from model import Economy, Params, load_scenario, with_changes
from model.params.certification import NationalRules
from model.simulation.population import COLUMNS, PROVINCIAL, Population

# Property tests: a few dozen draws in the suite, the same ones every run (derandomized,
# so a green suite stays green until the code changes); `make fuzz` selects the "fuzz"
# profile, which explores new draws each time.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=_SLOW_OK, derandomize=True
)
settings.register_profile(
    "fuzz", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def make_economy() -> Callable[..., Economy]:
    """`make_economy(scale=0.001, seed=1, **changes)`: a tiny economy at 2019Q1.

    Changes are dotted keys (`**{"finance.bank.approval": 1.0}`) or the same with
    double underscores (`finance__bank__approval=1.0`). `scenario="baseline"` starts
    from a shipped scenario instead of the defaults (which have no dated events).
    """

    def make(
        scale: float = 0.001,
        seed: int = 1,
        track_cash_flows: bool = False,
        scenario: str | None = None,
        **changes: Any,
    ) -> Economy:
        params = load_scenario(scenario, scale=scale) if scenario else Params(scale=scale)
        if changes:
            dotted = {key.replace("__", "."): value for key, value in changes.items()}
            params = with_changes(params, dotted)
        return Economy(params, seed=seed, track_cash_flows=track_cash_flows)

    return make


def build_population(firms: list[Mapping[str, Any]]) -> Population:
    """A Population holding exactly these firms (unset columns are zero)."""
    names = sorted({name for firm in firms for name in firm})
    pop = Population(capacity=len(firms))
    pop.add(
        {
            name: np.array([firm.get(name, 0) for firm in firms], dtype=COLUMNS[name][0])
            for name in names
        }
    )
    return pop


@pytest.fixture(scope="session")
def population_of() -> Callable[[list[Mapping[str, Any]]], Population]:
    """Build a Population from a list of per-firm column dicts."""
    return build_population


def national_candidate(rules: NationalRules, year: int) -> dict[str, Any]:
    """Columns of a firm in the top R&D tier that meets every national (and
    provincial) threshold in `year` with a margin, whatever the rule values."""
    revenue = max(rules.large_revenue_myuan, 10.0) * 2.0
    growth = rules.min_growth + 0.10
    intensity = min(rules.rd_intensity_large + 0.03, 0.9)
    years = max(rules.min_years, 2.0) + 1.0
    rev_y2 = revenue / (1.0 + growth)
    return {
        "status": PROVINCIAL,  # the list below national
        "birth_quarter": year * 4 - round(years * 4),
        "main_share": min(1.0, rules.min_main_business_share + 0.1),
        "rev_y1": revenue,
        "rev_y2": rev_y2,
        "rev_y3": rev_y2 / (1.0 + growth),
        "rd_y1": max(revenue * intensity, rules.rd_institution_min_rd_myuan + 1.0),
        "rd_y2": rev_y2 * intensity,
        "niche_market": revenue / min(rules.min_niche_share + 0.1, 1.0),
        "debt_ratio_ye": max(rules.max_debt_ratio - 0.2, 0.0),
        "patents": rules.min_patents + 3,
        "capability": 0.8,
        "revenue": revenue / 4.0,
        "size": revenue / 4.0,
        "cash": revenue / 4.0,
        "fixed_assets": revenue * 0.5,
    }


@pytest.fixture(scope="session")
def national_firm() -> Callable[[NationalRules, int], dict[str, Any]]:
    """`national_firm(rules, year)`: column values of a firm passing every national test."""
    return national_candidate
