"""littlegiants: an agent-based simulation of China's specialized, innovative SMEs.

The package is layered (checked by import-linter, see `.importlinter`):
`simulation` is the model itself; `params` its typed inputs; `evidence` the
observed facts; the tools (`reports`, `validation`, `calibration`, `sweeps`,
`comparison`, `classroom`, `docs`) work around the model; `cli` is on top.
"""

from model.comparison.compare import compare
from model.params import Params
from model.params.loading import load_scenario, with_changes
from model.simulation.economy import Economy
from model.simulation.runner import replicate, simulate

__all__ = [
    "Economy",
    "Params",
    "compare",
    "load_scenario",
    "replicate",
    "simulate",
    "with_changes",
]
