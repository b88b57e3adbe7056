"""Model-level reporters: pure functions economy -> number, at national (1:1) scale.

Counts and money totals are divided by the run's scale; money is reported in
yuan. Means over an empty group are NaN (the tidy table drops those rows).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from model.simulation.census import census
from model.simulation.population import RowView

if TYPE_CHECKING:
    from model.simulation.economy import Economy

YUAN_PER_MYUAN = 1e6


def _lg(m: Economy) -> RowView:
    """National little giants as a row view (from the quarter's census)."""
    return m.population.rows(census(m).national_rows)


def _national(value: float, m: Economy) -> float:
    return float(value) / m.params.scale


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def national_little_giants(m: Economy) -> float:
    """National little giants (certified and not failed review), firms."""
    return _national(len(_lg(m)), m)


def provincial_specialized(m: Economy) -> float:
    """Provincial specialized SMEs including national little giants, firms."""
    return _national(census(m).provincial_or_above, m)


def innovative_smes(m: Economy) -> float:
    """Innovative SMEs including both higher lists, firms."""
    return _national(census(m).innovative_or_above, m)


def pool_firms(m: Economy) -> float:
    """Technology-based SMEs operating in the pool, firms."""
    return _national(census(m).alive, m)


def firms_meeting_national_thresholds(m: Economy) -> float:
    """Firms passing the national tests on this year's accounts (last year's books,
    judged in Q1), certified or not, firms."""
    return _national(m.government.qualifying_national, m)


def government_count(name: str, m: Economy) -> float:
    """A government counter this quarter (certifications, reviews), firms."""
    return _national(m.government.counts[name], m)


def lg_invention_patents_mean(m: Economy) -> float:
    """Invention patents owned per national little giant."""
    return _mean(_lg(m).patents)


def lg_rd_spend_mean_yuan(m: Economy) -> float:
    """R&D per national little giant over the trailing four quarters, yuan."""
    return _mean(_lg(m).rd_trailing) * YUAN_PER_MYUAN


def lg_revenue_mean_yuan(m: Economy) -> float:
    """Revenue per national little giant, this quarter at an annual rate, yuan."""
    return _mean(_lg(m).revenue * 4.0) * YUAN_PER_MYUAN


def lg_rd_intensity(m: Economy) -> float:
    """Aggregate R&D / revenue of national little giants this quarter, share."""
    lg = _lg(m)
    revenue = lg.revenue.sum()
    return float(lg.rd_spend.sum() / revenue) if revenue > 0 else float("nan")


def lg_share(attribute: str, m: Economy) -> float:
    """Share of national little giants with a true boolean attribute."""
    return _mean(getattr(_lg(m), attribute).astype(float))


def lg_share_supplying_3plus_large(m: Economy) -> float:
    """Share of national little giants supplying three or more large firms."""
    return _mean((_lg(m).customers >= 3).astype(float))


def lg_share_with_loans(m: Economy) -> float:
    """Share of national little giants with debt outstanding."""
    return _mean((_lg(m).debt > 0).astype(float))


def lg_loan_balance_mean_yuan(m: Economy) -> float:
    """Mean debt of national little giants that have loans, yuan."""
    debt = _lg(m).debt
    return _mean(debt[debt > 0]) * YUAN_PER_MYUAN


def lg_listed(m: Economy) -> float:
    """Listed national little giants, firms."""
    return _national(_lg(m).listed.sum(), m)


def lg_listed_board(code: int, m: Economy) -> float:
    """Listed national little giants on one board (1: listed before 2019), firms."""
    return _national((_lg(m).board == code).sum(), m)


def share_finance_constrained(m: Economy) -> float:
    """Share of operating pool SMEs that cut R&D or equipment plans for lack of funds."""
    c = census(m)
    return c.constrained / c.alive if c.alive else float("nan")


def share_with_loans(m: Economy) -> float:
    """Share of operating pool SMEs with debt outstanding."""
    c = census(m)
    return c.with_loans / c.alive if c.alive else float("nan")


def national_review_pass_rate(m: Economy) -> float:
    """Share of national little giants reviewed this quarter that kept the title."""
    reviewed = m.government.counts["national_reviewed"]
    return m.government.counts["national_review_passed"] / reviewed if reviewed else float("nan")


def finance_flow(channel: str, m: Economy) -> float:
    """Money paid to SMEs through one finance channel this quarter, yuan."""
    return _national(m.ledger.total(channel), m) * YUAN_PER_MYUAN


def _input_shares(m: Economy, buyers: np.ndarray | slice = slice(None)) -> dict[str, float]:
    """Shares of some buyers' input need this quarter: bought at home, bought abroad,
    and lost (blocked, nobody replaced); they add up to one."""
    bought = m.buyers.purchases
    parts = {
        "domestic": bought.domestic[buyers].sum(),
        "foreign": bought.foreign[buyers].sum(),
        "lost": bought.lost[buyers].sum(),
    }
    need = sum(parts.values())
    return {k: float(v / need) if need > 0 else float("nan") for k, v in parts.items()}


def large_firm_foreign_supply_share(m: Economy) -> float:
    """Share of large firms' specialized-input need this quarter bought abroad."""
    return _input_shares(m)["foreign"]


def large_firm_domestic_supply_share(m: Economy) -> float:
    """Share of large firms' specialized-input need this quarter bought at home."""
    return _input_shares(m)["domestic"]


def large_firm_unmet_input_share(m: Economy) -> float:
    """Share of large firms' specialized-input need blocked and not replaced this quarter."""
    return _input_shares(m)["lost"]


def domestic_supply_share_sector(sector: int, m: Economy) -> float:
    """Share of one field's large-firm input need this quarter bought at home."""
    return _input_shares(m, m.buyers.sector == sector)["domestic"]


def controlled_foreign_share(m: Economy) -> float:
    """Share of large firms' foreign inputs (at their 2019 shares) they may not buy."""
    b = m.buyers
    foreign = b.demand * b.initial_foreign_share
    return float((foreign * b.blocked).sum() / foreign.sum()) if foreign.sum() > 0 else 0.0


def substituted_inputs_yuan(m: Economy) -> float:
    """Blocked foreign inputs replaced by domestic SME suppliers this quarter, yuan."""
    return _national(m.buyers.purchases.replaced.sum(), m) * YUAN_PER_MYUAN


def buyer_output_lost_yuan(m: Economy) -> float:
    """Large buyers' output lost to blocked inputs nobody replaced, valued at the
    specialized inputs it would have used (orders below potential), yuan this quarter."""
    b = m.buyers
    return _national(((b.potential_demand - b.demand) / 4.0).sum(), m) * YUAN_PER_MYUAN


def sanctioned_large_firms(m: Economy) -> float:
    """Large buyers on the US Entity List (the count of buyers does not scale)."""
    return float(m.buyers.sanctioned.sum())


def sanctioned_smes(m: Economy) -> float:
    """Operating SMEs on the US Entity List, firms."""
    return _national(census(m).sanctioned, m)


def invention_patents_filed(m: Economy) -> float:
    """Invention patents filed by pool SMEs this quarter."""
    return _national(m.population.patents_new.sum(), m)


def sme_entries(m: Economy) -> float:
    """New technology-based SMEs this quarter, firms."""
    return _national(m.entries, m)


def sme_exits(m: Economy) -> float:
    """Exits from the pool this quarter, firms."""
    return _national(m.exits, m)


def exposed_tech_access_mean(m: Economy) -> float:
    """Mean foreign technology access of firms relying on foreign technology
    for at least half of their R&D (exposure >= 0.5)."""
    c = census(m)
    # A sum in row order in one compiled loop, never a BLAS dot product: OpenBLAS splits
    # a long dot over its threads, so the last bits would depend on the process's thread
    # count (all cores in-process, one in a Dask worker), not on the economy.
    return c.exposed_tech_access_sum / c.exposed if c.exposed else float("nan")


def key_programme_firms(m: Economy) -> float:
    """Firms currently receiving central key-little-giant awards."""
    return _national(census(m).programme_supported, m)


REPORTERS: dict[str, Callable[[Economy], float]] = {
    "national_little_giants": national_little_giants,
    "new_national_certifications": partial(government_count, "new_national"),
    "national_reviewed": partial(government_count, "national_reviewed"),
    "national_review_passed": partial(government_count, "national_review_passed"),
    "national_applicants": partial(government_count, "national_applicants"),
    "provincial_specialized": provincial_specialized,
    "new_provincial": partial(government_count, "new_provincial"),
    "innovative_smes": innovative_smes,
    "pool_firms": pool_firms,
    "firms_meeting_national_thresholds": firms_meeting_national_thresholds,
    "lg_invention_patents_mean": lg_invention_patents_mean,
    "lg_rd_spend_mean_yuan": lg_rd_spend_mean_yuan,
    "lg_revenue_mean_yuan": lg_revenue_mean_yuan,
    "lg_rd_intensity": lg_rd_intensity,
    "lg_share_high_tech_zone": partial(lg_share, "zone"),
    "lg_share_foundational": partial(lg_share, "foundational"),
    "lg_share_key_chain": partial(lg_share, "key_chain"),
    "lg_share_supplying_3plus_large": lg_share_supplying_3plus_large,
    "lg_share_vc_backed": partial(lg_share, "vc_backed"),
    "lg_share_with_loans": lg_share_with_loans,
    "lg_loan_balance_mean_yuan": lg_loan_balance_mean_yuan,
    "lg_listed": lg_listed,
    "national_review_pass_rate": national_review_pass_rate,
    "share_finance_constrained": share_finance_constrained,
    "lg_share_finance_constrained": partial(lg_share, "constrained"),
    "share_with_loans": share_with_loans,
    "ipo_proceeds_yuan": partial(finance_flow, "ipo"),
    "finance_bank_yuan": partial(finance_flow, "bank"),
    "finance_ip_pledge_yuan": partial(finance_flow, "ip_pledge"),
    "finance_vc_yuan": partial(finance_flow, "vc"),
    "finance_guidance_fund_yuan": partial(finance_flow, "guidance_fund"),
    "finance_fiscal_yuan": partial(finance_flow, "fiscal"),
    "finance_ipo_yuan": partial(finance_flow, "ipo"),
    "key_programme_firms": key_programme_firms,
    "large_firm_foreign_supply_share": large_firm_foreign_supply_share,
    "large_firm_domestic_supply_share": large_firm_domestic_supply_share,
    "large_firm_unmet_input_share": large_firm_unmet_input_share,
    "controlled_foreign_share": controlled_foreign_share,
    "substituted_inputs_yuan": substituted_inputs_yuan,
    "buyer_output_lost_yuan": buyer_output_lost_yuan,
    "sanctioned_large_firms": sanctioned_large_firms,
    "sanctioned_smes": sanctioned_smes,
    "exposed_tech_access_mean": exposed_tech_access_mean,
    "invention_patents_filed": invention_patents_filed,
    "sme_entries": sme_entries,
    "sme_exits": sme_exits,
}
