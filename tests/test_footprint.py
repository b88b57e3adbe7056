"""What a plain run costs beyond its arithmetic: the modules it imports and the rows it
reserves (both are peak memory in the benchmark, experiments/benchmark.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from model import Economy, load_scenario


def test_importing_the_package_leaves_scipy_stats_out() -> None:
    # scipy.stats costs ~0.45 s and ~30 MiB; only the comparisons' t quantiles use it.
    code = "import sys, model; print('scipy.stats' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "False", loaded.stderr


@pytest.mark.parametrize("scenario", ["baseline", "projection_2030"])
def test_the_reserved_rows_cover_the_run_without_much_to_spare(scenario: str) -> None:
    economy = Economy(load_scenario(scenario, scale=0.02), seed=3)
    reserved = len(economy.population._buffers["firm_id"])
    most = len(economy.population)
    while economy.running:
        economy.step()
        most = max(most, len(economy.population))
    assert len(economy.population._buffers["firm_id"]) == reserved  # never grown
    assert most <= reserved <= 1.3 * most
