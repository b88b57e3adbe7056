"""Finance: fiscal awards, bank and IP-pledge credit, guidance funds, VC/PE and listings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.population import Population

if TYPE_CHECKING:
    from model.economy import Economy
    from model.params import Params


def desired_cash(pop: Population, params: Params) -> np.ndarray:
    """Cash a firm wants to hold: a buffer of quarters of costs and planned R&D."""
    planned = pop.rd_intensity * pop.revenue
    planned += pop.opex
    planned *= params.finance.bank.cash_buffer_quarters
    return planned


def pay_programme_awards(model: Economy) -> np.ndarray:
    """Quarterly instalments of the central key-little-giant awards."""
    pop = model.population
    return pop.support_payment * (pop.support_until >= model.quarter)


def raise_funds(model: Economy) -> None:
    """Each financier acts in turn; cash, debt and equity change by what they pay."""
    pop, rng = model.population, model.rng
    installments = pay_programme_awards(model)
    pop.grants = installments
    model.cash_target = desired_cash(pop, model.params)
    need = np.maximum(model.cash_target - pop.cash, 0.0)
    loans = model.bank.lend(pop, need, rng)
    pledged = model.bank.pledge(pop, need - loans, rng)
    fund, crowded_in = model.guidance_fund.invest(pop, rng, model.year)
    rounds = model.vc.invest(pop, rng)
    ipo = model.vc.list_firms(pop, rng)
    equity = fund + crowded_in + rounds
    pop.vc_backed |= equity > 0
    pop.listed |= ipo > 0
    equity += ipo
    pop.bank_debt += loans
    pop.ip_debt += pledged
    pop.equity_raised += equity
    pop.equity_ytd += equity
    pop.cash += installments + loans + pledged + equity
    model.ledger.record(fiscal=installments, bank=loans, ip_pledge=pledged)
    model.ledger.record(guidance_fund=fund, vc=crowded_in + rounds, ipo=ipo)
