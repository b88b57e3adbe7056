"""The experiments/ folder, whose scripts the tests import as modules (it is no package)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def import_experiment(name: str) -> ModuleType:
    """The script (or folder) `experiments/<name>` as a module."""
    sys.path.insert(0, str(EXPERIMENTS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(EXPERIMENTS))
