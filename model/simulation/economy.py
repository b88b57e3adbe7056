"""The Mesa model: builds the economy; `step()` is one quarter, phases in calendar order."""

from __future__ import annotations

import mesa

from model.calendar import parse_quarter, quarter_label, quarter_of_year, year_of
from model.params import Params
from model.simulation.agents import (
    Bank,
    Exchanges,
    FiscalProgramme,
    Government,
    GuidanceFund,
    LargeFirm,
    LargeFirms,
    VentureCapital,
)
from model.simulation.allocator import keep_freed_memory
from model.simulation.breakdowns import reporters_for
from model.simulation.collector import Collector
from model.simulation.founding import draw_firms, list_largest
from model.simulation.ledger import Ledger
from model.simulation.links import Links
from model.simulation.phases import (
    certification,
    demand,
    demography,
    finance,
    innovation,
    matching,
    production,
    purchasing,
)
from model.simulation.policy import Policy
from model.simulation.population import Population, close_year

# `Links.since` of the 2019Q1 relationships: formed long before, so qualified.
ESTABLISHED = -(10**6)


class Economy(mesa.Model):
    """China's technology-based SMEs, their large buyers, financiers and government.

    `Economy(params, seed=1)` builds the 2019Q1 state; each `step()` simulates one
    quarter; `datacollector` holds one row of model-level reporters per quarter.
    With `track_cash_flows`, `ledger.net` keeps each firm's net cash flow of the
    quarter (for checking the books; off by default for speed).
    """

    def __init__(
        self,
        params: Params,
        seed: int | None = None,
        track_cash_flows: bool = False,
    ) -> None:
        super().__init__(rng=seed)
        keep_freed_memory()  # reuse a quarter's freed temporaries (model.simulation.allocator)
        self.params = params
        self.seed = seed
        self.quarter = parse_quarter(params.time.start)
        self.end_quarter = parse_quarter(params.time.end)
        self.entries = self.exits = 0
        self.report_cache: dict | None = None
        self.quarter_labels: list[str] = []
        self.ledger = Ledger(track_firms=track_cash_flows)
        self.population = self._found_population()
        self.buyers = LargeFirms(params, self.rng)
        self.links = Links(len(self.buyers))
        self.large_firms = [LargeFirm(self, i) for i in range(len(self.buyers))]
        self.government = Government(self)
        self.bank = Bank(self)
        self.exchanges = Exchanges(self)
        self.vc = VentureCapital(self)
        self.guidance_fund = GuidanceFund(self)
        self.programmes = [FiscalProgramme(self, i) for i in range(len(params.fiscal.programmes))]
        self.policy = Policy(self)
        self.last_certified = None
        certification.initial_lists(self)
        self.buyers.set_quality_bars(self.population, params, self.rng)
        matching.attach_suppliers(self)
        self.links.since[:] = ESTABLISHED  # relationships older than the clock
        self.datacollector = Collector(model_reporters=reporters_for(params))

    def _found_population(self) -> Population:
        p = self.params.population
        initial = max(1, round(p.initial_firms * self.params.scale))
        # Room for the expected net entry (entry less mature firms' exits), at most 4x;
        # beyond that the buffers grow by half when they fill up. Room left unused still
        # costs memory (zeroed buffers this size come from the heap): counting entry
        # alone, the 1:1 2019-30 run reserved 2.06M rows for 1.29M used.
        quarters = self.end_quarter - self.quarter + 1
        d = self.params.demography
        growth = min((1.0 + max(d.entry_rate - d.exit_rate, 0.0)) ** quarters, 4.0)
        population = Population(capacity=int(initial * growth * 1.05) + 16)
        founded = population.add(
            draw_firms(
                self.params,
                self.rng,
                initial,
                self.quarter,
                revenue_median_myuan=p.revenue_median_myuan,
                age_mean_years=p.age_mean_years,
            )
        )
        list_largest(population, founded, self.params.finance.listing.initial_listed_share)
        return population

    def reconfigure(self, params: Params) -> None:
        """Carry on with new parameters (a lever moved mid-run): every agent re-takes
        its rules from them. The event schedule is the caller's to re-plan."""
        if len(params.fiscal.programmes) != len(self.programmes):
            raise ValueError("the number of fiscal programmes cannot change during a run")
        self.params = params
        for agent in (self.government, self.bank, self.exchanges, self.vc, self.guidance_fund):
            agent.configure(params)
        for programme in self.programmes:
            programme.configure(params)

    @property
    def year(self) -> int:
        """Calendar year of the current quarter."""
        return year_of(self.quarter)

    @property
    def quarter_of_year(self) -> int:
        """1-4."""
        return quarter_of_year(self.quarter)

    @property
    def label(self) -> str:
        """The current quarter, like 2021Q3."""
        return quarter_label(self.quarter)

    def step(self) -> None:
        """One quarter of the little-giant economy."""
        self.ledger.start_quarter(len(self.population))
        self.government.start_quarter()
        self.policy.apply(self.quarter)  # dated events switch on
        demand.update(self)  # buyers' orders, blocked inputs, de-risking
        matching.attach_suppliers(self)  # SMEs win or lose large customers
        production.grow_markets(self)  # own-market sales, technology access
        sales = purchasing.buy_inputs(self)  # orders split among suppliers; lost inputs
        production.settle(self, sales)  # revenue, costs, cash
        finance.raise_funds(self)  # awards, banks, IP pledges, funds, VC
        innovation.invest_and_patent(self)  # R&D, knowledge, patents, capability
        certification.run(self)  # lists, national batch, 3-year review
        demography.enter_and_exit(self)  # exit, entry
        if self.quarter_of_year == 4:
            close_year(self.population)  # year-end accounts
        self.quarter_labels.append(self.label)
        self.collect()  # reporters
        self.quarter += 1
        self.running = self.quarter <= self.end_quarter

    def collect(self) -> None:
        """Record this quarter's reporters (rows shared between reporters meanwhile)."""
        self.report_cache = {}
        try:
            self.datacollector.collect(self)
        finally:
            self.report_cache = None

    def run(self) -> None:
        """Step until the end quarter."""
        while self.running:
            self.step()
