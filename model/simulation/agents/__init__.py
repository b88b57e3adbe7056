"""Mesa agents of the economy: large buyers, financiers, exchanges and the government."""

from model.simulation.agents.buyers import LargeFirm, LargeFirms
from model.simulation.agents.exchanges import Exchanges
from model.simulation.agents.financiers import Bank, GuidanceFund, VentureCapital
from model.simulation.agents.fiscal import FiscalProgramme
from model.simulation.agents.government import Government

__all__ = [
    "Bank",
    "Exchanges",
    "FiscalProgramme",
    "Government",
    "GuidanceFund",
    "LargeFirm",
    "LargeFirms",
    "VentureCapital",
]
