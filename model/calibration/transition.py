"""The perturbation kernel: pyabc's multivariate normal KDE, kept wide when the
importance weights are degenerate.

ABC-SMC proposes each generation's particles from a kernel density of the last
accepted ones, with their importance weights as mixture weights, and weighs a new
particle by prior(theta) / q(theta), q the density it was proposed from. In 18
dimensions with 100 particles a few particles soon carry nearly all the weight; the
weighted covariance is then nearly singular (spanned by those few), pyabc's density of
proposals off that span is zero, and whole generations failed ("population total
weight nan"). When the weights are degenerate (`summary.weights_degenerate`) this
kernel takes the accepted particles alike, as the posterior does (`usable_weights`):
the proposal is the accepted particles' spread, and prior / q is still the right
importance weight, because q is the density the particles were drawn from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc

from model.calibration.summary import usable_weights


class SpreadTransition(pyabc.MultivariateNormalTransition):
    """MultivariateNormalTransition fitted with `usable_weights` of the particles."""

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Fit the kernel to the particles, alike if their weights are degenerate."""
        super().fit(X, usable_weights(np.asarray(w, float)))
