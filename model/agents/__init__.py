"""Mesa agents of the economy: large buyers, financiers and the government."""

from model.agents.buyers import LargeFirm, LargeFirms
from model.agents.financiers import Bank, FiscalProgramme, GuidanceFund, VentureCapital
from model.agents.government import Government

__all__ = [
    "Bank",
    "FiscalProgramme",
    "Government",
    "GuidanceFund",
    "LargeFirm",
    "LargeFirms",
    "VentureCapital",
]
