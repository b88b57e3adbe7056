"""The national reporters of `model.simulation.reporters`, as loops over the agents.

Counts and money are at national (1:1) scale, money in yuan; a mean over no firms
is NaN. The little giants are found once a quarter (`PlainEconomy.collect`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from .firm import INNOVATIVE, PROVINCIAL

if TYPE_CHECKING:
    from model.params import Params

    from .economy import PlainEconomy

YUAN_PER_MYUAN = 1e6
EXPOSED = 0.5  # exposure from which a firm counts as exposed to restrictions
NAN = float("nan")


def _national(value: float, m: PlainEconomy) -> float:
    return float(value) / m.params.scale


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else NAN


def count_at_least(level: int, m: PlainEconomy) -> float:
    """Firms on a list or a higher one."""
    return _national(sum(1 for f in m.firms if f.status >= level), m)


def lg_mean(attribute: str, m: PlainEconomy) -> float:
    """Mean of an attribute over national little giants (booleans as shares)."""
    return _mean([float(getattr(f, attribute)) for f in m.little_giants])


def lg_rd_intensity(m: PlainEconomy) -> float:
    """Aggregate R&D / revenue of national little giants this quarter."""
    revenue = sum(f.revenue for f in m.little_giants)
    return sum(f.rd_spend for f in m.little_giants) / revenue if revenue > 0 else NAN


def lg_loan_balance_mean_yuan(m: PlainEconomy) -> float:
    """Mean debt of national little giants that have loans, yuan."""
    debts = [f.bank_debt + f.ip_debt for f in m.little_giants]
    return _mean([d for d in debts if d > 0]) * YUAN_PER_MYUAN


def pool_share(test: Callable, m: PlainEconomy) -> float:
    """Share of operating SMEs for which `test(firm)` holds."""
    return _mean([float(test(f)) for f in m.firms])


def government_count(name: str, m: PlainEconomy) -> float:
    """A government counter this quarter, firms."""
    return _national(m.government.counts[name], m)


def review_pass_rate(m: PlainEconomy) -> float:
    """Share of national little giants reviewed this quarter that kept the title."""
    counts = m.government.counts
    reviewed = counts["national_reviewed"]
    return counts["national_review_passed"] / reviewed if reviewed else NAN


def input_share(part: str, m: PlainEconomy) -> float:
    """Share of large firms' input need this quarter bought at home, abroad, or lost."""
    parts = {
        "domestic": sum(b.domestic for b in m.buyers),
        "foreign": sum(b.foreign for b in m.buyers),
        "lost": sum(b.lost for b in m.buyers),
    }
    need = sum(parts.values())
    return parts[part] / need if need > 0 else NAN


def controlled_foreign_share(m: PlainEconomy) -> float:
    """Share of large firms' foreign inputs (at 2019 shares) they may not buy."""
    foreign = [(b.demand * b.initial_foreign_share, b.blocked) for b in m.buyers]
    total = sum(f for f, _ in foreign)
    return sum(f * blocked for f, blocked in foreign) / total if total > 0 else 0.0


def buyer_output_lost_yuan(m: PlainEconomy) -> float:
    """Large buyers' output lost to unreplaced inputs, at its input value, yuan."""
    lost = sum((b.potential_demand - b.demand) / 4.0 for b in m.buyers)
    return _national(lost, m) * YUAN_PER_MYUAN


def exposed_tech_access_mean(m: PlainEconomy) -> float:
    """Mean foreign technology access of firms with exposure >= 0.5."""
    return _mean([f.tech_access for f in m.firms if f.exposure >= EXPOSED])


def finance_flow(channel: str, m: PlainEconomy) -> float:
    """Money paid to SMEs through one finance channel this quarter, yuan."""
    return _national(m.flows[channel], m) * YUAN_PER_MYUAN


def lg_listed_board(code: int, m: PlainEconomy) -> float:
    """Listed national little giants on one board (1: listed before 2019), firms."""
    return _national(sum(1 for f in m.little_giants if f.board == code), m)


def firm_total(attribute: str, m: PlainEconomy) -> float:
    """Sum of a firm attribute over operating SMEs, national scale."""
    return _national(sum(getattr(f, attribute) for f in m.firms), m)


REPORTERS: dict[str, Callable[[PlainEconomy], float]] = {
    "national_little_giants": lambda m: _national(len(m.little_giants), m),
    "new_national_certifications": partial(government_count, "new_national"),
    "national_reviewed": partial(government_count, "national_reviewed"),
    "national_review_passed": partial(government_count, "national_review_passed"),
    "national_applicants": partial(government_count, "national_applicants"),
    "provincial_specialized": partial(count_at_least, PROVINCIAL),
    "new_provincial": partial(government_count, "new_provincial"),
    "innovative_smes": partial(count_at_least, INNOVATIVE),
    "pool_firms": lambda m: _national(len(m.firms), m),
    "firms_meeting_national_thresholds": lambda m: _national(m.government.qualifying_national, m),
    "lg_invention_patents_mean": partial(lg_mean, "patents"),
    "lg_rd_spend_mean_yuan": lambda m: (
        YUAN_PER_MYUAN * _mean([f.rd_spend + f.rd_q1 + f.rd_q2 + f.rd_q3 for f in m.little_giants])
    ),
    "lg_revenue_mean_yuan": lambda m: 4.0 * YUAN_PER_MYUAN * lg_mean("revenue", m),
    "lg_rd_intensity": lg_rd_intensity,
    "lg_share_high_tech_zone": partial(lg_mean, "zone"),
    "lg_share_foundational": partial(lg_mean, "foundational"),
    "lg_share_key_chain": partial(lg_mean, "key_chain"),
    "lg_share_supplying_3plus_large": lambda m: _mean(
        [float(f.customers >= 3) for f in m.little_giants]
    ),
    "lg_share_vc_backed": partial(lg_mean, "vc_backed"),
    "lg_share_with_loans": lambda m: _mean(
        [float(f.bank_debt + f.ip_debt > 0) for f in m.little_giants]
    ),
    "lg_loan_balance_mean_yuan": lg_loan_balance_mean_yuan,
    "lg_listed": lambda m: _national(sum(f.listed for f in m.little_giants), m),
    "national_review_pass_rate": review_pass_rate,
    "share_finance_constrained": partial(pool_share, lambda f: f.constrained),
    "lg_share_finance_constrained": partial(lg_mean, "constrained"),
    "share_with_loans": partial(pool_share, lambda f: f.bank_debt + f.ip_debt > 0),
    "ipo_proceeds_yuan": partial(finance_flow, "ipo"),
    "finance_bank_yuan": partial(finance_flow, "bank"),
    "finance_ip_pledge_yuan": partial(finance_flow, "ip_pledge"),
    "finance_vc_yuan": partial(finance_flow, "vc"),
    "finance_guidance_fund_yuan": partial(finance_flow, "guidance_fund"),
    "finance_fiscal_yuan": partial(finance_flow, "fiscal"),
    "finance_ipo_yuan": partial(finance_flow, "ipo"),
    "key_programme_firms": lambda m: _national(
        sum(1 for f in m.firms if f.support_until >= m.quarter), m
    ),
    "large_firm_foreign_supply_share": partial(input_share, "foreign"),
    "large_firm_domestic_supply_share": partial(input_share, "domestic"),
    "large_firm_unmet_input_share": partial(input_share, "lost"),
    "controlled_foreign_share": controlled_foreign_share,
    "substituted_inputs_yuan": lambda m: (
        YUAN_PER_MYUAN * _national(sum(b.replaced for b in m.buyers), m)
    ),
    "buyer_output_lost_yuan": buyer_output_lost_yuan,
    "sanctioned_large_firms": lambda m: float(sum(b.sanctioned for b in m.buyers)),
    "sanctioned_smes": lambda m: _national(sum(f.sanctioned for f in m.firms), m),
    "exposed_tech_access_mean": exposed_tech_access_mean,
    "invention_patents_filed": partial(firm_total, "patents_new"),
    "sme_entries": lambda m: _national(m.entries, m),
    "sme_exits": lambda m: _national(m.exits, m),
}


def reporters_for(params: Params) -> dict[str, Callable[[PlainEconomy], float]]:
    """The national reporters and listed little giants by board (no breakdowns by field,
    province or region)."""
    boards = ["earlier", *(b.name for b in params.finance.listing.boards)]
    by_board = {
        f"lg_listed_{name}": partial(lg_listed_board, code)
        for code, name in enumerate(boards, start=1)
    }
    return {**REPORTERS, **by_board}
