"""EMA Workbench, imported and called without its noise.

EMA Workbench 3.0 warns on import that ipyparallel is missing (we never use its
evaluator) and its analysis code still uses pandas idioms that pandas 3 deprecates.
Those warnings are the library's, not ours: `quiet()` silences exactly these
categories around calls into it, so the project's `filterwarnings = error` still
catches our own.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def quiet() -> Iterator[None]:
    """Ignore the library's deprecation warnings and its missing-ipyparallel notice."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        yield


def workbench() -> ModuleType:
    """The `ema_workbench` package (imported on first use: it takes ~3 s)."""
    with quiet():
        import ema_workbench
    return ema_workbench


def analysis(name: str) -> ModuleType:
    """An analysis module of EMA Workbench, e.g. `analysis("prim")`."""
    with quiet():
        return importlib.import_module(f"ema_workbench.analysis.{name}")
