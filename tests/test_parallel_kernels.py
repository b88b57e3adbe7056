"""Parallel kernels: the same output to the last bit on any number of threads, and a
kernel that would break that (draws, writes through a tuple, sums across rows) is
refused when it is defined."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numba
import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from model import load_scenario, simulate
from model.simulation import compiled
from model.simulation.compiled import check_parallel, ordered_sum
from model.simulation.phases import innovation


def _on_threads(threads: int, function, *args):
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        return function(*args)
    finally:
        numba.set_num_threads(before)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one thread only")
def test_a_run_is_the_same_on_one_thread_and_on_two(monkeypatch):
    # Every parallel kernel runs its parallel version on two threads (however few the
    # rows) and its serial version on one.
    monkeypatch.setattr(compiled, "PARALLEL_FROM_ROWS", 0)
    params = load_scenario("baseline", scale=0.01, time__end="2021Q4")
    one = _on_threads(1, simulate, params, 5)
    two = _on_threads(2, simulate, params, 5)
    assert_frame_equal(one, two, check_exact=True)


def test_the_serial_and_parallel_versions_keep_separate_disk_caches():
    # Under one name each would load the other's code from the cache: small runs then
    # paid a parallel launch (~0.1 ms) per kernel call.
    kernel = innovation._learn_all
    assert (
        kernel.serial._cache._cache_file._index_name
        != kernel.compiled._cache._cache_file._index_name
    )


def _draws(firms, rng, out):
    for i in numba.prange(len(firms)):
        out[i] = rng.random()


def _writes_through_a_tuple(firms, out):
    cash, debt = out
    for i in numba.prange(len(firms)):
        cash[i] = firms[i]
        debt[i] = 0.0


def _sums_across_rows(firms, out):
    total = 0.0
    for i in numba.prange(len(firms)):
        total += firms[i]
    out[0] = total


def _independent_rows(firms, cash, debt):
    for i in numba.prange(len(firms)):
        firm_cash = firms[i]
        firm_cash -= 1.0
        cash[i], debt[i] = firm_cash, 0.0


@pytest.mark.parametrize(
    ("kernel", "message"),
    [
        (_draws, "draws must stay in row order"),
        (_writes_through_a_tuple, "writes 'cash', not an argument"),
        (_sums_across_rows, "sums 'total' across rows"),
    ],
)
def test_a_kernel_that_could_depend_on_the_threads_is_refused(kernel, message):
    with pytest.raises(TypeError, match=message):
        check_parallel(kernel)


def test_a_kernel_with_independent_rows_is_accepted():
    check_parallel(_independent_rows)  # raises if refused


def test_the_ordered_sum_adds_row_after_row():
    values = np.random.default_rng(1).lognormal(0.0, 3.0, 10_001)
    total = 0.0
    for value in values:
        total += value
    assert ordered_sum(values) == total


def _run_small(seed: int):
    return simulate(load_scenario("baseline", scale=0.002, time__end="2019Q4"), seed)


def test_a_process_forked_after_a_run_still_runs_the_model():
    # GNU OpenMP kills a child forked after the parent used it; the work queue does not.
    expected = _run_small(3)
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=fork) as pool:
        assert_frame_equal(pool.submit(_run_small, 3).result(timeout=120), expected)


def test_runs_on_several_threads_at_once_take_turns_in_parallel_kernels():
    expected = _run_small(4)
    with ThreadPoolExecutor(3) as pool:
        for table in pool.map(_run_small, [4, 4, 4]):
            assert_frame_equal(table, expected)
