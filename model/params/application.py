"""The decision to apply for a list: its cost, what the title is worth, who applies first."""

from __future__ import annotations

from model.params.fields import Section, param


class ApplicationParams(Section):
    """The decision to apply: a firm that knows of a list applies if what the title brings
    (awards and the title's value to lenders, investors and buyers) exceeds its cost of
    applying, which differs across firms (lognormal)."""

    cost_myuan: float = param(
        0.3,
        gt=0,
        le=100,
        unit="M yuan",
        doc="Median cost of an application (documents, audits, consultants, staff time)",
        source="application consulting fees of 0.05-0.3M yuan plus audits and staff time; reasoned",
    )
    cost_sigma: float = param(
        1.0,
        gt=0,
        le=5,
        unit="log points",
        doc="Dispersion of the application cost across firms",
    )
    capability_tilt: float = param(
        0.0,
        ge=0,
        le=5,
        unit="log odds per s.d.",
        doc="How much sooner the stronger qualifying firms apply: a firm one standard "
        "deviation of capability above this year's qualifying firms' mean has exp(tilt) "
        "times the odds of applying (provinces recruit the surest candidates first; 0: "
        "every qualifying firm alike)",
        source="provincial cultivation pools recruit the most promising firms first; "
        "size estimated by calibration",
    )
    innovative_value_myuan: float = param(
        0.1, ge=0, le=1e3, unit="M yuan", doc="Value of the innovative-SME title to the firm"
    )
    provincial_value_myuan: float = param(
        0.3, ge=0, le=1e3, unit="M yuan", doc="Value of the provincial title to the firm"
    )
    national_value_myuan: float = param(
        0.5,
        ge=0,
        le=1e3,
        unit="M yuan",
        doc="Value of the national title to the firm beyond awards (credit, investors, "
        "buyers, exchanges)",
        source="title-based credit lines and investor screening; reasoned",
    )
