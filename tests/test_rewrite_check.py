"""The rewrite check (experiments/rewrite_check.py) compares outputs and times of two versions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from experiment_scripts import EXPERIMENTS, import_experiment

SCRIPT = EXPERIMENTS / "rewrite_check.py"


@pytest.fixture(scope="module")
def check():
    return import_experiment("rewrite_check")


def test_runs_whose_hashes_differ_or_are_missing_are_named_in_order(check) -> None:
    before = {"a": "1", "b": "2", "c": "3"}
    assert check.compare_hashes(before, dict(before)) == []
    assert check.compare_hashes(before, {"a": "1", "b": "9", "d": "4"}) == ["b", "c", "d"]


def test_the_timing_table_gives_the_ratio_of_the_medians(check) -> None:
    table = check.timing_table([4.0, 5.0, 4.2], [2.0, 2.2, 3.0])
    assert "| REF | 4.00, 5.00, 4.20 | 4.20 |" in table
    assert table.endswith("after / before: 0.524")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_the_checked_out_head_gives_every_scenario_the_same_output() -> None:
    done = _run("HEAD", "--scale", "0.002")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if " at 0.002, seed " in line]
    scenarios = len(list((EXPERIMENTS.parent / "scenarios").glob("*.toml")))
    assert len(lines) == 2 * scenarios
    assert all(line.startswith("same") for line in lines)
    assert "to the last bit" in done.stdout


def test_a_ref_git_cannot_check_out_is_one_clear_message() -> None:
    done = _run("no-such-commit-xyz")
    assert done.returncode == 1
    assert "REF 'no-such-commit-xyz': git cannot check it out" in done.stderr
    assert "Traceback" not in done.stderr
