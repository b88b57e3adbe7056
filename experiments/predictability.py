"""How well can each calibrated parameter be learned from the calibration's statistics?
A check that does not use the sampler, with predictors beyond a line.

    .venv/bin/python experiments/predictability.py [--points 1200] [--scale 0.1]

Draws `--points` parameter sets from the calibration's priors (a Latin hypercube on each
prior's CDF scale, seeded), runs each once with the calibration's own simulator and
common seed at `--scale`, and predicts each parameter (on its prior's CDF scale: log for a
log-uniform prior) from the 16 statistics. It uses three predictors, each 5-fold
cross-validated, and keeps the best: linear regression, a quadratic ridge regression
and gradient-boosted trees (scikit-learn).

What it shows, and what it does not. The posterior mean is the best predictor there is:
E[Var(theta | s)] = E[(theta - E[theta | s])^2], and no fitted predictor has a smaller
error. So a predictor's cross-validated error bounds the average posterior variance
*from above*. The implied width ratio, 1.055 sqrt(1 - R^2) (a uniform prior and a
normal posterior; capped at 1), is an upper bound on how wide the posterior is on
average over the prior.

A parameter below 0.5 is identifiable on average, so the count is a lower bound. A
parameter above 0.5 is one that none of these predictors could learn: this is evidence
that the statistics do not carry it, not a proof. It is an average over the prior's
predictive, not the posterior at the observed facts. The simulations are kept in
runs/predictability/, named by the points, the scale and a hash of the calibration spec,
and reused when all three match.
"""

from __future__ import annotations

import argparse
import hashlib
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from model.calibration.problem import fit_targets, prior_variable, simulator
from model.calibration.spec import load_spec, spec_base
from model.calibration.summary import IDENTIFIED_RATIO
from model.reports.report import markdown_table

SPEC = "experiments/calibration.toml"
OUT = Path("runs/predictability")
WIDTH_FACTOR = 3.29 / 0.9 / 12**0.5  # normal 90% width over a uniform prior's, per sqrt(1-R^2)
MISS_CLIP = 50.0  # tolerance units: a guard; a far miss says only "far"


def _run(args: tuple) -> dict[str, float]:
    sim, names, values = args
    return sim(dict(zip(names, values, strict=True)))


def sample(points: int, scale: float, workers: int) -> pd.DataFrame:
    """Prior draws (on each prior's CDF scale, 0-1) and their statistics."""
    spec = load_spec(SPEC).model_copy(update={"scale": scale})
    digest = hashlib.sha256(spec.model_dump_json().encode()).hexdigest()[:8]
    path = OUT / f"sample_{points}_{scale:g}_{digest}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    sim = simulator(spec, spec_base(spec), fit_targets(spec))
    names = [p.name for p in spec.parameters]
    cdf = qmc.LatinHypercube(d=len(names), seed=7).random(points)
    values = np.column_stack(
        [prior_variable(p).distribution.ppf(cdf[:, j]) for j, p in enumerate(spec.parameters)]
    )
    with Pool(workers) as pool:
        stats = pool.map(_run, [(sim, names, row) for row in values], chunksize=4)
    frame = pd.concat([pd.DataFrame(cdf, columns=names), pd.DataFrame(stats)], axis=1)
    OUT.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path)
    return frame


def predictability(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Per parameter: cross-validated R^2 of each predictor and the implied width ratio
    (an upper bound on the average posterior width, from the best of them)."""
    stats = np.clip(frame.drop(columns=names).to_numpy(float), -MISS_CLIP, MISS_CLIP)
    folds = KFold(5, shuffle=True, random_state=0)
    models = {
        "linear": LinearRegression,
        "quadratic": lambda: make_pipeline(
            StandardScaler(),
            PolynomialFeatures(2),
            StandardScaler(),
            RidgeCV(alphas=np.logspace(-2, 4, 25)),
        ),
        "trees": lambda: HistGradientBoostingRegressor(
            max_iter=1000,
            learning_rate=0.03,
            early_stopping=True,
            validation_fraction=0.15,
            n_iter_no_change=30,
            min_samples_leaf=10,
            l2_regularization=1.0,
            random_state=0,
        ),
    }
    rows = []
    for name in names:
        target = frame[name].to_numpy(float)
        r2 = {}
        for label, make in models.items():
            predicted = cross_val_predict(make(), stats, target, cv=folds)
            r2[label] = 1.0 - np.mean((target - predicted) ** 2) / np.var(target)
        best = max(r2.values())
        ratio = min(WIDTH_FACTOR * np.sqrt(max(1.0 - best, 0.0)), 1.0)
        rows.append({"parameter": name, **r2, "implied_width_ratio": ratio})
    return pd.DataFrame(rows).sort_values("implied_width_ratio", ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1200)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    names = [p.name for p in load_spec(SPEC).parameters]
    table = predictability(sample(args.points, args.scale, args.workers), names)
    rows = [
        [
            r.parameter,
            *(f"{v:.2f}" for v in (r.linear, r.quadratic, r.trees)),
            f"{r.implied_width_ratio:.2f}",
        ]
        for r in table.itertuples()
    ]
    header = ["parameter", "R² linear", "R² quadratic", "R² trees", "width ratio at most"]
    print(markdown_table(header, rows))
    identifiable = int((table["implied_width_ratio"] < IDENTIFIED_RATIO).sum())
    print(f"\nidentifiable on average (at least): {identifiable} of {len(names)}")


if __name__ == "__main__":
    main()
