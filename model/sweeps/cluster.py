"""Dask clusters for sweeps: a local cluster on free ports, or a client of a running scheduler.

Every local cluster the project starts binds only ports the operating system
hands out (port 0), so a sweep never fights another program, or another
sweep, over a fixed port. Dask's scheduler starts its HTTP server even with
the dashboard off, on port 8787 unless told otherwise; when 8787 is taken it
moves elsewhere with a warning, which the test suite's `filterwarnings =
error` turns into a failure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from model.errors import ConfigError

SCHEDULER_TIMEOUT = "20s"
FREE_PORT = 0  # let the operating system pick an unused port
# The scheduler's HTTP server (health, metrics) always starts: on loopback, a free port.
HTTP_ADDRESS = f"127.0.0.1:{FREE_PORT}"


def local_cluster(workers: int, **options: Any) -> Any:
    """A `distributed.LocalCluster` of `workers` one-thread processes on free ports.

    No dashboard pages (nobody reads them); `options` go to LocalCluster as given.
    Use it as a context manager so the processes stop with the block.
    """
    from distributed import LocalCluster

    settings: dict[str, Any] = {
        "n_workers": workers,
        "processes": True,
        "threads_per_worker": 1,  # the model is single-threaded numpy
        "scheduler_port": FREE_PORT,
        "dashboard_address": HTTP_ADDRESS,
        # LocalCluster turns the dashboard on whenever it is given an address: off again.
        "scheduler_kwargs": {"dashboard": False},
        "worker_dashboard_address": None,  # workers' HTTP servers then take free ports
    }
    return LocalCluster(**(settings | options))


@contextmanager
def dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: on the scheduler at `scheduler`, or on a fresh local cluster.

    The local cluster has `workers` processes with one thread each, on free ports.
    """
    import dask
    from distributed import Client

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"--scheduler {scheduler}: cannot connect ({exc})") from exc
        with client:
            yield client
        return
    with (
        # Nobody reads the (disabled) dashboard: spare the workers' 10 ms stack sampling.
        dask.config.set({"distributed.worker.profile.enabled": False}),
        # Tasks cancelled by Ctrl-C are not worth a warning.
        local_cluster(workers, silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):
        yield client
