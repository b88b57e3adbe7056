"""The tiny calibration problem the calibration tests share: two parameters, data made
by the model itself at TRUE with the calibration's own seed (common random numbers),
2019-22 at scale 0.005."""

from __future__ import annotations

from model import load_scenario, with_changes
from model.calibration.problem import FitTarget
from model.calibration.spec import CalibrationSpec, FreeParameter
from model.simulation.runner import replicate_seeds, simulate

SCALE = 0.005
TRUE = {"certification.provincial.approval": 0.5, "innovation.patent_scale": 0.1}
# Without the provincial quota of 2019-21: at this scale a province has a handful of
# provincial firms and the quota rounds to 0 or 1 of them, which is noise this test of
# the inference does not need.
BASE = load_scenario(
    "baseline", scale=SCALE, time__end="2022Q4", certification__national__recommended_until=0
)


def tiny_spec(**changes) -> CalibrationSpec:
    fields = dict(
        scale=SCALE,
        seeds=1,
        base_seed=5,
        population_size=16,
        generations=3,
        check_draws=3,
        check_seeds=1,
        check_scale=SCALE,
        parameters=(
            FreeParameter(name="certification.provincial.approval", low=0.25, high=0.85),
            FreeParameter(name="innovation.patent_scale", low=0.06, high=0.14, prior="loguniform"),
        ),
    )
    return CalibrationSpec(**{**fields, **changes})


def synthetic_targets(spec: CalibrationSpec) -> list[FitTarget]:
    """Targets made by the model itself at TRUE, with the calibration's own seed."""
    seed = replicate_seeds(spec.base_seed, spec.seeds)[0]
    table = simulate(with_changes(BASE, TRUE), seed=seed).set_index(["variable", "quarter"])
    keys = [
        ("provincial_specialized", "2021Q4"),
        ("provincial_specialized", "2022Q4"),
        ("invention_patents_filed", "2021Q4"),
        ("invention_patents_filed", "2022Q4"),
    ]
    return [FitTarget(v, q, float(table.loc[(v, q), "value"]), tolerance=0.05) for v, q in keys]
