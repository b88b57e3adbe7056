"""Certification and listing tests on one firm (MIIT 2022 Measures, board standards).

The same tests as `model.simulation.rules` and `model.simulation.agents.exchanges`,
written for one firm at a time: each returns True if the firm passes on last
year's accounts (`*_y1`), with early returns where a condition fails.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.params.certification import InnovativeRules, NationalRules, ProvincialRules
    from model.params.listing import Board, ListingParams, StandardSet

    from .firm import Sme


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, 0 where the denominator is not positive."""
    return numerator / denominator if denominator > 0 else 0.0


def revenue_growth(firm: Sme) -> float:
    """Average revenue growth over the last two years (-1 where undefined)."""
    if firm.rev_y2 <= 0 or firm.rev_y3 <= 0:
        return -1.0
    return 0.5 * (firm.rev_y1 / firm.rev_y2 + firm.rev_y2 / firm.rev_y3) - 1.0


def innovative_passes(firm: Sme, rules: InnovativeRules) -> bool:
    """Innovative SME: invention patents and a minimum R&D intensity."""
    if firm.rev_y1 <= 0 or firm.patents < rules.min_patents:
        return False
    return firm.rd_y1 / firm.rev_y1 >= rules.min_rd_intensity


def provincial_passes(firm: Sme, rules: ProvincialRules, year: int) -> bool:
    """Provincial specialized SME: niche years, R&D level and intensity, size, capability."""
    if firm.rd_y1 < rules.min_rd_myuan or firm.capability < rules.min_capability:
        return False
    if (4 * year - firm.birth_quarter) / 4.0 < rules.min_years:
        return False
    if ratio(firm.rd_y1, firm.rev_y1) < rules.min_rd_intensity:
        return False
    return (
        firm.rev_y1 >= rules.min_revenue_myuan
        or firm.equity_y1 + firm.equity_y2 >= rules.alt_min_equity_myuan
    )


def national_rd_passes(firm: Sme, rules: NationalRules) -> bool:
    """The national R&D test by revenue tier (>=100M, 50-100M, <50M yuan last year)."""
    both_years = min(ratio(firm.rd_y1, firm.rev_y1), ratio(firm.rd_y2, firm.rev_y2))
    if firm.rev_y1 >= rules.large_revenue_myuan:
        return both_years >= rules.rd_intensity_large
    if firm.rev_y1 >= rules.mid_revenue_myuan:
        return both_years >= rules.rd_intensity_mid
    return (
        firm.equity_y1 + firm.equity_y2 >= rules.small_min_equity_myuan
        and firm.rd_y1 + firm.rd_y2 >= rules.small_min_rd_myuan
    )


def national_passes(firm: Sme, rules: NationalRules, year: int) -> bool:
    """National little giant: the MIIT 2022 thresholds, all at once."""
    if firm.rd_y1 < rules.rd_institution_min_rd_myuan or firm.patents < rules.min_patents:
        return False
    if (4 * year - firm.birth_quarter) / 4.0 < rules.min_years:
        return False
    if firm.main_share < rules.min_main_business_share:
        return False
    if firm.debt_ratio_ye > rules.max_debt_ratio:
        return False
    if ratio(firm.rev_y1, firm.niche_market) < rules.min_niche_share:
        return False
    return revenue_growth(firm) >= rules.min_growth and national_rd_passes(firm, rules)


def market_value(firm: Sme, rules: ListingParams) -> float:
    """Expected market value, M yuan: valuation x revenue, higher for capable firms."""
    multiple = rules.valuation_to_revenue * math.exp(
        rules.valuation_capability * (firm.capability - 0.5)
    )
    return multiple * firm.rev_y1


def passes_set(firm: Sme, value: float, s: StandardSet) -> bool:
    """Whether a firm passes every test of one set of listing standards."""
    if value < s.min_market_cap_myuan or firm.rev_y1 < s.min_revenue_myuan:
        return False
    rd_2y = firm.rd_y1 + firm.rd_y2
    if rd_2y < s.min_rd_2y_myuan or rd_2y < s.min_rd_intensity_2y * (firm.rev_y1 + firm.rev_y2):
        return False
    if s.min_profit_each_myuan is not None:
        if min(firm.profit_y1, firm.profit_y2) <= s.min_profit_each_myuan - 1e-12:
            return False
    if s.min_profit_2y_myuan is not None:
        if firm.profit_y1 + firm.profit_y2 < s.min_profit_2y_myuan:
            return False
    if s.min_growth is not None:
        return ratio(firm.rev_y1, firm.rev_y2) - 1.0 >= s.min_growth
    return True


def passes_board(firm: Sme, board: Board, rules: ListingParams) -> bool:
    """Whether a firm passes any of a board's standard sets."""
    value = market_value(firm, rules)
    return any(passes_set(firm, value, standards) for standards in board.standards)
