"""Policy parameters: fiscal programmes, zones, certification campaigns and the calendar."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr, field_validator

from model.calendar import parse_quarter
from model.params.fields import QuarterLabel, Section, param

MOF_2021 = "MoF-MIIT Cai Jian [2021] No.2 (model/data facts central_fiscal_funds_key_little_giants)"
MOF_2024 = "MoF-MIIT Cai Jian [2024] No.148 (model/data facts subsidy_per_key_firm)"


class DatedEvent(Section):
    """Something that happens in a given quarter, with a note on what and where reported."""

    quarter: StrictStr = Field(description="Quarter the event takes effect, like 2022Q4")
    note: StrictStr = Field("", description="What happened and where it is reported")

    @field_validator("quarter")
    @classmethod
    def _is_quarter(cls, value: str) -> str:
        parse_quarter(value)
        return value


class ZoneExpansion(DatedEvent):
    """New or enlarged national high-tech zones in some provinces take in a share of the
    firms of those provinces outside zones (the area the new zone covers)."""

    share: float = Field(ge=0, le=1, strict=True, description="Share of non-zone firms taken in")
    provinces: tuple[StrictStr, ...] = Field(
        (), description="Provinces of the new zones (none: every province)"
    )


Level = Literal["innovative", "provincial", "national"]
Share = Annotated[float, Field(ge=0, le=1, strict=True)]


class PolicyPush(Section):
    """A dated policy push (plan targets, new measures) that acts on who applies: it tells
    firms that did not know of a list (`publicity`: share of unaware firms reached, per
    list) and makes applying cheaper (`cost_cut`: share by which the application cost
    falls from then on, per list, e.g. provinces organising and paying for paperwork).
    Sizes are estimated by `calibrate` within bounds read from the policy texts."""

    quarter: QuarterLabel | None = Field(
        None, description="Quarter the push starts (none: not dated, so it does nothing)"
    )
    note: StrictStr = Field("", description="What the push was and where reported")
    publicity: dict[Level, Share] = Field(
        default_factory=dict, description="Share of firms unaware of each list that it reaches"
    )
    cost_cut: dict[Level, Share] = Field(
        default_factory=dict, description="Share by which each list's application cost falls"
    )


class ZoneServices(Section):
    """What being in a national high-tech zone does, service by service (switches); the
    sizes sit with each mechanism: `production.zone_cost_saving`, `finance.vc.zone_bonus`,
    `matching.zone_bonus`."""

    costs: bool = param(True, unit="flag", doc="Zone services cut operating costs")
    finance: bool = param(True, unit="flag", doc="Zones bring firms to investors")
    matching: bool = param(True, unit="flag", doc="Zones bring firms to large buyers")


class ZoneParams(Section):
    """National high-tech zones: dated expansions and the services zones offer."""

    services: ZoneServices = param(
        ZoneServices(), unit="-", doc="Service switches", source="scenario lever"
    )
    expansions: tuple[ZoneExpansion, ...] = param(
        (),
        unit="-",
        doc="Dated zone expansions",
        source="model/data facts national_high_tech_zones",
    )


class FiscalProgramme(Section):
    """A central award programme for key little giants, run in yearly batches."""

    name: str = param("programme", unit="-", doc="Programme name")
    first_batch_year: int = param(2021, ge=1990, le=2100, unit="year", doc="First batch")
    last_batch_year: int = param(2023, ge=1990, le=2100, unit="year", doc="Last batch")
    award_myuan: float = param(
        6.0,
        ge=0,
        le=1e4,
        unit="M yuan per firm",
        doc="Award paid over the support period",
        source=MOF_2024,
    )
    support_quarters: int = param(12, ge=1, le=80, unit="quarters", doc="Payment period")
    batch_budget_myuan: float = param(
        4_000.0,
        ge=0,
        le=1e8,
        unit="M yuan per batch at 1:1",
        doc="Awards committed per batch",
    )
    unlisted_only: bool = param(False, unit="flag", doc="Only unlisted firms are eligible")
    chain_focus: bool = param(
        True,
        unit="flag",
        doc="Only firms at key chain links or in foundational fields are eligible",
        source="the notices fund key little giants that 'strengthen and extend chains' in "
        "foundational fields (Cai Jian [2021] No.2; [2024] No.148)",
    )
    selection_noise: float = param(
        0.5,
        ge=0,
        le=10,
        unit="std. dev. of potential",
        doc="Provinces' own judgement in ranking candidates (noise on development potential)",
        source="provinces recommend the candidates; reasoned",
    )


DEFAULT_PROGRAMMES = (
    FiscalProgramme(
        name="key_little_giants_2021",
        first_batch_year=2021,
        last_batch_year=2023,
        batch_budget_myuan=4_000.0,
    ),
    FiscalProgramme(
        name="key_little_giants_2024",
        first_batch_year=2024,
        last_batch_year=2026,
        batch_budget_myuan=6_000.0,
        unlisted_only=True,
    ),
)


class FiscalParams(Section):
    """Fiscal support: local certification awards and central programmes."""

    support_scale: float = param(
        1.0,
        ge=0,
        le=20,
        unit="x",
        doc="Multiplier on every award and programme budget (same firms, more money each)",
        source="scenario lever",
    )
    national_award_myuan: float = param(
        1.0,
        ge=0,
        le=1e3,
        unit="M yuan per firm",
        doc="One-off local award on national certification",
    )
    provincial_award_myuan: float = param(
        0.2,
        ge=0,
        le=1e3,
        unit="M yuan per firm",
        doc="One-off local award on provincial listing",
    )
    programmes: tuple[FiscalProgramme, ...] = param(
        DEFAULT_PROGRAMMES,
        unit="-",
        doc="Central key-little-giant programmes",
        source=f"{MOF_2021}; {MOF_2024}",
    )


class DemographyParams(Section):
    """Entry of new technology-based SMEs and exit."""

    entry_rate: float = param(
        0.025,
        ge=0,
        le=0.06,
        unit="share of pool per quarter",
        doc="New firms per quarter",
        why="above 6% a quarter the pool would grow 16-fold by 2030 even without exits, "
        "far beyond any observed SME dynamics (and beyond memory at 1:1 scale)",
    )
    entrant_revenue_median_myuan: float = param(
        3.0, gt=0, le=1e4, unit="M yuan per year", doc="Median revenue of an entrant"
    )
    exit_rate: float = param(
        0.006,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Baseline exit hazard of a mature firm",
    )
    young_exit_rate: float = param(
        0.01,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Extra exit hazard of young firms (younger than young_years)",
    )
    young_years: float = param(
        3.0, ge=0, le=50, unit="years", doc="Age below which the extra young-firm hazard applies"
    )
    insolvency_exit: float = param(
        0.25,
        ge=0,
        le=1,
        unit="probability per quarter",
        doc="Exit chance when cash is negative",
    )


class TimeParams(Section):
    """The simulated calendar; one step is one quarter."""

    start: QuarterLabel = param("2019Q1", unit="quarter", doc="First simulated quarter")
    end: QuarterLabel = param("2025Q4", unit="quarter", doc="Last simulated quarter")
