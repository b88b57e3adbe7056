"""Parameters of equity finance (VC/PE, state guidance funds) and of spending earmarked money.

Equity rounds, IPO proceeds and fiscal awards are earmarked for the plans they were
raised for (R&D and equipment) and spent over `spending.quarters`.
"""

from __future__ import annotations

from model.params.fields import Section, param


class VentureParams(Section):
    """Private VC/PE equity, with certification as a signal."""

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
        0.5,
        ge=0,
        le=50,
        unit="x odds",
        doc="Extra odds of a round in high-tech zones",
        source="zone service: zones host investors and run financing fairs (Zhongguancun, "
        "Zhangjiang); reasoned (no sourced size found)",
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
    additionality: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share of fund rounds",
        doc="Share of fund-led rounds private VC would not have done anyway (the rest go to "
        "firms that closed a private round this quarter, and replace it)",
        source="guidance funds often co-invest in deals private VC already leads (state-linked "
        "investors in 35-45% of primary deals, IT Juzi 2021-25); reasoned",
    )
    start_year: int = param(
        2020,
        ge=1990,
        le=2100,
        unit="year",
        doc="First year the funds invest",
        source="National SME Development Fund set up in 2020 (model/data facts)",
    )


class SpendingParams(Section):
    """How firms spend money raised for a purpose (equity rounds, IPOs, fiscal awards)."""

    quarters: float = param(
        8.0,
        ge=1,
        le=40,
        unit="quarters",
        doc="Quarters over which earmarked money is spent (a share 1/quarters each quarter)",
        source="rounds and programme awards fund two- to three-year plans; reasoned",
    )
    rd_share: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        doc="Share of earmarked spending on R&D (the rest buys equipment)",
        source="the 2021 and 2024 MoF-MIIT notices fund R&D, digital upgrading and "
        "equipment; reasoned",
    )
