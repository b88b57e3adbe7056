"""The plain Mesa economy: builds the 2019Q1 state; `step()` is one quarter, phases in
the order of `model.simulation.economy.Economy.step`."""

from __future__ import annotations

import mesa

from model.calendar import parse_quarter, quarter_label
from model.params import Params
from model.simulation.agents.buyers import LargeFirms
from model.simulation.founding import draw_firms

from .buyers import Buyer, match_suppliers
from .events import Policy
from .finance import Bank, Exchanges, guidance_funds, venture_rounds
from .firm import NATIONAL, Sme
from .government import Government
from .reporters import reporters_for

ESTABLISHED = -(10**6)  # the 2019Q1 links: formed long before, so qualified
CHANNELS = ("fiscal", "bank", "ip_pledge", "guidance_fund", "vc", "ipo")


class PlainEconomy(mesa.Model):
    """The economy with one Mesa agent per SME and per large buyer."""

    def __init__(self, params: Params, seed: int = 1) -> None:
        super().__init__(rng=seed)
        self.params, self.seed = params, seed
        self.quarter = parse_quarter(params.time.start)
        self.end_quarter = parse_quarter(params.time.end)
        self.entries = self.exits = 0
        self.flows = dict.fromkeys(CHANNELS, 0.0)
        self.quarter_labels: list[str] = []
        pop = params.population
        initial = max(1, round(pop.initial_firms * params.scale))
        self.add_firms(initial, pop.revenue_median_myuan, pop.age_mean_years)
        self.list_largest(params.finance.listing.initial_listed_share)
        drawn = LargeFirms(params, self.rng)
        for row in zip(
            drawn.sector.tolist(),
            drawn.potential_demand.tolist(),
            drawn.exposure.tolist(),
            drawn.initial_foreign_share.tolist(),
            strict=True,
        ):
            Buyer(self, *row)
        self.government = Government(self)
        self.bank, self.exchanges = Bank(self), Exchanges(self)
        self.policy = Policy(self)
        self.government.initial_lists()
        self.set_quality_bars()
        match_suppliers(self)
        for buyer in self.buyers:
            buyer.suppliers = dict.fromkeys(buyer.suppliers, ESTABLISHED)
        self.datacollector = mesa.DataCollector(model_reporters=reporters_for(params))

    @property
    def firms(self) -> mesa.agent.AgentSet:
        """The SMEs operating."""
        return self.agents_by_type[Sme]

    @property
    def buyers(self) -> mesa.agent.AgentSet:
        """The large buyers."""
        return self.agents_by_type[Buyer]

    @property
    def restrictions(self):
        """Controls and listings in force."""
        return self.policy.restrictions

    @property
    def year(self) -> int:
        """Calendar year of the current quarter."""
        return self.quarter // 4

    def add_firms(self, count: int, revenue_median: float, age_mean: float) -> None:
        """Draw firms with the project's founding recipe; each one becomes an agent."""
        columns = draw_firms(
            self.params,
            self.rng,
            count,
            self.quarter,
            revenue_median_myuan=revenue_median,
            age_mean_years=age_mean,
        )
        names = list(columns)
        for values in zip(*(columns[name].tolist() for name in names), strict=True):
            state = dict(zip(names, values, strict=True))
            state["birth_quarter"] = int(state["birth_quarter"])
            Sme(self, state)

    def list_largest(self, share: float) -> None:
        """The largest firms by revenue, a `share` of them, listed before the clock."""
        ranked = sorted(self.firms, key=lambda f: -f.revenue)
        for firm in ranked[: round(share * len(ranked))]:
            firm.listed, firm.board = True, 1

    def set_quality_bars(self) -> None:
        """Each buyer's bar: a quantile (drawn around `substitution_quantile`) of its
        field's 2019 capability distribution (linear interpolation, as numpy's)."""
        r = self.params.restrictions
        fields: dict[int, list[float]] = {}
        for firm in self.firms:
            fields.setdefault(firm.sector, []).append(firm.capability)
        everyone = sorted(c for values in fields.values() for c in values)
        for buyer in self.buyers:
            low, high = (
                r.substitution_quantile - r.substitution_spread,
                r.substitution_quantile + r.substitution_spread,
            )
            q = min(max(self.random.uniform(low, high), 0.0), 1.0)
            pool = sorted(fields.get(buyer.sector, [])) or everyone
            position = q * (len(pool) - 1)
            below = int(position)
            above = min(below + 1, len(pool) - 1)
            buyer.quality_bar = pool[below] + (position - below) * (pool[above] - pool[below])

    def step(self) -> None:
        """One quarter of the little-giant economy."""
        self.flows = dict.fromkeys(CHANNELS, 0.0)
        self.policy.apply(self.quarter)  # dated events switch on
        self.buyers.do("order")  # orders, blocked inputs, de-risking
        match_suppliers(self)  # SMEs win or lose large customers
        self.firms.shuffle_do("grow")  # technology access, own-market sales
        self.buyers.shuffle_do("buy")  # orders split among suppliers; lost inputs
        self.bank.open_quarter()  # the re-lending quota left
        self.firms.shuffle_do("settle_and_plan")  # revenue, costs, cash; finance plans
        self.raise_funds()  # banks, IP pledges, VC, funds, exchanges
        self.firms.shuffle_do("fund_and_innovate")  # plans funded; R&D, patents, capability
        self.government.run()  # lists, national batch, reviews
        self.exits = 0
        self.firms.shuffle_do("exit_or_stay")
        entrants = int(self.rng.poisson(self.params.demography.entry_rate * len(self.firms)))
        self.entries = entrants
        if entrants:
            self.add_firms(entrants, self.params.demography.entrant_revenue_median_myuan, 0.0)
        if self.quarter % 4 == 3:
            self.firms.do("close_year")  # year-end accounts
        self.quarter_labels.append(quarter_label(self.quarter))
        self.collect()
        self.quarter += 1
        self.running = self.quarter <= self.end_quarter

    def raise_funds(self) -> None:
        """Re-lending rationed among the firms' asks; loans and pledges; VC rounds,
        guidance funds and the exchanges' decisions (booked by each firm next)."""
        self.bank.ration_quota()
        self.firms.shuffle_do("borrow")
        self.bank.close_quarter()
        venture_rounds(self)
        guidance_funds(self)
        self.exchanges.take_applications()
        self.exchanges.decide()

    def collect(self) -> None:
        """Record the reporters, sharing the little giants between them."""
        self.little_giants = [f for f in self.firms if f.status == NATIONAL]
        self.datacollector.collect(self)

    def run(self, quarters: int | None = None) -> None:
        """Step to the end quarter, or `quarters` steps."""
        for _ in range(quarters if quarters is not None else self.end_quarter - self.quarter + 1):
            self.step()

    def tidy_wide(self):
        """The reporters as a table, one row per quarter."""
        table = self.datacollector.get_model_vars_dataframe()
        table.index = self.quarter_labels
        return table
