"""Parameters of the SME population at the start of the clock and of its sectors."""

from __future__ import annotations

from pydantic import field_validator

from model.params.fields import Section, param
from model.params.provinces import (
    POOL_SOURCE,
    ZONE_SOURCE,
    Province,
    default_provinces,
    rescale_pool_shares,
)

MIIT_FIELDS = (
    "MIIT little-giant field composition (model/data facts: share_manufacturing, "
    "share_industrial_foundation); split across fields hand-set"
)


class Sector(Section):
    """One industrial field of the SME pool and its exposure to foreign technology."""

    name: str = param("sector", unit="-", doc="Field name", source=MIIT_FIELDS)
    pool_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Share of the SME pool in this field",
        source=MIIT_FIELDS,
    )
    foundational_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Share of firms in foundational fields (basic parts, materials, processes, software)",
        source=MIIT_FIELDS,
    )
    foreign_tech_reliance: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Reliance of the field's R&D on foreign technology (exposure to restrictions)",
    )
    foreign_supply_share: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Initial share of large firms' specialized inputs bought abroad in this field",
    )
    large_firm_share: float = param(
        0.125, ge=0, le=1, unit="share 0-1", doc="Share of large firms in this field"
    )


DEFAULT_SECTORS = (
    Sector(
        name="high_end_materials",
        pool_share=0.16,
        foundational_share=0.85,
        foreign_tech_reliance=0.35,
        foreign_supply_share=0.30,
        large_firm_share=0.14,
    ),
    Sector(
        name="key_components",
        pool_share=0.20,
        foundational_share=0.85,
        foreign_tech_reliance=0.45,
        foreign_supply_share=0.35,
        large_firm_share=0.16,
    ),
    Sector(
        name="industrial_software",
        pool_share=0.08,
        foundational_share=0.60,
        foreign_tech_reliance=0.55,
        foreign_supply_share=0.45,
        large_firm_share=0.08,
    ),
    Sector(
        name="intelligent_equipment",
        pool_share=0.20,
        foundational_share=0.65,
        foreign_tech_reliance=0.35,
        foreign_supply_share=0.30,
        large_firm_share=0.18,
    ),
    Sector(
        name="semiconductors_electronics",
        pool_share=0.10,
        foundational_share=0.60,
        foreign_tech_reliance=0.75,
        foreign_supply_share=0.55,
        large_firm_share=0.14,
    ),
    Sector(
        name="biomedicine",
        pool_share=0.10,
        foundational_share=0.20,
        foreign_tech_reliance=0.40,
        foreign_supply_share=0.35,
        large_firm_share=0.12,
    ),
    Sector(
        name="new_energy_vehicles",
        pool_share=0.10,
        foundational_share=0.40,
        foreign_tech_reliance=0.25,
        foreign_supply_share=0.20,
        large_firm_share=0.12,
    ),
    Sector(
        name="green_environmental",
        pool_share=0.06,
        foundational_share=0.40,
        foreign_tech_reliance=0.15,
        foreign_supply_share=0.15,
        large_firm_share=0.06,
    ),
)


class PopulationParams(Section):
    """The technology-based SME pool at the start of the clock (2019Q1)."""

    initial_firms: int = param(
        600_000,
        ge=1,
        le=5_000_000,
        unit="firms at 1:1",
        doc="Technology-based SMEs in the pool at the start (candidates for all lists)",
        source="sized so the 2025 pool exceeds the 600,000 innovative SMEs "
        "(model/data facts innovative_smes 2025)",
    )
    revenue_median_myuan: float = param(
        10.0,
        gt=0,
        le=1000,
        unit="M yuan per year",
        doc="Median annual revenue of pool firms",
        why="above 1bn yuan a year the median firm is no longer an SME",
    )
    revenue_sigma: float = param(
        1.16,
        ge=0,
        le=2.5,
        unit="log points",
        doc="Std. dev. of log revenue across firms",
        why="a spread above 2.5 log points puts single SMEs above whole industries' sales",
    )
    age_mean_years: float = param(
        8.0,
        gt=0,
        le=50,
        unit="years",
        doc="Mean firm age at the start (exponential)",
        source="PatSnap 2022: little giants average 13 years; pool younger (hand-set)",
    )
    rd_intensity_mean: float = param(
        0.0445,
        ge=0,
        le=0.5,
        unit="share of revenue",
        doc="Mean R&D intensity of pool firms",
    )
    rd_intensity_concentration: float = param(
        12.0,
        gt=0,
        le=1e3,
        unit="-",
        doc="Beta concentration of R&D intensity across firms",
    )
    key_chain_share: float = param(
        0.7, ge=0, le=1, unit="share 0-1", doc="Share of pool firms at key chain links"
    )
    zone_share: float = param(
        0.27,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Share of pool firms located in national high-tech zones",
    )
    zone_tech_tilt: float = param(
        0.5,
        ge=0,
        le=20,
        unit="-",
        doc="How much more likely research-intensive firms are to sit in a zone "
        "(chance x (1 + tilt x relative R&D intensity))",
    )
    main_business_share_mean: float = param(
        0.85,
        gt=0,
        lt=1,
        unit="share of revenue",
        doc="Mean share of revenue from the main business (Beta across firms)",
    )
    niche_market_multiple: float = param(
        9.7,
        gt=1,
        le=1e4,
        unit="x firm revenue",
        doc="Median size of a firm's national niche market relative to its revenue",
    )
    debt_ratio_mean: float = param(
        0.35, ge=0, lt=1, unit="share of assets", doc="Mean initial debt-to-asset ratio"
    )
    borrower_share: float = param(
        0.47,
        ge=0,
        le=1,
        unit="share of pool firms",
        doc="Share of the 2019 pool with bank loans (the rest have never borrowed)",
        source="PBoC loan-access rate of technology SMEs 44.7% (2022) to 50.2% (2025) "
        "(model/data finance facts tech_sme_loan_access_rate)",
    )
    cash_quarters: float = param(
        1.0, ge=0, le=20, unit="quarters of revenue", doc="Initial cash holdings"
    )
    exposure_spread: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Spread of a firm's foreign-technology reliance around its field's (uniform +-)",
    )
    niche_sigma: float = param(
        0.8,
        ge=0,
        le=4,
        unit="log points",
        doc="Std. dev. of log niche size across firms",
    )
    main_business_concentration: float = param(
        10.0,
        gt=0,
        le=1e3,
        unit="-",
        doc="Beta concentration of the main-business share",
    )
    debt_ratio_concentration: float = param(
        8.0, gt=0, le=1e3, unit="-", doc="Beta concentration of the initial debt ratio"
    )
    capability_noise: float = param(
        0.1,
        ge=0,
        le=1,
        unit="capability 0-1",
        doc="Std. dev. of initial capability around what the knowledge stock implies",
    )
    history_growth_spread: float = param(
        0.15,
        ge=0,
        le=2,
        unit="log points per year",
        doc="Std. dev. of past yearly growth used to back-cast revenue history",
    )
    past_filing_factor: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Past patent filing rate relative to today's (smaller past knowledge stocks)",
    )
    provinces: dict[str, Province] = param(
        default_provinces(),
        unit="-",
        doc="The 31 mainland provinces, keyed by pinyin name (a scenario that sets some"
        " provinces' pool_share rescales the others, which keep their relative sizes)",
        source=f"{POOL_SOURCE}; zone tilts from {ZONE_SOURCE}",
    )
    sectors: tuple[Sector, ...] = param(
        DEFAULT_SECTORS,
        unit="-",
        doc="Industrial fields of the pool",
        source=MIIT_FIELDS,
    )

    @field_validator("sectors")
    @classmethod
    def _shares_sum_to_one(cls, sectors: tuple[Sector, ...]) -> tuple[Sector, ...]:
        if not sectors:
            raise ValueError("at least one sector is needed")
        for field in ("pool_share", "large_firm_share"):
            total = sum(getattr(s, field) for s in sectors)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"sector {field} values must sum to 1 (they sum to {total:.4f})")
        return sectors

    @field_validator("provinces", mode="before")
    @classmethod
    def _over_the_defaults(cls, given: object) -> object:
        """A scenario names only what it changes (`[population.provinces.anhui]
        fund_scale = 2.0`): every province keeps its other values from the data."""
        if not isinstance(given, dict):
            return given
        defaults = {name: p.model_dump() for name, p in default_provinces().items()}
        merged = dict(defaults)
        for name, values in given.items():
            values = values.model_dump() if isinstance(values, Province) else values
            merged[name] = (
                {**merged.get(name, {}), **values} if isinstance(values, dict) else values
            )
        return rescale_pool_shares(defaults, merged)

    @field_validator("provinces")
    @classmethod
    def _pool_shares_sum_to_one(cls, provinces: dict[str, Province]) -> dict[str, Province]:
        if not provinces:
            raise ValueError("at least one province is needed")
        total = sum(p.pool_share for p in provinces.values())
        if abs(total - 1.0) > 1e-4:
            raise ValueError(f"province pool_share values must sum to 1 (they sum to {total:.5f})")
        return provinces
