"""littlegiants optimise: the robust search finds a known cheapest policy through the
bridge, is seeded, and its policy files run; a tiny real search writes them."""

from __future__ import annotations

import pandas as pd
import pytest
from command_line import invoke
from exploration_helpers import formula_evaluator, write

from model.exploration.evaluator import Execution
from model.exploration.optimise import COST, ROBUSTNESS, load_optimise, run_optimise
from model.exploration.optimise_report import write_optimise_report
from model.params.loading import load_scenario

KNOWN_CHEAPEST = """
name = "known_cheapest"
scenario = "projection_2030"
scale = 0.01
worlds = 20
base_seed = 17
nfe = 400
population = 20
robustness = 0.8
policies = 2

[uncertainties]
"restrictions.severity_scale" = { range = [0.5, 2.5] }

[levers]
"fiscal.support_scale" = { range = [0.0, 3.0], label = "support" }
"finance.guidance_fund.annual_budget_myuan" = { range = [0.0, 40000.0], label = "funds" }

[target]
variable = "national_little_giants"
quarter = "2030Q4"
at_least = 30000

[epsilons]
cost_bn_yuan = 0.2
robustness = 0.05
"""

TINY = """
name = "tiny_search"
scenario = "projection_2030"
scale = 0.01
worlds = 2
nfe = 4
population = 2
policies = 1

[uncertainties]
"restrictions.severity_scale" = { range = [0.5, 2.5] }

[levers]
"fiscal.programmes.key_little_giants_2024.batch_budget_myuan" = { range = [0.0, 12000.0] }

[target]
variable = "national_little_giants"
quarter = "2030Q4"
at_least = 20000
"""


def known_world(values: dict) -> dict:
    """The target holds when support >= 1.25 + (severity - 0.5) / 2; guidance funds only
    cost money. So the cheapest policy holding it in 80% of worlds is support at the 80th
    percentile of the worlds' thresholds (about 2.05) with no guidance funds."""
    support = values["fiscal.support_scale"]
    severity = values["restrictions.severity_scale"]
    count = 30_000.0 + 4000.0 * (support - 1.25 - (severity - 0.5) / 2)
    cost = 10e9 * support + 1e6 * values["finance.guidance_fund.annual_budget_myuan"]
    return {"national_little_giants_2030Q4": count, "cost_yuan": cost}


def search(folder):
    study, target, cost = load_optimise(write(folder, "known.toml", KNOWN_CHEAPEST))
    evaluator = formula_evaluator(known_world)
    out = folder / "out"
    return run_optimise(study, target, cost, out, Execution(), evaluator_type=evaluator), out


@pytest.fixture(scope="module")
def first_search(tmp_path_factory):
    """The known-answer search, run once for the tests that read it."""
    return search(tmp_path_factory.mktemp("first"))


def test_the_robust_search_finds_the_known_cheapest_policy(first_search):
    result, out = first_search
    thresholds = sorted(
        1.25 + (w["restrictions.severity_scale"] - 0.5) / 2 for w in _worlds(result)
    )
    needed = thresholds[int(0.8 * len(thresholds)) - 1]  # the 16th of 20 worlds
    best = result.robust.iloc[0]
    assert best[ROBUSTNESS] >= 0.8
    assert needed - 0.01 <= best["fiscal.support_scale"] < needed + 0.1
    assert best["finance.guidance_fund.annual_budget_myuan"] < 1500
    # each policy is scored on its own worlds: the search saw many robustness levels
    assert result.evaluated[ROBUSTNESS].nunique() > 5
    report, policies = write_optimise_report(result, out, "this process")
    params = load_scenario(policies[0])
    assert params.fiscal.support_scale == pytest.approx(best["fiscal.support_scale"])
    assert params.time.end == "2030Q4"  # it extends the study's base scenario
    assert policies[0].name in report.read_text()


def test_the_same_file_and_seed_give_the_same_pareto_set(first_search, tmp_path):
    first, _ = first_search
    second, _ = search(tmp_path)
    pd.testing.assert_frame_equal(first.pareto, second.pareto, check_exact=True)
    pd.testing.assert_frame_equal(first.evaluated, second.evaluated, check_exact=True)


def _worlds(result) -> list[dict]:
    from model.exploration.optimise import worlds

    return [dict(w) for w in worlds(result.study)]


@pytest.mark.slow
def test_a_tiny_real_search_writes_policies_that_run(tmp_path):
    spec = write(tmp_path, "tiny.toml", TINY)
    result = invoke("optimise", spec, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 0, result.output
    pareto = pd.read_parquet(tmp_path / "out" / "pareto.parquet")
    assert len(pareto) >= 1 and (pareto[COST] > 0).all()
    policy = load_scenario(tmp_path / "out" / "policy_1.toml")
    assert policy.fiscal.programmes[1].batch_budget_myuan == pytest.approx(
        pareto.sort_values(COST)[
            "fiscal.programmes.key_little_giants_2024.batch_budget_myuan"
        ].iloc[0]
    )
    assert "## The answer" in (tmp_path / "out" / "report.md").read_text()
