"""Polynomial fits of noisy 1-D data: train/validation/CV errors by degree, ridge and lasso."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from core.lab.url_state import spec

CURVES = {
    "parabola": ("inverted parabola 1 − 4(x − ½)²", lambda x: 1 - 4 * (x - 0.5) ** 2),
    "cosine": ("cos(1.5πx)", lambda x: np.cos(1.5 * np.pi * x)),
}
PENALTIES = ("none", "ridge", "lasso")
MAX_DEGREE = 20
N_VALIDATION = 200


@dataclass(frozen=True)
class PolyConfig:
    """The polynomial page's settings; all of them live in the URL."""

    curve: str = spec("parabola", "curve", "Curve", choices=tuple(CURVES))
    n_samples: int = spec(30, "n", "Samples", lo=8, hi=200)
    noise: float = spec(0.1, "noise", "Noise", lo=0, hi=0.5)
    seed: int = spec(1, "seed", "Seed", lo=0, hi=2**31 - 1)
    degree: int = spec(2, "deg", "Degree", lo=1, hi=MAX_DEGREE)
    overfit_degree: int = spec(15, "over", "Overfit degree", lo=1, hi=MAX_DEGREE)
    penalty: str = spec("ridge", "pen", "Penalty", choices=PENALTIES)
    alpha: float = spec(1e-3, "alpha", "Penalty strength λ", lo=1e-8, hi=100)
    folds: int = spec(10, "k", "CV folds", lo=2, hi=20)
    lasso_alpha: float = spec(1e-4, "lalpha", "Lasso λ (1/(2n) scale)", lo=1e-7, hi=1)

    @property
    def penalty_alpha(self) -> float:
        """The chosen penalty's own λ: ridge and lasso measure strength on different scales."""
        return self.lasso_alpha if self.penalty == "lasso" else self.alpha


@dataclass(frozen=True)
class Data:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def true_function(curve: str):
    return CURVES[curve][1]


def make_data(config: PolyConfig) -> Data:
    """Noisy training samples and a fresh validation sample from the same curve, x in [0, 1]."""
    f = true_function(config.curve)
    rng = np.random.default_rng(config.seed)
    x = np.sort(rng.uniform(0, 1, config.n_samples))
    x_val = np.sort(rng.uniform(0, 1, N_VALIDATION))
    y = f(x) + rng.normal(0, config.noise, x.shape)
    y_val = f(x_val) + rng.normal(0, config.noise, x_val.shape)
    return Data(x, y, x_val, y_val)


def features(x: np.ndarray, degree: int) -> np.ndarray:
    """Powers 1..degree of u = 2x − 1 (in [−1, 1], so the powers stay comparable)."""
    u = 2 * np.asarray(x, dtype=float) - 1
    return np.stack([u**p for p in range(1, degree + 1)], axis=1)


@dataclass(frozen=True)
class Fit:
    degree: int
    penalty: str
    alpha: float
    intercept: float
    coefficients: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + features(x, self.degree) @ self.coefficients

    @property
    def norm(self) -> float:
        return float(np.linalg.norm(self.coefficients))


def fit(
    x: np.ndarray, y: np.ndarray, degree: int, penalty: str = "none", alpha: float = 0.0
) -> Fit:
    """Least squares, ridge (L2) or lasso (L1) on the polynomial features; intercept unpenalized."""
    X = features(x, degree)
    if penalty == "none" or alpha == 0:
        design = np.c_[np.ones(len(x)), X]
        solution, *_ = np.linalg.lstsq(design, y, rcond=None)
        return Fit(degree, "none", 0.0, float(solution[0]), solution[1:])
    if penalty == "ridge":
        return _ridge(X, y, degree, alpha)
    from sklearn.linear_model import Lasso

    model = Lasso(alpha=alpha, max_iter=200_000, tol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return Fit(degree, penalty, alpha, float(model.intercept_), np.asarray(model.coef_))


def _ridge(X: np.ndarray, y: np.ndarray, degree: int, alpha: float) -> Fit:
    """Minimize ‖y − b − Xw‖² + α‖w‖² in closed form (as scikit-learn's Ridge does)."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    centered = X - x_mean
    w = np.linalg.solve(centered.T @ centered + alpha * np.eye(degree), centered.T @ (y - y_mean))
    return Fit(degree, "ridge", alpha, float(y_mean - x_mean @ w), w)


def mse(model: Fit, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((model.predict(x) - y) ** 2))


def cv_mse(x, y, degree: int, folds: int, seed: int, penalty="none", alpha=0.0) -> np.ndarray:
    """Validation MSE of each of k shuffled folds."""
    order = np.random.default_rng(seed).permutation(len(x))
    scores = []
    for part in np.array_split(order, min(folds, len(x))):
        keep = np.setdiff1d(order, part)
        scores.append(mse(fit(x[keep], y[keep], degree, penalty, alpha), x[part], y[part]))
    return np.asarray(scores)


def errors_by_degree(config: PolyConfig, data: Data) -> list[dict]:
    """Train, validation and k-fold CV error (mean, std) for degrees 1..20, no penalty."""
    rows = []
    for degree in range(1, MAX_DEGREE + 1):
        model = fit(data.x_train, data.y_train, degree)
        cv = cv_mse(data.x_train, data.y_train, degree, config.folds, config.seed)
        rows.append(
            {
                "degree": degree,
                "train": mse(model, data.x_train, data.y_train),
                "validation": mse(model, data.x_val, data.y_val),
                "cv_mean": float(cv.mean()),
                "cv_std": float(cv.std()),
            }
        )
    return rows


def used_folds(config: PolyConfig, data: Data) -> int:
    """The folds cross-validation really uses: never more than there are training samples."""
    return min(config.folds, len(data.x_train))


def overfit_panel_degree(best: int) -> int:
    """The 'Overfit' panel's degree: well past the best one (the course's 15 at least)."""
    return min(MAX_DEGREE, max(15, best + 5))


def best_degree(rows: list[dict], key: str = "cv_mean") -> int:
    return min(rows, key=lambda row: row[key])["degree"]
