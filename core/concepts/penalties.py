"""L1 vs L2 on a two-weight least-squares problem: exact optima, paths and the constraint picture.

Objectives (scikit-learn's scale for the data term):
    L1: (1/2n)‖y − Xw‖² + λ‖w‖₁       (sklearn Lasso with alpha = λ)
    L2: (1/2n)‖y − Xw‖² + λ‖w‖²₂      (sklearn Ridge with alpha = 2nλ)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lab.url_state import spec

N_POINTS = 50
TRUE_W = (2.0, 0.6)

COURSE_SLIPS = (
    (
        "The penalty is only added at training time, so the training loss is much higher "
        "than at test time (IMDB notebook).",
        "Keras adds the L1/L2 penalty to every loss it computes: model.evaluate and "
        "val_loss include it too. A training loss above the validation loss comes from "
        "dropout (active only in training) and from the training loss being averaged over "
        "an epoch while the weights still improved. The Training Lab draws the data loss, "
        "without the penalty, so runs with and without one compare.",
    ),
)


@dataclass(frozen=True)
class PenaltyConfig:
    """The L1-vs-L2 page's settings, all in the URL."""

    log_lam: float = spec(-0.1, "loglam", "log₁₀ λ", lo=-3, hi=1)
    correlation: float = spec(0.5, "corr", "Feature correlation", lo=-0.9, hi=0.9)
    noise: float = spec(0.5, "noise", "Noise", lo=0, hi=3)
    seed: int = spec(0, "seed", "Seed", lo=0, hi=2**31 - 1)

    @property
    def lam(self) -> float:
        return 10.0**self.log_lam


def make_problem(config: PenaltyConfig) -> tuple[np.ndarray, np.ndarray]:
    """X (n × 2) with correlated standardized columns and y = X·(2, 0.6) + noise."""
    rng = np.random.default_rng(config.seed)
    cov = [[1.0, config.correlation], [config.correlation, 1.0]]
    X = rng.multivariate_normal([0, 0], cov, N_POINTS)
    y = X @ np.asarray(TRUE_W) + rng.normal(0, config.noise, N_POINTS)
    return X, y


def data_loss(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(1/2n)‖y − Xw‖² for one w (2,) or a grid of them (..., 2)."""
    residual = y - np.asarray(w) @ X.T
    return (residual**2).sum(axis=-1) / (2 * len(y))


def least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.solve(X.T @ X, X.T @ y)


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Closed form: (XᵀX/n + 2λI) w = Xᵀy/n."""
    n = len(y)
    return np.linalg.solve(X.T @ X / n + 2 * lam * np.eye(X.shape[1]), X.T @ y / n)


def soft_threshold(value: float, lam: float) -> float:
    return float(np.sign(value) * max(abs(value) - lam, 0.0))


def lasso(X: np.ndarray, y: np.ndarray, lam: float, tol: float = 1e-12) -> np.ndarray:
    """Coordinate descent: each weight in turn is set to its exact one-dimensional optimum."""
    n, d = X.shape
    w = np.zeros(d)
    curvature = (X**2).sum(axis=0) / n
    for _ in range(100_000):
        largest_step = 0.0
        for j in range(d):
            partial = y - X @ w + X[:, j] * w[j]
            new = soft_threshold(X[:, j] @ partial / n, lam) / curvature[j]
            largest_step = max(largest_step, abs(new - w[j]))
            w[j] = new
        if largest_step < tol:
            break
    return w


def lam_max(X: np.ndarray, y: np.ndarray) -> float:
    """The smallest λ at which lasso sets every weight to zero."""
    return float(np.abs(X.T @ y).max() / len(y))


def paths(X: np.ndarray, y: np.ndarray, lams: np.ndarray) -> dict[str, np.ndarray]:
    """Both optima for every λ: arrays (len(lams), 2)."""
    return {
        "L1": np.asarray([lasso(X, y, lam) for lam in lams]),
        "L2": np.asarray([ridge(X, y, lam) for lam in lams]),
    }


LAMS = np.logspace(-3, 1, 81)
