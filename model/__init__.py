"""littlegiants: an agent-based simulation of China's specialized, innovative SMEs."""

from model.economy import Economy
from model.params import Params
from model.params.loading import load_scenario, with_changes
from model.runner import replicate, simulate

__all__ = [
    "Economy",
    "Params",
    "load_scenario",
    "replicate",
    "simulate",
    "with_changes",
]
