"""The lever matrix: each policy lever moves its direct output in the stated direction.

Small baseline economies, the same seed for the baseline and each pulled lever
(common random numbers). A lever that moves nothing is a failing test.
"""

from __future__ import annotations

import pytest

from model import load_scenario, simulate
from model.comparison.levers import LEVERS, Lever, direct_value, moved_as_stated

SCALE, SEED = 0.02, 11


@pytest.fixture(scope="module")
def base():
    return simulate(load_scenario("baseline", scale=SCALE), seed=SEED)


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_lever_moves_its_direct_output_as_stated(base, lever: Lever) -> None:
    pulled = simulate(lever.apply(load_scenario("baseline", scale=SCALE)), seed=SEED)
    before, after = direct_value(base, lever).mean(), direct_value(pulled, lever).mean()
    assert moved_as_stated(base, pulled, lever), (
        f"{lever.name} ({lever.pulled}): {lever.direct} {before:,.4g} -> {after:,.4g}, "
        f"expected {'up' if lever.direction > 0 else 'down'}"
    )


def test_every_lever_names_a_real_output(base) -> None:
    assert {lever.direct for lever in LEVERS} <= set(base["variable"])
