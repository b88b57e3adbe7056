"""Same scenario + same seed => the same tidy table, wherever and however it is run."""

from __future__ import annotations

import multiprocessing
import platform
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from model import Economy, load_scenario, replicate, simulate
from model.simulation.runner import TIDY_COLUMNS, replicate_seeds

SEED = 20240917


@pytest.fixture(scope="module")
def params():
    return load_scenario("baseline", scale=0.002)


@pytest.fixture(scope="module")
def reference(params) -> pd.DataFrame:
    return simulate(params, seed=SEED)


def test_same_seed_gives_identical_table_in_process(params, reference):
    simulate(params, seed=SEED + 1)  # another run in between must not leak state
    assert_frame_equal(simulate(params, seed=SEED), reference)


def test_same_seed_gives_identical_table_in_another_process(params, reference):
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, not a fork
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        remote = pool.submit(simulate, params, SEED).result(timeout=120)
    assert_frame_equal(remote, reference)


def _glibc_defaults() -> None:
    """A worker whose economies leave glibc's allocator as the process started."""
    import model.simulation.economy

    model.simulation.economy.keep_freed_memory = lambda: False


def _page_faults(scale: float) -> int:
    """Minor page faults of one baseline run 2019-22 in this process."""
    import resource

    params = load_scenario("baseline", scale=scale, time__end="2022Q4")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    Economy(params, seed=SEED).run()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _faults_in_fresh_process(tuned: bool, scale: float) -> int:
    spawn = multiprocessing.get_context("spawn")
    setup = None if tuned else _glibc_defaults
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=setup) as pool:
        pool.submit(_page_faults, 0.002).result(timeout=120)  # imports, first allocations
        return pool.submit(_page_faults, scale).result(timeout=120)


GLIBC = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")


@GLIBC
def test_the_allocator_settings_change_no_number(params, reference):
    from model.simulation.allocator import keep_freed_memory

    assert keep_freed_memory()  # glibc took both thresholds in this process
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=_glibc_defaults) as pool:
        untuned = pool.submit(simulate, params, SEED).result(timeout=120)
    assert_frame_equal(untuned, reference)


@GLIBC
def test_a_run_reuses_freed_memory_even_under_dasks_trim_threshold(monkeypatch):
    """Dask's workers start with MALLOC_TRIM_THRESHOLD_=65536: untuned, a run there
    faults in (and zeroes) its temporaries' pages again and again."""
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # inherited by the workers
    tuned, untuned = (_faults_in_fresh_process(t, scale=0.05) for t in (True, False))
    assert tuned < 0.5 * untuned, (tuned, untuned)


def test_different_seeds_give_different_paths(params, reference):
    other = simulate(params, seed=SEED + 1)
    assert list(other.columns) == list(reference.columns)
    merged = reference.merge(other, on=["quarter", "variable"], suffixes=("_a", "_b"))
    pool = merged[merged["variable"] == "pool_firms"]
    assert len(pool) == 28
    assert (pool["value_a"] != pool["value_b"]).sum() > 20


def test_economies_with_equal_seeds_draw_equal_random_numbers(params):
    first, second = Economy(params, seed=5), Economy(params, seed=5)
    np.testing.assert_array_equal(first.population.size, second.population.size)
    assert first.rng.random() == second.rng.random()
    assert Economy(params, seed=6).population.size.sum() != first.population.size.sum()


def test_replicate_does_not_depend_on_worker_count(params):
    serial = replicate(params, seeds=3, workers=1)
    parallel = replicate(params, seeds=3, workers=2)
    assert_frame_equal(serial, parallel)
    seeds = replicate_seeds(20210101, 3)
    by_run = serial.groupby("run_id")["seed"].unique()
    assert list(by_run.index) == [0, 1, 2]
    assert [int(s[0]) for s in by_run] == seeds  # run ids follow the seed order


def test_replicate_run_equals_a_single_simulation_with_its_seed(params):
    seeds = [11, 22]
    both = replicate(params, seeds=seeds, workers=1)
    alone = simulate(params, seed=22, run_id=1)
    assert_frame_equal(both[both["run_id"] == 1].reset_index(drop=True), alone)


def test_replicate_seeds_are_stable_distinct_and_prefix_consistent():
    seeds = replicate_seeds(7, 10)
    assert seeds == replicate_seeds(7, 10)
    assert len(set(seeds)) == 10
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in seeds)
    assert replicate_seeds(7, 4) == seeds[:4]  # asking for more runs keeps the first ones
    assert set(replicate_seeds(8, 10)).isdisjoint(seeds)


def test_seed_and_run_id_are_recorded_in_every_row(params):
    table = simulate(params, seed=123, run_id=4)
    assert list(table.columns) == TIDY_COLUMNS
    assert set(table["seed"]) == {123}
    assert set(table["run_id"]) == {4}
    assert set(table["scenario"]) == {"baseline"}
    assert (table["year"] == table["quarter"].str[:4].astype(int)).all()
