"""Finance: firms plan R&D and equipment, fund the plans by a pecking order, and spend.

Each quarter a firm plans R&D (its R&D intensity times sales) and equipment (part of
the gap to its desired plant), plus a share of the money it earmarked earlier
(equity rounds, IPO proceeds, fiscal awards). It funds the plans from its own cash
above an operating buffer, then bank credit, then IP-pledge loans; equity comes from
financiers' own choices (VC rounds, guidance funds, listings) and is earmarked for
the plans it was raised for. Plans that cannot be funded are cut: the firm is
finance-constrained this quarter. Firms with cash to spare repay their loans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.simulation.population import Population

if TYPE_CHECKING:
    from model.simulation.economy import Economy

TINY_DEBT_MYUAN = 1e-3  # loans below a thousand yuan are closed


@dataclass
class Plans:
    """This quarter's plans per firm, M yuan."""

    rd: np.ndarray
    equipment: np.ndarray
    from_earmarks: np.ndarray  # part of the plans paid from earmarked money
    buffer: np.ndarray  # operating cash kept back

    @property
    def total(self) -> np.ndarray:
        """R&D and equipment together."""
        return self.rd + self.equipment


def plan(model: Economy) -> Plans:
    """R&D and equipment plans, including the quarter's share of earmarked money."""
    pop, params = model.population, model.params
    p, spending = params.production, params.finance.spending
    from_earmarks = pop.earmarked / spending.quarters * pop.alive
    rd = pop.rd_intensity * pop.revenue + spending.rd_share * from_earmarks
    gap = np.maximum(p.capital_output_ratio * 4.0 * pop.revenue - pop.fixed_assets, 0.0)
    equipment = p.investment_speed * gap + (1.0 - spending.rd_share) * from_earmarks
    buffer = pop.operating_buffer(params.finance.bank.cash_buffer_quarters)
    return Plans(rd * pop.alive, equipment * pop.alive, from_earmarks, buffer * pop.alive)


def shortfall(pop: Population, plans: Plans) -> np.ndarray:
    """Money a firm's plans and buffer need beyond its cash (0 for exited firms)."""
    return np.maximum(plans.total + plans.buffer - pop.cash, 0.0) * pop.alive


def raise_funds(model: Economy) -> None:
    """Awards arrive; banks, IP lenders, funds, VC and exchanges act; plans are funded."""
    pop, rng = model.population, model.rng
    grants = pop.support_payment * (pop.support_until >= model.quarter)
    pop.grants = grants
    pop.cash += grants
    pop.earmarked += grants
    plans = plan(model)
    need = shortfall(pop, plans)
    loans = model.bank.lend(pop, need, rng)
    pledged = model.bank.pledge(pop, need - loans, rng)
    private = model.vc.invest(pop, rng)
    fund, crowded_in, replaced = model.guidance_fund.invest(pop, rng, model.year, private)
    model.exchanges.apply(pop, rng, model.quarter)
    ipo = model.exchanges.decide(pop, rng, model.quarter)
    flows = {
        "fiscal": grants,
        "bank": loans,
        "ip_pledge": pledged,
        "guidance_fund": fund,
        "vc": private - replaced + crowded_in,
        "ipo": ipo,
    }
    model.ledger.record(**flows)  # once for all firms: cheaper than block by block
    book(pop, flows)
    model.ledger.record(capex=-spend(model, plans), repayment=-prepay(pop, plans))


def book(pop: Population, flows: dict[str, np.ndarray]) -> None:
    """New money into cash, debt and equity; equity is earmarked for the plans."""
    equity = flows["guidance_fund"] + flows["vc"] + flows["ipo"]
    pop.vc_backed |= (flows["guidance_fund"] + flows["vc"]) > 0
    pop.bank_debt += flows["bank"]
    pop.ip_debt += flows["ip_pledge"]
    pop.equity_raised += equity
    pop.equity_ytd += equity
    pop.earmarked += equity
    pop.cash += flows["bank"] + flows["ip_pledge"] + equity


def spend(model: Economy, plans: Plans) -> np.ndarray:
    """Fund the plans from cash above the buffer; cut them where that is short.

    Sets `rd_budget` (spent by the innovation phase) and buys the equipment now;
    returns the equipment bought per firm (M yuan).
    """
    pop = model.population
    available = np.maximum(pop.cash - plans.buffer, 0.0)
    funded = np.ones(len(pop))
    np.divide(available, plans.total, out=funded, where=plans.total > available)
    pop.constrained = (funded < 1.0) & pop.alive
    pop.rd_budget = plans.rd * funded
    equipment = plans.equipment * funded
    pop.fixed_assets += equipment
    pop.cash -= equipment
    pop.earmarked = np.maximum(pop.earmarked - plans.from_earmarks * funded, 0.0)
    return equipment


def prepay(pop: Population, plans: Plans) -> np.ndarray:
    """Firms with cash beyond their plans and twice their buffer repay loans (bank
    first); returns the principal repaid per firm (M yuan)."""
    spare = np.maximum(pop.cash - pop.rd_budget - 2.0 * plans.buffer, 0.0) * pop.alive
    bank = np.minimum(spare, pop.bank_debt)
    ip = np.minimum(spare - bank, pop.ip_debt)
    pop.bank_debt -= bank
    pop.ip_debt -= ip
    pop.cash -= bank + ip
    tiny_bank = pop.bank_debt < TINY_DEBT_MYUAN
    pop.bank_debt[tiny_bank] = 0.0
    pop.ip_debt[pop.ip_debt < TINY_DEBT_MYUAN] = 0.0
    return bank + ip
