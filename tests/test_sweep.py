"""Sweeps: the same Parquet content wherever runs execute; kill -9 and resume; failing runs."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from model.simulation.reporters import REPORTERS
from model.sweeps import sweep as sweep_module
from model.sweeps.cluster import local_cluster
from model.sweeps.experiment import load_experiment
from model.sweeps.store import SweepStore, part_files
from model.sweeps.sweep import run_sweep

SCRIPT = Path(sys.executable).parent / "littlegiants"
CLI = (
    [str(SCRIPT)]
    if SCRIPT.exists()
    else [sys.executable, "-c", "from model.cli import main; main()"]
)
SORT_KEYS = ["run_id", "quarter", "variable"]

# 4 x 3 points x 4 seeds = 48 runs of 8 quarters at scale 0.003: about 0.05 s a run.
EXPERIMENT = """
name = "tiny_grid"
scale = 0.003
seeds_per_point = 4
outputs = ["national_little_giants", "pool_firms", "lg_invention_patents_mean"]
quarters = "year_end"
[changes]
"time.end" = "2020Q4"
[parameters."fiscal.support_scale"]
values = [0.0, 1.0, 2.0, 3.0]
[parameters."restrictions.severity_scale"]
values = [0.0, 1.0, 2.0]
"""
RUNS = 48

# Every reporter, every quarter: 2 points x 2 seeds of 4 quarters. Scale 0.02 gives
# more than 10,000 firm rows, the length from which OpenBLAS splits a dot product over
# its threads -- what once made one reporter's last bits depend on the process
# (all cores in-process, one thread in a Dask worker); at scale 0.01 that never showed.
ALL_OUTPUTS_EXPERIMENT = """
name = "all_outputs"
scale = 0.02
seeds_per_point = 2
quarters = "all"
[changes]
"time.end" = "2019Q4"
[parameters."restrictions.severity_scale"]
values = [1.0, 2.0]
"""
DASK_DEFAULT_HTTP_PORT = 8787  # where Dask's scheduler puts its HTTP server unless told


@pytest.fixture(scope="module", autouse=True)
def another_program_holds_port_8787():
    """Hold 8787 through every sweep test, as a notebook's Dask dashboard would: a
    cluster that still reached for it would warn, and `filterwarnings = error` fails."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", DASK_DEFAULT_HTTP_PORT))
        holder.listen()
    except OSError as exc:  # someone else holds it already: the same test condition
        assert exc.errno == errno.EADDRINUSE, exc
    with holder:
        yield


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def sorted_results(folder: Path) -> pd.DataFrame:
    table = pd.read_parquet(folder / "results")  # the folder as a Parquet dataset
    return table.sort_values(SORT_KEYS).reset_index(drop=True)


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("experiment") / "tiny_grid.toml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference_folder(experiment_file, tmp_path_factory) -> Path:
    """The sweep run in this process: what every other way of running must reproduce."""
    out = tmp_path_factory.mktemp("reference")
    done = run_cli("sweep", str(experiment_file), "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def reference(reference_folder) -> pd.DataFrame:
    return sorted_results(reference_folder)


def test_results_rows_carry_point_seed_and_parameter_values(reference):
    assert set(reference["run_id"]) == set(range(RUNS))
    for column in ("point_id", "replicate", "seed", "fiscal.support_scale"):
        assert column in reference.columns
    first = reference[reference["run_id"] == 5].iloc[0]
    assert (first["point_id"], first["replicate"]) == (1, 1)
    assert first["fiscal.support_scale"] == 0.0 and first["restrictions.severity_scale"] == 1.0
    assert set(reference["quarter"]) == {"2019Q4", "2020Q4"}


def test_every_run_has_every_output_and_quarter_nan_where_the_model_has_none(reference):
    # Patents per little giant has no value in a run without little giants: a NaN row
    # keeps the run in the dataset, so it counts as done.
    assert (reference.groupby("run_id").size() == 3 * 2).all()


def test_two_local_workers_give_identical_parquet_content(experiment_file, reference, tmp_path):
    done = run_cli("sweep", str(experiment_file), "--out", str(tmp_path), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "already in use" not in done.stderr  # the cluster took free ports, 8787 is held
    pd.testing.assert_frame_equal(sorted_results(tmp_path), reference, check_exact=True)
    assert "local Dask cluster, 2 processes" in (tmp_path / "report.md").read_text()


def test_an_existing_dask_scheduler_gives_identical_parquet_content(
    experiment_file, reference, tmp_path
):
    with local_cluster(2) as cluster:
        assert cluster.scheduler.http_server.port != DASK_DEFAULT_HTTP_PORT
        address = cluster.scheduler_address
        done = run_cli(
            "sweep", str(experiment_file), "--out", str(tmp_path), "--scheduler", address
        )
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(sorted_results(tmp_path), reference, check_exact=True)


def test_every_output_of_every_quarter_is_bit_identical_in_process_and_on_dask(tmp_path):
    experiment_file = tmp_path / "all_outputs.toml"
    experiment_file.write_text(ALL_OUTPUTS_EXPERIMENT, encoding="utf-8")
    experiment = load_experiment(experiment_file)
    run_sweep(experiment, tmp_path / "in_process", workers=1)
    run_sweep(experiment, tmp_path / "dask", workers=2)
    in_process = sorted_results(tmp_path / "in_process")
    assert set(in_process["variable"]) == set(REPORTERS)
    assert set(in_process["quarter"]) == set(experiment.quarters) and len(experiment.quarters) == 4
    assert len(in_process) == len(experiment.runs) * len(REPORTERS) * 4
    pd.testing.assert_frame_equal(sorted_results(tmp_path / "dask"), in_process, check_exact=True)


def test_a_sweep_killed_mid_way_resumes_without_losing_or_repeating_runs(
    experiment_file, reference, tmp_path
):
    command = [*CLI, "sweep", str(experiment_file), "--out", str(tmp_path)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--part-runs", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the Dask workers too
    )
    try:
        deadline = time.monotonic() + 120
        while len(part_files(tmp_path / "results")) < 2 and time.monotonic() < deadline:
            assert process.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone if the loop failed
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    before = SweepStore(tmp_path).done_run_ids()
    assert 0 < len(before) < RUNS
    # What a writer killed mid-write leaves: a hidden temporary, never read as data.
    (tmp_path / "results" / ".part-00000000-dead.parquet.x1y2.tmp").write_bytes(b"PAR1 trunc")

    resumed = run_cli(*command[len(CLI) :], "--workers", "1")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)} already done" in " ".join(resumed.stderr.split())
    after = sorted_results(tmp_path)
    per_run = after.groupby("run_id").size()
    assert sorted(per_run.index) == list(range(RUNS))
    assert not after.duplicated(SORT_KEYS).any()
    pd.testing.assert_frame_equal(after, reference, check_exact=True)
    assert not list((tmp_path / "results").glob(".*.tmp"))


def test_a_run_that_raises_is_recorded_and_the_sweep_completes(
    experiment_file, reference, tmp_path, monkeypatch
):
    real_simulate = sweep_module.simulate

    def simulate_failing_at_support_3(params, seed=0, run_id=0):
        if params.fiscal.support_scale == 3.0:
            raise RuntimeError("model blew up at support 3")
        return real_simulate(params, seed=seed, run_id=run_id)

    monkeypatch.setattr(sweep_module, "simulate", simulate_failing_at_support_3)
    experiment = load_experiment(experiment_file)
    summary = run_sweep(experiment, tmp_path, workers=1)
    failing = {r.run_id for r in experiment.runs if dict(r.values)["fiscal.support_scale"] == 3.0}
    assert summary.failed == len(failing) == 12 and summary.done == RUNS - 12
    assert set(summary.failures["run_id"]) == failing
    record = summary.failures.iloc[0]
    assert "RuntimeError: model blew up at support 3" in record["error"]
    assert record["fiscal.support_scale"] == 3.0 and "Traceback" in record["traceback"]
    kept = reference[~reference["run_id"].isin(failing)].reset_index(drop=True)
    pd.testing.assert_frame_equal(sorted_results(tmp_path), kept, check_exact=True)

    again = run_sweep(experiment, tmp_path, workers=1)
    assert (again.done, again.failed, again.skipped) == (0, 0, RUNS)

    monkeypatch.setattr(sweep_module, "simulate", real_simulate)
    retried = run_sweep(experiment, tmp_path, workers=1, retry_failed=True)
    assert retried.done == 12 and retried.failures.empty
    pd.testing.assert_frame_equal(sorted_results(tmp_path), reference, check_exact=True)


def test_the_report_lists_failures(experiment_file, tmp_path, monkeypatch):
    from model.sweeps.report import write_sweep_report

    def always_fails(params, seed=0, run_id=0):
        raise ValueError("no firms")

    experiment = load_experiment(experiment_file)
    monkeypatch.setattr(sweep_module, "simulate", always_fails)
    summary = run_sweep(experiment, tmp_path, workers=1)
    assert summary.failed == RUNS and summary.complete
    report = write_sweep_report(experiment, summary, pd.DataFrame(), tmp_path, "this process")
    assert "ValueError: no firms" in report.read_text()


def test_a_folder_holding_another_experiment_is_refused(experiment_file, tmp_path):
    other = experiment_file.parent / "other.toml"
    other.write_text(EXPERIMENT.replace("seeds_per_point = 4", "seeds_per_point = 1"))
    run_sweep(load_experiment(other), tmp_path, workers=1)
    done = run_cli("sweep", str(experiment_file), "--out", str(tmp_path), "--workers", "1")
    assert done.returncode == 2 and "different experiment" in done.stderr
    assert "--overwrite" in done.stderr


def test_the_seed_noise_section_gives_the_pooled_spread_between_seeds(experiment_file, reference):
    from model.sweeps.report import noise_section

    experiment = load_experiment(experiment_file)
    text = noise_section(reference, experiment, "2020Q4")
    pool = reference[(reference["quarter"] == "2020Q4") & (reference["variable"] == "pool_firms")]
    sd = pool.groupby("point_id")["value"].std().pow(2).mean() ** 0.5
    assert sd > 0
    row = next(line for line in text.splitlines() if line.startswith("| Technology-based SMEs"))
    assert f"| {sd:,.0f} | {sd / 2:,.0f} |" in row  # 4 seeds: s.e. = s.d. / 2


def test_a_two_parameter_grid_report_draws_a_heatmap_of_each_output(reference_folder):
    report = (reference_folder / "report.md").read_text(encoding="utf-8")
    for variable in ("national_little_giants", "pool_firms", "lg_invention_patents_mean"):
        figure = reference_folder / "figures" / f"heatmap_{variable}.png"
        assert figure.stat().st_size > 0 and f"figures/heatmap_{variable}.png" in report
