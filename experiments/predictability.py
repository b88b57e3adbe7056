"""Could any method identify the calibration's parameters from its targets? A check that
does not depend on the sampler or on a linear model.

    .venv/bin/python experiments/predictability.py [--points 1200] [--scale 0.1]

Draws `--points` parameter sets from the calibration's priors (a Latin hypercube, seeded),
runs each once with the calibration's own simulator and common seed at `--scale`, and
asks how well each parameter can be predicted from the 16 statistics, by 5-fold
cross-validated linear regression and gradient-boosted trees (scikit-learn, which pyabc
already installs). The mean squared error of the best predictor bounds the average
posterior variance from below: E[Var(theta | s)] = Var(theta) - Var(E[theta | s]), and no
predictor beats E[theta | s]. With a uniform prior (s.d. 1/sqrt(12) of its width, 90%
interval 0.9 of it) and a posterior near normal (90% interval 3.29 s.d.), the implied
width ratio is 1.055 sqrt(1 - R^2). A parameter whose implied ratio stays above 0.5 is not
identified on average by any inference from these statistics. Each parameter is read on
its prior's own scale (log for a log-uniform prior). The simulations are kept in
runs/predictability/sample.parquet and reused when the points and scale match.
"""

from __future__ import annotations

import argparse
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_predict

from model.calibration.problem import fit_targets, prior_variable, simulator
from model.calibration.spec import load_spec, spec_base
from model.calibration.summary import IDENTIFIED_RATIO
from model.reports.report import markdown_table

SPEC = "experiments/calibration.toml"
OUT = Path("runs/predictability")
WIDTH_FACTOR = 3.29 / 0.9 / 12**0.5  # normal 90% width over a uniform prior's, per sqrt(1-R^2)
MISS_CLIP = 50.0  # tolerance units: a far miss says only "far"


def _run(args: tuple) -> dict[str, float]:
    sim, names, values = args
    return sim(dict(zip(names, values, strict=True)))


def sample(points: int, scale: float, workers: int) -> pd.DataFrame:
    """Prior draws (on each prior's CDF scale, 0-1) and their statistics."""
    path = OUT / f"sample_{points}_{scale:g}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    spec = load_spec(SPEC).model_copy(update={"scale": scale})
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
    """Per parameter: cross-validated R^2 (linear, trees) and the implied width ratio."""
    stats = np.clip(frame.drop(columns=names).to_numpy(float), -MISS_CLIP, MISS_CLIP)
    folds = KFold(5, shuffle=True, random_state=0)
    models = {
        "linear": LinearRegression,
        "trees": lambda: HistGradientBoostingRegressor(learning_rate=0.05, random_state=0),
    }
    rows = []
    for name in names:
        target = frame[name].to_numpy(float)
        r2 = {}
        for label, make in models.items():
            predicted = cross_val_predict(make(), stats, target, cv=folds)
            r2[label] = 1.0 - np.mean((target - predicted) ** 2) / np.var(target)
        best = max(r2.values())
        ratio = WIDTH_FACTOR * np.sqrt(max(1.0 - best, 0.0))
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
        [r.parameter, f"{r.linear:.2f}", f"{r.trees:.2f}", f"{r.implied_width_ratio:.2f}"]
        for r in table.itertuples()
    ]
    print(markdown_table(["parameter", "R² linear", "R² trees", "implied width ratio"], rows))
    identifiable = int((table["implied_width_ratio"] < IDENTIFIED_RATIO).sum())
    print(f"\nidentifiable on average by any method: {identifiable} of {len(names)}")


if __name__ == "__main__":
    main()
