"""Large buyer firms: arrays for the phases, one Mesa agent per firm for inspection.

Money is M yuan per year for demand (times the run's scale), per quarter for the
quarter's purchases. A buyer's specialized inputs are bought at home (the normal
domestic part, `1 - initial_foreign_share`) or abroad; restrictions block part of
the foreign inputs, and the buyer wants domestic suppliers able to replace them.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params import Params

if TYPE_CHECKING:
    from model.simulation.economy import Economy
    from model.simulation.population import Population


def apportioned(shares: np.ndarray, total: int) -> np.ndarray:
    """`total` split in proportion to `shares` (largest remainders; sums to `total`)."""
    exact = shares / shares.sum() * total
    counts = np.floor(exact).astype(np.int64)
    ahead = np.argsort(-(exact - counts), kind="stable")[: total - int(counts.sum())]
    counts[ahead] += 1
    return counts


def stratified(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """A position in [0, 1) per item: within each group of n items, one uniform draw in
    each of [0, 1/n), [1/n, 2/n), ..., handed out in random order (Latin hypercube)."""
    position = np.empty(len(group))
    for value in np.unique(group):
        rows = np.flatnonzero(group == value)
        position[rows] = (rng.permutation(len(rows)) + rng.random(len(rows))) / len(rows)
    return position


def lognormal_cell_means(n: int, sigma: float) -> np.ndarray:
    """Mean of a lognormal (median 1, log s.d. sigma) within each n-th of its
    distribution, lowest first: n e^(sigma^2/2) [Phi(z_(k+1)/n - sigma) - Phi(z_k/n -
    sigma)], z_p the standard normal quantile. Their average is the lognormal's mean."""
    normal = NormalDist()
    edges = [-math.inf] + [normal.inv_cdf(k / n) for k in range(1, n)] + [math.inf]
    upper = [normal.cdf(z - sigma) for z in edges]  # 0 and 1 at the infinite edges
    return n * math.exp(sigma**2 / 2) * np.diff(upper)


class LargeFirms:
    """Array state of all large firms."""

    def __init__(self, params: Params, rng: np.random.Generator) -> None:
        sectors = params.population.sectors
        lf = params.large_firms
        # The number of buyers does not shrink with the run's scale, their demand
        # does: each SME then faces the same market of buyers at any scale.
        count = max(len(sectors), lf.count)
        shares = np.array([s.large_firm_share for s in sectors])
        # One buyer per field first, so a tiny run still has a market in every field;
        # the others in proportion to the fields' shares.
        per_field = 1 + apportioned(shares, count - len(sectors))
        self.sector = np.repeat(np.arange(len(sectors)), per_field)
        # Each field's buyers hold the lognormal demand distribution itself, not a
        # random sample from it: the k-th of n buyers (in random order) the mean demand
        # of the k-th n-th of the distribution; their exposure is stratified alike. A
        # sample's accident moved the whole market: with 500 independent draws the seed
        # s.d. of the 2025 national count was ~480 at 1:1 and did not shrink with scale.
        self.potential_demand = np.empty(count)
        for field in range(len(sectors)):
            rows = np.flatnonzero(self.sector == field)
            means = lognormal_cell_means(len(rows), lf.demand_sigma)
            self.potential_demand[rows] = rng.permutation(means)
        self.potential_demand *= params.scale * lf.demand_median_myuan
        exposure_position = stratified(rng, self.sector)
        self.demand = self.potential_demand.copy()  # orders: potential x output factor
        reliance = np.array([s.foreign_tech_reliance for s in sectors])[self.sector]
        spread = 1.0 - lf.exposure_spread + 2.0 * lf.exposure_spread * exposure_position
        self.exposure = np.clip(reliance * spread, 0.0, 1.0)
        self.initial_foreign_share = np.array([s.foreign_supply_share for s in sectors])[
            self.sector
        ].astype(float)
        self.quality_bar = np.zeros(count)  # set once the SME pool exists
        self.sanctioned = np.zeros(count, dtype=bool)
        self.sanction_quarter = np.full(count, -1, dtype=np.int32)
        self.input_loss = np.zeros(count)  # share of foreign inputs lost while listed
        self.blocked = np.zeros(count)  # share of foreign inputs that may not be bought
        self.derisk = np.zeros(count)  # share of allowed foreign inputs it wants at home
        self.output_factor = np.ones(count)  # output relative to potential (disruption)
        self.suppliers = np.zeros(count, dtype=np.int64)
        self.purchases = Purchases.empty(count)

    def __len__(self) -> int:
        return len(self.sector)

    def set_quality_bars(self, pop: Population, params: Params, rng: np.random.Generator) -> None:
        """Each buyer's capability bar for a supplier replacing a foreign input.

        A foreign input is one that only the best domestic firms of 2019 could have
        made: the bar is a quantile of the field's 2019 capability distribution,
        drawn for each buyer within +-spread of `substitution_quantile`.
        """
        r = params.restrictions
        centre, spread = r.substitution_quantile, r.substitution_spread
        quantile = np.clip(rng.uniform(centre - spread, centre + spread, len(self)), 0.0, 1.0)
        for sector in range(len(params.population.sectors)):
            mine = self.sector == sector
            field = pop.capability[pop.sector == sector]
            pool = field if len(field) else pop.capability
            self.quality_bar[mine] = np.quantile(pool, quantile[mine]) if len(pool) else 1.0

    @property
    def foreign_share(self) -> np.ndarray:
        """Share of each buyer's input need this quarter bought abroad (its 2019 share
        before any quarter has run)."""
        bought = self.purchases
        total = bought.domestic + bought.foreign + bought.lost
        share = self.initial_foreign_share.copy()
        np.divide(bought.foreign, total, out=share, where=total > 0)
        return share

    @property
    def normal_domestic(self) -> np.ndarray:
        """Demand bought at home without any restriction, M yuan per year."""
        return self.demand * (1.0 - self.initial_foreign_share)

    @property
    def blocked_need(self) -> np.ndarray:
        """Foreign inputs that may no longer be bought, M yuan per year."""
        return self.demand * self.initial_foreign_share * self.blocked

    @property
    def derisk_need(self) -> np.ndarray:
        """Allowed foreign inputs the buyer wants to move home, M yuan per year."""
        return self.demand * self.initial_foreign_share * (1.0 - self.blocked) * self.derisk


class Purchases:
    """One quarter's purchases of every buyer, M yuan per quarter (set by production)."""

    def __init__(self, **columns: np.ndarray) -> None:
        self.domestic = columns["domestic"]  # bought at home, SMEs or not
        self.foreign = columns["foreign"]  # bought abroad (allowed inputs only)
        self.replaced = columns["replaced"]  # blocked inputs replaced by SME suppliers
        self.moved_home = columns["moved_home"]  # de-risked inputs won by SME suppliers
        self.lost = columns["lost"]  # blocked inputs nobody replaced

    @classmethod
    def empty(cls, count: int) -> Purchases:
        """No purchases yet (before the first quarter)."""
        zeros = {name: np.zeros(count) for name in ("domestic", "foreign")}
        zeros |= {name: np.zeros(count) for name in ("replaced", "moved_home", "lost")}
        return cls(**zeros)


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
        """Annual orders for specialized inputs, M yuan."""
        return float(self.model.buyers.demand[self.index])

    @property
    def foreign_supply_share(self) -> float:
        """Share of this quarter's purchases bought abroad."""
        return float(self.model.buyers.foreign_share[self.index])

    @property
    def sanctioned(self) -> bool:
        """On the US Entity List."""
        return bool(self.model.buyers.sanctioned[self.index])

    @property
    def supplier_ids(self) -> list[int]:
        """Firm ids of its current SME suppliers."""
        rows = self.model.links.suppliers_of(self.index)
        return self.model.population.firm_id[rows].tolist()

    def __repr__(self) -> str:
        listed = ", listed" if self.sanctioned else ""
        return (
            f"<LargeFirm {self.index}: {self.sector_name}{listed}, demand "
            f"{self.demand_myuan:.0f}M/yr, foreign share {self.foreign_supply_share:.2f}, "
            f"{self.model.buyers.suppliers[self.index]} SME suppliers>"
        )
