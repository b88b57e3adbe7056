"""Foreign technology restrictions: dated listings and controls, and the channels they act by.

An event either restricts (lists Chinese entities on the Entity List, puts a share
of some fields' foreign inputs under export control) or eases (lifts earlier named
events). The channels are behaviour, each with a switch: buyers that lose foreign
inputs look for domestic suppliers able to replace them (supply cut); what they
cannot replace cuts their output and orders (disruption); buyers in controlled
fields move purchases home before they must (de-risking); exposed SMEs lose foreign
technology (technology access).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from model.params.fields import QuarterLabel, Section, param

ENTITY_LIST = "US BIS Entity List additions (model/data facts restriction_event rows)"


class RestrictionEvent(Section):
    """One dated tightening (kind 'restriction') or easing ('easing') of US controls.

    A restriction lists `large_firms` large buyers and `smes` SMEs (national counts)
    drawn among the exposed firms of `sectors`, and adds `control` to the share of
    those fields' foreign inputs that may not be sold to Chinese buyers. An easing
    lifts the events it names in `lifts`: their controls and their listings.
    """

    quarter: QuarterLabel = Field(description="Quarter the event takes effect, like 2022Q4")
    note: StrictStr = Field("", description="What happened and where it is reported")
    name: StrictStr = Field("", description="Name an easing can lift it by")
    kind: Literal["restriction", "easing"] = "restriction"
    sectors: tuple[StrictStr, ...] = Field(
        (), description="Fields the event controls and lists entities in (none: every field)"
    )
    control: float = Field(
        0.0, ge=0, le=1, strict=True, description="Share of the fields' foreign inputs controlled"
    )
    large_firms: int = Field(
        0, ge=0, le=10_000, strict=True, description="Large buyers (groups) listed"
    )
    smes: int = Field(0, ge=0, le=100_000, strict=True, description="SMEs listed, national count")
    lifts: tuple[StrictStr, ...] = Field((), description="Names of earlier events an easing lifts")
    tightens: tuple[StrictStr, ...] = Field(
        (), description="Earlier events whose listed buyers now lose `input_loss` of inputs"
    )
    input_loss: float | None = Field(
        None,
        ge=0,
        le=1,
        strict=True,
        description="Share of foreign inputs the buyers this event lists or tightens lose "
        "(default: restrictions.listed_input_loss)",
    )

    @model_validator(mode="after")
    def _easing_lifts_only(self) -> RestrictionEvent:
        if self.kind == "easing" and (self.control or self.large_firms or self.smes):
            raise ValueError("an easing lifts earlier events (lifts = [...]); it lists nothing")
        if self.kind == "restriction" and self.lifts:
            raise ValueError("only an easing lifts events; this one has kind 'restriction'")
        return self


class RestrictionChannels(Section):
    """Switches: each channel of the restrictions can be run alone or turned off."""

    supply_cut: StrictBool = param(
        True, unit="flag", doc="Buyers that lose foreign inputs seek domestic replacements"
    )
    disruption: StrictBool = param(
        True, unit="flag", doc="Lost inputs not replaced cut the buyer's output and orders"
    )
    derisking: StrictBool = param(
        True, unit="flag", doc="Unlisted buyers in controlled fields move purchases home"
    )
    tech_access: StrictBool = param(
        True, unit="flag", doc="Exposed and listed SMEs lose foreign technology"
    )


class RestrictionParams(Section):
    """How restrictions reach firms: the sizes of each channel, and the dated events."""

    channels: RestrictionChannels = param(
        RestrictionChannels(), unit="-", doc="Channel switches", source="scenario lever"
    )
    listed_input_loss: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share of foreign inputs",
        doc="Share of a listed buyer's foreign inputs it can no longer buy",
        source="reasoned from US-sourced procurement of listed groups: about 15% of Huawei's "
        "and 25-30% of ZTE's components by value were US-made, i.e. 0.3-0.6 of their foreign "
        "inputs (Huawei: $11bn of $70bn, 2018)",
    )
    tech_access_loss: float = param(
        0.35,
        ge=0,
        le=1,
        unit="share of technology access",
        doc="Foreign technology access lost by a fully exposed SME in a fully controlled field",
        source="reasoned: controls cut US tools, EDA (over 95% of China's chip-design software "
        "c. 2020, Nikkei/CCID) and collaboration (US-China dual affiliations -20% in three "
        "years, Nature 2023); the rest of foreign technology stays reachable",
    )
    listed_tech_loss: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share of technology access",
        doc="Further share of foreign technology access a listed SME loses",
        source="reasoned: a listed firm needs a licence (presumption of denial) for every "
        "US-origin item, about half of its foreign technology; Cao et al. (2024) measure "
        "-9.9% patent applications of listed firms, which `littlegiants study entity-list` "
        "reports against, not fits",
    )
    substitution_quantile: float = param(
        0.95,
        ge=0,
        le=1,
        unit="quantile",
        doc="Capability a domestic supplier needs to replace a foreign input, as a quantile "
        "of its field's 2019 capability distribution",
        source="reasoned: inputs were bought abroad in 2019 because few domestic firms could "
        "make them; the top 5% of a field is the frontier (domestic chip-tool share about "
        "10-20% in 2019-21, SEMI)",
    )
    substitution_spread: float = param(
        0.04,
        ge=0,
        le=0.5,
        unit="quantile",
        doc="Spread of buyers' quality bars around that quantile (uniform, +-)",
        source="reasoned: buyers differ in how demanding their inputs are",
    )
    qualification_quarters: int = param(
        4,
        ge=0,
        le=40,
        unit="quarters",
        doc="Time a new supplier needs to qualify before it can replace a foreign input",
        source="trade press: 6-12 months for mature processes under pressure, 12-24 months "
        "for a new tool or process (low confidence); four quarters in between",
    )
    disruption_elasticity: float = param(
        1.0,
        ge=0,
        le=1,
        unit="share of output per share of inputs",
        doc="Output a buyer loses per share of its inputs missing (1: fixed input basket)",
        source="Leontief basket: a missing specialized input stops the output that needs "
        "it (Huawei revenue -28.6% in 2021 after the FDPR cut its chips)",
    )
    derisk_target: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share of controllable foreign inputs",
        doc="Share of its still-allowed foreign inputs in controlled fields an unlisted "
        "buyer wants to buy at home, per unit of the field's control share",
        source="reasoned from localisation after the 2022 rules: domestic chip-equipment share "
        "about 21% (2021) to 35% (2025) by value (SEMI; low-medium confidence)",
    )
    derisk_speed: float = param(
        0.1,
        ge=0,
        le=1,
        unit="per quarter",
        doc="Share of the gap to that target a buyer closes each quarter",
        source="reasoned: 3-8 percentage points a year of equipment localisation after 2022 "
        "(IC Insights, USCBC; low-medium confidence)",
    )
    severity_scale: float = param(
        1.0,
        ge=0,
        le=5,
        unit="x",
        doc="Multiplier on every event's control share and entity counts (a lever for "
        "sweeps and the classroom)",
        source="scenario lever",
    )
    events: tuple[RestrictionEvent, ...] = param(
        (),
        unit="-",
        doc="Dated restriction and easing events",
        source=ENTITY_LIST,
    )

    @model_validator(mode="after")
    def _lifts_name_earlier_events(self) -> RestrictionParams:
        named: set[str] = set()
        for event in sorted(self.events, key=lambda e: e.quarter):
            unknown = [name for name in (*event.lifts, *event.tightens) if name not in named]
            if unknown:
                raise ValueError(
                    f"the event of {event.quarter} lifts or tightens {unknown}, which no "
                    f"earlier event is named (named earlier: {sorted(named) or 'none'})"
                )
            if event.name:
                named.add(event.name)
        return self
