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

from model.simulation.compiled import kernel, wrote
from model.simulation.population import DEAD, Population

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
    need: np.ndarray  # what plans and buffer need beyond cash (0 for exited firms)

    @property
    def total(self) -> np.ndarray:
        """R&D and equipment together."""
        return self.rd + self.equipment


@kernel
def _plan_all(status, earmarked, rd_intensity, revenue, fixed_assets, opex, cash, rules, out):
    """Per firm: from earmarks e = earmarked / quarters; R&D = intensity x sales + share x e;
    equipment = speed x max(K/Y x 4 x sales - plant, 0) + (1 - share) x e; buffer =
    quarters x opex; need = max(R&D + equipment + buffer - cash, 0); 0 if exited."""
    quarters, rd_share, capital_output, speed, buffer_quarters = rules
    rd, equipment, from_earmarks, buffer, need = out
    for i in range(len(status)):
        alive = 1.0 if status[i] != DEAD else 0.0
        from_earmarks[i] = earmarked[i] / quarters * alive
        rd[i] = (rd_intensity[i] * revenue[i] + rd_share * from_earmarks[i]) * alive
        gap = max(capital_output * 4.0 * revenue[i] - fixed_assets[i], 0.0)
        equipment[i] = (speed * gap + (1.0 - rd_share) * from_earmarks[i]) * alive
        buffer[i] = buffer_quarters * opex[i] * alive
        need[i] = max(rd[i] + equipment[i] + buffer[i] - cash[i], 0.0) * alive


def plan(model: Economy) -> Plans:
    """R&D and equipment plans, including the quarter's share of earmarked money."""
    pop, params = model.population, model.params
    p, spending = params.production, params.finance.spending
    rules = (
        float(spending.quarters),
        spending.rd_share,
        p.capital_output_ratio,
        p.investment_speed,
        params.finance.bank.cash_buffer_quarters,
    )
    plans = Plans(*(np.empty(len(pop)) for _ in range(5)))
    _plan_all(
        pop.status,
        pop.earmarked,
        pop.rd_intensity,
        pop.revenue,
        pop.fixed_assets,
        pop.opex,
        pop.cash,
        rules,
        (plans.rd, plans.equipment, plans.from_earmarks, plans.buffer, plans.need),
    )
    return plans


@kernel
def _pay_programme_awards(support_payment, support_until, quarter, cash, earmarked, grants):
    """Central programme awards of the quarter (while `support_until` >= quarter) go into
    cash and are earmarked for the plans."""
    for i in range(len(cash)):
        grants[i] = support_payment[i] if support_until[i] >= quarter else 0.0
        cash[i] += grants[i]
        earmarked[i] += grants[i]


def raise_funds(model: Economy) -> None:
    """Awards arrive; banks, IP lenders, funds, VC and exchanges act; plans are funded."""
    pop, rng = model.population, model.rng
    grants = pop.grants
    _pay_programme_awards(
        pop.support_payment, pop.support_until, model.quarter, pop.cash, pop.earmarked, grants
    )
    wrote(pop.cash, pop.earmarked, grants)
    plans = plan(model)
    loans = model.bank.lend(pop, plans.need, rng)
    pledged = model.bank.pledge(pop, plans.need - loans, rng)
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
    spent = np.zeros(2)  # equipment bought, principal repaid
    _book_spend_prepay_all(
        _flows(flows), _plan_columns(plans), pop.status, _columns(pop), spent, model.ledger.net
    )
    wrote(*_columns(pop), model.ledger.net)
    model.ledger.add_totals(capex=-spent[0], repayment=-spent[1])


def _flows(flows: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return tuple(flows[k] for k in ("bank", "ip_pledge", "guidance_fund", "vc", "ipo"))


def _plan_columns(plans: Plans) -> tuple[np.ndarray, ...]:
    return plans.rd, plans.equipment, plans.from_earmarks, plans.buffer


def _columns(pop: Population) -> tuple[np.ndarray, ...]:
    """The columns booking, spending and prepaying write."""
    return (
        *(pop.vc_backed, pop.bank_debt, pop.ip_debt, pop.equity_raised, pop.equity_ytd),
        *(pop.earmarked, pop.cash, pop.fixed_assets, pop.rd_budget, pop.constrained),
    )


@kernel
def _book(i, flows, columns):
    """New money into cash, debt and equity; equity (fund + VC + IPO) is earmarked."""
    bank, ip_pledge, guidance_fund, vc, ipo = flows
    vc_backed, bank_debt, ip_debt, equity_raised, equity_ytd, earmarked, cash = columns[:7]
    equity = guidance_fund[i] + vc[i] + ipo[i]
    vc_backed[i] |= (guidance_fund[i] + vc[i]) > 0
    bank_debt[i] += bank[i]
    ip_debt[i] += ip_pledge[i]
    equity_raised[i] += equity
    equity_ytd[i] += equity
    earmarked[i] += equity
    cash[i] += bank[i] + ip_pledge[i] + equity


@kernel
def _spend(i, plans, status, columns):
    """funded = min(1, max(cash - buffer, 0) / (R&D + equipment plans)); the R&D budget
    is funded x R&D plan, funded x equipment plan is bought now (returned), and earmarks
    fall by funded x their share of the plans. A firm with funded < 1 is constrained."""
    rd, equipment, from_earmarks, buffer = plans
    earmarked, cash, fixed_assets, rd_budget, constrained = columns[5:]
    available = max(cash[i] - buffer[i], 0.0)
    total = rd[i] + equipment[i]
    funded = available / total if total > available else 1.0
    constrained[i] = funded < 1.0 and status[i] != DEAD
    rd_budget[i] = rd[i] * funded
    bought = equipment[i] * funded
    fixed_assets[i] += bought
    cash[i] -= bought
    earmarked[i] = max(earmarked[i] - from_earmarks[i] * funded, 0.0)
    return bought


@kernel
def _prepay(i, buffer, status, columns):
    """spare = max(cash - R&D budget - 2 x buffer, 0) repays bank loans, then IP-pledge
    loans (the principal repaid is returned); loans below TINY_DEBT_MYUAN are closed."""
    bank_debt, ip_debt, cash, rd_budget = columns[1], columns[2], columns[6], columns[8]
    spare = max(cash[i] - rd_budget[i] - 2.0 * buffer[i], 0.0) if status[i] != DEAD else 0.0
    bank = min(spare, bank_debt[i])
    ip = min(spare - bank, ip_debt[i])
    bank_debt[i] -= bank
    ip_debt[i] -= ip
    cash[i] -= bank + ip
    if bank_debt[i] < TINY_DEBT_MYUAN:
        bank_debt[i] = 0.0
    if ip_debt[i] < TINY_DEBT_MYUAN:
        ip_debt[i] = 0.0
    return bank + ip


@kernel
def _book_spend_prepay_all(flows, plans, status, columns, spent, net):
    """Each firm books its new money, funds its plans and prepays loans; the totals of
    equipment bought and principal repaid go into `spent` (and each firm's into `net`
    when the ledger keeps it)."""
    for i in range(len(status)):
        _book(i, flows, columns)
        bought = _spend(i, plans, status, columns)
        repaid = _prepay(i, plans[3], status, columns)
        spent[0] += bought
        spent[1] += repaid
        if len(net):
            net[i] -= bought
            net[i] -= repaid


@kernel
def _spend_all(plans, status, columns, bought):
    for i in range(len(status)):
        bought[i] = _spend(i, plans, status, columns)


def spend(model: Economy, plans: Plans) -> np.ndarray:
    """Fund the plans from cash above the buffer; cut them where that is short.

    Sets `rd_budget` (spent by the innovation phase) and buys the equipment now;
    returns the equipment bought per firm (M yuan).
    """
    pop = model.population
    bought = np.empty(len(pop))
    _spend_all(_plan_columns(plans), pop.status, _columns(pop), bought)
    wrote(*_columns(pop))
    return bought


@kernel
def _prepay_all(buffer, status, columns, repaid):
    for i in range(len(status)):
        repaid[i] = _prepay(i, buffer, status, columns)


def prepay(pop: Population, plans: Plans) -> np.ndarray:
    """Firms with cash beyond their plans and twice their buffer repay loans (bank
    first); returns the principal repaid per firm (M yuan)."""
    repaid = np.empty(len(pop))
    _prepay_all(plans.buffer, pop.status, _columns(pop), repaid)
    wrote(pop.cash, pop.bank_debt, pop.ip_debt)
    return repaid
