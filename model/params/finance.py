"""Parameters of the financiers: banks, IP-pledge lending, VC/PE, guidance funds."""

from __future__ import annotations

from model.params.fields import Section, param

PBOC_2021 = (
    "PBoC, end-Oct 2021: >70% of little giants had loans, mean balance 75.26M yuan "
    "(model/data facts little_giants_with_loans_share, little_giant_avg_loan_balance)"
)


class BankParams(Section):
    """Bank credit, bounded by collateral and a debt ratio."""

    interest_rate: float = param(
        0.045,
        ge=0,
        le=0.5,
        unit="per year",
        doc="Interest rate on SME loans",
        source="hand-set near the 2019-25 one-year LPR plus an SME spread",
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
    approval: float = param(
        0.7,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance an uncertified applicant is served",
    )
    certified_approval: float = param(
        0.95,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance a provincial or national certified applicant is served",
        source=PBOC_2021,
    )
    repayment_rate: float = param(
        0.05,
        ge=0,
        le=1,
        unit="share of debt per quarter",
        doc="Principal repaid each quarter",
    )
    cash_buffer_quarters: float = param(
        1.0, ge=0, le=20, unit="quarters of costs", doc="Cash firms want to hold"
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
    )


class VentureParams(Section):
    """Private VC/PE equity, with certification as a signal, and listing."""

    base_rate: float = param(
        0.004,
        ge=0,
        le=1,
        unit="probability per quarter",
        doc="Chance a firm of median capability closes a round",
    )
    capability_slope: float = param(
        6.0,
        ge=0,
        le=50,
        unit="log-odds per unit capability",
        doc="VC preference for capability",
    )
    certification_signal: float = param(
        1.5, ge=0, le=50, unit="x odds", doc="Extra odds of a round for certified firms"
    )
    zone_bonus: float = param(
        0.5, ge=0, le=50, unit="x odds", doc="Extra odds of a round in high-tech zones"
    )
    round_to_revenue: float = param(
        0.5, ge=0, le=50, unit="x annual revenue", doc="Typical round size"
    )
    min_round_myuan: float = param(10.0, ge=0, le=1e4, unit="M yuan", doc="Smallest round")
    annual_capacity_myuan: float = param(
        150_000.0,
        ge=0,
        le=1e8,
        unit="M yuan per year at 1:1",
        doc="Private VC/PE money available to the pool each year",
    )
    listing_rate: float = param(
        0.012,
        ge=0,
        le=1,
        unit="probability per quarter",
        doc="Chance a VC-backed firm above the listing size lists",
    )
    listing_min_revenue_myuan: float = param(
        150.0, ge=0, le=1e6, unit="M yuan per year", doc="Revenue needed to list"
    )
    ipo_to_revenue: float = param(
        0.8, ge=0, le=50, unit="x annual revenue", doc="Equity raised at listing"
    )


class GuidanceFundParams(Section):
    """State guidance funds that lead rounds and crowd in private money."""

    annual_budget_myuan: float = param(
        20_000.0,
        ge=0,
        le=1e8,
        unit="M yuan per year at 1:1",
        doc="Guidance-fund money invested directly in pool SMEs each year",
        source="order of the National SME Development Fund (35.75bn registered, 2020) "
        "plus local funds; hand-set",
    )
    deal_size_myuan: float = param(
        30.0, gt=0, le=1e5, unit="M yuan", doc="Guidance-fund share of a led round"
    )
    crowd_in_ratio: float = param(
        2.0,
        ge=0,
        le=50,
        unit="yuan private per yuan public",
        doc="Private VC that co-invests in a round the fund leads",
    )
    min_capability: float = param(
        0.45,
        ge=0,
        le=1,
        unit="capability 0-1",
        doc="Capability a fund requires to invest",
    )
    min_exposure: float = param(
        0.4,
        ge=0,
        le=1,
        unit="share 0-1",
        doc="Foreign-technology reliance that makes a firm outside key chains a fund target",
    )
    start_year: int = param(
        2020,
        ge=1990,
        le=2100,
        unit="year",
        doc="First year the funds invest",
        source="National SME Development Fund set up in 2020 (model/data facts)",
    )


class FinanceParams(Section):
    """All financiers."""

    bank: BankParams = param(BankParams(), unit="-", doc="Banks")
    ip_pledge: IpPledgeParams = param(IpPledgeParams(), unit="-", doc="IP-pledge loans")
    vc: VentureParams = param(VentureParams(), unit="-", doc="VC/PE")
    guidance_fund: GuidanceFundParams = param(
        GuidanceFundParams(), unit="-", doc="State guidance funds"
    )
