"""Mesa agents of the economy: large buyers, financiers and the government."""

from model.simulation.agents.buyers import LargeFirm, LargeFirms
from model.simulation.agents.financiers import Bank, FiscalProgramme, GuidanceFund, VentureCapital
from model.simulation.agents.government import Government

__all__ = [
    "Bank",
    "FiscalProgramme",
    "Government",
    "GuidanceFund",
    "LargeFirm",
    "LargeFirms",
    "VentureCapital",
]
