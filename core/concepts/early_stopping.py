"""Keras' EarlyStopping rule replayed on a validation-loss curve (NumPy, no training)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lab.url_state import spec

EPOCHS = 100

COURSE_SLIPS = (
    (
        "model.add(Dense(64, activation='sigmoid')) as the output for a binary target "
        "with binary_crossentropy (handwritten notes' early-stopping example).",
        "A binary target needs one output unit: Dense(1, activation='sigmoid'). With 64 "
        "sigmoid outputs Keras broadcasts the 0/1 label against 64 predictions and trains "
        "64 copies of the same classifier.",
    ),
    (
        "Loss 0.04 at epoch 10, 0.0401 at 25, 0.04001 at 35: keep training?",
        "Those changes are noise. With min_delta = 0 every new low, however tiny, resets "
        "patience and the run drifts on; min_delta sets how much better counts as better.",
    ),
)


@dataclass(frozen=True)
class StoppingConfig:
    """The early-stopping page's settings, all in the URL."""

    patience: int = spec(5, "pat", "Patience", lo=0, hi=50)
    min_delta: float = spec(0.0, "delta", "min_delta", lo=0, hi=0.05)
    restore_best: bool = spec(True, "restore", "Restore best weights")
    noise: float = spec(0.0005, "noise", "Noise of the validation loss", lo=0, hi=0.01)
    seed: int = spec(0, "seed", "Seed", lo=0, hi=2**31 - 1)


def validation_curve(config: StoppingConfig) -> np.ndarray:
    """val_loss for epochs 1..100: a fast fall to 0.04, a long flat stretch, then overfitting."""
    epoch = np.arange(1, EPOCHS + 1)
    fall = 0.17 * np.exp(-(epoch - 1) / 2.2)
    creep = 0.0004 * np.exp(-(epoch - 10) / 8).clip(max=1)
    overfit = 6e-5 * np.clip(epoch - 35, 0, None) ** 2
    noise = np.random.default_rng(config.seed).normal(0, config.noise, EPOCHS)
    return 0.04 + fall + creep + overfit + noise


@dataclass(frozen=True)
class StoppingRun:
    """What Keras' EarlyStopping did (epochs are 1-based)."""

    improvements: list[int]  # epochs that counted as an improvement
    best_epoch: int  # the last improvement: whose weights restore_best_weights keeps
    stopped_epoch: int | None  # None: it ran all the epochs
    final_epoch: int  # whose weights the model ends with


def replay(losses: np.ndarray, patience: int, min_delta: float, restore_best: bool):
    """keras.callbacks.EarlyStopping(mode='min') epoch by epoch, as in Keras 3's source.

    An epoch counts as an improvement when loss + min_delta < the best loss so far.
    """
    best, wait, best_epoch, improvements = None, 0, 0, []
    for epoch, loss in enumerate(losses):
        wait += 1
        if best is None or loss + min_delta < best:
            best, best_epoch, wait = loss, epoch, 0
            improvements.append(epoch + 1)
            continue
        if wait >= patience and epoch > 0:
            final = best_epoch if restore_best else epoch
            return StoppingRun(improvements, best_epoch + 1, epoch + 1, final + 1)
    final = best_epoch if restore_best else len(losses) - 1
    return StoppingRun(improvements, best_epoch + 1, None, final + 1)
