"""Unit tests of the life-cycle and government phases on hand-set populations:
demography, policy events and certification."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.calendar import parse_quarter
from model.params.certification import InnovativeRules, NationalRules, ProvincialRules
from model.simulation import rules
from model.simulation.phases import certification, demography
from model.simulation.population import DEAD, NATIONAL, NONE


# demography -----------------------------------------------------------------------------
def test_exits_mark_firms_dead_and_end_their_sales(make_economy):
    economy = make_economy(**{"demography.exit_rate": 0.3})
    pop = economy.population
    exits = demography.exit_firms(economy)
    dead = pop.status == DEAD
    assert exits == dead.sum() and 0.2 * len(pop) < exits < 0.5 * len(pop)
    assert (pop.size[dead] == 0).all() and (pop.revenue[dead] == 0).all()
    assert (pop.support_until[dead] == -1).all()


def test_entrants_get_new_unique_increasing_ids(make_economy):
    economy = make_economy(scale=0.003, **{"demography.entry_rate": 0.06})
    pop = economy.population
    before = pop.firm_id.copy()
    count = demography.enter_firms(economy)
    new = pop.firm_id[len(before) :]
    assert count == len(new) > 50 and new.min() > before.max()
    assert (np.diff(pop.firm_id) > 0).all()
    assert (pop.birth_quarter[len(before) :] == economy.quarter).all()
    assert (pop.status[len(before) :] == NONE).all()


def test_year_end_compaction_keeps_ids_sorted_and_links_on_the_same_firms(make_economy):
    economy = make_economy(**{"demography.exit_rate": 0.3})
    economy.quarter = parse_quarter("2019Q4")
    pop, links = economy.population, economy.links
    before = set(zip(pop.firm_id[links.sme].tolist(), links.buyer.tolist(), strict=True))
    demography.enter_and_exit(economy)
    assert pop.alive.all() and (np.diff(pop.firm_id) > 0).all()
    after = set(zip(pop.firm_id[links.sme].tolist(), links.buyer.tolist(), strict=True))
    survivors = set(pop.firm_id.tolist())
    assert after == {pair for pair in before if pair[0] in survivors}
    assert 0 < len(after) < len(before)
    np.testing.assert_array_equal(pop.customers, links.customers_per_firm(len(pop)))


def test_entrants_after_a_compaction_start_afresh_not_as_the_firms_moved_away(make_economy):
    """Rows past the end after a year-end compaction held firms moved forward; entrants
    placed there must start with zeros, not with those firms' titles and accounts."""
    economy = make_economy(
        scale=0.003, **{"demography.exit_rate": 0.3, "demography.entry_rate": 0.06}
    )
    pop = economy.population
    pop.status[:] = NATIONAL
    pop.customers[:], pop.earmarked[:], pop.national_year[:] = 3, 5.0, 2019
    economy.quarter = parse_quarter("2019Q4")
    demography.exit_firms(economy)
    before = len(pop)
    pop.compact()
    assert len(pop) < before  # stale rows now lie past the end
    count = demography.enter_firms(economy)
    new = slice(len(pop) - count, len(pop))
    assert count > 0
    assert (pop.status[new] == NONE).all() and (pop.customers[new] == 0).all()
    assert (pop.earmarked[new] == 0).all() and (pop.national_year[new] == 0).all()


# policy ---------------------------------------------------------------------------------
def test_zone_expansion_moves_about_its_share_of_non_zone_firms(make_economy):
    economy = make_economy(zones__expansions=[{"quarter": "2019Q1", "share": 0.3}])
    pop = economy.population
    pop.status[:30] = DEAD
    zone, outside = pop.zone.copy(), pop.alive & ~pop.zone
    economy.policy.apply(economy.quarter)
    joined = pop.zone & ~zone
    assert pop.zone[zone].all() and not joined[~pop.alive].any()
    tolerance = 4 * np.sqrt(0.3 * 0.7 / outside.sum())
    assert joined.sum() / outside.sum() == pytest.approx(0.3, abs=tolerance)


def test_a_push_tells_unaware_firms_and_cuts_the_application_cost(make_economy):
    push = {"quarter": "2019Q1", "publicity": {"national": 0.4}, "cost_cut": {"national": 0.5}}
    economy = make_economy(**{"certification.pushes": {"measures": push}})
    gov = economy.government
    before, worth = dict(gov.awareness), certification.worth_applying(economy, NATIONAL)
    economy.policy.apply(economy.quarter)
    after = gov.awareness
    assert after["national"] == pytest.approx(before["national"] + 0.4 * (1 - before["national"]))
    assert after["provincial"] == before["provincial"]
    assert gov.cost_factor == {"innovative": 1.0, "provincial": 1.0, "national": 0.5}
    assert (certification.worth_applying(economy, NATIONAL) > worth).all()  # cheaper: more apply


def test_an_undated_push_does_nothing(make_economy):
    push = {"publicity": {"national": 0.9}}
    economy = make_economy(**{"certification.pushes": {"sizes_only": push}})
    assert economy.policy.schedule == {}


def test_an_easing_lifts_the_controls_and_listings_of_the_events_it_names(make_economy):
    events = [
        {"quarter": "2019Q1", "name": "rule", "control": 0.6, "large_firms": 2, "smes": 400},
        {"quarter": "2019Q2", "name": "more", "control": 0.7, "large_firms": 1},
        {"quarter": "2019Q3", "kind": "easing", "lifts": ["more"]},
    ]
    economy = make_economy(restrictions__events=events)
    pop, buyers, controls = economy.population, economy.buyers, []
    listed = []
    for quarter in range(economy.quarter, economy.quarter + 3):
        economy.policy.apply(quarter)
        controls.append(economy.policy.control.copy())
        listed.append((int(buyers.sanctioned.sum()), int(pop.sanctioned.sum())))
    np.testing.assert_allclose(controls[0], 0.6)
    np.testing.assert_allclose(controls[1], 1.0)  # capped: a field is at most fully controlled
    np.testing.assert_allclose(controls[2], 0.6)  # the easing lifts what 'more' added
    smes = listed[0][1]  # 400 x scale, rounded up or down at random (list_smes)
    assert smes in (math.floor(400 * economy.params.scale), math.ceil(400 * economy.params.scale))
    assert listed == [(2, smes), (3, smes), (2, smes)]  # 'more' lists buyers only
    assert (pop.sanction_quarter[pop.sanctioned] == economy.quarter).all()


# certification --------------------------------------------------------------------------
YEAR = 2023


def _years(pop):
    return rules.years_in_niche(pop, YEAR)[0]


def _intensity(pop):
    return pop.rd_y1[0] / pop.rev_y1[0]


LEVELS = {
    "national": (NationalRules, lambda pop, r: rules.national_eligible(pop, r, YEAR)),
    "provincial": (ProvincialRules, lambda pop, r: rules.provincial_eligible(pop, r, YEAR)),
    "innovative": (InnovativeRules, rules.innovative_eligible),
}
# (list, threshold, the hand-built firm's own value, +1 for a minimum / -1 for a maximum)
THRESHOLDS = [
    ("national", "min_years", _years, 1),
    ("national", "min_main_business_share", lambda p: p.main_share[0], 1),
    ("national", "min_growth", lambda p: rules.revenue_growth(p)[0], 1),
    ("national", "max_debt_ratio", lambda p: p.debt_ratio_ye[0], -1),
    ("national", "min_niche_share", lambda p: p.rev_y1[0] / p.niche_market[0], 1),
    ("national", "rd_intensity_large", lambda p: min(_intensity(p), p.rd_y2[0] / p.rev_y2[0]), 1),
    ("national", "min_patents", lambda p: p.patents[0], 1),
    ("national", "rd_institution_min_rd_myuan", lambda p: p.rd_y1[0], 1),
    ("provincial", "min_years", _years, 1),
    ("provincial", "min_rd_myuan", lambda p: p.rd_y1[0], 1),
    ("provincial", "min_rd_intensity", _intensity, 1),
    ("provincial", "min_capability", lambda p: p.capability[0], 1),
    ("innovative", "min_patents", lambda p: p.patents[0], 1),
    ("innovative", "min_rd_intensity", _intensity, 1),
]


@pytest.mark.parametrize(
    ("level", "field", "value_of", "sign"), THRESHOLDS, ids=[f"{t[0]}-{t[1]}" for t in THRESHOLDS]
)
def test_rule_accepts_a_firm_at_each_threshold_and_rejects_it_just_across(
    level, field, value_of, sign, population_of, national_firm
):
    rules_class, eligible = LEVELS[level]
    pop = population_of([national_firm(NationalRules(), YEAR)])
    assert eligible(pop, rules_class()).tolist() == [True]
    value = value_of(pop).item()
    step = 1 if isinstance(value, int) else 1e-9 * max(1.0, abs(value))
    at = rules_class().model_copy(update={field: value})
    across = rules_class().model_copy(update={field: value + sign * step})
    assert eligible(pop, at).tolist() == [True]
    assert eligible(pop, across).tolist() == [False]


def test_national_rd_test_follows_the_revenue_tier(population_of):
    nat = NationalRules()
    mid_revenue = (nat.mid_revenue_myuan + nat.large_revenue_myuan) / 2

    def firm(revenue, intensity=0.0, equity=0.0, rd_sum=0.0):
        rd = revenue * intensity * (1 + 1e-9)  # just above, against rounding
        return {"rev_y1": revenue, "rev_y2": revenue, "rd_y1": rd + rd_sum, "rd_y2": rd}

    small, equity = nat.mid_revenue_myuan / 2, nat.small_min_equity_myuan
    firms = [
        firm(nat.large_revenue_myuan, nat.rd_intensity_large),
        firm(mid_revenue, nat.rd_intensity_large),  # enough for the top tier only
        firm(mid_revenue, nat.rd_intensity_mid),
        {**firm(small, rd_sum=nat.small_min_rd_myuan), "equity_y2": nat.small_min_equity_myuan},
        {**firm(small, rd_sum=nat.small_min_rd_myuan), "equity_y2": equity - 1e-6},
        {**firm(small, rd_sum=nat.small_min_rd_myuan - 1e-6), "equity_y2": equity},
    ]
    assert nat.rd_intensity_mid > nat.rd_intensity_large
    expected = [True, False, True, True, False, False]
    assert rules.national_rd_test(population_of(firms), nat).tolist() == expected


def test_provincial_size_test_takes_revenue_or_recent_equity(population_of, national_firm):
    base = national_firm(NationalRules(), YEAR)
    prov = ProvincialRules().model_copy(update={"min_revenue_myuan": base["rev_y1"] + 1})
    alt = prov.alt_min_equity_myuan
    firms = [base, {**base, "equity_y1": alt / 2, "equity_y2": alt / 2}]
    firms.append({**base, "equity_y1": alt / 2, "equity_y2": alt / 2 - 1e-6})
    expected = [False, True, False]
    assert rules.provincial_eligible(population_of(firms), prov, YEAR).tolist() == expected


def test_with_certification_disabled_nobody_is_ever_certified(make_economy):
    economy = make_economy(scenario="baseline", **{"certification.enabled": False})
    economy.run()
    assert set(np.unique(economy.population.status)) <= {DEAD, NONE}
    frame = economy.datacollector.get_model_vars_dataframe()
    assert len(frame) == 28 and (frame["innovative_smes"] == 0).all()
    assert (frame["new_national_certifications"] == 0).all()
