"""K-fold validation without TensorFlow: settings, fold indices and the folds' average curves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from core.lab.checks import problems
from core.lab.config import Caps, TrainingConfig
from core.lab.url_state import field_problems, spec

METRICS = ("val_data_loss", "data_loss", "val_accuracy", "accuracy")


@dataclass(frozen=True)
class KFoldSettings:
    """How the reduced training set is cut: its size, k folds, P reshuffled repetitions."""

    size: int = spec(240, "kn", "Reduced training-set size", lo=20, hi=25_000)
    k: int = spec(4, "k", "Folds k", lo=2, hi=10)
    repeats: int = spec(1, "reps", "Repetitions P (iterated K-fold)", lo=1, hi=5)

    @property
    def models(self) -> int:
        """Models trained in all: k per repetition, plus the final retrain."""
        return self.k * self.repeats + 1


DEMO_SETTINGS = KFoldSettings()  # all 240 training examples of the demo's 300
DEMO_CONFIG = replace(  # small and noisy: the folds disagree and the average turns up
    TrainingConfig(),
    dataset="moons",
    n_samples=300,
    noise=0.35,
    units=(128, 128),
    learning_rate=3e-3,
    epochs=60,
)
COURSE_SETTINGS = KFoldSettings(size=1000, k=4, repeats=1)
COURSE_CONFIG = replace(
    TrainingConfig(),
    dataset="imdb",
    units=(32, 32),
    optimizer="rmsprop",
    batch_size=256,
    epochs=30,
)


@dataclass(frozen=True)
class Fold:
    """One model's share of the reduced set: which examples train it and which validate it."""

    repeat: int
    index: int
    train: np.ndarray
    val: np.ndarray


def fold_indices(n: int, k: int, repeats: int = 1, seed: int = 0) -> list[Fold]:
    """k contiguous validation folds per repetition; repetitions after the first reshuffle.

    Like the course's loop, fold i validates on the i-th slice and trains on the rest; the
    slices differ in size by at most one so that every example validates exactly once.
    """
    folds = []
    for repeat in range(repeats):
        order = (
            np.arange(n) if repeat == 0 else np.random.default_rng([seed, repeat]).permutation(n)
        )
        parts = np.array_split(order, k)
        for index, val in enumerate(parts):
            train = np.concatenate(parts[:index] + parts[index + 1 :])
            folds.append(Fold(repeat, index, train, val))
    return folds


def fold_curves(history: list[dict], metric: str) -> dict[tuple[int, int], list[float]]:
    """Each fold's curve of `metric`, keyed by (repetition, fold), in epoch order."""
    curves: dict[tuple[int, int], list[float]] = defaultdict(list)
    for record in history:
        if record.get("part") == "fold":
            curves[(record["repeat"], record["fold"])].append(record[metric])
    return dict(curves)


@dataclass(frozen=True)
class FoldAverage:
    """Mean and standard deviation over the folds that trained every epoch."""

    folds: int
    mean: dict[str, np.ndarray]
    std: dict[str, np.ndarray]

    @property
    def best_index(self) -> int | None:
        """argmin of the average validation loss (0-based, as the course prints it)."""
        losses = self.mean.get("val_data_loss")
        if losses is None or not len(losses) or np.all(np.isnan(losses)):
            return None
        return int(np.nanargmin(losses))

    @property
    def retrain_epochs(self) -> int | None:
        """The course's last step trains on all the reduced data for best_epoch + 1 epochs."""
        return None if self.best_index is None else self.best_index + 1


def fold_average(history: list[dict], epochs: int) -> FoldAverage:
    """Average curves over the complete folds (a fold still training or stopped is left out)."""
    mean, std, folds = {}, {}, 0
    for metric in METRICS:
        complete = [c for c in fold_curves(history, metric).values() if len(c) == epochs]
        folds = len(complete)
        if complete:
            matrix = np.asarray(complete, dtype=float)
            mean[metric], std[metric] = matrix.mean(axis=0), matrix.std(axis=0)
    return FoldAverage(folds, mean, std)


def kfold_problems(
    settings: KFoldSettings, config: TrainingConfig, caps: Caps | None = None
) -> list[str]:
    """Everything that stops this K-fold run, as sentences a learner can act on."""
    caps = caps or Caps.from_env()
    found = field_problems(settings) + problems(config, caps)
    total = (settings.k * settings.repeats) * config.epochs
    limit = 10 * caps.max_epochs
    if total > limit:
        found.append(
            f"k × P × epochs = {total:,} epochs of training; this server allows {limit:,} per "
            "K-fold run. Use fewer folds, repetitions or epochs."
        )
    return found
