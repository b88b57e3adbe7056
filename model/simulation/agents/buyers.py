"""Large buyer firms: arrays for the phases, one Mesa agent per firm for inspection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params import Params

if TYPE_CHECKING:
    from model.simulation.economy import Economy


class LargeFirms:
    """Array state of all large firms (demand in M yuan per year, times the run's scale)."""

    def __init__(self, params: Params, rng: np.random.Generator) -> None:
        sectors = params.population.sectors
        lf = params.large_firms
        # The number of buyers does not shrink with the run's scale, their demand
        # does: each SME then faces the same market of buyers at any scale.
        count = max(len(sectors), lf.count)
        shares = np.array([s.large_firm_share for s in sectors])
        # One buyer per field first, so a tiny run still has a market in every field.
        extra = rng.choice(len(sectors), size=count - len(sectors), p=shares)
        self.sector = np.concatenate([np.arange(len(sectors)), extra])
        self.demand = (
            params.scale
            * lf.demand_median_myuan
            * np.exp(lf.demand_sigma * rng.standard_normal(count))
        )
        reliance = np.array([s.foreign_tech_reliance for s in sectors])[self.sector]
        spread = rng.uniform(1.0 - lf.exposure_spread, 1.0 + lf.exposure_spread, count)
        self.exposure = np.clip(reliance * spread, 0.0, 1.0)
        self.initial_foreign_share = np.array([s.foreign_supply_share for s in sectors])[
            self.sector
        ].astype(float)
        self.foreign_share = self.initial_foreign_share.copy()
        self.suppliers = np.zeros(count, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.sector)

    @property
    def domestic_demand(self) -> np.ndarray:
        """Demand met by domestic suppliers, M yuan per year."""
        return self.demand * (1.0 - self.foreign_share)


class LargeFirm(mesa.Agent):
    """One large buyer, a view on row `index` of the economy's LargeFirms arrays."""

    def __init__(self, model: Economy, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def sector_name(self) -> str:
        """Industrial field."""
        return self.model.params.population.sectors[self.model.buyers.sector[self.index]].name

    @property
    def demand_myuan(self) -> float:
        """Annual demand for specialized inputs, M yuan."""
        return float(self.model.buyers.demand[self.index])

    @property
    def foreign_supply_share(self) -> float:
        """Share of that demand bought abroad."""
        return float(self.model.buyers.foreign_share[self.index])

    @property
    def supplier_ids(self) -> list[int]:
        """Firm ids of its current SME suppliers."""
        rows = self.model.links.suppliers_of(self.index)
        return self.model.population.firm_id[rows].tolist()

    def __repr__(self) -> str:
        return (
            f"<LargeFirm {self.index}: {self.sector_name}, demand {self.demand_myuan:.0f}M/yr, "
            f"foreign share {self.foreign_supply_share:.2f}, "
            f"{self.model.buyers.suppliers[self.index]} SME suppliers>"
        )
