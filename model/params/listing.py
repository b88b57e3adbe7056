"""Parameters of listing: the STAR Market, ChiNext and the Beijing Stock Exchange.

Each board opens in its quarter, admits firms that pass any of its standard sets
(size, profit, R&D tests on last year's accounts and an expected market value),
reviews applications in a queue and lists at most its capacity a year. Dated
tightenings (the CSRC's 2023-24 IPO slowdown) scale every board's capacity.
"""

from __future__ import annotations

from pydantic import Field

from model.params.fields import QuarterLabel, Section, param

BOARD_RULES = "STAR, ChiNext and BSE listing rules (model/data finance facts *_listing_standard_*)"


class StandardSet(Section):
    """One set of listing standards; a firm passes the set if it passes every test."""

    min_market_cap_myuan: float = Field(0.0, ge=0, strict=True, description="Expected market value")
    min_revenue_myuan: float = Field(0.0, ge=0, strict=True, description="Last year's revenue")
    # The optional tests must be numbers when given: the exchanges read NaN as "no such
    # test", so a NaN bar would silently admit firms.
    min_profit_each_myuan: float | None = Field(
        None,
        allow_inf_nan=False,
        description="Net profit in each of the last two years at least this",
    )
    min_profit_2y_myuan: float | None = Field(
        None, allow_inf_nan=False, description="Net profit of two years"
    )
    min_rd_intensity_2y: float = Field(
        0.0, ge=0, le=1, strict=True, description="R&D / revenue over two years"
    )
    min_rd_2y_myuan: float = Field(0.0, ge=0, strict=True, description="R&D over two years")
    min_growth: float | None = Field(
        None, allow_inf_nan=False, description="Last year's revenue growth"
    )


class Board(Section):
    """A stock-exchange board for technology firms."""

    name: str = Field(description="Board name (used in output names)")
    opens: QuarterLabel = Field(description="First quarter it lists firms")
    standards: tuple[StandardSet, ...] = Field(description="Sets of standards, any one admits")
    review_quarters: int = Field(ge=0, le=40, strict=True, description="Queue time to a decision")
    capacity_per_year: float = Field(
        ge=0, le=1e5, strict=True, description="Listings of pool firms a year at 1:1"
    )
    approval: float = Field(0.8, ge=0, le=1, strict=True, description="Chance a review passes")


DEFAULT_BOARDS = (
    Board(
        name="star",
        opens="2019Q3",
        standards=(
            StandardSet(
                min_market_cap_myuan=1_000.0, min_profit_each_myuan=0.0, min_profit_2y_myuan=50.0
            ),
            StandardSet(
                min_market_cap_myuan=1_500.0, min_revenue_myuan=200.0, min_rd_intensity_2y=0.15
            ),
            StandardSet(min_market_cap_myuan=3_000.0, min_revenue_myuan=300.0),
        ),
        review_quarters=4,
        capacity_per_year=60.0,
    ),
    Board(
        name="chinext",
        opens="2020Q3",
        standards=(
            StandardSet(min_profit_each_myuan=0.0, min_profit_2y_myuan=50.0),
            StandardSet(
                min_market_cap_myuan=1_000.0, min_revenue_myuan=100.0, min_profit_each_myuan=0.0
            ),
        ),
        review_quarters=5,
        capacity_per_year=50.0,
    ),
    Board(
        name="bse",
        opens="2021Q4",
        standards=(
            StandardSet(min_market_cap_myuan=200.0, min_profit_each_myuan=15.0),
            StandardSet(min_market_cap_myuan=400.0, min_revenue_myuan=100.0, min_growth=0.3),
            StandardSet(
                min_market_cap_myuan=800.0, min_revenue_myuan=200.0, min_rd_intensity_2y=0.08
            ),
            StandardSet(min_market_cap_myuan=1_500.0, min_rd_2y_myuan=50.0),
        ),
        review_quarters=3,
        capacity_per_year=60.0,
    ),
)


class Tightening(Section):
    """A dated change of the pace of IPO reviews on every board."""

    quarter: QuarterLabel = Field(description="Quarter it takes effect")
    capacity_scale: float = Field(ge=0, le=10, strict=True, description="New capacity multiplier")
    note: str = Field("", description="What happened and where reported")


DEFAULT_TIGHTENINGS = (
    Tightening(
        quarter="2023Q3",
        capacity_scale=0.5,
        note="CSRC: IPO pace 'tightened in phases' (27 Aug 2023)",
    ),
    Tightening(
        quarter="2024Q2",
        capacity_scale=0.2,
        note="New 'National Nine Articles' (Apr 2024); committee reviews 207 (H1 2023) -> 31 "
        "(H1 2024), about -85%",
    ),
    Tightening(
        quarter="2025Q1",
        capacity_scale=0.4,
        note="Reviews pick up again: 109 cleared by listing committees in 2025, 2x 2024",
    ),
)


class ListingParams(Section):
    """Listing: who applies, where, how long it takes and what it raises."""

    boards: tuple[Board, ...] = param(
        DEFAULT_BOARDS,
        unit="-",
        doc="Boards in order of preference",
        source=BOARD_RULES + "; review times from acceptance-to-listing days (255-690); "
        "capacities: listings of technology SMEs of the pool, reasoned from the boards' "
        "2021-22 IPOs (STAR 123-162, ChiNext 148-199, BSE 83) of which a part are pool firms",
    )
    tightenings: tuple[Tightening, ...] = param(
        DEFAULT_TIGHTENINGS,
        unit="-",
        doc="Dated changes of review pace",
        source="model/data finance facts csrc_ipo_phased_tightening, "
        "ipo_listing_committee_reviews_h1",
    )
    capacity_scale: float = param(
        1.0, ge=0, le=10, unit="x", doc="Multiplier on every board's capacity", source="lever"
    )
    valuation_to_revenue: float = param(
        4.0,
        gt=0,
        le=100,
        unit="x annual revenue",
        doc="Expected market value of a technology SME per yuan of revenue, at capability 0.5",
        source="price-to-sales of STAR/ChiNext listings about 3-8; reasoned",
    )
    valuation_capability: float = param(
        2.0,
        ge=0,
        le=20,
        unit="log points per unit capability",
        doc="How much more the market values capable firms",
    )
    raise_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share of market value",
        doc="Equity raised at the IPO",
        source="25% float required (10% above 400M shares), STAR/ChiNext rules",
    )
    application_rate: float = param(
        0.05,
        ge=0,
        le=1,
        unit="probability per quarter",
        doc="Chance a firm that passes a board's standards applies (VC-backed)",
    )
    unbacked_application: float = param(
        0.3,
        ge=0,
        le=1,
        unit="x",
        doc="Relative chance a firm without VC backing applies (VC investors push for exits)",
    )
    title_fast_lane_quarters: int = param(
        1,
        ge=0,
        le=20,
        unit="quarters",
        doc="Review time saved by national little giants (exchange 'green channels')",
        source="exchanges' fast review for specialized-innovative SMEs (BSE aimed at them); "
        "reasoned",
    )
    initial_listed_share: float = param(
        0.002,
        ge=0,
        le=1,
        unit="share of pool firms",
        doc="Pool firms already listed in 2019Q1 (main board, SME board, old ChiNext)",
        source="about 1,000 technology SMEs among 3,700 A-share firms (2019); reasoned",
    )
