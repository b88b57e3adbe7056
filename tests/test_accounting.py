"""The books balance: cash moves only through recorded flows; counts and stocks stay sane."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from model.calendar import parse_quarter
from model.params.certification import NationalRules
from model.simulation import rules
from model.simulation.phases import certification, finance
from model.simulation.population import DEAD, INNOVATIVE, NATIONAL, NONE, PROVINCIAL

STATUSES = (DEAD, NONE, INNOVATIVE, PROVINCIAL, NATIONAL)


@dataclass
class Quarter:
    """What a step changed, with rows identified by firm id."""

    label: str
    ids_before: np.ndarray
    cash_before: np.ndarray
    alive_before: np.ndarray
    ids_after: np.ndarray
    cash_after: np.ndarray
    alive_after: np.ndarray
    net: np.ndarray
    channel_total: float
    status: np.ndarray
    bank_debt: np.ndarray
    ip_debt: np.ndarray
    patents: np.ndarray


@pytest.fixture(scope="module")
def history(make_economy):
    """The baseline at small scale, with each quarter's books and every national batch's
    certified firms re-tested against the rule right after the batch."""
    economy = make_economy(scale=0.003, seed=3, track_cash_flows=True, scenario="baseline")
    batches: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    original = certification.national_batch

    def checked_batch(model, year):
        status_before = model.population.status.copy()
        original(model, year)
        rows = model.last_certified
        nat = model.params.certification.national
        passes = rules.national_eligible(model.population, nat, year)
        batches.append((year, len(rows), passes[rows], status_before[rows]))

    quarters = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(certification, "national_batch", checked_batch)
        while economy.running:
            pop = economy.population
            ids, cash, alive = pop.firm_id.copy(), pop.cash.copy(), pop.alive.copy()
            label = economy.label
            economy.step()
            pop = economy.population
            quarters.append(
                Quarter(
                    label,
                    ids,
                    cash,
                    alive,
                    pop.firm_id.copy(),
                    pop.cash.copy(),
                    pop.alive.copy(),
                    economy.ledger.net.copy(),
                    sum(economy.ledger.totals.values()),
                    pop.status.copy(),
                    pop.bank_debt.copy(),
                    pop.ip_debt.copy(),
                    pop.patents.copy(),
                )
            )
    frame = economy.datacollector.get_model_vars_dataframe()
    frame.index = economy.quarter_labels
    return economy, quarters, batches, frame


def test_runs_every_quarter(history):
    _, quarters, _, _ = history
    assert [q.label for q in quarters][:2] == ["2019Q1", "2019Q2"]
    assert len(quarters) == 28


def test_cash_change_equals_recorded_net_flow_for_surviving_firms(history):
    _, quarters, _, _ = history
    compacted = 0
    for q in quarters:
        assert len(q.net) == len(q.ids_before), q.label
        rows_after = np.searchsorted(q.ids_after, q.ids_before)
        present = rows_after < len(q.ids_after)
        present[present] = q.ids_after[rows_after[present]] == q.ids_before[present]
        compacted += int((~present).sum())
        survived = q.alive_before & present
        survived[survived] = q.alive_after[rows_after[survived]]
        assert survived.sum() > 0.8 * q.alive_before.sum(), q.label
        change = q.cash_after[rows_after[survived]] - q.cash_before[survived]
        np.testing.assert_allclose(change, q.net[survived], rtol=1e-9, atol=1e-9, err_msg=q.label)
    assert compacted > 0, "no year-end compaction happened; the id alignment went untested"


def test_channel_totals_add_up_to_the_firms_net_flows(history):
    _, quarters, _, _ = history
    for q in quarters:
        assert q.channel_total == pytest.approx(q.net.sum(), rel=1e-9, abs=1e-6), q.label


def test_status_counts_add_up_to_the_alive_firms(history):
    economy, quarters, _, frame = history
    scale = economy.params.scale
    for q in quarters:
        assert set(np.unique(q.status)) <= set(STATUSES), q.label
        counts = {s: int((q.status == s).sum()) for s in STATUSES}
        assert sum(counts[s] for s in STATUSES[1:]) == q.alive_after.sum()
        row = frame.loc[q.label]
        assert row["pool_firms"] == pytest.approx(q.alive_after.sum() / scale)
        assert row["national_little_giants"] == pytest.approx(counts[NATIONAL] / scale)
        listed = counts[PROVINCIAL] + counts[NATIONAL]
        assert row["provincial_specialized"] == pytest.approx(listed / scale)
        assert row["innovative_smes"] == pytest.approx((listed + counts[INNOVATIVE]) / scale)


def test_list_reporters_are_nested_and_non_negative(history):
    _, _, _, frame = history
    assert (frame["national_little_giants"] >= 0).all()
    assert (frame["provincial_specialized"] >= frame["national_little_giants"]).all()
    assert (frame["innovative_smes"] >= frame["provincial_specialized"]).all()
    assert frame["national_little_giants"].iloc[-1] > 0  # the ordering was not vacuous


def test_debt_and_patents_never_negative(history):
    _, quarters, _, _ = history
    for q in quarters:
        assert (q.bank_debt >= 0).all() and (q.ip_debt >= 0).all(), q.label
        assert (q.patents >= 0).all(), q.label


def test_reported_shares_lie_in_unit_interval(history):
    _, _, _, frame = history
    shares = [c for c in frame.columns if "share" in c] + ["exposed_tech_access_mean"]
    assert len(shares) >= 8
    for column in shares:
        values = frame[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column
    assert frame["lg_share_high_tech_zone"].notna().sum() > 10


def test_every_national_certification_passed_the_thresholds_that_year(history):
    economy, _, batches, _ = history
    nat = economy.params.certification.national
    years = [year for year, *_ in batches]
    assert years == list(range(max(nat.first_batch_year, 2019), 2026))
    assert sum(count for _, count, *_ in batches) > 0
    for year, _, passed, _ in batches:
        assert passed.all(), year


def test_only_provincial_firms_are_promoted_to_national(history):
    _, _, batches, _ = history
    for year, _, _, status_before in batches:
        assert (status_before == PROVINCIAL).all(), year


def test_new_certifications_are_reported_in_the_batch_quarter_only(history):
    economy, _, _, frame = history
    batch_q = economy.params.certification.national.batch_quarter
    new = frame["new_national_certifications"]
    in_batch = pd.Series(frame.index.str.endswith(f"Q{batch_q}"), index=frame.index)
    assert (new[~in_batch] == 0).all()
    assert new[in_batch].sum() > 0


def test_national_firm_failing_its_review_loses_the_title(make_economy, national_firm):
    economy = make_economy(seed=2)
    pop, nat = economy.population, economy.params.certification.national
    year = 2022
    economy.quarter = parse_quarter(f"{year}Q{nat.batch_quarter}")
    pop.status = np.where(pop.alive, NONE, DEAD)  # nobody else on any list
    keeps, fails, not_due = 0, 1, 2
    for column, value in national_firm(nat, year).items():
        getattr(pop, column)[[keeps, fails, not_due]] = value
    pop.status[[keeps, fails, not_due]] = NATIONAL
    pop.national_year[[keeps, fails]] = year - nat.validity_years  # due for review
    pop.national_year[not_due] = year - nat.validity_years + 1
    pop.patents[[fails, not_due]] = nat.min_patents - 1  # below the IP threshold now
    certification.run(economy)
    assert pop.status[keeps] == NATIONAL and pop.national_year[keeps] == year
    assert pop.status[fails] == PROVINCIAL
    assert pop.status[not_due] == NATIONAL  # not due yet: not re-tested
    assert economy.government.counts["national_reviewed"] == 2
    assert economy.government.counts["national_review_passed"] == 1


def test_only_firms_listed_when_the_call_closed_enter_the_years_batch(make_economy, national_firm):
    sure = {
        "certification.national.approval": 1.0,
        "certification.national.awareness.initial": 1.0,
        "certification.application.cost_myuan": 1e-6,
    }
    economy = make_economy(seed=2, **sure)
    pop, nat = economy.population, economy.params.certification.national
    year = 2022
    pop.status = np.where(pop.alive, NONE, DEAD)  # nobody else on any list
    early, late = 0, 1
    for column, value in national_firm(nat, year).items():
        getattr(pop, column)[[early, late]] = value
    pop.status[late] = NONE  # not yet on a provincial list
    economy.quarter = parse_quarter(f"{year}Q{nat.call_quarter}")
    certification.close_national_call(economy)
    pop.status[late] = PROVINCIAL  # listed by its province after the call closed
    certification.national_batch(economy, year)
    assert pop.status[early] == NATIONAL
    assert pop.status[late] == PROVINCIAL
    assert economy.government.counts["national_applicants"] == 1
    certification.close_national_call(economy)  # next year's call: it may apply now
    certification.national_batch(economy, year + 1)
    assert pop.status[late] == NATIONAL


def test_provinces_put_forward_their_most_capable_applicants_until_firms_apply_themselves(
    make_economy, national_firm
):
    sure = {
        "certification.national.approval": 1.0,
        "certification.national.awareness.initial": 1.0,
        "certification.application.cost_myuan": 1e-6,
        "certification.national.recommendation_share": 0.25,
        "certification.national.recommended_until": 2021,
    }
    economy = make_economy(seed=2, **sure)
    pop, nat = economy.population, economy.params.certification.national
    year = nat.recommended_until
    pop.status = np.where(pop.alive, NONE, DEAD)  # nobody else on any list
    rows = np.arange(8)
    for column, value in national_firm(nat, year).items():
        getattr(pop, column)[rows] = value
    pop.status[rows], pop.province[rows] = PROVINCIAL, 0
    pop.capability[rows] = np.linspace(0.80, 0.87, 8)  # all above the provincial bar
    certification.close_national_call(economy)
    certification.national_batch(economy, year)
    # quota = round(0.25 x 8 provincial firms in the call) = 2: the two most capable
    assert list(np.flatnonzero(pop.status == NATIONAL)) == [6, 7]
    assert economy.government.counts["national_applicants"] == 2
    certification.close_national_call(economy)
    certification.national_batch(economy, year + 1)  # the Measures: no quota
    assert (pop.status[rows] == NATIONAL).all()


def test_without_a_tilt_every_qualifying_firm_applies_alike():
    chance, capability = np.array([0.2, 0.5, 0.9]), np.array([0.1, 0.5, 0.9])
    assert certification.strongest_first(chance, capability, 0.0) is chance


def test_a_tilt_raises_the_chance_of_stronger_firms_and_lowers_the_weaker():
    capability = np.array([0.2, 0.4, 0.6, 0.8, 1.0])
    chance = certification.strongest_first(np.full(5, 0.3), capability, 1.5)
    assert (np.diff(chance) > 0).all() and ((chance > 0) & (chance < 1)).all()
    assert chance[2] == pytest.approx(0.3)  # the firm at the mean keeps the common chance
    # odds p / (1 - p) x exp(tilt x z_i)
    z = (capability - capability.mean()) / capability.std()
    assert chance / (1 - chance) == pytest.approx(0.3 / 0.7 * np.exp(1.5 * z))
    ends = certification.strongest_first(np.array([0.0, 1.0, 0.0, 1.0, 1.0]), capability, 1.5)
    assert list(ends) == [0.0, 1.0, 0.0, 1.0, 1.0]  # nobody and everybody stay as they are


def test_firms_of_one_capability_all_keep_the_common_chance():
    # the mean of three 0.1s rounds above 0.1 and their s.d. to ~1e-17, not 0: every
    # firm would sit one s.d. below the mean and lose odds exp(-tilt)
    capability = np.full(3, 0.1)
    assert capability.std() > 0
    chance = certification.strongest_first(np.full(3, 0.3), capability, 2.63)
    assert chance == pytest.approx(np.full(3, 0.3))


@pytest.mark.parametrize("tilt", [0.0, 2.0])
def test_the_strongest_qualifying_firms_apply_first_with_a_tilt(make_economy, national_firm, tilt):
    aware_share = {
        "certification.national.approval": 1.0,
        "certification.national.awareness.initial": 0.25,
        "certification.national.awareness.external": 0.0,
        "certification.national.awareness.imitation": 0.0,
        "certification.application.cost_myuan": 1e-6,
        "certification.national.recommended_until": 0,
        "certification.application.capability_tilt": tilt,
    }
    economy = make_economy(scale=0.002, seed=3, **aware_share)
    pop, nat = economy.population, economy.params.certification.national
    year = 2022
    pop.status = np.where(pop.alive, NONE, DEAD)  # nobody else on any list
    rows = np.arange(400)
    for column, value in national_firm(nat, year).items():
        getattr(pop, column)[rows] = value
    pop.status[rows] = PROVINCIAL
    pop.capability[rows] = np.linspace(0.5, 1.0, len(rows))
    certification.close_national_call(economy)
    certification.national_batch(economy, year)
    certified = pop.capability[rows][pop.status[rows] == NATIONAL]
    assert 60 <= len(certified) <= 160  # a quarter apply untilted, more with a tilt (p < 0.5)
    if tilt:
        # mean capability of the qualifiers 0.75; the tilted applicants are far stronger
        assert certified.mean() > 0.85
    else:
        assert certified.mean() == pytest.approx(0.75, abs=0.03)


def test_a_call_closing_after_its_batch_is_refused():
    with pytest.raises(ValueError, match="call_quarter 4 is after batch_quarter 3"):
        NationalRules(call_quarter=4, batch_quarter=3)


def test_exited_firms_get_no_new_loans(make_economy):
    economy = make_economy(**{"finance.bank.approval": 1.0, "finance.ip_pledge.uptake": 1.0})
    pop, rows = economy.population, np.arange(10)
    pop.status[rows], pop.size[rows], pop.revenue[rows], pop.opex[rows] = DEAD, 0, 0, 0
    pop.cash[rows], pop.fixed_assets[rows], pop.patents[rows] = -5.0, 50.0, 5
    pop.bank_debt[rows], pop.ip_debt[rows] = 0.0, 0.0
    finance.raise_funds(economy)
    assert (pop.bank_debt[rows] == 0).all() and (pop.ip_debt[rows] == 0).all()
