"""Parameters of large firms, supplier matching and SME production."""

from __future__ import annotations

from pydantic import model_validator

from model.params.fields import Section, param


class LargeFirmParams(Section):
    """Large downstream firms that buy specialized inputs from SMEs."""

    count: int = param(
        500,
        ge=1,
        le=100_000,
        unit="firms at 1:1",
        doc="Large buyer firms (at every scale; their demand scales instead)",
    )
    demand_median_myuan: float = param(
        6_000.0,
        gt=0,
        le=1e7,
        unit="M yuan per year",
        doc="Median annual demand of a large firm for specialized inputs",
    )
    demand_sigma: float = param(
        1.0,
        ge=0,
        le=4,
        unit="log points",
        doc="Std. dev. of log demand across large firms",
    )
    demand_growth: float = param(
        0.06,
        ge=-0.5,
        le=1,
        unit="per year",
        doc="Nominal growth of large firms' demand",
        source="hand-set near nominal industrial output growth 2019-25",
    )
    links_per_billion: float = param(
        100.0,
        gt=0,
        le=1e4,
        unit="links per bn yuan",
        doc="Domestic supplier relationships a large firm keeps per bn yuan of domestic demand",
    )
    link_churn: float = param(
        0.08,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Share of supplier links ending each quarter",
    )
    exposure_spread: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Spread of large firms' restriction exposure around their field's reliance",
    )


class MatchingParams(Section):
    """How large firms pick domestic suppliers (attractiveness weights)."""

    capability_weight: float = param(
        3.0,
        ge=0,
        le=50,
        unit="log-odds per unit capability",
        doc="Weight of supplier capability in a buyer's choice",
    )
    size_elasticity: float = param(
        0.3,
        ge=0,
        le=2,
        unit="elasticity",
        doc="Visibility of larger suppliers to buyers",
    )
    provincial_signal: float = param(
        0.5,
        ge=0,
        le=20,
        unit="x odds",
        doc="Extra odds for provincial specialized SMEs",
    )
    national_signal: float = param(
        8.0,
        ge=0,
        le=50,
        unit="x odds",
        doc="Extra odds for national little giants (title and MIIT matchmaking)",
    )
    zone_bonus: float = param(
        1.0,
        ge=0,
        le=20,
        unit="x odds",
        doc="Extra odds for firms in high-tech zones (zone matchmaking, buyers nearby)",
        source="zone service: zones run supply-chain matchmaking and host large buyers' "
        "plants; reasoned (no sourced size found)",
    )
    key_chain_bonus: float = param(
        1.2, ge=0, le=20, unit="x odds", doc="Extra odds for firms at key chain links"
    )


class ProductionParams(Section):
    """SME revenue, costs and balance sheet."""

    @model_validator(mode="after")
    def _costs_stay_positive(self) -> ProductionParams:
        top = self.base_margin + self.capability_margin + self.zone_cost_saving
        if top >= 1.0:
            raise ValueError(
                f"production.base_margin + capability_margin + zone_cost_saving = {top:g} "
                "must stay below 1: a margin of 100% of revenue or more means negative costs"
            )
        return self

    market_growth: float = param(
        0.03,
        ge=-0.5,
        le=1,
        unit="per year",
        doc="Drift of own-market revenue of a firm with zero capability",
    )
    capability_premium: float = param(
        0.08,
        ge=0,
        le=2,
        unit="per year per unit capability",
        doc="Extra own-market growth per unit of capability",
    )
    revenue_volatility: float = param(
        0.08,
        ge=0,
        le=0.5,
        unit="log points per quarter",
        doc="Std. dev. of quarterly revenue shocks of a firm of reference size (10M yuan/yr)",
        why="quarterly sales shocks above 0.5 log points are not firm dynamics but noise",
    )
    volatility_size_elasticity: float = param(
        0.2,
        ge=0,
        le=0.5,
        unit="elasticity",
        doc="Fall of shock volatility with firm size: sigma ~ size^-elasticity",
        why="observed size-scaling exponents are 0.15-0.25; above 0.5 the shocks of the "
        "smallest firms grow without economic meaning",
        source="growth-rate volatility scales as size^-0.15..-0.2 (Stanley et al. 1996, "
        "Nature 379; Bottazzi & Secchi 2006)",
    )
    volatility_dispersion: float = param(
        0.35,
        ge=0,
        le=1,
        unit="log points",
        doc="Std. dev. of log firm-specific volatility (some niches are riskier)",
        why="above 1 log point some niches would swing by factors of e^3 a quarter",
    )
    base_margin: float = param(
        0.12,
        ge=-0.5,
        le=0.9,
        unit="share of revenue",
        doc="Operating margin before R&D and interest at zero capability",
    )
    capability_margin: float = param(
        0.12,
        ge=0,
        le=0.9,
        unit="share of revenue per unit capability",
        doc="Margin gain from capability (pricing power in the niche)",
    )
    zone_cost_saving: float = param(
        0.03,
        ge=0,
        le=0.5,
        unit="share of revenue",
        doc="Operating-cost saving from high-tech zone services",
        source="zone service: rent and utility subsidies, shared test platforms; 2-4% of "
        "revenue reasoned (no sourced size found)",
    )
    capital_output_ratio: float = param(
        0.6,
        gt=0,
        le=10,
        unit="years of revenue",
        doc="Tangible assets per annual revenue",
    )
    depreciation: float = param(
        0.08, ge=0, le=1, unit="per year", doc="Depreciation of plant and equipment"
    )
    investment_speed: float = param(
        0.25,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Share of the gap to the desired plant and equipment invested each quarter",
    )
    max_link_uplift: float = param(
        0.5,
        ge=0,
        le=100,
        unit="x own-market revenue per link",
        doc="Most a single large customer can add to a supplier's sales (capacity)",
    )
    niche_growth: float = param(
        0.06, ge=-0.5, le=1, unit="per year", doc="Growth of each firm's niche market"
    )
