"""Finance: fiscal awards, bank and IP-pledge credit, guidance funds, VC/PE and listings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.simulation.population import Population, RowView

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy


def desired_cash(firms: Population | RowView, params: Params) -> np.ndarray:
    """Cash a firm wants to hold: a buffer of quarters of costs and planned R&D."""
    planned = firms.rd_intensity * firms.revenue
    planned += firms.opex
    planned *= params.finance.bank.cash_buffer_quarters
    return planned


def plan(model: Economy) -> np.ndarray:
    """Award instalments into `grants`, the cash target, and each firm's cash need."""
    pop, need = model.population, np.zeros(len(model.population))
    model.cash_target = target = np.zeros(len(pop))

    def plan_block(firms: RowView) -> None:
        firms.grants = firms.support_payment * (firms.support_until >= model.quarter)
        target[firms.rows] = desired_cash(firms, model.params)
        need[firms.rows] = np.maximum(target[firms.rows] - firms.cash, 0.0) * firms.alive

    pop.each_block(plan_block)
    return need


def book(firms: RowView, flows: dict[str, np.ndarray]) -> None:
    """Add one block's new money to cash, debt and equity (the ledger has it already)."""
    loans, pledged, ipo = flows["bank"], flows["ip_pledge"], flows["ipo"]  # grants are set
    venture = flows["guidance_fund"] + flows["vc"]
    firms.vc_backed |= venture > 0
    firms.listed |= ipo > 0
    equity = venture + ipo
    firms.bank_debt += loans
    firms.ip_debt += pledged
    firms.equity_raised += equity
    firms.equity_ytd += equity
    firms.cash += firms.grants + loans + pledged + equity


def raise_funds(model: Economy) -> None:
    """Each financier acts in turn; cash, debt and equity change by what they pay."""
    pop, rng = model.population, model.rng
    need = plan(model)
    loans = model.bank.lend(pop, need, rng)
    pledged = model.bank.pledge(pop, need - loans, rng)
    fund, crowded_in = model.guidance_fund.invest(pop, rng, model.year)
    rounds = model.vc.invest(pop, rng)
    ipo = model.vc.list_firms(pop, rng)
    flows = {
        "fiscal": pop.grants.copy(),
        "bank": loans,
        "ip_pledge": pledged,
        "guidance_fund": fund,
        "vc": crowded_in + rounds,
        "ipo": ipo,
    }
    model.ledger.record(**flows)  # once for all firms: cheaper than block by block
    pop.each_block(
        lambda firms: book(firms, {name: money[firms.rows] for name, money in flows.items()})
    )
