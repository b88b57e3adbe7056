"""Certification: firms choose a list to prepare for; screenings, batches and reviews.

New certifications = firms that pass the tests x apply (Bass-diffused willingness)
x approval probability. Nothing here reads the observed batch sizes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from model.calendar import parse_quarter
from model.simulation import rules
from model.simulation.population import INNOVATIVE, NATIONAL, NONE, PROVINCIAL, Population

if TYPE_CHECKING:
    from model.params import Params
    from model.simulation.economy import Economy

LEVEL_NAMES = {INNOVATIVE: "innovative", PROVINCIAL: "provincial", NATIONAL: "national"}


def innovative_active(model: Economy) -> bool:
    """Whether innovative SMEs are evaluated yet (the 2022 Measures)."""
    start = parse_quarter(model.params.certification.innovative.start)
    return model.quarter >= start


def eligible(model: Economy, level: int, year: int) -> np.ndarray:
    """Firms passing the tests of a list in a given year."""
    pop, cert = model.population, model.params.certification
    if level == INNOVATIVE:
        return rules.innovative_eligible(pop, cert.innovative)
    if level == PROVINCIAL:
        return rules.provincial_eligible(pop, cert.provincial, year)
    return rules.national_eligible(pop, cert.national, year)


def required_rd_intensity(pop: Population, params: Params) -> np.ndarray:
    """R&D intensity the list each firm prepares for asks of it (0 if none)."""
    prov, nat = params.certification.provincial, params.certification.national
    annual = 4.0 * np.maximum(pop.revenue, 1e-9)
    provincial = np.maximum(prov.min_rd_intensity, prov.min_rd_myuan / annual)
    # Small firms take the two-year R&D-sum path, spread over two years.
    national = np.select(
        [annual >= nat.large_revenue_myuan, annual >= nat.mid_revenue_myuan],
        [nat.rd_intensity_large, nat.rd_intensity_mid],
        nat.small_min_rd_myuan / 2.0 / annual,
    )
    innovative = params.certification.innovative.min_rd_intensity
    return np.select(
        [
            pop.preparing == INNOVATIVE,
            pop.preparing == PROVINCIAL,
            pop.preparing == NATIONAL,
        ],
        [innovative, provincial, national],
        0.0,
    )


def budget_rd(model: Economy) -> None:
    """Yearly R&D budgets: firms preparing an application close part of the gap between
    their R&D intensity and the list's threshold (plus a margin), if it is within reach."""
    pop, inn = model.population, model.params.innovation
    view = pop.rows(np.flatnonzero(pop.preparing > 0))
    required = required_rd_intensity(view, model.params) + inn.adaptation_margin
    gap = np.maximum(required - view.rd_intensity, 0.0) * (required <= inn.max_rd_intensity)
    pop.rd_intensity[view.rows] += inn.adaptation_speed * gap


def plan_applications(model: Economy) -> None:
    """At the start of the year, firms willing to apply prepare for the next list up
    and budget their R&D to meet its threshold (a uniform draw per firm below the
    national list)."""
    pop, gov = model.population, model.government
    rows = np.flatnonzero(pop.alive & (pop.status < NATIONAL))
    next_level = np.maximum(pop.status[rows], NONE) + 1
    if not innovative_active(model):
        next_level[next_level == INNOVATIVE] = PROVINCIAL
    awareness = np.zeros(NATIONAL + 1)
    for level, name in LEVEL_NAMES.items():
        awareness[level] = gov.awareness[name]
    prepares = model.rng.random(len(rows)) < awareness[next_level]
    pop.preparing = NONE
    pop.preparing[rows[prepares]] = next_level[prepares]
    budget_rd(model)


def screen(
    model: Economy,
    level: int,
    passes: np.ndarray,
    approval: np.ndarray,
    recommended: bool = False,
) -> np.ndarray:
    """Applications to one list: qualifying firms below it apply, some are approved (a
    uniform draw per qualifying firm, then one per applicant). `recommended`: each
    province puts forward only its quota of the applicants (`recommend`)."""
    pop, gov, name = model.population, model.government, LEVEL_NAMES[level]
    below = pop.alive & (pop.status < level)
    if level == NATIONAL:
        # Only firms that were on a provincial list when the call closed apply.
        below &= (pop.status == PROVINCIAL) & np.isin(pop.firm_id, gov.national_call)
    qualifying = np.flatnonzero(passes & below)
    on_list = int((pop.status >= level).sum())
    gov.certified_share[name] = on_list / max(on_list + len(qualifying), 1)
    willing = gov.update_awareness(name) * worth_applying(model, level)
    chance = strongest_first(
        willing[pop.province[qualifying]],
        pop.capability[qualifying],
        model.params.certification.application.capability_tilt,
    )
    applies = qualifying[model.rng.random(len(qualifying)) < chance]
    if recommended:
        applies = recommend(model, applies, below)
    rows = applies[model.rng.random(len(applies)) < approval[applies]]
    pop.status[rows] = level
    if level == NATIONAL:
        gov.counts["national_applicants"] += len(applies)
    return rows


def strongest_first(chance: np.ndarray, capability: np.ndarray, tilt: float) -> np.ndarray:
    """Each qualifying firm's chance of applying this year when the strongest are reached
    first (provinces recruit the candidates that look surest to pass, and those firms
    expect the most from applying): its odds are the common odds p / (1 - p) times
    exp(tilt x z_i), z_i its capability in standard deviations from this year's
    qualifying firms' mean. The firm at the mean keeps p; p = 0 and p = 1 stay; tilt 0
    leaves every chance at p."""
    if tilt == 0.0 or len(capability) < 2:
        return chance
    if np.ptp(capability) == 0.0:  # all alike: every firm is at the mean (std() may round >0)
        return chance
    z = (capability - capability.mean()) / capability.std()
    with np.errstate(divide="ignore"):  # a chance of 1 has infinite odds: it stays 1
        log_odds = np.log(chance) - np.log1p(-chance) + tilt * z
    return 1.0 / (1.0 + np.exp(-log_odds))


def recommend(model: Economy, applies: np.ndarray, call: np.ndarray) -> np.ndarray:
    """Under provincial recommendation each province puts forward at most its quota of
    the firms applying to it, the most capable first:
    quota_p = round(recommendation_share x provincial specialized SMEs of p at the call)."""
    pop, share = model.population, model.params.certification.national.recommendation_share
    provinces = len(model.params.population.provinces)
    quota = np.rint(share * np.bincount(pop.province[call], minlength=provinces))
    order = applies[np.lexsort((-pop.capability[applies], pop.province[applies]))]
    province = pop.province[order]
    rank = np.arange(len(order)) - np.searchsorted(province, province)
    return np.sort(order[rank < quota[province]])


def review(model: Economy, level: int, passes: np.ndarray, year_column: str) -> tuple[int, int]:
    """Re-test firms whose certification is due; failures drop one list down."""
    pop = model.population
    validity = getattr(model.params.certification, LEVEL_NAMES[level]).validity_years
    years = getattr(pop, year_column)
    due = np.flatnonzero((pop.status == level) & (years + validity <= model.year))
    ok = passes[due]
    years[due[ok]] = model.year
    fallback = (
        PROVINCIAL if level == NATIONAL else (INNOVATIVE if innovative_active(model) else NONE)
    )
    pop.status[due[~ok]] = fallback
    return len(due), int(ok.sum())


def province_values(model: Economy, name: str) -> np.ndarray:
    """One provincial policy (`award_scale`, `listing_scale`, ...) per province, in order."""
    return np.array([getattr(p, name) for p in model.params.population.provinces.values()])


def expected_benefit(model: Economy, level: int) -> np.ndarray:
    """What a firm expects from a title, per province, M yuan: the (provincially paid)
    award on certification, what the central programmes it could be selected for would
    pay, and the title's own value."""
    fiscal, app = model.params.fiscal, model.params.certification.application
    awards = province_values(model, "award_scale") * fiscal.support_scale
    if level == NATIONAL:
        national = int((model.population.status == NATIONAL).sum())
        programmes = sum(p.expected_award(model.year, national) for p in model.programmes)
        return fiscal.national_award_myuan * awards + programmes + app.national_value_myuan
    if level == PROVINCIAL:
        return fiscal.provincial_award_myuan * awards + app.provincial_value_myuan
    return np.full(len(awards), app.innovative_value_myuan)


def worth_applying(model: Economy, level: int) -> np.ndarray:
    """Per province, the share of aware, qualifying firms whose application cost is below
    the expected benefit: P(cost < benefit), cost lognormal around the median (cut by
    pushes)."""
    app = model.params.certification.application
    benefit = np.maximum(expected_benefit(model, level), 1e-12)
    cost = app.cost_myuan * model.government.cost_factor[LEVEL_NAMES[level]]
    z = (np.log(benefit) - np.log(cost)) / (app.cost_sigma * math.sqrt(2.0))
    return 0.5 * (1.0 + np.array([math.erf(v) for v in z]))


def award(model: Economy, rows: np.ndarray, amount_myuan: float) -> None:
    """One-off local awards on certification: paid into cash and earmarked for R&D and
    equipment (spent over the next quarters, see the finance phase)."""
    pop = model.population
    scale = province_values(model, "award_scale")[pop.province[rows]]
    paid = amount_myuan * model.params.fiscal.support_scale * scale
    pop.cash[rows] += paid
    pop.earmarked[rows] += paid
    pop.grants[rows] += paid
    model.ledger.record(rows=rows, fiscal=paid)


def run(model: Economy) -> None:
    """The government's certification calendar for this quarter."""
    cert, pop, gov = model.params.certification, model.population, model.government
    year, quarter_of_year = model.year, model.quarter_of_year
    if quarter_of_year == 1:
        # This year's candidates: the national tests on last year's (now closed)
        # accounts, counted whether or not anyone certifies (a counterfactual output).
        gov.qualifying_national = int(eligible(model, NATIONAL, year).sum())
    if not cert.enabled:
        return
    if quarter_of_year == 1:
        plan_applications(model)
    if quarter_of_year == cert.national.call_quarter:
        close_national_call(model)
    if innovative_active(model) and quarter_of_year == cert.innovative.screening_quarter:
        rows = screen(
            model,
            INNOVATIVE,
            eligible(model, INNOVATIVE, year),
            np.full(len(pop), cert.innovative.approval),
        )
        pop.innovative_year[rows] = year
        gov.counts["new_innovative"] += len(rows)
    if quarter_of_year == cert.provincial.screening_quarter:
        passes = eligible(model, PROVINCIAL, year)
        reviewed, passed = review(model, PROVINCIAL, passes, "provincial_year")
        gov.counts["provincial_reviewed"] += reviewed
        gov.counts["provincial_review_passed"] += passed
        approval = cert.provincial.approval * province_values(model, "listing_scale")
        rows = screen(model, PROVINCIAL, passes, np.minimum(approval, 1.0)[pop.province])
        pop.provincial_year[rows] = year
        award(model, rows, model.params.fiscal.provincial_award_myuan)
        gov.counts["new_provincial"] += len(rows)
    if quarter_of_year == cert.national.batch_quarter and year >= cert.national.first_batch_year:
        national_batch(model, year)


def close_national_call(model: Economy) -> None:
    """The year's national call closes: the provincial specialized SMEs listed by now are
    the ones that may apply to this year's batch (before this quarter's provincial lists)."""
    pop = model.population
    model.government.national_call = pop.firm_id[pop.alive & (pop.status == PROVINCIAL)]


def national_batch(model: Economy, year: int) -> None:
    """The 3-year review, the year's national batch and the programmes' selections."""
    nat, pop, gov = (
        model.params.certification.national,
        model.population,
        model.government,
    )
    passes = eligible(model, NATIONAL, year)
    margin = model.params.certification.review_growth_margin
    at_review = passes & (rules.revenue_growth(pop) >= nat.min_growth + margin)
    reviewed, passed = review(model, NATIONAL, at_review if margin else passes, "national_year")
    gov.counts["national_reviewed"] += reviewed
    gov.counts["national_review_passed"] += passed
    priority = pop.foundational | pop.key_chain
    approval = np.minimum(1.0, nat.approval * (1.0 + nat.priority_bonus * priority))
    rows = screen(model, NATIONAL, passes, approval, recommended=year <= nat.recommended_until)
    pop.national_year[rows] = year
    award(model, rows, model.params.fiscal.national_award_myuan)
    gov.counts["new_national"] += len(rows)
    model.last_certified = rows
    for programme in model.programmes:
        if programme.runs_batch(year):
            programme.select(pop, model.quarter, model.rng)


def initial_lists(model: Economy) -> None:
    """Provincial lists existing at the start of the clock (earlier screenings)."""
    pop, prov = model.population, model.params.certification.provincial
    if not model.params.certification.enabled:
        return
    year = model.year
    chance = prov.awareness.initial * prov.approval
    listed = eligible(model, PROVINCIAL, year) & (model.rng.random(len(pop)) < chance)
    rows = np.flatnonzero(listed)
    pop.status[rows] = PROVINCIAL
    # Earlier listings were spread over the validity period, so reviews are staggered.
    pop.provincial_year[rows] = year - model.rng.integers(1, prov.validity_years + 1, len(rows))
    # They were listed before any call the clock starts after.
    close_national_call(model)
