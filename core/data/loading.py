"""Arrays for a TrainingConfig, cached once per process (embedded and course datasets)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from core.data.course_data import DatasetUnavailable, Downloader, configured_folder, load_raw
from core.data.datasets import Splits, load_embedded, split
from core.data.features import MultiHot, ScaledImages
from core.lab.config import TrainingConfig

__all__ = ["DatasetUnavailable", "load_splits", "training_pool"]


@lru_cache(maxsize=8)
def _embedded(name: str, n_samples: int, noise: float, seed: int):
    x, y = load_embedded(name, n_samples, noise, seed)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def holdout_indices(n: int, fraction: float, mode: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices: a seeded random holdout, or the first / last part as the
    course does (IMDB validates on the first 10,000 reviews, MNIST on the last 10,000 images)."""
    n_val = round(n * fraction)
    order = np.arange(n) if mode != "random" else np.random.default_rng(seed).permutation(n)
    if mode == "last":
        return order[: n - n_val], order[n - n_val :]
    return order[n_val:], order[:n_val]


@lru_cache(maxsize=1)  # one course dataset per worker at a time: memory is the class's budget
def _course_arrays(name: str, vocabulary: int, download: Downloader | None, data_dir: str | None):
    """Model-ready course arrays, compact: images stay uint8 (read as [0, 1] with a channel),
    IMDB reviews stay word ids (read as multi-hot rows)."""
    x_train, y_train, x_test, y_test = load_raw(name, vocabulary, download, data_dir)
    if name == "imdb":
        x_train = MultiHot.from_sequences(x_train, vocabulary)
        x_test = MultiHot.from_sequences(x_test, vocabulary)
    else:
        x_train, x_test = ScaledImages(x_train[..., None]), ScaledImages(x_test[..., None])
    return x_train, np.asarray(y_train, "int32"), x_test, np.asarray(y_test, "int32")


def load_splits(
    config: TrainingConfig, download: Downloader | None = None, data_dir: str | None = None
) -> Splits:
    """Seeded train / validation / test parts; the training subset trims only the train part.

    Course datasets keep their official test set; validation is a holdout of their training set.
    """
    if config.info.embedded:
        x, y = _embedded(config.dataset, config.n_samples, config.noise, config.seed)
        return split(
            x,
            y,
            val_fraction=config.val_fraction,
            test_fraction=config.test_fraction,
            train_subset=config.train_subset,
            seed=config.seed,
        )
    x_train, y_train, x_test, y_test = _course_arrays(
        config.dataset, config.vocabulary, download, data_dir or configured_folder()
    )
    train, val = holdout_indices(len(y_train), config.val_fraction, config.holdout, config.seed)
    if config.train_subset:
        train = train[: config.train_subset]
    return Splits(x_train[train], y_train[train], x_train[val], y_train[val], x_test, y_test)


def training_pool(
    config: TrainingConfig, download: Downloader | None = None, data_dir: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, x_test, y_test): every example training may use (no holdout), and the test set.

    K-fold validation cuts its folds from the first part; the test set stays untouched.
    """
    if config.info.embedded:
        x, y = _embedded(config.dataset, config.n_samples, config.noise, config.seed)
        parts = split(x, y, val_fraction=0.0, test_fraction=config.test_fraction, seed=config.seed)
        return parts.x_train, parts.y_train, parts.x_test, parts.y_test
    return _course_arrays(
        config.dataset, config.vocabulary, download, data_dir or configured_folder()
    )
