"""Dropout on the PyTorch notes' 784-128-64-10 net: Bernoulli masks, inverted scaling, eval mode."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.lab.url_state import spec

LAYERS = (784, 128, 64, 10)
TRAIN_PASSES = 30  # forward passes in training mode, to show the spread of the output

COURSE_SLIPS = (
    (
        "20 % of a 64-unit layer is 12 units dropped.",
        "Each unit drops on its own with probability p, so the count is Binomial(64, 0.2): "
        "12.8 on average (± 3.2), and it changes on every forward pass.",
    ),
    (
        "Dropout: not more than 30 % (handwritten notes).",
        "The course's own IMDB and MNIST notebooks use 0.5 after the dense layers, the PyTorch "
        "notes 0.3. The right rate depends on the layer's width and the data: try both below.",
    ),
)


@dataclass(frozen=True)
class DropoutConfig:
    """The dropout page's settings; the pass counter makes a link show the same masks."""

    rate: float = spec(0.2, "p", "Dropout rate p (hidden layers)", lo=0, hi=0.9)
    input_rate: float = spec(0.0, "pin", "Dropout rate at the input", lo=0, hi=0.9)
    passes: int = spec(1, "pass", "Forward pass", lo=1, hi=1_000_000)
    digit: int = spec(0, "img", "Input image", lo=0, hi=99)
    seed: int = spec(0, "seed", "Seed", lo=0, hi=2**31 - 1)


@lru_cache(maxsize=4)
def network(seed: int) -> tuple[np.ndarray, ...]:
    """He-initialized weights of an untrained 784-128-64-10 net (biases are zero)."""
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(0, np.sqrt(2 / n), (n, m)) for n, m in itertools.pairwise(LAYERS))


@lru_cache(maxsize=4)
def _digits() -> np.ndarray:
    from sklearn.datasets import load_digits

    images = load_digits().images / 16.0  # 8×8, no download
    big = np.kron(images, np.ones((3, 3)))  # 24×24
    return np.pad(big, ((0, 0), (2, 2), (2, 2))).reshape(len(images), -1)  # 28×28 = 784


def input_image(index: int) -> np.ndarray:
    """A scikit-learn handwritten digit, enlarged to 28×28 = 784 inputs in [0, 1]."""
    return _digits()[index]


def shown_inputs() -> np.ndarray:
    """Indices of the drawn input pixels: a 7×7 grid over the 28×28 image."""
    rows = np.arange(2, 28, 4)
    return (rows[:, None] * 28 + rows[None, :]).ravel()


def keep_masks(config: DropoutConfig, pass_index: int | None = None) -> list[np.ndarray]:
    """Keep (True) or drop (False) for the input and each hidden layer on one forward pass."""
    rng = np.random.default_rng([config.seed, config.passes if pass_index is None else pass_index])
    rates = (config.input_rate, config.rate, config.rate)
    return [rng.random(n) >= p for n, p in zip(LAYERS[:-1], rates, strict=True)]


def dropout(a: np.ndarray, keep: np.ndarray, rate: float) -> np.ndarray:
    """Inverted dropout: dropped units give 0, kept ones are scaled by 1/(1 − p)."""
    return np.where(keep, a / (1 - rate), 0.0) if rate else a


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def forward(
    x: np.ndarray, weights: tuple[np.ndarray, ...], masks: list[np.ndarray] | None, config
) -> list[np.ndarray]:
    """Activations of every layer; masks=None is evaluation mode (no dropout, no scaling)."""
    rates = (config.input_rate, config.rate, config.rate)
    a = x if masks is None else dropout(x, masks[0], rates[0])
    layers = [a]
    for i, w in enumerate(weights):
        z = a @ w
        if i == len(weights) - 1:
            layers.append(_softmax(z))
            break
        a = np.maximum(z, 0)
        if masks is not None:
            a = dropout(a, masks[i + 1], rates[i + 1])
        layers.append(a)
    return layers


def expected_dropped(n: int, rate: float) -> tuple[float, float]:
    """Mean and standard deviation of the number of dropped units: Binomial(n, p)."""
    return n * rate, float(np.sqrt(n * rate * (1 - rate)))


def dropped_counts(config: DropoutConfig, n: int = 64, passes: int = 2000) -> np.ndarray:
    """How many of n units drop on each of many passes (for the histogram)."""
    rng = np.random.default_rng([config.seed, 7])
    return (rng.random((passes, n)) < config.rate).sum(axis=1)


@dataclass(frozen=True)
class PassView:
    """What one forward pass shows: masks, activations in both modes, output spread."""

    masks: list[np.ndarray]
    train: list[np.ndarray]
    evaluation: list[np.ndarray]
    train_outputs: np.ndarray  # (TRAIN_PASSES, 10) softmax outputs, passes ending at this one


def view(config: DropoutConfig) -> PassView:
    x = input_image(config.digit)
    weights = network(config.seed)
    masks = keep_masks(config)
    first = max(1, config.passes - TRAIN_PASSES + 1)
    outputs = [
        forward(x, weights, keep_masks(config, k), config)[-1]
        for k in range(first, first + TRAIN_PASSES)
    ]
    return PassView(
        masks,
        forward(x, weights, masks, config),
        forward(x, weights, None, config),
        np.asarray(outputs),
    )


def scaling_demo(config: DropoutConfig, passes: int = 5000) -> tuple[np.ndarray, ...]:
    """Second hidden layer: (evaluation activation, one dropped-out pass, mean over passes).

    Only this layer drops here, so the mean over many masks should equal the evaluation
    activation: that equality is why inverted dropout scales the kept units by 1/(1 − p).
    """
    x = input_image(config.digit)
    w1, w2, _ = network(config.seed)
    a = np.maximum(np.maximum(x @ w1, 0) @ w2, 0)
    rng = np.random.default_rng([config.seed, config.passes, 11])
    keep = rng.random((passes, a.size)) >= config.rate
    dropped = dropout(a[None, :], keep, config.rate)
    return a, dropped[0], dropped.mean(axis=0)
