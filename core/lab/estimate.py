"""How long a training run will take: per epoch its arithmetic, Keras' loop per batch and a
little overhead; the first epoch's tracing; scaled by this server's measured speed."""

from __future__ import annotations

import functools
import statistics

from core.lab.config import TrainingConfig
from core.lab.model_summary import sparse_input, summarize

# One warm worker on 2 shared cores, fitted on 44 runs by `python bench/estimates.py`
# (docs/PERFORMANCE.md): an epoch costs its arithmetic at these speeds (FLOP/s, forward +
# backward), plus Keras' loop per training batch, plus a little per epoch; the first epoch adds
# the model's graph tracing (more with batch normalization).
SPEEDS = {"dense": 1.5e10, "conv": 2.5e10}
BACKWARD = 3  # a training step costs about three forward passes
STEP_SECONDS = 0.0007  # per training batch beyond its arithmetic
EPOCH_OVERHEAD = 0.004  # seconds per epoch: callbacks, validation setup, the history
TRACING = 1.2  # seconds: the first epoch traces the model's graph
TRACING_BN = 1.0  # more with batch normalization layers
FULL_SIZES = {"digits": 1797, "mnist": 60_000, "fashion_mnist": 60_000, "imdb": 25_000}
WORTH_SAYING = 60.0  # seconds: shorter runs get no estimate
WORDS_PER_REVIEW = 130  # distinct words of an IMDB review in the top 10,000 (108 in 2,000)


def training_samples(config: TrainingConfig) -> int:
    """About how many examples one epoch trains on (before the run has loaded its data): the
    training part after the test and validation holdouts, then the subset of it."""
    total = FULL_SIZES.get(config.dataset, config.n_samples)
    if config.info.embedded:
        total = round(total * (1 - config.test_fraction))
    train = max(1, round(total * (1 - config.val_fraction)))
    return min(train, config.train_subset) if config.train_subset else train


def forward_flops(config: TrainingConfig) -> float:
    """One example's forward pass; a sparse first layer multiplies only a review's words."""
    rows = summarize(config).rows
    forward = float(sum(r.flops for r in rows))
    if sparse_input(config):
        forward -= rows[0].flops * (1 - min(WORDS_PER_REVIEW / config.vocabulary, 1.0))
    return forward


def _conv_share(config: TrainingConfig) -> float:
    rows = summarize(config).rows
    total = sum(r.flops for r in rows)
    return sum(r.flops for r in rows if r.kind == "Conv2D") / total if total else 0.0


def epoch_flops(config: TrainingConfig, samples: int) -> float:
    """Training one epoch plus scoring the validation part once."""
    forward = forward_flops(config)
    validation = samples * config.val_fraction / max(1 - config.val_fraction, 1e-9)
    return forward * (BACKWARD * samples + validation)


def epoch_seconds(config: TrainingConfig, samples: int | None = None) -> float:
    """One epoch after the first, on one warm worker."""
    samples = samples or training_samples(config)
    conv = _conv_share(config)
    speed = 1 / (conv / SPEEDS["conv"] + (1 - conv) / SPEEDS["dense"])
    steps = -(-samples // config.batch_size)
    return epoch_flops(config, samples) / speed + steps * STEP_SECONDS + EPOCH_OVERHEAD


def tracing_seconds(config: TrainingConfig) -> float:
    batchnorm = any(config.batchnorm) or (config.is_cnn and config.conv_batchnorm)
    return TRACING + (TRACING_BN if batchnorm else 0.0)


def run_scale(config: TrainingConfig, samples: int, seconds: list[float]) -> float | None:
    """One finished run's measured over predicted epoch time (the first epoch, which traces
    the graph, left out); None with fewer than 3 epochs."""
    if len(seconds) < 3:
        return None
    return statistics.median(seconds[1:]) / epoch_seconds(config, samples)


def measured_scale(runs: list[tuple[TrainingConfig, int, list[float]]]) -> float | None:
    """How much slower (> 1) or faster this server's workers ran than the model says: the
    median of run_scale over finished runs (config, training samples, epoch seconds)."""
    ratios = [r for run in runs if (r := run_scale(*run)) is not None]
    return statistics.median(ratios) if ratios else None


@functools.lru_cache(maxsize=1024)
def _unscaled(config: TrainingConfig) -> tuple[float, float]:
    """(first epoch's tracing, one epoch) for a config: the queue asks again and again."""
    return tracing_seconds(config), epoch_seconds(config)


def estimate_seconds(config: TrainingConfig, scale: float | None = None) -> float:
    """The whole run, first epoch included (early stopping can end it sooner)."""
    tracing, per_epoch = _unscaled(config)
    return tracing + config.epochs * per_epoch * (scale or 1.0)


def estimate_text(config: TrainingConfig, scale: float | None = None) -> str | None:
    """'About 5 minutes …' for a run long enough to warn about, else None."""
    seconds = estimate_seconds(config, scale)
    if seconds < WORTH_SAYING:
        return None
    span = f"{seconds / 60:.0f} minutes" if seconds < 5400 else f"{seconds / 3600:.1f} hours"
    basis = "this server's measured speed" if scale else "a typical 2-core server"
    sooner = " (early stopping may end it sooner)" if config.early_stopping else ""
    return (
        f"This run will take about **{span}**{sooner} ({config.epochs} epochs, "
        f"{training_samples(config):,} training examples; estimated from the model's size and "
        f"{basis}). Fewer epochs, a training subset or a smaller model make it quicker."
    )
