"""Frozen, typed parameters of one run, loaded from scenario TOML files.

`Params` groups every number of the model; each leaf has a unit, a meaning, a
source and an allowed range (see `model.params.fields.param`).
"""

from __future__ import annotations

from pydantic import StrictStr, model_validator

from model.calendar import parse_quarter
from model.params.certification import CertificationParams
from model.params.fields import Section, param
from model.params.finance import FinanceParams
from model.params.innovation import InnovationParams
from model.params.markets import LargeFirmParams, MatchingParams, ProductionParams
from model.params.policy import DemographyParams, FiscalParams, TimeParams, ZoneParams
from model.params.population import PopulationParams
from model.params.restrictions import RestrictionParams


class Params(Section):
    """Everything one run needs; built from a scenario file by `load_scenario`."""

    name: StrictStr = "default"
    description: StrictStr = ""
    highlights: tuple[StrictStr, ...] = param(
        (),
        unit="-",
        doc="Output variables a comparison writes about for this scenario",
        source="scenario metadata",
    )
    scale: float = param(
        1.0,
        gt=0,
        le=4,
        unit="share of 1:1",
        doc="Share of the national population simulated (outputs stay at national scale)",
        source="run option",
    )
    time: TimeParams = param(TimeParams(), unit="-", doc="Calendar")
    population: PopulationParams = param(PopulationParams(), unit="-", doc="SME pool")
    large_firms: LargeFirmParams = param(LargeFirmParams(), unit="-", doc="Large buyers")
    matching: MatchingParams = param(MatchingParams(), unit="-", doc="Supplier choice")
    production: ProductionParams = param(ProductionParams(), unit="-", doc="Production")
    finance: FinanceParams = param(FinanceParams(), unit="-", doc="Financiers")
    innovation: InnovationParams = param(InnovationParams(), unit="-", doc="Innovation")
    certification: CertificationParams = param(CertificationParams(), unit="-", doc="Certification")
    restrictions: RestrictionParams = param(
        RestrictionParams(), unit="-", doc="Restriction channels"
    )
    fiscal: FiscalParams = param(FiscalParams(), unit="-", doc="Fiscal support")
    demography: DemographyParams = param(DemographyParams(), unit="-", doc="Entry/exit")
    zones: ZoneParams = param(ZoneParams(), unit="-", doc="High-tech zones")

    @model_validator(mode="after")
    def _known_variables(self) -> Params:
        # Imported late: the reporters import params. Breakdowns (by field, province,
        # board) depend on the scenario, so the names are checked against its own.
        from model.simulation.breakdowns import reporters_for

        known = reporters_for(self)
        unknown = [name for name in self.highlights if name not in known]
        if unknown:
            raise ValueError(f"highlights: unknown output variables {unknown}; see the reporters")
        return self

    @model_validator(mode="after")
    def _clock_runs_forward(self) -> Params:
        if parse_quarter(self.time.end) < parse_quarter(self.time.start):
            raise ValueError(f"time.end {self.time.end} is before time.start {self.time.start}")
        return self

    @model_validator(mode="after")
    def _events_name_known_sectors(self) -> Params:
        known = {sector.name for sector in self.population.sectors}
        for event in self.restrictions.events:
            unknown = sorted(set(event.sectors) - known)
            if unknown:
                raise ValueError(
                    f"the restriction event of {event.quarter} names unknown sectors "
                    f"{unknown}; known: {sorted(known)}"
                )
        return self

    @model_validator(mode="after")
    def _expansions_name_known_provinces(self) -> Params:
        known = set(self.population.provinces)
        for expansion in self.zones.expansions:
            unknown = sorted(set(expansion.provinces) - known)
            if unknown:
                raise ValueError(
                    f"the zone expansion of {expansion.quarter} names unknown provinces "
                    f"{unknown}; known: {sorted(known)}"
                )
        return self


__all__ = ["Params"]
