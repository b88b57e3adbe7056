"""One technology-based SME as a Mesa agent: its quarter, written with scalar arithmetic.

The state variables are the columns of `model.simulation.population`; money in M
yuan, flows per quarter. Methods are the firm's own rules, called by the economy
through `shuffle_do` in the phase order of `Economy.step`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .economy import PlainEconomy

NONE, INNOVATIVE, PROVINCIAL, NATIONAL = 0, 1, 2, 3
REFERENCE_SIZE_MYUAN = 10.0  # annual own-market sales at which sigma = firm volatility
SMALLEST_SIZE_MYUAN = 0.1  # the size scaling of volatility stops below this
TINY_SIZE = 1e-12  # M yuan
TINY_DEBT_MYUAN = 1e-3  # loans below a thousand yuan are closed

# State that starts at zero (False) for every new firm; the founding recipe draws the rest.
ZERO_STATE = (
    "opex rd_spend ip_debt equity_raised status innovative_year provincial_year "
    "national_year preparing listed board queue_board queue_quarter sanctioned vc_backed "
    "support_payment grants earmarked rd_budget constrained rev_ytd rd_ytd profit_ytd "
    "equity_ytd equity_y1 equity_y2 patents_new customers sales"
).split()


class Sme(mesa.Agent):
    """A technology-based SME; money in M yuan, flows per quarter."""

    def __init__(self, model: PlainEconomy, state: dict) -> None:
        super().__init__(model)
        self.__dict__.update(dict.fromkeys(ZERO_STATE, 0))
        self.__dict__.update(state)
        self.alive = True
        # This quarter's finance, reset by `plan_finance`.
        self.plan_rd = self.plan_equipment = self.from_earmarks = self.buffer = 0.0
        self.need = self.bank_base = self.relending_ask = 0.0
        self.need_bank = False
        self.private = self.fund = self.vc_flow = self.ipo = 0.0

    # -- matching ------------------------------------------------------------------------
    def attractiveness(self) -> float:
        """A buyer's odds of choosing this firm: size^e exp(w c) x signal bonuses."""
        m, params = self.model.params.matching, self.model.params
        odds = max(self.size, TINY_SIZE) ** m.size_elasticity
        odds *= math.exp(m.capability_weight * self.capability)
        if self.status == PROVINCIAL:
            odds *= 1.0 + m.provincial_signal
        elif self.status == NATIONAL:
            odds *= 1.0 + m.national_signal
        if self.zone and params.zones.services.matching:
            odds *= 1.0 + m.zone_bonus
        if self.key_chain:
            odds *= 1.0 + m.key_chain_bonus
        return odds

    # -- production ----------------------------------------------------------------------
    def grow(self) -> None:
        """Foreign technology access under the controls, then Gibrat growth of own sales."""
        m = self.model
        p, r = m.params.production, m.params.restrictions
        if r.channels.tech_access:
            lost = r.tech_access_loss * m.restrictions.control[self.sector]
            lost += r.listed_tech_loss * self.sanctioned
            self.tech_access = 1.0 - self.exposure * min(lost, 1.0)
        annual_size = 4.0 * max(self.size, SMALLEST_SIZE_MYUAN / 4.0) / REFERENCE_SIZE_MYUAN
        sigma = self.volatility * annual_size**-p.volatility_size_elasticity
        drift = (p.market_growth + p.capability_premium * self.capability) / 4.0
        self.size *= math.exp(drift + sigma * self.random.gauss(0.0, 1.0))
        self.niche_market *= (1.0 + p.niche_growth) ** 0.25
        self.sales = 0.0  # filled by the buyers' purchases

    def settle(self) -> None:
        """Revenue, costs, interest, principal and plant upkeep; cash moves by the net."""
        params = self.model.params
        p, bank = params.production, params.finance.bank
        self.revenue = self.size + self.sales
        cost_share = (1.0 - p.base_margin) - p.capability_margin * self.capability
        if self.zone and params.zones.services.costs:
            cost_share -= p.zone_cost_saving
        self.opex = self.revenue * cost_share
        interest = (self.bank_debt + self.ip_debt) * (bank.interest_rate / 4.0)
        bank_repaid = self.bank_debt / bank.term_quarters
        ip_repaid = self.ip_debt / bank.term_quarters
        upkeep = self.fixed_assets * (1.0 - (1.0 - p.depreciation) ** 0.25)
        self.cash += self.revenue - self.opex - interest - bank_repaid - ip_repaid - upkeep
        self.bank_debt -= bank_repaid
        self.ip_debt -= ip_repaid
        self.rev_ytd += self.revenue
        self.profit_ytd += self.revenue - self.opex - interest - upkeep

    def settle_and_plan(self) -> None:
        """The quarter's books, then the finance plans (one pass: both are the firm's own)."""
        self.settle()
        self.plan_finance()

    # -- finance -------------------------------------------------------------------------
    def plan_finance(self) -> None:
        """Programme awards arrive; R&D and equipment plans; what the bank would lend."""
        m = self.model
        params = m.params
        p, f = params.production, params.finance
        self.grants = self.support_payment if self.support_until >= m.quarter else 0.0
        self.cash += self.grants
        self.earmarked += self.grants
        m.flows["fiscal"] += self.grants
        self.from_earmarks = self.earmarked / f.spending.quarters
        self.plan_rd = self.rd_intensity * self.revenue + f.spending.rd_share * self.from_earmarks
        gap = max(p.capital_output_ratio * 4.0 * self.revenue - self.fixed_assets, 0.0)
        self.plan_equipment = p.investment_speed * gap
        self.plan_equipment += (1.0 - f.spending.rd_share) * self.from_earmarks
        self.buffer = f.bank.cash_buffer_quarters * self.opex
        self.need = max(self.plan_rd + self.plan_equipment + self.buffer - self.cash, 0.0)
        self.private = self.fund = self.vc_flow = self.ipo = 0.0
        self.ask_bank()

    def credit_headroom(self, bonus: float) -> float:
        """New credit: min(collateral x (1 + bonus), debt-ratio cap, cash-flow cap) - debt."""
        r = self.model.params.finance.bank
        collateral = r.loan_to_value * self.fixed_assets * (1.0 + bonus)
        ratio_cap = r.max_debt_ratio * (max(self.cash, 0.0) + self.fixed_assets)
        cash_flow = max(self.revenue - self.opex, 0.0) * 4.0
        flow_cap = cash_flow / max(r.min_interest_cover * r.interest_rate, 1e-9)
        limit = min(collateral, ratio_cap, flow_cap)
        return max(limit - self.bank_debt - self.ip_debt, 0.0)

    def ask_bank(self) -> None:
        """Whether a bank serves the firm, its limit, and the re-lending extra it asks."""
        m = self.model
        r, relending = m.params.finance.bank, m.params.finance.relending
        certified = self.status >= PROVINCIAL
        approval = r.certified_approval if certified else r.approval
        served = self.random.random() < approval
        self.bank_base = self.relending_ask = 0.0
        if not (served and self.need > 0):
            self.need_bank = False
            return
        self.need_bank = True
        bonus = r.title_limit_bonus * certified
        self.bank_base = self.credit_headroom(bonus)
        if m.bank.room > 0 and self.status >= INNOVATIVE:
            extra = self.credit_headroom(bonus + relending.limit_bonus) - self.bank_base
            self.relending_ask = min(max(extra, 0.0), max(self.need - self.bank_base, 0.0))
            m.bank.asked += self.relending_ask

    def borrow(self) -> None:
        """Bank loan (with the rationed re-lending extra), then an IP pledge."""
        m = self.model
        ip = m.params.finance.ip_pledge
        loan = 0.0
        if self.need_bank:
            extra = self.relending_ask * m.bank.ration
            loan = min(self.need, self.bank_base + extra)
            m.bank.relent_now += min(max(loan - self.bank_base, 0.0), extra)
        short = self.need - loan
        pledge = 0.0
        if short > 0 and self.patents > 0:
            value = ip.loan_to_value * ip.value_per_patent_myuan * self.patents
            headroom = max(value - self.ip_debt, 0.0)
            if self.random.random() < ip.uptake:
                pledge = min(short, headroom)
        self.bank_debt += loan
        self.ip_debt += pledge
        self.cash += loan + pledge
        m.flows["bank"] += loan
        m.flows["ip_pledge"] += pledge

    def vc_round_chance(self) -> float:
        """Chance of closing a VC/PE round this quarter (base rate at capability 0.5)."""
        params = self.model.params
        r = params.finance.vc
        odds = r.base_rate / max(1.0 - r.base_rate, 1e-12)
        odds *= math.exp(r.capability_slope * (self.capability - 0.5))
        if self.status >= PROVINCIAL:
            odds *= 1.0 + r.certification_signal
        if self.zone and params.zones.services.finance:
            odds *= 1.0 + r.zone_bonus
        return odds / (odds + 1.0)

    def fund_target(self) -> bool:
        """Whether guidance funds may back the firm: capable, unlisted, strategic."""
        r = self.model.params.finance.guidance_fund
        if self.listed or self.capability < r.min_capability or self.capability <= 0:
            return False
        return self.key_chain or self.exposure >= r.min_exposure

    def fund_plans(self) -> None:
        """Book equity (earmarked), fund the plans from cash above the buffer, prepay."""
        equity = self.fund + self.vc_flow + self.ipo
        if self.fund + self.vc_flow > 0:
            self.vc_backed = True
        self.equity_raised += equity
        self.equity_ytd += equity
        self.earmarked += equity
        self.cash += equity
        available = max(self.cash - self.buffer, 0.0)
        total = self.plan_rd + self.plan_equipment
        funded = available / total if total > available else 1.0
        self.constrained = funded < 1.0
        self.rd_budget = self.plan_rd * funded
        equipment = self.plan_equipment * funded
        self.fixed_assets += equipment
        self.cash -= equipment
        self.earmarked = max(self.earmarked - self.from_earmarks * funded, 0.0)
        spare = max(self.cash - self.rd_budget - 2.0 * self.buffer, 0.0)
        bank = min(spare, self.bank_debt)
        ip = min(spare - bank, self.ip_debt)
        self.bank_debt -= bank
        self.ip_debt -= ip
        self.cash -= bank + ip
        if self.bank_debt < TINY_DEBT_MYUAN:
            self.bank_debt = 0.0
        if self.ip_debt < TINY_DEBT_MYUAN:
            self.ip_debt = 0.0

    # -- innovation ----------------------------------------------------------------------
    def fund_and_innovate(self) -> None:
        """Fund the plans, then spend on R&D and learn (one pass: both are the firm's own)."""
        self.fund_plans()
        self.innovate()

    def innovate(self) -> None:
        """Spend on R&D, add to knowledge, file Poisson(a K^beta x access) patents, learn."""
        m = self.model
        inn = m.params.innovation
        surplus = self.cash - self.rd_budget - self.buffer
        rd = inn.excess_cash_rd_share * max(surplus, 0.0) + self.rd_budget
        rd = min(max(rd, 0.0), max(self.cash, 0.0))
        self.cash -= rd
        self.profit_ytd -= rd
        self.rd_q3, self.rd_q2, self.rd_q1 = self.rd_q2, self.rd_q1, self.rd_spend
        self.rd_spend = rd
        self.rd_ytd += rd
        self.rd_stock = self.rd_stock * (1.0 - inn.knowledge_depreciation) ** 0.25 + rd
        rate = inn.patent_scale * self.rd_stock**inn.patent_elasticity * self.tech_access
        self.patents_new = int(m.rng.poisson(rate))
        self.patents += self.patents_new
        if m.quarter % 4 == 3:  # yearly renewal: each patent lapses with the annual rate
            self.patents -= self.random.binomialvariate(self.patents, inn.patent_lapse_rate)
        level = self.rd_stock / (self.rd_stock + inn.knowledge_half_myuan)
        change = inn.capability_speed * self.tech_access * (level - self.capability)
        customers = min(self.customers, inn.max_learning_customers)
        change += inn.customer_learning * customers * (1.0 - self.capability)
        self.capability = min(max(self.capability + change, 0.0), 1.0)

    def budget_rd(self, required: float) -> None:
        """Close part of the gap to a list's R&D threshold (plus a margin) if within reach."""
        inn = self.model.params.innovation
        required += inn.adaptation_margin
        if required <= inn.max_rd_intensity and required > self.rd_intensity:
            self.rd_intensity += inn.adaptation_speed * (required - self.rd_intensity)

    # -- demography and year end ---------------------------------------------------------
    def exit_or_stay(self) -> None:
        """Exit with the baseline, young-firm and insolvency hazards."""
        m = self.model
        d = m.params.demography
        hazard = d.exit_rate
        if (m.quarter - self.birth_quarter) / 4.0 < d.young_years:
            hazard += d.young_exit_rate
        if self.cash < 0:
            hazard += d.insolvency_exit
        if self.random.random() < hazard:
            self.alive = False
            m.exits += 1
            self.remove()

    def close_year(self) -> None:
        """Year-end books: this year's accounts become last year's."""
        self.rev_y3, self.rev_y2, self.rev_y1, self.rev_ytd = (
            self.rev_y2,
            self.rev_y1,
            self.rev_ytd,
            0.0,
        )
        self.rd_y2, self.rd_y1, self.rd_ytd = self.rd_y1, self.rd_ytd, 0.0
        self.profit_y2, self.profit_y1, self.profit_ytd = self.profit_y1, self.profit_ytd, 0.0
        self.equity_y2, self.equity_y1, self.equity_ytd = self.equity_y1, self.equity_ytd, 0.0
        assets = max(self.cash, 0.0) + self.fixed_assets
        debt = self.bank_debt + self.ip_debt
        self.debt_ratio_ye = debt / assets if assets > 0 else 1.0
