"""glibc's allocator set for the model's numpy temporaries.

A quarter makes and frees many column-sized temporaries (7 MB each at 1:1). glibc
maps a block that large straight from the kernel and unmaps it on free until its
dynamic mmap threshold has risen past it, and it gives the heap's free top back to the
kernel above a trim threshold; each time, the next temporary's pages are faulted in
and zeroed again. With the mmap threshold at glibc's own dynamic ceiling (32 MiB)
and freed memory kept up to 64 MiB, the same blocks are reused: at 1:1, 2019-25, page
faults fell from about 233,000 to 108,000, with peak memory 849 MiB against 832 (the
2019-30 run's peak stays at 1,036 MiB; 256 MiB kept cut the faults to 46,000 but added
45 MiB there). Keeping 96 MiB: finance's temporaries of a quarter (plans, loans, the
funds' and VC's rounds, listings: ~120 MB at 1:1) are freed together, which left more
than 64 MiB free at the heap's top, given back and faulted in again every quarter. With
96 MiB the 2019-25 run's faults fell from ~185,000 to ~72,000 and the 2019-30 run's
from ~320,000 to ~120,000, at the same peak memory (870-880 and ~1,085 MiB on
2026-12-06). A fault costs ~3 us on the machine measured (a fresh 4 KiB page, against
~0.2 us to rewrite one): 1:1 build and run best of 4, 5.0 s against 5.55 s.

It matters most where the environment sets a threshold: Dask's nannies start workers
with MALLOC_TRIM_THRESHOLD_=65536 (for pandas-heavy workers that should hand memory
back), which stops glibc adapting at all. A 0.2-scale run there took 4.25 s against
2.41 s (system time 1.48 s against 0.20 s, 740,000 page faults against 100,000); the
calibration's evaluations, on a local Dask cluster, ran at that speed until now.
`mallopt` overrides what the environment set.

The settings are process-wide and change nothing the model computes (where a block
lives never reaches a number). On a C library without glibc's `mallopt` (macOS,
Windows; musl answers 0) nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD = 96 * 2**20


@cache
def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds for this process, once; whether it took."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
