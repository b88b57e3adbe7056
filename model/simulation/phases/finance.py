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

from model.simulation.compiled import kernel, rule, wrote
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
    # What plans and buffer need beyond cash (0 for exited firms); None once the lenders
    # have seen it (the quarter's peak memory is in this phase: nothing is kept longer).
    need: np.ndarray | None

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
    need, plans.need = plans.need, None
    loans = model.bank.lend(pop, need, rng)
    need -= loans  # what is still short, in place
    pledged = model.bank.pledge(pop, need, rng)
    del need
    private = model.vc.invest(pop, rng)
    fund, crowded_in, replaced = model.guidance_fund.invest(pop, rng, model.year, private)
    private -= replaced  # what VC still invests, and private money the funds brought in
    private += crowded_in
    del crowded_in, replaced
    model.exchanges.apply(pop, rng, model.quarter)
    ipo = model.exchanges.decide(pop, rng, model.quarter)
    flows = {
        "fiscal": grants,
        "bank": loans,
        "ip_pledge": pledged,
        "guidance_fund": fund,
        "vc": private,
        "ipo": ipo,
    }
    model.ledger.record(**flows)  # once for all firms: cheaper than block by block
    fund_plans(model, plans, flows, per_firm=False)


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


@rule
def funded_share(cash, buffer, rd, equipment):
    """Share of its plans a firm can pay: min(1, max(cash - buffer, 0) / (R&D +
    equipment plans)); a firm with a share below 1 is finance-constrained."""
    available = max(cash - buffer, 0.0)
    total = rd + equipment
    return available / total if total > available else 1.0


@rule
def prepayment(cash, rd_budget, buffer, bank_debt, ip_debt):
    """(bank, IP-pledge) principal a firm repays early: spare = max(cash - R&D budget -
    2 x buffer, 0) goes to bank loans first, then IP-pledge loans."""
    spare = max(cash - rd_budget - 2.0 * buffer, 0.0)
    bank = min(spare, bank_debt)
    return bank, min(spare - bank, ip_debt)


@rule
def closed_if_tiny(debt):
    """Loans below TINY_DEBT_MYUAN are closed."""
    return 0.0 if debt < TINY_DEBT_MYUAN else debt


@kernel
def _book_spend_prepay_all(flows, plans, status, columns, spent, net, per_firm):
    """Each firm books its new money (equity = fund + VC + IPO is earmarked), funds its
    plans (the R&D budget and the equipment bought now are the funded share of the
    plans; earmarks fall by that share of their part) and prepays loans. The totals of
    equipment bought and principal repaid go into `spent` (each firm's into `net` when
    the ledger keeps it)."""
    bank, ip_pledge, guidance_fund, vc, ipo = flows
    rd, equipment, from_earmarks, buffer = plans
    vc_backed, bank_debt, ip_debt, equity_raised, equity_ytd = columns[:5]
    earmarked, cash, fixed_assets, rd_budget, constrained = columns[5:]
    bought_by_firm, repaid_by_firm = per_firm
    total_bought, total_repaid, track = 0.0, 0.0, len(net) > 0
    keep = len(bought_by_firm) > 0
    for i in range(len(status)):  # each firm's accounts are read once and written once
        equity = guidance_fund[i] + vc[i] + ipo[i]
        if guidance_fund[i] + vc[i] > 0:
            vc_backed[i] = True
        firm_bank_debt, firm_ip_debt = bank_debt[i] + bank[i], ip_debt[i] + ip_pledge[i]
        equity_raised[i] += equity
        equity_ytd[i] += equity
        firm_cash = cash[i] + (bank[i] + ip_pledge[i] + equity)
        funded = funded_share(firm_cash, buffer[i], rd[i], equipment[i])
        alive = status[i] != DEAD
        constrained[i] = funded < 1.0 and alive
        budget, bought = rd[i] * funded, equipment[i] * funded
        rd_budget[i] = budget
        fixed_assets[i] += bought
        firm_cash -= bought
        earmarked[i] = max(earmarked[i] + equity - from_earmarks[i] * funded, 0.0)
        bank_paid, ip_paid = 0.0, 0.0
        if alive:
            bank_paid, ip_paid = prepayment(
                firm_cash, budget, buffer[i], firm_bank_debt, firm_ip_debt
            )
        bank_debt[i] = closed_if_tiny(firm_bank_debt - bank_paid)
        ip_debt[i] = closed_if_tiny(firm_ip_debt - ip_paid)
        repaid = bank_paid + ip_paid
        cash[i] = firm_cash - repaid
        total_bought += bought
        total_repaid += repaid
        if keep:
            bought_by_firm[i], repaid_by_firm[i] = bought, repaid
        if track:
            net[i] -= bought
            net[i] -= repaid
    spent[0] += total_bought
    spent[1] += total_repaid


def fund_plans(
    model: Economy,
    plans: Plans,
    flows: dict[str, np.ndarray] | None = None,
    per_firm: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Book the quarter's new money (`flows` by channel, none if omitted), fund the plans
    from cash above the buffer, cutting them where that is short, and prepay loans from
    spare cash. Sets `rd_budget` (spent by the innovation phase) and buys the equipment
    now; returns (equipment bought, principal repaid) per firm, M yuan (empty arrays
    unless `per_firm`: the quarter's run does not keep them)."""
    pop = model.population
    if flows is None:
        none = np.zeros(len(pop))
        flows = dict.fromkeys(("bank", "ip_pledge", "guidance_fund", "vc", "ipo"), none)
    rows = len(pop) if per_firm else 0
    spent, per_firm_flows = np.zeros(2), (np.empty(rows), np.empty(rows))
    columns = _columns(pop)
    _book_spend_prepay_all(
        _flows(flows),
        _plan_columns(plans),
        pop.status,
        columns,
        spent,
        model.ledger.net,
        per_firm_flows,
    )
    wrote(*columns, model.ledger.net)
    model.ledger.add_totals(capex=-spent[0], repayment=-spent[1])
    return per_firm_flows
