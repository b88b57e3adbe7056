"""Certification rules: thresholds (MIIT 2022 Interim Measures) and application behaviour."""

from __future__ import annotations

from pydantic import model_validator

from model.params.application import ApplicationParams
from model.params.fields import QuarterLabel, Section, param
from model.params.policy import PolicyPush

MEASURES = "MIIT Interim Measures, Jun 2022 (model/data facts lg_*/prov_* rows)"


class Awareness(Section):
    """Bass diffusion of the decision to apply among firms that qualify.

    Before each yearly screening the applying share A of eligible firms rises by
    (external + imitation * certified share) * (1 - A).
    """

    initial: float = param(
        0.05,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Applying share of eligible firms at the start",
    )
    external: float = param(
        0.01, ge=0, le=1, unit="per year", doc="Bass innovation coefficient (publicity)"
    )
    imitation: float = param(
        0.10,
        ge=0,
        le=5,
        unit="per year",
        doc="Bass imitation coefficient (peers certified)",
    )


class InnovativeRules(Section):
    """Innovative SME evaluation (from the 2022 Measures)."""

    start: QuarterLabel = param(
        "2022Q3",
        unit="quarter",
        doc="First quarter innovative SMEs are evaluated",
        source=MEASURES + "; effective 1 Aug 2022",
    )
    min_patents: int = param(0, ge=0, le=1000, unit="patents", doc="Invention patents needed")
    min_rd_intensity: float = param(
        0.02, ge=0, le=1, unit="share of revenue", doc="Last-year R&D intensity needed"
    )
    approval: float = param(0.9, ge=0, le=1, unit="probability", doc="Approval of a valid file")
    screening_quarter: int = param(4, ge=1, le=4, unit="quarter of year", doc="When listed")
    awareness: Awareness = param(
        Awareness(initial=0.3, external=0.15, imitation=0.5),
        unit="-",
        doc="Applications",
    )


class ProvincialRules(Section):
    """Provincial specialized ('zhuanjingtexin') SME screening, once a year."""

    min_years: float = param(
        2.0, ge=0, le=50, unit="years", doc="Years in the niche", source=MEASURES
    )
    min_rd_myuan: float = param(
        1.0, ge=0, le=1e4, unit="M yuan", doc="Last-year R&D", source=MEASURES
    )
    min_rd_intensity: float = param(
        0.03,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="Last-year R&D intensity",
        source=MEASURES,
    )
    min_revenue_myuan: float = param(
        10.0, ge=0, le=1e6, unit="M yuan", doc="Last-year revenue", source=MEASURES
    )
    alt_min_equity_myuan: float = param(
        20.0,
        ge=0,
        le=1e6,
        unit="M yuan",
        doc="Or new equity over the last 2 years",
        source=MEASURES,
    )
    min_capability: float = param(
        0.05,
        ge=0,
        le=1,
        unit="capability 0-1",
        doc="Capability standing in for the evaluation score of 60 points",
    )
    approval: float = param(0.8, ge=0, le=1, unit="probability", doc="Approval of a valid file")
    screening_quarter: int = param(2, ge=1, le=4, unit="quarter of year", doc="When lists are made")
    validity_years: int = param(
        3, ge=1, le=20, unit="years", doc="Years before a review", source=MEASURES
    )
    awareness: Awareness = param(
        Awareness(initial=0.065, external=0.02, imitation=0.67),
        unit="-",
        doc="Applications",
    )


class NationalRules(Section):
    """National little-giant batch and the 3-year review (MIIT 2022 thresholds)."""

    min_years: float = param(
        3.0, ge=0, le=50, unit="years", doc="Years in the niche", source=MEASURES
    )
    min_main_business_share: float = param(
        0.7,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="Main-business revenue share",
        source=MEASURES,
    )
    min_growth: float = param(
        0.05,
        ge=-1,
        le=10,
        unit="per year",
        doc="Average revenue growth over 2 years",
        source=MEASURES,
    )
    max_debt_ratio: float = param(
        0.7,
        ge=0,
        le=1,
        unit="share of assets",
        doc="Debt-to-assets at year end",
        source=MEASURES,
    )
    min_niche_share: float = param(
        0.10,
        ge=0,
        le=1,
        unit="share of niche market",
        doc="National niche market share",
        source=MEASURES,
    )
    large_revenue_myuan: float = param(
        100.0,
        ge=0,
        le=1e6,
        unit="M yuan",
        doc="Revenue of the top R&D tier",
        source=MEASURES,
    )
    mid_revenue_myuan: float = param(
        50.0,
        ge=0,
        le=1e6,
        unit="M yuan",
        doc="Revenue of the middle R&D tier",
        source=MEASURES,
    )
    rd_intensity_large: float = param(
        0.03,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="R&D intensity, revenue >= 100M",
        source=MEASURES,
    )
    rd_intensity_mid: float = param(
        0.06,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="R&D intensity, revenue 50-100M",
        source=MEASURES,
    )
    small_min_equity_myuan: float = param(
        80.0,
        ge=0,
        le=1e6,
        unit="M yuan",
        doc="Revenue < 50M: new equity over 2 years",
        source=MEASURES,
    )
    small_min_rd_myuan: float = param(
        30.0,
        ge=0,
        le=1e6,
        unit="M yuan",
        doc="Revenue < 50M: R&D over 2 years",
        source=MEASURES,
    )
    min_patents: int = param(
        2,
        ge=0,
        le=1000,
        unit="patents",
        doc="Class-I IP (invention patents)",
        source=MEASURES,
    )
    rd_institution_min_rd_myuan: float = param(
        2.0,
        ge=0,
        le=1e4,
        unit="M yuan per year",
        doc="R&D spend at which a firm runs its own R&D institution (required)",
    )
    approval: float = param(
        0.59, ge=0, le=1, unit="probability", doc="Approval of a valid application"
    )
    priority_bonus: float = param(
        1.0,
        ge=0,
        le=10,
        unit="x approval",
        doc="Extra approval chance for foundational or key-chain applicants "
        "(MIIT batch guidance favours them)",
    )
    call_quarter: int = param(
        2,
        ge=1,
        le=4,
        unit="quarter of year",
        doc="When the year's call for applications closes: only firms on a provincial list "
        "by then may apply (that quarter's provincial lists come after it)",
        source="MIIT calls for batch 5 (Gongxin Ting Qiye Han [2023] No. 23, Feb 2023) and "
        "batch 6 (Apr 2024), provinces recommending within about two months; applicants "
        "must already be provincial specialized SMEs (model/data facts "
        "lg_requires_provincial_status)",
    )
    batch_quarter: int = param(3, ge=1, le=4, unit="quarter of year", doc="When a batch is named")
    recommended_until: int = param(
        2021,
        ge=0,
        le=2100,
        unit="year",
        doc="Last batch for which provinces put candidates forward (a quota each, most "
        "capable first); then firms apply themselves (0: never)",
        source="model/data facts lg_named_by_local_recommendation (batch 1, 2018 notice), "
        "lg_firms_apply_themselves (Jun 2022 Interim Measures)",
    )
    recommendation_share: float = param(
        0.15,
        ge=0,
        le=1,
        unit="share of the province's provincial list",
        doc="Candidates a province may put forward for a recommended batch, as a share of "
        "its provincial specialized SMEs at the call (estimated)",
        source="estimated by calibration (experiments/calibration.toml)",
    )
    first_batch_year: int = param(
        2019,
        ge=1990,
        le=2100,
        unit="year",
        doc="Year of the first national batch",
        source="Batch 1 named in 2019 (MIIT)",
    )
    validity_years: int = param(
        3,
        ge=1,
        le=20,
        unit="years",
        doc="Years before a review",
        source="model/data facts lg_validity_years",
    )
    awareness: Awareness = param(
        Awareness(initial=0.05, external=0.15, imitation=0.1),
        unit="-",
        doc="Applications",
    )

    @model_validator(mode="after")
    def _call_before_batch(self) -> NationalRules:
        if self.call_quarter > self.batch_quarter:
            raise ValueError(
                f"certification.national.call_quarter {self.call_quarter} is after "
                f"batch_quarter {self.batch_quarter}: a call must close before its batch"
            )
        return self


class CertificationParams(Section):
    """The three lists of the 'gradient cultivation' system."""

    enabled: bool = param(
        True,
        unit="flag",
        doc="Whether governments certify at all (off: counterfactual)",
    )
    innovative: InnovativeRules = param(InnovativeRules(), unit="-", doc="Innovative SMEs")
    provincial: ProvincialRules = param(ProvincialRules(), unit="-", doc="Provincial list")
    national: NationalRules = param(NationalRules(), unit="-", doc="National little giants")
    application: ApplicationParams = param(
        ApplicationParams(), unit="-", doc="The decision to apply"
    )
    review_growth_margin: float = param(
        0.0,
        ge=-1,
        le=1,
        unit="share per year",
        doc="Extra revenue growth the 3-year review asks beyond the entry test (review "
        "strictness; 0: the tests in force)",
        source="scenario lever",
    )
    pushes: dict[str, PolicyPush] = param(
        {},
        unit="-",
        doc="Named dated policy pushes that act on who applies",
        source="14th Five-Year Plan targets (2021); MIIT Interim Measures (Jun 2022)",
    )
