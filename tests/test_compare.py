"""Scenario comparison: common random numbers, shipped scenarios, report and README table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import load_scenario, with_changes
from model.comparison.compare import compare, paired_differences, summary_quarters, summary_table
from model.comparison.report import README_END, README_START, readme_section
from model.params.loading import PROJECT_SCENARIOS, question_scenarios

SHIPPED = sorted(question_scenarios([PROJECT_SCENARIOS]))
SCALE = 0.003


def test_all_eight_scenarios_ship_with_a_question() -> None:
    assert set(SHIPPED) >= {
        "baseline",
        "no_restrictions",
        "tight_restrictions",
        "no_fiscal_support",
        "guidance_fund_boost",
        "zone_expansion",
        "no_certification",
        "projection_2030",
    }
    for name in SHIPPED:
        params = load_scenario(name)
        assert params.name == name
        assert "?" in params.description or name == "baseline", name


def test_identical_parameters_give_exactly_zero_differences() -> None:
    baseline = load_scenario("baseline", scale=SCALE)
    twin = baseline.model_copy(update={"name": "twin"})
    results = compare([baseline, twin], seeds=2, scale=SCALE)
    diffs = paired_differences(results, "baseline")
    assert len(diffs) == len(results) / 2
    assert (diffs["difference"] == 0).all()


@pytest.fixture(scope="module")
def shipped_results() -> pd.DataFrame:
    return compare(SHIPPED, seeds=2, scale=SCALE, workers=2)


def test_every_shipped_scenario_runs_to_its_end(shipped_results: pd.DataFrame) -> None:
    last = shipped_results.groupby("scenario")["quarter"].max()
    assert set(last.index) == set(SHIPPED)
    assert last["projection_2030"] == "2030Q4"
    assert (last.drop("projection_2030") == "2025Q4").all()


def test_runs_share_seeds_across_scenarios(shipped_results: pd.DataFrame) -> None:
    seeds = shipped_results.groupby("scenario")["seed"].agg(lambda s: tuple(sorted(set(s))))
    assert seeds.nunique() == 1


def test_counterfactuals_move_their_own_outputs(shipped_results: pd.DataFrame) -> None:
    table = summary_table(shipped_results, "baseline", "2025Q4")
    value = table.set_index(["scenario", "variable"])["mean"]
    share = "large_firm_domestic_supply_share"
    assert value["no_restrictions", share] < value["baseline", share]
    assert value["tight_restrictions", share] > value["baseline", share]
    assert value["no_certification", "national_little_giants"] == 0
    assert value["no_certification", "firms_meeting_national_thresholds"] > 0
    # The projection is the baseline up to 2025 (same seeds, same policies).
    assert value["projection_2030", "national_little_giants"] == pytest.approx(
        value["baseline", "national_little_giants"]
    )


def test_summary_quarters_add_a_projection_year_end(shipped_results: pd.DataFrame) -> None:
    assert summary_quarters(shipped_results) == ["2025Q4", "2030Q4"]


def test_distinguishable_means_the_interval_excludes_zero() -> None:
    rows = []
    for run_id, (base, up, same) in enumerate([(10, 15, 10), (11, 16, 12), (12, 17, 11)]):
        for scenario, value in (("a", base), ("b", up), ("c", same)):
            rows.append(
                {
                    "scenario": scenario,
                    "run_id": run_id,
                    "seed": run_id,
                    "quarter": "2025Q4",
                    "year": 2025,
                    "variable": "x",
                    "value": value,
                }
            )
    table = summary_table(pd.DataFrame(rows), "a", "2025Q4", ["x"]).set_index("scenario")
    assert table.loc["b", "diff_mean"] == 5 and table.loc["b", "distinguishable"]
    assert table.loc["c", "diff_mean"] == 0 and not table.loc["c", "distinguishable"]
    assert not table.loc["a", "distinguishable"]


def test_report_numbers_match_the_parquet_table(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    command = [str(Path(sys.executable).parent / "littlegiants")]
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{README_START}\nold\n{README_END}\noutro\n", encoding="utf-8")
    args = [
        "compare",
        "baseline",
        "no_restrictions",
        "--seeds",
        "2",
        "--scale",
        str(SCALE),
        "--out",
        str(out),
        "--workers",
        "1",
        "--readme",
        str(readme),
    ]
    done = subprocess.run(command + args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    results = pd.read_parquet(out / "results.parquet")
    report = (out / "report.md").read_text(encoding="utf-8")
    for png in re.findall(r"\]\((figures/[^)]+\.png)\)", report):
        assert (out / png).stat().st_size > 10_000
    last = results[(results.quarter == "2025Q4") & (results.variable == "national_little_giants")]
    mean = last[last.scenario == "no_restrictions"]["value"].mean()
    summary = report.split("**2025Q4**", 1)[1]
    row = next(line for line in summary.splitlines() if line.startswith("| no_restrictions |"))
    shown = float(row.split("|")[2].split("(")[0].replace(",", ""))
    assert shown == pytest.approx(mean, abs=0.5)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith("outro\n") and "old" not in text
    assert "| no_restrictions |" in text and "**no_restrictions**:" in text


def test_readme_section_has_two_sentences_per_scenario(shipped_results: pd.DataFrame) -> None:
    highlights = {name: load_scenario(name).highlights for name in SHIPPED}
    section = readme_section(shipped_results, "baseline", highlights, "cmd")
    bullets = [line for line in section.splitlines() if line.startswith("- **")]
    assert len(bullets) == len(SHIPPED) + 1  # plus the projection at 2030Q4
    for bullet in bullets:
        text = bullet.split("**: ", 1)[1]
        assert len(re.findall(r"[.!?](?:\s|$)", text)) >= 2, bullet
        assert "nan" not in text


def test_compare_refuses_duplicate_names() -> None:
    params = load_scenario("baseline", scale=SCALE)
    with pytest.raises(ValueError, match="must differ"):
        compare([params, with_changes(params, {"finance.bank.approval": 0.5})], seeds=1)


def test_paired_differences_align_by_seed() -> None:
    rows = [
        {
            "scenario": s,
            "run_id": r,
            "seed": 100 + r,
            "quarter": "2025Q4",
            "year": 2025,
            "variable": "x",
            "value": v,
        }
        for s, values in (("a", [1.0, 2.0]), ("b", [4.0, 9.0]))
        for r, v in enumerate(values)
    ]
    diffs = paired_differences(pd.DataFrame(rows), "a")
    assert np.array_equal(diffs.sort_values("run_id")["difference"].to_numpy(), [3.0, 7.0])
