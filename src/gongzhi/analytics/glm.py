"""A quasi-Poisson GLM with log link, fitted by IRLS the way R's ``glm.fit`` does it.

Only what the Farrington method and the forecasts need: prior weights, an offset, the estimated
dispersion (``summary.glm``'s Pearson estimate), coefficient p-values (t tests on the residual
degrees of freedom, as R does for quasi families), hat values, and predictions with standard errors
on the link and the response scale. Same start (``mu = y + 0.1``), same convergence rule
(relative change of deviance below 1e-8, at most 25 iterations) as R, so results agree to many digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

EPSILON = 1e-8
MAX_ITERATIONS = 25


@dataclass(frozen=True)
class QuasiPoissonFit:
    coef: np.ndarray
    cov_unscaled: np.ndarray  # (X' W X)^-1
    mu: np.ndarray
    y: np.ndarray
    prior_weights: np.ndarray
    hat: np.ndarray
    dispersion: float  # Pearson chi-square / residual degrees of freedom
    df_residual: int
    converged: bool

    def p_value(self, j: int) -> float:
        """Two-sided p-value of coefficient ``j`` (t test, as ``summary.glm`` for quasi families)."""
        se = float(np.sqrt(self.dispersion * self.cov_unscaled[j, j]))
        if se == 0 or not np.isfinite(se) or self.df_residual <= 0:
            return float("nan")
        return float(2 * stats.t.sf(abs(self.coef[j]) / se, self.df_residual))

    def predict_link(self, x: np.ndarray, offset: float = 0.0) -> tuple[float, float]:
        """Linear predictor at the row ``x`` and its standard error (dispersion as estimated)."""
        eta = float(x @ self.coef) + offset
        se = float(np.sqrt(max(self.dispersion, 0.0) * (x @ self.cov_unscaled @ x)))
        return eta, se

    def predict_response(self, x: np.ndarray, offset: float = 0.0) -> tuple[float, float]:
        """Expected count at ``x`` and its standard error by the delta method (``predict.glm``)."""
        eta, se = self.predict_link(x, offset)
        mu = float(np.exp(eta))
        return mu, se * mu


def _deviance(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(w * (term - (y - mu))))


def fit_quasipoisson(
    x: np.ndarray, y: np.ndarray, *, weights: np.ndarray | None = None, offset: np.ndarray | None = None
) -> QuasiPoissonFit:
    """Fit ``log E[y] = offset + x @ beta`` by iteratively reweighted least squares."""
    n, p = x.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu, w)
    coef = np.zeros(p)
    converged = False
    for _ in range(MAX_ITERATIONS):
        z = eta - off + (y - mu) / mu
        wz = w * mu
        sw = np.sqrt(wz)
        coef, *_ = np.linalg.lstsq(x * sw[:, None], z * sw, rcond=None)
        eta = np.clip(x @ coef + off, -700, 700)
        mu = np.exp(eta)
        dev = _deviance(y, mu, w)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            converged = True
            break
        dev_old = dev
    wz = w * mu
    xtwx = x.T @ (x * wz[:, None])
    cov = np.linalg.pinv(xtwx)
    hat = np.einsum("ij,jk,ik->i", x, cov, x) * wz
    used = int(np.sum(w > 0))
    rank = int(np.linalg.matrix_rank(xtwx)) if p else 0
    df = used - rank
    pearson = float(np.sum((w * (y - mu) ** 2 / mu)[w > 0]))
    dispersion = pearson / df if df > 0 else float("nan")
    return QuasiPoissonFit(coef, cov, mu, y, w, hat, dispersion, df, converged)
