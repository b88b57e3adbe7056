"""The bank's credit rules as compiled per-firm kernels: headroom and the quarter's loans.

Amounts are M yuan. `limits` = (loan-to-value, maximum debt ratio, minimum interest
cover x interest rate); a firm's accounts come as `_credit_inputs(firms)`.
"""

from __future__ import annotations

import numpy as np

from model.simulation.compiled import kernel
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


@kernel
def credit_headroom(accounts, i, bonus, limits):
    """New credit firm i could get: min(LTV x plant x (1 + bonus), max debt ratio x
    (max(cash, 0) + plant), 4 x max(revenue - opex, 0) / (cover x rate)) - debt, >= 0."""
    fixed_assets, cash, revenue, opex, bank_debt, ip_debt = accounts
    loan_to_value, max_debt_ratio, cover_rate = limits
    collateral = loan_to_value * fixed_assets[i] * (1.0 + bonus)
    ratio_cap = max_debt_ratio * (max(cash[i], 0.0) + fixed_assets[i])
    flow_cap = max(revenue[i] - opex[i], 0.0) * 4.0 / cover_rate
    limit = min(min(collateral, ratio_cap), flow_cap)
    return max(limit - bank_debt[i] - ip_debt[i], 0.0)


@kernel
def headroom_all(accounts, bonus, limits, out):
    """`credit_headroom` of every firm, with its own limit bonus."""
    for i in range(len(out)):
        out[i] = credit_headroom(accounts, i, bonus[i], limits)


@kernel
def lend_all(accounts, status, need, chances, limits, relending, rng, out):
    """The quarter's bank loans and the part funded by re-lending quotas.

    A firm with need > 0 is served with chance `approval` (`certified_approval` if
    provincial or national; one uniform draw per firm, in row order); its loan is
    min(need, headroom) with the title's limit bonus. While re-lending room is left,
    innovative-or-better firms served also get extra = min(headroom with the
    re-lending bonus - headroom, need - headroom), all extras scaled down alike when
    they exceed the room.
    """
    approval, certified_approval, title_bonus = chances
    room, relending_bonus = relending
    loans, relent = out
    n = len(need)
    base, extra = np.zeros(n), np.zeros(n)
    asking = np.zeros(n, dtype=np.bool_)
    total = 0.0
    for i in range(n):
        certified = status[i] >= PROVINCIAL
        draw = rng.random(dtype=np.float32)
        served = draw < approval + (certified_approval - approval) * certified
        asking[i] = served and need[i] > 0
        bonus = title_bonus * certified
        base[i] = credit_headroom(accounts, i, bonus, limits)
        if room > 0 and asking[i] and status[i] >= INNOVATIVE:
            more = credit_headroom(accounts, i, bonus + relending_bonus, limits) - base[i]
            extra[i] = min(max(more, 0.0), max(need[i] - base[i], 0.0))
            total += extra[i]
    rationed = room / total if total > room else 1.0
    for i in range(n):
        if total > room:
            extra[i] *= rationed
        loans[i] = min(need[i], base[i] + extra[i]) if asking[i] else 0.0
        relent[i] = min(max(loans[i] - base[i], 0.0), extra[i])
