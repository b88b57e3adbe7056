"""A plain per-agent Mesa version of the littlegiants quarter: the speed benchmark's yardstick.

One `mesa.Agent` per SME, holding the same state variables as a row of
`model.population`, and the same rules as `model/phases`, written the way a Mesa
user writes them: scalar Python arithmetic in agent methods, agents stepped with
`model.agents.shuffle_do`, the government and large buyers as plain objects, a
`mesa.DataCollector` for the reporters. The quarter: restriction events, buyers'
demand, supplier matching, Gibrat growth, sales to large customers, costs and
cash, bank and IP-pledge credit, R&D, knowledge stock, Poisson patents,
capability, certification (R&D budgeting, tests, Bass awareness, approval,
reviews), exit and entry, year-end accounts.

Left out, which only makes this version faster: VC/PE rounds, guidance funds,
listings, the central key-programme awards and high-tech-zone expansions.

    PlainEconomy(load_scenario("baseline", scale=0.01), seed=1).run()
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import accumulate

import mesa
import numpy as np

from model.calendar import parse_quarter
from model.params import Params
from model.params.policy import Campaign, RestrictionEvent
from model.simulation.agents.buyers import LargeFirms
from model.simulation.founding import draw_firms

NONE, INNOVATIVE, PROVINCIAL, NATIONAL = 0, 1, 2, 3
LEVELS = {INNOVATIVE: "innovative", PROVINCIAL: "provincial", NATIONAL: "national"}


class Sme(mesa.Agent):
    """One technology-based SME; money in M yuan, flows per quarter."""

    def __init__(self, model: PlainEconomy, firm: dict) -> None:
        super().__init__(model)
        self.__dict__.update(firm)
        for name in ("opex", "rd_spend", "ip_debt", "grants", "rev_ytd", "rd_ytd"):
            setattr(self, name, 0.0)
        self.equity_y1 = self.equity_y2 = 0.0
        self.patents_new = 0
        self.status, self.preparing, self.provincial_year, self.national_year = NONE, NONE, 0, 0
        self.customers: list[Buyer] = []
        self.alive = True

    # -- production ------------------------------------------------------------------
    def grow(self) -> None:
        """Technology access, then Gibrat growth of own-market sales."""
        m, p = self.model, self.model.params.production
        loss = m.params.restrictions.tech_access_loss
        self.tech_access = 1.0 - loss * min(m.restriction_index * self.exposure, 1.0)
        drift = (p.market_growth + p.capability_premium * self.capability) / 4.0
        sigma = (
            self.volatility * (4.0 * max(self.size, 1e-9) / 10.0) ** -p.volatility_size_elasticity
        )
        self.size *= math.exp(drift + sigma * self.random.gauss(0.0, 1.0))
        self.niche_market *= (1.0 + p.niche_growth) ** 0.25

    def step(self) -> None:
        """The firm's quarter after growth: sell, settle, borrow, research, learn."""
        self.sell_and_settle()
        target = self.borrow()
        self.research(target)
        self.learn()

    def sell_and_settle(self) -> None:
        """Revenue, costs, interest, repayments, investment; cash moves by the net flow."""
        p, bank = self.model.params.production, self.model.params.finance.bank
        self.revenue = self.size + sum(b.per_size for b in self.customers) * self.size
        cost_share = 1.0 - p.base_margin - p.capability_margin * self.capability
        self.opex = self.revenue * (cost_share - p.zone_cost_saving * self.zone)
        interest = (self.bank_debt + self.ip_debt) * bank.interest_rate / 4.0
        repaid_bank, repaid_ip = (
            self.bank_debt * bank.repayment_rate,
            self.ip_debt * bank.repayment_rate,
        )
        depreciation = self.fixed_assets * (1.0 - (1.0 - p.depreciation) ** 0.25)
        gap = p.capital_output_ratio * 4.0 * self.revenue - self.fixed_assets
        investment = max(gap, 0.0) * p.investment_speed
        self.fixed_assets += investment
        outflow = self.opex + interest + repaid_bank + repaid_ip + investment + depreciation
        self.cash += self.revenue - outflow
        self.bank_debt -= repaid_bank
        self.ip_debt -= repaid_ip
        self.rev_ytd += self.revenue

    # -- finance ---------------------------------------------------------------------
    def borrow(self) -> float:
        """Bank loan, then an IP pledge, towards the cash the firm wants; returns that target."""
        f = self.model.params.finance
        target = (self.rd_intensity * self.revenue + self.opex) * f.bank.cash_buffer_quarters
        need = max(target - self.cash, 0.0)
        approval = f.bank.certified_approval if self.status >= PROVINCIAL else f.bank.approval
        if need > 0 and self.random.random() < approval:
            collateral = f.bank.loan_to_value * self.fixed_assets
            ratio_cap = f.bank.max_debt_ratio * (max(self.cash, 0.0) + self.fixed_assets)
            loan = min(need, max(min(collateral, ratio_cap) - self.bank_debt - self.ip_debt, 0.0))
            self.bank_debt += loan
            self.cash += loan
            need -= loan
        if need > 0 and self.patents > 0 and self.random.random() < f.ip_pledge.uptake:
            value = f.ip_pledge.loan_to_value * f.ip_pledge.value_per_patent_myuan
            pledge = min(need, max(value * self.patents - self.ip_debt, 0.0))
            self.ip_debt += pledge
            self.cash += pledge
        self.cash += self.grants
        return target

    # -- innovation ------------------------------------------------------------------
    def research(self, cash_target: float) -> None:
        """Spend on R&D, add to the knowledge stock, file Poisson(a K^beta) patents."""
        inn = self.model.params.innovation
        rd = max(self.cash - cash_target, 0.0) * inn.excess_cash_rd_share
        rd += self.rd_intensity * self.revenue + inn.grant_rd_share * self.grants
        rd = min(max(rd, 0.0), max(self.cash, 0.0))
        self.cash -= rd
        self.rd_q3, self.rd_q2, self.rd_q1, self.rd_spend = (
            self.rd_q2,
            self.rd_q1,
            self.rd_spend,
            rd,
        )
        self.rd_ytd += rd
        self.rd_stock = self.rd_stock * (1.0 - inn.knowledge_depreciation) ** 0.25 + rd
        rate = inn.patent_scale * self.rd_stock**inn.patent_elasticity * self.tech_access
        self.patents_new = int(self.model.rng.poisson(rate))
        self.patents += self.patents_new
        self.grants = 0.0

    def learn(self) -> None:
        """Capability moves towards its knowledge level and grows with customers."""
        inn = self.model.params.innovation
        level = self.rd_stock / (self.rd_stock + inn.knowledge_half_myuan)
        change = inn.capability_speed * self.tech_access * (level - self.capability)
        customers = min(len(self.customers), inn.max_learning_customers)
        change += inn.customer_learning * customers * (1.0 - self.capability)
        self.capability = min(max(self.capability + change, 0.0), 1.0)

    # -- certification tests (MIIT 2022 Measures, on last year's accounts) ---------------
    def passes(self, level: int, year: int) -> bool:
        """Whether the firm meets a list's thresholds this year."""
        cert = self.model.params.certification
        intensity = self.rd_y1 / self.rev_y1 if self.rev_y1 > 0 else 0.0
        if level == INNOVATIVE:
            rules = cert.innovative
            return self.patents >= rules.min_patents and intensity >= rules.min_rd_intensity
        years = (year * 4 - self.birth_quarter) / 4.0
        if level == PROVINCIAL:
            r = cert.provincial
            big = self.rev_y1 >= r.min_revenue_myuan or (
                self.equity_y1 + self.equity_y2 >= r.alt_min_equity_myuan
            )
            return (
                years >= r.min_years
                and self.rd_y1 >= r.min_rd_myuan
                and intensity >= r.min_rd_intensity
                and big
                and self.capability >= r.min_capability
            )
        return self._passes_national(cert.national, years)

    def _passes_national(self, r, years: float) -> bool:
        if self.rd_y1 < r.rd_institution_min_rd_myuan or self.patents < r.min_patents:
            return False
        growth = -1.0
        if self.rev_y2 > 0 and self.rev_y3 > 0:
            growth = 0.5 * (self.rev_y1 / self.rev_y2 + self.rev_y2 / self.rev_y3) - 1.0
        both = min(
            self.rd_y1 / self.rev_y1 if self.rev_y1 > 0 else 0.0,
            self.rd_y2 / self.rev_y2 if self.rev_y2 > 0 else 0.0,
        )
        if self.rev_y1 >= r.large_revenue_myuan:
            rd_ok = both >= r.rd_intensity_large
        elif self.rev_y1 >= r.mid_revenue_myuan:
            rd_ok = both >= r.rd_intensity_mid
        else:
            rd_ok = self.rd_y1 + self.rd_y2 >= r.small_min_rd_myuan and (
                self.equity_y1 + self.equity_y2 >= r.small_min_equity_myuan
            )
        share = self.rev_y1 / self.niche_market if self.niche_market > 0 else 0.0
        return (
            years >= r.min_years
            and self.main_share >= r.min_main_business_share
            and growth >= r.min_growth
            and self.debt_ratio_ye <= r.max_debt_ratio
            and share >= r.min_niche_share
            and rd_ok
        )

    def budget_rd(self) -> None:
        """A firm preparing an application moves its R&D intensity towards the threshold."""
        cert, inn = self.model.params.certification, self.model.params.innovation
        annual = 4.0 * max(self.revenue, 1e-9)
        if self.preparing == INNOVATIVE:
            required = cert.innovative.min_rd_intensity
        elif self.preparing == PROVINCIAL:
            prov = cert.provincial
            required = max(prov.min_rd_intensity, prov.min_rd_myuan / annual)
        else:
            nat = cert.national
            required = nat.small_min_rd_myuan / 2.0 / annual
            if annual >= nat.large_revenue_myuan:
                required = nat.rd_intensity_large
            elif annual >= nat.mid_revenue_myuan:
                required = nat.rd_intensity_mid
        required += inn.adaptation_margin
        if required <= inn.max_rd_intensity:
            self.rd_intensity += inn.adaptation_speed * max(required - self.rd_intensity, 0.0)

    # -- demography and year end -------------------------------------------------------
    def demography(self) -> None:
        """Exit (baseline, young-firm and insolvency hazards); year-end books in Q4."""
        m, d = self.model, self.model.params.demography
        young = (m.quarter - self.birth_quarter) / 4.0 < 3.0
        hazard = d.exit_rate + d.young_exit_rate * young + d.insolvency_exit * (self.cash < 0)
        if self.random.random() < hazard:
            self.alive = False
            m.exits += 1
            self.remove()
            return
        if m.quarter % 4 == 3:
            self.close_year()

    def close_year(self) -> None:
        """Patents lapse; this year's accounts become last year's."""
        lapse = self.model.params.innovation.patent_lapse_rate
        self.patents -= int(self.model.rng.binomial(self.patents, lapse))
        self.rev_y3, self.rev_y2, self.rev_y1, self.rev_ytd = (
            self.rev_y2,
            self.rev_y1,
            self.rev_ytd,
            0,
        )
        self.rd_y2, self.rd_y1, self.rd_ytd = self.rd_y1, self.rd_ytd, 0.0
        assets = max(self.cash, 0.0) + self.fixed_assets
        self.debt_ratio_ye = (self.bank_debt + self.ip_debt) / assets if assets > 0 else 1.0

    def attractiveness(self) -> float:
        """A buyer's odds of choosing this firm."""
        m = self.model.params.matching
        odds = max(self.size, 0.0) ** m.size_elasticity * math.exp(
            m.capability_weight * self.capability
        )
        odds *= 1.0 + m.provincial_signal * (self.status == PROVINCIAL)
        odds *= 1.0 + m.national_signal * (self.status == NATIONAL)
        return odds * (1.0 + m.zone_bonus * self.zone) * (1.0 + m.key_chain_bonus * self.key_chain)


class Buyer:
    """A large firm: demand for specialized inputs (M yuan a year), foreign share, suppliers."""

    def __init__(self, sector: int, demand: float, exposure: float, foreign: float) -> None:
        self.sector, self.demand, self.exposure = sector, demand, exposure
        self.initial_foreign_share = self.foreign_share = foreign
        self.suppliers: set[Sme] = set()
        self.per_size = 0.0

    @property
    def domestic_demand(self) -> float:
        """Demand met at home, M yuan a year."""
        return self.demand * (1.0 - self.foreign_share)

    def price_suppliers(self, max_uplift: float) -> None:
        """Sales per unit of supplier size: quarterly domestic demand split by size."""
        total = sum(s.size for s in self.suppliers)
        self.per_size = min(self.domestic_demand / 4.0 / total, max_uplift) if total > 0 else 0.0


class PlainEconomy(mesa.Model):
    """The economy with one Mesa agent per SME; `step()` is one quarter."""

    def __init__(self, params: Params, seed: int = 1) -> None:
        super().__init__(rng=seed)
        self.params, self.quarter = params, parse_quarter(params.time.start)
        self.end_quarter = parse_quarter(params.time.end)
        self.restriction_index, self.exits = 0.0, 0
        self.awareness = {name: self._bass(name).initial for name in LEVELS.values()}
        self.certified_share = dict.fromkeys(LEVELS.values(), 0.0)
        self.events = defaultdict(list)
        for event in (*params.restrictions.events, *params.certification.campaigns):
            self.events[parse_quarter(event.quarter)].append(event)
        b = LargeFirms(params, self.rng)
        columns = (
            b.sector.tolist(),
            b.demand.tolist(),
            b.exposure.tolist(),
            b.foreign_share.tolist(),
        )
        self.buyers = [Buyer(*row) for row in zip(*columns, strict=True)]
        initial = max(1, round(params.population.initial_firms * params.scale))
        pop = params.population
        self.add_firms(initial, pop.revenue_median_myuan, pop.age_mean_years)
        self.match_suppliers()
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)

    def _bass(self, name: str):
        return getattr(self.params.certification, name).awareness

    def add_firms(self, count: int, revenue_median: float, age_mean: float) -> None:
        """Draw firms with the project's founding recipe and make each one an agent."""
        columns = draw_firms(
            self.params,
            self.rng,
            count,
            self.quarter,
            revenue_median_myuan=revenue_median,
            age_mean_years=age_mean,
        )
        for i in range(count):
            Sme(self, {name: values[i].item() for name, values in columns.items()})

    def step(self) -> None:
        """One quarter, phases in the same order as `model.economy.Economy.step`."""
        self.exits = 0
        self.apply_events()
        for buyer in self.buyers:  # demand grows; restrictions move inputs home
            buyer.demand *= (1.0 + self.params.large_firms.demand_growth) ** 0.25
            hit = min(1.0, self.restriction_index * buyer.exposure)
            cut = self.params.restrictions.supply_cut
            buyer.foreign_share = buyer.initial_foreign_share * (1.0 - cut * hit)
        self.match_suppliers()
        self.agents.shuffle_do("grow")
        for buyer in self.buyers:
            buyer.price_suppliers(self.params.production.max_link_uplift)
        self.agents.shuffle_do("step")
        self.certify()
        self.agents.shuffle_do("demography")
        entrants = self.rng.poisson(self.params.demography.entry_rate * len(self.agents))
        self.add_firms(int(entrants), self.params.demography.entrant_revenue_median_myuan, 0.0)
        self.datacollector.collect(self)
        self.quarter += 1
        self.running = self.quarter <= self.end_quarter

    def apply_events(self) -> None:
        """Restriction and easing events move the index; campaigns raise awareness."""
        for event in self.events.get(self.quarter, []):
            if isinstance(event, RestrictionEvent):
                change = event.severity * self.params.restrictions.severity_scale
                change = change if event.kind == "restriction" else -change
                cap = self.params.restrictions.max_index
                self.restriction_index = min(cap, max(0.0, self.restriction_index + change))
            elif isinstance(event, Campaign):
                a = self.awareness[event.level]
                self.awareness[event.level] = a + event.boost * (1.0 - a)

    def match_suppliers(self) -> None:
        """Links end (exit, churn); buyers fill open slots with firms of their field."""
        churn, per_bn = (
            self.params.large_firms.link_churn,
            self.params.large_firms.links_per_billion,
        )
        by_sector = defaultdict(list)
        for firm in self.agents:
            by_sector[firm.sector].append(firm)
        for buyer in self.buyers:
            buyer.suppliers = {
                s for s in buyer.suppliers if s.alive and self.random.random() >= churn
            }
        weights = {k: list(accumulate(f.attractiveness() for f in v)) for k, v in by_sector.items()}
        for buyer in self.buyers:
            wanted = math.floor(per_bn * buyer.domestic_demand / 1000.0 + self.random.random())
            firms = by_sector.get(buyer.sector, [])
            if wanted > len(buyer.suppliers) and firms and weights[buyer.sector][-1] > 0:
                k = wanted - len(buyer.suppliers)
                buyer.suppliers.update(
                    self.random.choices(firms, cum_weights=weights[buyer.sector], k=k)
                )
        for firm in self.agents:
            firm.customers = []
        for buyer in self.buyers:
            for firm in buyer.suppliers:
                firm.customers.append(buyer)

    def certify(self) -> None:
        """The certification calendar: R&D budgets in Q1, screenings, reviews, awards."""
        cert, q, year = self.params.certification, self.quarter % 4 + 1, self.quarter // 4
        if q == 1:
            self.plan_applications()
        if (
            self.quarter >= parse_quarter(cert.innovative.start)
            and q == cert.innovative.screening_quarter
        ):
            self.screen(INNOVATIVE, year, cert.innovative.approval, 0.0)
        if q == cert.provincial.screening_quarter:
            self.review(PROVINCIAL, year)
            self.screen(
                PROVINCIAL,
                year,
                cert.provincial.approval,
                self.params.fiscal.provincial_award_myuan,
            )
        if q == cert.national.batch_quarter and year >= cert.national.first_batch_year:
            self.review(NATIONAL, year)
            self.screen(
                NATIONAL, year, cert.national.approval, self.params.fiscal.national_award_myuan
            )

    def plan_applications(self) -> None:
        """Willing firms prepare for the next list up and budget R&D for it."""
        innovative_on = self.quarter >= parse_quarter(self.params.certification.innovative.start)
        for firm in self.agents:
            level = min(firm.status + 1, NATIONAL)
            level = PROVINCIAL if level == INNOVATIVE and not innovative_on else level
            willing = (
                firm.status < NATIONAL and self.random.random() < self.awareness[LEVELS[level]]
            )
            firm.preparing = level if willing else NONE
            if willing:
                firm.budget_rd()

    def screen(self, level: int, year: int, approval: float, award: float) -> None:
        """Qualifying firms below the list apply (Bass awareness) and some are approved."""
        below = PROVINCIAL if level == NATIONAL else None
        name, nat = LEVELS[level], self.params.certification.national
        candidates = [
            f for f in self.agents if f.status < level and (below is None or f.status == below)
        ]
        qualifying = [f for f in candidates if f.passes(level, year)]
        on_list = sum(f.status >= level for f in self.agents)
        self.certified_share[name] = on_list / max(on_list + len(qualifying), 1)
        bass, a = self._bass(name), self.awareness[name]
        pull = min(1.0, bass.external + bass.imitation * self.certified_share[name])
        self.awareness[name] = min(1.0, a + pull * (1.0 - a))
        for firm in qualifying:
            chance = approval
            if level == NATIONAL:
                chance = min(
                    1.0,
                    approval * (1.0 + nat.priority_bonus * (firm.foundational or firm.key_chain)),
                )
            if self.random.random() < self.awareness[name] and self.random.random() < chance:
                firm.status = level
                firm.provincial_year = year if level == PROVINCIAL else firm.provincial_year
                firm.national_year = year if level == NATIONAL else firm.national_year
                firm.grants += award * self.params.fiscal.support_scale

    def review(self, level: int, year: int) -> None:
        """Firms whose listing is due are re-tested; failures drop one list down."""
        rules = getattr(self.params.certification, LEVELS[level])
        attribute = "national_year" if level == NATIONAL else "provincial_year"
        for firm in self.agents:
            if firm.status == level and getattr(firm, attribute) + rules.validity_years <= year:
                if firm.passes(level, year):
                    setattr(firm, attribute, year)
                else:
                    firm.status = PROVINCIAL if level == NATIONAL else INNOVATIVE

    def run(self, quarters: int | None = None) -> None:
        """Step to the end quarter, or `quarters` steps."""
        for _ in range(quarters if quarters is not None else self.end_quarter - self.quarter + 1):
            self.step()


def _little_giants(m: PlainEconomy) -> list[Sme]:
    return [f for f in m.agents if f.status == NATIONAL]


REPORTERS = {
    "national_little_giants": lambda m: len(_little_giants(m)) / m.params.scale,
    "lg_invention_patents_mean": lambda m: (
        float(np.mean([f.patents for f in _little_giants(m)]))
        if _little_giants(m)
        else float("nan")
    ),
    "pool_firms": lambda m: len(m.agents) / m.params.scale,
    "large_firm_domestic_supply_share": lambda m: (
        sum(b.domestic_demand for b in m.buyers) / sum(b.demand for b in m.buyers)
    ),
    "invention_patents_filed": lambda m: sum(f.patents_new for f in m.agents) / m.params.scale,
}
