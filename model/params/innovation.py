"""Parameters of R&D, knowledge, patents and capability."""

from __future__ import annotations

from model.params.fields import Section, param


class InnovationParams(Section):
    """R&D builds a depreciating knowledge stock K; patents ~ Poisson(a K^beta)."""

    knowledge_depreciation: float = param(
        0.15,
        ge=0,
        le=1,
        unit="per year",
        doc="Depreciation of the R&D stock",
        source="15%/yr, the usual R&D-capital depreciation (Hall, Mairesse & Mohnen 2010)",
    )
    patent_scale: float = param(
        0.095,
        ge=0,
        le=100,
        unit="patents per quarter at K = 1M yuan",
        doc="a in a K^beta",
    )
    patent_elasticity: float = param(
        0.6,
        gt=0,
        lt=1,
        unit="elasticity",
        doc="beta in a K^beta (below one)",
        source="patent-R&D elasticities below one (Hall, Griliches & Hausman 1986)",
    )
    patent_lapse_rate: float = param(
        0.04,
        ge=0,
        le=1,
        unit="per year",
        doc="Share of owned invention patents dropped",
    )
    capability_speed: float = param(
        0.05,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Speed capability moves to its knowledge level",
    )
    knowledge_half_myuan: float = param(
        40.0,
        gt=0,
        le=1e6,
        unit="M yuan",
        doc="R&D stock at which knowledge gives capability 0.5",
    )
    customer_learning: float = param(
        0.005,
        ge=0,
        le=1,
        unit="per customer per quarter",
        doc="Capability gained from each large customer (towards 1)",
    )
    max_learning_customers: int = param(
        5,
        ge=0,
        le=1000,
        unit="customers",
        doc="Customers beyond which learning saturates",
    )
    excess_cash_rd_share: float = param(
        0.012,
        ge=0,
        le=1,
        unit="share per quarter",
        doc="Share of cash above the buffer spent on R&D (equity-funded R&D)",
    )
    adaptation_margin: float = param(
        0.005,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="Margin above a certification R&D threshold that applying firms aim for",
    )
    max_rd_intensity: float = param(
        0.12,
        ge=0,
        le=1,
        unit="share of revenue",
        doc="Highest R&D intensity a firm will budget to meet a certification threshold",
    )
    adaptation_speed: float = param(
        0.6,
        ge=0,
        le=1,
        unit="per year",
        doc="Speed applying firms close the R&D gap",
    )
