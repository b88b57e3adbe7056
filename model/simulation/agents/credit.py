"""The bank's credit rules as compiled per-firm kernels: headroom and the quarter's loans.

Amounts are M yuan. `limits` = (loan-to-value, maximum debt ratio, minimum interest
cover x interest rate); a firm's accounts come as `_credit_inputs(firms)`.
"""

from __future__ import annotations

import numpy as np

from model.simulation.compiled import kernel, rule
from model.simulation.population import INNOVATIVE, PROVINCIAL


def credit_inputs(firms) -> tuple[np.ndarray, ...]:
    """The accounts credit scoring reads: plant, cash, revenue, opex, bank and IP debt."""
    return (
        firms.fixed_assets,
        firms.cash,
        firms.revenue,
        firms.opex,
        firms.bank_debt,
        firms.ip_debt,
    )


@rule
def credit_headroom(fixed_assets, cash, revenue, opex, debt, bonus, limits):
    """New credit a firm could get: min(LTV x plant x (1 + bonus), max debt ratio x
    (max(cash, 0) + plant), 4 x max(revenue - opex, 0) / (cover x rate)) - debt, >= 0."""
    loan_to_value, max_debt_ratio, cover_rate = limits
    collateral = loan_to_value * fixed_assets * (1.0 + bonus)
    ratio_cap = max_debt_ratio * (max(cash, 0.0) + fixed_assets)
    flow_cap = max(revenue - opex, 0.0) * 4.0 / cover_rate
    return max(min(min(collateral, ratio_cap), flow_cap) - debt, 0.0)


@kernel
def headroom_all(accounts, bonus, limits, out):
    """`credit_headroom` of every firm, with its own limit bonus."""
    fixed_assets, cash, revenue, opex, bank_debt, ip_debt = accounts
    for i in range(len(out)):
        debt = bank_debt[i] + ip_debt[i]
        out[i] = credit_headroom(
            fixed_assets[i], cash[i], revenue[i], opex[i], debt, bonus[i], limits
        )


@kernel
def lend_all(accounts, status, need, chances, limits, relending, rng, out):
    """The quarter's bank loans and the part funded by re-lending quotas.

    A firm with need > 0 is served with chance `approval` (`certified_approval` if
    provincial or national; a uniform draw per firm with need, in row order); its loan is
    min(need, headroom) with the title's limit bonus. While re-lending room is left,
    innovative-or-better firms served also get extra = min(headroom with the
    re-lending bonus of their province - headroom, need - headroom), all extras scaled
    down alike when they exceed the room. `relending` = (room, bonus by province, each
    firm's province).
    """
    fixed_assets, cash, revenue, opex, bank_debt, ip_debt = accounts
    approval, certified_approval, title_bonus = chances
    room, relending_bonus, province = relending
    loans, relent = out
    # Re-lending candidates: their loan is the base headroom and `relent` their extra
    # until all extras are known and shared out.
    eligible = np.zeros(len(need), dtype=np.bool_)
    total = 0.0
    for i in range(len(need)):
        loans[i], relent[i] = 0.0, 0.0
        if need[i] <= 0:
            continue
        certified = status[i] >= PROVINCIAL
        chance = approval + (certified_approval - approval) * certified
        if rng.random(dtype=np.float32) >= chance:
            continue
        bonus = title_bonus * certified
        plant, liquid, sales, costs = fixed_assets[i], cash[i], revenue[i], opex[i]
        debt = bank_debt[i] + ip_debt[i]
        base = credit_headroom(plant, liquid, sales, costs, debt, bonus, limits)
        loans[i] = min(need[i], base)
        if room > 0 and status[i] >= INNOVATIVE:
            eligible[i] = True
            bonus += relending_bonus[province[i]]
            more = credit_headroom(plant, liquid, sales, costs, debt, bonus, limits) - base
            loans[i], relent[i] = base, min(max(more, 0.0), max(need[i] - base, 0.0))
            total += relent[i]
    rationed = room / total if total > room else 1.0
    for i in range(len(need)):
        if eligible[i]:
            base, extra = loans[i], relent[i] * rationed if total > room else relent[i]
            loans[i] = min(need[i], base + extra)
            relent[i] = min(max(loans[i] - base, 0.0), extra)
