"""ABC-SMC calibration: recovers known parameters, is deterministic, resumes exactly.

The tiny problem: two parameters, data made by the model itself at TRUE with the
calibration's own seed (common random numbers), 2019-22 at scale 0.005, 16
particles, 3 generations (about 150 simulations, 15-30 s here).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from calibration_helpers import BASE, TRUE, synthetic_targets, tiny_spec
from pyabc.transition import MultivariateNormalTransition

from model.calibration.problem import FitTarget, fit_targets, floored_rms_scale
from model.calibration.sampler import InProcess, SeededSampler, job_seed
from model.calibration.smc import (
    DegenerateWeightsWarning,
    build_abc,
    fingerprint,
    finished_generations,
    last_posterior,
    run_abc,
)
from model.calibration.spec import CalibrationSpec
from model.calibration.summary import summarise
from model.errors import ConfigError


def calibrate(out: Path, sampler: SeededSampler, spec: CalibrationSpec | None = None):
    spec = spec or tiny_spec()
    return run_abc(spec, out, sampler, targets=synthetic_targets(spec), base=BASE)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The tiny calibration run in this process, start to end."""
    out = tmp_path_factory.mktemp("abc")
    history = calibrate(out, SeededSampler(InProcess(), tiny_spec().base_seed))
    return out, history


def test_recovers_the_parameters_that_made_the_data(uninterrupted) -> None:
    _, history = uninterrupted
    posterior, _, ess = last_posterior(history, tiny_spec())
    assert ess == pytest.approx(finished_generations(history)[-1].effective_sample_size)
    summaries = {s.name: s for s in summarise(tiny_spec(), posterior)}
    identified = [s for s in summaries.values() if s.identified]
    # Both parameters move the targets strongly (approval the pool, the scale patents).
    assert {s.name for s in identified} == set(TRUE)
    for s in identified:
        assert s.posterior_low <= TRUE[s.name] <= s.posterior_high, s
    assert summaries["innovation.patent_scale"].median == pytest.approx(0.1, rel=0.1)
    assert len(finished_generations(history)) == 3


def test_an_interrupted_run_resumes_to_the_same_posterior(uninterrupted, tmp_path) -> None:
    """Killed inside generation 1, resumed on two processes: the same particles, weights
    and epsilons as the uninterrupted in-process run."""

    def interrupt(t: int, accepted: int, evaluated: int) -> None:
        if t == 1 and evaluated >= 5:
            raise KeyboardInterrupt

    spec = tiny_spec()
    with pytest.raises(KeyboardInterrupt):
        calibrate(tmp_path, SeededSampler(InProcess(), spec.base_seed, on_progress=interrupt))
    with ProcessPoolExecutor(2) as pool:
        resumed = calibrate(tmp_path, SeededSampler(pool, spec.base_seed, jobs_in_flight=4))
    first, first_distances, _ = last_posterior(uninterrupted[1], spec)
    again, again_distances, _ = last_posterior(resumed, spec)
    assert np.array_equal(first.values.to_numpy(), again.values.to_numpy())
    assert np.array_equal(first.weights, again.weights)
    assert np.array_equal(first_distances, again_distances)
    assert [g.epsilon for g in finished_generations(uninterrupted[1])] == [
        g.epsilon for g in finished_generations(resumed)
    ]


def weights_not_finite() -> None:
    raise AssertionError("The population total weight nan is not normalized.")


def proposal_not_finite() -> None:
    """pyabc's own proposal fitted to a population whose weight sits on one particle."""
    proposal = MultivariateNormalTransition()
    with warnings.catch_warnings():  # numpy warns of the zero degrees of freedom first
        warnings.simplefilter("ignore", RuntimeWarning)
        proposal.fit(
            pd.DataFrame({"a": [0.1, 0.2, 0.3], "b": [0.3, 0.1, 0.2]}), np.array([1, 0, 0])
        )
        proposal.rvs()


def nan_elsewhere() -> None:
    raise ValueError("array must not contain infs or NaNs")


@pytest.mark.parametrize(
    ("error", "real_bug"),
    [(weights_not_finite, AssertionError), (proposal_not_finite, ValueError)],
    ids=["weights-not-finite", "proposal-not-finite"],
)
def test_a_generation_pyabc_refuses_for_its_weights_is_dropped_with_a_warning(
    tmp_path, error, real_bug
) -> None:
    """pyabc asserts when a generation's importance weights are not finite (it happened
    in the shipped 17-parameter fit, generation 5), and cannot fit the next proposal
    when the weight sits on one particle (the 19-parameter fit with 150 particles,
    after generation 4); the calibration keeps the whole generations before instead of
    losing the run. Other errors of the same types still raise."""

    def fail_in(generation: int, error):
        def fail(t: int, accepted: int, evaluated: int) -> None:
            if t == generation and evaluated >= 3:
                error()

        return fail

    spec = tiny_spec()
    sampler = SeededSampler(InProcess(), spec.base_seed, on_progress=fail_in(2, error))
    with pytest.warns(DegenerateWeightsWarning, match="generation 2 stopped"):
        history = calibrate(tmp_path / "nan", sampler)
    assert history.max_t == 1
    assert len(finished_generations(history)) == 2

    def a_bug() -> None:
        raise real_bug("a bug")

    other = SeededSampler(InProcess(), spec.base_seed, on_progress=fail_in(1, a_bug))
    with pytest.raises(real_bug, match="a bug"):
        calibrate(tmp_path / "other", other)


def test_a_nan_outside_pyabcs_proposal_is_not_taken_for_degenerate_weights(tmp_path) -> None:
    spec = tiny_spec()

    def fail(t: int, accepted: int, evaluated: int) -> None:
        if t == 1 and evaluated >= 3:
            nan_elsewhere()

    sampler = SeededSampler(InProcess(), spec.base_seed, on_progress=fail)
    with pytest.raises(ValueError, match="infs or NaNs"):
        calibrate(tmp_path / "nan", sampler)


def test_a_rerun_of_a_finished_calibration_runs_nothing(uninterrupted) -> None:
    out, history = uninterrupted

    class Refusing:
        def submit(self, *_):
            raise AssertionError("a finished calibration must not simulate again")

    again = calibrate(out, SeededSampler(Refusing(), tiny_spec().base_seed))
    assert again.max_t == history.max_t == 2


def test_a_history_of_another_calibration_is_refused(uninterrupted) -> None:
    out, _ = uninterrupted
    other = tiny_spec(population_size=20)
    with pytest.raises(ConfigError, match=r"different calibration.*--fresh"):
        run_abc(other, out, SeededSampler(InProcess(), 5), synthetic_targets(other), BASE)


def test_each_job_has_its_own_stream_and_the_prior_sample_its_own() -> None:
    seeds = {tuple(job_seed(5, t, j)) for t in (-1, 0, 1) for j in range(50)}
    assert len(seeds) == 150
    assert np.array_equal(job_seed(5, 2, 7), job_seed(5, 2, 7))
    assert not np.array_equal(job_seed(5, 2, 7), job_seed(6, 2, 7))


def test_the_adaptive_scale_never_weighs_a_target_above_its_tolerance() -> None:
    samples = np.array([[0.1, 4.0, 0.0], [-0.2, -4.0, 0.0]])
    scale = floored_rms_scale(samples=samples, s0=np.zeros(3))
    assert scale.tolist() == pytest.approx([1.0, 4.0, 1.0])


def test_misses_count_in_tolerance_units_and_bounds_only_on_their_wrong_side() -> None:
    point = FitTarget("x", "2025Q4", observed=100.0, tolerance=0.05)
    assert point.error(105.0) == pytest.approx(1.0)
    share = FitTarget("s", "2025Q4", observed=0.46, tolerance=0.05, absolute=True)
    assert share.error(0.41) == pytest.approx(-1.0)
    bound = FitTarget("b", "2025Q4", observed=30.0, tolerance=0.1, kind="lower_bound")
    assert bound.error(40.0) == 0.0 and bound.error(27.0) == pytest.approx(-1.0)
    assert point.error(float("nan")) == 100.0


def test_fit_targets_take_the_spec_weights_and_exclusions() -> None:
    spec = tiny_spec(
        targets={"exclude": ["lg_rd_intensity"], "weights": {"national_little_giants": 2.0}}
    )
    chosen = fit_targets(spec)
    assert "lg_rd_intensity" not in {t.variable for t in chosen}
    national = [t for t in chosen if t.variable == "national_little_giants"]
    assert len(national) == 5 and {t.weight for t in national} == {2.0}


def test_refinement_keeps_the_candidate_that_fits_over_fresh_seeds_not_the_nearest() -> None:
    """Three candidates, the one listed nearest (distance 0.1) far from the data's value:
    over fresh seeds the refinement keeps the true value, and it says so in its table."""
    import pandas as pd

    from model.calibration.problem import Simulator
    from model.calibration.refine import refine, refine_run_count
    from model.evidence.posterior import Posterior

    spec = tiny_spec(refine_candidates=3, refine_seeds=2)
    model = Simulator(BASE, (1,), tuple(synthetic_targets(spec)))
    values = pd.DataFrame(
        {
            "certification.provincial.approval": [0.85, 0.5, 0.25, 0.3],
            "innovation.patent_scale": [0.14, 0.1, 0.06, 0.06],
        }
    )
    posterior = Posterior(values, np.full(4, 0.25))
    distances = np.array([0.1, 0.2, 0.3, 9.0])  # the last is never a candidate
    point, table = refine(spec, model, posterior, distances, InProcess())
    assert point == TRUE
    assert list(table["particle"]) == [0, 1, 2]
    assert list(table["chosen"]) == [False, True, False]
    assert table["refined_loss"].iloc[1] < table["refined_loss"].iloc[[0, 2]].min()
    assert refine_run_count(spec, medians=False) == 6


def test_refinement_weighs_the_posterior_medians_against_the_nearest_particles() -> None:
    """With usable weights the medians are a candidate too, listed first; when a particle
    fits better over fresh seeds than the medians, the particle is kept."""
    import pandas as pd

    from model.calibration.problem import Simulator
    from model.calibration.refine import MEDIANS, refine, refine_run_count
    from model.evidence.posterior import Posterior

    spec = tiny_spec(refine_candidates=2, refine_seeds=2)
    model = Simulator(BASE, (1,), tuple(synthetic_targets(spec)))
    values = pd.DataFrame(
        {
            "certification.provincial.approval": [0.5, 0.85, 0.25],
            "innovation.patent_scale": [0.1, 0.14, 0.06],
        }
    )
    posterior = Posterior(values, np.full(3, 1 / 3))
    far = {"certification.provincial.approval": 0.85, "innovation.patent_scale": 0.14}
    point, table = refine(
        spec, model, posterior, np.array([0.1, 0.2, 0.3]), InProcess(), medians=far
    )
    assert point == TRUE
    assert list(table["particle"]) == [MEDIANS, 0, 1]
    assert list(table["chosen"]) == [False, True, False]
    assert np.isnan(table["abc_distance"].iloc[0])
    assert refine_run_count(spec) == 6  # (2 particles + the medians) x 2 seeds
    point, table = refine(
        spec, model, posterior, np.array([0.1, 0.2, 0.3]), InProcess(), medians=TRUE
    )
    assert point == TRUE and bool(table["chosen"].iloc[0])  # the medians, when they fit best


class CountingRuns:
    """A run counter that records what the pipeline says: runs made, totals told."""

    def __init__(self) -> None:
        self.runs, self.totals = 0, []

    def __call__(self) -> None:
        self.runs += 1

    def retotal(self, total: int) -> None:
        self.totals.append(total)


def test_the_pipeline_counts_the_runs_it_makes_and_none_on_a_rerun(tmp_path) -> None:
    """The check bar's total is the runs made (the refinement's, the polish's and the
    check's), and nothing when they are already written."""
    from model.calibration.pipeline import calibrate as pipeline
    from model.calibration.pipeline import check_run_count
    from model.calibration.polish import polish_run_count
    from model.calibration.refine import MEDIANS, refine_run_count
    from model.io import read_parquet

    spec = tiny_spec(
        generations=1,
        population_size=10,
        refine_candidates=2,
        refine_seeds=1,
        polish_polls=1,
        output=str(tmp_path / "calibrated.toml"),
        posterior_output=str(tmp_path / "posterior.parquet"),
    )
    first, again = CountingRuns(), CountingRuns()
    sampler = SeededSampler(InProcess(), spec.base_seed)
    done = pipeline(spec, tmp_path / "out", sampler, "test", on_run=first)
    assert first.totals == [first.runs]  # told once, and it was right
    candidates = read_parquet(tmp_path / "out" / "refine.parquet")
    with_medians = bool((candidates["particle"] == MEDIANS).any())
    assert len(candidates) == spec.refine_candidates + with_medians
    plain = check_run_count(spec) - refine_run_count(spec) - polish_run_count(spec)
    searched = first.runs - plain - refine_run_count(spec, with_medians)
    assert 0 < searched <= polish_run_count(spec)  # the polish's moves within the bounds
    assert len(read_parquet(tmp_path / "out" / "polish.parquet")) == spec.polish_polls
    rerun = pipeline(spec, tmp_path / "out", SeededSampler(InProcess(), 5), "test", on_run=again)
    assert again.runs == 0 and again.totals == [0]
    assert rerun.point == done.point  # the polished point read back, not the refined one
    assert done.report.exists()


def test_the_proposal_is_widened_by_the_specs_scaling_which_the_history_remembers() -> None:
    """The next generation's proposal is the particles' covariance times the spec's
    `proposal_scaling`; since the particles depend on it, a history made with another
    scaling is not resumed."""
    spec = tiny_spec(proposal_scaling=3.0)
    targets = synthetic_targets(spec)
    abc = build_abc(spec, SeededSampler(InProcess(), spec.base_seed), targets, BASE)
    (transition,) = abc.transitions
    assert isinstance(transition, MultivariateNormalTransition)
    assert transition.scaling == 3.0
    assert fingerprint(spec, targets, BASE) != fingerprint(tiny_spec(), targets, BASE)
