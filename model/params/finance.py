"""Parameters of debt finance: banks (with the title as a signal), re-lending, IP pledges.

Equity (VC/PE, guidance funds) is in `model.params.equity`, listing in
`model.params.listing`; `FinanceParams` groups them all.
"""

from __future__ import annotations

from pydantic import Field

from model.params.equity import GuidanceFundParams, SpendingParams, VentureParams
from model.params.fields import QuarterLabel, Section, param
from model.params.listing import ListingParams

PBOC_2021 = (
    "PBoC, end-Oct 2021: >70% of little giants had loans, mean balance 75.26M yuan "
    "(model/data facts little_giants_with_loans_share, little_giant_avg_loan_balance)"
)
RELENDING = "PBoC sci-tech re-lending (model/data finance facts tech_relending_quota)"


class BankParams(Section):
    """Bank credit: collateral, debt-ratio and cash-flow bounds; the title as a signal."""

    interest_rate: float = param(
        0.045,
        ge=0,
        le=0.5,
        unit="per year",
        doc="Interest rate on SME loans",
        source="near the 2019-25 one-year LPR plus an SME spread (inclusive small-business "
        "loan rates 5.9% in 2020 to 4.8% in 2023, NFRA)",
    )
    loan_to_value: float = param(
        0.6, ge=0, le=1, unit="share of tangible assets", doc="Collateral haircut"
    )
    max_debt_ratio: float = param(
        0.6,
        ge=0,
        lt=1,
        unit="share of assets",
        doc="Debt-to-assets above which banks stop",
    )
    min_interest_cover: float = param(
        2.0,
        ge=0,
        le=50,
        unit="x interest",
        doc="Operating cash flow a borrower must earn per yuan of interest (cash-flow bound)",
        source="common bank covenant (EBITDA/interest of 2 or more)",
    )
    approval: float = param(
        0.7,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance an uncertified applicant is served",
        source="tech-SME loan access 45-50% (PBoC 2022-25) with about two in three applying",
    )
    certified_approval: float = param(
        0.95,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance a provincial or national certified applicant is served",
        source=PBOC_2021,
    )
    title_limit_bonus: float = param(
        0.3,
        ge=0,
        le=5,
        unit="share of the collateral limit",
        doc="Extra credit limit for certified firms (title-based 'little giant loans')",
        source="bank programmes for specialized SMEs lend on the title with little collateral "
        "(ABC 'Little Giant Loan', ICBC-MIIT agreement; model/data finance facts); reasoned",
    )
    term_quarters: int = param(
        12,
        ge=1,
        le=80,
        unit="quarters",
        doc="Loan term: principal is repaid in equal parts over it",
        source="SME working-capital and equipment loans of 1-5 years; three years hand-set",
    )
    cash_buffer_quarters: float = param(
        0.5,
        ge=0,
        le=20,
        unit="quarters of operating costs",
        doc="Cash a firm keeps for its operations before it funds plans",
    )


class RelendingProgramme(Section):
    """A PBoC re-lending quota for loans to listed technology SMEs."""

    start: QuarterLabel = Field(description="First quarter of the quota")
    quota_myuan: float = Field(ge=0, le=1e8, strict=True, description="Quota, M yuan at 1:1")
    note: str = Field("", description="Where reported")


DEFAULT_RELENDING = (
    RelendingProgramme(start="2022Q2", quota_myuan=200_000.0, note="Apr 2022: 200bn yuan"),
    RelendingProgramme(start="2024Q2", quota_myuan=500_000.0, note="Apr 2024: 500bn yuan"),
    RelendingProgramme(start="2025Q2", quota_myuan=800_000.0, note="May 2025: 800bn yuan"),
)


class RelendingParams(Section):
    """Re-lending: cheap central-bank money lets banks lend more to certified SMEs."""

    programmes: tuple[RelendingProgramme, ...] = param(
        DEFAULT_RELENDING, unit="-", doc="Quotas in force from their quarter", source=RELENDING
    )
    limit_bonus: float = param(
        0.5,
        ge=0,
        le=5,
        unit="share of the collateral limit",
        doc="Extra credit limit of an eligible (innovative or higher) firm while a quota has room",
        source=RELENDING + "; funds 60% of each qualifying loan; reasoned",
    )
    pool_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share of the quota",
        doc="Share of each quota that reaches the model's pool of technology SMEs",
        source="the quotas serve technology and upgrading loans of all firms; reasoned",
    )


class IpPledgeParams(Section):
    """Loans pledged against invention patents."""

    value_per_patent_myuan: float = param(
        1.0, ge=0, le=1e3, unit="M yuan per patent", doc="Appraised value of one patent"
    )
    loan_to_value: float = param(
        0.3, ge=0, le=1, unit="share of appraised value", doc="IP-pledge loan-to-value"
    )
    uptake: float = param(
        0.25,
        ge=0,
        le=1,
        unit="probability per quarter",
        doc="Chance a firm short of cash after bank credit uses an IP pledge",
        source="IP-pledge financing reached 9,000 (2020) to 37,000 (2023) firms (CNIPA)",
    )


class FinanceParams(Section):
    """All financiers, and how firms spend what they raise."""

    bank: BankParams = param(BankParams(), unit="-", doc="Banks")
    relending: RelendingParams = param(RelendingParams(), unit="-", doc="Re-lending")
    ip_pledge: IpPledgeParams = param(IpPledgeParams(), unit="-", doc="IP-pledge loans")
    vc: VentureParams = param(VentureParams(), unit="-", doc="VC/PE")
    guidance_fund: GuidanceFundParams = param(
        GuidanceFundParams(), unit="-", doc="State guidance funds"
    )
    spending: SpendingParams = param(SpendingParams(), unit="-", doc="Earmarked money")
    listing: ListingParams = param(ListingParams(), unit="-", doc="Stock exchanges")
