"""Validation: the targets the issue requires, bounds, the verdict and `littlegiants validate`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from command_line import invoke
from known_results import exact_results, shifted
from pictures import A_LINE, drawn_in, pixels

from model.evidence.observed import KINDS, ROLES, TARGETS, Target, fit_table, targets
from model.io import read_parquet, write_parquet
from model.simulation.reporters import REPORTERS
from model.simulation.runner import DEFAULT_BASE_SEED, replicate_seeds
from model.validation.validate import exit_code, missed_required

# (fact key, year) -> (tolerance, in share points) that the issue's goal names.
REQUIRED = {
    **{("little_giants_total_reported", y): (0.05, False) for y in range(2021, 2026)},
    ("invention_patents_per_firm_owned", 2024): (0.10, False),
    ("rd_spend_per_firm", 2024): (0.10, False),
    ("share_in_national_high_tech_zones", 2025): (0.05, True),
    ("share_industrial_foundation", 2025): (0.05, True),
    ("share_key_chain_links", 2025): (0.05, True),
    ("share_supply_3plus_large_firms", 2025): (0.05, True),
}


def test_every_fact_the_issue_requires_is_a_required_fit_target():
    required = {(t.key, t.year): t for t in targets(required=True)}
    assert set(required) == set(REQUIRED)
    for key, (tolerance, absolute) in REQUIRED.items():
        target = required[key]
        assert (target.tolerance, target.absolute, target.role) == (tolerance, absolute, "fit")


def test_fit_targets_are_the_required_facts_the_provincial_pools_and_rd_intensity():
    fit = targets(role="fit")
    optional = {t.variable for t in fit if not t.required}
    assert optional == {"provincial_specialized", "lg_rd_intensity"}
    assert len(targets(role="check")) >= 5 and len(fit) + len(targets(role="check")) == len(TARGETS)


def test_every_target_names_a_fact_a_reporter_and_a_valid_kind_and_role():
    for t in TARGETS:
        assert math.isfinite(t.observed) and t.observed > 0, t
        assert t.variable in REPORTERS, t
        assert t.kind in KINDS and t.role in ROLES and t.tolerance > 0 and t.weight > 0, t


@pytest.mark.parametrize(
    ("kind", "passing", "failing"),
    [
        ("point", [0.9, 1.0, 1.1], [0.89, 1.11]),
        ("lower_bound", [0.9, 1.0, 5.0], [0.89]),
        ("upper_bound", [0.0, 1.0, 1.1], [1.11]),
    ],
)
def test_a_target_passes_within_tolerance_and_on_the_open_side_of_a_bound(kind, passing, failing):
    target = Target("national_little_giants", "2024Q4", "little_giants_total_reported", 2024)
    target = Target(**{**target.__dict__, "tolerance": 0.10, "kind": kind})
    assert all(target.within(f * target.observed) for f in passing)
    assert not any(target.within(f * target.observed) for f in failing)
    assert not target.within(float("nan"))


def test_scaled_miss_is_zero_inside_a_bound_and_one_at_the_edge_of_a_point():
    (rd,) = [t for t in TARGETS if t.key == "rd_spend_per_firm"]
    assert rd.kind == "lower_bound"
    assert rd.scaled_miss(2 * rd.observed) == 0.0
    assert rd.scaled_miss(0.9 * rd.observed) == pytest.approx(-1.0)
    (zone,) = [t for t in TARGETS if t.key == "share_in_national_high_tech_zones"]
    assert zone.scaled_miss(zone.observed + 0.05) == pytest.approx(1.0)


def test_required_facts_at_their_observed_values_pass():
    table = fit_table(exact_results())
    assert table[table["required"]]["within"].all()
    assert exit_code(table) == 0 and missed_required(table) == []


@pytest.mark.parametrize(
    ("variable", "quarter", "change", "passes"),
    [
        ("national_little_giants", "2023Q4", {"times": 1.06}, False),
        ("national_little_giants", "2023Q4", {"times": 1.04}, True),
        ("national_little_giants", "2021Q4", {"times": 0.94}, False),
        ("lg_invention_patents_mean", "2024Q4", {"times": 0.88}, False),
        ("lg_rd_spend_mean_yuan", "2024Q4", {"times": 3.0}, True),  # a lower bound
        ("lg_rd_spend_mean_yuan", "2024Q4", {"times": 0.89}, False),
        ("lg_share_foundational", "2025Q4", {"by": 0.30}, True),  # a lower bound
        ("lg_share_foundational", "2025Q4", {"by": -0.06}, False),
        ("lg_share_high_tech_zone", "2025Q4", {"by": 0.04}, True),
        ("lg_share_high_tech_zone", "2025Q4", {"by": 0.06}, False),
    ],
)
def test_moving_a_required_fact_outside_its_tolerance_fails_and_names_it(
    variable, quarter, change, passes
):
    table = fit_table(shifted(exact_results(), variable, quarter, **change))
    assert exit_code(table) == (0 if passes else 1)
    missed = missed_required(table)
    assert (
        missed == [] if passes else [m.split(":")[0] for m in missed] == [f"{variable} {quarter}"]
    )


def test_a_required_variable_missing_from_the_results_fails():
    results = exact_results()
    table = fit_table(results[results["variable"] != "lg_share_key_chain"])
    assert exit_code(table) == 1 and missed_required(table)[0].startswith("lg_share_key_chain")


def test_check_facts_do_not_change_the_exit_code():
    results = shifted(exact_results(), "lg_loan_balance_mean_yuan", "2021Q4", times=3.0)
    table = fit_table(results)
    (row,) = table[table["variable"] == "lg_loan_balance_mean_yuan"].itertuples()
    assert not row.within and row.role == "check" and exit_code(table) == 0


def validate(*args: str | Path):
    return invoke("validate", *args)


def test_cli_exits_1_naming_the_fact_moved_outside_its_tolerance(tmp_path: Path):
    good, bad = tmp_path / "good.parquet", tmp_path / "bad.parquet"
    write_parquet(good, exact_results())
    write_parquet(bad, shifted(exact_results(), "national_little_giants", "2022Q4", times=0.9))
    ok = validate("--results", str(good), "--no-stylized", "--out", str(tmp_path / "ok"))
    assert ok.exit_code == 0, ok.output
    missed = validate("--results", str(bad), "--no-stylized", "--out", str(tmp_path / "bad"))
    assert missed.exit_code == 1
    assert "national_little_giants 2022Q4" in missed.output
    report = (tmp_path / "bad" / "report.md").read_text(encoding="utf-8")
    assert f"Missed 1 of {len(targets(required=True))} required facts" in report


STYLIZED = [
    "Heavy-tailed firm sizes",
    "Fat-tailed growth rates",
    "Skewed patent holdings",
    "Patent elasticity to R&D below one",
    "Persistent innovation",
]


def observed(variable: str, quarter: str) -> float:
    """The observed value of the one target at (variable, quarter)."""
    (value,) = [t.observed for t in TARGETS if (t.variable, t.quarter) == (variable, quarter)]
    return value


def test_cli_validates_a_run_without_certification_as_missing_every_required_fact(tmp_path):
    """A real run whose verdict is known: with no certification there are no little
    giants, so every national total is 0 and no little-giant mean or share has a value."""
    out = tmp_path / "validation"
    args = ["no_certification", "--seeds", "2", "--scale", "0.005", "--workers", "1"]
    result = validate(*args, "--out", out, "--stylized-scale", "0.005")
    assert result.exit_code == 1, result.output
    missed = [line.split("✗ ")[1] for line in result.stderr.splitlines() if "✗ " in line]
    assert [line.split(":")[0] for line in missed] == [
        *(f"national_little_giants {year}Q4" for year in range(2021, 2026)),
        "lg_invention_patents_mean 2024Q4",
        "lg_rd_spend_mean_yuan 2024Q4",
        "lg_share_high_tech_zone 2025Q4",
        "lg_share_foundational 2025Q4",
        "lg_share_key_chain 2025Q4",
        "lg_share_supplying_3plus_large 2025Q4",
    ]
    share = observed("lg_share_supplying_3plus_large", "2025Q4")
    assert missed[-1].endswith(f": observed {100 * share:.1f}%, model — (— vs ±5 pp)")

    results = read_parquet(out / "results.parquet")
    assert sorted(results["seed"].unique()) == sorted(replicate_seeds(DEFAULT_BASE_SEED, 2))
    giants = results.loc[results["variable"] == "national_little_giants", "value"]
    assert len(giants) == 2 * 28 and (giants == 0).all()
    written = pd.read_csv(out / "targets.csv")
    assert list(zip(written["variable"], written["quarter"], strict=True)) == [
        (t.variable, t.quarter) for t in TARGETS
    ]
    means = results.groupby(["variable", "quarter"])["value"].mean()
    for row in written.itertuples():
        mean = means.get((row.variable, row.quarter), math.nan)
        assert row.model_mean == pytest.approx(mean, nan_ok=True), row

    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"**Missed {len(REQUIRED)} of {len(REQUIRED)} required facts.**" in report
    total = observed("national_little_giants", "2025Q4")
    patents = observed("lg_invention_patents_mean", "2024Q4")
    for row in (
        f"| National little giants | 2025Q4 | {total:,.0f} | 0 | 0–0 | -100.0% | ±5% | point |",
        f"| Invention patents per little giant | 2024Q4 | {patents:.1f} | — | — | — | ±10% |",
    ):
        assert row in report, row
    assert "## Stylized facts of firm dynamics" in report

    stylized = pd.read_csv(out / "stylized.csv")
    assert list(stylized["name"]) == STYLIZED and np.isfinite(stylized["value"]).all()
    sizes = pixels(out / "figures" / "size_distribution.png")
    assert drawn_in(sizes, "#0072B2") >= A_LINE and drawn_in(sizes, "#D55E00") >= A_LINE
    growth = pixels(out / "figures" / "growth_rates.png")
    for colour in ("#0072B2", "#009E73", "#D55E00"):  # the firms, the Gaussian, the Laplace
        assert drawn_in(growth, colour) >= A_LINE, colour
