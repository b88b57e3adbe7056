"""How much could the calibration targets identify at best? A linear-Gaussian reading of
the calibration's own simulations.

    .venv/bin/python experiments/identifiability.py [runs/calibration]

Every accepted particle of every generation in the pyabc history (`abc.db`) is a
simulation: its parameters (each scaled to its prior's width, log for a log-uniform
prior) and its summary statistics (each target's miss in tolerance units). A linear
regression of the statistics on the parameters gives the Jacobian J and the residual
covariance R (seed noise and whatever the line misses). The information the targets
carry is then F = J' R^-1 J, and a uniform prior adds a precision of 12 per parameter
(variance 1/12 of its width). The approximate posterior covariance is (F + 12 I)^-1, and
its 90% width against the prior's is the width ratio the calibration report calls
identified below 0.5. Statistics the parameters barely move (R^2 < 0.1: bounds met by
every particle) are left out.

This is what an inference using every simulation efficiently could reach if the model
were linear around the particles: a guide to whether a better sampler or more data is
needed, not a posterior. The eigenvalues of F that are zero are directions no target
constrains at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyabc

from model.calibration.spec import load_spec

MIN_R2 = 0.1
PRIOR_PRECISION = 12.0  # a uniform prior's variance is 1/12 of its width squared


def particles(history: pyabc.History, names: list[str]) -> tuple[np.ndarray, np.ndarray, list]:
    """Parameters and statistics of every accepted particle of every generation."""
    values, stats = [], []
    for t in range(history.max_t + 1):
        frame, _ = history.get_distribution(m=0, t=t)
        _, sums = history.get_weighted_sum_stats(t=t)
        values += frame[names].to_numpy().tolist()
        stats += sums
    keys = list(stats[0])
    return np.array(values), np.array([[s[k] for k in keys] for s in stats], float), keys


def main(folder: Path) -> None:
    spec = load_spec("experiments/calibration.toml")
    names = [p.name for p in spec.parameters]
    history = pyabc.History(f"sqlite:///{(folder / 'abc.db').resolve()}")
    values, stats, keys = particles(history, names)
    scaled = np.empty_like(values)
    for j, p in enumerate(spec.parameters):
        f = np.log if p.prior == "loguniform" else np.asarray
        scaled[:, j] = (f(values[:, j]) - f(p.low)) / (f(p.high) - f(p.low))
    design = np.column_stack([np.ones(len(scaled)), scaled])
    coef, *_ = np.linalg.lstsq(design, stats, rcond=None)
    residuals = stats - design @ coef
    r2 = 1 - residuals.var(0) / stats.var(0)
    kept = r2 > MIN_R2
    jacobian = coef[1:].T[kept]
    information = jacobian.T @ np.linalg.solve(np.cov(residuals[:, kept].T), jacobian)
    covariance = np.linalg.inv(information + PRIOR_PRECISION * np.eye(len(names)))
    ratio = 2 * 1.645 * np.sqrt(np.diag(covariance)) / (2 * 1.645 / np.sqrt(PRIOR_PRECISION))
    eigen = np.linalg.eigvalsh(information)
    print(f"{len(stats)} particles; {kept.sum()} of {len(keys)} statistics kept (R^2 > {MIN_R2})")
    for key, value in zip(keys, r2, strict=True):
        print(f"  R^2 {value:5.2f}  {key}")
    print(f"information: {np.sum(eigen < 1e-6 * eigen.max())} of {len(names)} directions zero")
    print("width ratio (best case)  parameter")
    for name, value in sorted(zip(names, ratio, strict=True), key=lambda item: item[1]):
        print(f"  {value:5.2f}  {'identified' if value < 0.5 else '          '}  {name}")
    print(f"identified at best: {np.sum(ratio < 0.5)} of {len(names)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("runs/calibration"))
