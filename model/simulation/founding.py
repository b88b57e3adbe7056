"""Drawing new firms: the 2019Q1 pool and each quarter's entrants share one recipe."""

from __future__ import annotations

import numpy as np

from model.params import Params
from model.simulation.population import Population


def draw_firms(
    params: Params,
    rng: np.random.Generator,
    count: int,
    quarter: int,
    *,
    revenue_median_myuan: float,
    age_mean_years: float,
) -> dict[str, np.ndarray]:
    """Columns for `count` new firms founded on average `age_mean_years` before `quarter`.

    Firms with a past (the initial pool) get the knowledge stock, patents and
    accounts that their R&D would have built; entrants (age 0) start empty.
    """
    pop, inn = params.population, params.innovation
    sectors = pop.sectors
    sector = rng.choice(len(sectors), size=count, p=[s.pool_share for s in sectors])
    places = list(pop.provinces.values())
    shares = np.array([p.pool_share for p in places])
    province = rng.choice(len(places), size=count, p=shares / shares.sum())
    zone_tilt = np.array([p.zone_tilt for p in places])
    foundational_share = np.array([s.foundational_share for s in sectors])[sector]
    reliance = np.array([s.foreign_tech_reliance for s in sectors])[sector]
    age_quarters = (
        np.floor(rng.exponential(age_mean_years * 4.0, count))
        if age_mean_years
        else np.zeros(count)
    )
    annual_revenue = revenue_median_myuan * np.exp(pop.revenue_sigma * rng.standard_normal(count))
    rd_intensity = _beta_with_mean(
        rng, pop.rd_intensity_mean, pop.rd_intensity_concentration, count
    )
    growth = params.production.market_growth
    firm = {
        "sector": sector,
        "province": province,
        "zone": rng.random(count)
        < _zone_chance(pop.zone_share, pop.zone_tech_tilt, rd_intensity, pop.rd_intensity_mean)
        * zone_tilt[province],
        "foundational": rng.random(count) < foundational_share,
        "key_chain": rng.random(count) < pop.key_chain_share,
        "birth_quarter": quarter - age_quarters,
        "exposure": np.clip(
            reliance * rng.uniform(1.0 - pop.exposure_spread, 1.0 + pop.exposure_spread, count),
            0.0,
            1.0,
        ),
        "main_share": _beta_with_mean(
            rng, pop.main_business_share_mean, pop.main_business_concentration, count
        ),
        "niche_market": annual_revenue
        * pop.niche_market_multiple
        * np.exp(pop.niche_sigma * rng.standard_normal(count)),
        "size": annual_revenue / 4.0,
        "revenue": annual_revenue / 4.0,
        "rd_intensity": rd_intensity,
        "tech_access": np.ones(count),
        "volatility": params.production.revenue_volatility
        * np.exp(params.production.volatility_dispersion * rng.standard_normal(count)),
        "cash": pop.cash_quarters * annual_revenue / 4.0,
        "support_until": np.full(count, -1),
        "sanction_quarter": np.full(count, -1),
    }
    _add_history(firm, params, rng, age_quarters, annual_revenue, growth)
    firm["fixed_assets"] = params.production.capital_output_ratio * annual_revenue
    assets = firm["cash"] + firm["fixed_assets"]
    debt_ratio = (
        _beta_with_mean(rng, pop.debt_ratio_mean, pop.debt_ratio_concentration, count)
        if pop.debt_ratio_mean
        else 0.0
    )
    # Only some technology SMEs borrow (loan access 45-50% in 2022-25, PBoC).
    borrows = (age_quarters > 0) & (rng.random(count) < pop.borrower_share)
    firm["bank_debt"] = debt_ratio * assets * borrows
    firm["debt_ratio_ye"] = firm["bank_debt"] / assets
    quarterly_depreciation = 1.0 - (1.0 - inn.knowledge_depreciation) ** 0.25
    firm["rd_stock"] = (
        rd_intensity
        * annual_revenue
        / 4.0
        * (1.0 - (1.0 - quarterly_depreciation) ** age_quarters)
        / max(quarterly_depreciation, 1e-9)
    )
    firm["capability"] = np.clip(
        firm["rd_stock"] / (firm["rd_stock"] + inn.knowledge_half_myuan)
        + pop.capability_noise * rng.standard_normal(count),
        0.0,
        1.0,
    )
    firm["patents"] = rng.poisson(_past_patents(firm["rd_stock"], age_quarters, params))
    _add_profits(firm, params)
    return firm


def _add_profits(firm: dict[str, np.ndarray], params: Params) -> None:
    """Last two years' net profit: operating margin less R&D, depreciation and interest."""
    p, rate = params.production, params.finance.bank.interest_rate
    margin = p.base_margin + p.capability_margin * firm["capability"] - firm["rd_intensity"]
    for year in (1, 2):
        revenue = firm[f"rev_y{year}"]
        charges = (p.depreciation * p.capital_output_ratio * revenue) + rate * firm["bank_debt"]
        firm[f"profit_y{year}"] = np.where(revenue > 0, margin * revenue - charges, 0.0)


def _past_patents(rd_stock: np.ndarray, age_quarters: np.ndarray, params: Params) -> np.ndarray:
    """Expected invention patents still owned after filing at a reduced past rate.

    A growing firm's knowledge stock was smaller in the past, so it filed at a
    fraction (`past_filing_factor`) of today's rate over its life, net of lapses.
    """
    inn = params.innovation
    flow = params.population.past_filing_factor * inn.patent_scale * rd_stock**inn.patent_elasticity
    lapse = 1.0 - (1.0 - inn.patent_lapse_rate) ** 0.25
    kept = (1.0 - (1.0 - lapse) ** age_quarters) / lapse if lapse > 0 else age_quarters
    return flow * kept


def _add_history(
    firm: dict[str, np.ndarray],
    params: Params,
    rng: np.random.Generator,
    age_quarters: np.ndarray,
    annual_revenue: np.ndarray,
    growth: float,
) -> None:
    """Last three years' revenue and R&D, zero before the firm existed."""
    count = len(annual_revenue)
    spread = params.population.history_growth_spread
    revenue = annual_revenue
    for year in (1, 2, 3):
        revenue = revenue / np.exp(growth + spread * rng.standard_normal(count))
        existed = age_quarters >= 4 * year
        firm[f"rev_y{year}"] = np.where(existed, revenue, 0.0)
        if year <= 2:
            firm[f"rd_y{year}"] = firm[f"rev_y{year}"] * firm["rd_intensity"]
    for lag in (1, 2, 3):
        firm[f"rd_q{lag}"] = np.where(
            age_quarters >= lag, firm["revenue"] * firm["rd_intensity"], 0.0
        )


def _zone_chance(
    share: float, tilt: float, rd_intensity: np.ndarray, mean_intensity: float
) -> np.ndarray:
    """Chance of sitting in a high-tech zone: zones admit research-intensive firms more."""
    relative = rd_intensity / max(mean_intensity, 1e-9) - 1.0
    return np.clip(share * (1.0 + tilt * relative), 0.0, 1.0)


def _beta_with_mean(
    rng: np.random.Generator, mean: float, concentration: float, count: int
) -> np.ndarray:
    """Beta draws with a given mean and concentration (a + b); a mean of 0 or 1 is that
    value for every firm (the Beta is undefined there)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(count, float(np.clip(mean, 0.0, 1.0)))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, count)


def list_largest(pop: Population, rows: slice, share: float) -> None:
    """The largest firms (by revenue) of some rows, a `share` of them, were listed before
    the clock started (board code 1)."""
    revenue = pop.revenue[rows]
    count = round(share * len(revenue))
    if count == 0:
        return
    # As a stable sort by falling revenue would take them (ties in row order), found by
    # a linear-time partition: the count-th largest revenue, those above it, then the
    # first rows at it.
    threshold = np.partition(revenue, len(revenue) - count)[len(revenue) - count]
    above = np.flatnonzero(revenue > threshold)
    at = np.flatnonzero(revenue == threshold)[: count - len(above)]
    largest = np.concatenate((above, at)) + rows.start
    pop.listed[largest] = True
    pop.board[largest] = 1
