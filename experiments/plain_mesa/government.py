"""The government of the plain model: the certification calendar firm by firm, local
awards and the central key-little-giant programmes (`model.simulation.phases.
certification`, `agents.government`, `agents.fiscal`).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from model.calendar import parse_quarter

from .firm import INNOVATIVE, NATIONAL, NONE, PROVINCIAL
from .rules import innovative_passes, national_passes, provincial_passes, revenue_growth

if TYPE_CHECKING:
    from collections.abc import Callable

    from model.params.policy import FiscalProgramme

    from .economy import PlainEconomy
    from .firm import Sme

LEVELS = {INNOVATIVE: "innovative", PROVINCIAL: "provincial", NATIONAL: "national"}
COUNTERS = (
    "new_innovative new_provincial provincial_reviewed provincial_review_passed new_national "
    "national_reviewed national_review_passed national_applicants"
).split()


class Programme:
    """A central programme: yearly batches of key little giants, awards paid quarterly."""

    def __init__(self, model: PlainEconomy, rules: FiscalProgramme) -> None:
        self.model, self.rules = model, rules
        self.support_scale = model.params.fiscal.support_scale
        self.expected_batch = rules.batch_budget_myuan * model.params.scale
        self.expected_batch /= max(rules.award_myuan, 1e-9)
        self.selection_share = 0.0

    def runs_batch(self, year: int) -> bool:
        """Whether the programme names a batch this year."""
        return self.rules.first_batch_year <= year <= self.rules.last_batch_year

    def eligible(self, firm: Sme) -> bool:
        """National little giants not yet supported (unlisted, at chain links, if asked)."""
        if firm.status != NATIONAL or firm.support_until >= self.model.quarter:
            return False
        if self.rules.unlisted_only and firm.listed:
            return False
        return not self.rules.chain_focus or firm.key_chain or firm.foundational

    def select(self) -> None:
        """The eligible firms with the most development potential (ranks of revenue and
        R&D growth) plus the provinces' own judgement (noise) form the batch."""
        m, rules = self.model, self.rules
        rows = [f for f in m.firms if self.eligible(f)]
        potential = [0.0] * len(rows)
        rd_growth = [f.rd_y1 / f.rd_y2 if f.rd_y2 > 0 else 0.0 for f in rows]
        for values in ([revenue_growth(f) for f in rows], rd_growth):
            for rank, i in enumerate(sorted(range(len(rows)), key=values.__getitem__)):
                potential[i] += rank / max(len(rows) - 1, 1)
        score = [p + rules.selection_noise * m.random.gauss(0.0, 1.0) for p in potential]
        batch = math.floor(self.expected_batch + m.random.random())
        chosen = sorted(range(len(rows)), key=lambda i: -score[i])[:batch]
        for i in chosen:
            rows[i].support_until = m.quarter + rules.support_quarters - 1
            rows[i].support_payment = self.support_scale * rules.award_myuan
            rows[i].support_payment /= rules.support_quarters
        self.selection_share = len(chosen) / max(len(rows), 1)

    def expected_award(self, year: int, national_firms: int) -> float:
        """The award a new little giant can expect from the programme, M yuan."""
        if not self.runs_batch(year):
            return 0.0
        chance = self.selection_share or min(self.expected_batch / max(national_firms, 1), 1.0)
        return self.support_scale * self.rules.award_myuan * chance


class Government:
    """MIIT and the provinces: lists, reviews, awards; willingness to apply diffuses."""

    def __init__(self, model: PlainEconomy) -> None:
        self.model = model
        self.rules = cert = model.params.certification
        self.awareness = {name: getattr(cert, name).awareness.initial for name in LEVELS.values()}
        self.cost_factor = dict.fromkeys(LEVELS.values(), 1.0)
        self.certified_share = dict.fromkeys(LEVELS.values(), 0.0)
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.qualifying_national = 0
        self.national_call: set[Sme] = set()
        self.innovative_start = parse_quarter(cert.innovative.start)
        self.programmes = [Programme(model, p) for p in model.params.fiscal.programmes]
        provinces = list(model.params.population.provinces.values())
        self.award_scale = [p.award_scale for p in provinces]
        self.listing_scale = [p.listing_scale for p in provinces]

    def campaign(self, level: str, boost: float, cost_cut: float) -> None:
        """A policy push: reaches unaware firms, and makes applying cheaper from now on."""
        a = self.awareness[level]
        self.awareness[level] = a + boost * (1.0 - a)
        self.cost_factor[level] *= 1.0 - cost_cut

    def innovative_active(self) -> bool:
        """Whether innovative SMEs are evaluated yet (the 2022 Measures)."""
        return self.model.quarter >= self.innovative_start

    def run(self) -> None:
        """This quarter's certification calendar."""
        m, cert = self.model, self.rules
        self.counts = dict.fromkeys(COUNTERS, 0)
        year, q = m.year, m.quarter % 4 + 1
        if q == 1:
            nat = cert.national
            self.qualifying_national = sum(national_passes(f, nat, year) for f in m.firms)
        if not cert.enabled:
            return
        if q == 1:
            self.plan_applications()
        if self.innovative_active() and q == cert.innovative.screening_quarter:
            rules = cert.innovative
            approval = rules.approval
            for firm in self.screen(
                INNOVATIVE, lambda f: innovative_passes(f, rules), lambda f: approval
            ):
                firm.innovative_year = year
                self.counts["new_innovative"] += 1
        if q == cert.national.call_quarter:
            self.close_national_call()
        if q == cert.provincial.screening_quarter:
            self.provincial_round(year)
        if q == cert.national.batch_quarter and year >= cert.national.first_batch_year:
            self.national_batch(year)

    def plan_applications(self) -> None:
        """Willing firms prepare for the next list up and budget R&D for its threshold."""
        m = self.model
        for firm in m.firms:
            if firm.status >= NATIONAL:
                firm.preparing = NONE
                continue
            level = firm.status + 1
            if level == INNOVATIVE and not self.innovative_active():
                level = PROVINCIAL
            if m.random.random() < self.awareness[LEVELS[level]]:
                firm.preparing = level
                firm.budget_rd(self.required_rd_intensity(firm, level))
            else:
                firm.preparing = NONE

    def required_rd_intensity(self, firm: Sme, level: int) -> float:
        """R&D intensity the list a firm prepares for asks of it."""
        prov, nat = self.rules.provincial, self.rules.national
        if level == INNOVATIVE:
            return self.rules.innovative.min_rd_intensity
        annual = 4.0 * max(firm.revenue, 1e-9)
        if level == PROVINCIAL:
            return max(prov.min_rd_intensity, prov.min_rd_myuan / annual)
        if annual >= nat.large_revenue_myuan:
            return nat.rd_intensity_large
        if annual >= nat.mid_revenue_myuan:
            return nat.rd_intensity_mid
        return nat.small_min_rd_myuan / 2.0 / annual  # the two-year R&D sum, spread

    def provincial_round(self, year: int) -> None:
        """Provincial reviews, then the year's provincial screening and its awards."""
        rules = self.rules.provincial
        fallback = INNOVATIVE if self.innovative_active() else NONE
        self.review(PROVINCIAL, lambda f: provincial_passes(f, rules, year), fallback, year)
        approval = [min(rules.approval * s, 1.0) for s in self.listing_scale]
        for firm in self.screen(
            PROVINCIAL, lambda f: provincial_passes(f, rules, year), lambda f: approval[f.province]
        ):
            firm.provincial_year = year
            self.award(firm, self.model.params.fiscal.provincial_award_myuan)
            self.counts["new_provincial"] += 1

    def national_batch(self, year: int) -> None:
        """The 3-year review, the year's national batch, awards and programme selections."""
        nat, margin = self.rules.national, self.rules.review_growth_margin

        def keeps(firm: Sme) -> bool:
            passes = national_passes(firm, nat, year)
            return passes and (not margin or revenue_growth(firm) >= nat.min_growth + margin)

        self.review(NATIONAL, keeps, PROVINCIAL, year)

        def approval(firm: Sme) -> float:
            priority = firm.foundational or firm.key_chain
            return min(1.0, nat.approval * (1.0 + nat.priority_bonus * priority))

        for firm in self.screen(NATIONAL, lambda f: national_passes(f, nat, year), approval):
            firm.national_year = year
            self.award(firm, self.model.params.fiscal.national_award_myuan)
            self.counts["new_national"] += 1
        for programme in self.programmes:
            if programme.runs_batch(year):
                programme.select()

    def review(self, level: int, keeps: Callable[[Sme], bool], fallback: int, year: int) -> None:
        """Firms whose title is due are re-tested; failures drop one list down."""
        name = LEVELS[level]
        validity = getattr(self.rules, name).validity_years
        attribute = f"{name}_year"
        for firm in self.model.firms:
            if firm.status == level and getattr(firm, attribute) + validity <= year:
                self.counts[f"{name}_reviewed"] += 1
                if keeps(firm):
                    setattr(firm, attribute, year)
                    self.counts[f"{name}_review_passed"] += 1
                else:
                    firm.status = fallback

    def screen(
        self, level: int, passes: Callable[[Sme], bool], approval: Callable[[Sme], float]
    ) -> list[Sme]:
        """Qualifying firms below the list apply if aware and if the title is worth its
        cost to them; some are approved. Returns the newly listed firms."""
        m, name = self.model, LEVELS[level]
        call = self.national_call
        below = (lambda f: f.status == PROVINCIAL and f in call) if level == NATIONAL else None
        qualifying = [
            f for f in m.firms if f.status < level and (below is None or below(f)) and passes(f)
        ]
        on_list = sum(1 for f in m.firms if f.status >= level)
        self.certified_share[name] = on_list / max(on_list + len(qualifying), 1)
        bass = getattr(self.rules, name).awareness
        a = self.awareness[name]
        pull = bass.external + bass.imitation * self.certified_share[name]
        self.awareness[name] = min(1.0, a + min(1.0, pull) * (1.0 - a))
        worth = self.worth_applying(level)
        chance = self.awareness[name]
        odds_factor = self.strongest_first(qualifying)
        applicants = [
            f
            for f, factor in zip(qualifying, odds_factor, strict=True)
            if m.random.random() < tilted(chance * worth[f.province], factor)
        ]
        if level == NATIONAL and m.year <= self.rules.national.recommended_until:
            pool = [f for f in m.firms if f.status == PROVINCIAL and f in call]
            applicants = self.recommend(applicants, pool)
        listed = []
        for firm in applicants:
            if level == NATIONAL:
                self.counts["national_applicants"] += 1
            if m.random.random() < approval(firm):
                firm.status = level
                listed.append(firm)
        return listed

    def strongest_first(self, qualifying: list[Sme]) -> list[float]:
        """Each qualifying firm's odds factor exp(tilt x z), z its capability in standard
        deviations from the qualifying firms' mean: the strongest apply first."""
        tilt = self.rules.application.capability_tilt
        alike = len({f.capability for f in qualifying}) < 2  # all at the mean (or none)
        if tilt == 0.0 or alike:
            return [1.0] * len(qualifying)
        mean = sum(f.capability for f in qualifying) / len(qualifying)
        spread = math.sqrt(sum((f.capability - mean) ** 2 for f in qualifying) / len(qualifying))
        return [math.exp(tilt * (f.capability - mean) / spread) for f in qualifying]

    def recommend(self, applicants: list[Sme], pool: list[Sme]) -> list[Sme]:
        """Each province puts forward at most round(recommendation_share x its provincial
        specialized SMEs at the call) of the firms applying to it, the most capable first."""
        share = self.rules.national.recommendation_share
        quota = Counter(f.province for f in pool)
        ranked = sorted(enumerate(applicants), key=lambda p: (p[1].province, -p[1].capability))
        kept, taken = [], Counter()
        for order, firm in ranked:
            if taken[firm.province] < round(share * quota[firm.province]):
                taken[firm.province] += 1
                kept.append((order, firm))
        return [firm for _, firm in sorted(kept, key=lambda p: p[0])]

    def expected_benefit(self, level: int) -> list[float]:
        """Per province: the award on certification, expected programme awards and the
        title's own value, M yuan."""
        fiscal, app = self.model.params.fiscal, self.rules.application
        awards = [s * fiscal.support_scale for s in self.award_scale]
        if level == NATIONAL:
            national = sum(1 for f in self.model.firms if f.status == NATIONAL)
            year = self.model.year
            programmes = sum(p.expected_award(year, national) for p in self.programmes)
            extra = programmes + app.national_value_myuan
            return [fiscal.national_award_myuan * a + extra for a in awards]
        if level == PROVINCIAL:
            return [fiscal.provincial_award_myuan * a + app.provincial_value_myuan for a in awards]
        return [app.innovative_value_myuan for _ in awards]

    def worth_applying(self, level: int) -> list[float]:
        """Per province, P(lognormal application cost < expected benefit)."""
        app = self.rules.application
        cost = app.cost_myuan * self.cost_factor[LEVELS[level]]
        spread = app.cost_sigma * math.sqrt(2.0)
        return [
            0.5 * (1.0 + math.erf((math.log(max(b, 1e-12)) - math.log(cost)) / spread))
            for b in self.expected_benefit(level)
        ]

    def award(self, firm: Sme, amount_myuan: float) -> None:
        """A one-off local award on certification, earmarked for R&D and equipment."""
        paid = amount_myuan * self.model.params.fiscal.support_scale
        paid *= self.award_scale[firm.province]
        firm.cash += paid
        firm.earmarked += paid
        firm.grants += paid
        self.model.flows["fiscal"] += paid

    def initial_lists(self) -> None:
        """Provincial lists existing at the start of the clock (earlier screenings)."""
        m, prov = self.model, self.rules.provincial
        if not self.rules.enabled:
            return
        chance = prov.awareness.initial * prov.approval
        for firm in m.firms:
            if provincial_passes(firm, prov, m.year) and m.random.random() < chance:
                firm.status = PROVINCIAL
                firm.provincial_year = m.year - m.random.randint(1, prov.validity_years)
        self.close_national_call()

    def close_national_call(self) -> None:
        """The national call closes: provincial specialized SMEs listed by now may apply
        to this year's batch."""
        self.national_call = {f for f in self.model.firms if f.status == PROVINCIAL}


def tilted(chance: float, odds_factor: float) -> float:
    """A chance whose odds are multiplied by `odds_factor` (0 and 1 stay)."""
    if chance <= 0.0 or chance >= 1.0:
        return chance
    odds = chance / (1.0 - chance) * odds_factor
    return odds / (1.0 + odds)
