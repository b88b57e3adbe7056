"""littlegiants explore: PRIM through the bridge finds a known region; a small real explore
writes its report; a killed explore resumes like a sweep; bad files are refused clearly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from command_line import invoke, refusal
from exploration_helpers import formula_evaluator, write

from model.errors import ConfigError
from model.exploration.evaluator import Execution
from model.exploration.explore import TABLE, load_explore, run_explore
from model.exploration.explore_report import write_explore_report
from model.sweeps.store import SweepStore, part_files

SCRIPT = Path(sys.executable).with_name("littlegiants")
CLI = (
    [str(SCRIPT)]
    if SCRIPT.exists()
    else [sys.executable, "-c", "from model.cli import main; main()"]
)

KNOWN_REGION = """
name = "known_region"
scenario = "projection_2030"
scale = 0.01
samples = 400
base_seed = 11

[uncertainties]
"restrictions.severity_scale" = { range = [0.5, 2.5], label = "severity" }
"large_firms.demand_growth" = { range = [0.02, 0.10], label = "demand growth" }

[levers]
"fiscal.support_scale" = { range = [0.0, 3.0], label = "support" }

[outcome]
variable = "national_little_giants"
quarter = "2030Q4"
below = 30000
"""

SMALL = """
name = "small_explore"
scenario = "projection_2030"
scale = 0.01
samples = 10
base_seed = 3

[uncertainties]
"restrictions.severity_scale" = { range = [0.5, 2.5], label = "restriction severity" }
"restrictions.shift_quarters" = { range = [-4, 8], label = "restriction timing" }

[levers]
"fiscal.programmes.key_little_giants_2024.batch_budget_myuan" = { range = [0, 12000.0] }

[outcome]
variable = "national_little_giants"
quarter = "2030Q4"
below = 31500
"""


def known_failure(values: dict) -> dict:
    """Little giants fall short exactly when severity > 1.6 and support < 1.0."""
    fails = values["restrictions.severity_scale"] > 1.6 and values["fiscal.support_scale"] < 1.0
    return {"national_little_giants_2030Q4": 25_000.0 if fails else 35_000.0}


def test_prim_through_the_bridge_finds_a_known_failure_region(tmp_path):
    study, condition = load_explore(write(tmp_path, "known.toml", KNOWN_REGION))
    evaluator = formula_evaluator(known_failure)
    result = run_explore(study, condition, tmp_path / "out", Execution(), evaluator_type=evaluator)
    box = result.prim[0]
    limits = {limit.variable.name: limit for limit in box.limits}
    assert set(limits) == {"restrictions.severity_scale", "fiscal.support_scale"}
    severity, support = limits["restrictions.severity_scale"], limits["fiscal.support_scale"]
    assert severity.high is None and abs(severity.low - 1.6) < 0.05
    assert support.low is None and abs(support.high - 1.0) < 0.08
    assert box.coverage > 0.9 and box.density > 0.95
    assert severity.qp_low < 1e-6 and support.qp_high < 1e-6
    assert result.cart and {lim.variable.name for lim in result.cart[0].limits} == set(limits)
    report = write_explore_report(result, tmp_path / "out", "this process").read_text()
    assert "when severity is at least 1.6" in report and "support is at most 1" in report
    assert (tmp_path / "out" / "figures" / "prim_box1_tradeoff.png").stat().st_size > 10_000


@pytest.mark.slow
def test_a_small_real_explore_writes_its_report(tmp_path):
    spec = write(tmp_path, "small.toml", SMALL)
    result = invoke("explore", spec, "--out", tmp_path / "out", "--workers", "1")  # ~10 s
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(tmp_path / "out" / TABLE)
    assert len(table) == 10 and table["national_little_giants_2030Q4"].notna().all()
    cases = int(table["of_interest"].sum())
    report = (tmp_path / "out" / "report.md").read_text()
    assert f"**{cases} of 10 sampled points" in report
    assert "## PRIM boxes" in report and "## CART" in report
    # every run's rows are in the sweep store, with the parameter changes as columns
    rows = SweepStore(tmp_path / "out").results()
    assert sorted(rows["run_id"].unique()) == list(range(10))
    assert "fiscal.programmes.1.batch_budget_myuan" in rows.columns


@pytest.mark.slow
def test_a_killed_explore_resumes_like_a_sweep(tmp_path):
    spec = write(tmp_path, "small.toml", SMALL)
    assert invoke("explore", spec, "--out", tmp_path / "reference", "--workers", "1").exit_code == 0
    out = tmp_path / "killed"
    command = [*CLI, "explore", str(spec), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--part-runs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the Dask workers too
    )
    try:
        deadline = time.monotonic() + 120
        while len(part_files(out / "results")) < 2 and time.monotonic() < deadline:
            assert process.poll() is None, "the explore ended before it could be killed"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    done = SweepStore(out).done_run_ids()
    assert 0 < len(done) < 10
    resumed = invoke("explore", spec, "--out", out, "--workers", "1")
    assert resumed.exit_code == 0, resumed.output
    reference = pd.read_parquet(tmp_path / "reference" / TABLE)
    pd.testing.assert_frame_equal(pd.read_parquet(out / TABLE), reference, check_exact=True)
    assert SweepStore(out).done_run_ids() == set(range(10))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ('"fiscal.support_scale" = { range = [0.0, 30.0] }', "fiscal.support_scale"),
        ('"fiscal.programmes.nope.award_myuan" = { range = [0.0, 1.0] }', "no item named 'nope'"),
        ('"fiscal.suport_scale" = { range = [0.0, 1.0] }', "did you mean 'support_scale'"),
        ('"certification.enabled" = { range = [0.0, 1.0] }', "not a number"),
        ('"fiscal.support_scale" = { range = [2.0, 1.0] }', "low < high"),
        (
            '"fiscal.support_scale" = { rnge = [0.0, 1.0] }',
            "unknown key 'levers.fiscal.support_scale.rnge'",
        ),
    ],
)
def test_a_bad_lever_is_refused_naming_file_key_and_what_is_allowed(tmp_path, change, expected):
    lever = '"fiscal.programmes.key_little_giants_2024.batch_budget_myuan"'
    text = SMALL.replace(f"{lever} = {{ range = [0, 12000.0] }}", change)
    path = write(tmp_path, "bad.toml", text)
    message = refusal("explore", path, "--out", tmp_path / "out")
    assert str(path) in message and expected in message
    assert not (tmp_path / "out").exists()


def test_an_out_of_range_value_names_the_allowed_range(tmp_path):
    path = write(tmp_path, "bad.toml", SMALL.replace("[0.5, 2.5]", "[0.5, 25.0]"))
    with pytest.raises(ConfigError) as error:
        load_explore(path)
    assert "restrictions.severity_scale" in str(error.value) and "<=" in str(error.value)


@pytest.mark.slow
def test_the_console_script_refuses_a_bad_outcome_in_one_line(tmp_path):
    path = write(tmp_path, "bad.toml", SMALL.replace('quarter = "2030Q4"', 'quarter = "2031Q4"'))
    process = subprocess.run(
        [*CLI, "explore", str(path)], capture_output=True, text=True, check=False
    )
    assert process.returncode == 2
    assert "Traceback" not in process.stderr and "outside the simulated calendar" in process.stderr
