"""Datasets the lab trains on: embedded ones made on the spot, and splits into train/val/test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RANDOM_FEATURES = 10  # the handwritten notes' EarlyStopping demo: np.random.rand(1000, 10)


@dataclass(frozen=True)
class DatasetInfo:
    """What the model builder and the page need to know about a dataset."""

    name: str
    title: str
    kind: str  # "image", "points", "table" (RANDOM_FEATURES numbers a row) or "text"
    image_shape: tuple[int, int, int] | None
    n_classes: int
    embedded: bool
    class_names: tuple[str, ...]
    blurb: str

    @property
    def is_binary(self) -> bool:
        return self.n_classes == 2

    def input_dim(self, vocabulary: int = 10_000) -> int:
        if self.kind == "text":
            return vocabulary
        if self.image_shape is not None:
            h, w, c = self.image_shape
            return h * w * c
        return RANDOM_FEATURES if self.kind == "table" else 2


_DIGITS = tuple(str(d) for d in range(10))
_FASHION = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "digits",
            "Digits 8×8 (embedded)",
            "image",
            (8, 8, 1),
            10,
            True,
            _DIGITS,
            "scikit-learn's 1,797 handwritten digits, 8×8 pixels. No download.",
        ),
        DatasetInfo(
            "moons",
            "Two moons (2-D)",
            "points",
            None,
            2,
            True,
            ("0", "1"),
            "Two interleaving half circles.",
        ),
        DatasetInfo(
            "circles",
            "Circles (2-D)",
            "points",
            None,
            2,
            True,
            ("outer", "inner"),
            "A small circle inside a large one.",
        ),
        DatasetInfo(
            "spiral",
            "Spiral (2-D)",
            "points",
            None,
            2,
            True,
            ("0", "1"),
            "Two intertwined spirals: needs a deeper, wider net.",
        ),
        DatasetInfo(
            "xor",
            "XOR (2-D)",
            "points",
            None,
            2,
            True,
            ("0", "1"),
            "Opposite quadrants share a class: no straight line separates them.",
        ),
        DatasetInfo(
            "random",
            "Random noise (10 features)",
            "table",
            None,
            2,
            True,
            ("0", "1"),
            "Rows of 10 uniform random numbers with random 0/1 labels, as in the handwritten "
            "notes' EarlyStopping demo: there is nothing to learn, so validation loss only rises.",
        ),
        DatasetInfo(
            "mnist",
            "MNIST (course)",
            "image",
            (28, 28, 1),
            10,
            False,
            _DIGITS,
            "70,000 handwritten digits, 28×28.",
        ),
        DatasetInfo(
            "fashion_mnist",
            "Fashion-MNIST (course)",
            "image",
            (28, 28, 1),
            10,
            False,
            _FASHION,
            "70,000 clothing pictures, 28×28, ten classes.",
        ),
        DatasetInfo(
            "imdb",
            "IMDB reviews (course)",
            "text",
            None,
            2,
            False,
            ("negative", "positive"),
            "50,000 movie reviews, multi-hot top-N words.",
        ),
    )
}


@dataclass(frozen=True)
class Splits:
    """Train, validation and test arrays; the test set is never used in training."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = np.arange(n) % 2
    radius = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * radius + np.pi * labels
    points = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return points + rng.normal(0, noise * 0.15, points.shape), labels


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points = rng.uniform(-1, 1, (n, 2))
    labels = (points[:, 0] * points[:, 1] > 0).astype(int)
    return points + rng.normal(0, noise * 0.3, points.shape), labels


def load_embedded(name: str, n_samples: int = 600, noise: float = 0.2, seed: int = 0):
    """(x, y) for an embedded dataset: digits as 8×8×1 images in [0, 1], points as (n, 2)."""
    from sklearn import datasets as sk

    if name == "digits":
        x, y = sk.load_digits(return_X_y=True)
        return (x / 16.0).astype("float32").reshape(-1, 8, 8, 1), y.astype("int32")
    rng = np.random.default_rng(seed)
    if name == "moons":
        x, y = sk.make_moons(n_samples, noise=noise, random_state=seed)
    elif name == "circles":
        x, y = sk.make_circles(n_samples, noise=noise * 0.5, factor=0.5, random_state=seed)
    elif name == "spiral":
        x, y = _spiral(n_samples, noise, rng)
    elif name == "xor":
        x, y = _xor(n_samples, noise, rng)
    elif name == "random":  # X = np.random.rand(1000, 10); y = np.random.randint(2, size=1000)
        x, y = rng.random((n_samples, RANDOM_FEATURES)), rng.integers(0, 2, n_samples)
    else:
        raise KeyError(f"{name!r} is not an embedded dataset")
    return x.astype("float32"), y.astype("int32")


def split(
    x: np.ndarray,
    y: np.ndarray,
    *,
    val_fraction: float,
    test_fraction: float,
    train_subset: int = 0,
    seed: int = 0,
) -> Splits:
    """Seeded shuffle, then test, validation (holdout fraction of the rest) and training parts."""
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(len(y) * test_fraction)
    n_val = round((len(y) - n_test) * val_fraction)
    test, val, train = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    if train_subset:
        train = train[:train_subset]
    return Splits(x[train], y[train], x[val], y[val], x[test], y[test])
