"""Compiled per-firm kernels: the decorator every kernel uses, and how they report writes.

A rule that runs over every firm each quarter is written once, as a loop over firms
compiled by numba (`@kernel`), so a phase makes one pass over the columns it needs
instead of a chain of numpy temporaries. Kernels draw from the economy's own numpy
Generator (numba shares its bit generator), so the same seed gives the same run.
Compiled code is cached on disk next to the module: the first run after an install
compiles (some seconds), later processes load it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

ERROR_MODEL = "numpy"


def kernel[F: Callable[..., Any]](function: F) -> F:
    """Compile a per-firm rule or loop (nopython mode, cached on disk, no fast-math: the
    arithmetic is IEEE, as numpy's, so results do not depend on the machine's vector
    units). Division by zero gives inf or nan, as in numpy, instead of raising
    (`error_model="numpy"`): without a check before every division, loops compile to
    vector instructions, which round each element exactly as scalar ones do."""
    return numba.njit(cache=True, nogil=True, error_model=ERROR_MODEL)(function)  # type: ignore[return-value]


def rule[F: Callable[..., Any]](function: F) -> F:
    """Compile a rule for one firm, called from kernels: inlined into each kernel that
    calls it (a call would pass its arrays with reference counting, per firm)."""
    return numba.njit(inline="always", error_model=ERROR_MODEL)(function)  # type: ignore[return-value]


@rule
def poisson_by_inversion(rng, rate, none_chance):
    """A Poisson(rate) count from uniform draws: the smallest k whose cumulative
    probability exceeds u, walking up from P(0) = `none_chance` = exp(-rate) (computed
    beforehand, vectorised). Most rates here are far below 1, so most firms stop at 0
    after one draw and one comparison. A rate above 30 is drawn as the sum of equal
    Poisson parts of at most 30 (exp(-rate) would lose precision and then underflow)."""
    parts = 1
    if rate > 30.0:
        parts = int(np.ceil(rate / 30.0))
        rate /= parts
        none_chance = np.exp(-rate)
    count = 0
    for _ in range(parts):
        u = rng.random()
        k, term = 0, none_chance
        cumulative = term
        while u >= cumulative and term > 0.0:
            k += 1
            term *= rate / k
            cumulative += term
        count += k
    return count


def wrote(*columns: np.ndarray) -> None:
    """Say that compiled code wrote these arrays in place.

    A kernel writes the buffers directly, which an observer of the arrays (the docs'
    traced run) cannot see; an empty item assignment on each tells it, at no cost.
    """
    for column in columns:
        column[:0] = 0


@kernel
def numpy_sum(values):
    """`np.sum` of a float64 array, summed as numpy sums (pairwise: blocks of up to 128
    in eight interleaved partial sums, halves split at a multiple of 8), so a compiled
    rule gets numpy's last bit."""
    n = len(values)
    if n < 8:
        total = 0.0
        for value in values:
            total += value
        return total
    if n <= 128:
        partial = values[:8].copy()
        i = 8
        while i < n - n % 8:
            for j in range(8):
                partial[j] += values[i + j]
            i += 8
        total = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
            (partial[4] + partial[5]) + (partial[6] + partial[7])
        )
        for k in range(i, n):
            total += values[k]
        return total
    half = n // 2
    half -= half % 8
    return numpy_sum(values[:half]) + numpy_sum(values[half:])


@kernel
def numpy_choice(rng, candidates, weight, count):
    """`rng.choice(candidates, count, replace=False, p=weight / weight.sum())` as numpy's
    Generator draws it (the same draws, in the same order): rounds of uniform draws
    placed in the cumulative probabilities, picks already made set to probability 0 and
    repeats within a round dropped, until `count` distinct candidates are drawn (in the
    order first drawn). Weights must be positive; numpy's checks of p are not repeated."""
    p = weight / numpy_sum(weight)
    found = np.empty(count, dtype=np.int64)
    taken = np.zeros(len(p), dtype=np.bool_)
    picked = 0
    while picked < count:
        draws = np.empty(count - picked)
        for j in range(len(draws)):
            draws[j] = rng.random()
        for j in range(picked):
            p[found[j]] = 0.0
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        for draw in draws:
            k = np.searchsorted(cdf, draw, side="right")
            if not taken[k]:
                taken[k] = True
                found[picked] = k
                picked += 1
    return candidates[found]
