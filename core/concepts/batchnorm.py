"""Batch normalization in NumPy: one layer's pre-activations over a mini-batch, as Keras does it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lab.url_state import spec

N_INPUTS, N_UNITS = 20, 16
EPSILON = 1e-3  # keras.layers.BatchNormalization's default

COURSE_SLIPS = (
    (
        "Batch normalization significantly improves the model's performance (MNIST notebook).",
        "The same notebook measures 99.18 % test accuracy without BN and 99.10 % with it: "
        "BN smoothed the curves, it did not improve the score. Test claims like this one "
        "with the experiment below.",
    ),
    (
        "BN goes after the Linear layer and before the activation (PyTorch notes).",
        "The MNIST notebook adds it after Conv2D(..., activation='relu'), i.e. after the "
        "activation. Both are used in practice; compare the two histograms on this page, "
        "and both placements in the Training Lab (Batch norm position).",
    ),
)


@dataclass(frozen=True)
class BatchNormConfig:
    """The batch-norm page's settings, all in the URL."""

    batch_size: int = spec(32, "bs", "Batch size", lo=2, hi=512)
    unit: int = spec(0, "unit", "Unit shown", lo=0, hi=N_UNITS - 1)
    gamma: float = spec(1.0, "gamma", "γ (scale)", lo=0, hi=3)
    beta: float = spec(0.0, "beta", "β (shift)", lo=-3, hi=3)
    momentum: float = spec(0.99, "mom", "Momentum of the running averages", lo=0, hi=0.999)
    batches: int = spec(50, "nb", "Training batches seen", lo=1, hi=2000)
    seed: int = spec(0, "seed", "Seed", lo=0, hi=2**31 - 1)


def layer(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A Dense layer (20 → 16) whose units have very different means and scales."""
    rng = np.random.default_rng([seed, 1])
    w = rng.normal(0, 1, (N_INPUTS, N_UNITS)) * rng.uniform(0.1, 1.5, N_UNITS)
    b = rng.uniform(-3, 3, N_UNITS)
    return w, b


def pre_activations(config: BatchNormConfig, batch_index: int) -> np.ndarray:
    """z = xW + b for one mini-batch of inputs x ~ N(0.5, 1)."""
    w, b = layer(config.seed)
    rng = np.random.default_rng([config.seed, 2, batch_index])
    x = rng.normal(0.5, 1.0, (config.batch_size, N_INPUTS))
    return x @ w + b


def normalize(z: np.ndarray, eps: float = EPSILON) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ẑ, batch mean, batch variance) per unit; the variance divides by the batch size."""
    mean, var = z.mean(axis=0), z.var(axis=0)
    return (z - mean) / np.sqrt(var + eps), mean, var


def batch_norm_train(z: np.ndarray, gamma, beta, eps: float = EPSILON) -> np.ndarray:
    """Training mode: normalize with this batch's statistics, then scale by γ and shift by β."""
    return gamma * normalize(z, eps)[0] + beta


def batch_norm_eval(z: np.ndarray, gamma, beta, moving_mean, moving_var, eps=EPSILON):
    """Evaluation mode: the running averages replace the batch's statistics."""
    return gamma * (z - moving_mean) / np.sqrt(moving_var + eps) + beta


def running_averages(config: BatchNormConfig) -> dict[str, np.ndarray]:
    """Keras' moving mean/variance (start 0 and 1) after each training batch, per unit.

    moving = momentum · moving + (1 − momentum) · batch statistic.
    """
    mean, var = np.zeros(N_UNITS), np.ones(N_UNITS)
    means, variances = [], []
    for index in range(config.batches):
        _, batch_mean, batch_var = normalize(pre_activations(config, index))
        mean = config.momentum * mean + (1 - config.momentum) * batch_mean
        var = config.momentum * var + (1 - config.momentum) * batch_var
        means.append(mean)
        variances.append(var)
    return {"mean": np.asarray(means), "var": np.asarray(variances)}


def population(config: BatchNormConfig, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """The true mean and variance per unit (from a large sample): what the averages aim at."""
    w, b = layer(config.seed)
    x = np.random.default_rng([config.seed, 3]).normal(0.5, 1.0, (n, N_INPUTS))
    z = x @ w + b
    return z.mean(axis=0), z.var(axis=0)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def placements(z: np.ndarray, gamma: float, beta: float) -> dict[str, np.ndarray]:
    """What the next layer receives: BN then ReLU vs ReLU then BN."""
    return {
        "before": relu(batch_norm_train(z, gamma, beta)),
        "after": batch_norm_train(relu(z), gamma, beta),
    }
