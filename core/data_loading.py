"""Arrays for a TrainingConfig, cached once per process (embedded and course datasets)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from core.config import TrainingConfig
from core.datasets import Splits, load_embedded, split


class DatasetUnavailable(Exception):
    """A dataset could not be loaded; the message says what failed and what to do."""


@lru_cache(maxsize=8)
def _embedded(name: str, n_samples: int, noise: float, seed: int):
    x, y = load_embedded(name, n_samples, noise, seed)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def load_arrays(config: TrainingConfig) -> tuple[np.ndarray, np.ndarray]:
    """All samples (x, y) of the config's dataset before splitting."""
    info = config.info
    if info.embedded:
        return _embedded(config.dataset, config.n_samples, config.noise, config.seed)
    from core.course_data import load_course_arrays

    return load_course_arrays(config.dataset, config.vocabulary)


def load_splits(config: TrainingConfig) -> Splits:
    """Seeded train / validation / test parts; the training subset trims only the train part."""
    info = config.info
    if info.embedded:
        x, y = load_arrays(config)
        return split(
            x,
            y,
            val_fraction=config.val_fraction,
            test_fraction=config.test_fraction,
            train_subset=config.train_subset,
            seed=config.seed,
        )
    from core.course_data import course_splits

    return course_splits(config)
